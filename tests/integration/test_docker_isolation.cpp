// Issue 11 §4/§5 on the real Docker daemon: a run's containers cannot reach the host through
// their gateway address, another run's services, or (offline) anything outside the run; the
// engine's firewall rules go with the run, also when a crashed engine left them; every run
// previews on its own loopback address and not on 127.0.0.1. Each "cannot" has a control that
// shows the same probe succeeding where nothing forbids it.
#include "docker/dockerclient.h"
#include "dockerruntime/containerspec.h"
#include "dockerruntime/dockerruntime.h"
#include "dockerruntime/runfirewall.h"
#include "test_dockerfixture.h"
#include "test_planfor.h"

#include <QJsonArray>
#include <QProcess>
#include <QRandomGenerator>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace rr;
using rr::test::await;

namespace {

QByteArray httpGet(const QString &host, int port)
{
    QTcpSocket s;
    s.connectToHost(host, static_cast<quint16>(port));
    if (!s.waitForConnected(3000))
        return {};
    s.write("GET / HTTP/1.0\r\nHost: " + host.toLatin1() + "\r\n\r\n");
    QByteArray all;
    while (s.state() == QAbstractSocket::ConnectedState && s.waitForReadyRead(5000))
        all += s.readAll();
    return all + s.readAll();
}

QString dockerOut(const QStringList &args)
{
    const auto r = test::run(QStringLiteral("docker"), args, {}, {}, 60000);
    return r.exitCode == 0 ? QString::fromUtf8(r.out).trimmed() : QString();
}

bool dockerOk(const QStringList &args)
{
    return test::run(QStringLiteral("docker"), args, {}, {}, 60000).exitCode == 0;
}

QString iptablesRules()
{
    return QString::fromUtf8(test::run(dockerruntime::RunFirewall::program(), {QStringLiteral("-S")}).out);
}

// `busybox httpd` serving `text` on address:port, started and ended by the test (its own pid).
class TextServer
{
public:
    TextServer(const QString &address, int port, const QByteArray &text, const QStringList &prefix = {})
    {
        test::writeTree(m_dir.path(), {{QStringLiteral("index.html"), text}});
        QStringList args = prefix;
        args << QStringLiteral("busybox") << QStringLiteral("httpd") << QStringLiteral("-f")
             << QStringLiteral("-p") << QStringLiteral("%1:%2").arg(address).arg(port) << QStringLiteral("-h")
             << m_dir.path();
        m_process.start(args.takeFirst(), args);
        m_process.waitForStarted(); // callers wait until it answers
    }
    ~TextServer()
    {
        m_process.kill();
        m_process.waitForFinished();
    }

private:
    QTemporaryDir m_dir;
    QProcess m_process;
};

} // namespace

class TestDockerIsolation : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<docker::DockerClient> m_client;
    std::unique_ptr<dockerruntime::DockerRuntime> m_runtime;
    QString m_owner, m_prefix;
    QStringList m_runIds;
    QList<QStringList> m_cleanup; // commands that undo what a test made (program first)
    QTemporaryDir m_projects;
    // test_docker_isolation_helper: every firewall change goes through `reporunner-firewall`.
    std::unique_ptr<QProcess> m_helper;

    QString newRunId(const QString &what)
    {
        const QString id = m_prefix + what;
        m_runIds << id;
        return id;
    }

    plan::RunPlan planOf(const QString &runId, const QByteArray &marker, bool offline = false)
    {
        const QString dir = m_projects.path() + QLatin1Char('/') + runId;
        test::writeTree(dir, {{QStringLiteral("compose.yaml"),
                               "services:\n"
                               "  web:\n"
                               "    image: busybox:1.36\n"
                               "    command: [\"sh\", \"-c\", \"mkdir -p /tmp/w && echo " +
                                   marker +
                                   " > /tmp/w/index.html && exec httpd -f -p 8080 -h /tmp/w\"]\n"
                                   "    ports: [\"8080\"]\n"}});
        plan::RunPlan plan = test::planFor(dir, runId);
        plan.sandbox.offline = offline;
        return plan;
    }

    runtime::Deployment deploy(const plan::RunPlan &plan, runtime::Runtime *on = nullptr)
    {
        auto deployed = await((on ? on : m_runtime.get())->deploy(plan));
        if (!deployed)
            qFatal("deploying %s failed: %s", qPrintable(plan.runId),
                   qPrintable(deployed.error().toString()));
        return *deployed;
    }

    static QString container(const QString &runId)
    {
        return QStringLiteral("rr-%1-web").arg(dockerruntime::ContainerSpec::runLabel(runId));
    }

    static QString network(const QString &runId) { return dockerruntime::ContainerSpec::networkName(runId); }

    static QString gatewayOf(const QString &networkName)
    {
        return dockerOut({QStringLiteral("network"), QStringLiteral("inspect"), QStringLiteral("-f"),
                          QStringLiteral("{{(index .IPAM.Config 0).Gateway}}"), networkName});
    }

    static QString addressOf(const QString &containerName)
    {
        return dockerOut({QStringLiteral("inspect"), QStringLiteral("-f"),
                          QStringLiteral("{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}"),
                          containerName});
    }

    // Whether an HTTP GET from inside the container to host:port returns `marker` (busybox nc:
    // the image's static wget crashes here).
    static bool fetches(const QString &containerName, const QString &host, int port, const QByteArray &marker)
    {
        const QString script =
            QStringLiteral("printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 %1 %2").arg(host).arg(port);
        const auto r = test::run(
            QStringLiteral("docker"),
            {QStringLiteral("exec"), containerName, QStringLiteral("sh"), QStringLiteral("-c"), script}, {},
            {}, 30000);
        return r.out.contains(marker);
    }

    static int port() { return int(QRandomGenerator::global()->bounded(20000, 29000)); }

