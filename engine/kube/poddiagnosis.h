#pragma once

#include "core/error.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <optional>

namespace rr::kube {

// A pod state that means the service will not come up by waiting.
struct PodProblem
{
    QString reason; // the Kubernetes reason (ErrImagePull, CrashLoopBackOff, OOMKilled, ...)
    QString pod;
    QString container;
    QString image;
    QString message;   // the kubelet's or scheduler's message
    int exitCode = -1; // for crashes
    int restarts = 0;
    bool wantsLogs() const; // a crash: the last lines of the previous instance explain it
};

// Turns pod, Deployment and event states into plain-language diagnoses.
class PodDiagnosis final
{
public:
    // The first fatal problem in a pod, if any. Transient states (ContainerCreating, a first
    // restart still running) are not problems.
    static std::optional<PodProblem> find(const QJsonObject &pod);
    // A sentence a user can act on, naming the compose service; lastLines are appended.
    static core::Error describe(const PodProblem &problem, const QString &service,
                                const QStringList &lastLines = {});
    // ReplicaFailure=True on a Deployment (quota, Pod Security): the event message explains it.
    static std::optional<core::Error> deploymentFailure(const QJsonObject &deployment, const QString &service,
                                                        const QString &eventMessage = {});
    // "Warning FailedCreate ReplicaSet/web-abc: message" for the run log.
    static QString eventLine(const QJsonObject &event);
};

} // namespace rr::kube
