// The orchestrator on the real Docker runtime, driven through the control API: a Dockerfile
// project to READY and back, a run whose container is removed or dies behind the engine's back,
// keepOnFailure, a long build stopped mid-way, and 20 concurrent runs.
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
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTcpSocket>
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
    QString start(const QString &source, QJsonObject options = {})
    {
        options.insert(QStringLiteral("runtime"), QStringLiteral("docker"));
        const QJsonObject reply = call(QStringLiteral("start"), {{QStringLiteral("source"), source},
                                                                 {QStringLiteral("options"), options}});
        return reply.value(QStringLiteral("run")).toObject().value(QStringLiteral("id")).toString();
    }
    QJsonObject get(const QString &id)
    {
        return call(QStringLiteral("get"), {{QStringLiteral("runId"), id}})
            .value(QStringLiteral("run"))
            .toObject();
    }
    // The example to READY; returns its run id and its one container.
    QString readyExample(QString *container, const QJsonObject &options = {})
    {
        const QString id = start(rr::test::sourcePath(QStringLiteral("examples/dockerfile-app")), options);
        if (id.isEmpty())
            return {};
        QTest::qWaitFor(
            [&] { return state(id) == QLatin1String("READY") || state(id) == QLatin1String("FAILED"); },
            120000);
        if (state(id) != QLatin1String("READY"))
            return {};
        const auto containers =
            await(m_client->listContainers({QStringLiteral("reporunner.dev/run-id=") + id}));
        if (!containers || containers->size() != 1)
            return {};
        *container = containers->at(0).toObject().value(QStringLiteral("Id")).toString();
        return id;
    }
    static QString serviceName(const QJsonObject &run)
    {
        return run.value(QStringLiteral("services"))
            .toArray()
            .at(0)
            .toObject()
            .value(QStringLiteral("service"))
            .toString();
    }
    static QString serviceState(const QJsonObject &run, const QString &service)
    {
        for (const QJsonValue &v : run.value(QStringLiteral("services")).toArray())
            if (v.toObject().value(QStringLiteral("service")).toString() == service)
                return v.toObject().value(QStringLiteral("state")).toString();
        return {};
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

    // compose's dockerfile_inline builds, and a repository folder too large for a ConfigMap is
    // copied into the service's image, so the service sees it at the bind's target.
    void inlineDockerfileAndLargeFolderBind()
    {
        QTemporaryDir project;
        const QByteArray nonce = QUuid::createUuid().toByteArray(QUuid::WithoutBraces);
        rr::test::writeTree(project.path(),
                            {{QStringLiteral("compose.yaml"),
                              "services:\n"
                              "  web:\n"
                              "    build:\n"
                              "      context: .\n"
                              "      dockerfile_inline: |\n"
                              "        FROM busybox:1.36\n"
                              "        RUN mkdir -p /www && echo inline-built > /www/index.html\n"
                              "    command: [\"httpd\", \"-f\", \"-p\", \"8080\", \"-h\", \"/www\"]\n"
                              "    ports: [\"8080:8080\"]\n"
                              "    volumes:\n"
                              "      - ./assets:/www/assets:ro\n"},
                             {QStringLiteral("assets/hello.txt"), nonce},
                             {QStringLiteral("assets/big.bin"), QByteArray(700 * 1024, 'z')}});
        const QString id = start(project.path());
        QVERIFY(!id.isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(state(id) == QLatin1String("READY") || state(id) == QLatin1String("FAILED"),
                                 180000);
        const QJsonObject run = call(QStringLiteral("get"), {{QStringLiteral("runId"), id}})
                                    .value(QStringLiteral("run"))
                                    .toObject();
        QVERIFY2(state(id) == QLatin1String("READY"), QJsonDocument(run).toJson().constData());
        const QString url = call(QStringLiteral("openPreview"), {{QStringLiteral("runId"), id}})
                                .value(QStringLiteral("url"))
                                .toString();
        QNetworkAccessManager http;
        const auto fetch = [&http, &url](const QString &path) {
            QNetworkReply *reply = http.get(QNetworkRequest(QUrl(url).resolved(QUrl(path))));
            QTest::qWaitFor([reply] { return reply->isFinished(); }, 10000);
            const QByteArray body = reply->readAll();
            delete reply;
            return body;
        };
        QCOMPARE(fetch(QStringLiteral("/index.html")).trimmed(), QByteArray("inline-built"));
        QCOMPARE(fetch(QStringLiteral("/assets/hello.txt")), nonce);
        QCOMPARE(fetch(QStringLiteral("/assets/big.bin")).size(), 700 * 1024);
        const QJsonArray lines = call(QStringLiteral("logs"), {{QStringLiteral("runId"), id}})
                                     .value(QStringLiteral("lines"))
                                     .toArray();
        bool baked = false;
        for (const QJsonValue &l : lines)
            baked = baked || l.toObject()
                                 .value(QStringLiteral("text"))
                                 .toString()
                                 .contains(QLatin1String("into web's image at /www/assets"));
        QVERIFY(baked);
        call(QStringLiteral("stop"), {{QStringLiteral("runId"), id}});
        QCOMPARE(labelled(id), 0);
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

    // `docker rm -f` on a READY run's container (the same DELETE ?force=1 the CLI sends): the
    // /events stream reports it, the run leaves READY for FAILED with a diagnosis that says what
    // happened, its preview is closed and nothing of it is left.
    void containerRemovedOutsideFailsTheRun()
    {
        QString container;
        const QString id = readyExample(&container);
        QVERIFY(!id.isEmpty());
        const QUrl preview(get(id).value(QStringLiteral("previewUrl")).toString());
        QVERIFY(preview.port() > 0);
        QElapsedTimer sinceRemoval;
        sinceRemoval.start();
        QVERIFY(await(m_client->removeContainer(container, true)).has_value());
        QTRY_COMPARE_WITH_TIMEOUT(state(id), QStringLiteral("FAILED"), 15000);
        qInfo("READY -> FAILED %lld ms after the container was removed", sinceRemoval.elapsed());
        const QJsonObject run = get(id);
        const QJsonObject diagnosis = run.value(QStringLiteral("diagnosis")).toObject();
        QCOMPARE(diagnosis.value(QStringLiteral("code")).toString(), QStringLiteral("run.removed"));
        QCOMPARE(diagnosis.value(QStringLiteral("phase")).toString(), QStringLiteral("READY"));
        const QString summary = diagnosis.value(QStringLiteral("summary")).toString();
        QVERIFY2(summary.startsWith(
                     QStringLiteral("container %1 was removed outside RepoRunner").arg(serviceName(run))),
                 qPrintable(summary));
        // The last state of its service and its logs stay; its resources do not.
        QCOMPARE(serviceState(run, serviceName(run)), QStringLiteral("failed"));
        QTRY_COMPARE_WITH_TIMEOUT(labelled(id), 0, 30000);
        QVERIFY(!run.contains(QStringLiteral("kept")));
        QTcpSocket probe;
        probe.connectToHost(preview.host(), quint16(preview.port()));
        QVERIFY(!probe.waitForConnected(2000));
        const QJsonArray lines = call(QStringLiteral("logs"), {{QStringLiteral("runId"), id}})
                                     .value(QStringLiteral("lines"))
                                     .toArray();
        QVERIFY(lines.size() > 3);
    }

    // keepOnFailure: a run whose container died (killed behind the engine's back) is FAILED with
    // its diagnosis, its service's last state and its logs, and its container and network stay up
    // for inspection until stop removes them; the run stays FAILED.
    void keepOnFailureLeavesTheResourcesUntilStop()
    {
        QString container;
        const QString id = readyExample(&container, {{QStringLiteral("keepOnFailure"), true}});
        QVERIFY(!id.isEmpty());
        QVERIFY(await(m_client->stopContainer(container, 0)).has_value()); // SIGKILL at once
        QTRY_COMPARE_WITH_TIMEOUT(state(id), QStringLiteral("FAILED"), 15000);
        QJsonObject run = get(id);
        QVERIFY(run.value(QStringLiteral("kept")).toBool());
        QVERIFY(
            run.value(QStringLiteral("request")).toObject().value(QStringLiteral("keepOnFailure")).toBool());
        const QString summary =
            run.value(QStringLiteral("diagnosis")).toObject().value(QStringLiteral("summary")).toString();
        QVERIFY2(summary.contains(serviceName(run)) && !summary.contains(QLatin1String("removed")),
                 qPrintable(summary));
        QCOMPARE(serviceState(run, serviceName(run)), QStringLiteral("failed"));
        QTest::qWait(1500);         // a teardown, were one wrongly started, would have begun by now
        QVERIFY(labelled(id) >= 2); // the container and the network
        const auto inspected = await(m_client->inspectContainer(container));
        QVERIFY(inspected.has_value()); // inspectable
        QVERIFY2(
            inspected->value(QStringLiteral("State")).toObject().value(QStringLiteral("Status")).toString() ==
                QLatin1String("exited"),
            "the container is kept as it died");

        const QJsonObject stopped = call(QStringLiteral("stop"), {{QStringLiteral("runId"), id}});
        run = stopped.value(QStringLiteral("run")).toObject();
        QCOMPARE(run.value(QStringLiteral("state")).toString(), QStringLiteral("FAILED"));
        QVERIFY(!run.contains(QStringLiteral("kept")));
        QCOMPARE(labelled(id), 0);
        QVERIFY(get(id).contains(QStringLiteral("diagnosis")));
        const QJsonArray lines = call(QStringLiteral("logs"), {{QStringLiteral("runId"), id}})
                                     .value(QStringLiteral("lines"))
                                     .toArray();
        QVERIFY(lines.size() > 3);
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
