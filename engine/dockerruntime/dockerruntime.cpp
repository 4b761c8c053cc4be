#include "dockerruntime/dockerruntime.h"

#include "core/logging.h"
#include "core/promises.h"
#include "docker/dockerclient.h"
#include "dockerruntime/containerspec.h"
#include "dockerruntime/diagnosis.h"
#include "dockerruntime/dockerdriver.h"
#include "dockerruntime/dockerevents.h"
#include "dockerruntime/dockersetup.h"
#include "dockerruntime/loglinesplitter.h"
#include "dockerruntime/runisolation.h"
#include "runtime/loopbackaddresses.h"
#include "runtime/rollout.h"

#include <QJsonArray>

#include <QSet>
#include <QTimer>
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
    : DockerRuntime(client, DockerRuntimeOptions(), parent)
{}

DockerRuntime::DockerRuntime(docker::DockerClient *client, DockerRuntimeOptions options, QObject *parent)
    : runtime::Runtime(parent)
    , m_client(client)
    , m_options(options)
    , m_events(new DockerEvents(client, this))
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
    // Drivers end their event streams as they go (children of this object).
    for (const Active &a : std::as_const(m_active))
        if (a.driver)
            a.driver->stop();
    // Jobs emit this object's signals; none may outlive it.
    for (QFuture<void> &job : jobs)
        job.waitForFinished();
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
    auto job = m_client->run<void>([plan](DockerConnection &c, const DockerClient::CancelCheck &cancelled) {
        return DockerSetup(c, cancelled, plan).ensureImages();
    });
    track(QFuture<void>(job));
    return job;
}

QFuture<core::Result<runtime::Deployment>> DockerRuntime::deploy(const plan::RunPlan &plan)
{
    return start(owned(plan), false);
}

QFuture<core::Result<runtime::Deployment>> DockerRuntime::attach(const plan::RunPlan &plan,
                                                                 const runtime::Deployment &)
{
    return start(owned(plan), true);
}

// One DockerDriver and one Rollout per deployment; the rollout stays after READY to report
// crashes as runBroken until teardown.
QFuture<core::Result<runtime::Deployment>> DockerRuntime::start(const plan::RunPlan &plan, bool attach)
{
    dismiss(plan.runId);
    auto context = freshContext(plan.runId);
    auto *driver = new DockerDriver(m_client, plan, context, m_events, this);
    const auto options = runtime::RolloutOptions::from(m_options, ErrorCategory::Docker, attach);
    auto *rollout = new runtime::Rollout(plan, driver, options, driver);
    m_active.insert(plan.runId, Active{driver, rollout});

    DeployPromise promise = std::make_shared<QPromise<core::Result<runtime::Deployment>>>();
    promise->start();
    const QString runId = plan.runId;
    connect(driver, &DockerDriver::containerStarted, this,
            [this, context](const QString &service, const QString &id, bool tty, bool attached) {
                follow(context, service, id, tty, attached ? QDateTime::currentSecsSinceEpoch() : 0);
            });
    connect(driver, &runtime::RolloutDriver::logLine, this,
            [this, runId](const QString &service, const QString &stream, const QString &text) {
                Q_EMIT logLine(runId, service, stream, text);
            });
    connect(
        driver, &DockerDriver::portsChosen, this,
        [this, runId](const QList<runtime::Endpoint> &endpoints) { Q_EMIT portsChosen(runId, endpoints); });
    connect(rollout, &runtime::Rollout::serviceStatusChanged, this,
            [this, runId](const runtime::ServiceStatus &s) { Q_EMIT serviceStatusChanged(runId, s); });
    connect(rollout, &runtime::Rollout::broken, this, [this, runId](const core::Error &e) {
        qCWarning(lcDocker) << "run" << runId << "broke:" << e.message;
        Q_EMIT runBroken(runId, e);
    });
    connect(rollout, &runtime::Rollout::ready, this,
            [promise, driver, runId](const QList<runtime::Endpoint> &endpoints) {
                promise->addResult(core::Result<runtime::Deployment>(
                    runtime::Deployment{runId, endpoints, driver->details()}));
                promise->finish();
            });
    connect(rollout, &runtime::Rollout::failed, this, [this, promise, runId, driver](const core::Error &e) {
        promise->addResult(core::Result<runtime::Deployment>(core::Unexpected(e)));
        promise->finish();
        if (m_active.value(runId).driver == driver)
            m_active.remove(runId);
        driver->deleteLater();
    });
    rollout->start();
    return promise->future();
}

// Ends the rollout of a run (an earlier deployment being replaced, or teardown).
void DockerRuntime::dismiss(const QString &runId)
{
    const Active a = m_active.take(runId);
    if (a.rollout)
        a.rollout->cancel();
    if (a.driver) {
        a.driver->stop();
        a.driver->deleteLater();
    }
}

void DockerRuntime::follow(const std::shared_ptr<RunContext> &context, const QString &serviceName,
                           const QString &containerId, bool tty, qint64 since)
{
    ApiRequest r =
        ApiRequest::get(QStringLiteral("/containers/%1/logs").arg(ApiRequest::pathSegment(containerId)));
    for (const char *key : {"follow", "stdout", "stderr"})
        r.query.addQueryItem(QLatin1String(key), QStringLiteral("1"));
    r.query.addQueryItem(QStringLiteral("timestamps"), QStringLiteral("0"));
    if (since > 0)
        r.query.addQueryItem(QStringLiteral("since"), QString::number(since));
    auto job = m_client->run<bool>([this, context, r, serviceName,
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
        return core::Result<bool>(true);
    });
    track(QFuture<void>(job));
}

