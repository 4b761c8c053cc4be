#include "dockerruntime/deployjob.h"

#include "core/logging.h"
#include "docker/dockerclient.h"
#include "dockerruntime/dataarchive.h"
#include "dockerruntime/diagnosis.h"
#include "dockerruntime/endpointprobe.h"
#include "dockerruntime/loglinesplitter.h"
#include "dockerruntime/portallocator.h"

#include <QDateTime>
#include <QDeadlineTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QThread>
#include <QUrl>

#include <algorithm>
#include <tuple>

namespace rr::dockerruntime {

namespace {

using core::ErrorCategory;
using docker::ApiRequest;
using Condition = project::Dependency::Condition;

constexpr int PollMs = 250;

QString enc(const QString &segment)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(segment, ":@"));
}

ApiRequest jsonPost(const QString &path, const QJsonObject &body, const QUrlQuery &query = {})
{
    return ApiRequest::post(path, query, QJsonDocument(body).toJson(QJsonDocument::Compact));
}

core::Unexpected cancelledError()
{
    return core::fail(ErrorCategory::Cancelled, QStringLiteral("run.cancelled"),
                      QStringLiteral("The run was stopped while it was starting."));
}

// The first "error" of a newline-delimited JSON progress stream (image pulls), if any.
QString streamError(const QByteArray &body)
{
    for (const QByteArray &line : body.split('\n')) {
        const QJsonObject o = QJsonDocument::fromJson(line).object();
        if (o.contains(QStringLiteral("error")))
            return o.value(QStringLiteral("error")).toString();
    }
    return {};
}

} // namespace

DeployJob::DeployJob(docker::DockerConnection &connection, std::function<bool()> cancelled,
                     const plan::RunPlan &plan, std::shared_ptr<RunContext> context, Hooks hooks)
    : m_c(connection)
    , m_cancelled(std::move(cancelled))
    , m_plan(plan)
    , m_context(std::move(context))
    , m_hooks(std::move(hooks))
{}

core::Result<QJsonValue> DeployJob::api(const ApiRequest &request)
{
    if (m_cancelled())
        return cancelledError();
    auto answer = m_c.callJson(request, m_cancelled);
    if (!answer && m_cancelled())
        return cancelledError();
    return answer;
}

core::Result<void> DeployJob::sleepOrCancel(int ms)
{
    const QDeadlineTimer until(ms);
    while (!until.hasExpired()) {
        if (m_cancelled())
            return cancelledError();
        QThread::msleep(static_cast<unsigned long>(qMin<qint64>(50, qMax<qint64>(1, until.remainingTime()))));
    }
    return m_cancelled() ? core::Result<void>(cancelledError()) : core::Result<void>();
}

void DeployJob::setStatus(const QString &service, const QString &state, const QString &detail)
{
    if (m_hooks.status)
        m_hooks.status(runtime::ServiceStatus{service, state, 0, detail});
}

core::Result<void> DeployJob::ensureImages()
{
    QStringList seen;
    for (const plan::ServicePlan &s : m_plan.services) {
        if (s.image.isEmpty() || seen.contains(s.image))
            continue;
        seen << s.image;
        auto found = api(ApiRequest::get(QStringLiteral("/images/%1/json").arg(enc(s.image))));
        if (found)
            continue;
        if (found.error().code != QLatin1String("docker.not_found"))
            return core::fail(found.error());
        if (s.build)
            return core::fail(
                ErrorCategory::Docker, QStringLiteral("docker.image_missing"),
                QStringLiteral("service %1: its image %2 has not been built").arg(s.name, s.image));
        QUrlQuery q;
        ApiRequest::addParam(q, QStringLiteral("fromImage"), s.image);
        ApiRequest pull = ApiRequest::post(QStringLiteral("/images/create"), q);
        auto pulled = m_c.call(pull, m_cancelled);
        const QString why = pulled ? streamError(pulled->body) : pulled.error().message;
        if (!why.isEmpty())
            return core::fail(
                ErrorCategory::Docker, QStringLiteral("docker.image_missing"),
                QStringLiteral("service %1 needs image %2, which is not on this machine and could "
                               "not be pulled: %3")
                    .arg(s.name, s.image, why));
    }
    return {};
}

