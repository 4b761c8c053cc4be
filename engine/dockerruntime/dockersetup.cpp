#include "dockerruntime/dockersetup.h"

#include "core/logging.h"
#include "docker/dockerclient.h"
#include "dockerruntime/dataarchive.h"
#include "dockerruntime/diagnosis.h"
#include "dockerruntime/loglinesplitter.h"

#include <QDateTime>
#include <QDeadlineTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QUrl>

#include <algorithm>
#include <tuple>

namespace rr::dockerruntime {

namespace {

using core::ErrorCategory;
using docker::ApiRequest;
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

DockerSetup::DockerSetup(docker::DockerConnection &connection, std::function<bool()> cancelled,
                         const plan::RunPlan &plan)
    : m_c(connection)
    , m_cancelled(std::move(cancelled))
    , m_plan(plan)
{}

core::Result<QJsonValue> DockerSetup::api(const ApiRequest &request)
{
    if (m_cancelled())
        return cancelledError();
    auto answer = m_c.callJson(request, m_cancelled);
    if (!answer && m_cancelled())
        return cancelledError();
    return answer;
}

core::Result<void> DockerSetup::ensureImages()
{
    QStringList seen;
    for (const plan::ServicePlan &s : m_plan.services) {
        if (s.image.isEmpty() || seen.contains(s.image))
            continue;
        seen << s.image;
        auto found =
            api(ApiRequest::get(QStringLiteral("/images/%1/json").arg(ApiRequest::pathSegment(s.image))));
        if (found)
            continue;
        if (found.error().code != QLatin1String("docker.not_found"))
            return core::fail(found.error());
        if (s.imageIsLocal())
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

core::Result<QString> DockerSetup::createNetwork(const QString &bridge)
{
    const QString name = ContainerSpec::networkName(m_plan.runId);
    auto existing = bridgeName();
    if (existing)
        return existing;
    if (existing.error().code != QLatin1String("docker.not_found"))
        return core::fail(existing.error());
    // The bridge's name is ours, so the run's firewall can be in place before any container is.
    QJsonObject body{{QStringLiteral("Name"), name},
                     {QStringLiteral("CheckDuplicate"), true},
                     {QStringLiteral("Driver"), QStringLiteral("bridge")},
                     {QStringLiteral("EnableIPv6"), false},
                     {QStringLiteral("Options"), QJsonObject{{QLatin1String(BridgeNameOption), bridge}}},
                     {QStringLiteral("Labels"), ContainerSpec::labels(m_plan)}};
    auto made = api(jsonPost(QStringLiteral("/networks/create"), body));
    if (!made)
        return core::fail(made.error());
    return bridge;
}

core::Result<QString> DockerSetup::bridgeName()
{
    const QString name = ContainerSpec::networkName(m_plan.runId);
    auto existing = api(ApiRequest::get(QStringLiteral("/networks/%1").arg(ApiRequest::pathSegment(name))));
    if (!existing)
        return core::fail(existing.error());
    const QJsonObject network = existing->toObject();
    const QJsonObject labels = network.value(QStringLiteral("Labels")).toObject();
    if (labels.value(QLatin1String(ContainerSpec::RunIdLabel)).toString() !=
        ContainerSpec::runLabel(m_plan.runId))
        return core::fail(ErrorCategory::Docker, QStringLiteral("docker.network_taken"),
                          QStringLiteral("A Docker network named %1 exists and is not this run's").arg(name));
    const QString bridge =
        network.value(QStringLiteral("Options")).toObject().value(QLatin1String(BridgeNameOption)).toString();
    // Docker's own name for a bridge it named: br-<first 12 of the network id>.
    return bridge.isEmpty() ? QStringLiteral("br-") + network.value(QStringLiteral("Id")).toString().left(12)
                            : bridge;
}

core::Result<bool> DockerSetup::storageLimits()
{
    auto info = api(ApiRequest::get(QStringLiteral("/info")));
    if (!info)
        return core::fail(info.error());
    return enforcesStorageSize(info->toObject().value(QStringLiteral("Driver")).toString());
}

bool DockerSetup::enforcesStorageSize(const QString &driver)
{
    // overlay2 enforces it only on xfs mounted with pquota, which the API cannot tell us; a
    // create with StorageOpt would fail there, so overlay2 gets no size limit.
    return driver == QLatin1String("btrfs") || driver == QLatin1String("zfs") ||
           driver == QLatin1String("devicemapper") || driver == QLatin1String("windowsfilter");
}

core::Result<void> DockerSetup::putArchive(const QString &containerId, const QString &path,
                                           const QByteArray &tar)
{
    ApiRequest put;
    put.method = "PUT";
    put.path = QStringLiteral("/containers/%1/archive").arg(ApiRequest::pathSegment(containerId));
    ApiRequest::addParam(put.query, QStringLiteral("path"), path);
    put.contentType = "application/x-tar";
    put.body = tar;
    auto answer = api(put);
    if (!answer)
        return core::fail(answer.error());
    return {};
}

core::Result<void> DockerSetup::fillVolume(const plan::ServicePlan &service, const plan::PlanVolume &volume,
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
    api(ApiRequest::del(QStringLiteral("/containers/%1").arg(ApiRequest::pathSegment(id)), force));
    return put;
}

core::Result<QStringList> DockerSetup::createVolumes()
{
    QStringList made;
    for (const plan::ServicePlan &s : m_plan.services) {
        for (const plan::PlanVolume &v : s.volumes) {
            if (v.kind == plan::PlanVolume::Kind::EmptyDir && v.memory)
                continue; // tmpfs
            bool mountedWhole = v.kind == plan::PlanVolume::Kind::EmptyDir;
            for (const plan::PlanMount &m : s.mounts)
                if (m.volume == v.name && !ContainerSpec::isCopiedMount(s, m))
                    mountedWhole = true;
            const QString name = ContainerSpec::volumeName(m_plan.runId, s, v);
            if (!mountedWhole || made.contains(name))
                continue;
            QJsonObject body{{QStringLiteral("Name"), name},
                             {QStringLiteral("Labels"), ContainerSpec::labels(m_plan)}};
            auto created = api(jsonPost(QStringLiteral("/volumes/create"), body));
            if (!created)
                return core::fail(created.error());
            made << name;
            if (v.kind != plan::PlanVolume::Kind::EmptyDir)
                if (auto filled = fillVolume(s, v, name); !filled)
                    return core::fail(filled.error());
        }
    }
    return made;
}

bool DockerSetup::isPortTaken(const QString &dockerMessage)
{
    // docker-proxy's bind failure, and the daemon's own check of ports it already published.
    return dockerMessage.contains(QLatin1String("address already in use")) ||
           dockerMessage.contains(QLatin1String("port is already allocated"));
}

core::Result<QStringList> DockerSetup::startService(const plan::ServicePlan &service,
                                                    const QList<PortBinding> &ports, bool limitStorage)
{
    QStringList ids;
    const int replicas = qMax(1, service.replicas);
    for (int i = 0; i < replicas; ++i) {
        const QString name = ContainerSpec::containerName(m_plan.runId, service, i);
        // Only the first replica publishes: one local port cannot front several containers.
        const QJsonObject config =
            ContainerSpec::build(m_plan, service, i, i == 0 ? ports : QList<PortBinding>(), limitStorage);
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
        ids << id;
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
                    return core::fail(put.error());
            }
        }
        auto started =
            api(ApiRequest::post(QStringLiteral("/containers/%1/start").arg(ApiRequest::pathSegment(id))));
        if (!started && started.error().category == ErrorCategory::Cancelled)
            return core::fail(started.error());
        if (!started && isPortTaken(started.error().message)) {
            // Another process bound the port after the allocator saw it free. The container is
            // removed so the driver can create it again on another port.
            QUrlQuery force;
            force.addQueryItem(QStringLiteral("force"), QStringLiteral("1"));
            api(ApiRequest::del(QStringLiteral("/containers/%1").arg(ApiRequest::pathSegment(id)), force));
            core::Error taken = core::makeError(
                ErrorCategory::Docker, QLatin1String(PortTakenCode),
                QStringLiteral("service %1: a published port was taken before it could start: %2")
                    .arg(service.name, started.error().message));
            taken.details = id; // the removed container, which the driver must forget
            return core::fail(taken);
        }
        if (!started)
            return core::fail(
                ErrorCategory::Docker, started.error().code,
                QStringLiteral("service %1 could not start: %2").arg(service.name, started.error().message));
    }
    return ids;
}

QStringList DockerSetup::lastLines(const QString &containerId, bool tty)
{
    QUrlQuery q;
    q.addQueryItem(QStringLiteral("stdout"), QStringLiteral("1"));
    q.addQueryItem(QStringLiteral("stderr"), QStringLiteral("1"));
    q.addQueryItem(QStringLiteral("tail"), QString::number(Diagnosis::TailLines));
    auto answer = m_c.call(
        ApiRequest::get(QStringLiteral("/containers/%1/logs").arg(ApiRequest::pathSegment(containerId)), q));
    if (!answer)
        return {};
    docker::LogDemuxer demuxer(tty);
    return LogLineSplitter::lines(demuxer.feed(answer->body));
}

core::Result<DockerSetup::Found> DockerSetup::find()
{
    QUrlQuery q =
        docker::DockerClient::labelFilter({QLatin1String(ContainerSpec::RunIdLabel) + QLatin1Char('=') +
                                           ContainerSpec::runLabel(m_plan.runId)});
    q.addQueryItem(QStringLiteral("all"), QStringLiteral("1"));
    auto listed = api(ApiRequest::get(QStringLiteral("/containers/json"), q));
    if (!listed)
        return core::fail(listed.error());
    Found found;
    for (const QJsonValue &v : listed->toArray()) {
        const QJsonObject c = v.toObject();
        const QJsonObject labels = c.value(QStringLiteral("Labels")).toObject();
        const plan::ServicePlan *s =
            m_plan.service(labels.value(QLatin1String(ContainerSpec::ServiceLabel)).toString());
        if (!s ||
            c.value(QStringLiteral("Names")).toArray().first().toString().endsWith(QLatin1String("-fill")))
            continue;
        const QString id = c.value(QStringLiteral("Id")).toString();
        found.containers[s->name].append(id);
        if (c.value(QStringLiteral("State")).toString() == QLatin1String("running"))
            found.running << id;
        for (const QJsonValue &pv : c.value(QStringLiteral("Ports")).toArray()) {
            const QJsonObject p = pv.toObject();
            if (p.value(QStringLiteral("PublicPort")).toInt() <= 0)
                continue;
            runtime::Endpoint e;
            e.service = s->name;
            e.containerPort = p.value(QStringLiteral("PrivatePort")).toInt();
            e.protocol = p.value(QStringLiteral("Type")).toString();
            e.host = p.value(QStringLiteral("IP")).toString(QStringLiteral("127.0.0.1"));
            e.localPort = p.value(QStringLiteral("PublicPort")).toInt();
            if (e.protocol == QLatin1String("tcp"))
                e.url = QStringLiteral("http://%1:%2/").arg(e.host).arg(e.localPort);
            const bool known = std::any_of(
                found.endpoints.cbegin(), found.endpoints.cend(), [&e](const runtime::Endpoint &o) {
                    return o.service == e.service && o.containerPort == e.containerPort &&
                           o.protocol == e.protocol;
                });
            if (!known)
                found.endpoints.append(e);
        }
    }
    if (found.containers.isEmpty())
        return core::fail(ErrorCategory::Docker, QStringLiteral("run.vanished"),
                          QStringLiteral("The containers of run %1 are gone.").arg(m_plan.runId));
    std::sort(found.endpoints.begin(), found.endpoints.end(),
              [](const runtime::Endpoint &a, const runtime::Endpoint &b) {
                  return std::tie(a.service, a.containerPort) < std::tie(b.service, b.containerPort);
              });
    const plan::ServicePlan *primary = m_plan.primary();
    for (runtime::Endpoint &e : found.endpoints)
        if (primary && e.service == primary->name && e.protocol == QLatin1String("tcp")) {
            e.primary = true;
            break;
        }
    return found;
}

core::Result<QJsonObject> DockerSetup::inspect(const QString &containerId)
{
    auto inspected =
        api(ApiRequest::get(QStringLiteral("/containers/%1/json").arg(ApiRequest::pathSegment(containerId))));
    if (!inspected)
        return core::fail(inspected.error());
    return inspected->toObject();
}

core::Result<void> DockerSetup::restart(const QString &containerId)
{
    QUrlQuery q;
    q.addQueryItem(QStringLiteral("t"), QStringLiteral("5"));
    auto restarted = api(ApiRequest::post(
        QStringLiteral("/containers/%1/restart").arg(ApiRequest::pathSegment(containerId)), q));
    if (!restarted)
        return core::fail(restarted.error());
    return {};
}

// Runs the check attached: the answer ends when the command does, so nothing polls for it.
core::Result<bool> DockerSetup::runCheck(const QString &containerId, const QStringList &command,
                                         int timeoutSeconds)
{
    const QJsonObject create{{QStringLiteral("Cmd"), QJsonArray::fromStringList(command)},
                             {QStringLiteral("AttachStdout"), true},
                             {QStringLiteral("AttachStderr"), true}};
    auto created =
        api(ApiRequest::post(QStringLiteral("/containers/%1/exec").arg(ApiRequest::pathSegment(containerId)),
                             {}, QJsonDocument(create).toJson(QJsonDocument::Compact)));
    if (!created)
        return core::fail(created.error());
    const QString execId = created->toObject().value(QStringLiteral("Id")).toString();
    const QDeadlineTimer deadline(qMax(1, timeoutSeconds) * 1000);
    ApiRequest start = ApiRequest::post(QStringLiteral("/exec/%1/start").arg(ApiRequest::pathSegment(execId)),
                                        {}, QByteArrayLiteral(R"({"Detach":false,"Tty":false})"));
    auto ran = m_c.call(
        start, [this, &deadline] { return m_cancelled() || deadline.hasExpired(); },
        [](const QByteArray &) { return true; });
    if (m_cancelled())
        return cancelledError();
    if (!ran)
        return false; // timed out, or the container went away
    auto inspected =
        api(ApiRequest::get(QStringLiteral("/exec/%1/json").arg(ApiRequest::pathSegment(execId))));
    if (!inspected)
        return core::fail(inspected.error());
    const QJsonObject exec = inspected->toObject();
    return !exec.value(QStringLiteral("Running")).toBool() &&
           exec.value(QStringLiteral("ExitCode")).toInt(-1) == 0;
}

} // namespace rr::dockerruntime
