#pragma once

#include "plan/plancontext.h"

#include <optional>

namespace rr::plan {

// Internal: healthcheck -> a readiness probe and a more tolerant liveness probe.
//
// Readiness: the compose timings at the declared cadence (first check one start_interval, else
// one interval, after the start), or every second with PlanOptions::fastProbes; the report
// says which. Liveness: the compose interval, 3x the retries, and the start period as the
// initial delay, so a slow start is never killed. Docker's HEALTHCHECK uses the declared* fields. The
// Dockerfile's HEALTHCHECK applies when compose sets none (and fills any test compose leaves empty).
class ProbeMapper final
{
public:
    // ["CMD", a, b] -> [a, b]; ["CMD-SHELL", s] -> ["/bin/sh", "-c", s]; NONE/empty -> nullopt.
    static std::optional<QStringList> execCommand(const QStringList &test);
    static void map(const project::Service &svc, const project::DockerfileFacts *facts, PlanContext &ctx,
                    ServicePlan &sp);
};

} // namespace rr::plan