core::Result<void> DeployJob::createNetwork()
{
    const QString name = ContainerSpec::networkName(m_plan.runId);
    auto existing = api(ApiRequest::get(QStringLiteral("/networks/%1").arg(enc(name))));
    if (existing) {
        const QJsonObject labels = existing->toObject().value(QStringLiteral("Labels")).toObject();
        if (labels.value(QLatin1String(ContainerSpec::RunIdLabel)).toString() ==
            ContainerSpec::runLabel(m_plan.runId))
            return {};
        return core::fail(ErrorCategory::Docker, QStringLiteral("docker.network_taken"),
                          QStringLiteral("A Docker network named %1 exists and is not this run's").arg(name));
    }
    QJsonObject body{{QStringLiteral("Name"), name},
                     {QStringLiteral("CheckDuplicate"), true},
                     {QStringLiteral("Driver"), QStringLiteral("bridge")},
                     {QStringLiteral("Labels"), ContainerSpec::labels(m_plan)}};
    auto made = api(jsonPost(QStringLiteral("/networks/create"), body));
    if (!made)
        return core::fail(made.error());
    return {};
}

core::Result<void> DeployJob::putArchive(const QString &containerId, const QString &path,
                                         const QByteArray &tar)
{
    ApiRequest put;
    put.method = "PUT";
    put.path = QStringLiteral("/containers/%1/archive").arg(enc(containerId));
    ApiRequest::addParam(put.query, QStringLiteral("path"), path);
    put.contentType = "application/x-tar";
    put.body = tar;
    auto answer = api(put);
    if (!answer)
        return core::fail(answer.error());
    return {};
}

core::Result<void> DeployJob::fillVolume(const plan::ServicePlan &service, const plan::PlanVolume &volume,
                                         const QString &name)
{
    auto files = DataArchive::volumeFiles(m_plan, volume);
    if (!files)
        return core::fail(files.error());
    auto tar = DataArchive::tar(*files);
    if (!tar)
        return core::fail(tar.error());
    // A helper container that is never started: it only gives the archive API a way into the
    // volume, so no host path is ever mounted.
    const QString helperName = name + QStringLiteral("-fill");
    QJsonObject config{
        {QStringLiteral("Image"), service.image},
        {QStringLiteral("Entrypoint"), QJsonArray{QStringLiteral("/rr-never-started")}},
        {QStringLiteral("Labels"), ContainerSpec::labels(m_plan, &service)},
        {QStringLiteral("HostConfig"),
         QJsonObject{{QStringLiteral("NetworkMode"), QStringLiteral("none")},
                     {QStringLiteral("Mounts"),
                      QJsonArray{QJsonObject{{QStringLiteral("Type"), QStringLiteral("volume")},
                                             {QStringLiteral("Source"), name},
                                             {QStringLiteral("Target"), QStringLiteral("/rr-data")}}}}}}};
    QUrlQuery q;
    q.addQueryItem(QStringLiteral("name"), helperName);
    auto helper = api(jsonPost(QStringLiteral("/containers/create"), config, q));
    if (!helper)
        return core::fail(helper.error());
    const QString id = helper->toObject().value(QStringLiteral("Id")).toString();
    auto put = putArchive(id, QStringLiteral("/rr-data"), *tar);
    QUrlQuery force;
    force.addQueryItem(QStringLiteral("force"), QStringLiteral("1"));
    api(ApiRequest::del(QStringLiteral("/containers/%1").arg(enc(id)), force));
    return put;
}

core::Result<void> DeployJob::createVolumes()
{
    for (const plan::ServicePlan &s : m_plan.services) {
        for (const plan::PlanVolume &v : s.volumes) {
            if (v.kind == plan::PlanVolume::Kind::EmptyDir && v.memory)
                continue; // tmpfs
            bool mountedWhole = v.kind == plan::PlanVolume::Kind::EmptyDir;
            for (const plan::PlanMount &m : s.mounts)
                if (m.volume == v.name && !ContainerSpec::isCopiedMount(s, m))
                    mountedWhole = true;
            const QString name = ContainerSpec::volumeName(m_plan.runId, s, v);
            if (!mountedWhole || m_volumes.contains(name))
                continue;
            QJsonObject body{{QStringLiteral("Name"), name},
                             {QStringLiteral("Labels"), ContainerSpec::labels(m_plan)}};
            auto made = api(jsonPost(QStringLiteral("/volumes/create"), body));
            if (!made)
                return core::fail(made.error());
            m_volumes << name;
            if (v.kind != plan::PlanVolume::Kind::EmptyDir)
                if (auto filled = fillVolume(s, v, name); !filled)
                    return filled;
        }
    }
    return {};
}

