#include "runs/run.h"

#include "core/linebuffer.h"
#include "runs/bakedimage.h"

#include "core/logging.h"
#include "core/names.h"
#include "core/promises.h"
#include "docker/imagebuilder.h"
#include "runs/bakedimage.h"
#include "runs/buildqueue.h"
#include "runs/runjson.h"
#include "runs/runstore.h"
#include "runtime/runtime.h"
#include "source/fetcher.h"

#include <QJsonArray>
#include <QThreadPool>
#include <QTimer>

#include <utility>

namespace rr::runs {

namespace {

using core::ErrorCategory;

constexpr int TailLines = 200;
constexpr int DiagnosisLines = 20;
// A failure's evidence is read in a list, a notification and every client's `list`: short.
constexpr qsizetype DiagnosisLineChars = 1024;
constexpr qsizetype DiagnosisSummaryChars = 4096;
constexpr int StopGuardMs = 20000;

QString modeName(project::ProjectMode mode)
{
    return mode == project::ProjectMode::Compose ? QStringLiteral("compose") : QStringLiteral("dockerfile");
}

QJsonObject endpointJson(const runtime::Endpoint &e)
{
    return QJsonObject{
        {QStringLiteral("service"), e.service},     {QStringLiteral("containerPort"), e.containerPort},
        {QStringLiteral("protocol"), e.protocol},   {QStringLiteral("host"), e.host},
        {QStringLiteral("localPort"), e.localPort}, {QStringLiteral("url"), e.url},
        {QStringLiteral("primary"), e.primary}};
}

runtime::Endpoint endpointFromJson(const QJsonObject &o)
{
    runtime::Endpoint e;
    e.service = o.value(QStringLiteral("service")).toString();
    e.containerPort = o.value(QStringLiteral("containerPort")).toInt();
    e.protocol = o.value(QStringLiteral("protocol")).toString();
    e.host = o.value(QStringLiteral("host")).toString(QStringLiteral("127.0.0.1"));
    e.localPort = o.value(QStringLiteral("localPort")).toInt();
    e.url = o.value(QStringLiteral("url")).toString();
    e.primary = o.value(QStringLiteral("primary")).toBool();
    return e;
}

// "reporunner/o-r-web:abc-123" -> "reporunner/o-r-web" (a registry port has no '/' after it).
QString repositoryOf(const QString &image)
{
    const qsizetype colon = image.lastIndexOf(QLatin1Char(':'));
    return colon > image.lastIndexOf(QLatin1Char('/')) ? image.left(colon) : image;
}

} // namespace

Run::Run(RunRecord record, source::SourceSpec spec, QString wantedRuntime, const RunServices &services,
         QObject *parent)
    : QObject(parent)
    , m_record(std::move(record))
    , m_spec(std::move(spec))
    , m_wantedRuntime(std::move(wantedRuntime))
    , m_services(services)
{
    if (!m_record.runtime.isEmpty() && m_services.runtimeByName)
        m_runtime = m_services.runtimeByName(m_record.runtime);
}

Run::~Run()
{
    if (m_services.store && !m_pendingLogs.isEmpty()) // no signals from a dying run
        m_services.store->appendLogs(m_pendingLogs);
    if (m_services.builds)
        m_services.builds->release(m_record.id);
}

void Run::save()
{
    flushLogs();
    m_record.updatedAt = QDateTime::currentDateTimeUtc();
    if (m_services.store)
        m_services.store->saveRun(m_record);
    Q_EMIT updated(m_record);
}

void Run::enterPhase(RunState state)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    if (!m_record.phases.isEmpty() && !m_record.phases.last().finishedAt.isValid()) {
        m_record.phases.last().finishedAt = now;
        if (state != RunState::Failed && state != RunState::Stopping)
            m_record.phases.last().progress = 1;
    }
    m_record.state = state;
    // Terminal states are moments, not phases: they get a record without a duration.
    PhaseRecord phase{state, now, isTerminal(state) ? now : QDateTime(), 0};
    m_record.phases.append(phase);
    qCInfo(lcRuns) << "run" << m_record.id << "->" << stateName(state);
    log(QString(), QStringLiteral("event"), stateName(state));
    save();
}

void Run::setProgress(double progress)
{
    if (m_record.phases.isEmpty())
        return;
    m_record.phases.last().progress = qBound(0.0, progress, 1.0);
    save();
}

