#include "composefixtures.h"
#include "kuberender/kuberenderer.h"
#include "kuberender/yamlemitter.h"
#include "plan/planner.h"
#include "testsupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace rr;
namespace test = rr::test;

using rr::test::port;
using rr::test::service;

namespace {

project::VolumeMount mount(project::VolumeMount::Type type, const QString &source, const QString &target)
{
    project::VolumeMount m;
    m.type = type;
    m.source = source;
    m.target = target;
    m.anonymous = type == project::VolumeMount::Type::Volume && source.isEmpty();
    return m;
}

project::HealthCheck health(const QStringList &test)
{
    project::HealthCheck h;
    h.test = test;
    h.intervalMs = 5000;
    h.timeoutMs = 500;
    h.retries = 2;
    h.startPeriodMs = 3000;
    return h;
}

} // namespace

// Plans representative projects, renders them and checks every object against the real
// Kubernetes schema with tests/support/k8s_schema_validate.py, as JSON and as YAML.
class TestSchema : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    project::ComposeProject kitchenSink()
    {
        project::ComposeProject p;
        p.name = QStringLiteral("Kitchen_Sink");
        p.projectDir = m_dir.path();
        p.volumes.insert(QStringLiteral("pgdata"), project::NamedVolume{QStringLiteral("pgdata")});
        p.secrets.insert(
            QStringLiteral("db_password"),
            project::FileSource{QStringLiteral("db_password"), QStringLiteral("secrets/db.txt")});
        project::FileSource envSecret;
        envSecret.name = QStringLiteral("api_key");
        envSecret.environment = QStringLiteral("API_KEY");
        p.secrets.insert(QStringLiteral("api_key"), envSecret);
        p.configs.insert(QStringLiteral("nginx_conf"),
                         project::FileSource{QStringLiteral("nginx_conf"), QStringLiteral("nginx.conf")});
        project::FileSource inlineCfg;
        inlineCfg.name = QStringLiteral("motd");
        inlineCfg.content = QStringLiteral("true");
        p.configs.insert(QStringLiteral("motd"), inlineCfg);

        project::Service web = service(QStringLiteral("web"), {QStringLiteral("build"),
                                                               QStringLiteral("ports"),
                                                               QStringLiteral("expose"),
                                                               QStringLiteral("environment"),
                                                               QStringLiteral("env_file"),
                                                               QStringLiteral("healthcheck"),
                                                               QStringLiteral("deploy"),
                                                               QStringLiteral("user"),
                                                               QStringLiteral("working_dir"),
                                                               QStringLiteral("hostname"),
                                                               QStringLiteral("extra_hosts"),
                                                               QStringLiteral("sysctls"),
                                                               QStringLiteral("tmpfs"),
                                                               QStringLiteral("read_only"),
                                                               QStringLiteral("tty"),
                                                               QStringLiteral("stdin_open"),
                                                               QStringLiteral("cap_add"),
                                                               QStringLiteral("cap_drop"),
                                                               QStringLiteral("secrets"),
                                                               QStringLiteral("configs"),
                                                               QStringLiteral("volumes"),
                                                               QStringLiteral("depends_on"),
                                                               QStringLiteral("labels"),
                                                               QStringLiteral("logging"),
                                                               QStringLiteral("x-unknown"),
                                                               QStringLiteral("entrypoint"),
                                                               QStringLiteral("command"),
                                                               QStringLiteral("networks"),
                                                               QStringLiteral("stop_grace_period"),
                                                               QStringLiteral("security_opt")});
        web.build = project::BuildSpec{};
        web.build->args = {{QStringLiteral("VERSION"), QStringLiteral("1.0")}};
        web.build->target = QStringLiteral("runtime");
        web.ports = {port(80, 8080), port(9000, 19000, QStringLiteral("tcp"), 3),
                     port(5353, 5353, QStringLiteral("udp"))};
        web.ports[0].name = QStringLiteral("http");
        web.expose = {port(8443)};
        web.environment = {{QStringLiteral("PORT"), QStringLiteral("80")},
                           {QStringLiteral("DEBUG"), QStringLiteral("true")},
                           {QStringLiteral("PRICE"), QStringLiteral("$(cost)")},
                           {QStringLiteral("EMPTY"), QString()}};
        web.healthcheck =
            health({QStringLiteral("CMD-SHELL"), QStringLiteral("wget -qO- localhost:80 || exit 1")});
        web.replicas = 5;
        web.resources.cpuLimit = 0.5;
        web.resources.memoryLimit = 300LL * 1024 * 1024;
        web.resources.memoryReservation = 100LL * 1024 * 1024;
        web.user = QStringLiteral("1000:1000");
        web.workingDir = QStringLiteral("/srv/app");
        web.hostname = QStringLiteral("frontend");
        web.extraHosts = {QStringLiteral("somehost:162.242.195.82"), QStringLiteral("v6host=::1"),
                          QStringLiteral("gw:host-gateway")};
        web.sysctls = {{QStringLiteral("net.ipv4.ip_unprivileged_port_start"), QStringLiteral("0")},
                       {QStringLiteral("net.core.somaxconn"), QStringLiteral("1024")}};
        web.tmpfs = {QStringLiteral("/run")};
        web.readOnly = true;
        web.tty = web.stdinOpen = true;
        web.capAdd = {QStringLiteral("NET_BIND_SERVICE"), QStringLiteral("CAP_SYS_CHROOT")};
        web.capDrop = {QStringLiteral("MKNOD")};
        web.secrets = {
            project::FileGrant{QStringLiteral("db_password")},
            project::FileGrant{QStringLiteral("api_key"), QStringLiteral("api.key"), {}, {}, 0400}};
        web.configs = {
            project::FileGrant{QStringLiteral("nginx_conf"), QStringLiteral("/etc/nginx/nginx.conf")},
            project::FileGrant{QStringLiteral("motd")}};
        project::VolumeMount tmp = mount(project::VolumeMount::Type::Tmpfs, {}, QStringLiteral("/tmp"));
        tmp.tmpfsSize = 10 * 1024 * 1024;
        web.volumes = {
            mount(project::VolumeMount::Type::Bind, QStringLiteral("./static"),
                  QStringLiteral("/srv/static")),
            mount(project::VolumeMount::Type::Bind, QStringLiteral("./nginx.conf"),
                  QStringLiteral("/etc/x.conf")),
            mount(project::VolumeMount::Type::Bind, QStringLiteral("./cache"), QStringLiteral("/cache")),
            mount(project::VolumeMount::Type::Volume, {}, QStringLiteral("/anon")), tmp};
        web.dependsOn = {project::Dependency{QStringLiteral("db"), project::Dependency::Condition::Healthy},
                         project::Dependency{QStringLiteral("migrate"),
                                             project::Dependency::Condition::CompletedSuccessfully}};
        web.entrypoint = QStringList{QStringLiteral("/docker-entrypoint.sh")};
        web.command =
            QStringList{QStringLiteral("nginx"), QStringLiteral("-g"), QStringLiteral("daemon off;")};
        web.networks = {{QStringLiteral("front"), {QStringLiteral("www"), QStringLiteral("www.local")}}};

        project::Service db =
            service(QStringLiteral("db"), {QStringLiteral("volumes"), QStringLiteral("healthcheck"),
                                           QStringLiteral("container_name")});
        db.image = QStringLiteral("postgres:16");
        db.volumes = {mount(project::VolumeMount::Type::Volume, QStringLiteral("pgdata"),
                            QStringLiteral("/var/lib/postgresql/data"))};
        db.healthcheck = health({QStringLiteral("CMD"), QStringLiteral("pg_isready")});
        db.containerName = QStringLiteral("Main_DB");

        project::Service myApp = service(QStringLiteral("my_app"));
        project::Service dotted = service(QStringLiteral("Api.Gateway"), {QStringLiteral("expose")});
        dotted.expose = {port(7000)};
        project::Service migrate = service(QStringLiteral("migrate"), {QStringLiteral("restart")});
        migrate.restart = QStringLiteral("no");
        migrate.command =
            QStringList{QStringLiteral("sh"), QStringLiteral("-c"), QStringLiteral("echo $$migrated")};
        project::Service worker =
            service(QStringLiteral("worker"), {QStringLiteral("restart"), QStringLiteral("scale")});
        worker.restart = QStringLiteral("on-failure:3");
        worker.replicas = 2;
        p.services = {web, db, myApp, dotted, migrate, worker};
        return p;
    }

    plan::PlanOptions options()
    {
        plan::PlanOptions o;
        o.runId = QStringLiteral("k8s0test");
        o.owner = QStringLiteral("Octo_Org");
        o.repo = QStringLiteral("kitchen.sink");
        o.commit = QStringLiteral("89abcdef0123456789abcdef0123456789abcdef");
        o.variables = {{QStringLiteral("API_KEY"), QStringLiteral("s3cr3t")}};
        return o;
    }

    void expectValid(const plan::RunPlan &p)
    {
        const QList<QJsonObject> objects = kuberender::KubeRenderer::render(p);
        QVERIFY(objects.size() >= 6);
        QJsonArray array;
        for (const QJsonObject &o : objects)
            array.append(o);
        // REPORUNNER_SCHEMA_DUMP=dir keeps the rendered YAML for a look by hand.
        if (const QString dump = qEnvironmentVariable("REPORUNNER_SCHEMA_DUMP"); !dump.isEmpty())
            test::writeTree(dump,
                            {{QString::fromLatin1(QTest::currentTestFunction()) + QStringLiteral(".yaml"),
                              kuberender::toYamlStream(objects)}});
        const QString script = test::sourcePath(QStringLiteral("tests/support/k8s_schema_validate.py"));
        const test::ProcessResult json = test::run(QStringLiteral("/usr/bin/python3"), {script}, {},
                                                   QJsonDocument(array).toJson(), 120000);
        QVERIFY2(json.exitCode == 0, QByteArray(json.out + json.err).constData());
        // The YAML stream must say the same thing (types included) as the JSON.
        const test::ProcessResult yaml = test::run(QStringLiteral("/usr/bin/python3"), {script}, {},
                                                   kuberender::toYamlStream(objects), 120000);
        QVERIFY2(yaml.exitCode == 0, QByteArray(yaml.out + yaml.err).constData());
    }

