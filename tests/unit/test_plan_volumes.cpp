// Named compose volumes: one volume per run in the plan; on Kubernetes one PersistentVolumeClaim
// mounted by every service that uses it when the cluster has a default StorageClass, else an
// emptyDir per pod and an "adapted" report line.
#include "kuberender/kuberenderer.h"
#include "kuberender/kubestorage.h"
#include "plan/planner.h"

#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

using namespace rr;
using kuberender::KubeStorage;
using Status = plan::ReportEntry::Status;

namespace {

project::VolumeMount named(const QString &source, const QString &target, bool readOnly = false)
{
    project::VolumeMount m;
    m.type = project::VolumeMount::Type::Volume;
    m.source = source;
    m.target = target;
    m.readOnly = readOnly;
    return m;
}

project::Service service(const QString &name, const QList<project::VolumeMount> &volumes)
{
    project::Service s;
    s.name = name;
    s.image = QStringLiteral("busybox:1.36");
    s.volumes = volumes;
    return s;
}

QList<QJsonObject> ofKind(const QList<QJsonObject> &objects, const QString &kind)
{
    QList<QJsonObject> out;
    for (const QJsonObject &o : objects)
        if (o.value(QStringLiteral("kind")).toString() == kind)
            out << o;
    return out;
}

QJsonObject named(const QList<QJsonObject> &objects, const QString &kind, const QString &name)
{
    for (const QJsonObject &o : ofKind(objects, kind))
        if (o.value(QStringLiteral("metadata")).toObject().value(QStringLiteral("name")).toString() == name)
            return o;
    return {};
}

QJsonObject podSpec(const QList<QJsonObject> &objects, const QString &deployment)
{
    return named(objects, QStringLiteral("Deployment"), deployment)
        .value(QStringLiteral("spec"))
        .toObject()
        .value(QStringLiteral("template"))
        .toObject()
        .value(QStringLiteral("spec"))
        .toObject();
}

// The pod volume mounted at `path` in the pod's first container.
QJsonObject volumeAt(const QJsonObject &spec, const QString &path)
{
    QString volume;
    const QJsonObject c = spec.value(QStringLiteral("containers")).toArray().at(0).toObject();
    for (const QJsonValue &m : c.value(QStringLiteral("volumeMounts")).toArray())
        if (m.toObject().value(QStringLiteral("mountPath")).toString() == path)
            volume = m.toObject().value(QStringLiteral("name")).toString();
    for (const QJsonValue &v : spec.value(QStringLiteral("volumes")).toArray())
        if (!volume.isEmpty() && v.toObject().value(QStringLiteral("name")).toString() == volume)
            return v.toObject();
    return {};
}

QJsonObject storageClass(const QString &name, const QString &created, const char *annotation,
                         const char *value)
{
    QJsonObject meta{{QStringLiteral("name"), name}, {QStringLiteral("creationTimestamp"), created}};
    if (annotation)
        meta.insert(QStringLiteral("annotations"),
                    QJsonObject{{QString::fromLatin1(annotation), QString::fromLatin1(value)}});
    return QJsonObject{{QStringLiteral("metadata"), meta}};
}

QJsonObject list(const QList<QJsonObject> &items)
{
    QJsonArray a;
    for (const QJsonObject &o : items)
        a.append(o);
    return QJsonObject{{QStringLiteral("kind"), QStringLiteral("StorageClassList")},
                       {QStringLiteral("items"), a}};
}

} // namespace

class TestPlanVolumes : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    // writer and reader share `data`; `solo` has its own `cache`; `other` mounts nothing.
    plan::RunPlan sharedPlan()
    {
        project::ComposeProject p;
        p.name = QStringLiteral("demo");
        p.projectDir = m_dir.path();
        p.services = {
            service(QStringLiteral("writer"), {named(QStringLiteral("data"), QStringLiteral("/out"))}),
            service(QStringLiteral("reader"), {named(QStringLiteral("data"), QStringLiteral("/www"), true)}),
            service(QStringLiteral("solo"), {named(QStringLiteral("cache"), QStringLiteral("/cache"))}),
            service(QStringLiteral("other"), {})};
        plan::PlanOptions o;
        o.runId = QStringLiteral("v1x2");
        o.owner = QStringLiteral("octo");
        o.repo = QStringLiteral("demo");
        const auto r = plan::Planner::plan(p, {}, o);
        if (!r)
            qFatal("plan failed: %s", qPrintable(r.error().toString()));
        return *r;
    }

    QJsonObject quotaHard(const QList<QJsonObject> &objects)
    {
        return named(objects, QStringLiteral("ResourceQuota"), QStringLiteral("rr-quota"))
            .value(QStringLiteral("spec"))
            .toObject()
            .value(QStringLiteral("hard"))
            .toObject();
    }

