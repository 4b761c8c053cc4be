#pragma once

#include "plan/runplan.h"

#include <QJsonObject>

namespace rr::plan {

// Internal: the per-run sandbox objects (everything but the workloads).
class KubeSandbox final
{
public:
    static QJsonObject namespaceObject(const RunPlan &plan);
    static QJsonObject serviceAccount(const RunPlan &plan);
    static QJsonObject resourceQuota(const RunPlan &plan);
    static QJsonObject limitRange(const RunPlan &plan);
    static QJsonObject networkPolicy(const RunPlan &plan); // networkpolicy.cpp
};

} // namespace rr::plan