void Run::log(const QString &service, const QString &stream, const QString &text)
{
    LogLine line;
    line.runId = m_record.id;
    line.service =
        service.isNull() ? QStringLiteral("") : service; // the store wants "" for the run's own log
    line.time = QDateTime::currentDateTimeUtc();
    line.stream = stream;
    // Runtimes cut lines as they read them; this is the one place every line passes.
    line.text = core::LineBuffer::cut(text, core::kMaxLogLineBytes);
    // Lines are handed on once per event-loop turn: one store write and one signal for a
    // burst of output instead of one per line.
    if (m_pendingLogs.isEmpty())
        QMetaObject::invokeMethod(this, &Run::flushLogs, Qt::QueuedConnection);
    m_pendingLogs.append(line);
    if (stream != QLatin1String("event")) {
        m_tail.append(core::LineBuffer::cut(
            service.isEmpty() ? text : QStringLiteral("[%1] %2").arg(service, text), DiagnosisLineChars));
        if (m_tail.size() > TailLines)
            m_tail.removeFirst();
    }
}

void Run::flushLogs()
{
    if (m_pendingLogs.isEmpty())
        return;
    const QList<LogLine> lines = std::exchange(m_pendingLogs, {});
    if (m_services.store)
        m_services.store->appendLogs(lines);
    Q_EMIT logLines(m_record.id, lines);
}

void Run::onRuntimeLog(const QString &service, const QString &stream, const QString &text)
{
    log(service, stream, text);
}

void Run::onServiceStatus(const runtime::ServiceStatus &status)
{
    QJsonArray services = m_record.details.value(QStringLiteral("services")).toArray();
    const QJsonObject entry{{QStringLiteral("service"), status.service},
                            {QStringLiteral("state"), runtime::serviceStateName(status.state)},
                            {QStringLiteral("restarts"), status.restarts},
                            {QStringLiteral("detail"), status.detail}};
    bool replaced = false;
    for (qsizetype i = 0; i < services.size(); ++i) {
        if (services.at(i).toObject().value(QStringLiteral("service")).toString() == status.service) {
            services.replace(i, entry);
            replaced = true;
        }
    }
    if (!replaced)
        services.append(entry);
    m_record.details.insert(QStringLiteral("services"), services);
    save();
}

void Run::onBroken(const core::Error &error)
{
    if (m_record.state == RunState::Ready)
        fail(error);
}

template<class T, class Next> void Run::step(QFuture<core::Result<T>> future, Next next)
{
    m_busy = true;
    core::promises::whenFinished(this, future, [this, next = std::move(next)](const core::Result<T> &result) {
        m_busy = false;
        if (m_stopRequested)
            return finishStop();
        if (isTerminal(m_record.state))
            return;
        if (!result)
            return fail(result.error());
        if constexpr (std::is_void_v<T>)
            next();
        else
            next(*result);
    });
}

void Run::start()
{
    save();
    log(QString(), QStringLiteral("event"), QStringLiteral("QUEUED"));
    step(m_services.resolveRuntime(m_wantedRuntime), [this](runtime::Runtime *chosen) {
        m_runtime = chosen;
        m_record.runtime = chosen->name();
        fetch();
    });
}

void Run::fetch()
{
    enterPhase(RunState::Fetching);
    m_fetch = m_services.fetcher->fetch(m_spec, m_services.fetchOptions);
    step(m_fetch, [this](const source::Checkout &checkout) { plan(checkout); });
}

void Run::plan(const source::Checkout &checkout)
{
    m_record.commit = checkout.commit;
    m_record.ref = checkout.ref.isEmpty() ? checkout.spec.ref : checkout.ref;
    m_record.details.insert(QStringLiteral("checkout"),
                            QJsonObject{{QStringLiteral("projectDir"), checkout.projectDir},
                                        {QStringLiteral("worktree"), checkout.worktree},
                                        {QStringLiteral("commit"), checkout.commit},
                                        {QStringLiteral("ref"), checkout.ref}});
    PlanRequest request = RunJson::toRequest(m_record.request);
    request.runId = m_record.id;
    request.quota = RunJson::toQuota(m_record.request.value(QStringLiteral("quota")));
    step(core::promises::onPool(QThreadPool::globalInstance(),
                                [checkout, request] { return PlanBuilder::build(checkout, request); }),
         [this](const PreparedPlan &prepared) {
             if (prepared.plan.report.hasRefusals())
                 return failWith(QStringLiteral("run.refused"),
                                 QStringLiteral("The sandbox refuses this project as it stands; see the "
                                                "translation report (reporunner plan)."));
             m_prepared = prepared;
             m_record.mode = modeName(prepared.mode);
             build();
         });
}

