#include "dockerruntime/dockerruntime.h"

#include "core/logging.h"
#include "docker/dockerclient.h"
#include "dockerruntime/containerspec.h"
#include "dockerruntime/deployjob.h"
#include "dockerruntime/diagnosis.h"
#include "dockerruntime/loglinesplitter.h"

#include <QJsonArray>

#include <QSet>
#include <QThread>
#include <QUrl>
#include <atomic>
#include <memory>
#include <utility>

namespace rr::dockerruntime {

namespace {

// Log text a follower may have handed to the engine's thread and not yet seen taken: a
// service that writes faster than the engine keeps up (cat /dev/zero) has its surplus dropped
// and counted here, instead of queueing without bound.
constexpr qint64 MaxLogBytesInFlight = 8 * 1024 * 1024;

using core::ErrorCategory;
using docker::ApiRequest;
using docker::DockerClient;
using docker::DockerConnection;

QString enc(const QString &segment)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(segment, ":@"));
}

QString runFilter(const QString &runId)
{
    return QLatin1String(ContainerSpec::RunIdLabel) + QLatin1Char('=') + ContainerSpec::runLabel(runId);
}

// Lists this run's (or, with an empty run id, every run's) containers, networks and volumes.
struct Leftovers
{
    QJsonArray containers, networks, volumes;
    bool empty() const { return containers.isEmpty() && networks.isEmpty() && volumes.isEmpty(); }
};

core::Result<Leftovers> listLabelled(DockerConnection &c, const DockerClient::CancelCheck &cancelled,
                                     const QStringList &labels)
{
    Leftovers out;
    QUrlQuery q = DockerClient::labelFilter(labels);
    QUrlQuery all = q;
    all.addQueryItem(QStringLiteral("all"), QStringLiteral("1"));
    auto containers = c.callJson(ApiRequest::get(QStringLiteral("/containers/json"), all), cancelled);
    if (!containers)
        return core::fail(containers.error());
    auto networks = c.callJson(ApiRequest::get(QStringLiteral("/networks"), q), cancelled);
    if (!networks)
        return core::fail(networks.error());
    auto volumes = c.callJson(ApiRequest::get(QStringLiteral("/volumes"), q), cancelled);
    if (!volumes)
        return core::fail(volumes.error());
    out.containers = containers->toArray();
    out.networks = networks->toArray();
    out.volumes = volumes->toObject().value(QStringLiteral("Volumes")).toArray();
    return out;
}

} // namespace

DockerRuntime::DockerRuntime(docker::DockerClient *client, QObject *parent)
    : runtime::Runtime(parent)
    , m_client(client)
{}

DockerRuntime::~DockerRuntime()
{
    QList<QFuture<void>> jobs;
    {
        QMutexLocker lock(&m_mutex);
        for (const auto &context : std::as_const(m_runs))
            context->cancelled = true;
        jobs = m_jobs;
    }
    // Jobs emit this object's signals; none may outlive it.
    for (QFuture<void> &job : jobs)
        job.waitForFinished();
}

void DockerRuntime::postStatus(const QString &runId, const runtime::ServiceStatus &status)
{
    QMetaObject::invokeMethod(
        this, [this, runId, status] { Q_EMIT serviceStatusChanged(runId, status); }, Qt::QueuedConnection);
}

QString DockerRuntime::name() const
{
    return QStringLiteral("docker");
}

void DockerRuntime::track(const QFuture<void> &job)
{
    QMutexLocker lock(&m_mutex);
    m_jobs.removeIf([](const QFuture<void> &f) { return f.isFinished(); });
    m_jobs.append(job);
}

std::shared_ptr<RunContext> DockerRuntime::freshContext(const QString &runId)
{
    auto context = std::make_shared<RunContext>(runId);
    QMutexLocker lock(&m_mutex);
    if (auto previous = m_runs.value(runId))
        previous->cancelled = true; // its followers stop; the new deployment follows afresh
    m_runs.insert(runId, context);
    return context;
}

QFuture<core::Result<void>> DockerRuntime::probe()
{
    return m_client->run<void>(
        [](DockerConnection &c, const DockerClient::CancelCheck &cancelled) -> core::Result<void> {
            auto info = c.daemonInfo(cancelled);
            if (!info)
                return core::fail(info.error());
            return {};
        });
}

QFuture<core::Result<void>> DockerRuntime::loadImages(const plan::RunPlan &plan)
{
    auto context = std::make_shared<RunContext>(plan.runId);
    auto job =
        m_client->run<void>([plan, context](DockerConnection &c, const DockerClient::CancelCheck &cancelled) {
            DeployJob deploy(c, cancelled, plan, context, {});
            return deploy.ensureImages();
        });
    track(QFuture<void>(job));
    return job;
}

