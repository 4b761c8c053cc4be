#pragma once

#include "plan/plancontext.h"

namespace rr::plan {

// Internal: container ports from `ports` targets, `expose` and the Dockerfile's EXPOSE;
// preferred local ports from `published` (LocalPort moves those below 1024 up).
class PortMapper final
{
public:
    static constexpr int MaxPortsPerService = 100;
    static void map(const project::Service &svc, const project::DockerfileFacts *facts, PlanContext &ctx,
                    ServicePlan &sp);
};

} // namespace rr::plan