core::Result<void> DeployJob::startService(const plan::ServicePlan &service, const QList<PortBinding> &ports)
{
    const int replicas = qMax(1, service.replicas);
    for (int i = 0; i < replicas; ++i) {
        const QString name = ContainerSpec::containerName(m_plan.runId, service, i);
        // Only the first replica publishes: one local port cannot front several containers.
        const QJsonObject config =
            ContainerSpec::build(m_plan, service, i, i == 0 ? ports : QList<PortBinding>());
        QUrlQuery q;
        q.addQueryItem(QStringLiteral("name"), name);
        auto created = api(jsonPost(QStringLiteral("/containers/create"), config, q));
        if (!created && created.error().category == ErrorCategory::Cancelled)
            return core::fail(created.error());
        if (!created)
            return core::fail(ErrorCategory::Docker, created.error().code,
                              QStringLiteral("service %1: the container could not be created: %2")
                                  .arg(service.name, created.error().message));
        const QString id = created->toObject().value(QStringLiteral("Id")).toString();
        m_containers[service.name].append(id);
        for (const plan::PlanMount &m : service.mounts) {
            if (!ContainerSpec::isCopiedMount(service, m))
                continue;
            for (const plan::PlanVolume &v : service.volumes) {
                if (v.name != m.volume)
                    continue;
                auto files = DataArchive::subPathFiles(m_plan, v, m);
                if (!files)
                    return core::fail(files.error());
                auto tar = DataArchive::tar(*files);
                if (!tar)
                    return core::fail(tar.error());
                if (auto put = putArchive(id, QStringLiteral("/"), *tar); !put)
                    return put;
            }
        }
        const qint64 since = QDateTime::currentSecsSinceEpoch();
        auto started = api(ApiRequest::post(QStringLiteral("/containers/%1/start").arg(enc(id))));
        if (!started && started.error().category == ErrorCategory::Cancelled)
            return core::fail(started.error());
        if (!started)
            return core::fail(
                ErrorCategory::Docker, started.error().code,
                QStringLiteral("service %1 could not start: %2").arg(service.name, started.error().message));
        if (m_hooks.follow)
            m_hooks.follow(service, id, service.tty, since - 1);
    }
    setStatus(service.name, QStringLiteral("starting"));
    return {};
}

QStringList DeployJob::lastLines(const QString &containerId, bool tty)
{
    QUrlQuery q;
    q.addQueryItem(QStringLiteral("stdout"), QStringLiteral("1"));
    q.addQueryItem(QStringLiteral("stderr"), QStringLiteral("1"));
    q.addQueryItem(QStringLiteral("tail"), QString::number(Diagnosis::TailLines));
    auto answer = m_c.call(ApiRequest::get(QStringLiteral("/containers/%1/logs").arg(enc(containerId)), q));
    if (!answer)
        return {};
    docker::LogDemuxer demuxer(tty);
    return LogLineSplitter::lines(demuxer.feed(answer->body));
}

