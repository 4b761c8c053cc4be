#include "composefixtures.h"
#include "core/names.h"
#include "plan/planner.h"

#include <QTemporaryDir>
#include <QTest>

using namespace rr;
using plan::ReportEntry;
using Status = plan::ReportEntry::Status;

using rr::test::port;
using rr::test::service;

namespace {

plan::PlanOptions options()
{
    plan::PlanOptions o;
    o.runId = QStringLiteral("abc12345");
    o.owner = QStringLiteral("octo");
    o.repo = QStringLiteral("hello");
    o.commit = QStringLiteral("0123456789abcdef0123456789abcdef01234567");
    return o;
}

Status statusOf(const plan::RunPlan &p, const QString &svc, const QString &key)
{
    const QList<ReportEntry> e = p.report.find(svc, key);
    return e.isEmpty() ? Status::Mapped : e.first().status;
}

} // namespace

class TestPlanMapping : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    project::ComposeProject project(const QList<project::Service> &services)
    {
        project::ComposeProject p;
        p.name = QStringLiteral("hello");
        p.projectDir = m_dir.path();
        p.services = services;
        return p;
    }
    plan::RunPlan planOf(const QList<project::Service> &services, const plan::PlanOptions &o = options(),
                         const QMap<QString, project::DockerfileFacts> &facts = {})
    {
        const auto r = plan::Planner::plan(project(services), facts, o);
        if (!r)
            qFatal("plan failed: %s", qPrintable(r.error().toString()));
        return *r;
    }

