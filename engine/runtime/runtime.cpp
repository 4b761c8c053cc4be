#include "runtime/runtime.h"

namespace rr::runtime {

// Anchors Runtime's vtable and moc output in this library.
Runtime::~Runtime() = default;

plan::RunPlan Runtime::owned(const plan::RunPlan &plan) const
{
    plan::RunPlan out = plan;
    if (!m_owner.isEmpty())
        out.labels.insert(QLatin1String(EngineLabel), m_owner);
    return out;
}

} // namespace rr::runtime
