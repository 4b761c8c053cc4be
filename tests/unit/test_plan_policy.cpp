#include "composefixtures.h"
#include "plan/localport.h"
#include "plan/planner.h"
#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace rr;
using plan::ReportEntry;
using Status = plan::ReportEntry::Status;

using rr::test::port;
using rr::test::service;

namespace {

project::VolumeMount bind(const QString &source, const QString &target)
{
    project::VolumeMount m;
    m.type = project::VolumeMount::Type::Bind;
    m.source = source;
    m.target = target;
    m.where = core::Location{QStringLiteral("compose.yaml"), 9, 9};
    return m;
}

} // namespace

class TestPlanPolicy : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_outside;
    QString m_root;

    project::ComposeProject project(const QList<project::Service> &services)
    {
        project::ComposeProject p;
        p.name = QStringLiteral("demo");
        p.projectDir = m_root;
        p.services = services;
        return p;
    }
    plan::RunPlan planOf(const project::ComposeProject &p, bool allowUnsafe = false)
    {
        plan::PlanOptions o;
        o.runId = QStringLiteral("run1");
        o.owner = QStringLiteral("o");
        o.repo = QStringLiteral("r");
        o.allowUnsafe = allowUnsafe;
        const auto r = plan::Planner::plan(p, {}, o);
        if (!r)
            qFatal("plan failed: %s", qPrintable(r.error().toString()));
        return *r;
    }
    QList<ReportEntry> volumeEntries(const plan::RunPlan &p)
    {
        return p.report.find(QStringLiteral("app"), QStringLiteral("volumes"));
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_root = m_outside.path() + QStringLiteral("/repo");
        test::writeTree(m_root, {{QStringLiteral("nginx.conf"), "server {}\n"},
                                 {QStringLiteral("conf/a.ini"), "a=1\n"},
                                 {QStringLiteral("conf/sub/b.ini"), "b=2\n"},
                                 {QStringLiteral("big/blob.bin"), QByteArray(600 * 1024, 'x')},
                                 {QStringLiteral("secrets/db_password.txt"), "hunter2"},
                                 {QStringLiteral("configs/app.json"), "{}"}});
        test::writeTree(m_outside.path(), {{QStringLiteral("host-secret.txt"), "nope"}});
        QVERIFY(QFile::link(m_outside.path() + QStringLiteral("/host-secret.txt"),
                            m_root + QStringLiteral("/escape")));
        QVERIFY(QFile::link(m_outside.path(), m_root + QStringLiteral("/outdir")));
    }

    void hostMountsAreAlwaysRefused_data()
    {
        QTest::addColumn<QString>("source");
        QTest::newRow("etc") << QStringLiteral("/etc");
        QTest::newRow("root") << QStringLiteral("/");
        QTest::newRow("proc") << QStringLiteral("/proc");
        QTest::newRow("sys") << QStringLiteral("/sys/fs/cgroup");
        QTest::newRow("device") << QStringLiteral("/dev/sda");
        QTest::newRow("docker-sock") << QStringLiteral("/var/run/docker.sock");
        QTest::newRow("docker-sock-rel") << QStringLiteral("./docker.sock");
        QTest::newRow("containerd-sock") << QStringLiteral("/run/containerd/containerd.sock");
        QTest::newRow("dotdot-to-etc") << QStringLiteral("../../../../../../../../etc/shadow");
    }
    void hostMountsAreAlwaysRefused()
    {
        QFETCH(QString, source);
        project::Service s = service(QStringLiteral("app"), {QStringLiteral("volumes")});
        s.volumes = {bind(source, QStringLiteral("/data"))};
        for (const bool unsafe : {false, true}) {
            const plan::RunPlan p = planOf(project({s}), unsafe);
            QVERIFY(p.report.hasRefusals());
            const QList<ReportEntry> e = volumeEntries(p);
            QCOMPARE(e.size(), 1);
            QCOMPARE(e.first().status, Status::Refused);
            QVERIFY(e.first().reason.contains(source));
            QCOMPARE(e.first().where.line, 9);
            QVERIFY(p.services.first().mounts.isEmpty());
            const auto check = plan::Planner::check(p);
            QVERIFY(!check);
            QCOMPARE(check.error().category, core::ErrorCategory::Refused);
            QCOMPARE(check.error().code, QStringLiteral("plan.refused"));
            QVERIFY(check.error().message.contains(QStringLiteral("service app: volumes: ")));
            QVERIFY(check.error().details.contains(QStringLiteral("REFUSED")));
        }
    }

    // Paths outside the repository that grant nothing are never mounted either, but the service
    // still starts: an empty per-run volume takes their place, and the report names the path.
    void outsidePathsBecomeEmptyVolumes_data()
    {
        QTest::addColumn<QString>("source");
        QTest::newRow("absolute") << QStringLiteral("/srv/data");
        QTest::newRow("home") << QStringLiteral("~/data");
        QTest::newRow("home-ssh") << QStringLiteral("~/.ssh");
        QTest::newRow("dotdot") << QStringLiteral("../host-secret.txt");
        QTest::newRow("dotdot-inside-then-out") << QStringLiteral("./conf/../../host-secret.txt");
        QTest::newRow("symlink-file") << QStringLiteral("./escape");
        QTest::newRow("symlink-dir") << QStringLiteral("./outdir/host-secret.txt");
    }
    void outsidePathsBecomeEmptyVolumes()
    {
        QFETCH(QString, source);
        project::Service s = service(QStringLiteral("app"), {QStringLiteral("volumes")});
        s.volumes = {bind(source, QStringLiteral("/data"))};
        const plan::RunPlan p = planOf(project({s}), false);
        QVERIFY(!p.report.hasRefusals());
        const QList<ReportEntry> e = volumeEntries(p);
        QCOMPARE(e.size(), 1);
        QCOMPARE(e.first().status, Status::Adapted);
        QVERIFY2(e.first().reason.contains(QStringLiteral("'%1' was not mounted").arg(source)),
                 qPrintable(e.first().reason));
        QVERIFY(e.first().reason.contains(QStringLiteral("empty per-run volume")));
        const auto &mounts = p.services.first().mounts;
        QCOMPARE(mounts.size(), 1);
        QCOMPARE(mounts.first().mountPath, QStringLiteral("/data"));
        QVERIFY(plan::Planner::check(p));
        // Nothing of the host reaches the plan: no data object carries the outside file.
        for (const auto &d : p.dataObjects)
            for (const QByteArray &bytes : d.data)
                QVERIFY(!bytes.contains("nope"));
    }

    void repoFilesBecomeConfigMaps()
    {
        project::Service s = service(QStringLiteral("app"), {QStringLiteral("volumes")});
        s.volumes = {bind(QStringLiteral("./nginx.conf"), QStringLiteral("/etc/nginx/nginx.conf")),
                     bind(QStringLiteral("conf"), QStringLiteral("/etc/app")),
                     bind(m_root + QStringLiteral("/nginx.conf"), QStringLiteral("/abs.conf"))};
        const plan::RunPlan p = planOf(project({s}));
        QVERIFY(!p.report.hasRefusals());
        const plan::ServicePlan &sp = p.services.first();
        QCOMPARE(sp.mounts.size(), 3);
        QCOMPARE(p.dataObjects.size(), 3);
        const plan::DataObject &file = p.dataObjects.at(0);
        QCOMPARE(file.kind, plan::DataObject::Kind::ConfigMap);
        QCOMPARE(file.data.values().first(), QByteArray("server {}\n"));
        QCOMPARE(sp.mounts.at(0).mountPath, QStringLiteral("/etc/nginx/nginx.conf"));
        QVERIFY(!sp.mounts.at(0).subPath.isEmpty());
        QVERIFY(sp.mounts.at(0).readOnly);
        const plan::DataObject &dir = p.dataObjects.at(1);
        QCOMPARE(dir.data.size(), 2);
        QStringList paths;
        for (const plan::KeyToPath &k : sp.volumes.at(1).items)
            paths << k.path;
        paths.sort();
        QCOMPARE(paths, (QStringList{QStringLiteral("a.ini"), QStringLiteral("sub/b.ini")}));
        for (const ReportEntry &e : volumeEntries(p))
            QCOMPARE(e.status, Status::Adapted);
    }

    void largeAndMissingBinds()
    {
        project::Service s = service(QStringLiteral("app"), {QStringLiteral("volumes")});
        s.volumes = {bind(QStringLiteral("./big"), QStringLiteral("/big")),
                     bind(QStringLiteral("./not-there"), QStringLiteral("/cache"))};
        const plan::RunPlan p = planOf(project({s}));
        QVERIFY(!p.report.hasRefusals());
        const plan::ServicePlan &sp = p.services.first();
        QVERIFY(p.dataObjects.isEmpty());
        QCOMPARE(sp.mounts.size(), 1); // the large one is not mounted: the image's content shows
        QCOMPARE(sp.mounts.first().mountPath, QStringLiteral("/cache"));
        QCOMPARE(sp.volumes.first().kind, plan::PlanVolume::Kind::EmptyDir);
        const QList<ReportEntry> e = volumeEntries(p);
        QCOMPARE(e.size(), 2);
        QVERIFY(e.at(0).reason.contains(QStringLiteral("512 KiB")));
    }

    void namedVolumesAndTmpfs()
    {
        project::Service s =
            service(QStringLiteral("app"), {QStringLiteral("volumes"), QStringLiteral("tmpfs")});
        project::VolumeMount named;
        named.source = QStringLiteral("pgdata");
        named.target = QStringLiteral("/var/lib/postgresql/data");
        project::VolumeMount tmp;
        tmp.type = project::VolumeMount::Type::Tmpfs;
        tmp.target = QStringLiteral("/tmp");
        tmp.tmpfsSize = 64 * 1024 * 1024;
        s.volumes = {named, tmp};
        s.tmpfs = {QStringLiteral("/run:size=1m")};
        const plan::ServicePlan sp = planOf(project({s})).services.first();
        QCOMPARE(sp.volumes.size(), 3);
        for (const plan::PlanVolume &v : sp.volumes)
            QCOMPARE(v.kind, plan::PlanVolume::Kind::EmptyDir);
        QVERIFY(!sp.volumes.at(0).memory);
        QVERIFY(sp.volumes.at(1).memory);
        QCOMPARE(sp.volumes.at(1).sizeLimit, 64 * 1024 * 1024);
        QCOMPARE(sp.mounts.at(2).mountPath, QStringLiteral("/run"));
    }

    void secretsAndConfigs()
    {
        project::ComposeProject p = project({});
        p.secrets.insert(
            QStringLiteral("db_password"),
            project::FileSource{QStringLiteral("db_password"), QStringLiteral("./secrets/db_password.txt")});
        p.secrets.insert(QStringLiteral("stolen"),
                         project::FileSource{QStringLiteral("stolen"), QStringLiteral("../host-secret.txt")});
        p.configs.insert(
            QStringLiteral("app_config"),
            project::FileSource{QStringLiteral("app_config"), QStringLiteral("configs/app.json")});
        project::FileSource inlineCfg;
        inlineCfg.name = QStringLiteral("inline");
        inlineCfg.content = QStringLiteral("hello");
        p.configs.insert(QStringLiteral("inline"), inlineCfg);
        project::Service s =
            service(QStringLiteral("app"), {QStringLiteral("secrets"), QStringLiteral("configs")});
        s.secrets = {project::FileGrant{QStringLiteral("db_password")}};
        s.configs = {project::FileGrant{QStringLiteral("app_config")},
                     project::FileGrant{QStringLiteral("inline"), QStringLiteral("/etc/inline.txt")}};
        p.services = {s};
        plan::RunPlan rp = planOf(p);
        QVERIFY(!rp.report.hasRefusals());
        const plan::ServicePlan &sp = rp.services.first();
        QStringList targets;
        for (const plan::PlanMount &m : sp.mounts)
            targets << m.mountPath;
        QCOMPARE(targets, (QStringList{QStringLiteral("/run/secrets/db_password"),
                                       QStringLiteral("/app_config"), QStringLiteral("/etc/inline.txt")}));
        bool foundSecret = false;
        for (const plan::DataObject &d : rp.dataObjects)
            if (d.kind == plan::DataObject::Kind::Secret) {
                foundSecret = true;
                QCOMPARE(d.data.values().first(), QByteArray("hunter2"));
            }
        QVERIFY(foundSecret);

        // A secret file outside the repository is refused, even when unsafe runs are allowed.
        s.secrets = {project::FileGrant{QStringLiteral("stolen")}};
        p.services = {s};
        rp = planOf(p, true);
        QVERIFY(rp.report.hasRefusals());
        QCOMPARE(rp.report.find(QStringLiteral("app"), QStringLiteral("secrets")).first().status,
                 Status::Refused);
    }

    void dangerousOptions_data()
    {
        QTest::addColumn<QString>("key");
        QTest::newRow("privileged") << QStringLiteral("privileged");
        QTest::newRow("network_mode") << QStringLiteral("network_mode");
        QTest::newRow("pid") << QStringLiteral("pid");
        QTest::newRow("ipc") << QStringLiteral("ipc");
        QTest::newRow("devices") << QStringLiteral("devices");
        QTest::newRow("cap_add") << QStringLiteral("cap_add");
    }
    void dangerousOptions()
    {
        QFETCH(QString, key);
        project::Service s = service(QStringLiteral("app"), {key});
        if (key == QLatin1String("privileged"))
            s.privileged = true;
        else if (key == QLatin1String("network_mode"))
            s.networkMode = QStringLiteral("host");
        else if (key == QLatin1String("pid"))
            s.pid = QStringLiteral("host");
        else if (key == QLatin1String("ipc"))
            s.ipc = QStringLiteral("host");
        else if (key == QLatin1String("devices"))
            s.devices = {QStringLiteral("/dev/kvm")};
        else if (key == QLatin1String("cap_add"))
            s.capAdd = {QStringLiteral("SYS_ADMIN")};
        const plan::RunPlan refused = planOf(project({s}), false);
        QCOMPARE(refused.report.find(QStringLiteral("app"), key).first().status, Status::Refused);
        QVERIFY(!plan::Planner::check(refused));
        const plan::ServicePlan &r = refused.services.first();
        QVERIFY(!r.privileged && !r.hostNetwork && !r.hostPid && !r.hostIpc && r.devices.isEmpty());
        QVERIFY(!r.capAdd.contains(QStringLiteral("SYS_ADMIN")));

        const plan::RunPlan allowed = planOf(project({s}), true);
        QCOMPARE(allowed.report.find(QStringLiteral("app"), key).first().status, Status::Adapted);
        QVERIFY(!allowed.report.hasRefusals());
        QVERIFY(plan::Planner::check(allowed));
        const plan::ServicePlan &a = allowed.services.first();
        if (key == QLatin1String("privileged")) {
            QVERIFY(a.privileged);
            QVERIFY(allowed.report.find(QStringLiteral("app"), key)
                        .first()
                        .reason.contains(QStringLiteral("baseline")));
        }
        if (key == QLatin1String("cap_add"))
            QVERIFY(a.capAdd.contains(QStringLiteral("SYS_ADMIN")));
    }

    // Published ports are wishes: 80 and 443 run (on 8080 and 8443), and the report says so.
    void privilegedHostPortsMoveUp()
    {
        project::Service s = service(QStringLiteral("web"), {QStringLiteral("ports")});
        for (const int port : {80, 443, 3000}) {
            project::PortMapping pm;
            pm.target = pm.targetEnd = port;
            pm.published = pm.publishedEnd = port;
            s.ports << pm;
        }
        const plan::RunPlan p = planOf(project({s}), false);
        QVERIFY(!p.report.hasRefusals());
        QVERIFY(plan::Planner::check(p));
        const auto &ports = p.services.first().ports;
        QCOMPARE(ports.size(), 3);
        QCOMPARE(ports.at(0).hostPort, 8080);
        QCOMPARE(ports.at(1).hostPort, 8443);
        QCOMPARE(ports.at(2).hostPort, 3000);
        const auto lines = p.report.find(QStringLiteral("web"), QStringLiteral("ports"));
        QCOMPARE(lines.size(), 1);
        QCOMPARE(lines.first().status, Status::Adapted);
        QVERIFY2(lines.first().reason.contains(QStringLiteral("host port 80 \u2192 127.0.0.1:8080")),
                 qPrintable(lines.first().reason));
        QVERIFY(lines.first().reason.contains(QStringLiteral("host port 443 \u2192 127.0.0.1:8443")));
        QVERIFY(!lines.first().reason.contains(QStringLiteral("3000 \u2192")));
    }

    void localPortCandidates()
    {
        QCOMPARE(plan::LocalPort::preferred(80), 8080);
        QCOMPARE(plan::LocalPort::preferred(8080), 8080);
        QCOMPARE(plan::LocalPort::preferred(0), 0);
        const QList<int> c = plan::LocalPort::candidates(8080, 80);
        QCOMPARE(c.size(), plan::LocalPort::NextTries + 1); // 8080..8089, then any
        QCOMPARE(c.first(), 8080);
        QCOMPARE(c.at(1), 8081);
        QCOMPARE(c.last(), 0);
        QCOMPARE(plan::LocalPort::candidates(0, 5000), (QList<int>{5000, 0}));
        QCOMPARE(plan::LocalPort::candidates(65530, 0).size(), 6 + 1); // never past 65535
    }

    void safeCapabilities()
    {
        project::Service s =
            service(QStringLiteral("app"), {QStringLiteral("cap_add"), QStringLiteral("cap_drop")});
        s.capAdd = {QStringLiteral("CAP_NET_BIND_SERVICE"), QStringLiteral("SYS_CHROOT")};
        s.capDrop = {QStringLiteral("KILL")};
        const plan::RunPlan p = planOf(project({s}));
        QVERIFY(!p.report.hasRefusals());
        const QStringList caps = p.services.first().capAdd;
        QVERIFY(caps.contains(QStringLiteral("NET_BIND_SERVICE")));
        QVERIFY(caps.contains(QStringLiteral("SYS_CHROOT")));
        QVERIFY(caps.contains(QStringLiteral("CHOWN")));
        QVERIFY(!caps.contains(QStringLiteral("KILL")));
        // Without any cap_add the safe set is still added back so root images work.
        QVERIFY(planOf(project({service(QStringLiteral("app"))}))
                    .services.first()
                    .capAdd.contains(QStringLiteral("SETUID")));
    }

    void buildContextMustStayInRepo()
    {
        project::Service s = service(QStringLiteral("app"), {QStringLiteral("build")});
        s.image.clear();
        s.build = project::BuildSpec{};
        s.build->context = QStringLiteral("..");
        plan::RunPlan p = planOf(project({s}), true);
        QCOMPARE(p.report.find(QStringLiteral("app"), QStringLiteral("build")).first().status,
                 Status::Refused);
        s.build->context = QStringLiteral("https://github.com/x/y.git");
        p = planOf(project({s}));
        QCOMPARE(p.report.find(QStringLiteral("app"), QStringLiteral("build")).first().status,
                 Status::Refused);
    }
};

QTEST_GUILESS_MAIN(TestPlanPolicy)
#include "test_plan_policy.moc"
