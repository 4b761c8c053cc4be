#pragma once

#include "core/result.h"
#include "plan/runplan.h"
#include "project/composeproject.h"
#include "project/detection.h"
#include "runs/planrequest.h"
#include "source/fetcher.h"

namespace rr::runs {

// Everything known about a run before anything is built or deployed.
struct PreparedPlan
{
    source::Checkout checkout;
    project::Detection detection;
    project::ProjectMode mode = project::ProjectMode::Compose;
    project::ComposeProject project;
    plan::RunPlan plan;
    // Every compose service of every profile, for choosing before a run (compose mode only).
    QList<project::Service> catalog;
};

// Turns a checked-out project into a run plan: detect, load compose (or synthesise one
// service from a Dockerfile), read each Dockerfile's facts, and plan. Synchronous and
// side-effect free, so callers run it on a worker thread.
class PlanBuilder final
{
public:
    static core::Result<PreparedPlan> build(const source::Checkout &checkout, const PlanRequest &request);
};

} // namespace rr::runs
