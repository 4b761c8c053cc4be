#pragma once

#include "plan/planoptions.h"
#include "plan/runplan.h"
#include "project/composeproject.h"
#include "project/dockerfilefacts.h"

// Internal to the planner: what every mapping step reads and writes.
namespace rr::plan {

using Status = ReportEntry::Status;

struct PlanContext
{
    const project::ComposeProject &project;
    const PlanOptions &options;
    RunPlan &plan;

    TranslationReport &report() { return plan.report; }
    // Reports one key of one service at the key's location (or the service's).
    void note(const project::Service &svc, const QString &key, Status status, const QString &reason,
              const core::Location &where = {})
    {
        core::Location at = where;
        if (!at.isValid())
            at = svc.keys.value(key, svc.where);
        plan.report.add(svc.name, key, status, reason, at);
    }
};

} // namespace rr::plan