QFuture<core::Result<runtime::Deployment>> DockerRuntime::deploy(const plan::RunPlan &plan)
{
    auto context = freshContext(plan.runId);
    DeployJob::Hooks hooks;
    const QString runId = plan.runId;
    hooks.status = [this, runId](const runtime::ServiceStatus &s) { postStatus(runId, s); };
    hooks.follow = [this, context](const plan::ServicePlan &s, const QString &id, bool tty, qint64) {
        follow(context, s, id, tty, 0);
    };
    auto job = m_client->run<runtime::Deployment>(
        [plan, context, hooks](DockerConnection &c, const DockerClient::CancelCheck &cancelled) {
            DeployJob deploy(
                c, [&cancelled, context] { return cancelled() || context->shouldStop(); }, plan, context,
                hooks);
            return deploy.deploy();
        });
    track(QFuture<void>(job));
    return job;
}

QFuture<core::Result<runtime::Deployment>> DockerRuntime::attach(const plan::RunPlan &plan,
                                                                 const runtime::Deployment &)
{
    auto context = freshContext(plan.runId);
    DeployJob::Hooks hooks;
    const QString runId = plan.runId;
    hooks.status = [this, runId](const runtime::ServiceStatus &s) { postStatus(runId, s); };
    hooks.follow = [this, context](const plan::ServicePlan &s, const QString &id, bool tty, qint64 since) {
        follow(context, s, id, tty, since);
    };
    auto job = m_client->run<runtime::Deployment>(
        [plan, context, hooks](DockerConnection &c, const DockerClient::CancelCheck &cancelled) {
            DeployJob deploy(
                c, [&cancelled, context] { return cancelled() || context->shouldStop(); }, plan, context,
                hooks);
            return deploy.attach();
        });
    track(QFuture<void>(job));
    return job;
}

void DockerRuntime::follow(const std::shared_ptr<RunContext> &context, const plan::ServicePlan &service,
                           const QString &containerId, bool tty, qint64 since)
{
    ApiRequest r = ApiRequest::get(QStringLiteral("/containers/%1/logs").arg(enc(containerId)));
    for (const char *key : {"follow", "stdout", "stderr"})
        r.query.addQueryItem(QLatin1String(key), QStringLiteral("1"));
    r.query.addQueryItem(QStringLiteral("timestamps"), QStringLiteral("0"));
    if (since > 0)
        r.query.addQueryItem(QStringLiteral("since"), QString::number(since));
    const QString serviceName = service.name;
    const bool oneShot = service.oneShot;
    auto job = m_client->run<bool>([this, context, r, serviceName, oneShot, containerId,
                                    tty](DockerConnection &c, const DockerClient::CancelCheck &cancelled) {
        const auto stop = [&cancelled, &context] { return cancelled() || context->shouldStop(); };
        const QString runId = context->runId;
        LogLineSplitter splitter(tty);
        auto inFlight = std::make_shared<std::atomic<qint64>>(0);
        qint64 dropped = 0;
        const auto emitLines = [&](QList<LogLineSplitter::Line> lines) {
            if (lines.isEmpty())
                return;
            qint64 bytes = 0;
            for (const LogLineSplitter::Line &l : lines)
                bytes += qint64(l.text.size()) * 2 + 64;
            if (inFlight->load() + bytes > MaxLogBytesInFlight) {
                dropped += lines.size();
                return;
            }
            if (dropped > 0) {
                lines.prepend({QStringLiteral("stderr"),
                               QStringLiteral("[RepoRunner dropped %1 lines: the service wrote faster than "
                                              "they could be kept]")
                                   .arg(std::exchange(dropped, 0))});
            }
            inFlight->fetch_add(bytes);
            // One queued call per chunk, not per line: a chatty service must not flood the queue.
            QMetaObject::invokeMethod(
                this,
                [this, runId, serviceName, lines, bytes, inFlight] {
                    for (const LogLineSplitter::Line &l : lines)
                        Q_EMIT logLine(runId, serviceName, l.stream, l.text);
                    inFlight->fetch_sub(bytes);
                },
                Qt::QueuedConnection);
        };
        c.call(r, stop, [&](const QByteArray &chunk) {
            emitLines(splitter.feed(chunk));
            return !stop();
        });
        emitLines(splitter.flush());
        if (stop())
            return core::Result<bool>(false);
        // The stream ended: the container stopped. Say why, and break the run if it was READY.
        auto inspected =
            c.callJson(ApiRequest::get(QStringLiteral("/containers/%1/json").arg(enc(containerId))), stop);
        if (!inspected || stop())
            return core::Result<bool>(false);
        const QJsonObject info = inspected->toObject();
        const QJsonObject state = info.value(QStringLiteral("State")).toObject();
        if (state.value(QStringLiteral("Running")).toBool())
            return core::Result<bool>(false);
        if (oneShot && state.value(QStringLiteral("ExitCode")).toInt() == 0 &&
            !state.value(QStringLiteral("OOMKilled")).toBool()) {
            postStatus(runId, {serviceName, QStringLiteral("completed"), 0, {}});
            return core::Result<bool>(true);
        }
        QUrlQuery tail;
        tail.addQueryItem(QStringLiteral("stdout"), QStringLiteral("1"));
        tail.addQueryItem(QStringLiteral("stderr"), QStringLiteral("1"));
        tail.addQueryItem(QStringLiteral("tail"), QString::number(Diagnosis::TailLines));
        QStringList lines;
        if (auto logs = c.call(
                ApiRequest::get(QStringLiteral("/containers/%1/logs").arg(enc(containerId)), tail), stop)) {
            docker::LogDemuxer demuxer(tty);
            lines = LogLineSplitter::lines(demuxer.feed(logs->body));
        }
        const core::Error error = Diagnosis::stopped(serviceName, info, lines);
        postStatus(runId, {serviceName, QStringLiteral("failed"), 0, error.message});
        if (context->ready && !oneShot && !context->brokenReported.exchange(true)) {
            qCWarning(lcDocker) << "run" << runId << "broke:" << error.message;
            QMetaObject::invokeMethod(
                this, [this, runId, error] { Q_EMIT runBroken(runId, error); }, Qt::QueuedConnection);
        }
        return core::Result<bool>(true);
    });
    track(QFuture<void>(job));
}

