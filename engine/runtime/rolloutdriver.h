#pragma once

#include "core/error.h"
#include "core/result.h"
#include "plan/runplan.h"
#include "runtime/runtime.h"
#include "runtime/serviceobservation.h"

#include <QFuture>
#include <QList>
#include <QObject>

namespace rr::runtime {

// The thin, policy-free half of a runtime that Rollout drives: it creates services, observes
// them and reports what it sees, explains failures and publishes endpoints. It decides nothing
// about order, readiness or timing; Rollout does, the same way for every runtime. Lives on the
// rollout's thread; every future resolves there (or is continued there by the rollout).
class RolloutDriver : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RolloutDriver)
public:
    using QObject::QObject;
    ~RolloutDriver() override;

    // What the services need before the first starts (network and volumes; namespace and
    // shared objects), and starting observation. When attaching, it finds what exists instead
    // and fails with "run.vanished" when the run is gone; every service then counts as created.
    virtual QFuture<core::Result<void>> prepare(bool attach) = 0;
    // Creates and starts one service's containers / workload.
    virtual QFuture<core::Result<void>> create(const plan::ServicePlan &service) = 0;
    // Restarts a running service (depends_on `restart: true` after its dependency restarted).
    virtual QFuture<core::Result<void>> restart(const plan::ServicePlan &service) = 0;
    // A plain-language error for a failure, with exit code and last lines where it has them.
    virtual QFuture<core::Error> diagnose(const ServiceFailure &failure) = 0;
    // Makes the services' ports reachable on 127.0.0.1 and says where.
    virtual QFuture<core::Result<QList<Endpoint>>> publish() = 0;
    // One attempt: does something answer on this endpoint now?
    virtual QFuture<bool> answers(const Endpoint &endpoint) = 0;
    // Persisted details for re-attaching (namespace, container ids, ...).
    virtual QJsonObject details() const = 0;
    // Stops observing, following logs and forwarding (teardown, or a failed rollout).
    virtual void stop() = 0;

Q_SIGNALS:
    // Whenever anything about a service changed; always the whole service.
    void observed(const rr::runtime::ServiceObservation &observation);
    // Observation itself broke (a watch or the event stream failed for good).
    void lost(const rr::core::Error &error);
    void logLine(const QString &service, const QString &stream, const QString &text);
};

} // namespace rr::runtime
