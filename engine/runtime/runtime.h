#pragma once

#include "core/result.h"
#include "plan/runplan.h"
#include "runtime/servicestate.h"

#include <QFuture>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QString>

namespace rr::runtime {

// A preview URL for one exposed service port, on the run's own loopback address.
struct Endpoint
{
    QString service; // compose name
    int containerPort = 0;
    QString protocol;  // "tcp" | "udp"
    int localPort = 0; // the port on `host`
    QString url;       // http://<host>:<localPort>/ for tcp
    bool primary = false;
    QString host; // the run's loopback address (127.77.x.y; 127.0.0.1 in older records)
};

// One service's live state, as shown in the run view.
struct ServiceStatus
{
    QString service;
    ServiceState state = ServiceState::Pending;
    int restarts = 0;
    QString detail; // plain-language reason when not ready
};

// What a runtime created for a run; `details` is opaque runtime data persisted with the
// run (namespace, container ids, network) so the run can be re-attached after a restart.
struct Deployment
{
    QString runId;
    QList<Endpoint> endpoints;
    QJsonObject details;
};

// A place runs execute: Kubernetes or plain Docker. Owned by the orchestrator, which calls it
// from its own thread; every long operation is a QFuture and must be cancellable through
// cancel(runId). Failures are errors with a category (Docker, Kube, Cancelled, ...), and their
// message is the plain-language diagnosis a user sees.
class Runtime : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Runtime)
public:
    using QObject::QObject;
    ~Runtime() override;

    virtual QString name() const = 0; // "kubernetes" | "docker"
    // Where this runtime's runs go, for people: the kube context and its server, or the Docker
    // Engine. Empty when there is nothing more to say than the name.
    virtual QString target() const { return {}; }

    // The engine instance (its run database) this runtime works for. Everything it creates is
    // labelled reporunner.dev/engine=<owner>, and liveRunIds() lists only the owner's runs, so two
    // engines on one machine never sweep each other's resources. Empty: no engine label.
    static constexpr const char *EngineLabel = "reporunner.dev/engine";
    void setOwner(const QString &engineId) { m_owner = engineId; }
    QString owner() const { return m_owner; }
    // `plan` with the owner's label and the run's preview address, as deploy() and attach()
    // create it.
    plan::RunPlan owned(const plan::RunPlan &plan) const;
    // The key of the run's loopback address in runtime::LoopbackAddresses.
    QString previewKey(const QString &runId) const;

    // Whether the runtime answers at all (daemon pings, cluster reachable).
    virtual QFuture<core::Result<void>> probe() = 0;
    // LOADING: make the plan's built images available where pods/containers start (kind: load
    // into the nodes; Docker: nothing to do).
    virtual QFuture<core::Result<void>> loadImages(const plan::RunPlan &plan) = 0;
    // DEPLOYING: create everything in depends_on order, wait for readiness (health checks,
    // rollouts, one-shot completions), start port-forwards/publishing, and resolve once the
    // primary preview port answers.
    virtual QFuture<core::Result<Deployment>> deploy(const plan::RunPlan &plan) = 0;
    // After an engine restart: resume logs and forwards of a run deployed earlier. Fails with
    // code "run.vanished" when its resources are gone.
    virtual QFuture<core::Result<Deployment>> attach(const plan::RunPlan &plan,
                                                     const Deployment &previous) = 0;
    // Aborts whatever deploy/attach is in flight for the run (its future fails as Cancelled).
    virtual void cancel(const QString &runId) = 0;
    // Removes everything labelled reporunner.dev/run-id=<runId> (containers, networks,
    // volumes, namespace, forwards) and resolves once it is gone.
    virtual QFuture<core::Result<void>> teardown(const QString &runId) = 0;
    // Run ids that still have resources labelled as ours (this owner's, when there is one), for
    // start-up reconciliation.
    virtual QFuture<core::Result<QStringList>> liveRunIds() = 0;

Q_SIGNALS:
    void logLine(const QString &runId, const QString &service, const QString &stream, const QString &text);
    void serviceStatusChanged(const QString &runId, const rr::runtime::ServiceStatus &status);
    // A deployed run broke after READY (a service crashed, a pod was evicted).
    void runBroken(const QString &runId, const rr::core::Error &error);

private:
    QString m_owner;
};

} // namespace rr::runtime