void Run::build()
{
    enterPhase(RunState::Building);
    m_buildsTotal = 0;
    for (const plan::ServicePlan &s : std::as_const(m_prepared->plan.services))
        m_buildsTotal += (s.build ? 1 : 0) + int(s.baked.size());
    if (m_buildsTotal == 0)
        return load();
    if (!m_services.docker)
        return failWith(QStringLiteral("run.no_docker"),
                        QStringLiteral("This project builds images, but no Docker daemon is configured."));
    log(QString(), QStringLiteral("event"), QStringLiteral("waiting for a build slot"));
    m_services.builds->acquire(m_record.id, [self = QPointer<Run>(this)] {
        // Started from the queue, possibly inside another run's release(): defer.
        QMetaObject::invokeMethod(
            self.data(),
            [self] {
                if (self && !self->m_stopRequested && self->m_record.state == RunState::Building)
                    self->buildNext(0);
            },
            Qt::QueuedConnection);
    });
}

void Run::buildNext(int index)
{
    QList<plan::ServicePlan> &services = m_prepared->plan.services;
    while (index < services.size() && !services.at(index).build)
        ++index;
    if (index >= services.size())
        return bakeNext(0, 0);
    const plan::ServicePlan &service = services.at(index);
    const plan::PlanBuild &pb = *service.build;
    docker::BuildRequest request;
    request.contextDir = pb.contextDir;
    request.dockerfile = pb.dockerfile;
    request.dockerfileInline = pb.dockerfileInline;
    request.buildArgs = pb.args;
    request.target = pb.target;
    request.repository = repositoryOf(service.image);
    request.commit = m_prepared->plan.commit;
    request.repoLabel = core::names::toDnsLabel(m_record.owner + QLatin1Char('-') + m_record.repo);
    m_buildingService = service.name;
    log(QString(), QStringLiteral("event"), QStringLiteral("building %1").arg(service.name));
    buildImage(index, request, [this, index] { buildNext(index + 1); });
}

// Repository paths too large for a ConfigMap, copied into each service's image in turn.
void Run::bakeNext(int index, int path)
{
    QList<plan::ServicePlan> &services = m_prepared->plan.services;
    while (index < services.size() && path >= services.at(index).baked.size()) {
        ++index;
        path = 0;
    }
    if (index >= services.size()) {
        m_services.builds->release(m_record.id);
        return load();
    }
    const plan::ServicePlan &service = services.at(index);
    const plan::PlanBakedPath &baked = service.baked.at(path);
    m_buildingService = service.name;
    log(QString(), QStringLiteral("event"),
        QStringLiteral("copying %1 into %2's image at %3").arg(baked.source, service.name, baked.target));
    buildImage(index, BakedImage::request(service, baked, service.image, m_record.owner, m_record.repo),
               [this, index, path] { bakeNext(index, path + 1); });
}

void Run::buildImage(int index, const docker::BuildRequest &request, std::function<void()> next)
{
    if (!m_builder) {
        m_builder = new docker::ImageBuilder(m_services.docker, this);
        connect(m_builder, &docker::ImageBuilder::stepStarted, this, [this](const docker::BuildStep &s) {
            log(QString(), QStringLiteral("build"), s.name);
            // The step a client shows beside the build's progress bar.
            m_record.details.insert(QStringLiteral("buildStep"),
                                    QJsonObject{{QStringLiteral("service"), m_buildingService},
                                                {QStringLiteral("step"), s.name},
                                                {QStringLiteral("index"), s.index},
                                                {QStringLiteral("total"), s.total},
                                                {QStringLiteral("cached"), s.cached}});
            if (s.total > 0)
                setProgress((m_buildsDone + double(s.index) / s.total) / qMax(1, m_buildsTotal));
            else
                save();
        });
        connect(
            m_builder, &docker::ImageBuilder::logLine, this,
            [this](const QString &, const QString &line) { log(QString(), QStringLiteral("build"), line); });
    }
    // The engine that built an image is the one whose retention may remove it.
    docker::BuildRequest labelled = request;
    labelled.labels.insert(QString::fromLatin1(runtime::Runtime::EngineLabel), m_services.store->engineId());
    step(m_builder->build(labelled), [this, index, next](const docker::BuildResult &result) {
        plan::ServicePlan &built = m_prepared->plan.services[index];
        built.image = result.reference;
        QJsonObject images = m_record.details.value(QStringLiteral("images")).toObject();
        images.insert(built.name, result.reference);
        m_record.details.insert(QStringLiteral("images"), images);
        log(QString(), QStringLiteral("event"),
            QStringLiteral("%1 %2").arg(result.skipped ? QStringLiteral("reused") : QStringLiteral("built"),
                                        result.reference));
        ++m_buildsDone;
        setProgress(double(m_buildsDone) / qMax(1, m_buildsTotal));
        next();
    });
}

