#pragma once

#include "plan/plancontext.h"

namespace rr::plan {

// Internal: one compose service -> one ServicePlan (image or build, process, environment,
// user, dependencies, replicas), delegating ports, probes, volumes, resources and the
// dangerous options to their mappers.
class ServiceMapper final
{
public:
    // `oneShotTargets`: services some other service waits on with service_completed_successfully.
    static ServicePlan map(const project::Service &svc, const QString &dnsName,
                           const project::DockerfileFacts *facts, bool completionTarget, PlanContext &ctx);

private:
    static void mapImage(const project::Service &svc, PlanContext &ctx, ServicePlan &sp);
    static void mapProcess(const project::Service &svc, PlanContext &ctx, ServicePlan &sp);
    static void mapLifecycle(const project::Service &svc, bool completionTarget, PlanContext &ctx,
                             ServicePlan &sp);
};

} // namespace rr::plan
