// The Docker runtime against the real daemon: the bundled examples planned by PlanBuilder,
// built by ImageBuilder and deployed to READY; the §7 port rule with an occupied port;
// exit-code and OOM diagnoses; teardown leaving nothing labelled behind.
#include "docker/dockerclient.h"
#include "docker/imagebuilder.h"
#include "dockerruntime/dockerruntime.h"
#include "dockerruntime/dockersetup.h"
#include "dockerruntime/portallocator.h"
#include "runtime/loopbackaddresses.h"
#include "test_dockerfixture.h"
#include "test_planfor.h"

#include <QDateTime>
#include <QJsonArray>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace rr;
using rr::test::await;

namespace {

// A blocking HTTP/1.0 GET on a preview (tests may block); returns the whole response (busybox
// CGIs end their headers with bare newlines, so there is no reliable split).
QByteArray httpGet(const runtime::Endpoint &e, const QString &path)
{
    QTcpSocket s;
    s.connectToHost(e.host, static_cast<quint16>(e.localPort));
    if (!s.waitForConnected(5000))
        return {};
    s.write("GET " + path.toLatin1() + " HTTP/1.0\r\nHost: " + e.host.toLatin1() + "\r\n\r\n");
    QByteArray all;
    while (s.state() == QAbstractSocket::ConnectedState && s.waitForReadyRead(10000))
        all += s.readAll();
    all += s.readAll();
    return all;
}

} // namespace

class TestDockerRuntime : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<docker::DockerClient> m_client;
    std::unique_ptr<dockerruntime::DockerRuntime> m_runtime;
    QString m_prefix;
    QStringList m_runIds;

    QString newRunId(const QString &what)
    {
        const QString id = m_prefix + what;
        m_runIds << id;
        return id;
    }

    // What a real run does: plan the checked-out folder, then build every image it names.
    runs::PreparedPlan prepare(const QString &dir, const QString &runId)
    {
        runs::PreparedPlan prepared = test::preparedPlanFor(dir, runId);
        docker::ImageBuilder builder(m_client.get());
        for (const plan::ServicePlan &s : prepared.plan.services) {
            if (!s.build)
                continue;
            docker::BuildRequest b;
            b.contextDir = s.build->contextDir;
            b.dockerfile = s.build->dockerfile;
            b.buildArgs = s.build->args;
            b.target = s.build->target;
            b.tag = s.image;
            b.repoLabel = QStringLiteral("rrtest-dockerruntime");
            auto built = await(builder.build(b));
            if (!built)
                qFatal("building %s failed: %s", qPrintable(s.name), qPrintable(built.error().toString()));
        }
        return prepared;
    }

    QJsonArray labelled(const QString &kind, const QString &runId)
    {
        const QString filter = QStringLiteral("reporunner.dev/run-id=") + runId;
        if (kind == QLatin1String("containers"))
            return *await(m_client->listContainers({filter}, true));
        if (kind == QLatin1String("networks"))
            return *await(m_client->listNetworks({filter}));
        return *await(m_client->listVolumes({filter}));
    }

    void checkGone(const QString &runId)
    {
        auto down = await(m_runtime->teardown(runId));
        QVERIFY2(down.has_value(), qPrintable(down ? QString() : down.error().toString()));
        for (const QString &kind :
             {QStringLiteral("containers"), QStringLiteral("networks"), QStringLiteral("volumes")})
            QVERIFY2(labelled(kind, runId).isEmpty(), qPrintable(kind + QStringLiteral(" left behind")));
        auto live = await(m_runtime->liveRunIds());
        QVERIFY(live.has_value());
        QVERIFY(!live->contains(runId));
    }

    QJsonObject inspect(const QString &name) { return *await(m_client->inspectContainer(name)); }

    QString writeProject(QTemporaryDir &dir, const QByteArray &compose)
    {
        test::writeTree(dir.path(), {{QStringLiteral("compose.yaml"), compose}});
        return dir.path();
    }

