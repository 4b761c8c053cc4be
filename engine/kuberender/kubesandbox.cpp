#include "kuberender/kubesandbox.h"

#include "kuberender/kubejson.h"
#include "kuberender/kubestorage.h"

namespace rr::kuberender {

using plan::QuotaSettings;
using plan::RunPlan;

QJsonObject KubeSandbox::namespaceObject(const RunPlan &plan)
{
    QMap<QString, QString> labels = plan.labels;
    labels.insert(QStringLiteral("pod-security.kubernetes.io/enforce"), QStringLiteral("baseline"));
    labels.insert(QStringLiteral("pod-security.kubernetes.io/warn"), QStringLiteral("restricted"));
    labels.insert(QStringLiteral("pod-security.kubernetes.io/audit"), QStringLiteral("restricted"));
    QJsonObject ns =
        KubeJson::object(QStringLiteral("v1"), QStringLiteral("Namespace"), plan.namespaceName, {}, labels);
    QJsonObject meta = ns.value(QStringLiteral("metadata")).toObject();
    QMap<QString, QString> annotations{{QStringLiteral("reporunner.dev/project"), plan.projectName}};
    if (!plan.owner.isEmpty() || !plan.repo.isEmpty())
        annotations.insert(QStringLiteral("reporunner.dev/repository"),
                           plan.owner + QLatin1Char('/') + plan.repo);
    if (!plan.commit.isEmpty())
        annotations.insert(QStringLiteral("reporunner.dev/commit"), plan.commit);
    meta.insert(QStringLiteral("annotations"), KubeJson::map(annotations));
    ns.insert(QStringLiteral("metadata"), meta);
    return ns;
}

QJsonObject KubeSandbox::serviceAccount(const RunPlan &plan)
{
    QJsonObject sa = KubeJson::object(QStringLiteral("v1"), QStringLiteral("ServiceAccount"),
                                      plan.sandbox.serviceAccount, plan.namespaceName, plan.labels);
    sa.insert(QStringLiteral("automountServiceAccountToken"), false);
    return sa;
}

QJsonObject KubeSandbox::resourceQuota(const RunPlan &plan)
{
    const QuotaSettings &q = plan.sandbox.quota;
    QJsonObject o = KubeJson::object(QStringLiteral("v1"), QStringLiteral("ResourceQuota"),
                                     QStringLiteral("rr-quota"), plan.namespaceName, plan.labels);
    const QJsonObject hard{
        {QStringLiteral("requests.cpu"), KubeJson::cpu(q.requestsCpuMilli)},
        {QStringLiteral("limits.cpu"), KubeJson::cpu(q.limitsCpuMilli)},
        {QStringLiteral("requests.memory"), KubeJson::memory(q.requestsMemory)},
        {QStringLiteral("limits.memory"), KubeJson::memory(q.limitsMemory)},
        {QStringLiteral("pods"), QString::number(q.pods)},
        {QStringLiteral("services"), QString::number(q.services)},
        {QStringLiteral("configmaps"), QString::number(q.configMaps)},
        {QStringLiteral("secrets"), QString::number(q.secrets)},
        {QStringLiteral("services.nodeports"), QStringLiteral("0")},
        {QStringLiteral("services.loadbalancers"), QStringLiteral("0")},
    };
    QJsonObject withClaims = hard;
    // Exactly the run's claims: a service cannot add storage the plan did not ask for.
    const qsizetype claims = KubeStorage::claims(plan).size();
    withClaims.insert(QStringLiteral("persistentvolumeclaims"), QString::number(claims));
    withClaims.insert(QStringLiteral("requests.storage"),
                      claims == 0 ? QStringLiteral("0") : KubeJson::memory(claims * q.volumeClaimSize));
    o.insert(QStringLiteral("spec"), QJsonObject{{QStringLiteral("hard"), withClaims}});
    return o;
}

QJsonObject KubeSandbox::limitRange(const RunPlan &plan)
{
    const QuotaSettings &q = plan.sandbox.quota;
    QJsonObject o = KubeJson::object(QStringLiteral("v1"), QStringLiteral("LimitRange"),
                                     QStringLiteral("rr-limits"), plan.namespaceName, plan.labels);
    const QJsonObject limit{
        {QStringLiteral("type"), QStringLiteral("Container")},
        {QStringLiteral("default"),
         QJsonObject{{QStringLiteral("cpu"), KubeJson::cpu(q.defaultCpuMilli)},
                     {QStringLiteral("memory"), KubeJson::memory(q.defaultMemory)},
                     {QStringLiteral("ephemeral-storage"), KubeJson::memory(q.ephemeralStorage)}}},
        {QStringLiteral("defaultRequest"),
         QJsonObject{{QStringLiteral("cpu"), KubeJson::cpu(q.defaultRequestCpuMilli)},
                     {QStringLiteral("memory"), KubeJson::memory(q.defaultRequestMemory)},
                     {QStringLiteral("ephemeral-storage"), KubeJson::memory(q.ephemeralStorageRequest)}}},
        // No container may ask for more scratch space than the default: the kubelet evicts a
        // pod that writes past its limit instead of letting it fill the node's disk.
        {QStringLiteral("max"),
         QJsonObject{{QStringLiteral("ephemeral-storage"), KubeJson::memory(q.ephemeralStorage)}}},
    };
    o.insert(QStringLiteral("spec"), QJsonObject{{QStringLiteral("limits"), QJsonArray{limit}}});
    return o;
}

} // namespace rr::kuberender
