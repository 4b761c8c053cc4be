#pragma once

#include "plan/plancontext.h"

#include <optional>

namespace rr::plan {

// Internal: healthcheck -> a readiness probe and a more tolerant liveness probe.
//
// Readiness: the compose timings, but checked at least every 10 s so a 30 s interval does not
// delay READY. Liveness: the compose interval, 3x the retries, and the start period as the
// initial delay, so a slow start is never killed. The Dockerfile's HEALTHCHECK applies when
// compose sets none (and fills any test compose leaves empty).
class ProbeMapper final
{
public:
    // ["CMD", a, b] -> [a, b]; ["CMD-SHELL", s] -> ["/bin/sh", "-c", s]; NONE/empty -> nullopt.
    static std::optional<QStringList> execCommand(const QStringList &test);
    static void map(const project::Service &svc, const project::DockerfileFacts *facts, PlanContext &ctx,
                    ServicePlan &sp);
};

} // namespace rr::plan