private Q_SLOTS:
    void initTestCase()
    {
        auto host = docker::DockerHost::fromEnvironment();
        QVERIFY(host.has_value());
        m_client = std::make_unique<docker::DockerClient>(*host);
        RR_REQUIRE_DOCKER(*m_client);
        m_runtime = std::make_unique<dockerruntime::DockerRuntime>(m_client.get());
        m_prefix = QStringLiteral("t%1").arg(QRandomGenerator::global()->bounded(100000, 999999));
        QVERIFY(await(m_runtime->probe()).has_value());
    }

    void cleanupTestCase()
    {
        if (!m_runtime)
            return;
        for (const QString &id : std::as_const(m_runIds))
            await(m_runtime->teardown(id));
    }

    // Three services, depends_on service_healthy, names resolving; the preferred port taken.
    void composeAppReachesReady()
    {
        const QString runId = newRunId(QStringLiteral("compose"));
        const runs::PreparedPlan prepared =
            prepare(test::sourcePath(QStringLiteral("examples/compose-app")), runId);
        const plan::ServicePlan *web = prepared.plan.service(QStringLiteral("web"));
        QVERIFY(web && web->primary);
        QCOMPARE(web->ports.value(0).hostPort, 8080);

        // Someone else holds 8080 on the run's own address; the next free port above it is used
        // instead. 8080 on 127.0.0.1 is another site and does not count.
        const QString address = runtime::LoopbackAddresses::acquire(m_runtime->previewKey(runId));
        QVERIFY2(runtime::LoopbackAddresses::isRunAddress(address), qPrintable(address));
        QTcpServer occupant;
        const bool holding = occupant.listen(QHostAddress(address), 8080);

        QSignalSpy statuses(m_runtime.get(), &runtime::Runtime::serviceStatusChanged);
        auto deployed = await(m_runtime->deploy(prepared.plan));
        QVERIFY2(deployed.has_value(), qPrintable(deployed ? QString() : deployed.error().toString()));

        runtime::Endpoint primary;
        for (const runtime::Endpoint &e : deployed->endpoints)
            if (e.primary)
                primary = e;
        QCOMPARE(primary.service, QStringLiteral("web"));
        QCOMPARE(primary.containerPort, 80);
        QVERIFY(primary.localPort > 0);
        QCOMPARE(primary.host, address);
        QCOMPARE(primary.url, QStringLiteral("http://%1:%2/").arg(address).arg(primary.localPort));
        if (holding) {
            QVERIFY(primary.localPort != 8080);
            QVERIFY2(primary.localPort > 8080, qPrintable(QString::number(primary.localPort)));
            QVERIFY(occupant.isListening());
            QTcpSocket probe;
            probe.connectToHost(address, 8080);
            QVERIFY(probe.waitForConnected(3000));
            QVERIFY(occupant.waitForNewConnection(3000));
        }

        QVERIFY(httpGet(primary, QStringLiteral("/")).contains("RepoRunner compose demo"));
        // web -> api -> db, each by compose name over the run's network.
        const QByteArray chain = httpGet(primary, QStringLiteral("/cgi-bin/api"));
        QVERIFY2(chain.contains("hello from the api"), chain.constData());
        QVERIFY2(chain.contains("db says: db-ok"), chain.constData());

        // The sandbox on the container itself.
        const QJsonObject info = inspect(QStringLiteral("rr-%1-web").arg(runId));
        const QJsonObject hostConfig = info.value(QStringLiteral("HostConfig")).toObject();
        const QJsonArray bindings = hostConfig.value(QStringLiteral("PortBindings"))
                                        .toObject()
                                        .value(QStringLiteral("80/tcp"))
                                        .toArray();
        QCOMPARE(bindings.size(), 1);
        QCOMPARE(bindings.first().toObject().value(QStringLiteral("HostIp")).toString(), address);
        QCOMPARE(bindings.first().toObject().value(QStringLiteral("HostPort")).toString(),
                 QString::number(primary.localPort));
        QCOMPARE(hostConfig.value(QStringLiteral("CapDrop")).toArray(), QJsonArray{QStringLiteral("ALL")});
        QVERIFY(hostConfig.value(QStringLiteral("SecurityOpt"))
                    .toArray()
                    .contains(QStringLiteral("no-new-privileges:true")));
        QVERIFY(hostConfig.value(QStringLiteral("Memory")).toInteger() > 0);
        QCOMPARE(hostConfig.value(QStringLiteral("PidsLimit")).toInteger(),
                 dockerruntime::ContainerSpec::DefaultPidsLimit);
        const QJsonObject logs = hostConfig.value(QStringLiteral("LogConfig")).toObject();
        QCOMPARE(logs.value(QStringLiteral("Type")).toString(), QStringLiteral("json-file"));
        QCOMPARE(logs.value(QStringLiteral("Config")).toObject().value(QStringLiteral("max-size")).toString(),
                 QStringLiteral("10m"));
        QCOMPARE(logs.value(QStringLiteral("Config")).toObject().value(QStringLiteral("max-file")).toString(),
                 QStringLiteral("3"));
        // A size limit only where the storage driver enforces one (not overlay2).
        const QString driver = info.value(QStringLiteral("Driver")).toString();
        QCOMPARE(hostConfig.value(QStringLiteral("StorageOpt")).toObject().contains(QStringLiteral("size")),
                 dockerruntime::DockerSetup::enforcesStorageSize(driver));
        QVERIFY(hostConfig.value(QStringLiteral("NanoCpus")).toInteger() > 0);
        QVERIFY(hostConfig.value(QStringLiteral("PidsLimit")).toInteger() > 0);
        const QJsonObject labels =
            info.value(QStringLiteral("Config")).toObject().value(QStringLiteral("Labels")).toObject();
        QCOMPARE(labels.value(QStringLiteral("app.kubernetes.io/managed-by")).toString(),
                 QStringLiteral("reporunner"));
        QCOMPARE(labels.value(QStringLiteral("reporunner.dev/run-id")).toString(), runId);
        QCOMPARE(labels.value(QStringLiteral("reporunner.dev/service")).toString(), QStringLiteral("web"));
        // api waited for db's health check: the runtime runs that check itself as soon as db
        // runs, so api is created after db started, and Docker agrees db is healthy by its
        // first interval (never unhealthy).
        const auto healthOf = [&](const QString &name) {
            return inspect(name)
                .value(QStringLiteral("State"))
                .toObject()
                .value(QStringLiteral("Health"))
                .toObject()
                .value(QStringLiteral("Status"))
                .toString();
        };
        const QJsonObject db = inspect(QStringLiteral("rr-%1-db").arg(runId));
        const QJsonObject api = inspect(QStringLiteral("rr-%1-api").arg(runId));
        const QDateTime dbStarted = QDateTime::fromString(
            db.value(QStringLiteral("State")).toObject().value(QStringLiteral("StartedAt")).toString(),
            Qt::ISODateWithMs);
        const QDateTime apiCreated =
            QDateTime::fromString(api.value(QStringLiteral("Created")).toString(), Qt::ISODateWithMs);
        QVERIFY2(dbStarted.isValid() && apiCreated.isValid() && dbStarted < apiCreated,
                 "api was created before db ran");
        QTRY_COMPARE_WITH_TIMEOUT(healthOf(QStringLiteral("rr-%1-db").arg(runId)), QStringLiteral("healthy"),
                                  10000);
        QVERIFY(db.value(QStringLiteral("Config")).toObject().contains(QStringLiteral("Healthcheck")));

        QTRY_VERIFY_WITH_TIMEOUT(std::any_of(statuses.cbegin(), statuses.cend(),
                                             [](const QList<QVariant> &a) {
                                                 const auto s = a.at(1).value<runtime::ServiceStatus>();
                                                 return s.service == QLatin1String("api") &&
                                                        s.state == runtime::ServiceState::Healthy;
                                             }),
                                 5000);

        auto live = await(m_runtime->liveRunIds());
        QVERIFY(live.has_value());
        QVERIFY(live->contains(runId));
        QVERIFY(!labelled(QStringLiteral("networks"), runId).isEmpty());
        checkGone(runId);
        if (holding)
            QVERIFY(occupant.isListening());
    }

    // cancel() aborts a deploy waiting on health checks; teardown then removes what it made.
    void cancelAbortsDeploy()
    {
        const QString runId = newRunId(QStringLiteral("cancel"));
        const runs::PreparedPlan prepared =
            prepare(test::sourcePath(QStringLiteral("examples/compose-app")), runId);
        auto future = m_runtime->deploy(prepared.plan);
        // db starts first; api waits for db's health check, which takes at least one 2 s interval.
        QTRY_VERIFY_WITH_TIMEOUT(!labelled(QStringLiteral("containers"), runId).isEmpty(), 30000);
        m_runtime->cancel(runId);
        auto cancelled = await(future);
        QVERIFY(!cancelled.has_value());
        QVERIFY2(cancelled.error().category == core::ErrorCategory::Cancelled,
                 qPrintable(cancelled.error().toString()));
        checkGone(runId);
    }

    // One Dockerfile: the container port (8000, unprivileged) is used when it is free.
    void dockerfileAppReachesReady()
    {
        const QString runId = newRunId(QStringLiteral("dockerfile"));
        const runs::PreparedPlan prepared =
            prepare(test::sourcePath(QStringLiteral("examples/dockerfile-app")), runId);
        QCOMPARE(prepared.plan.services.size(), 1);
        const bool wasFree = [this, &runId] {
            QTcpServer probe;
            return probe.listen(
                QHostAddress(runtime::LoopbackAddresses::acquire(m_runtime->previewKey(runId))), 8000);
        }();
        auto deployed = await(m_runtime->deploy(prepared.plan));
        QVERIFY2(deployed.has_value(), qPrintable(deployed ? QString() : deployed.error().toString()));
        QCOMPARE(deployed->endpoints.size(), 1);
        const runtime::Endpoint e = deployed->endpoints.first();
        QVERIFY(e.primary);
        QCOMPARE(e.containerPort, 8000);
        if (wasFree)
            QCOMPARE(e.localPort, 8000);
        QVERIFY(httpGet(e, QStringLiteral("/")).contains("RepoRunner Dockerfile demo"));

        // After an engine restart: attach finds the containers by label again.
        auto attached = await(m_runtime->attach(prepared.plan, *deployed));
        QVERIFY2(attached.has_value(), qPrintable(attached ? QString() : attached.error().toString()));
        QCOMPARE(attached->endpoints.size(), 1);
        QCOMPARE(attached->endpoints.first().localPort, e.localPort);
        QVERIFY(attached->endpoints.first().primary);
        checkGone(runId);
        auto vanished = await(m_runtime->attach(prepared.plan, *deployed));
        QVERIFY(!vanished.has_value());
        QCOMPARE(vanished.error().code, QStringLiteral("run.vanished"));
    }

    // A service that exits 3: its exit code and last lines; its named volume goes at teardown.
    void exitCodeIsDiagnosed()
    {
        QTemporaryDir dir;
        const QString runId = newRunId(QStringLiteral("exit"));
        writeProject(
            dir,
            "services:\n"
            "  bad:\n"
            "    image: busybox:1.36\n"
            "    command: [\"sh\", \"-c\", \"echo starting up; echo 'config file is broken' >&2; exit 3\"]\n"
            "    volumes:\n"
            "      - data:/data\n"
            "volumes:\n"
            "  data: {}\n");
        const runs::PreparedPlan prepared = prepare(dir.path(), runId);
        QSignalSpy logs(m_runtime.get(), &runtime::Runtime::logLine);
        auto deployed = await(m_runtime->deploy(prepared.plan));
        QVERIFY(!deployed.has_value());
        QCOMPARE(deployed.error().code, QStringLiteral("run.exited"));
        // The followed log stream delivered both lines, each on its own stream.
        const auto logged = [&logs](const QString &stream, const QString &text) {
            return std::any_of(logs.cbegin(), logs.cend(), [&](const QList<QVariant> &a) {
                return a.at(0).toString().endsWith(QLatin1String("exit")) &&
                       a.at(1).toString() == QLatin1String("bad") && a.at(2).toString() == stream &&
                       a.at(3).toString() == text;
            });
        };
        QTRY_VERIFY_WITH_TIMEOUT(logged(QStringLiteral("stdout"), QStringLiteral("starting up")), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(logged(QStringLiteral("stderr"), QStringLiteral("config file is broken")),
                                 10000);
        QCOMPARE(deployed.error().message, QStringLiteral("service bad exited with code 3"));
        QVERIFY2(deployed.error().details.contains(QLatin1String("config file is broken")),
                 qPrintable(deployed.error().details));
        QVERIFY(deployed.error().details.contains(QLatin1String("starting up")));
        QCOMPARE(labelled(QStringLiteral("volumes"), runId).size(), 1);
        checkGone(runId);
    }

    // Repository files, configs and secrets reach the container without any host mount.
    void dataFilesAreCopiedIn()
    {
        QTemporaryDir dir;
        const QString runId = newRunId(QStringLiteral("data"));
        test::writeTree(dir.path(), {{QStringLiteral("conf/app.conf"), "app-conf-line\n"},
                                     {QStringLiteral("token.txt"), "secret-token-line\n"}});
        writeProject(
            dir, "services:\n"
                 "  files:\n"
                 "    image: busybox:1.36\n"
                 "    command: [\"sh\", \"-c\", \"cat /etc/app/app.conf /greeting.txt /run/secrets/token; "
                 "sleep 600\"]\n"
                 "    volumes:\n"
                 "      - ./conf/app.conf:/etc/app/app.conf:ro\n"
                 "    configs:\n"
                 "      - source: greeting\n"
                 "        target: /greeting.txt\n"
                 "    secrets:\n"
                 "      - token\n"
                 "configs:\n"
                 "  greeting:\n"
                 "    content: \"config-content-line\"\n"
                 "secrets:\n"
                 "  token:\n"
                 "    file: ./token.txt\n");
        const runs::PreparedPlan prepared = prepare(dir.path(), runId);
        QCOMPARE(prepared.plan.dataObjects.size(), 3);
        QSignalSpy logs(m_runtime.get(), &runtime::Runtime::logLine);
        auto deployed = await(m_runtime->deploy(prepared.plan));
        QVERIFY2(deployed.has_value(), qPrintable(deployed ? QString() : deployed.error().toString()));
        const auto logged = [&logs](const QString &text) {
            return std::any_of(logs.cbegin(), logs.cend(),
                               [&](const QList<QVariant> &a) { return a.at(3).toString().contains(text); });
        };
        QTRY_VERIFY_WITH_TIMEOUT(logged(QStringLiteral("app-conf-line")), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(logged(QStringLiteral("config-content-line")), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(logged(QStringLiteral("secret-token-line")), 10000);
        const QJsonObject info = inspect(QStringLiteral("rr-%1-files").arg(runId));
        for (const QJsonValue &m : info.value(QStringLiteral("Mounts")).toArray())
            QVERIFY2(m.toObject().value(QStringLiteral("Type")).toString() != QLatin1String("bind"),
                     "a host bind mount");
        checkGone(runId);
    }

    // Published 80 and 443 are wishes: the run starts, previewed on 127.0.0.1:8080 and :8443 (or
    // the next free ports above them), with a ./site.conf bind from the repository in place.
    void privilegedPublishedPortsRun()
    {
        QTemporaryDir dir;
        const QString runId = newRunId(QStringLiteral("lowports"));
        test::writeTree(dir.path(), {{QStringLiteral("site.conf"), "served-from-the-repository\n"}});
        writeProject(
            dir, "services:\n"
                 "  web:\n"
                 "    image: busybox:1.36\n"
                 "    command: [\"sh\", \"-c\", \"mkdir -p /tmp/w && cp /etc/site.conf /tmp/w/index.html && "
                 "httpd -p 443 -h /tmp/w && exec httpd -f -p 80 -h /tmp/w\"]\n"
                 "    ports: [\"80:80\", \"443:443\"]\n"
                 "    volumes:\n"
                 "      - ./site.conf:/etc/site.conf:ro\n");
        const runs::PreparedPlan prepared = prepare(dir.path(), runId);
        QVERIFY(!prepared.plan.report.hasRefusals());
        const plan::ServicePlan *web = prepared.plan.service(QStringLiteral("web"));
        QVERIFY(web);
        QCOMPARE(web->ports.size(), 2);
        QCOMPARE(web->ports.at(0).hostPort, 8080);
        QCOMPARE(web->ports.at(1).hostPort, 8443);
        const bool free8443 = dockerruntime::PortAllocator::isFree(
            runtime::LoopbackAddresses::acquire(m_runtime->previewKey(runId)), 8443, QStringLiteral("tcp"));

        auto deployed = await(m_runtime->deploy(prepared.plan));
        QVERIFY2(deployed.has_value(), qPrintable(deployed ? QString() : deployed.error().toString()));
        QCOMPARE(deployed->endpoints.size(), 2);
        for (const runtime::Endpoint &e : deployed->endpoints) {
            // Taken ports give way to the ones above; only a crowded machine gets a random one.
            QVERIFY2(e.localPort >= 1024, qPrintable(QString::number(e.localPort)));
            if (e.containerPort == 443 && free8443)
                QCOMPARE(e.localPort, 8443);
            QCOMPARE(e.url, QStringLiteral("http://%1:%2/").arg(e.host).arg(e.localPort));
            QVERIFY2(runtime::LoopbackAddresses::isRunAddress(e.host), qPrintable(e.host));
            QVERIFY2(httpGet(e, QStringLiteral("/")).contains("served-from-the-repository"),
                     qPrintable(e.url));
        }
        checkGone(runId);
    }

    // Another process binds the chosen port between the allocator's check and Docker's bind: the
    // container is created again on the next free port, and the run log says so.
    void portTakenBeforeStartMovesToTheNextFreePort()
    {
        QTemporaryDir dir;
        const QString runId = newRunId(QStringLiteral("portrace"));
        writeProject(dir, "services:\n"
                          "  web:\n"
                          "    image: busybox:1.36\n"
                          "    command: [\"sh\", \"-c\", \"mkdir -p /w && echo raced > /w/index.html && "
                          "exec httpd -f -p 80 -h /w\"]\n"
                          "    ports: [\"80:80\"]\n");
        const runs::PreparedPlan prepared = prepare(dir.path(), runId);
        QTcpServer squatter;
        int chosen = 0;
        auto seam =
            connect(m_runtime.get(), &dockerruntime::DockerRuntime::portsChosen, this,
                    [&](const QString &id, const QList<runtime::Endpoint> &endpoints) {
                        if (id != runId || endpoints.isEmpty())
                            return;
                        chosen = endpoints.constFirst().localPort;
                        // The race, made certain: someone else takes the port right now.
                        QVERIFY(squatter.listen(QHostAddress(endpoints.constFirst().host), quint16(chosen)));
                    });
        QSignalSpy logs(m_runtime.get(), &runtime::Runtime::logLine);
        auto deployed = await(m_runtime->deploy(prepared.plan));
        disconnect(seam);
        QVERIFY2(deployed.has_value(), qPrintable(deployed ? QString() : deployed.error().toString()));
        QVERIFY(chosen > 0);
        QVERIFY(squatter.isListening()); // never disturbed
        QCOMPARE(deployed->endpoints.size(), 1);
        const runtime::Endpoint e = deployed->endpoints.constFirst();
        QVERIFY2(e.localPort != chosen && e.localPort >= 1024, qPrintable(QString::number(e.localPort)));
        QCOMPARE(e.url, QStringLiteral("http://%1:%2/").arg(e.host).arg(e.localPort));
        QVERIFY(httpGet(e, QStringLiteral("/")).contains("raced"));
        bool reported = false;
        for (const auto &args : logs)
            reported =
                reported ||
                (args.at(0).toString() == runId &&
                 args.at(3).toString().startsWith(QStringLiteral("adapted: host port")) &&
                 args.at(3).toString().contains(QStringLiteral("%1:%2").arg(e.host).arg(e.localPort)) &&
                 args.at(3).toString().contains(QStringLiteral("%1:%2 was taken").arg(e.host).arg(chosen)));
        QVERIFY2(reported, "the run log does not name the new port");
        checkGone(runId);
    }

    // `~/data:/data` is never mounted: the service starts on an empty per-run volume it can write.
    void outsideBindRunsOnAnEmptyVolume()
    {
        QTemporaryDir dir;
        const QString runId = newRunId(QStringLiteral("homebind"));
        writeProject(
            dir,
            "services:\n"
            "  app:\n"
            "    image: busybox:1.36\n"
            "    command: [\"sh\", \"-c\", \"ls -A /data | wc -l; echo written > /data/f && cat /data/f; "
            "sleep 600\"]\n"
            "    volumes:\n"
            "      - ~/data:/data\n");
        const runs::PreparedPlan prepared = prepare(dir.path(), runId);
        QVERIFY(!prepared.plan.report.hasRefusals());
        QSignalSpy logs(m_runtime.get(), &runtime::Runtime::logLine);
        auto deployed = await(m_runtime->deploy(prepared.plan));
        QVERIFY2(deployed.has_value(), qPrintable(deployed ? QString() : deployed.error().toString()));
        const auto logged = [&logs](const QString &text) {
            return std::any_of(logs.cbegin(), logs.cend(), [&](const QList<QVariant> &a) {
                return a.at(3).toString().trimmed() == text;
            });
        };
        QTRY_VERIFY_WITH_TIMEOUT(logged(QStringLiteral("written")), 10000);
        QVERIFY(logged(QStringLiteral("0"))); // empty, not the user's home
        const QJsonObject info = inspect(QStringLiteral("rr-%1-app").arg(runId));
        for (const QJsonValue &m : info.value(QStringLiteral("Mounts")).toArray())
            QVERIFY2(m.toObject().value(QStringLiteral("Type")).toString() != QLatin1String("bind"),
                     "a host bind mount");
        checkGone(runId);
    }

    void outOfMemoryIsDiagnosed()
    {
        QTemporaryDir dir;
        const QString runId = newRunId(QStringLiteral("oom"));
        writeProject(dir, "services:\n"
                          "  hog:\n"
                          "    image: busybox:1.36\n"
                          "    command: [\"sh\", \"-c\", \"x=a; while true; do x=$$x$$x; done\"]\n"
                          "    deploy:\n"
                          "      resources:\n"
                          "        limits:\n"
                          "          memory: 16M\n");
        const runs::PreparedPlan prepared = prepare(dir.path(), runId);
        QCOMPARE(prepared.plan.services.first().resources.memoryLimit, 16LL * 1024 * 1024);
        QSignalSpy broken(m_runtime.get(), &runtime::Runtime::runBroken);
        auto deployed = await(m_runtime->deploy(prepared.plan));
        // The hog may die before READY (deploy fails) or just after it (the run breaks):
        // either way the diagnosis names the memory limit.
        core::Error error;
        if (deployed) {
            QTRY_COMPARE_WITH_TIMEOUT(broken.size(), 1, 30000);
            QCOMPARE(broken.first().at(0).toString(), runId);
            error = broken.first().at(1).value<core::Error>();
        } else {
            error = deployed.error();
        }
        QCOMPARE(error.code, QStringLiteral("run.oom"));
        QCOMPARE(error.message,
                 QStringLiteral("service hog was killed because it ran out of memory (limit 16 MiB)"));
        checkGone(runId);
    }
};

QTEST_MAIN(TestDockerRuntime)
#include "test_dockerruntime.moc"