core::Result<void> DeployJob::waitFor(const plan::ServicePlan &service, Condition condition)
{
    const QDeadlineTimer deadline(WaitSeconds * 1000);
    QString lastState;
    for (;;) {
        bool done = true;
        for (const QString &id : m_containers.value(service.name)) {
            auto inspected = api(ApiRequest::get(QStringLiteral("/containers/%1/json").arg(enc(id))));
            if (!inspected)
                return core::fail(inspected.error());
            const QJsonObject info = inspected->toObject();
            const QJsonObject state = info.value(QStringLiteral("State")).toObject();
            const QString status = state.value(QStringLiteral("Status")).toString();
            if (status == QLatin1String("exited") || status == QLatin1String("dead")) {
                const int code = state.value(QStringLiteral("ExitCode")).toInt(-1);
                if (code == 0 && !state.value(QStringLiteral("OOMKilled")).toBool() &&
                    (service.oneShot || condition == Condition::CompletedSuccessfully)) {
                    lastState = QStringLiteral("completed");
                    continue;
                }
                core::Error e = Diagnosis::stopped(service.name, info, lastLines(id, service.tty));
                setStatus(service.name, QStringLiteral("failed"), e.message);
                return core::fail(e);
            }
            if (status != QLatin1String("running")) {
                done = false;
                continue;
            }
            const QString health =
                state.value(QStringLiteral("Health")).toObject().value(QStringLiteral("Status")).toString();
            if (condition == Condition::CompletedSuccessfully ||
                (service.oneShot && condition != Condition::Started)) {
                done = false;
            } else if (condition == Condition::Healthy && health == QLatin1String("unhealthy")) {
                core::Error e = Diagnosis::unhealthy(service.name, info);
                setStatus(service.name, QStringLiteral("failed"), e.message);
                return core::fail(e);
            } else if (condition == Condition::Healthy && !health.isEmpty() &&
                       health != QLatin1String("healthy")) {
                if (service.readiness) {
                    auto passed = probeNow(id, *service.readiness);
                    if (!passed)
                        return core::fail(passed.error());
                    if (*passed)
                        continue; // healthy by the same check Docker is about to run
                }
                done = false;
                if (lastState != QLatin1String("running"))
                    setStatus(service.name, QStringLiteral("running"),
                              QStringLiteral("waiting for its health check"));
                lastState = QStringLiteral("running");
            }
        }
        if (done) {
            if (lastState == QLatin1String("completed"))
                setStatus(service.name, QStringLiteral("completed"));
            return {};
        }
        if (deadline.hasExpired()) {
            const QString what = condition == Condition::CompletedSuccessfully ? QStringLiteral("complete")
                                 : condition == Condition::Healthy ? QStringLiteral("become healthy")
                                                                   : QStringLiteral("start");
            return core::fail(
                ErrorCategory::Docker, QStringLiteral("run.timeout"),
                QStringLiteral("service %1 did not %2 within %3 s").arg(service.name, what).arg(WaitSeconds));
        }
        if (auto slept = sleepOrCancel(PollMs); !slept)
            return slept;
    }
}

// Docker only updates a health status once per interval; running the same check ourselves as
// soon as the container runs lets dependants start when it passes, not up to an interval later.
core::Result<bool> DeployJob::probeNow(const QString &containerId, const plan::PlanProbe &probe)
{
    const QJsonObject create{{QStringLiteral("Cmd"), QJsonArray::fromStringList(probe.exec)},
                             {QStringLiteral("AttachStdout"), false},
                             {QStringLiteral("AttachStderr"), false}};
    auto created = api(ApiRequest::post(QStringLiteral("/containers/%1/exec").arg(enc(containerId)), {},
                                        QJsonDocument(create).toJson(QJsonDocument::Compact)));
    if (!created)
        return core::fail(created.error());
    const QString execId = created->toObject().value(QStringLiteral("Id")).toString();
    auto started = api(ApiRequest::post(QStringLiteral("/exec/%1/start").arg(enc(execId)), {},
                                        QByteArrayLiteral(R"({"Detach":true,"Tty":false})")));
    if (!started)
        return core::fail(started.error());
    const QDeadlineTimer deadline(qMax(1, probe.timeoutSeconds) * 1000);
    for (;;) {
        auto inspected = api(ApiRequest::get(QStringLiteral("/exec/%1/json").arg(enc(execId))));
        if (!inspected)
            return core::fail(inspected.error());
        const QJsonObject exec = inspected->toObject();
        if (!exec.value(QStringLiteral("Running")).toBool())
            return exec.value(QStringLiteral("ExitCode")).toInt(-1) == 0;
        if (deadline.hasExpired())
            return false;
        if (auto slept = sleepOrCancel(50); !slept)
            return core::fail(slept.error());
    }
}

