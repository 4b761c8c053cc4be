#pragma once

#include <QString>

namespace rr::kube {

// Whether a cluster enforces NetworkPolicy, as NetworkPolicyProbe found out.
struct PolicyEnforcement
{
    enum class State
    {
        Enforced,
        NotEnforced,
        Unknown
    };
    State state = State::Unknown;
    QString detail; // why, in a sentence a user can read in the run's log

    bool enforced() const { return state == State::Enforced; }
};

} // namespace rr::kube
