#include "control/runcontrolhandler.h"

#include "control/remotedetector.h"
#include "control/remoteplanner.h"
#include "control/tokencontrol.h"
#include "core/promises.h"
#include "ipc/controlserver.h"
#include "ipc/protocol.h"
#include "kuberender/kuberenderer.h"
#include "project/detector.h"
#include "runs/orchestrator.h"
#include "runs/planbuilder.h"
#include "runs/runjson.h"
#include "runs/runstore.h"
#include "source/fetcher.h"
#include "source/sourcespecparser.h"

#include <QCoreApplication>
#include <QDir>
#include <QJsonArray>

namespace rr::control {

using runs::LogLine;
using runs::Orchestrator;
using runs::OrchestratorSettings;
using runs::PlanBuilder;
using runs::PlanRequest;
using runs::RunJson;
using runs::RunRecord;
using runs::RunState;
using runs::RunStore;
using runs::StartOptions;

namespace {

using core::ErrorCategory;
using ipc::HandlerResult;

HandlerResult notFound(const QString &runId)
{
    return core::fail(ErrorCategory::Input, QStringLiteral("run.not_found"),
                      QStringLiteral("There is no run \"%1\".").arg(runId));
}

core::Result<source::SourceSpec> specFrom(const QJsonObject &params)
{
    auto spec = source::SourceSpecParser::parse(params.value(QStringLiteral("source")).toString());
    if (!spec)
        return spec;
    const QString ref = params.value(QStringLiteral("ref")).toString();
    const QString path = params.value(QStringLiteral("path")).toString();
    if (!ref.isEmpty()) {
        spec->ref = ref;
        spec->refPath.clear();
    }
    if (!path.isEmpty())
        spec->subdir = path;
    return spec;
}

QJsonObject detectionJson(const project::Detection &d)
{
    QJsonArray dockerfiles;
    for (const auto &c : d.dockerfiles)
        dockerfiles.append(QJsonObject{{QStringLiteral("dockerfile"), c.dockerfile},
                                       {QStringLiteral("context"), c.context}});
    return QJsonObject{{QStringLiteral("compose"), d.hasCompose()},
                       {QStringLiteral("dockerfile"), d.hasDockerfile()},
                       {QStringLiteral("composeFiles"), QJsonArray::fromStringList(d.composeFiles)},
                       {QStringLiteral("dockerfiles"), dockerfiles},
                       {QStringLiteral("services"), QJsonArray::fromStringList(d.composeServices)},
                       {QStringLiteral("defaultMode"), d.defaultMode() == project::ProjectMode::Compose
                                                           ? QStringLiteral("compose")
                                                           : QStringLiteral("dockerfile")}};
}

StartOptions startOptionsFrom(const QJsonObject &params)
{
    const QJsonObject options = params.value(QStringLiteral("options")).toObject();
    StartOptions start;
    start.request = RunJson::toRequest(options);
    start.request.source = params.value(QStringLiteral("source")).toString();
    start.ref = params.value(QStringLiteral("ref")).toString();
    start.path = params.value(QStringLiteral("path")).toString();
    start.runtime = options.value(QStringLiteral("runtime")).toString();
    start.idempotencyKey = options.value(QStringLiteral("idempotencyKey")).toString();
    start.replace = options.value(QStringLiteral("replace")).toBool();
    return start;
}

} // namespace

RunControlHandler::RunControlHandler(Orchestrator *orchestrator, source::Fetcher *fetcher, QObject *parent)
    : QObject(parent)
    , m_orchestrator(orchestrator)
    , m_fetcher(fetcher)
    , m_remote(new RemoteDetector(fetcher, this))
    , m_planner(new RemotePlanner(m_remote, fetcher, this))
{
    connect(m_orchestrator, &Orchestrator::runUpdated, this, [this](const RunRecord &run) {
        if (m_server)
            m_server->publish(ipc::event::RunUpdated,
                              QJsonObject{{QStringLiteral("run"), RunJson::fromRecord(run)}}, run.id);
    });
    connect(m_orchestrator, &Orchestrator::logLines, this,
            [this](const QString &runId, const QList<LogLine> &lines) {
                if (m_server)
                    m_server->publishLogLines(runId, RunJson::fromLogLines(lines));
            });
}

QFuture<ipc::HandlerResult> RunControlHandler::handle(const QString &method, const QJsonObject &params)
{
    const QString runId = params.value(QStringLiteral("runId")).toString();
    if (method == ipc::method::Hello)
        return ready(
            QJsonObject{{QStringLiteral("server"), QStringLiteral("reporunner")},
                        {QStringLiteral("version"), QCoreApplication::applicationVersion()},
                        {QStringLiteral("protocol"), ipc::kProtocolVersion},
                        {QStringLiteral("methods"), QJsonArray::fromStringList(ipc::knownMethods())}});
    if (method == ipc::method::Detect)
        return detect(params);
    if (method == ipc::method::Plan)
        return plan(params);
    if (method == ipc::method::Start)
        return start(params);
    if (method == ipc::method::Stop)
        return stop(params);
    if (method == ipc::method::List) {
        QJsonArray runs;
        for (const RunRecord &r : m_orchestrator->runs())
            runs.append(RunJson::fromRecord(r));
        return ready(QJsonObject{{QStringLiteral("runs"), runs}});
    }
    if (method == ipc::method::Get) {
        const auto run = m_orchestrator->run(runId);
        return ready(run ? HandlerResult(QJsonObject{{QStringLiteral("run"), RunJson::fromRecord(*run)}})
                         : notFound(runId));
    }
    if (method == ipc::method::Logs)
        return logs(params);
    if (method == ipc::method::OpenPreview)
        return ready(openPreview(params));
    if (method == ipc::method::Remove)
        return ready(remove(params));
    if (method == ipc::method::Prune)
        return prune(params);
    if (method == ipc::method::Settings)
        return ready(settings(params));
    if (TokenControl::handles(method)) {
        if (!m_tokens)
            setTokenStore(nullptr);
        return m_tokens->handle(method, params);
    }
    return ready(core::fail(ErrorCategory::Input, ipc::code::UnknownMethod,
                            QStringLiteral("The engine does not handle \"%1\".").arg(method)));
}

QFuture<ipc::HandlerResult> RunControlHandler::detect(const QJsonObject &params)
{
    auto spec = specFrom(params);
    if (!spec)
        return ready(core::Unexpected(spec.error()));
    if (spec->isLocal()) {
        auto detection = project::Detector::detectFolder(QDir(spec->localPath).filePath(spec->subdir));
        return ready(detection ? HandlerResult(detectionJson(*detection))
                               : core::Unexpected(detection.error()));
    }
    // Before any click: GitHub's file list, never a clone (RemoteDetector).
    return core::promises::continueOn(this, m_remote->detect(*spec),
                                      [](const core::Result<RemoteDetection> &found) -> HandlerResult {
                                          if (!found)
                                              return core::Unexpected(found.error());
                                          QJsonObject out = detectionJson(found->detection);
                                          out.insert(QStringLiteral("commit"), found->commit);
                                          out.insert(QStringLiteral("via"), found->via);
                                          return out;
                                      });
}

QFuture<ipc::HandlerResult> RunControlHandler::plan(const QJsonObject &params)
{
    auto spec = specFrom(params);
    if (!spec)
        return ready(core::Unexpected(spec.error()));
    PlanRequest request = RunJson::toRequest(params.value(QStringLiteral("options")).toObject());
    request.source = params.value(QStringLiteral("source")).toString();
    // Planned with the quota a run started now would get.
    request.quota = m_orchestrator->settings().quota;
    // The plan, then the runtime it would run on now (probing a cluster takes a round trip).
    const QString wanted =
        params.value(QStringLiteral("options")).toObject().value(QStringLiteral("runtime")).toString();
    auto promise = core::promises::started<HandlerResult>();
    const auto withRuntime = [this, promise, wanted](const QJsonObject &planned) {
        core::promises::whenFinished(this, m_orchestrator->chooseRuntime(wanted),
                                     [planned, promise](const runs::RuntimeChoice &choice) {
                                         QJsonObject out = planned;
                                         out.insert(QStringLiteral("runtime"),
                                                    QJsonObject{{QStringLiteral("name"), choice.runtime},
                                                                {QStringLiteral("target"), choice.target},
                                                                {QStringLiteral("reason"), choice.reason}});
                                         core::promises::settle(promise, HandlerResult(out));
                                     });
    };
    if (spec->isLocal()) {
        core::promises::whenFinished(
            this, m_fetcher->fetch(*spec),
            [request, promise, withRuntime](const core::Result<source::Checkout> &checkout) {
                auto prepared = checkout ? PlanBuilder::build(*checkout, request)
                                         : core::Result<runs::PreparedPlan>(core::fail(checkout.error()));
                if (!prepared)
                    return core::promises::settle(promise, HandlerResult(core::fail(prepared.error())));
                QJsonObject out = planJson(*prepared, request);
                out.insert(QStringLiteral("via"), QStringLiteral("local"));
                withRuntime(out);
            });
        return promise->future();
    }
    // Before Start: GitHub's file list and the few files the planner reads, never a clone
    // unless the API cannot answer (then `via` is "fetch" and `fallback` says why).
    core::promises::whenFinished(this, m_planner->plan(*spec, request),
                                 [request, promise, withRuntime](const core::Result<RemotePlan> &planned) {
                                     if (!planned)
                                         return core::promises::settle(
                                             promise, HandlerResult(core::fail(planned.error())));
                                     QJsonObject out = planJson(planned->prepared, request);
                                     out.insert(QStringLiteral("via"), planned->via);
                                     if (!planned->fallback.isEmpty())
                                         out.insert(QStringLiteral("fallback"), planned->fallback);
                                     withRuntime(out);
                                 });
    return promise->future();
}

QJsonObject RunControlHandler::planJson(const runs::PreparedPlan &plan, const PlanRequest &request)
{
    const runs::PreparedPlan *prepared = &plan;
    const source::Checkout *checkout = &plan.checkout;
    QJsonArray manifests;
    for (const QJsonObject &m : kuberender::KubeRenderer::render(prepared->plan))
        manifests.append(m);
    QJsonArray services;
    for (const plan::ServicePlan &s : prepared->plan.services) {
        QStringList dependsOn;
        for (const plan::PlanDependency &d : s.dependsOn)
            dependsOn.append(d.service);
        QJsonArray ports;
        for (const plan::PlanPort &p : s.ports)
            ports.append(QJsonObject{{QStringLiteral("containerPort"), p.containerPort},
                                     {QStringLiteral("hostPort"), p.hostPort},
                                     {QStringLiteral("protocol"), p.protocol}});
        services.append(QJsonObject{{QStringLiteral("name"), s.name},
                                    {QStringLiteral("image"), s.image},
                                    {QStringLiteral("primary"), s.primary},
                                    {QStringLiteral("build"), bool(s.build)},
                                    {QStringLiteral("dependsOn"), QJsonArray::fromStringList(dependsOn)},
                                    {QStringLiteral("ports"), ports}});
    }
    // What can be chosen: every service of every profile, with its profiles and
    // dependencies, so a client can show a selection's closure before asking again.
    QJsonArray catalog;
    QStringList profiles;
    for (const project::Service &s : prepared->catalog) {
        QStringList dependsOn;
        for (const project::Dependency &d : s.dependsOn)
            dependsOn.append(d.service);
        for (const QString &p : s.profiles)
            if (!profiles.contains(p))
                profiles.append(p);
        catalog.append(QJsonObject{{QStringLiteral("name"), s.name},
                                   {QStringLiteral("profiles"), QJsonArray::fromStringList(s.profiles)},
                                   {QStringLiteral("dependsOn"), QJsonArray::fromStringList(dependsOn)}});
    }
    profiles.sort();
    return QJsonObject{{QStringLiteral("commit"), checkout->commit},
                       {QStringLiteral("ref"), checkout->ref},
                       {QStringLiteral("mode"), prepared->mode == project::ProjectMode::Compose
                                                    ? QStringLiteral("compose")
                                                    : QStringLiteral("dockerfile")},
                       {QStringLiteral("namespace"), prepared->plan.namespaceName},
                       // The report's file:line paths are inside it.
                       {QStringLiteral("projectDir"), checkout->projectDir},
                       {QStringLiteral("services"), services},
                       {QStringLiteral("catalog"), catalog},
                       {QStringLiteral("profiles"), QJsonArray::fromStringList(profiles)},
                       {QStringLiteral("activeProfiles"), QJsonArray::fromStringList(request.profiles)},
                       {QStringLiteral("manifests"), manifests},
                       {QStringLiteral("report"), prepared->plan.report.toJson()},
                       {QStringLiteral("refused"), prepared->plan.report.hasRefusals()}};
}

QFuture<ipc::HandlerResult> RunControlHandler::start(const QJsonObject &params)
{
    runs::StartOptions options = startOptionsFrom(params);
    const auto compare = m_orchestrator->commitToCompare(options);
    if (!compare)
        return ready(startNow(options));
    // A same-looking run exists: ask the remote (refs only, no fetch) whether its branch moved.
    // When the remote can't answer, the same ref is the same run, as before the question.
    return m_fetcher->remoteCommit(*compare).then(
        this, [this, options](const core::Result<QString> &commit) mutable {
            if (commit)
                options.remoteCommit = *commit;
            return startNow(options);
        });
}

HandlerResult RunControlHandler::startNow(const runs::StartOptions &options)
{
    auto outcome = m_orchestrator->start(options);
    if (!outcome)
        return core::Unexpected(outcome.error());
    return QJsonObject{{QStringLiteral("run"), RunJson::fromRecord(outcome->run)},
                       {QStringLiteral("existing"), outcome->existing}};
}

QFuture<ipc::HandlerResult> RunControlHandler::stop(const QJsonObject &params)
{
    const QString runId = params.value(QStringLiteral("runId")).toString();
    if (params.value(QStringLiteral("remove")).toBool()) {
        return m_orchestrator->remove(runId).then(
            this, [runId](const core::Result<void> &r) -> HandlerResult {
                if (!r)
                    return core::Unexpected(r.error());
                return QJsonObject{{QStringLiteral("runId"), runId}, {QStringLiteral("removed"), true}};
            });
    }
    return m_orchestrator->stop(runId).then(this, [](const core::Result<RunRecord> &r) -> HandlerResult {
        if (!r)
            return core::Unexpected(r.error());
        return QJsonObject{{QStringLiteral("run"), RunJson::fromRecord(*r)}};
    });
}

QFuture<ipc::HandlerResult> RunControlHandler::logs(const QJsonObject &params)
{
    const QString runId = params.value(QStringLiteral("runId")).toString();
    if (!m_orchestrator->run(runId))
        return ready(notFound(runId));
    std::optional<QString> service;
    if (params.contains(QStringLiteral("service")))
        service = params.value(QStringLiteral("service")).toString();
    const qint64 from = qint64(params.value(QStringLiteral("from")).toDouble(0));
    const int count =
        params.contains(QStringLiteral("count")) ? params.value(QStringLiteral("count")).toInt() : 1000;
    // Make lines still batched in memory visible to this read.
    RunStore *store = m_orchestrator->store();
    return store->flush()
        .then(this,
              [store, runId, service, from, count](const core::Result<void> &) {
                  return store->logs(runId, service, from, qBound(1, count, 10000))
                      .then([](const core::Result<QList<LogLine>> &lines) -> HandlerResult {
                          if (!lines)
                              return core::Unexpected(lines.error());
                          const qint64 next = lines->isEmpty() ? 0 : lines->last().id;
                          return QJsonObject{{QStringLiteral("lines"), RunJson::fromLogLines(*lines)},
                                             {QStringLiteral("next"), double(next)}};
                      });
              })
        .unwrap();
}

ipc::HandlerResult RunControlHandler::openPreview(const QJsonObject &params) const
{
    const QString runId = params.value(QStringLiteral("runId")).toString();
    const auto run = m_orchestrator->run(runId);
    if (!run)
        return notFound(runId);
    const QString service = params.value(QStringLiteral("service")).toString();
    const int port = params.value(QStringLiteral("port")).toInt();
    QString url = service.isEmpty() && port == 0 ? RunJson::primaryUrl(*run) : QString();
    for (const QJsonValue &v : run->details.value(QStringLiteral("endpoints")).toArray()) {
        const QJsonObject e = v.toObject();
        if (!url.isEmpty())
            break;
        if ((service.isEmpty() || e.value(QStringLiteral("service")).toString() == service) &&
            (port == 0 || e.value(QStringLiteral("containerPort")).toInt() == port))
            url = e.value(QStringLiteral("url")).toString();
    }
    if (url.isEmpty() || run->state != RunState::Ready)
        return core::fail(ErrorCategory::Input, QStringLiteral("run.no_preview"),
                          QStringLiteral("Run %1 has no preview %2(it is %3).")
                              .arg(runId,
                                   service.isEmpty() ? QString() : QStringLiteral("for %1 ").arg(service),
                                   runs::stateName(run->state)));
    return QJsonObject{{QStringLiteral("url"), url}};
}

void RunControlHandler::setTokenStore(source::TokenStore *tokens)
{
    delete m_tokens;
    m_tokens = new TokenControl(tokens, this);
}

ipc::HandlerResult RunControlHandler::settings(const QJsonObject &params)
{
    OrchestratorSettings s = m_orchestrator->settings();
    const QJsonObject set = params.value(QStringLiteral("set")).toObject();
    if (!set.isEmpty()) {
        for (auto it = set.begin(); it != set.end(); ++it) {
            const QString key = it.key();
            if (key == QLatin1String("buildParallelism") && it.value().isDouble())
                s.buildParallelism = it.value().toInt();
            else if (key == QLatin1String("defaultRuntime") && it.value().isString())
                s.defaultRuntime = it.value().toString();
            else if (key == QLatin1String("keepImages") && it.value().isDouble())
                s.retention.keepImages = it.value().toInt();
            else if (key == QLatin1String("imageDays") && it.value().isDouble())
                s.retention.imageDays = it.value().toInt();
            else if (key == QLatin1String("gitCacheDays") && it.value().isDouble())
                s.retention.gitCacheDays = it.value().toInt();
            else
                return core::fail(
                    ErrorCategory::Input, QStringLiteral("settings.unknown"),
                    QStringLiteral("\"%1\" is not a setting (or has the wrong type); settings are "
                                   "buildParallelism (number), defaultRuntime (string), keepImages, "
                                   "imageDays and gitCacheDays (numbers).")
                        .arg(key.left(64)));
        }
        if (auto applied = m_orchestrator->setSettings(s); !applied)
            return core::Unexpected(applied.error());
    }
    return QJsonObject{{QStringLiteral("buildParallelism"), s.buildParallelism},
                       {QStringLiteral("defaultRuntime"), s.defaultRuntime},
                       {QStringLiteral("keepImages"), s.retention.keepImages},
                       {QStringLiteral("imageDays"), s.retention.imageDays},
                       {QStringLiteral("gitCacheDays"), s.retention.gitCacheDays}};
}

ipc::HandlerResult RunControlHandler::remove(const QJsonObject &params)
{
    const QString runId = params.value(QStringLiteral("runId")).toString();
    const bool allStopped = params.value(QStringLiteral("allStopped")).toBool();
    if (runId.isEmpty() == !allStopped)
        return core::fail(ErrorCategory::Input, QString(ipc::code::BadParams),
                          QStringLiteral("remove takes either a runId or allStopped: true."));
    QStringList removed;
    if (allStopped) {
        removed = m_orchestrator->removeAllFinished();
    } else {
        if (auto gone = m_orchestrator->removeFinished(runId); !gone)
            return core::Unexpected(gone.error());
        removed << runId;
    }
    return QJsonObject{{QStringLiteral("removed"), QJsonArray::fromStringList(removed)}};
}

QFuture<ipc::HandlerResult> RunControlHandler::prune(const QJsonObject &params)
{
    runs::RetentionPolicy policy = m_orchestrator->settings().retention;
    const auto count = [&params](const char *key, int fallback) {
        const QJsonValue v = params.value(QLatin1String(key));
        return v.isDouble() ? v.toInt() : fallback;
    };
    policy.keepImages = count("keepImages", policy.keepImages);
    policy.imageDays = count("imageDays", policy.imageDays);
    policy.gitCacheDays = count("gitCacheDays", policy.gitCacheDays);
    const bool dryRun = params.value(QStringLiteral("dryRun")).toBool();
    return m_orchestrator->prune(policy, dryRun).then([](const core::Result<runs::PruneReport> &report) {
        return report ? HandlerResult(report->toJson()) : HandlerResult(core::Unexpected(report.error()));
    });
}

} // namespace rr::control