core::Result<void> DeployJob::waitForEndpoint(const runtime::Endpoint &endpoint)
{
    const plan::ServicePlan *service = m_plan.service(endpoint.service);
    const QDeadlineTimer deadline(EndpointWaitSeconds * 1000);
    while (!EndpointProbe::answers(endpoint.localPort)) {
        if (service)
            if (auto alive = waitFor(*service, Condition::Started); !alive)
                return alive;
        if (deadline.hasExpired())
            return core::fail(
                ErrorCategory::Docker, QStringLiteral("run.port_silent"),
                QStringLiteral("service %1 runs but nothing answers on its port %2 (127.0.0.1:%3)")
                    .arg(endpoint.service)
                    .arg(endpoint.containerPort)
                    .arg(endpoint.localPort));
        if (auto slept = sleepOrCancel(100); !slept)
            return slept;
    }
    return {};
}

runtime::Deployment DeployJob::deployment() const
{
    runtime::Deployment d;
    d.runId = m_plan.runId;
    d.endpoints = m_endpoints;
    QJsonObject containers;
    for (auto it = m_containers.cbegin(); it != m_containers.cend(); ++it)
        containers.insert(it.key(), QJsonArray::fromStringList(it.value()));
    d.details = {{QStringLiteral("runtime"), QStringLiteral("docker")},
                 {QStringLiteral("network"), ContainerSpec::networkName(m_plan.runId)},
                 {QStringLiteral("containers"), containers},
                 {QStringLiteral("volumes"), QJsonArray::fromStringList(m_volumes)}};
    return d;
}

core::Result<runtime::Deployment> DeployJob::deploy()
{
    const QList<QStringList> waves = m_plan.deploymentOrder();
    if (waves.isEmpty())
        return core::fail(ErrorCategory::Plan, QStringLiteral("plan.cycle"),
                          QStringLiteral("The services' depends_on form a cycle; nothing can start first."));
    for (const plan::ServicePlan &s : m_plan.services)
        setStatus(s.name, QStringLiteral("waiting"));
    if (auto images = ensureImages(); !images)
        return core::fail(images.error());
    if (auto network = createNetwork(); !network)
        return core::fail(network.error());
    if (auto volumes = createVolumes(); !volumes)
        return core::fail(volumes.error());

    PortAllocator ports;
    QMap<QString, QList<PortBinding>> bindings;
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
            bindings[s.name].append({p, local});
            runtime::Endpoint e;
            e.service = s.name;
            e.containerPort = p.containerPort;
            e.protocol = protocol;
            e.localPort = local;
            if (protocol == QLatin1String("tcp"))
                e.url = QStringLiteral("http://127.0.0.1:%1/").arg(local);
            m_endpoints.append(e);
        }
    }
    for (runtime::Endpoint &e : m_endpoints)
        if (primary && e.service == primary->name && e.protocol == QLatin1String("tcp")) {
            e.primary = true;
            break;
        }

    for (const QStringList &wave : waves) {
        for (const QString &name : wave) {
            const plan::ServicePlan *s = m_plan.service(name);
            for (const plan::PlanDependency &d : s->dependsOn) {
                const plan::ServicePlan *dep = m_plan.service(d.service);
                if (!dep || dep == s)
                    continue;
                if (auto ok = waitFor(*dep, d.condition); !ok)
                    return core::fail(ok.error());
            }
            if (auto started = startService(*s, bindings.value(s->name)); !started)
                return core::fail(started.error());
        }
    }
    // READY: every long-running service runs (and is healthy when it has a check).
    for (const plan::ServicePlan &s : m_plan.services) {
        if (s.oneShot)
            continue;
        if (auto ok = waitFor(s, Condition::Healthy); !ok)
            return core::fail(ok.error());
    }
    for (const runtime::Endpoint &e : std::as_const(m_endpoints))
        if (e.primary)
            if (auto ok = waitForEndpoint(e); !ok)
                return core::fail(ok.error());
    if (auto ok = settle(); !ok)
        return core::fail(ok.error());
    for (const plan::ServicePlan &s : m_plan.services)
        if (!s.oneShot)
            setStatus(s.name, QStringLiteral("ready"));
    m_context->ready = true;
    return deployment();
}

