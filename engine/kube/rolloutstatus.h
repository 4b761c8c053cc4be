#pragma once

#include <QJsonObject>
#include <QString>

namespace rr::kube {

// kubectl's rollout rules for Deployments, and completion for Jobs.
class RolloutStatus final
{
public:
    enum class State
    {
        Waiting,
        Done,
        Failed
    };
    struct Result
    {
        State state = State::Waiting;
        QString message;
    };

    static Result deployment(const QJsonObject &deployment);
    static Result job(const QJsonObject &job);
};

} // namespace rr::kube
