#pragma once

#include "plan/runplan.h"

#include <QJsonObject>
#include <QList>

namespace rr::kuberender {

// Renders a RunPlan as Kubernetes objects, in apply order: Namespace, ServiceAccount,
// ResourceQuota, LimitRange, NetworkPolicy, PersistentVolumeClaims (KubeStorage), ConfigMaps, Secrets,
// Services, Deployments, Jobs.
class KubeRenderer final
{
public:
    static QList<QJsonObject> render(const plan::RunPlan &plan);
};

} // namespace rr::kuberender