private Q_SLOTS:
    void initTestCase()
    {
        QByteArray binary(300, '\0');
        for (int i = 0; i < binary.size(); ++i)
            binary[i] = char(i % 256);
        test::writeTree(m_dir.path(), {{QStringLiteral("Dockerfile"), "FROM scratch\n"},
                                       {QStringLiteral("nginx.conf"), "events {}\n"},
                                       {QStringLiteral("secrets/db.txt"), "hunter2"},
                                       {QStringLiteral("static/index.html"), "<h1>hi</h1>\n"},
                                       {QStringLiteral("static/img/logo.bin"), binary},
                                       {QStringLiteral("static/.hidden file"), "x"}});
    }

    void kitchenSinkIsValid()
    {
        const auto p = plan::Planner::plan(kitchenSink(), {}, options());
        QVERIFY2(p.has_value(), p ? "" : qPrintable(p.error().toString()));
        QVERIFY2(!p->report.hasRefusals(), qPrintable(p->report.toText()));
        expectValid(*p);
    }

    void withDockerfileFacts()
    {
        project::DockerfileFacts facts;
        facts.exposes = {port(3000), port(3000, 0, QStringLiteral("udp"))};
        project::HealthCheck hc;
        hc.test = {QStringLiteral("CMD"), QStringLiteral("/bin/true")};
        facts.healthcheck = hc;
        const auto p = plan::Planner::plan(kitchenSink(), {{QStringLiteral("my_app"), facts}}, options());
        QVERIFY(p);
        expectValid(*p);
    }

    void offlineWithResolvedAliases()
    {
        plan::PlanOptions o = options();
        o.offline = true;
        auto p = plan::Planner::plan(kitchenSink(), {}, o);
        QVERIFY(p);
        int ip = 10;
        for (const plan::ServicePlan &s : p->services)
            p->serviceAddresses.insert(s.dnsName, QStringLiteral("10.96.0.%1").arg(ip++));
        expectValid(*p);
    }

    void dottedAliasesUseHostAliases()
    {
        project::ComposeProject proj;
        proj.name = QStringLiteral("dots");
        proj.projectDir = m_dir.path();
        project::Service a = service(QStringLiteral("svc.one"), {QStringLiteral("extra_hosts")});
        a.extraHosts = {QStringLiteral("db.example:10.1.2.3")};
        proj.services = {a, service(QStringLiteral("two"))};
        auto p = plan::Planner::plan(proj, {}, options());
        QVERIFY(p);
        p->serviceAddresses.insert(p->services.first().dnsName, QStringLiteral("10.96.1.1"));
        expectValid(*p);
    }

    void unsafeAllowed()
    {
        project::ComposeProject proj;
        proj.name = QStringLiteral("unsafe");
        proj.projectDir = m_dir.path();
        project::Service s = service(QStringLiteral("root"),
                                     {QStringLiteral("privileged"), QStringLiteral("network_mode"),
                                      QStringLiteral("pid"), QStringLiteral("ipc"), QStringLiteral("cap_add"),
                                      QStringLiteral("devices"), QStringLiteral("ports")});
        s.privileged = true;
        s.networkMode = QStringLiteral("host");
        s.pid = s.ipc = QStringLiteral("host");
        s.capAdd = {QStringLiteral("SYS_ADMIN"), QStringLiteral("NET_ADMIN")};
        s.devices = {QStringLiteral("/dev/fuse")};
        s.ports = {port(80, 80)};
        proj.services = {s};
        plan::PlanOptions o = options();
        o.allowUnsafe = true;
        const auto p = plan::Planner::plan(proj, {}, o);
        QVERIFY(p);
        QVERIFY(!p->report.hasRefusals());
        expectValid(*p);
    }

    void minimalAndRefused()
    {
        project::ComposeProject proj;
        proj.name = QStringLiteral("min");
        proj.projectDir = m_dir.path();
        project::Service s = service(QStringLiteral("only"), {QStringLiteral("volumes")});
        s.volumes = {mount(project::VolumeMount::Type::Bind, QStringLiteral("/var/run/docker.sock"),
                           QStringLiteral("/var/run/docker.sock"))};
        proj.services = {s};
        const auto p = plan::Planner::plan(proj, {}, options());
        QVERIFY(p);
        QVERIFY(p->report.hasRefusals());
        // Even a refused plan renders valid objects for `reporunner plan` to print.
        expectValid(*p);
    }
};

QTEST_GUILESS_MAIN(TestSchema)
#include "test_schema.moc"
