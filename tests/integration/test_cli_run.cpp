// `reporunner run/ps/logs/stop` end to end, and crash recovery: the headless engine
// (`reporunner serve`) is SIGKILLed in BUILDING, DEPLOYING and READY, restarted, and must
// leave nothing orphaned, tell the truth about every run and keep the logs.
#include "docker/dockerclient.h"
#include "ipc/controlclient.h"
#include "test_dockerfixture.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QTemporaryDir>
#include <QUuid>

#include <csignal>

using namespace rr;
using rr::test::await;

class TestCliRun : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_cli;
    QString m_socket;
    std::unique_ptr<docker::DockerClient> m_client;

    QMap<QString, QString> env() const
    {
        return {{QStringLiteral("XDG_DATA_HOME"), m_dir.filePath(QStringLiteral("data"))},
                {QStringLiteral("XDG_CACHE_HOME"), m_dir.filePath(QStringLiteral("cache"))},
                {QStringLiteral("XDG_RUNTIME_DIR"), m_dir.filePath(QStringLiteral("rt"))},
                {QStringLiteral("REPORUNNER_SOCKET"), m_socket}};
    }
    std::unique_ptr<QProcess> serve()
    {
        auto p = std::make_unique<QProcess>();
        QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
        const auto vars = env();
        for (auto it = vars.begin(); it != vars.end(); ++it)
            e.insert(it.key(), it.value());
        p->setProcessEnvironment(e);
        p->setProcessChannelMode(QProcess::ForwardedErrorChannel);
        p->start(m_cli, {QStringLiteral("serve"), QStringLiteral("--socket"), m_socket});
        return p;
    }
    std::unique_ptr<ipc::ControlClient> connectClient()
    {
        for (int attempt = 0; attempt < 100; ++attempt) {
            auto c = std::make_unique<ipc::ControlClient>();
            c->setCallTimeout(std::chrono::seconds(120));
            c->connectToServer(m_socket);
            if (await(c->call(QStringLiteral("hello"))))
                return c;
            QTest::qWait(200);
        }
        return nullptr;
    }
    QJsonObject get(ipc::ControlClient &c, const QString &id)
    {
        auto r = await(c.call(QStringLiteral("get"), {{QStringLiteral("runId"), id}}));
        return r ? r->toObject().value(QStringLiteral("run")).toObject() : QJsonObject{};
    }
    int labelled(const QString &runId)
    {
        const QStringList filter{QStringLiteral("reporunner.dev/run-id=") + runId};
        return int(await(m_client->listContainers(filter))->size() +
                   await(m_client->listNetworks(filter))->size());
    }
    QString project(const QString &name)
    {
        const QString dir = m_dir.filePath(name);
        const QByteArray nonce = QUuid::createUuid().toByteArray(QUuid::Id128);
        rr::test::writeTree(dir,
                            {{QStringLiteral("site/index.html"), "hello from " + name.toUtf8() + "\n"},
                             {QStringLiteral("Dockerfile"),
                              "FROM busybox:1.36\nRUN echo build-" + nonce +
                                  " && sleep 4\nCOPY site/ /site/\nEXPOSE 8000\n"
                                  "HEALTHCHECK --interval=3s --timeout=1s CMD wget -q -O /dev/null "
                                  "http://127.0.0.1:8000/ || exit 1\n"
                                  // The server starts late, so DEPLOYING lasts a few seconds
                                  // however quickly the runtime checks health.
                                  "CMD [\"sh\", \"-c\", \"sleep 4; exec httpd -f -p 8000 -h /site\"]\n"}});
        return dir;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_cli = qEnvironmentVariable("REPORUNNER_CLI");
        QVERIFY2(QFileInfo(m_cli).isExecutable(), "REPORUNNER_CLI must point at the reporunner binary");
        auto host = docker::DockerHost::fromEnvironment();
        QVERIFY(host.has_value());
        m_client = std::make_unique<docker::DockerClient>(*host);
        RR_REQUIRE_DOCKER(*m_client);
        QVERIFY(QDir().mkpath(m_dir.filePath(QStringLiteral("rt"))));
        QFile::setPermissions(m_dir.filePath(QStringLiteral("rt")),
                              QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
        m_socket = m_dir.filePath(QStringLiteral("rt/ctl.sock"));
    }

    // A failed check returns from its test early; the engine `run` started in the background
    // must not outlive the test either way.
    void cleanupTestCase()
    {
        rr::test::stopBackgroundServe(m_dir.filePath(QStringLiteral("rt/reporunner/serve.pid")));
    }

    void crashRecovery_data()
    {
        QTest::addColumn<QString>("phase");
        QTest::newRow("building") << QStringLiteral("BUILDING");
        QTest::newRow("deploying") << QStringLiteral("DEPLOYING");
        QTest::newRow("ready") << QStringLiteral("READY");
    }
    void crashRecovery()
    {
        QFETCH(QString, phase);
        auto engine = serve();
        auto client = connectClient();
        QVERIFY(client);
        QString id;
        bool reached = false;
        connect(client.get(), &ipc::ControlClient::eventReceived, this,
                [&](const QString &name, const QJsonObject &data) {
                    const QJsonObject run = data.value(QStringLiteral("run")).toObject();
                    if (name == QLatin1String("run.updated") &&
                        run.value(QStringLiteral("id")).toString() == id &&
                        run.value(QStringLiteral("state")).toString() == phase)
                        reached = true;
                });
        QVERIFY(await(client->call(QStringLiteral("subscribe"))));
        auto started = await(client->call(
            QStringLiteral("start"), {{QStringLiteral("source"), project(phase.toLower())},
                                      {QStringLiteral("options"),
                                       QJsonObject{{QStringLiteral("runtime"), QStringLiteral("docker")}}}}));
        QVERIFY(started.has_value());
        id = started->toObject()
                 .value(QStringLiteral("run"))
                 .toObject()
                 .value(QStringLiteral("id"))
                 .toString();
        QTRY_VERIFY_WITH_TIMEOUT(reached, 120000);
        QTest::qWait(500); // the store flushes every 100 ms: let the phase reach the disk
        engine->kill();    // SIGKILL
        QVERIFY(engine->waitForFinished(10000));
        client.reset();

        engine = serve();
        client = connectClient();
        QVERIFY(client);
        if (phase == QLatin1String("READY")) {
            QTRY_COMPARE_WITH_TIMEOUT(get(*client, id).value(QStringLiteral("state")).toString(),
                                      QStringLiteral("READY"), 30000);
            const QString url =
                await(client->call(QStringLiteral("openPreview"), {{QStringLiteral("runId"), id}}))
                    ->toObject()
                    .value(QStringLiteral("url"))
                    .toString();
            QNetworkAccessManager http;
            std::unique_ptr<QNetworkReply> reply(http.get(QNetworkRequest(QUrl(url))));
            QTRY_VERIFY_WITH_TIMEOUT(reply->isFinished(), 10000);
            QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
            QVERIFY(labelled(id) > 0);
        } else {
            QTRY_COMPARE_WITH_TIMEOUT(get(*client, id).value(QStringLiteral("state")).toString(),
                                      QStringLiteral("FAILED"), 60000);
            const QJsonObject diagnosis = get(*client, id).value(QStringLiteral("diagnosis")).toObject();
            QCOMPARE(diagnosis.value(QStringLiteral("code")).toString(), QStringLiteral("run.interrupted"));
            QCOMPARE(diagnosis.value(QStringLiteral("phase")).toString(), phase);
            // Whatever the dead engine had created (network, containers) is gone.
            QTRY_COMPARE_WITH_TIMEOUT(labelled(id), 0, 60000);
        }
        // The logs written before the crash survived it.
        const QJsonArray lines = await(client->call(QStringLiteral("logs"), {{QStringLiteral("runId"), id}}))
                                     ->toObject()
                                     .value(QStringLiteral("lines"))
                                     .toArray();
        QStringList texts;
        for (const QJsonValue &l : lines)
            texts << l.toObject().value(QStringLiteral("text")).toString();
        QVERIFY2(texts.contains(QStringLiteral("FETCHING")) && texts.contains(phase),
                 qPrintable(texts.join(QLatin1Char('\n'))));

        auto stopped = await(client->call(QStringLiteral("stop"), {{QStringLiteral("runId"), id}}));
        QVERIFY(stopped.has_value());
        QCOMPARE(labelled(id), 0);
        engine->terminate();
        QVERIFY(engine->waitForFinished(20000));
    }

    void runPsLogsStopFromTheCommandLine()
    {
        // No engine is running: `run` starts `reporunner serve` in the background itself.
        const auto run = rr::test::run(m_cli,
                                       {QStringLiteral("run"), project(QStringLiteral("cli")),
                                        QStringLiteral("--runtime"), QStringLiteral("docker")},
                                       {}, {}, 180000, env());
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QVERIFY2(run.out.startsWith("http://127.77."), run.out.constData());
        QVERIFY(run.err.contains("BUILDING"));
        const QString pidFile = m_dir.filePath(QStringLiteral("rt/reporunner/serve.pid"));
        QVERIFY(QFile::exists(pidFile));

        const auto ps =
            rr::test::run(m_cli, {QStringLiteral("ps"), QStringLiteral("--json")}, {}, {}, 30000, env());
        QCOMPARE(ps.exitCode, 0);
        QString id;
        for (const QJsonValue &v : QJsonDocument::fromJson(ps.out).array())
            if (v.toObject().value(QStringLiteral("state")).toString() == QLatin1String("READY"))
                id = v.toObject().value(QStringLiteral("id")).toString();
        QVERIFY(!id.isEmpty());
        const auto table = rr::test::run(m_cli, {QStringLiteral("ps")}, {}, {}, 30000, env());
        QVERIFY(table.out.contains(id.toUtf8()) && table.out.contains("READY"));

        const auto logs = rr::test::run(m_cli, {QStringLiteral("logs"), id}, {}, {}, 30000, env());
        QCOMPARE(logs.exitCode, 0);
        QVERIFY(logs.out.contains("build-"));
        const auto open = rr::test::run(m_cli, {QStringLiteral("open"), id}, {}, {}, 30000, env());
        QCOMPARE(open.exitCode, 0);
        QVERIFY(run.out.startsWith(open.out.trimmed()));

        // rm refuses a run that is still up, and says what to do.
        const auto busy = rr::test::run(m_cli, {QStringLiteral("rm"), id}, {}, {}, 30000, env());
        QCOMPARE(busy.exitCode, 2);
        QVERIFY2(busy.err.contains("stop it first"), busy.err.constData());
        // The image the run built carries this engine's label: a dry prune that keeps nothing lists it.
        const auto dry =
            rr::test::run(m_cli,
                          {QStringLiteral("prune"), QStringLiteral("--dry-run"), QStringLiteral("--keep"),
                           QStringLiteral("0"), QStringLiteral("--older-than"), QStringLiteral("0"),
                           QStringLiteral("--json")},
                          {}, {}, 60000, env());
        QCOMPARE(dry.exitCode, 0);
        const QJsonObject report = QJsonDocument::fromJson(dry.out).object();
        QVERIFY(report.value(QStringLiteral("dryRun")).toBool());
        QVERIFY2(!report.value(QStringLiteral("images")).toArray().isEmpty(), dry.out.constData());

        const auto stop = rr::test::run(m_cli, {QStringLiteral("stop"), id}, {}, {}, 120000, env());
        QCOMPARE(stop.exitCode, 0);
        QVERIFY(stop.out.contains("STOPPED"));
        QCOMPARE(labelled(id), 0);
        const auto rm = rr::test::run(m_cli, {QStringLiteral("rm"), id}, {}, {}, 30000, env());
        QCOMPARE(rm.exitCode, 0);
        QVERIFY(rm.out.contains(QByteArray(QByteArray("removed ") + id.toUtf8())));
        const auto after = rr::test::run(m_cli, {QStringLiteral("ps")}, {}, {}, 30000, env());
        QVERIFY(!after.out.contains(id.toUtf8()));
        const auto noLogs = rr::test::run(m_cli, {QStringLiteral("logs"), id}, {}, {}, 30000, env());
        QCOMPARE(noLogs.exitCode, 2);
        const auto human = rr::test::run(m_cli, {QStringLiteral("prune"), QStringLiteral("--dry-run")}, {},
                                         {}, 60000, env());
        QCOMPARE(human.exitCode, 0);
        QVERIFY2(human.out.contains("nothing removed (dry run)"), human.out.constData());
        const auto missing =
            rr::test::run(m_cli, {QStringLiteral("stop"), QStringLiteral("nosuchrun")}, {}, {}, 30000, env());
        QCOMPARE(missing.exitCode, 2);
    }
};

QTEST_MAIN(TestCliRun)
#include "test_cli_run.moc"
