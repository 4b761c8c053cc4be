#pragma once
// Shared by the runtime tests and benchmarks: a run plan for a project folder, made the way the
// orchestrator makes it.

#include "runs/planbuilder.h"

#include <QString>

namespace rr::test {

inline runs::PreparedPlan preparedPlanFor(const QString &dir, const QString &runId, bool allowUnsafe = false)
{
    source::Checkout checkout;
    checkout.projectDir = dir;
    checkout.worktree = dir;
    checkout.spec.repo = QStringLiteral("rrtest");
    runs::PlanRequest request;
    request.source = dir;
    request.runId = runId;
    request.allowUnsafe = allowUnsafe;
    auto prepared = runs::PlanBuilder::build(checkout, request);
    if (!prepared)
        qFatal("planning %s failed: %s", qPrintable(dir), qPrintable(prepared.error().toString()));
    return std::move(*prepared);
}

inline plan::RunPlan planFor(const QString &dir, const QString &runId, bool allowUnsafe = false)
{
    return preparedPlanFor(dir, runId, allowUnsafe).plan;
}

} // namespace rr::test
