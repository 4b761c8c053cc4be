#include "runtime/runtime.h"

#include "runtime/loopbackaddresses.h"

namespace rr::runtime {

// Anchors Runtime's vtable and moc output in this library.
Runtime::~Runtime() = default;

plan::RunPlan Runtime::owned(const plan::RunPlan &plan) const
{
    plan::RunPlan out = plan;
    if (!m_owner.isEmpty())
        out.labels.insert(QLatin1String(EngineLabel), m_owner);
    out.previewAddress = LoopbackAddresses::acquire(previewKey(plan.runId));
    return out;
}

QString Runtime::previewKey(const QString &runId) const
{
    return LoopbackAddresses::runKey(m_owner, runId);
}

} // namespace rr::runtime