private Q_SLOTS:
    void identityAndLabels()
    {
        const plan::RunPlan p = planOf({service(QStringLiteral("web"))});
        QCOMPARE(p.namespaceName, QStringLiteral("rr-octo-hello-abc12345"));
        QCOMPARE(p.labels.value(QStringLiteral("app.kubernetes.io/managed-by")),
                 QStringLiteral("reporunner"));
        QCOMPARE(p.labels.value(QStringLiteral("reporunner.dev/run-id")), QStringLiteral("abc12345"));
        QCOMPARE(p.serviceLabels(p.services.first()).value(QStringLiteral("reporunner.dev/service")),
                 QStringLiteral("web"));
    }

    void longNamespaceKeepsRunId()
    {
        plan::PlanOptions o = options();
        o.owner = QStringLiteral("Some_Very-Long.Organisation-Name-That-Goes-On");
        o.repo = QStringLiteral("an_even_longer_repository_name_for_testing_truncation");
        const plan::RunPlan p = planOf({service(QStringLiteral("web"))}, o);
        QVERIFY(core::names::isDns1123Label(p.namespaceName));
        QVERIFY(p.namespaceName.size() <= 63);
        QVERIFY2(p.namespaceName.endsWith(QStringLiteral("-abc12345")), qPrintable(p.namespaceName));
        QVERIFY(p.namespaceName.startsWith(QStringLiteral("rr-")));
    }

    void invalidNamesAreSanitisedAndAliased()
    {
        const plan::RunPlan p = planOf({service(QStringLiteral("my_app")), service(QStringLiteral("my.app")),
                                        service(QStringLiteral("Web"))});
        const plan::ServicePlan *a = p.service(QStringLiteral("my_app"));
        const plan::ServicePlan *b = p.service(QStringLiteral("my.app"));
        QVERIFY(a && b);
        QVERIFY(core::names::isDns1035Label(a->dnsName));
        QVERIFY(core::names::isDns1035Label(b->dnsName));
        QVERIFY(a->dnsName != b->dnsName);
        QCOMPARE(p.service(QStringLiteral("Web"))->dnsName, QStringLiteral("web"));
        QVERIFY(a->aliases.contains(QStringLiteral("my_app")));
        // my_app and my.app cannot be Services: they wait for addresses; "Web" resolves case-insensitively.
        QStringList pending;
        for (const plan::AddressAlias &al : p.addressAliases)
            pending << al.hostname;
        QVERIFY(pending.contains(QStringLiteral("my_app")));
        QVERIFY(pending.contains(QStringLiteral("my.app")));
        QVERIFY(!pending.contains(QStringLiteral("Web")));
        QCOMPARE(statusOf(p, QStringLiteral("my_app"), QStringLiteral("name")), Status::Adapted);
    }

    void containerNameBecomesAliasService()
    {
        project::Service db = service(QStringLiteral("db"), {QStringLiteral("container_name")});
        db.containerName = QStringLiteral("postgres-main");
        const plan::RunPlan p = planOf({db});
        QCOMPARE(p.aliasServices.size(), 1);
        QCOMPARE(p.aliasServices.first().hostname, QStringLiteral("postgres-main"));
        QCOMPARE(p.aliasServices.first().service, QStringLiteral("db"));
    }

    void portsAreContainerPorts()
    {
        project::Service web =
            service(QStringLiteral("web"), {QStringLiteral("ports"), QStringLiteral("expose")});
        web.ports = {port(80, 8080), port(53, 0, QStringLiteral("udp"))};
        web.expose = {port(9090)};
        project::DockerfileFacts facts;
        facts.exposes = {port(80), port(3000)};
        const plan::RunPlan p = planOf({web}, options(), {{QStringLiteral("web"), facts}});
        const plan::ServicePlan &s = p.services.first();
        QList<int> ports;
        for (const plan::PlanPort &pp : s.ports)
            ports << pp.containerPort;
        QCOMPARE(ports, (QList<int>{80, 53, 9090, 3000}));
        QCOMPARE(s.ports.at(0).hostPort, 8080);
        QCOMPARE(s.ports.at(1).protocol, QStringLiteral("UDP"));
        QCOMPARE(s.ports.at(2).hostPort, 0);
        QSet<QString> names;
        for (const plan::PlanPort &pp : s.ports)
            names.insert(pp.name);
        QCOMPARE(names.size(), 4);
    }

    void primaryChoice()
    {
        project::Service a = service(QStringLiteral("a"));
        project::Service b = service(QStringLiteral("b"), {QStringLiteral("expose")});
        b.expose = {port(5000)};
        project::Service c = service(QStringLiteral("c"), {QStringLiteral("ports")});
        c.ports = {port(8000, 8000)};
        QCOMPARE(planOf({a, b, c}).primary()->name, QStringLiteral("c"));
        QCOMPARE(planOf({a, b}).primary()->name, QStringLiteral("b"));
        QCOMPARE(planOf({a}).primary()->name, QStringLiteral("a"));
        plan::PlanOptions o = options();
        o.primaryService = QStringLiteral("a");
        QCOMPARE(planOf({a, b, c}, o).primary()->name, QStringLiteral("a"));
        o.primaryService = QStringLiteral("nope");
        QVERIFY(!plan::Planner::plan(project({a}), {}, o));
    }

    void selectionClosure()
    {
        project::Service web = service(QStringLiteral("web"), {QStringLiteral("depends_on")});
        web.dependsOn = {project::Dependency{QStringLiteral("db")}};
        project::Service db = service(QStringLiteral("db"));
        project::Service other = service(QStringLiteral("other"));
        plan::PlanOptions o = options();
        o.services = {QStringLiteral("web")};
        const plan::RunPlan p = planOf({web, db, other}, o);
        QCOMPARE(p.services.size(), 2);
        QVERIFY(p.service(QStringLiteral("db")));
        QVERIFY(!p.service(QStringLiteral("other")));
        o.services = {QStringLiteral("missing")};
        const auto bad = plan::Planner::plan(project({web, db}), {}, o);
        QVERIFY(!bad);
        QCOMPARE(bad.error().code, QStringLiteral("plan.unknown-service"));
    }

    void deploymentOrderAndCycles()
    {
        project::Service web = service(QStringLiteral("web"));
        web.dependsOn = {project::Dependency{QStringLiteral("api")},
                         project::Dependency{QStringLiteral("db")}};
        project::Service api = service(QStringLiteral("api"));
        api.dependsOn = {project::Dependency{QStringLiteral("db"), project::Dependency::Condition::Healthy}};
        project::Service db = service(QStringLiteral("db"));
        const plan::RunPlan p = planOf({web, api, db});
        QCOMPARE(
            p.deploymentOrder(),
            (QList<QStringList>{{QStringLiteral("db")}, {QStringLiteral("api")}, {QStringLiteral("web")}}));
        QCOMPARE(p.service(QStringLiteral("api"))->dependsOn.first().condition,
                 project::Dependency::Condition::Healthy);
        db.dependsOn = {project::Dependency{QStringLiteral("web")}};
        const auto cyc = plan::Planner::plan(project({web, api, db}), {}, options());
        QVERIFY(!cyc);
        QCOMPARE(cyc.error().code, QStringLiteral("plan.dependency-cycle"));
    }

    void oneShotJobs()
    {
        project::Service migrate = service(QStringLiteral("migrate"));
        project::Service seed = service(QStringLiteral("seed"), {QStringLiteral("restart")});
        seed.restart = QStringLiteral("no");
        project::Service web = service(QStringLiteral("web"), {QStringLiteral("restart")});
        web.restart = QStringLiteral("always");
        web.dependsOn = {project::Dependency{QStringLiteral("migrate"),
                                             project::Dependency::Condition::CompletedSuccessfully}};
        project::Service plain = service(QStringLiteral("plain"));
        const plan::RunPlan p = planOf({migrate, seed, web, plain});
        QVERIFY(p.service(QStringLiteral("migrate"))->oneShot);
        QVERIFY(p.service(QStringLiteral("seed"))->oneShot);
        QVERIFY(!p.service(QStringLiteral("web"))->oneShot);
        QVERIFY(!p.service(QStringLiteral("plain"))->oneShot);
    }

    void processAndEnvironment()
    {
        project::Service s =
            service(QStringLiteral("app"),
                    {QStringLiteral("entrypoint"), QStringLiteral("command"), QStringLiteral("environment"),
                     QStringLiteral("user"), QStringLiteral("working_dir")});
        s.entrypoint = QStringList{QStringLiteral("/bin/sh"), QStringLiteral("-c")};
        s.command = QStringList{QStringLiteral("echo $HOME")};
        s.environment = {{QStringLiteral("A"), QStringLiteral("1")},
                         {QStringLiteral("bad name"), QStringLiteral("x")}};
        s.user = QStringLiteral("1000:2000");
        s.workingDir = QStringLiteral("/srv");
        const plan::RunPlan p = planOf({s});
        const plan::ServicePlan &sp = p.services.first();
        QCOMPARE(*sp.command, (QStringList{QStringLiteral("/bin/sh"), QStringLiteral("-c")}));
        QCOMPARE(*sp.args, QStringList{QStringLiteral("echo $HOME")});
        QCOMPARE(sp.env.value(QStringLiteral("A")), QStringLiteral("1"));
        QVERIFY(!sp.env.contains(QStringLiteral("bad name")));
        QCOMPARE(statusOf(p, QStringLiteral("app"), QStringLiteral("environment")), Status::Adapted);
        QCOMPARE(*sp.runAsUser, 1000);
        QCOMPARE(*sp.runAsGroup, 2000);
        QCOMPARE(sp.workingDir, QStringLiteral("/srv"));
        s.user = QStringLiteral("node");
        QCOMPARE(statusOf(planOf({s}), QStringLiteral("app"), QStringLiteral("user")), Status::Adapted);
    }

    void healthchecks()
    {
        project::Service s = service(QStringLiteral("a"), {QStringLiteral("healthcheck")});
        project::HealthCheck hc;
        hc.test = {QStringLiteral("CMD-SHELL"), QStringLiteral("wget -q -O- localhost || exit 1")};
        hc.intervalMs = 30000;
        hc.timeoutMs = 2500;
        hc.retries = 4;
        hc.startPeriodMs = 20000;
        s.healthcheck = hc;
        plan::ServicePlan sp = planOf({s}).services.first();
        QVERIFY(sp.readiness && sp.liveness);
        QCOMPARE(sp.readiness->exec, (QStringList{QStringLiteral("/bin/sh"), QStringLiteral("-c"),
                                                  QStringLiteral("wget -q -O- localhost || exit 1")}));
        QCOMPARE(sp.readiness->timeoutSeconds, 3);
        QCOMPARE(sp.readiness->failureThreshold, 4);
        QCOMPARE(sp.liveness->failureThreshold, 12);
        QCOMPARE(sp.liveness->initialDelaySeconds, 20);
        QCOMPARE(sp.liveness->periodSeconds, 30);
        // The declared cadence by default: the first check one interval after the start.
        QCOMPARE(sp.readiness->initialDelaySeconds, 30);
        QCOMPARE(sp.readiness->periodSeconds, 30);
        QCOMPARE(sp.readiness->declaredIntervalSeconds, 30);
        QCOMPARE(sp.readiness->declaredStartPeriodSeconds, 20);
        QCOMPARE(sp.readiness->declaredStartIntervalSeconds, 0);
        // start_interval, when declared, is the first check's delay and the period while starting.
        project::HealthCheck withStart = hc;
        withStart.startIntervalMs = 2000;
        s.healthcheck = withStart;
        const plan::ServicePlan starting = planOf({s}).services.first();
        QCOMPARE(starting.readiness->initialDelaySeconds, 2);
        QCOMPARE(starting.readiness->periodSeconds, 2);
        QCOMPARE(starting.readiness->declaredStartIntervalSeconds, 2);
        QCOMPARE(starting.readiness->declaredIntervalSeconds, 30);
        s.healthcheck = hc;
        // fastProbes is asked for, and the report says which cadence is in force.
        const auto cadenceNote = [](const plan::RunPlan &p) {
            for (const auto &e : p.report.entries)
                if (e.key == QLatin1String("healthcheck"))
                    return e.reason;
            return QString();
        };
        QVERIFY2(cadenceNote(planOf({s})).contains(QStringLiteral("declared cadence: first check 30 s")),
                 qPrintable(cadenceNote(planOf({s}))));
        plan::PlanOptions fast = options();
        fast.fastProbes = true;
        const plan::RunPlan quick = planOf({s}, fast);
        QVERIFY(quick.fastProbes);
        QCOMPARE(quick.services.first().readiness->initialDelaySeconds, 0);
        QCOMPARE(quick.services.first().readiness->periodSeconds, 1);
        QCOMPARE(quick.services.first().readiness->declaredIntervalSeconds, 30);
        QVERIFY(cadenceNote(quick).contains(QStringLiteral("fast probes")));

        hc.test = {QStringLiteral("CMD"), QStringLiteral("curl"), QStringLiteral("-f"), QStringLiteral("x")};
        s.healthcheck = hc;
        QCOMPARE(planOf({s}).services.first().readiness->exec,
                 (QStringList{QStringLiteral("curl"), QStringLiteral("-f"), QStringLiteral("x")}));

        hc.disable = true;
        s.healthcheck = hc;
        sp = planOf({s}).services.first();
        QVERIFY(!sp.readiness && !sp.liveness);

        hc.disable = false;
        hc.test = {QStringLiteral("NONE")};
        s.healthcheck = hc;
        QVERIFY(!planOf({s}).services.first().readiness);

        // No compose healthcheck: the Dockerfile's HEALTHCHECK applies.
        project::Service d = service(QStringLiteral("d"));
        project::DockerfileFacts facts;
        project::HealthCheck image;
        image.test = {QStringLiteral("CMD"), QStringLiteral("/healthz")};
        facts.healthcheck = image;
        sp = planOf({d}, options(), {{QStringLiteral("d"), facts}}).services.first();
        QVERIFY(sp.readiness);
        QCOMPARE(sp.readiness->exec, QStringList{QStringLiteral("/healthz")});
    }

    void replicasAndResources()
    {
        project::Service s = service(QStringLiteral("w"), {QStringLiteral("deploy")});
        s.replicas = 7;
        s.resources.cpuLimit = 8;
        s.resources.memoryLimit = 16LL * 1024 * 1024 * 1024;
        const plan::RunPlan p = planOf({s});
        const plan::ServicePlan &sp = p.services.first();
        QCOMPARE(sp.replicas, 3);
        QCOMPARE(sp.resources.cpuLimitMilli, 2000);
        QCOMPARE(sp.resources.memoryLimit, 2048LL * 1024 * 1024);
        QVERIFY(sp.resources.cpuRequestMilli <= sp.resources.cpuLimitMilli);
        QCOMPARE(statusOf(p, QStringLiteral("w"), QStringLiteral("deploy")), Status::Adapted);

        project::Service small = service(QStringLiteral("small"), {QStringLiteral("deploy")});
        small.resources.memoryLimit = 256LL * 1024 * 1024;
        small.resources.memoryReservation = 64LL * 1024 * 1024;
        const plan::ServicePlan sm = planOf({small}).services.first();
        QCOMPARE(sm.resources.memoryLimit, 256LL * 1024 * 1024);
        QCOMPARE(sm.resources.memoryRequest, 64LL * 1024 * 1024);
    }

    void unsetResourcesShareTheQuota()
    {
        QList<project::Service> many;
        for (int i = 0; i < 6; ++i)
            many << service(QStringLiteral("s%1").arg(i));
        const plan::RunPlan p = planOf(many);
        qint64 mem = 0;
        for (const plan::ServicePlan &s : p.services) {
            QVERIFY(s.resources.memoryLimit > 0);
            mem += s.resources.memoryLimit;
        }
        QVERIFY(mem <= p.sandbox.quota.limitsMemory);
    }

    void imageTags()
    {
        project::Service s = service(QStringLiteral("Web_App"), {QStringLiteral("build")});
        s.build = project::BuildSpec{};
        s.build->args = {{QStringLiteral("V"), QStringLiteral("1")}};
        const plan::RunPlan p = planOf({s});
        const plan::ServicePlan &sp = p.services.first();
        QVERIFY(sp.build);
        QCOMPARE(sp.build->contextDir, QFileInfo(m_dir.path()).canonicalFilePath());
        QCOMPARE(sp.build->dockerfile, QStringLiteral("Dockerfile"));
        QVERIFY2(sp.image.startsWith(QStringLiteral("reporunner/octo-hello-web-app")), qPrintable(sp.image));
        QVERIFY(sp.image.contains(QStringLiteral(":0123456789ab-")));
        QCOMPARE(sp.image.section(QLatin1Char('-'), -1).size(), 8);
        // Other build inputs give another tag.
        s.build->args = {{QStringLiteral("V"), QStringLiteral("2")}};
        QVERIFY(planOf({s}).services.first().image != sp.image);
    }

    void everyKeyIsReported()
    {
        project::Service s =
            service(QStringLiteral("a"), {QStringLiteral("labels"), QStringLiteral("logging"),
                                          QStringLiteral("x-custom"), QStringLiteral("frobnicate"),
                                          QStringLiteral("container_name"), QStringLiteral("ports")});
        s.ports = {port(8080, 8080)};
        const plan::RunPlan p = planOf({s});
        for (auto it = s.keys.cbegin(); it != s.keys.cend(); ++it) {
            const QList<ReportEntry> e = p.report.find(QStringLiteral("a"), it.key());
            QVERIFY2(!e.isEmpty(), qPrintable(it.key()));
            QVERIFY(e.first().where.isValid());
        }
        QCOMPARE(statusOf(p, QStringLiteral("a"), QStringLiteral("frobnicate")), Status::Dropped);
        QCOMPARE(statusOf(p, QStringLiteral("a"), QStringLiteral("labels")), Status::Dropped);
        QCOMPARE(statusOf(p, QStringLiteral("a"), QStringLiteral("ports")), Status::Mapped);
        QCOMPARE(p.report.find(QStringLiteral("a"), QStringLiteral("frobnicate")).first().where.line,
                 s.keys.value(QStringLiteral("frobnicate")).line);
        QVERIFY(!p.report.hasRefusals());
        QVERIFY(plan::Planner::check(p).has_value());
        QVERIFY(p.report.toText().contains(QStringLiteral("frobnicate")));
        QCOMPARE(p.report.toJson().size(), p.report.entries.size());
    }
};

QTEST_GUILESS_MAIN(TestPlanMapping)
#include "test_plan_mapping.moc"
