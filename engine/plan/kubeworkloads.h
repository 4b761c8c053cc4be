#pragma once

#include "plan/runplan.h"

#include <QJsonObject>
#include <QList>

namespace rr::plan {

// Internal: per-service Kubernetes objects: Services, Deployments and Jobs, and the
// hardened pod template they share.
class KubeWorkloads final
{
public:
    static QList<QJsonObject> services(const RunPlan &plan);
    static QJsonObject workload(const RunPlan &plan, const ServicePlan &service);
    // The hosts-file ConfigMaps needed when an alias is not a DNS subdomain (see AddressAlias).
    static QList<QJsonObject> hostsConfigMaps(const RunPlan &plan);

private:
    static QJsonObject podTemplate(const RunPlan &plan, const ServicePlan &service);
    static QJsonObject container(const RunPlan &plan, const ServicePlan &service);
    static QJsonArray volumes(const ServicePlan &service);
};

} // namespace rr::plan