void DockerRuntime::cancel(const QString &runId)
{
    QMutexLocker lock(&m_mutex);
    if (auto context = m_runs.value(runId))
        context->cancelled = true;
}

QFuture<core::Result<void>> DockerRuntime::teardown(const QString &runId)
{
    {
        QMutexLocker lock(&m_mutex);
        if (auto context = m_runs.take(runId)) {
            context->stopping = true;
            context->cancelled = true;
        }
    }
    auto job = m_client->run<void>([runId](DockerConnection &c,
                                           const DockerClient::CancelCheck &cancelled) -> core::Result<void> {
        const QStringList labels{runFilter(runId)};
        QUrlQuery force;
        force.addQueryItem(QStringLiteral("force"), QStringLiteral("1"));
        force.addQueryItem(QStringLiteral("v"), QStringLiteral("1"));
        QStringList failures;
        for (int attempt = 0; attempt < 5; ++attempt) {
            auto left = listLabelled(c, cancelled, labels);
            if (!left)
                return core::fail(left.error());
            if (left->empty())
                return {};
            failures.clear();
            // Containers first: a network or volume in use cannot go.
            for (const QJsonValue &v : std::as_const(left->containers)) {
                const QString id = v.toObject().value(QStringLiteral("Id")).toString();
                if (auto gone = c.call(ApiRequest::del(QStringLiteral("/containers/%1").arg(enc(id)), force),
                                       cancelled);
                    !gone && gone.error().code != QLatin1String("docker.not_found"))
                    failures << gone.error().message;
            }
            for (const QJsonValue &v : std::as_const(left->networks)) {
                const QString id = v.toObject().value(QStringLiteral("Id")).toString();
                if (auto gone =
                        c.call(ApiRequest::del(QStringLiteral("/networks/%1").arg(enc(id))), cancelled);
                    !gone && gone.error().code != QLatin1String("docker.not_found"))
                    failures << gone.error().message;
            }
            for (const QJsonValue &v : std::as_const(left->volumes)) {
                const QString name = v.toObject().value(QStringLiteral("Name")).toString();
                if (auto gone =
                        c.call(ApiRequest::del(QStringLiteral("/volumes/%1").arg(enc(name))), cancelled);
                    !gone && gone.error().code != QLatin1String("docker.not_found"))
                    failures << gone.error().message;
            }
            if (cancelled())
                return core::fail(ErrorCategory::Cancelled, QStringLiteral("run.cancelled"),
                                  QStringLiteral("Stopping run %1 was interrupted.").arg(runId));
            if (attempt > 0)
                QThread::msleep(300);
        }
        core::Error e = core::makeError(
            ErrorCategory::Docker, QStringLiteral("run.teardown"),
            QStringLiteral("Some of run %1's containers, networks or volumes could not be removed")
                .arg(runId));
        e.details = failures.join(QLatin1Char('\n'));
        return core::fail(e);
    });
    track(QFuture<void>(job));
    return job;
}

QFuture<core::Result<QStringList>> DockerRuntime::liveRunIds()
{
    return m_client->run<QStringList>(
        [](DockerConnection &c, const DockerClient::CancelCheck &cancelled) -> core::Result<QStringList> {
            auto left =
                listLabelled(c, cancelled,
                             {QLatin1String(ContainerSpec::ManagedByLabel) + QStringLiteral("=reporunner"),
                              QLatin1String(ContainerSpec::RunIdLabel)});
            if (!left)
                return core::fail(left.error());
            QStringList ids;
            for (const QJsonArray *list : {&left->containers, &left->networks, &left->volumes})
                for (const QJsonValue &v : *list) {
                    const QString id = v.toObject()
                                           .value(QStringLiteral("Labels"))
                                           .toObject()
                                           .value(QLatin1String(ContainerSpec::RunIdLabel))
                                           .toString();
                    if (!id.isEmpty() && !ids.contains(id))
                        ids << id;
                }
            ids.sort();
            return ids;
        });
}

} // namespace rr::dockerruntime
