#include "kuberender/kubestorage.h"

#include "kuberender/kubejson.h"

#include <QJsonArray>

namespace rr::kuberender {

using plan::PlanVolume;
using plan::RunPlan;
using plan::ServicePlan;
using Status = plan::ReportEntry::Status;

QString KubeStorage::defaultClass(const QJsonObject &storageClassList)
{
    QString chosen, chosenCreated;
    for (const QJsonValue &item : storageClassList.value(QStringLiteral("items")).toArray()) {
        const QJsonObject meta = item.toObject().value(QStringLiteral("metadata")).toObject();
        const QJsonObject annotations = meta.value(QStringLiteral("annotations")).toObject();
        const bool isDefault =
            annotations.value(QLatin1String(DefaultClassAnnotation)).toString() == QLatin1String("true") ||
            annotations.value(QLatin1String(BetaDefaultClassAnnotation)).toString() == QLatin1String("true");
        if (!isDefault)
            continue;
        const QString name = meta.value(QStringLiteral("name")).toString();
        const QString created = meta.value(QStringLiteral("creationTimestamp")).toString(); // RFC 3339, UTC
        if (chosen.isEmpty() || created > chosenCreated || (created == chosenCreated && name < chosen)) {
            chosen = name;
            chosenCreated = created;
        }
    }
    return chosen;
}

QMap<QString, QStringList> KubeStorage::usage(const RunPlan &plan)
{
    QMap<QString, QStringList> out;
    for (const ServicePlan &s : plan.services)
        for (const PlanVolume &v : s.volumes)
            if (!v.named.isEmpty() && !out.value(v.objectName).contains(s.name))
                out[v.objectName] << s.name;
    return out;
}

void KubeStorage::settle(RunPlan &plan, const QString &storageClass, const QString &whyNone)
{
    plan.sandbox.storageClass = storageClass;
    const QMap<QString, QStringList> used = usage(plan);
    for (auto it = plan.namedVolumes.cbegin(); it != plan.namedVolumes.cend(); ++it) {
        const QStringList services = used.value(it.value());
        if (services.isEmpty())
            continue;
        const QString who = services.join(QStringLiteral(", "));
        if (!storageClass.isEmpty()) {
            plan.report.add(QString(), QStringLiteral("volumes"), Status::Mapped,
                            QStringLiteral("named volume '%1' -> PersistentVolumeClaim %2 (StorageClass %3, "
                                           "ReadWriteOnce, %4), mounted by %5")
                                .arg(it.key(), it.value(), storageClass,
                                     KubeJson::memory(plan.sandbox.quota.volumeClaimSize), who));
            continue;
        }
        QString why = services.size() > 1
                          ? QStringLiteral("named volume '%1' -> an emptyDir in each pod of %2: not shared "
                                           "across services on this cluster (%3)")
                          : QStringLiteral("named volume '%1' -> an emptyDir in the pod of %2: its data "
                                           "lives as long as the pod (%3)");
        plan.report.add(QString(), QStringLiteral("volumes"), Status::Adapted,
                        why.arg(it.key(), who, whyNone));
    }
}

bool KubeStorage::isClaim(const RunPlan &plan, const PlanVolume &volume)
{
    return !volume.named.isEmpty() && !plan.sandbox.storageClass.isEmpty();
}

QList<QJsonObject> KubeStorage::claims(const RunPlan &plan)
{
    QList<QJsonObject> out;
    if (plan.sandbox.storageClass.isEmpty())
        return out;
    const QMap<QString, QStringList> used = usage(plan);
    for (auto it = used.cbegin(); it != used.cend(); ++it) {
        QJsonObject claim = KubeJson::object(QStringLiteral("v1"), QStringLiteral("PersistentVolumeClaim"),
                                             it.key(), plan.namespaceName, plan.labels);
        claim.insert(
            QStringLiteral("spec"),
            QJsonObject{
                {QStringLiteral("accessModes"), QJsonArray{QStringLiteral("ReadWriteOnce")}},
                {QStringLiteral("storageClassName"), plan.sandbox.storageClass},
                {QStringLiteral("resources"),
                 QJsonObject{{QStringLiteral("requests"),
                              QJsonObject{{QStringLiteral("storage"),
                                           KubeJson::memory(plan.sandbox.quota.volumeClaimSize)}}}}}});
        out.append(claim);
    }
    return out;
}

} // namespace rr::kuberender
