#pragma once

#include "plan/runplan.h"

#include <QJsonObject>

namespace rr::kuberender {

// Internal: the per-run sandbox objects (everything but the workloads and the network policy).
class KubeSandbox final
{
public:
    static QJsonObject namespaceObject(const plan::RunPlan &plan);
    static QJsonObject serviceAccount(const plan::RunPlan &plan);
    static QJsonObject resourceQuota(const plan::RunPlan &plan);
    static QJsonObject limitRange(const plan::RunPlan &plan);
};

} // namespace rr::kuberender
