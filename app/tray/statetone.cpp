#include "statetone.h"

#include "runs/runstate.h"
#include "runtime/servicestate.h"

namespace rr::tray {

// Service states are the protocol's ServiceState (runtime/servicestate.h), run states the
// engine's RunState: both enums decide the colour, so a state name the engine does not send
// can't silently get one.
Tone::Value toneOf(const QString &state)
{
    using runtime::ServiceState;
    if (const auto service = runtime::serviceStateFromName(state)) {
        switch (*service) {
        case ServiceState::Running:
        case ServiceState::Healthy:
            return Tone::Good;
        case ServiceState::Failed:
            return Tone::Bad;
        case ServiceState::Completed:
        case ServiceState::Stopped:
            return Tone::Neutral;
        case ServiceState::Pending:
        case ServiceState::Creating:
        case ServiceState::Starting:
            return Tone::Busy;
        }
    }
    if (const auto run = runs::stateFromName(state.toUpper())) {
        if (*run == runs::RunState::Ready)
            return Tone::Good;
        if (*run == runs::RunState::Failed)
            return Tone::Bad;
        if (runs::isTerminal(*run))
            return Tone::Neutral;
        return Tone::Busy;
    }
    return Tone::Neutral;
}

} // namespace rr::tray
