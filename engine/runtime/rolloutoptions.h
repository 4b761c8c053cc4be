#pragma once

#include "core/error.h"

namespace rr::runtime {

// The timings and error category of one Rollout; each runtime fills them from its own options.
struct RolloutOptions
{
    // Category of the rollout's own errors (timeouts, a silent preview port).
    core::ErrorCategory category = core::ErrorCategory::Docker;
    // Re-attach to a run deployed earlier: nothing is created, nothing settles; READY once every
    // long-running service runs again.
    bool attach = false;
    // The whole rollout, from prepare() to READY.
    int readyTimeoutMs = 600 * 1000;
    // Every long-running instance must have run this long (from its own start) before READY, so
    // one that dies right after starting fails the run with its diagnosis instead of breaking
    // it just after READY.
    int settleMs = 1500;
    // How long the primary endpoint may take to answer once published, and the pause between
    // two attempts.
    int previewTimeoutMs = 60 * 1000;
    int previewRetryMs = 200;

    // From a runtime's own options, which name the same timings in seconds and milliseconds.
    template<class RuntimeOptions>
    static RolloutOptions from(const RuntimeOptions &runtime, core::ErrorCategory category, bool attach)
    {
        RolloutOptions options;
        options.category = category;
        options.attach = attach;
        options.readyTimeoutMs = runtime.readyTimeoutSeconds * 1000;
        options.previewTimeoutMs = runtime.previewProbeSeconds * 1000;
        options.settleMs = runtime.settleMilliseconds;
        return options;
    }
};

} // namespace rr::runtime