void DockerRuntime::cancel(const QString &runId)
{
    {
        QMutexLocker lock(&m_mutex);
        if (auto context = m_runs.value(runId))
            context->cancelled = true;
    }
    if (const Active a = m_active.value(runId); a.rollout && !a.rollout->isReady())
        a.rollout->cancel();
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
    dismiss(runId);
    runtime::LoopbackAddresses::release(previewKey(runId));
    auto promise = std::make_shared<QPromise<core::Result<void>>>();
    promise->start();
    removeAttempt(runId, 0, promise);
    return promise->future();
}

// One pass over what is left of the run; a container that was still stopping can hold its
// network or volume for a moment, so a pass that left something is retried a little later.
void DockerRuntime::removeAttempt(const QString &runId, int attempt,
                                  const std::shared_ptr<QPromise<core::Result<void>>> &promise)
{
    constexpr int Attempts = 5;
    constexpr int RetryMs = 300;
    struct Pass
    {
        bool clean = false;
        QStringList failures;
    };
    const QString owner = this->owner();
    auto job = m_client->run<Pass>([runId,
                                    owner](DockerConnection &c,
                                           const DockerClient::CancelCheck &cancelled) -> core::Result<Pass> {
        const QStringList labels{runFilter(runId)};
        QUrlQuery force;
        force.addQueryItem(QStringLiteral("force"), QStringLiteral("1"));
        force.addQueryItem(QStringLiteral("v"), QStringLiteral("1"));
        auto left = listLabelled(c, cancelled, labels);
        if (!left)
            return core::fail(left.error());
        Pass pass;
        if (left->empty()) {
            // The firewall goes last: while a container of the run exists, its rules stay.
            if (auto open = RunIsolation(owner, ContainerSpec::runLabel(runId)).remove(); !open)
                return core::fail(open.error());
            pass.clean = true;
            return pass;
        }
        // Containers first: a network or volume in use cannot go.
        for (const QJsonValue &v : std::as_const(left->containers)) {
            const QString id = v.toObject().value(QStringLiteral("Id")).toString();
            if (auto gone = c.call(
                    ApiRequest::del(QStringLiteral("/containers/%1").arg(ApiRequest::pathSegment(id)), force),
                    cancelled);
                !gone && gone.error().code != QLatin1String("docker.not_found"))
                pass.failures << gone.error().message;
        }
        for (const QJsonValue &v : std::as_const(left->networks)) {
            const QString id = v.toObject().value(QStringLiteral("Id")).toString();
            if (auto gone =
                    c.call(ApiRequest::del(QStringLiteral("/networks/%1").arg(ApiRequest::pathSegment(id))),
                           cancelled);
                !gone && gone.error().code != QLatin1String("docker.not_found"))
                pass.failures << gone.error().message;
        }
        for (const QJsonValue &v : std::as_const(left->volumes)) {
            const QString name = v.toObject().value(QStringLiteral("Name")).toString();
            if (auto gone =
                    c.call(ApiRequest::del(QStringLiteral("/volumes/%1").arg(ApiRequest::pathSegment(name))),
                           cancelled);
                !gone && gone.error().code != QLatin1String("docker.not_found"))
                pass.failures << gone.error().message;
        }
        if (cancelled())
            return core::fail(ErrorCategory::Cancelled, QStringLiteral("run.cancelled"),
                              QStringLiteral("Stopping run %1 was interrupted.").arg(runId));
        return pass;
    });
    track(QFuture<void>(job));
    core::promises::whenFinished(this, job, [this, runId, attempt, promise](const core::Result<Pass> &pass) {
        if (!pass || pass->clean) {
            promise->addResult(pass ? core::Result<void>()
                                    : core::Result<void>(core::Unexpected(pass.error())));
            promise->finish();
            return;
        }
        if (attempt + 1 < Attempts) {
            QTimer::singleShot(attempt == 0 ? 0 : RetryMs, this, [this, runId, attempt, promise] {
                removeAttempt(runId, attempt + 1, promise);
            });
            return;
        }
        core::Error e = core::makeError(
            ErrorCategory::Docker, QStringLiteral("run.teardown"),
            QStringLiteral("Some of run %1's containers, networks or volumes could not be removed")
                .arg(runId));
        e.details = pass->failures.join(QLatin1Char('\n'));
        promise->addResult(core::Result<void>(core::Unexpected(e)));
        promise->finish();
    });
}

QFuture<core::Result<QStringList>> DockerRuntime::liveRunIds()
{
    QStringList filters{QLatin1String(ContainerSpec::ManagedByLabel) + QStringLiteral("=reporunner"),
                        QLatin1String(ContainerSpec::RunIdLabel)};
    if (!owner().isEmpty())
        filters << QLatin1String(EngineLabel) + QLatin1Char('=') + owner();
    const QString owner = this->owner();
    return m_client->run<QStringList>(
        [filters, owner](DockerConnection &c,
                         const DockerClient::CancelCheck &cancelled) -> core::Result<QStringList> {
            auto left = listLabelled(c, cancelled, filters);
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
            // A run whose containers and network are gone may still have firewall rules (a
            // crash during teardown): it is live until they are removed too.
            // Where the engine cannot read iptables it never made rules either (runs fail without
            // them), so the containers alone tell.
            if (auto guarded = RunIsolation::runLabels(owner); guarded) {
                for (const QString &id : std::as_const(*guarded))
                    if (!ids.contains(id))
                        ids << id;
            } else {
                qCInfo(lcDocker) << "no firewall rules to reconcile:" << guarded.error().message;
            }
            ids.sort();
            return ids;
        });
}

} // namespace rr::dockerruntime