void Run::load()
{
    m_touchedRuntime = true;
    enterPhase(RunState::Loading);
    step(m_runtime->loadImages(m_prepared->plan), [this] { deploy(); });
}

void Run::deploy()
{
    enterPhase(RunState::Deploying);
    step(m_runtime->deploy(m_prepared->plan),
         [this](const runtime::Deployment &deployment) { ready(deployment); });
}

void Run::storeDeployment(const runtime::Deployment &deployment)
{
    QJsonArray endpoints;
    for (const runtime::Endpoint &e : deployment.endpoints)
        endpoints.append(endpointJson(e));
    m_record.details.insert(QStringLiteral("endpoints"), endpoints);
    m_record.details.insert(QStringLiteral("deployment"), deployment.details);
    if (m_prepared)
        m_record.details.insert(QStringLiteral("namespace"), m_prepared->plan.namespaceName);
}

void Run::ready(const runtime::Deployment &deployment)
{
    storeDeployment(deployment);
    enterPhase(RunState::Ready);
    for (const runtime::Endpoint &e : deployment.endpoints)
        log(QString(), QStringLiteral("event"), QStringLiteral("preview %1: %2").arg(e.service, e.url));
}

void Run::failWith(const QString &code, const QString &summary)
{
    fail(core::makeError(ErrorCategory::Plan, code, summary));
}

void Run::fail(const core::Error &error)
{
    if (isTerminal(m_record.state) || m_stopRequested)
        return;
    const RunState failedIn = m_record.state;
    Diagnosis diagnosis;
    diagnosis.phase = stateName(failedIn);
    diagnosis.code = error.code;
    diagnosis.summary = core::LineBuffer::cut(error.message, DiagnosisSummaryChars);
    diagnosis.lastLines = m_tail.mid(qMax(0, int(m_tail.size()) - DiagnosisLines));
    m_record.diagnosis = diagnosis;
    log(QString(), QStringLiteral("event"),
        QStringLiteral("failed in %1: %2").arg(stateName(failedIn), error.message));
    if (m_services.builds)
        m_services.builds->release(m_record.id);
    if (m_builder)
        m_builder->cancel();
    const bool keep = m_touchedRuntime && m_runtime && RunJson::toRequest(m_record.request).keepOnFailure;
    if (keep) {
        m_record.details.insert(QStringLiteral("kept"), true);
        log(QString(), QStringLiteral("event"),
            QStringLiteral("kept its %1 resources for inspection; `reporunner stop %2` removes them")
                .arg(m_runtime->name(), m_record.id));
    }
    enterPhase(RunState::Failed);
    Q_EMIT failed(m_record.id, error);
    if (keep)
        return; // stays active until stop() releases what it kept
    // A failed run keeps its history (logs, each service's last state, the diagnosis) but not its
    // containers or namespace.
    teardownThen([this] { Q_EMIT finished(m_record.id); });
}

bool Run::isKept(const RunRecord &record)
{
    return record.state == RunState::Failed && record.details.value(QStringLiteral("kept")).toBool();
}

// Stop of a failed run that kept its resources: remove them; the run stays FAILED.
void Run::releaseKept()
{
    m_touchedRuntime = true;
    teardownThen([this] {
        m_record.details.remove(QStringLiteral("kept"));
        log(QString(), QStringLiteral("event"), QStringLiteral("removed the resources kept for inspection"));
        save();
        Q_EMIT finished(m_record.id);
    });
}

void Run::teardownThen(std::function<void()> then)
{
    m_finishing = true;
    if (!m_runtime || !m_touchedRuntime) {
        QMetaObject::invokeMethod(this, std::move(then), Qt::QueuedConnection);
        return;
    }
    core::promises::whenFinished(
        this, m_runtime->teardown(m_record.id), [this, then](const core::Result<void> &result) {
            if (!result) {
                qCWarning(lcRuns) << "teardown of" << m_record.id << "failed:" << result.error().message;
                log(QString(), QStringLiteral("event"),
                    QStringLiteral("teardown failed: %1").arg(result.error().message));
            }
            then();
        });
}