private Q_SLOTS:
    void initTestCase()
    {
        auto host = docker::DockerHost::fromEnvironment();
        QVERIFY(host.has_value());
        m_client = std::make_unique<docker::DockerClient>(*host);
        RR_REQUIRE_DOCKER(*m_client);
        if (test::run(dockerruntime::RunFirewall::program(),
                      {QStringLiteral("-S"), QStringLiteral("DOCKER-USER")})
                .exitCode != 0)
            QSKIP("iptables with dockerd's DOCKER-USER chain is needed (root)");
        if (const QString helper = qEnvironmentVariable("REPORUNNER_TEST_FIREWALL_HELPER");
            !helper.isEmpty()) {
            const QString socket = m_projects.filePath(QStringLiteral("firewall.sock"));
            m_helper = std::make_unique<QProcess>();
            m_helper->start(helper, {QStringLiteral("--socket"), socket});
            QVERIFY(m_helper->waitForStarted());
            QTRY_VERIFY2(QFileInfo::exists(socket), m_helper->readAllStandardError().constData());
            qputenv("REPORUNNER_FIREWALL_SOCKET", QFile::encodeName(socket));
        }
        const int n = QRandomGenerator::global()->bounded(100000, 999999);
        m_owner = QStringLiteral("rrtest-iso-%1").arg(n);
        m_prefix = QStringLiteral("i%1").arg(n);
        m_runtime = std::make_unique<dockerruntime::DockerRuntime>(m_client.get());
        m_runtime->setOwner(m_owner);
    }

    void cleanupTestCase()
    {
        if (m_runtime)
            for (const QString &id : std::as_const(m_runIds))
                await(m_runtime->teardown(id));
        for (const QStringList &command : std::as_const(m_cleanup))
            test::run(command.first(), command.mid(1));
        if (m_helper) {
            m_helper->terminate();
            m_helper->waitForFinished();
            const QByteArray log = m_helper->readAllStandardError();
            // The rules were the helper's work, not the engine's own.
            QVERIFY2(log.contains("install") && log.contains("remove"), log.constData());
        }
    }

    // Two runs: each preview answers on its own 127.77.x.y, not on 127.0.0.1; the containers
    // reach neither the host at their gateway address nor the other run.
    void runsAreIsolated()
    {
        const QString a = newRunId(QStringLiteral("a")), b = newRunId(QStringLiteral("b"));
        const runtime::Deployment da = deploy(planOf(a, "run-a-page")), db = deploy(planOf(b, "run-b-page"));
        const runtime::Endpoint ea = da.endpoints.first(), eb = db.endpoints.first();
        QVERIFY2(ea.host.startsWith(QLatin1String("127.77.")), qPrintable(ea.host));
        QVERIFY2(eb.host.startsWith(QLatin1String("127.77.")), qPrintable(eb.host));
        QVERIFY(ea.host != eb.host);
        QCOMPARE(ea.url, QStringLiteral("http://%1:%2/").arg(ea.host).arg(ea.localPort));
        QVERIFY(httpGet(ea.host, ea.localPort).contains("run-a-page"));
        QVERIFY(httpGet(eb.host, eb.localPort).contains("run-b-page"));
        QVERIFY(!httpGet(QStringLiteral("127.0.0.1"), ea.localPort).contains("run-a-page"));
        QVERIFY(!httpGet(QStringLiteral("127.0.0.1"), eb.localPort).contains("run-b-page"));
        QVERIFY(!httpGet(eb.host, ea.localPort).contains("run-a-page"));

        // The host side of run A's network: a server on its gateway address.
        const QString gateway = gatewayOf(network(a));
        QVERIFY(!gateway.isEmpty());
        const int hostPort = port();
        TextServer onGateway(gateway, hostPort, "host-secret");
        QTRY_VERIFY2(httpGet(gateway, hostPort).contains("host-secret"),
                     "the host-side server does not answer");
        QVERIFY(fetches(container(a), QStringLiteral("web"), 8080, "run-a-page")); // the probe works
        QVERIFY2(!fetches(container(a), gateway, hostPort, "host-secret"),
                 "a run's container reached the host");

        // The firewall is IPv4 only: the run's containers have no IPv6 at all.
        QCOMPARE(dockerOut({QStringLiteral("exec"), container(a), QStringLiteral("cat"),
                            QStringLiteral("/proc/sys/net/ipv6/conf/all/disable_ipv6")}),
                 QStringLiteral("1"));

        // Run B's service, reachable from the host, not from run A.
        const QString bAddress = addressOf(container(b));
        QVERIFY(httpGet(bAddress, 8080).contains("run-b-page"));
        QVERIFY2(!fetches(container(a), bAddress, 8080, "run-b-page"),
                 "a run's container reached another run's service");

        // Control: a container on a network the engine did not make reaches its gateway.
        const QString control = m_prefix + QStringLiteral("-control");
        QVERIFY(dockerOk({QStringLiteral("network"), QStringLiteral("create"), control}));
        m_cleanup << QStringList{QStringLiteral("docker"), QStringLiteral("network"), QStringLiteral("rm"),
                                 control};
        QVERIFY(dockerOk({QStringLiteral("run"), QStringLiteral("-d"), QStringLiteral("--name"), control,
                          QStringLiteral("--network"), control, QStringLiteral("busybox:1.36"),
                          QStringLiteral("sleep"), QStringLiteral("120")}));
        const QString controlGateway = gatewayOf(control);
        TextServer onControl(controlGateway, hostPort, "control-page");
        QTRY_VERIFY(httpGet(controlGateway, hostPort).contains("control-page"));
        const bool controlReached = fetches(control, controlGateway, hostPort, "control-page");
        dockerOk({QStringLiteral("rm"), QStringLiteral("-f"), control});
        dockerOk({QStringLiteral("network"), QStringLiteral("rm"), control});
        QVERIFY2(controlReached,
                 "the control container could not reach its gateway: the probe proves nothing");

        // Stop: the rules go with the run.
        const dockerruntime::RunFirewall fa(m_owner, dockerruntime::ContainerSpec::runLabel(a));
        QVERIFY(iptablesRules().contains(fa.forwardChain()));
        QVERIFY(await(m_runtime->teardown(a)).has_value());
        QVERIFY(await(m_runtime->teardown(b)).has_value());
        const QString after = iptablesRules();
        QVERIFY2(!after.contains(fa.forwardChain()) && !after.contains(fa.inputChain()),
                 "rules left after stop");
        QVERIFY(!after.contains(QStringLiteral("engine=%1 run=").arg(m_owner)));
    }

    // Offline: nothing outside the run answers, although an online run reaches the same server
    // (in a network namespace of the test's, at a public-range address); its preview still works.
    void offlineHasNoEgress()
    {
        const int n = QRandomGenerator::global()->bounded(1, 60);
        const QString ns = QStringLiteral("rrx%1").arg(m_prefix.right(6));
        const QString hostSide = ns + QStringLiteral("h"), nsSide = ns + QStringLiteral("n");
        const QString hostIp = QStringLiteral("203.0.113.%1").arg(n * 4 + 1);
        const QString outsideIp = QStringLiteral("203.0.113.%1").arg(n * 4 + 2);
        const auto ip = [](const QStringList &args) {
            return test::run(QStringLiteral("ip"), args).exitCode == 0;
        };
        QVERIFY(ip({QStringLiteral("netns"), QStringLiteral("add"), ns}));
        m_cleanup << QStringList{QStringLiteral("ip"), QStringLiteral("netns"), QStringLiteral("del"), ns};
        QVERIFY(ip({QStringLiteral("link"), QStringLiteral("add"), hostSide, QStringLiteral("type"),
                    QStringLiteral("veth"), QStringLiteral("peer"), QStringLiteral("name"), nsSide}));
        QVERIFY(ip({QStringLiteral("link"), QStringLiteral("set"), nsSide, QStringLiteral("netns"), ns}));
        QVERIFY(ip({QStringLiteral("addr"), QStringLiteral("add"), hostIp + QStringLiteral("/30"),
                    QStringLiteral("dev"), hostSide}));
        QVERIFY(ip({QStringLiteral("link"), QStringLiteral("set"), hostSide, QStringLiteral("up")}));
        const QStringList inNs{QStringLiteral("-n"), ns};
        QVERIFY(ip(inNs + QStringList{QStringLiteral("addr"), QStringLiteral("add"),
                                      outsideIp + QStringLiteral("/30"), QStringLiteral("dev"), nsSide}));
        QVERIFY(ip(inNs +
                   QStringList{QStringLiteral("link"), QStringLiteral("set"), nsSide, QStringLiteral("up")}));
        QVERIFY(ip(inNs + QStringList{QStringLiteral("link"), QStringLiteral("set"), QStringLiteral("lo"),
                                      QStringLiteral("up")}));
        QVERIFY(ip(inNs + QStringList{QStringLiteral("route"), QStringLiteral("add"),
                                      QStringLiteral("default"), QStringLiteral("via"), hostIp}));
        const int outsidePort = port();
        TextServer outside(outsideIp, outsidePort, "outside-page",
                           {QStringLiteral("ip"), QStringLiteral("netns"), QStringLiteral("exec"), ns});
        QTRY_VERIFY(httpGet(outsideIp, outsidePort).contains("outside-page")); // the host reaches it

        const QString online = newRunId(QStringLiteral("online")),
                      offline = newRunId(QStringLiteral("offline"));
        deploy(planOf(online, "online-page"));
        const runtime::Deployment off = deploy(planOf(offline, "offline-page", true));
        const bool onlineReached = fetches(container(online), outsideIp, outsidePort, "outside-page");
        const bool offlineReached = fetches(container(offline), outsideIp, outsidePort, "outside-page");
        QVERIFY2(onlineReached,
                 "the online run could not reach the outside server: the probe proves nothing");
        QVERIFY2(!offlineReached, "an offline run reached outside");
        QVERIFY(
            httpGet(off.endpoints.first().host, off.endpoints.first().localPort).contains("offline-page"));
        QVERIFY(await(m_runtime->teardown(online)).has_value());
        QVERIFY(await(m_runtime->teardown(offline)).has_value());
    }

    // An engine that died leaves its rules; the next one with the same id finds the run through
    // them (its containers and network already gone) and removes exactly its own.
    void reconcileRemovesACrashedEnginesRules()
    {
        const QString runId = newRunId(QStringLiteral("crash"));
        {
            dockerruntime::DockerRuntime crashed(m_client.get());
            crashed.setOwner(m_owner);
            deploy(planOf(runId, "crash-page"), &crashed);
        } // the destructor leaves containers and rules, as a killed engine does
        QVERIFY(dockerOk({QStringLiteral("rm"), QStringLiteral("-f"), container(runId)}));
        QVERIFY(dockerOk({QStringLiteral("network"), QStringLiteral("rm"), network(runId)}));
        const dockerruntime::RunFirewall firewall(m_owner, dockerruntime::ContainerSpec::runLabel(runId));
        QVERIFY2(iptablesRules().contains(firewall.forwardChain()),
                 "the rules were expected to outlive the engine");

        // Another engine's rules are not ours: they stay.
        dockerruntime::DockerRuntime stranger(m_client.get());
        stranger.setOwner(m_owner + QStringLiteral("-other"));
        auto theirs = await(stranger.liveRunIds());
        QVERIFY(theirs.has_value());
        QVERIFY(!theirs->contains(dockerruntime::ContainerSpec::runLabel(runId)));

        dockerruntime::DockerRuntime restarted(m_client.get());
        restarted.setOwner(m_owner);
        auto live = await(restarted.liveRunIds());
        QVERIFY(live.has_value());
        QVERIFY2(live->contains(dockerruntime::ContainerSpec::runLabel(runId)), qPrintable(live->join(u',')));
        QVERIFY(await(restarted.teardown(runId)).has_value());
        QVERIFY(!iptablesRules().contains(firewall.forwardChain()));
        QVERIFY(!iptablesRules().contains(firewall.inputChain()));
    }
};

QTEST_GUILESS_MAIN(TestDockerIsolation)
#include "test_docker_isolation.moc"
