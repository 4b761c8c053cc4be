#pragma once

#include <QString>

#include <optional>

namespace rr::runs {

// The life of a run (PRODUCT.md §2). FAILED records the phase it failed in separately.
enum class RunState
{
    Queued,
    Fetching,
    Building,
    Loading,
    Deploying,
    Ready,
    Stopping,
    Stopped,
    Failed
};

QString stateName(RunState state); // "QUEUED", ...
std::optional<RunState> stateFromName(const QString &name);
bool isTerminal(RunState state); // STOPPED or FAILED
bool isActive(RunState state);   // anything else

} // namespace rr::runs
