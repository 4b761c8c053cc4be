#pragma once

#include "plan/plancontext.h"

namespace rr::plan {

// Internal: makes sure every key a service set has a report entry. Keys the mappers did
// not report get their fixed classification here; keys unknown to us are Dropped.
class KeyClassifier final
{
public:
    static void completeReport(const project::Service &svc, PlanContext &ctx);
    // Every service key the planner classifies (docs/status.md lists each; a test checks it).
    static QStringList knownKeys();
};

} // namespace rr::plan