private Q_SLOTS:
    void planHasOneVolumePerNamedVolume()
    {
        const plan::RunPlan plan = sharedPlan();
        QCOMPARE(plan.namedVolumes.size(), 2);
        const plan::PlanVolume writer = plan.service(QStringLiteral("writer"))->volumes.at(0);
        const plan::PlanVolume reader = plan.service(QStringLiteral("reader"))->volumes.at(0);
        QCOMPARE(writer.named, QStringLiteral("data"));
        QCOMPARE(writer.objectName, reader.objectName);
        QCOMPARE(writer.objectName, plan.namedVolumes.value(QStringLiteral("data")));
        QVERIFY(plan.namedVolumes.value(QStringLiteral("cache")) != writer.objectName);
        const QList<plan::ReportEntry> e =
            plan.report.find(QStringLiteral("writer"), QStringLiteral("volumes"));
        QCOMPARE(e.size(), 1);
        QCOMPARE(e.first().status, Status::Mapped);
        QVERIFY2(e.first().reason.contains(QStringLiteral("shared with reader")),
                 qPrintable(e.first().reason));
    }

    void twoMountsOfOneVolumeAreOnePodVolume()
    {
        project::ComposeProject p;
        p.name = QStringLiteral("demo");
        p.projectDir = m_dir.path();
        p.services = {service(QStringLiteral("app"), {named(QStringLiteral("data"), QStringLiteral("/a")),
                                                      named(QStringLiteral("data"), QStringLiteral("/b"))})};
        plan::PlanOptions o;
        o.runId = QStringLiteral("v1x3");
        const auto r = plan::Planner::plan(p, {}, o);
        QVERIFY(r);
        const plan::ServicePlan &sp = r->services.first();
        QCOMPARE(sp.volumes.size(), 1);
        QCOMPARE(sp.mounts.size(), 2);
        QCOMPARE(sp.mounts.at(0).volume, sp.mounts.at(1).volume);
    }

    void defaultClassFromTheList()
    {
        QCOMPARE(KubeStorage::defaultClass(list({})), QString());
        QCOMPARE(KubeStorage::defaultClass(
                     list({storageClass(QStringLiteral("slow"), QStringLiteral("2026-01-01T00:00:00Z"),
                                        nullptr, nullptr),
                           storageClass(QStringLiteral("off"), QStringLiteral("2026-01-01T00:00:00Z"),
                                        KubeStorage::DefaultClassAnnotation, "false")})),
                 QString());
        QCOMPARE(KubeStorage::defaultClass(
                     list({storageClass(QStringLiteral("slow"), QStringLiteral("2026-01-01T00:00:00Z"),
                                        nullptr, nullptr),
                           storageClass(QStringLiteral("standard"), QStringLiteral("2026-01-01T00:00:00Z"),
                                        KubeStorage::DefaultClassAnnotation, "true")})),
                 QStringLiteral("standard"));
        QCOMPARE(KubeStorage::defaultClass(
                     list({storageClass(QStringLiteral("old"), QStringLiteral("2026-01-01T00:00:00Z"),
                                        KubeStorage::BetaDefaultClassAnnotation, "true")})),
                 QStringLiteral("old"));
        // Several defaults: the newest wins, as the API server's admission chooses.
        QCOMPARE(KubeStorage::defaultClass(
                     list({storageClass(QStringLiteral("newer"), QStringLiteral("2026-03-01T00:00:00Z"),
                                        KubeStorage::DefaultClassAnnotation, "true"),
                           storageClass(QStringLiteral("older"), QStringLiteral("2026-02-01T00:00:00Z"),
                                        KubeStorage::DefaultClassAnnotation, "true")})),
                 QStringLiteral("newer"));
    }

    void claimSharedWithDefaultClass()
    {
        plan::RunPlan plan = sharedPlan();
        KubeStorage::settle(plan, QStringLiteral("standard"), QStringLiteral("no default StorageClass"));
        const QList<QJsonObject> objects = kuberender::KubeRenderer::render(plan);

        const QList<QJsonObject> claims = ofKind(objects, QStringLiteral("PersistentVolumeClaim"));
        QCOMPARE(claims.size(), 2);
        const QString dataClaim = plan.namedVolumes.value(QStringLiteral("data"));
        const QJsonObject claim = named(objects, QStringLiteral("PersistentVolumeClaim"), dataClaim);
        const QJsonObject meta = claim.value(QStringLiteral("metadata")).toObject();
        QCOMPARE(meta.value(QStringLiteral("namespace")).toString(), plan.namespaceName);
        QCOMPARE(meta.value(QStringLiteral("labels"))
                     .toObject()
                     .value(QStringLiteral("reporunner.dev/run-id"))
                     .toString(),
                 QStringLiteral("v1x2"));
        const QJsonObject spec = claim.value(QStringLiteral("spec")).toObject();
        QCOMPARE(spec.value(QStringLiteral("accessModes")).toArray(),
                 QJsonArray{QStringLiteral("ReadWriteOnce")});
        QCOMPARE(spec.value(QStringLiteral("storageClassName")).toString(), QStringLiteral("standard"));
        QCOMPARE(spec.value(QStringLiteral("resources"))
                     .toObject()
                     .value(QStringLiteral("requests"))
                     .toObject()
                     .value(QStringLiteral("storage")),
                 QJsonValue(QStringLiteral("1Gi")));

        // Both services mount that one claim; the reader read-only.
        for (const auto &[deployment, path] : {std::pair{QStringLiteral("writer"), QStringLiteral("/out")},
                                               std::pair{QStringLiteral("reader"), QStringLiteral("/www")}}) {
            const QJsonObject v = volumeAt(podSpec(objects, deployment), path);
            QVERIFY2(!v.contains(QStringLiteral("emptyDir")), qPrintable(deployment));
            QCOMPARE(v.value(QStringLiteral("persistentVolumeClaim"))
                         .toObject()
                         .value(QStringLiteral("claimName"))
                         .toString(),
                     dataClaim);
        }
        // Claims come before the workloads that mount them.
        QVERIFY(objects.indexOf(claim) <
                objects.indexOf(named(objects, QStringLiteral("Deployment"), QStringLiteral("writer"))));

        const QJsonObject hard = quotaHard(objects);
        QCOMPARE(hard.value(QStringLiteral("persistentvolumeclaims")).toString(), QStringLiteral("2"));
        QCOMPARE(hard.value(QStringLiteral("requests.storage")).toString(), QStringLiteral("2Gi"));

        bool reported = false;
        for (const plan::ReportEntry &e : plan.report.find(QString(), QStringLiteral("volumes")))
            if (e.reason.contains(QStringLiteral("named volume 'data' -> PersistentVolumeClaim ") +
                                  dataClaim) &&
                e.reason.contains(QStringLiteral("writer, reader")) && e.status == Status::Mapped)
                reported = true;
        QVERIFY2(reported, qPrintable(plan.report.toText()));
    }

    void emptyDirsAndAdaptedLineWithoutDefaultClass()
    {
        plan::RunPlan plan = sharedPlan();
        KubeStorage::settle(plan, KubeStorage::defaultClass(list({})),
                            QStringLiteral("no default StorageClass"));
        const QList<QJsonObject> objects = kuberender::KubeRenderer::render(plan);

        QVERIFY(ofKind(objects, QStringLiteral("PersistentVolumeClaim")).isEmpty());
        for (const auto &[deployment, path] : {std::pair{QStringLiteral("writer"), QStringLiteral("/out")},
                                               std::pair{QStringLiteral("reader"), QStringLiteral("/www")}}) {
            const QJsonObject v = volumeAt(podSpec(objects, deployment), path);
            QVERIFY2(v.contains(QStringLiteral("emptyDir")), qPrintable(deployment));
            QVERIFY(!v.contains(QStringLiteral("persistentVolumeClaim")));
        }
        const QJsonObject hard = quotaHard(objects);
        QCOMPARE(hard.value(QStringLiteral("persistentvolumeclaims")).toString(), QStringLiteral("0"));
        QCOMPARE(hard.value(QStringLiteral("requests.storage")).toString(), QStringLiteral("0"));

        QStringList adapted;
        for (const plan::ReportEntry &e : plan.report.find(QString(), QStringLiteral("volumes")))
            if (e.status == Status::Adapted)
                adapted << e.reason;
        QCOMPARE(adapted.size(), 2);
        const QString shared = adapted.filter(QStringLiteral("'data'")).value(0);
        QVERIFY2(shared.contains(
                     QStringLiteral("not shared across services on this cluster (no default StorageClass)")),
                 qPrintable(shared));
        QVERIFY2(adapted.filter(QStringLiteral("'cache'"))
                     .value(0)
                     .contains(QStringLiteral("lives as long as the pod")),
                 qPrintable(adapted.join(QLatin1Char('\n'))));
    }

    void unsettledPlanRendersEmptyDirs()
    {
        // `reporunner plan` renders without asking a cluster: emptyDirs, and no claims allowed.
        const QList<QJsonObject> objects = kuberender::KubeRenderer::render(sharedPlan());
        QVERIFY(ofKind(objects, QStringLiteral("PersistentVolumeClaim")).isEmpty());
        QVERIFY(volumeAt(podSpec(objects, QStringLiteral("writer")), QStringLiteral("/out"))
                    .contains(QStringLiteral("emptyDir")));
        QCOMPARE(quotaHard(objects).value(QStringLiteral("persistentvolumeclaims")).toString(),
                 QStringLiteral("0"));
    }
};

QTEST_GUILESS_MAIN(TestPlanVolumes)
#include "test_plan_volumes.moc"
