#include "resourcetype.h"

namespace rr::test::kubeapi {

const QList<ResourceType> &ResourceType::all()
{
    static const QList<ResourceType> types = [] {
        auto core = [](const char *plural, const char *singular, const char *kind, bool namespaced,
                       const char *model, QStringList shortNames) {
            return ResourceType{QString(),
                                QStringLiteral("v1"),
                                QString::fromLatin1(plural),
                                QString::fromLatin1(singular),
                                QString::fromLatin1(kind),
                                namespaced,
                                QString::fromLatin1(model),
                                shortNames,
                                false};
        };
        QList<ResourceType> t;
        t << core("namespaces", "namespace", "Namespace", false, "V1Namespace", {QStringLiteral("ns")})
          << core("configmaps", "configmap", "ConfigMap", true, "V1ConfigMap", {QStringLiteral("cm")})
          << core("secrets", "secret", "Secret", true, "V1Secret", {})
          << core("services", "service", "Service", true, "V1Service", {QStringLiteral("svc")})
          << core("serviceaccounts", "serviceaccount", "ServiceAccount", true, "V1ServiceAccount",
                  {QStringLiteral("sa")})
          << core("resourcequotas", "resourcequota", "ResourceQuota", true, "V1ResourceQuota",
                  {QStringLiteral("quota")})
          << core("limitranges", "limitrange", "LimitRange", true, "V1LimitRange", {QStringLiteral("limits")})
          << core("pods", "pod", "Pod", true, "V1Pod", {QStringLiteral("po")})
          << core("events", "event", "Event", true, "CoreV1Event", {QStringLiteral("ev")})
          << core("persistentvolumeclaims", "persistentvolumeclaim", "PersistentVolumeClaim", true,
                  "V1PersistentVolumeClaim", {QStringLiteral("pvc")});
        t << ResourceType{QStringLiteral("apps"),
                          QStringLiteral("v1"),
                          QStringLiteral("deployments"),
                          QStringLiteral("deployment"),
                          QStringLiteral("Deployment"),
                          true,
                          QStringLiteral("V1Deployment"),
                          {QStringLiteral("deploy")},
                          true}
          << ResourceType{QStringLiteral("apps"),
                          QStringLiteral("v1"),
                          QStringLiteral("replicasets"),
                          QStringLiteral("replicaset"),
                          QStringLiteral("ReplicaSet"),
                          true,
                          QStringLiteral("V1ReplicaSet"),
                          {QStringLiteral("rs")},
                          true}
          << ResourceType{QStringLiteral("batch"),
                          QStringLiteral("v1"),
                          QStringLiteral("jobs"),
                          QStringLiteral("job"),
                          QStringLiteral("Job"),
                          true,
                          QStringLiteral("V1Job"),
                          {},
                          true}
          << ResourceType{QStringLiteral("networking.k8s.io"),
                          QStringLiteral("v1"),
                          QStringLiteral("networkpolicies"),
                          QStringLiteral("networkpolicy"),
                          QStringLiteral("NetworkPolicy"),
                          true,
                          QStringLiteral("V1NetworkPolicy"),
                          {QStringLiteral("netpol")},
                          true}
          << ResourceType{QStringLiteral("storage.k8s.io"),
                          QStringLiteral("v1"),
                          QStringLiteral("storageclasses"),
                          QStringLiteral("storageclass"),
                          QStringLiteral("StorageClass"),
                          false,
                          QStringLiteral("V1StorageClass"),
                          {QStringLiteral("sc")},
                          false};
        return t;
    }();
    return types;
}

const ResourceType *ResourceType::find(const QString &group, const QString &version, const QString &plural)
{
    for (const ResourceType &t : all()) {
        if (t.group == group && t.version == version && t.plural == plural)
            return &t;
    }
    return nullptr;
}

const ResourceType *ResourceType::byKind(const QString &kind)
{
    for (const ResourceType &t : all()) {
        if (t.kind == kind)
            return &t;
    }
    return nullptr;
}

} // namespace rr::test::kubeapi
