#include "runtime/rollout.h"

#include "core/promises.h"
#include "runtime/rolloutdriver.h"

#include <QDateTime>

#include <algorithm>

namespace rr::runtime {

using core::promises::whenFinished;

namespace {

using Condition = project::Dependency::Condition;
using Instance = InstanceObservation;

QString conditionText(Condition c)
{
    switch (c) {
    case Condition::Started:
        return QStringLiteral("start");
    case Condition::Healthy:
        return QStringLiteral("become healthy");
    case Condition::CompletedSuccessfully:
        return QStringLiteral("complete");
    }
    return {};
}

bool holds(Condition c, ServiceState s)
{
    switch (c) {
    case Condition::Started:
        return s == ServiceState::Running || s == ServiceState::Healthy || s == ServiceState::Completed;
    case Condition::Healthy: // a one-shot counts as healthy once it completed
        return s == ServiceState::Healthy || s == ServiceState::Completed;
    case Condition::CompletedSuccessfully:
        return s == ServiceState::Completed;
    }
    return false;
}

} // namespace

Rollout::Rollout(const plan::RunPlan &plan, RolloutDriver *driver, RolloutOptions options, QObject *parent)
    : QObject(parent)
    , m_plan(plan)
    , m_driver(driver)
    , m_options(options)
{
    m_waves = m_plan.deploymentOrder();
    for (const plan::ServicePlan &s : m_plan.services)
        m_entries[s.name].plan = m_plan.service(s.name);
    m_deadline.setSingleShot(true);
    m_settle.setSingleShot(true);
    m_retry.setSingleShot(true);
    connect(&m_deadline, &QTimer::timeout, this, [this] {
        fail(error(QStringLiteral("run.timeout"), QStringLiteral("The run was not ready after %1 s: %2")
                                                      .arg(m_options.readyTimeoutMs / 1000.0)
                                                      .arg(waitingFor())));
    });
    connect(&m_settle, &QTimer::timeout, this, &Rollout::evaluate);
    connect(&m_retry, &QTimer::timeout, this, &Rollout::probe);
    connect(driver, &RolloutDriver::observed, this, &Rollout::onObserved);
    connect(driver, &RolloutDriver::lost, this, &Rollout::fail);
}

Rollout::~Rollout() = default;

core::Error Rollout::error(const QString &code, const QString &message) const
{
    return core::makeError(m_options.category, code, message);
}

ServiceState Rollout::state(const QString &service) const
{
    return m_entries.value(service).state;
}

void Rollout::start()
{
    if (m_phase != Phase::Idle)
        return;
    for (Entry &e : m_entries)
        report(e);
    if (m_waves.isEmpty() && !m_plan.services.isEmpty()) {
        fail(core::makeError(
            core::ErrorCategory::Plan, QStringLiteral("plan.cycle"),
            QStringLiteral("The services' depends_on form a cycle; nothing can start first.")));
        return;
    }
    m_phase = Phase::Preparing;
    m_deadline.start(m_options.readyTimeoutMs);
    whenFinished(this, m_driver->prepare(m_options.attach), [this](const core::Result<void> &prepared) {
        if (m_phase != Phase::Preparing)
            return;
        if (!prepared)
            return fail(prepared.error());
        if (m_options.attach)
            for (Entry &e : m_entries)
                e.created = true;
        m_phase = Phase::Rolling;
        evaluate();
    });
}

void Rollout::cancel()
{
    if (m_phase == Phase::Ready || m_phase == Phase::Finished)
        return;
    fail(core::makeError(core::ErrorCategory::Cancelled, QStringLiteral("run.cancelled"),
                         QStringLiteral("The run was stopped while it was starting.")));
}

void Rollout::onObserved(const ServiceObservation &observation)
{
    auto it = m_entries.find(observation.service);
    if (it == m_entries.end())
        return;
    it->seen = observation;
    propagateRestarts(*it);
    evaluate();
}

void Rollout::evaluate()
{
    if (m_phase == Phase::Idle || m_phase == Phase::Preparing || m_phase == Phase::Finished)
        return;
    for (Entry &e : m_entries)
        report(e);
    if (checkFailures() || m_phase != Phase::Rolling)
        return;
    createReadyServices();
    if (!readyRuleHolds())
        return;
    if (const qint64 remaining = settleRemainingMs(); remaining > 0) {
        m_settle.start(int(remaining));
        return;
    }
    publish();
}

// The first failure found is diagnosed by the driver, then fails (or, after READY, breaks) the run.
bool Rollout::checkFailures()
{
    for (Entry &e : m_entries) {
        if (e.failing || !e.created)
            continue;
        const std::optional<ServiceFailure> failure = failureOf(e);
        if (!failure)
            continue;
        e.failing = true;
        const QString name = e.plan->name;
        whenFinished(this, m_driver->diagnose(*failure), [this, name](const core::Error &diagnosis) {
            Entry &entry = m_entries[name];
            entry.state = ServiceState::Failed;
            entry.detail = diagnosis.message;
            report(entry);
            if (m_phase == Phase::Ready) {
                if (!entry.plan->oneShot && !std::exchange(m_brokenReported, true))
                    Q_EMIT broken(diagnosis);
                return;
            }
            fail(diagnosis);
        });
        return m_phase != Phase::Ready;
    }
    return false;
}

std::optional<ServiceFailure> Rollout::failureOf(const Entry &e) const
{
    const plan::ServicePlan &s = *e.plan;
    if (!e.seen.problem.isEmpty())
        return ServiceFailure{s.name, {}, ServiceFailure::Kind::Problem};
    const bool exitZeroAllowed = s.oneShot || completionAwaited(s);
    for (const InstanceObservation &i : e.seen.instances) {
        if (i.phase == Instance::Phase::Exited && !(i.exitCode == 0 && exitZeroAllowed))
            return ServiceFailure{s.name, i.id, ServiceFailure::Kind::Exited};
        if (i.phase == Instance::Phase::Running && i.health == Instance::Health::Unhealthy)
            return ServiceFailure{s.name, i.id, ServiceFailure::Kind::Unhealthy};
    }
    return std::nullopt;
}

bool Rollout::completionAwaited(const plan::ServicePlan &service) const
{
    for (const plan::ServicePlan &other : m_plan.services)
        for (const plan::PlanDependency &d : other.dependsOn)
            if (d.condition == Condition::CompletedSuccessfully && m_plan.service(d.service) == &service)
                return true;
    return false;
}

bool Rollout::dependenciesHold(const Entry &entry, QString *waitingOn) const
{
    for (const plan::PlanDependency &d : entry.plan->dependsOn) {
        const plan::ServicePlan *dep = m_plan.service(d.service);
        if (!dep || dep == entry.plan)
            continue; // an optional dependency that was not selected
        if (!holds(d.condition, m_entries.value(dep->name).state)) {
            if (waitingOn)
                *waitingOn =
                    QStringLiteral("waiting for %1 to %2").arg(dep->name, conditionText(d.condition));
            return false;
        }
    }
    return true;
}

// Waves in order; a service starts once every earlier wave is created and its own conditions hold.
void Rollout::createReadyServices()
{
    for (const QStringList &wave : std::as_const(m_waves)) {
        bool waveCreated = true;
        for (const QString &name : wave) {
            Entry &e = m_entries[m_plan.service(name)->name];
            if (!e.created && !e.creating && dependenciesHold(e, nullptr)) {
                e.creating = true;
                report(e);
                whenFinished(this, m_driver->create(*e.plan),
                             [this, name = e.plan->name](const core::Result<void> &r) {
                                 if (m_phase == Phase::Finished)
                                     return;
                                 Entry &created = m_entries[name];
                                 created.creating = false;
                                 if (!r)
                                     return fail(r.error());
                                 created.created = true;
                                 evaluate();
                             });
            }
            waveCreated = waveCreated && e.created;
        }
        if (!waveCreated)
            return;
    }
}

// READY: everything created; long-running services healthy (when attaching: running again),
// one-shots started or completed.
bool Rollout::readyRuleHolds() const
{
    for (const Entry &e : m_entries) {
        if (!e.created)
            return false;
        if (e.plan->oneShot) {
            if (!holds(Condition::Started, e.state))
                return false;
        } else if (e.state != ServiceState::Healthy &&
                   !(m_options.attach && e.state == ServiceState::Running)) {
            return false;
        }
    }
    return true;
}

qint64 Rollout::settleRemainingMs() const
{
    if (m_options.attach)
        return 0;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    qint64 remaining = 0;
    for (const Entry &e : m_entries) {
        if (e.plan->oneShot)
            continue;
        for (const InstanceObservation &i : e.seen.instances)
            if (i.startedAt.isValid())
                remaining = std::max(remaining, m_options.settleMs - i.startedAt.msecsTo(now));
    }
    return remaining;
}

void Rollout::publish()
{
    m_phase = Phase::Publishing;
    whenFinished(this, m_driver->publish(), [this](const core::Result<QList<Endpoint>> &published) {
        if (m_phase != Phase::Publishing)
            return;
        if (!published)
            return fail(published.error());
        m_endpoints = *published;
        const bool hasPrimary = std::any_of(m_endpoints.cbegin(), m_endpoints.cend(),
                                            [](const Endpoint &e) { return e.primary; });
        if (!hasPrimary)
            return becomeReady();
        m_phase = Phase::Probing;
        m_probing.start();
        probe();
    });
}

void Rollout::probe()
{
    if (m_phase != Phase::Probing)
        return;
    const auto primary =
        std::find_if(m_endpoints.cbegin(), m_endpoints.cend(), [](const Endpoint &e) { return e.primary; });
    const Endpoint endpoint = *primary;
    whenFinished(this, m_driver->answers(endpoint), [this, endpoint](bool answered) {
        if (m_phase != Phase::Probing)
            return;
        if (answered)
            return becomeReady();
        if (m_probing.hasExpired(m_options.previewTimeoutMs))
            return fail(error(QStringLiteral("run.port_silent"),
                              QStringLiteral("Service %1 runs, but nothing answers on its port %2 "
                                             "(%3:%4) after %5 s.")
                                  .arg(endpoint.service)
                                  .arg(endpoint.containerPort)
                                  .arg(endpoint.host.isEmpty() ? QStringLiteral("127.0.0.1") : endpoint.host)
                                  .arg(endpoint.localPort)
                                  .arg(m_options.previewTimeoutMs / 1000.0)));
        m_retry.start(m_options.previewRetryMs);
    });
}

void Rollout::becomeReady()
{
    m_phase = Phase::Ready;
    m_deadline.stop();
    Q_EMIT ready(m_endpoints);
}

// `restart: true`: a dependency that started again (a newer instance start than seen before)
// restarts the services that declared it.
void Rollout::propagateRestarts(Entry &entry)
{
    qint64 newest = 0;
    for (const InstanceObservation &i : entry.seen.instances)
        if (i.startedAt.isValid())
            newest = std::max(newest, i.startedAt.toMSecsSinceEpoch());
    const bool restarted = entry.lastStartMs > 0 && newest > entry.lastStartMs;
    entry.lastStartMs = std::max(entry.lastStartMs, newest);
    if (!restarted)
        return;
    for (Entry &other : m_entries) {
        if (!other.created || other.failing)
            continue;
        for (const plan::PlanDependency &d : other.plan->dependsOn)
            if (d.restart && m_plan.service(d.service) == entry.plan) {
                Q_EMIT m_driver->logLine(
                    other.plan->name, QStringLiteral("event"),
                    QStringLiteral("Restarting %1: %2 restarted").arg(other.plan->name, entry.plan->name));
                whenFinished(this, m_driver->restart(*other.plan), [this](const core::Result<void> &r) {
                    if (!r && m_phase != Phase::Finished)
                        fail(r.error());
                });
            }
    }
}

ServiceState Rollout::derive(const Entry &e) const
{
    if (e.state == ServiceState::Failed || e.state == ServiceState::Stopped)
        return e.state; // final
    if (!e.created)
        return e.creating ? ServiceState::Creating : ServiceState::Pending;
    const QList<InstanceObservation> &all = e.seen.instances;
    if (all.isEmpty())
        return ServiceState::Starting;
    const auto count = [&all](auto pred) { return std::count_if(all.cbegin(), all.cend(), pred); };
    if (count([](const InstanceObservation &i) {
            return i.phase == Instance::Phase::Exited && i.exitCode == 0;
        }) == all.size())
        return ServiceState::Completed;
    const auto running =
        count([](const InstanceObservation &i) { return i.phase == Instance::Phase::Running; });
    if (running == 0)
        return ServiceState::Starting;
    const auto healthy = count([](const InstanceObservation &i) {
        return i.phase == Instance::Phase::Running &&
               (i.health == Instance::Health::None || i.health == Instance::Health::Healthy);
    });
    if (e.plan->oneShot || running < all.size() || healthy < all.size())
        return ServiceState::Running;
    return ServiceState::Healthy;
}

QString Rollout::detailFor(const Entry &e) const
{
    QString waiting;
    switch (e.state) {
    case ServiceState::Pending:
        if (!dependenciesHold(e, &waiting))
            return waiting;
        return QStringLiteral("waiting for the services started before it");
    case ServiceState::Running:
        for (const InstanceObservation &i : e.seen.instances)
            if (i.health == Instance::Health::Starting)
                return QStringLiteral("waiting for its health check");
        return {};
    case ServiceState::Failed:
        return e.detail;
    default:
        return {};
    }
}

void Rollout::report(Entry &e)
{
    e.state = derive(e);
    const QString detail = detailFor(e);
    int restarts = 0;
    for (const InstanceObservation &i : e.seen.instances)
        restarts += i.restarts;
    const QString key =
        serviceStateName(e.state) + QLatin1Char('/') + QString::number(restarts) + QLatin1Char('/') + detail;
    if (key == e.emitted)
        return;
    e.emitted = key;
    Q_EMIT serviceStatusChanged(ServiceStatus{e.plan->name, e.state, restarts, detail});
}

QString Rollout::waitingFor() const
{
    QStringList waiting;
    for (const Entry &e : m_entries) {
        const bool done =
            e.plan->oneShot ? holds(Condition::Started, e.state) : e.state == ServiceState::Healthy;
        if (done)
            continue;
        const QString detail = detailFor(e);
        waiting << QStringLiteral("%1 (%2%3)")
                       .arg(e.plan->name, serviceStateName(e.state),
                            detail.isEmpty() ? QString() : QStringLiteral(", ") + detail);
    }
    if (!waiting.isEmpty())
        return waiting.join(QStringLiteral("; "));
    return m_phase == Phase::Probing ? QStringLiteral("the preview port to answer")
                                     : QStringLiteral("the services to settle");
}

void Rollout::fail(const core::Error &e)
{
    if (m_phase == Phase::Finished)
        return;
    if (m_phase == Phase::Ready) {
        if (!std::exchange(m_brokenReported, true))
            Q_EMIT broken(e);
        return;
    }
    m_phase = Phase::Finished;
    m_deadline.stop();
    m_settle.stop();
    m_retry.stop();
    if (e.category == core::ErrorCategory::Cancelled)
        for (Entry &entry : m_entries)
            if (entry.state != ServiceState::Failed && entry.state != ServiceState::Completed) {
                entry.state = ServiceState::Stopped;
                report(entry);
            }
    if (m_driver)
        m_driver->stop();
    Q_EMIT failed(e);
}

} // namespace rr::runtime
