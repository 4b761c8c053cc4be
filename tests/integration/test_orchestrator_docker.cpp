// The orchestrator on the real Docker runtime, driven through the control API: a Dockerfile
// project to READY and back, a long build stopped mid-way, and 20 concurrent runs.
#include "control/runcontrolhandler.h"
#include "docker/dockerclient.h"
#include "dockerruntime/dockerruntime.h"
#include "ipc/controlclient.h"
#include "ipc/controlserver.h"
#include "runs/orchestrator.h"
#include "runs/runstore.h"
#include "source/fetcher.h"
#include "test_dockerfixture.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTimer>
#include <QUuid>

using namespace rr;
using rr::test::await;

class TestOrchestratorDocker : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<docker::DockerClient> m_client;
    std::unique_ptr<dockerruntime::DockerRuntime> m_runtime;
    std::unique_ptr<runs::RunStore> m_store;
    std::unique_ptr<source::Fetcher> m_fetcher;
    std::unique_ptr<runs::Orchestrator> m_orch;
    std::unique_ptr<control::RunControlHandler> m_handler;
    std::unique_ptr<ipc::ControlServer> m_server;
    std::unique_ptr<ipc::ControlClient> m_api;

    QJsonObject call(const QString &method, const QJsonObject &params = {})
    {
        auto reply = await(m_api->call(method, params));
        if (!reply)
            qWarning() << method << reply.error().message;
        return reply ? reply->toObject() : QJsonObject{};
    }
    QString state(const QString &id)
    {
        const auto run = m_orch->run(id);
        return run ? runs::stateName(run->state) : QString();
    }
    int labelled(const QString &runId)
    {
        const QStringList filter{QStringLiteral("reporunner.dev/run-id=") + runId};
        return int(await(m_client->listContainers(filter))->size() +
                   await(m_client->listNetworks(filter))->size());
    }
    QString start(const QString &source)
    {
        const QJsonObject reply = call(
            QStringLiteral("start"), {{QStringLiteral("source"), source},
                                      {QStringLiteral("options"),
                                       QJsonObject{{QStringLiteral("runtime"), QStringLiteral("docker")}}}});
        return reply.value(QStringLiteral("run")).toObject().value(QStringLiteral("id")).toString();
    }

