#include "runs/runstate.h"

#include <array>

namespace rr::runs {

namespace {
constexpr std::array<const char *, 9> Names{"QUEUED", "FETCHING", "BUILDING", "LOADING", "DEPLOYING",
                                            "READY",  "STOPPING", "STOPPED",  "FAILED"};
}

QString stateName(RunState state)
{
    return QString::fromLatin1(Names.at(size_t(state)));
}

std::optional<RunState> stateFromName(const QString &name)
{
    for (size_t i = 0; i < Names.size(); ++i)
        if (name == QLatin1String(Names.at(i)))
            return RunState(i);
    return std::nullopt;
}

bool isTerminal(RunState state)
{
    return state == RunState::Stopped || state == RunState::Failed;
}

bool isActive(RunState state)
{
    return !isTerminal(state);
}

} // namespace rr::runs