core::Result<void> DeployJob::settle()
{
    qint64 youngestMs = SettleMs;
    for (const plan::ServicePlan &s : m_plan.services) {
        if (s.oneShot)
            continue;
        for (const QString &id : m_containers.value(s.name)) {
            auto inspected = api(ApiRequest::get(QStringLiteral("/containers/%1/json").arg(enc(id))));
            if (!inspected)
                return core::fail(inspected.error());
            // Docker writes nanoseconds; Qt reads the first three digits, which is enough here.
            const QDateTime started = QDateTime::fromString(
                inspected->toObject()[QStringLiteral("State")][QStringLiteral("StartedAt")].toString(),
                Qt::ISODateWithMs);
            if (started.isValid())
                youngestMs = qMin(youngestMs, started.msecsTo(QDateTime::currentDateTimeUtc()));
        }
    }
    if (youngestMs < SettleMs)
        if (auto slept = sleepOrCancel(int(SettleMs - qMax<qint64>(youngestMs, 0))); !slept)
            return slept;
    // Whatever died meanwhile fails the run here, with its exit code and last lines.
    for (const plan::ServicePlan &s : m_plan.services)
        if (!s.oneShot)
            if (auto ok = waitFor(s, Condition::Healthy); !ok)
                return ok;
    return {};
}

core::Result<runtime::Deployment> DeployJob::attach()
{
    QUrlQuery q =
        docker::DockerClient::labelFilter({QLatin1String(ContainerSpec::RunIdLabel) + QLatin1Char('=') +
                                           ContainerSpec::runLabel(m_plan.runId)});
    q.addQueryItem(QStringLiteral("all"), QStringLiteral("1"));
    auto listed = api(ApiRequest::get(QStringLiteral("/containers/json"), q));
    if (!listed)
        return core::fail(listed.error());
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    for (const QJsonValue &v : listed->toArray()) {
        const QJsonObject c = v.toObject();
        const QJsonObject labels = c.value(QStringLiteral("Labels")).toObject();
        const plan::ServicePlan *s =
            m_plan.service(labels.value(QLatin1String(ContainerSpec::ServiceLabel)).toString());
        if (!s ||
            c.value(QStringLiteral("Names")).toArray().first().toString().endsWith(QLatin1String("-fill")))
            continue;
        const QString id = c.value(QStringLiteral("Id")).toString();
        m_containers[s->name].append(id);
        for (const QJsonValue &pv : c.value(QStringLiteral("Ports")).toArray()) {
            const QJsonObject p = pv.toObject();
            if (p.value(QStringLiteral("PublicPort")).toInt() <= 0)
                continue;
            runtime::Endpoint e;
            e.service = s->name;
            e.containerPort = p.value(QStringLiteral("PrivatePort")).toInt();
            e.protocol = p.value(QStringLiteral("Type")).toString();
            e.localPort = p.value(QStringLiteral("PublicPort")).toInt();
            if (e.protocol == QLatin1String("tcp"))
                e.url = QStringLiteral("http://127.0.0.1:%1/").arg(e.localPort);
            const bool known =
                std::any_of(m_endpoints.cbegin(), m_endpoints.cend(), [&e](const runtime::Endpoint &o) {
                    return o.service == e.service && o.containerPort == e.containerPort &&
                           o.protocol == e.protocol;
                });
            if (!known)
                m_endpoints.append(e);
        }
        if (c.value(QStringLiteral("State")).toString() == QLatin1String("running") && m_hooks.follow)
            m_hooks.follow(*s, id, s->tty, now);
    }
    if (m_containers.isEmpty())
        return core::fail(ErrorCategory::Docker, QStringLiteral("run.vanished"),
                          QStringLiteral("The containers of run %1 are gone.").arg(m_plan.runId));
    std::sort(m_endpoints.begin(), m_endpoints.end(),
              [](const runtime::Endpoint &a, const runtime::Endpoint &b) {
                  return std::tie(a.service, a.containerPort) < std::tie(b.service, b.containerPort);
              });
    const plan::ServicePlan *primary = m_plan.primary();
    for (runtime::Endpoint &e : m_endpoints)
        if (primary && e.service == primary->name && e.protocol == QLatin1String("tcp")) {
            e.primary = true;
            break;
        }
    // A service that stopped while we were away is a broken run, with the usual diagnosis.
    for (const plan::ServicePlan &s : m_plan.services)
        if (!s.oneShot && m_containers.contains(s.name))
            if (auto ok = waitFor(s, Condition::Started); !ok)
                return core::fail(ok.error());
    m_context->ready = true;
    return deployment();
}

} // namespace rr::dockerruntime
