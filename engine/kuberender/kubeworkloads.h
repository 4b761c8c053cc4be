#pragma once

#include "plan/runplan.h"

#include <QJsonObject>
#include <QList>

namespace rr::kuberender {

// Internal: per-service Kubernetes objects: Services, Deployments and Jobs, and the
// hardened pod template they share.
class KubeWorkloads final
{
public:
    static QList<QJsonObject> services(const plan::RunPlan &plan);
    static QJsonObject workload(const plan::RunPlan &plan, const plan::ServicePlan &service);
    // The hosts-file ConfigMaps needed when an alias is not a DNS subdomain (see plan::AddressAlias).
    static QList<QJsonObject> hostsConfigMaps(const plan::RunPlan &plan);

private:
    static QJsonObject podTemplate(const plan::RunPlan &plan, const plan::ServicePlan &service);
    static QJsonObject container(const plan::RunPlan &plan, const plan::ServicePlan &service);
    static QJsonArray volumes(const plan::RunPlan &plan, const plan::ServicePlan &service);
};

} // namespace rr::kuberender
