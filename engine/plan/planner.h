#pragma once

#include "core/result.h"
#include "plan/planoptions.h"
#include "plan/runplan.h"
#include "project/composeproject.h"
#include "project/dockerfilefacts.h"

#include <QMap>

namespace rr::plan {

// Turns a loaded compose project into a RunPlan under the sandbox policy.
//
// Refusals are not errors of plan(): it always produces the full plan and report (so
// `reporunner plan` can print both), marking refused keys with ReportEntry::Status::Refused
// and leaving the refused things out of the plan. Whoever deploys must call check() first;
// it fails with category Refused, code "plan.refused", a message listing every refusal as
// "service <name>: <key>: why", and the full report text in Error::details.
// plan() itself fails only when no plan can be made at all: an unknown selected service,
// a missing dependency, a dependency cycle, a service with neither image nor build.
class Planner final
{
public:
    static core::Result<RunPlan> plan(const project::ComposeProject &project,
                                      const QMap<QString, project::DockerfileFacts> &factsByService,
                                      const PlanOptions &options);
    static core::Result<void> check(const RunPlan &plan);
};

} // namespace rr::plan
