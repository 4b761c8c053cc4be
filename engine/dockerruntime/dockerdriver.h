#pragma once

#include "docker/apiresponse.h"
#include "dockerruntime/containerspec.h"
#include "dockerruntime/portallocator.h"
#include "dockerruntime/runcontext.h"
#include "plan/runplan.h"
#include "runtime/rolloutdriver.h"

#include <QFuture>
#include <QHash>
#include <QMap>
#include <QSet>

#include <memory>

namespace rr::docker {
class DockerClient;
} // namespace rr::docker

namespace rr::dockerruntime {

class DockerEvents;

// Rollout's driver for plain Docker, on its owner thread. It listens to the runtime's shared
// Engine API /events stream (DockerEvents) and inspects this run's container whenever an event
// names it, so every start, exit and health change reaches the rollout without polling; the
// Engine API calls themselves are DockerClient futures (DockerSetup steps on the client's pool).
// Health is Docker's own, at the cadence the compose file declares; with the plan's
// `fastProbes`, the driver also runs each service's check itself every FastProbeMs until it
// passes (extra load on the service, so opt-in). A container removed while the driver still
// runs (`docker rm -f`, a prune) is reported as the service's problem: only teardown, which
// stops the driver first, removes containers on the engine's behalf.
class DockerDriver final : public runtime::RolloutDriver
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DockerDriver)
public:
    static constexpr int FastProbeMs = 250;
    // Times a service is created again on another port when its port was taken before it started.
    static constexpr int MaxPortAttempts = 5;

    // `client` must outlive the driver.
    // `client` and `events` (the runtime's shared event stream) must outlive the driver.
    DockerDriver(docker::DockerClient *client, const plan::RunPlan &plan, std::shared_ptr<RunContext> context,
                 DockerEvents *events, QObject *parent = nullptr);
    ~DockerDriver() override;

    QFuture<core::Result<void>> prepare(bool attach) override;
    QFuture<core::Result<void>> create(const plan::ServicePlan &service) override;
    QFuture<core::Result<void>> restart(const plan::ServicePlan &service) override;
    QFuture<core::Error> diagnose(const runtime::ServiceFailure &failure) override;
    QFuture<core::Result<QList<runtime::Endpoint>>> publish() override;
    QFuture<bool> answers(const runtime::Endpoint &endpoint) override;
    QJsonObject details() const override;
    void stop() override;

Q_SIGNALS:
    // A container of `service` started (or was found running): DockerRuntime follows its logs.
    void containerStarted(const QString &service, const QString &containerId, bool tty, bool attached);
    // The local ports were chosen (emitted before anything is created; the test seam for races).
    void portsChosen(const QList<rr::runtime::Endpoint> &endpoints);

private:
    void onContainerChanged(const QString &runLabel, const QString &serviceLabel, const QString &containerId);
    void onContainerRemoved(const QString &runLabel, const QString &containerId);
    // A container of this run is gone (or going) and we did not remove it.
    void markRemoved(const QString &containerId);
    core::Error removedError(const QString &service, const QString &containerId) const;
    void reinspectAll();
    void track(const QString &service, const QString &containerId);
    // A container removed before it ran (its port was taken): its late events are ignored.
    void forget(const QString &containerId);
    void inspect(const QString &containerId);
    void apply(const QString &containerId, const QJsonObject &info, quint64 sequence);
    void publishService(const QString &service);
    void probeSoon(const QString &containerId, int delayMs);
    void probe(const QString &containerId);
    core::Result<void> allocatePorts();
    QFuture<core::Result<void>> createAttempt(const plan::ServicePlan &service, int attempt);
    // Moves the service's bindings whose port is no longer free to the next free one.
    core::Result<void> reallocatePorts(const QString &service);
    bool stopping() const;

    docker::DockerClient *m_client;
    plan::RunPlan m_plan;
    std::shared_ptr<RunContext> m_context;
    QMap<QString, QStringList> m_containers;                  // compose name -> container ids
    QHash<QString, QString> m_serviceOf;                      // container id -> compose name
    QHash<QString, runtime::InstanceObservation> m_instances; // container id -> last inspect
    QHash<QString, quint64> m_asked, m_applied;               // inspect sequence per container
    QSet<QString> m_followed;                                 // containers whose logs are followed
    QSet<QString> m_probing;                                  // fast probes in flight or scheduled
    QSet<QString> m_passed;                                   // fast probe passed
    QSet<QString> m_removed;                                  // removed outside the engine
    QSet<QString> m_forgotten;                                // removed by a port retry
    QHash<QString, QString> m_names;                          // container id -> Docker name
    PortAllocator m_ports;
    QMap<QString, QList<PortBinding>> m_bindings; // compose name -> published ports
    QList<runtime::Endpoint> m_endpoints;
    QStringList m_volumes;
    bool m_limitStorage = false; // the storage driver enforces StorageOpt size
    quint64 m_sequence = 0;
    bool m_stopped = false;
};

} // namespace rr::dockerruntime
