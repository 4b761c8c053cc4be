#pragma once

#include <QDateTime>
#include <QList>
#include <QMetaType>
#include <QString>

namespace rr::runtime {

// What a runtime sees of one container (Docker) or pod (Kubernetes) of a service.
struct InstanceObservation
{
    enum class Phase
    {
        Waiting, // created, not running yet (pulling, scheduled, created but not started)
        Running,
        Exited
    };
    enum class Health
    {
        None, // no health check declared
        Starting,
        Healthy,
        Unhealthy
    };
    QString id; // container id or pod name
    Phase phase = Phase::Waiting;
    Health health = Health::None;
    int exitCode = -1; // when Exited
    int restarts = 0;
    QDateTime startedAt; // this instance's (latest) start; the settle window runs from here
};

// A service as its driver currently sees it. `problem` is a runtime-specific failure the
// driver recognised (an image that cannot be pulled, a workload the quota refuses, a crash
// loop); non-empty means failed, and RolloutDriver::diagnose() explains it.
struct ServiceObservation
{
    QString service; // compose name
    QList<InstanceObservation> instances;
    QString problem;
};

// A failure the rollout asks its driver to explain in plain language.
struct ServiceFailure
{
    enum class Kind
    {
        Exited,    // an instance stopped (exit code, OOM, last lines)
        Unhealthy, // its health check failed
        Problem    // ServiceObservation::problem
    };
    QString service;
    QString instance;
    Kind kind = Kind::Exited;
};

} // namespace rr::runtime

Q_DECLARE_METATYPE(rr::runtime::ServiceObservation)