private Q_SLOTS:
    void initTestCase()
    {
        auto host = docker::DockerHost::fromEnvironment();
        QVERIFY(host.has_value());
        m_client = std::make_unique<docker::DockerClient>(*host);
        RR_REQUIRE_DOCKER(*m_client);
        m_runtime = std::make_unique<dockerruntime::DockerRuntime>(m_client.get());
        m_store = std::make_unique<runs::RunStore>(m_dir.filePath(QStringLiteral("runs.sqlite")));
        QVERIFY(await(m_store->open()).has_value());
        m_fetcher = std::make_unique<source::Fetcher>();
        m_orch = std::make_unique<runs::Orchestrator>(m_store.get(), m_fetcher.get(), m_client.get(),
                                                      m_runtime.get(), nullptr);
        QVERIFY(await(m_orch->initialize()).has_value());
        m_handler = std::make_unique<control::RunControlHandler>(m_orch.get(), m_fetcher.get());
        ipc::ServerOptions options;
        options.socketPath = m_dir.filePath(QStringLiteral("ctl.sock"));
        m_server = std::make_unique<ipc::ControlServer>(m_handler.get(), options);
        m_handler->setServer(m_server.get());
        QVERIFY(m_server->listen().has_value());
        m_api = std::make_unique<ipc::ControlClient>();
        m_api->setCallTimeout(std::chrono::minutes(5));
        m_api->connectToServer(options.socketPath);
    }
    void cleanupTestCase()
    {
        m_api.reset();
        m_server.reset();
        m_handler.reset();
        m_orch.reset();
        m_runtime.reset();
    }

    void dockerfileAppToReadyAndBack()
    {
        const QString id = start(rr::test::sourcePath(QStringLiteral("examples/dockerfile-app")));
        QVERIFY(!id.isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(state(id) == QLatin1String("READY") || state(id) == QLatin1String("FAILED"),
                                 120000);
        const QJsonObject run = call(QStringLiteral("get"), {{QStringLiteral("runId"), id}})
                                    .value(QStringLiteral("run"))
                                    .toObject();
        QCOMPARE(run.value(QStringLiteral("state")).toString(), QStringLiteral("READY"));
        const QString url = call(QStringLiteral("openPreview"), {{QStringLiteral("runId"), id}})
                                .value(QStringLiteral("url"))
                                .toString();
        QVERIFY2(url.startsWith(QLatin1String("http://127.77.")), qPrintable(url));
        QNetworkAccessManager http;
        QNetworkReply *reply = http.get(QNetworkRequest(QUrl(url)));
        QTRY_VERIFY_WITH_TIMEOUT(reply->isFinished(), 10000);
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        QVERIFY(reply->readAll().contains("RepoRunner"));
        delete reply;
        QVERIFY(labelled(id) > 0);

        const QJsonObject stopped = call(QStringLiteral("stop"), {{QStringLiteral("runId"), id}});
        QCOMPARE(stopped.value(QStringLiteral("run")).toObject().value(QStringLiteral("state")).toString(),
                 QStringLiteral("STOPPED"));
        QCOMPARE(labelled(id), 0);
        // The build and the service wrote logs that outlive the run.
        const QJsonArray lines = call(QStringLiteral("logs"), {{QStringLiteral("runId"), id}})
                                     .value(QStringLiteral("lines"))
                                     .toArray();
        QVERIFY(lines.size() > 3);
    }

    // Two engines with separate databases on one Docker: each labels what it makes with its own
    // id and sweeps only its own orphans, so neither removes the other's runs.
    void anotherEngineLeavesOurRunsAlone()
    {
        const QString ours = start(rr::test::sourcePath(QStringLiteral("examples/dockerfile-app")));
        QVERIFY(!ours.isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(
            state(ours) == QLatin1String("READY") || state(ours) == QLatin1String("FAILED"), 120000);
        QCOMPARE(state(ours), QStringLiteral("READY"));
        const QStringList byUs{QStringLiteral("reporunner.dev/engine=") + m_store->engineId()};
        QVERIFY(!await(m_client->listContainers(byUs))->isEmpty());

        // A second engine: its own store and runtime. Its start-up reconciliation must leave ours.
        QTemporaryDir otherDir;
        const QString otherDb = otherDir.filePath(QStringLiteral("runs.sqlite"));
        const auto engine = [&](auto body) {
            dockerruntime::DockerRuntime runtime(m_client.get());
            runs::RunStore store(otherDb);
            QVERIFY(await(store.open()).has_value());
            QVERIFY(store.engineId() != m_store->engineId());
            source::Fetcher fetcher;
            runs::Orchestrator orch(&store, &fetcher, m_client.get(), &runtime, nullptr);
            QSignalSpy reconciled(&orch, &runs::Orchestrator::reconciled);
            QVERIFY(await(orch.initialize()).has_value());
            QVERIFY(reconciled.wait(60000) || reconciled.size() > 0);
            body(orch);
        };
        QString theirs;
        engine([&](runs::Orchestrator &orch) {
            runs::StartOptions o;
            o.request.source = rr::test::sourcePath(QStringLiteral("examples/dockerfile-app"));
            o.runtime = QStringLiteral("docker");
            auto started = orch.start(o);
            QVERIFY(started.has_value());
            theirs = started->run.id;
            QTRY_VERIFY_WITH_TIMEOUT(orch.run(theirs)->state == runs::RunState::Ready ||
                                         runs::isTerminal(orch.run(theirs)->state),
                                     120000);
            QCOMPARE(orch.run(theirs)->state, runs::RunState::Ready);
        });
        QVERIFY(labelled(ours) > 0);
        QVERIFY(labelled(theirs) > 0);
        QCOMPARE(state(ours), QStringLiteral("READY"));

        // The same database path is the same engine: with its history gone, its run is an orphan
        // of its own, and only that one is swept.
        QVERIFY(QFile::remove(otherDb));
        QFile::remove(otherDb + QStringLiteral("-wal"));
        QFile::remove(otherDb + QStringLiteral("-shm"));
        engine([](runs::Orchestrator &) {});
        QTRY_COMPARE_WITH_TIMEOUT(labelled(theirs), 0, 60000);
        QVERIFY(labelled(ours) > 0);
        call(QStringLiteral("stop"), {{QStringLiteral("runId"), ours}});
        QCOMPARE(labelled(ours), 0);
    }

    void stopDuringALongBuildCancelsIt()
    {
        const QString dir = m_dir.filePath(QStringLiteral("slowbuild"));
        const QByteArray nonce = QUuid::createUuid().toByteArray(QUuid::Id128);
        rr::test::writeTree(
            dir, {{QStringLiteral("Dockerfile"),
                   "FROM busybox:1.36\nRUN echo " + nonce + " && sleep 120\nCMD [\"sleep\", \"600\"]\n"}});
        const QString id = start(dir);
        QTRY_COMPARE_WITH_TIMEOUT(state(id), QStringLiteral("BUILDING"), 30000);
        QTest::qWait(1500); // let the daemon start the RUN step
        QElapsedTimer timer;
        timer.start();
        const QJsonObject stopped = call(QStringLiteral("stop"), {{QStringLiteral("runId"), id}});
        QCOMPARE(stopped.value(QStringLiteral("run")).toObject().value(QStringLiteral("state")).toString(),
                 QStringLiteral("STOPPED"));
        // Far below the 120 s step and below the orchestrator's 20 s give-up guard: the build was cancelled.
        QVERIFY2(timer.elapsed() < 15000, qPrintable(QString::number(timer.elapsed())));
        QVERIFY(!m_orch->run(id)->details.contains(QStringLiteral("images")));
        QCOMPARE(labelled(id), 0);
    }

    void twentyConcurrentRunsLeaveNothingBehind()
    {
        constexpr int Runs = 20;
        QStringList ids;
        for (int i = 0; i < Runs; ++i) {
            const QString dir = m_dir.filePath(QStringLiteral("tiny%1").arg(i));
            rr::test::writeTree(
                dir, {{QStringLiteral("compose.yaml"),
                       "services:\n  box:\n    image: busybox:1.36\n    command: [\"sleep\", \"600\"]\n"}});
            auto reply = m_api->call(QStringLiteral("start"),
                                     {{QStringLiteral("source"), dir},
                                      {QStringLiteral("options"),
                                       QJsonObject{{QStringLiteral("runtime"), QStringLiteral("docker")}}}});
            ids << QString(); // filled below
            reply.then(this, [&ids, i](const core::Result<QJsonValue> &r) {
                if (r)
                    ids[i] = r->toObject()
                                 .value(QStringLiteral("run"))
                                 .toObject()
                                 .value(QStringLiteral("id"))
                                 .toString();
            });
        }
        // `list` keeps answering while the runs start and stop.
        int listed = 0, listFailures = 0;
        QTimer poll;
        connect(&poll, &QTimer::timeout, this, [&] {
            m_api->call(QStringLiteral("list")).then(this, [&](const core::Result<QJsonValue> &r) {
                r ? ++listed : ++listFailures;
            });
        });
        poll.start(100);
        const auto allIn = [&](const QStringList &wanted) {
            for (const QString &id : std::as_const(ids))
                if (id.isEmpty() || !wanted.contains(state(id)))
                    return false;
            return true;
        };
        QTRY_VERIFY_WITH_TIMEOUT(allIn({QStringLiteral("READY"), QStringLiteral("FAILED")}), 240000);
        for (const QString &id : std::as_const(ids))
            QVERIFY2(state(id) == QLatin1String("READY"), qPrintable(id + QLatin1Char(' ') + state(id)));
        const int listedWhileStarting = listed;
        for (const QString &id : std::as_const(ids))
            m_api->call(QStringLiteral("stop"), {{QStringLiteral("runId"), id}});
        QTRY_VERIFY_WITH_TIMEOUT(allIn({QStringLiteral("STOPPED")}), 240000);
        poll.stop();
        QVERIFY(listedWhileStarting > 0);
        QVERIFY(listed > listedWhileStarting);
        QCOMPARE(listFailures, 0);
        for (const QString &id : std::as_const(ids))
            QCOMPARE(labelled(id), 0);
    }
};

QTEST_MAIN(TestOrchestratorDocker)
#include "test_orchestrator_docker.moc"
