#include "dockerruntime/dockerdriver.h"

#include "core/logging.h"
#include "core/promises.h"
#include "docker/dockerclient.h"
#include "dockerruntime/diagnosis.h"
#include "dockerruntime/dockerevents.h"
#include "dockerruntime/dockersetup.h"
#include "dockerruntime/endpointprobe.h"
#include "dockerruntime/portallocator.h"
#include "dockerruntime/runisolation.h"
#include "runtime/loopbackaddresses.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTimer>

namespace rr::dockerruntime {

namespace {

using core::ErrorCategory;
using docker::ApiRequest;
using docker::DockerClient;
using docker::DockerConnection;
using Instance = runtime::InstanceObservation;
using core::promises::continueOn;
using core::promises::whenFinished;

QString ownerOf(const plan::RunPlan &plan)
{
    return plan.labels.value(QLatin1String(runtime::Runtime::EngineLabel));
}

// Puts the run's firewall (docs/security.md) on its bridge before any container starts. Only a
// run the user allowed to be unsafe goes on without one, and says so in its log.
core::Result<void> isolate(const plan::RunPlan &plan, const QString &bridge)
{
    RunIsolation firewall(ownerOf(plan), ContainerSpec::runLabel(plan.runId));
    auto installed = firewall.install(bridge, plan.sandbox.offline);
    if (installed || !plan.sandbox.allowUnsafe)
        return installed;
    qCWarning(lcDocker) << "run" << plan.runId << "runs without network isolation (unsafe run allowed):"
                        << installed.error().message;
    return {};
}

// What preparing a fresh deployment made.
struct Prepared
{
    QStringList volumes;
    bool limitStorage = false;
};

Instance observe(const QString &id, const QJsonObject &info)
{
    const QJsonObject state = info.value(QStringLiteral("State")).toObject();
    const QString status = state.value(QStringLiteral("Status")).toString();
    Instance i;
    i.id = id;
    if (status == QLatin1String("running") || status == QLatin1String("paused"))
        i.phase = Instance::Phase::Running;
    else if (status == QLatin1String("exited") || status == QLatin1String("dead") ||
             status == QLatin1String("removing"))
        i.phase = Instance::Phase::Exited;
    i.exitCode = state.value(QStringLiteral("ExitCode")).toInt(-1);
    if (i.phase == Instance::Phase::Exited && i.exitCode == 0 &&
        state.value(QStringLiteral("OOMKilled")).toBool())
        i.exitCode = 137; // killed for memory, whatever the process said
    const QString health =
        state.value(QStringLiteral("Health")).toObject().value(QStringLiteral("Status")).toString();
    if (health == QLatin1String("healthy"))
        i.health = Instance::Health::Healthy;
    else if (health == QLatin1String("unhealthy"))
        i.health = Instance::Health::Unhealthy;
    else if (!health.isEmpty() && health != QLatin1String("none"))
        i.health = Instance::Health::Starting;
    i.restarts = info.value(QStringLiteral("RestartCount")).toInt();
    // Docker writes nanoseconds; Qt reads the first three digits, which is enough here. A
    // container that never ran says 0001-01-01.
    const QDateTime started =
        QDateTime::fromString(state.value(QStringLiteral("StartedAt")).toString(), Qt::ISODateWithMs);
    if (started.isValid() && started.date().year() > 1)
        i.startedAt = started;
    return i;
}

} // namespace

DockerDriver::DockerDriver(docker::DockerClient *client, const plan::RunPlan &plan,
                           std::shared_ptr<RunContext> context, DockerEvents *events, QObject *parent)
    : runtime::RolloutDriver(parent)
    , m_client(client)
    , m_plan(plan)
    , m_context(std::move(context))
{
    connect(events, &DockerEvents::containerChanged, this, &DockerDriver::onContainerChanged);
    connect(events, &DockerEvents::containerRemoved, this, &DockerDriver::onContainerRemoved);
    connect(events, &DockerEvents::resubscribed, this, &DockerDriver::reinspectAll);
    events->start();
}

DockerDriver::~DockerDriver()
{
    stop();
}

bool DockerDriver::stopping() const
{
    return m_stopped || m_context->shouldStop();
}

void DockerDriver::stop()
{
    m_stopped = true;
}

void DockerDriver::onContainerChanged(const QString &runLabel, const QString &serviceLabel,
                                      const QString &containerId)
{
    if (stopping() || runLabel != ContainerSpec::runLabel(m_plan.runId))
        return;
    const plan::ServicePlan *s = m_plan.service(serviceLabel);
    if (!s || containerId.isEmpty() || m_forgotten.contains(containerId))
        return;
    track(s->name, containerId);
    inspect(containerId);
}

void DockerDriver::onContainerRemoved(const QString &runLabel, const QString &containerId)
{
    if (stopping() || runLabel != ContainerSpec::runLabel(m_plan.runId) || !m_serviceOf.contains(containerId))
        return;
    markRemoved(containerId);
}

void DockerDriver::markRemoved(const QString &containerId)
{
    if (stopping() || m_removed.contains(containerId))
        return;
    m_removed.insert(containerId);
    Instance &i = m_instances[containerId];
    i.id = containerId;
    i.phase = Instance::Phase::Exited;
    qCWarning(lcDocker) << "container" << containerId << "of run" << m_plan.runId
                        << "removed outside RepoRunner";
    publishService(m_serviceOf.value(containerId));
}

core::Error DockerDriver::removedError(const QString &service, const QString &containerId) const
{
    QString name = m_names.value(containerId);
    if (name.startsWith(QLatin1Char('/')))
        name.remove(0, 1);
    return core::makeError(ErrorCategory::Docker, QStringLiteral("run.removed"),
                           QStringLiteral("container %1 was removed outside RepoRunner (Docker container %2)")
                               .arg(service, name.isEmpty() ? containerId.left(12) : name));
}

void DockerDriver::reinspectAll()
{
    for (auto it = m_serviceOf.cbegin(); it != m_serviceOf.cend(); ++it)
        inspect(it.key());
}

void DockerDriver::forget(const QString &containerId)
{
    m_forgotten.insert(containerId);
    const QString service = m_serviceOf.take(containerId);
    m_instances.remove(containerId);
    m_followed.remove(containerId);
    if (service.isEmpty())
        return; // its events had not arrived yet
    m_containers[service].removeAll(containerId);
    publishService(service);
}

void DockerDriver::track(const QString &service, const QString &containerId)
{
    if (m_serviceOf.contains(containerId))
        return;
    m_serviceOf.insert(containerId, service);
    m_containers[service].append(containerId);
}

void DockerDriver::inspect(const QString &containerId)
{
    if (stopping())
        return;
    const quint64 sequence = ++m_sequence;
    m_asked.insert(containerId, sequence);
    whenFinished(this, m_client->inspectContainer(containerId),
                 [this, containerId, sequence](const core::Result<QJsonObject> &info) {
                     if (stopping())
                         return; // teardown
                     if (!info) {
                         // Not teardown's doing (the driver would be stopping): someone else's.
                         if (info.error().code == QLatin1String("docker.not_found"))
                             markRemoved(containerId);
                         return; // else a transient error: the next event asks again
                     }
                     apply(containerId, *info, sequence);
                 });
}

// Inspect answers can overtake each other on the pool; only a newer one replaces what we know.
void DockerDriver::apply(const QString &containerId, const QJsonObject &info, quint64 sequence)
{
    if (sequence <= m_applied.value(containerId) || m_forgotten.contains(containerId))
        return;
    m_applied.insert(containerId, sequence);
    const QString service = m_serviceOf.value(containerId);
    const plan::ServicePlan *s = m_plan.service(service);
    if (!s)
        return;
    m_names.insert(containerId, info.value(QStringLiteral("Name")).toString());
    if (info.value(QStringLiteral("State")).toObject().value(QStringLiteral("Status")).toString() ==
        QLatin1String("removing"))
        return markRemoved(containerId); // `docker rm -f` kills first: this die is a removal
    Instance i = observe(containerId, info);
    if (i.phase != Instance::Phase::Waiting && !m_followed.contains(containerId)) {
        m_followed.insert(containerId);
        Q_EMIT containerStarted(service, containerId, s->tty, false);
    }
    if (i.phase == Instance::Phase::Running && i.health == Instance::Health::Starting) {
        if (m_passed.contains(containerId))
            i.health = Instance::Health::Healthy; // our own run of the same check passed
        else if (m_plan.fastProbes && s->readiness)
            probeSoon(containerId, 0);
    }
    m_instances.insert(containerId, i);
    publishService(service);
}

void DockerDriver::publishService(const QString &service)
{
    runtime::ServiceObservation o;
    o.service = service;
    for (const QString &id : m_containers.value(service)) {
        if (m_instances.contains(id))
            o.instances << m_instances.value(id);
        if (m_removed.contains(id))
            o.problem = QStringLiteral("run.removed");
    }
    Q_EMIT observed(o);
}

void DockerDriver::probeSoon(const QString &containerId, int delayMs)
{
    if (m_probing.contains(containerId))
        return;
    m_probing.insert(containerId);
    QTimer::singleShot(delayMs, this, [this, containerId] { probe(containerId); });
}

// fastProbes: the service's own health check, run by us every FastProbeMs until it passes, so
// dependants start when it passes rather than at Docker's next interval.
void DockerDriver::probe(const QString &containerId)
{
    const plan::ServicePlan *s = m_plan.service(m_serviceOf.value(containerId));
    const Instance seen = m_instances.value(containerId);
    if (stopping() || !s || !s->readiness || seen.phase != Instance::Phase::Running ||
        seen.health != Instance::Health::Starting) {
        m_probing.remove(containerId);
        return;
    }
    const plan::PlanProbe check = *s->readiness;
    auto context = m_context;
    const plan::RunPlan plan = m_plan;
    whenFinished(this,
                 m_client->run<bool>([plan, context, containerId, check](
                                         DockerConnection &c, const DockerClient::CancelCheck &cancelled) {
                     DockerSetup setup(
                         c, [&cancelled, context] { return cancelled() || context->shouldStop(); }, plan);
                     return setup.runCheck(containerId, check.exec, check.timeoutSeconds);
                 }),
                 [this, containerId](const core::Result<bool> &passed) {
                     m_probing.remove(containerId);
                     if (stopping())
                         return;
                     if (passed && *passed) {
                         m_passed.insert(containerId);
                         Instance &i = m_instances[containerId];
                         if (i.health == Instance::Health::Starting)
                             i.health = Instance::Health::Healthy;
                         publishService(m_serviceOf.value(containerId));
                         return;
                     }
                     probeSoon(containerId, FastProbeMs);
                 });
}

core::Result<void> DockerDriver::allocatePorts()
{
    m_ports = PortAllocator(m_plan.previewAddress); // the run's own loopback address
    PortAllocator &ports = m_ports;
    const plan::ServicePlan *primary = m_plan.primary();
    for (const plan::ServicePlan &s : m_plan.services) {
        for (const plan::PlanPort &p : s.ports) {
            const QString protocol = p.protocol.toLower();
            if (protocol == QLatin1String("sctp"))
                continue; // docker-proxy cannot publish SCTP on a loopback address
            const int local = ports.choose(p.hostPort, p.containerPort, protocol);
            if (local == 0)
                return core::fail(ErrorCategory::Io, QStringLiteral("run.no_port"),
                                  QStringLiteral("No free local port for service %1").arg(s.name));
            m_bindings[s.name].append({p, m_plan.previewAddress, local});
            runtime::Endpoint e;
            e.service = s.name;
            e.containerPort = p.containerPort;
            e.protocol = protocol;
            e.host = m_plan.previewAddress;
            e.localPort = local;
            if (protocol == QLatin1String("tcp"))
                e.url = QStringLiteral("http://%1:%2/").arg(e.host).arg(local);
            m_endpoints.append(e);
        }
    }
    for (runtime::Endpoint &e : m_endpoints)
        if (primary && e.service == primary->name && e.protocol == QLatin1String("tcp")) {
            e.primary = true;
            break;
        }
    Q_EMIT portsChosen(m_endpoints);
    return {};
}

core::Result<void> DockerDriver::reallocatePorts(const QString &service)
{
    for (PortBinding &b : m_bindings[service]) {
        const QString protocol = b.port.protocol.toLower();
        const QString address = m_plan.previewAddress;
        if (PortAllocator::isFree(address, b.localPort, protocol))
            continue;
        // The allocator never hands out a port twice, so this is the next free one after it.
        const int local = m_ports.choose(b.port.hostPort, b.port.containerPort, protocol);
        if (local == 0)
            return core::fail(ErrorCategory::Io, QStringLiteral("run.no_port"),
                              QStringLiteral("No free local port for service %1").arg(service));
        for (runtime::Endpoint &e : m_endpoints)
            if (e.service == service && e.localPort == b.localPort && e.protocol == protocol) {
                e.localPort = local;
                if (protocol == QLatin1String("tcp"))
                    e.url = QStringLiteral("http://%1:%2/").arg(address).arg(local);
            }
        Q_EMIT logLine(service, QStringLiteral("event"),
                       QStringLiteral("adapted: host port %1 \u2192 %2:%3 (%2:%4 was taken by "
                                      "another process before the container started)")
                           .arg(b.port.hostPort > 0 ? b.port.hostPort : b.port.containerPort)
                           .arg(address)
                           .arg(local)
                           .arg(b.localPort));
        b.localPort = local;
    }
    return {};
}

QFuture<core::Result<void>> DockerDriver::prepare(bool attach)
{
    using R = core::Result<void>;
    auto context = m_context;
    const plan::RunPlan plan = m_plan;
    const auto stopCheck = [context](const DockerClient::CancelCheck &cancelled) {
        return [&cancelled, context] { return cancelled() || context->shouldStop(); };
    };
    if (attach)
        return continueOn(
            this,
            m_client->run<DockerSetup::Found>(
                [plan, stopCheck](DockerConnection &c, const DockerClient::CancelCheck &cancelled)
                    -> core::Result<DockerSetup::Found> {
                    DockerSetup setup(c, stopCheck(cancelled), plan);
                    auto found = setup.find();
                    if (!found)
                        return found;
                    auto bridge = setup.bridgeName();
                    if (!bridge)
                        return core::fail(bridge.error());
                    if (auto isolated = isolate(plan, *bridge); !isolated)
                        return core::fail(isolated.error());
                    return found;
                }),
            [this](const core::Result<DockerSetup::Found> &found) -> R {
                if (!found)
                    return core::fail(found.error());
                m_endpoints = found->endpoints;
                // Keep the address the run's ports are already published on.
                for (const runtime::Endpoint &e : std::as_const(m_endpoints))
                    runtime::LoopbackAddresses::adopt(
                        runtime::LoopbackAddresses::runKey(ownerOf(m_plan), m_plan.runId), e.host);
                for (auto it = found->containers.cbegin(); it != found->containers.cend(); ++it)
                    for (const QString &id : it.value()) {
                        track(it.key(), id);
                        if (found->running.contains(id)) {
                            m_followed.insert(id);
                            Q_EMIT containerStarted(it.key(), id, m_plan.service(it.key())->tty, true);
                        }
                        inspect(id);
                    }
                return {};
            });
    if (auto ports = allocatePorts(); !ports)
        return core::promises::ready(R(core::fail(ports.error())));
    return continueOn(
        this,
        m_client->run<Prepared>([plan, stopCheck](
                                    DockerConnection &c,
                                    const DockerClient::CancelCheck &cancelled) -> core::Result<Prepared> {
            DockerSetup setup(c, stopCheck(cancelled), plan);
            if (auto images = setup.ensureImages(); !images)
                return core::fail(images.error());
            const QString wanted = RunIsolation(ownerOf(plan), ContainerSpec::runLabel(plan.runId)).bridge();
            auto bridge = setup.createNetwork(wanted);
            if (!bridge)
                return core::fail(bridge.error());
            if (auto isolated = isolate(plan, *bridge); !isolated)
                return core::fail(isolated.error());
            Prepared prepared;
            auto storage = setup.storageLimits();
            if (!storage)
                return core::fail(storage.error());
            prepared.limitStorage = *storage;
            auto volumes = setup.createVolumes();
            if (!volumes)
                return core::fail(volumes.error());
            prepared.volumes = *volumes;
            return prepared;
        }),
        [this](const core::Result<Prepared> &prepared) -> R {
            if (!prepared)
                return core::fail(prepared.error());
            m_volumes = prepared->volumes;
            m_limitStorage = prepared->limitStorage;
            if (!m_limitStorage)
                Q_EMIT logLine(QString(), QStringLiteral("event"),
                               QStringLiteral("Docker's storage driver cannot limit a container's "
                                              "disk use; only log sizes are capped for this run."));
            return {};
        });
}

QFuture<core::Result<void>> DockerDriver::create(const plan::ServicePlan &service)
{
    return createAttempt(service, 1);
}

QFuture<core::Result<void>> DockerDriver::createAttempt(const plan::ServicePlan &service, int attempt)
{
    auto context = m_context;
    const plan::RunPlan plan = m_plan;
    const QString name = service.name;
    const QList<PortBinding> ports = m_bindings.value(name);
    const bool limitStorage = m_limitStorage;
    return continueOn(
               this,
               m_client->run<QStringList>(
                   [plan, context, name, ports, limitStorage](DockerConnection &c,
                                                              const DockerClient::CancelCheck &cancelled) {
                       DockerSetup setup(
                           c, [&cancelled, context] { return cancelled() || context->shouldStop(); }, plan);
                       return setup.startService(*plan.service(name), ports, limitStorage);
                   }),
               [this, name, attempt](const core::Result<QStringList> &ids) -> QFuture<core::Result<void>> {
                   using R = core::Result<void>;
                   const bool portTaken =
                       !ids && ids.error().code == QLatin1String(DockerSetup::PortTakenCode);
                   if (portTaken)
                       forget(ids.error().details);
                   if (portTaken && attempt < MaxPortAttempts && !stopping()) {
                       if (auto moved = reallocatePorts(name); !moved)
                           return core::promises::ready(R(core::fail(moved.error())));
                       return createAttempt(*m_plan.service(name), attempt + 1);
                   }
                   if (!ids)
                       return core::promises::ready(R(core::fail(ids.error())));
                   for (const QString &id : *ids) {
                       track(name, id);
                       inspect(id);
                   }
                   return core::promises::ready(R());
               })
        .unwrap();
}

QFuture<core::Result<void>> DockerDriver::restart(const plan::ServicePlan &service)
{
    auto context = m_context;
    const plan::RunPlan plan = m_plan;
    const QStringList ids = m_containers.value(service.name);
    for (const QString &id : ids)
        m_passed.remove(id); // its health must pass again
    return m_client->run<void>(
        [plan, context, ids](DockerConnection &c,
                             const DockerClient::CancelCheck &cancelled) -> core::Result<void> {
            DockerSetup setup(
                c, [&cancelled, context] { return cancelled() || context->shouldStop(); }, plan);
            for (const QString &id : ids)
                if (auto done = setup.restart(id); !done)
                    return done;
            return {};
        });
}

QFuture<core::Error> DockerDriver::diagnose(const runtime::ServiceFailure &failure)
{
    const plan::ServicePlan *s = m_plan.service(failure.service);
    const QString id =
        failure.instance.isEmpty() ? m_containers.value(failure.service).value(0) : failure.instance;
    for (const QString &container : m_containers.value(failure.service))
        if (m_removed.contains(container))
            return core::promises::ready(removedError(failure.service, container));
    const core::Error removed = removedError(failure.service, id);
    const bool tty = s && s->tty;
    const bool unhealthy = failure.kind == runtime::ServiceFailure::Kind::Unhealthy;
    const QString name = failure.service;
    auto context = m_context;
    const plan::RunPlan plan = m_plan;
    return m_client
        ->run<core::Error>([plan, context, id, tty, unhealthy, name,
                            removed](DockerConnection &c, const DockerClient::CancelCheck &cancelled) {
            DockerSetup setup(
                c, [&cancelled, context] { return cancelled() || context->shouldStop(); }, plan);
            auto info = setup.inspect(id);
            const bool removing =
                info &&
                info->value(QStringLiteral("State")).toObject().value(QStringLiteral("Status")).toString() ==
                    QLatin1String("removing");
            if (removing || (!info && info.error().code == QLatin1String("docker.not_found")))
                return core::Result<core::Error>(removed);
            if (!info)
                return core::Result<core::Error>(
                    core::makeError(ErrorCategory::Docker, QStringLiteral("run.exited"),
                                    QStringLiteral("service %1 stopped and its container is gone: %2")
                                        .arg(name, info.error().message)));
            if (unhealthy)
                return core::Result<core::Error>(Diagnosis::unhealthy(name, *info));
            return core::Result<core::Error>(Diagnosis::stopped(name, *info, setup.lastLines(id, tty)));
        })
        .then([](const core::Result<core::Error> &diagnosis) {
            return diagnosis ? *diagnosis : diagnosis.error();
        });
}

QFuture<core::Result<QList<runtime::Endpoint>>> DockerDriver::publish()
{
    // Docker published the ports when it created the containers.
    return core::promises::ready(core::Result<QList<runtime::Endpoint>>(m_endpoints));
}

QFuture<bool> DockerDriver::answers(const runtime::Endpoint &endpoint)
{
    const int port = endpoint.localPort;
    const QString host = endpoint.host;
    return m_client
        ->run<bool>([host, port](DockerConnection &, const DockerClient::CancelCheck &) {
            return core::Result<bool>(EndpointProbe::answers(host, port));
        })
        .then([](const core::Result<bool> &answered) { return answered && *answered; });
}

QJsonObject DockerDriver::details() const
{
    QJsonObject containers;
    for (auto it = m_containers.cbegin(); it != m_containers.cend(); ++it)
        containers.insert(it.key(), QJsonArray::fromStringList(it.value()));
    return {{QStringLiteral("runtime"), QStringLiteral("docker")},
            {QStringLiteral("network"), ContainerSpec::networkName(m_plan.runId)},
            {QStringLiteral("containers"), containers},
            {QStringLiteral("volumes"), QJsonArray::fromStringList(m_volumes)}};
}

} // namespace rr::dockerruntime
