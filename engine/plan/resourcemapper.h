#pragma once

#include "plan/plancontext.h"

namespace rr::plan {

// Internal: deploy.resources -> limits and requests, capped by the run's quota; then the
// quota is shared out among the containers that set nothing, so that N services together
// fit the quota instead of each taking the LimitRange default and the quota rejecting pods.
class ResourceMapper final
{
public:
    static constexpr int MinCpuMilli = 50;
    static constexpr qint64 MinMemory = 64LL * 1024 * 1024;
    static void map(const project::Service &svc, PlanContext &ctx, ServicePlan &sp);
    static void share(PlanContext &ctx);
};

} // namespace rr::plan