void Run::stop()
{
    if (keptForInspection() && !m_finishing)
        return releaseKept();
    if (isTerminal(m_record.state) || m_stopRequested)
        return;
    m_stopRequested = true;
    enterPhase(RunState::Stopping);
    if (m_services.builds)
        m_services.builds->release(m_record.id);
    if (m_fetch.isRunning()) {
        // The fetcher drops a cancelled future's continuation: nothing to wait for.
        m_fetch.cancel();
        m_busy = false;
    }
    if (m_builder)
        m_builder->cancel();
    if (m_runtime)
        m_runtime->cancel(m_record.id);
    if (!m_busy)
        return finishStop();
    // A step that ignores its cancellation must not keep the run STOPPING forever.
    m_stopGuard = new QTimer(this);
    m_stopGuard->setSingleShot(true);
    connect(m_stopGuard, &QTimer::timeout, this, [this] {
        qCWarning(lcRuns) << "run" << m_record.id << "did not cancel in time; tearing down anyway";
        finishStop();
    });
    m_stopGuard->start(StopGuardMs);
}

void Run::finishStop()
{
    if (m_finishing)
        return;
    if (m_stopGuard)
        m_stopGuard->stop();
    teardownThen([this] {
        enterPhase(RunState::Stopped);
        Q_EMIT finished(m_record.id);
    });
}

core::Result<PreparedPlan> Run::replan() const
{
    const QJsonObject c = m_record.details.value(QStringLiteral("checkout")).toObject();
    source::Checkout checkout;
    checkout.projectDir = c.value(QStringLiteral("projectDir")).toString();
    checkout.worktree = c.value(QStringLiteral("worktree")).toString();
    checkout.commit = c.value(QStringLiteral("commit")).toString();
    checkout.ref = c.value(QStringLiteral("ref")).toString();
    checkout.spec = m_spec;
    PlanRequest request = RunJson::toRequest(m_record.request);
    request.runId = m_record.id;
    request.quota = RunJson::toQuota(m_record.request.value(QStringLiteral("quota")));
    auto prepared = PlanBuilder::build(checkout, request);
    if (!prepared)
        return prepared;
    const QJsonObject images = m_record.details.value(QStringLiteral("images")).toObject();
    for (plan::ServicePlan &s : prepared->plan.services)
        if (images.contains(s.name))
            s.image = images.value(s.name).toString();
    return prepared;
}

void Run::reattach()
{
    m_touchedRuntime = true;
    if (!m_runtime)
        return failWith(
            QStringLiteral("run.runtime_unavailable"),
            QStringLiteral("The %1 runtime this run used is not available any more.").arg(m_record.runtime));
    auto prepared = replan();
    plan::RunPlan plan;
    if (prepared) {
        m_prepared = *prepared;
        plan = prepared->plan;
    } else {
        // The checkout is gone; the runtime finds the resources by their labels anyway.
        plan.runId = m_record.id;
        plan.owner = m_record.owner;
        plan.repo = m_record.repo;
        plan.commit = m_record.commit;
        plan.namespaceName = m_record.details.value(QStringLiteral("namespace")).toString();
        plan.labels = {{QStringLiteral("app.kubernetes.io/managed-by"), QStringLiteral("reporunner")},
                       {QStringLiteral("reporunner.dev/run-id"), m_record.id}};
    }
    runtime::Deployment previous;
    previous.runId = m_record.id;
    previous.details = m_record.details.value(QStringLiteral("deployment")).toObject();
    for (const QJsonValue &v : m_record.details.value(QStringLiteral("endpoints")).toArray())
        previous.endpoints.append(endpointFromJson(v.toObject()));
    m_busy = true;
    core::promises::whenFinished(
        this, m_runtime->attach(plan, previous), [this](const core::Result<runtime::Deployment> &result) {
            m_busy = false;
            if (m_stopRequested)
                return finishStop();
            if (result) {
                storeDeployment(*result);
                log(QString(), QStringLiteral("event"), QStringLiteral("re-attached after a restart"));
                save();
                return;
            }
            if (result.error().code == QLatin1String("run.vanished"))
                return failWith(
                    QStringLiteral("run.vanished"),
                    QStringLiteral("The run's resources vanished while RepoRunner was not running."));
            fail(result.error());
        });
}

void Run::resumeStop()
{
    m_touchedRuntime = true;
    m_stopRequested = true;
    finishStop();
}

void Run::markInterrupted()
{
    m_touchedRuntime = true; // it may have created resources before the engine died
    failWith(QStringLiteral("run.interrupted"),
             QStringLiteral("RepoRunner stopped while this run was %1; start it again.")
                 .arg(stateName(m_record.state)));
}

} // namespace rr::runs
