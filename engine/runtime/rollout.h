#pragma once

#include "core/error.h"
#include "plan/runplan.h"
#include "runtime/rolloutoptions.h"
#include "runtime/runtime.h"
#include "runtime/serviceobservation.h"
#include "runtime/servicestate.h"

#include <QElapsedTimer>
#include <QList>
#include <QMap>
#include <QObject>
#include <QPointer>
#include <QTimer>

namespace rr::runtime {

class RolloutDriver;

// The rollout policy both runtimes share, as one event-driven state machine on the owner
// thread. It creates services wave by wave once their depends_on conditions hold
// (service_started, service_healthy, service_completed_successfully; `restart: true` restarts a
// dependant when its dependency restarts), fails on the first exit, unhealthy check or driver
// problem (asking the driver to explain it), reaches READY when every long-running service is
// healthy and every one-shot has started or completed, after each instance has run for the
// settle window since its own start, the endpoints are published and the primary one answers.
// After READY it keeps watching: a long-running service failing then breaks the run.
// Everything it learns comes from RolloutDriver::observed(); every wait is a timer.
class Rollout final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Rollout)
public:
    enum class Phase
    {
        Idle,
        Preparing,  // RolloutDriver::prepare() in flight
        Rolling,    // creating services, waiting for conditions and the settle window
        Publishing, // RolloutDriver::publish() in flight
        Probing,    // waiting for the primary endpoint to answer
        Ready,
        Finished // failed or cancelled; nothing more happens
    };
    Q_ENUM(Phase)

    // `driver` must outlive the rollout (usually both have the same parent).
    Rollout(const plan::RunPlan &plan, RolloutDriver *driver, RolloutOptions options,
            QObject *parent = nullptr);
    ~Rollout() override;

    void start();
    // Fails a rollout that is not READY yet as Cancelled.
    void cancel();

    Phase phase() const { return m_phase; }
    bool isReady() const { return m_phase == Phase::Ready; }
    ServiceState state(const QString &service) const;
    // What READY still waits for, in plain language.
    QString waitingFor() const;

Q_SIGNALS:
    void serviceStatusChanged(const rr::runtime::ServiceStatus &status);
    void ready(const QList<rr::runtime::Endpoint> &endpoints);
    void failed(const rr::core::Error &error);
    // After READY: a long-running service failed (reported once).
    void broken(const rr::core::Error &error);

private:
    struct Entry
    {
        const plan::ServicePlan *plan = nullptr;
        bool creating = false;
        bool created = false;
        bool failing = false; // a failure is being diagnosed or was reported
        ServiceState state = ServiceState::Pending;
        QString detail;
        ServiceObservation seen;
        qint64 lastStartMs = 0; // newest instance start seen, for `restart: true`
        QString emitted;        // the last status emitted, to emit changes only
    };

    void onObserved(const ServiceObservation &observation);
    void evaluate();
    bool checkFailures();
    void createReadyServices();
    bool dependenciesHold(const Entry &entry, QString *waitingOn) const;
    bool readyRuleHolds() const;
    qint64 settleRemainingMs() const;
    void publish();
    void probe();
    void becomeReady();
    void propagateRestarts(Entry &entry);
    ServiceState derive(const Entry &entry) const;
    QString detailFor(const Entry &entry) const;
    std::optional<ServiceFailure> failureOf(const Entry &entry) const;
    bool completionAwaited(const plan::ServicePlan &service) const;
    void report(Entry &entry);
    void fail(const core::Error &error);
    core::Error error(const QString &code, const QString &message) const;

    plan::RunPlan m_plan;
    QPointer<RolloutDriver> m_driver;
    RolloutOptions m_options;
    QList<QStringList> m_waves;
    QMap<QString, Entry> m_entries; // by compose name
    Phase m_phase = Phase::Idle;
    QTimer m_deadline;
    QTimer m_settle;
    QTimer m_retry;
    QElapsedTimer m_probing;
    QList<Endpoint> m_endpoints;
    bool m_brokenReported = false;
};

} // namespace rr::runtime
