#pragma once

#include "plan/runplan.h"

#include <QJsonObject>

namespace rr::kuberender {

// Internal: the run's NetworkPolicy, the sandbox's network rules (PRODUCT.md, NetworkPolicy).
class KubeNetworkPolicy final
{
public:
    static QJsonObject render(const plan::RunPlan &plan);
};

} // namespace rr::kuberender
