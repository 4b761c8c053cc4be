#include "runs/orchestrator.h"

#include "core/logging.h"
#include "core/names.h"
#include "core/promises.h"
#include "runs/run.h"
#include "runs/runjson.h"
#include "runs/runstore.h"
#include "runtime/runtime.h"
#include "source/sourcespecparser.h"

#include <QCryptographicHash>
#include <QRegularExpression>

#include <algorithm>

namespace rr::runs {

namespace {

using core::ErrorCategory;

bool knownRuntimeName(const QString &name)
{
    return name == QLatin1String("auto") || name == QLatin1String("docker") ||
           name == QLatin1String("kubernetes");
}

} // namespace

Orchestrator::Orchestrator(RunStore *store, source::Fetcher *fetcher, docker::DockerClient *docker,
                           runtime::Runtime *dockerRuntime, runtime::Runtime *kubeRuntime, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_fetcher(fetcher)
    , m_docker(docker)
    , m_dockerRuntime(dockerRuntime)
    , m_kubeRuntime(kubeRuntime)
    , m_builds(m_settings.buildParallelism)
{
    for (runtime::Runtime *rt : {m_dockerRuntime, m_kubeRuntime}) {
        if (!rt)
            continue;
        // This engine's resources carry its id; reconciliation sweeps only those.
        rt->setOwner(store->engineId());
        connect(
            rt, &runtime::Runtime::logLine, this,
            [this](const QString &runId, const QString &service, const QString &stream, const QString &text) {
                if (Run *run = m_active.value(runId))
                    run->onRuntimeLog(service, stream, text);
            });
        connect(rt, &runtime::Runtime::serviceStatusChanged, this,
                [this](const QString &runId, const runtime::ServiceStatus &status) {
                    if (Run *run = m_active.value(runId))
                        run->onServiceStatus(status);
                });
        connect(rt, &runtime::Runtime::runBroken, this,
                [this](const QString &runId, const core::Error &error) {
                    if (Run *run = m_active.value(runId))
                        run->onBroken(error);
                });
    }
}

Orchestrator::~Orchestrator()
{
    // Runs die with us; their resources stay for the next start-up to re-attach.
    for (Run *run : std::as_const(m_active))
        delete run;
    m_active.clear();
}

Run *Orchestrator::createRun(const RunRecord &record, const source::SourceSpec &spec,
                             const QString &wantedRuntime)
{
    RunServices services;
    services.store = m_store;
    services.fetcher = m_fetcher;
    services.docker = m_docker;
    services.builds = &m_builds;
    services.fetchOptions = m_fetchOptions;
    services.resolveRuntime = [this](const QString &wanted) { return resolveRuntime(wanted); };
    services.runtimeByName = [this](const QString &name) { return runtimeByName(name); };
    auto *run = new Run(record, spec, wantedRuntime, services, this);
    connect(run, &Run::updated, this, &Orchestrator::onRunUpdated);
    connect(run, &Run::logLines, this, &Orchestrator::logLines);
    connect(run, &Run::failed, this, &Orchestrator::runFailed);
    connect(run, &Run::finished, this, &Orchestrator::onRunFinished);
    m_records.insert(record.id, record);
    m_active.insert(record.id, run);
    return run;
}

void Orchestrator::onRunUpdated(const RunRecord &record)
{
    m_records.insert(record.id, record);
    Q_EMIT runUpdated(record);
    if (!isTerminal(record.state))
        return;
    const auto waiters = m_stopWaiters.take(record.id);
    for (const auto &promise : waiters)
        core::promises::settle(promise, record);
}

void Orchestrator::onRunFinished(const QString &runId)
{
    if (Run *run = m_active.take(runId))
        run->deleteLater();
}

QString Orchestrator::dedupeKey(const source::SourceSpec &spec, const StartOptions &options,
                                const QString &runtime)
{
    // Every input that changes what runs, so only identical requests share a run. The commit is
    // only known after the fetch; the ref as asked names it, and start() compares the commit the
    // ref names now when the caller asked the remote (commitToCompare). Values may be secrets:
    // only their digest is kept.
    const PlanRequest &r = options.request;
    QStringList services = r.services;
    services.sort();
    QStringList profiles = r.profiles;
    profiles.sort();
    QCryptographicHash values(QCryptographicHash::Sha256);
    for (auto it = r.values.constBegin(); it != r.values.constEnd(); ++it)
        values.addData(QStringLiteral("%1=%2\n").arg(it.key(), it.value()).toUtf8());
    const QString mode = !r.mode                                    ? QStringLiteral("default")
                         : *r.mode == project::ProjectMode::Compose ? QStringLiteral("compose")
                                                                    : QStringLiteral("dockerfile");
    return QStringList{spec.isLocal() ? spec.localPath : spec.remoteUrl,
                       spec.subdir,
                       spec.ref,
                       mode,
                       r.dockerfile,
                       r.composeFiles.join(QLatin1Char(',')),
                       profiles.join(QLatin1Char(',')),
                       services.join(QLatin1Char(',')),
                       r.primaryService,
                       QString::fromLatin1(values.result().toHex().left(16)),
                       r.allowUnsafe ? QStringLiteral("unsafe") : QStringLiteral("safe"),
                       r.offline ? QStringLiteral("offline") : QStringLiteral("online"),
                       r.fastProbes ? QStringLiteral("fast-probes") : QStringLiteral("declared-probes"),
                       r.keepOnFailure ? QStringLiteral("keep-on-failure")
                                       : QStringLiteral("clean-on-failure"),
                       runtime}
        .join(QLatin1Char('|'));
}

QString Orchestrator::wantedRuntime(const StartOptions &options) const
{
    return options.runtime.isEmpty() ? m_settings.defaultRuntime : options.runtime;
}

core::Result<source::SourceSpec> Orchestrator::specFor(const StartOptions &options) const
{
    auto spec = source::SourceSpecParser::parse(options.request.source);
    if (!spec)
        return core::Unexpected(spec.error());
    if (!options.ref.isEmpty()) {
        static const QRegularExpression sha(QStringLiteral("^[0-9a-fA-F]{40}$"));
        spec->ref = options.ref;
        spec->refPath.clear();
        spec->refIsCommit = sha.match(options.ref).hasMatch();
    }
    if (!options.path.isEmpty())
        spec->subdir = options.path;
    return spec;
}

std::optional<source::SourceSpec> Orchestrator::commitToCompare(const StartOptions &options) const
{
    const auto spec = specFor(options);
    if (!spec || spec->isLocal() || spec->refIsCommit || options.replace)
        return std::nullopt;
    const QString key = dedupeKey(*spec, options, wantedRuntime(options));
    for (const Run *active : std::as_const(m_active)) {
        const RunRecord &r = active->record();
        if (r.dedupeKey == key && !r.commit.isEmpty() && r.state != RunState::Stopping &&
            !isTerminal(r.state))
            return *spec;
    }
    return std::nullopt;
}

core::Result<StartOutcome> Orchestrator::start(const StartOptions &options)
{
    if (!options.idempotencyKey.isEmpty() && m_idempotency.contains(options.idempotencyKey)) {
        const QString id = m_idempotency.value(options.idempotencyKey);
        if (m_records.contains(id))
            return StartOutcome{m_records.value(id), true};
    }
    const QString wanted = wantedRuntime(options);
    if (!knownRuntimeName(wanted))
        return core::fail(
            ErrorCategory::Input, QStringLiteral("run.bad_runtime"),
            QStringLiteral("The runtime must be auto, docker or kubernetes, not \"%1\".").arg(wanted));
    auto spec = specFor(options);
    if (!spec)
        return core::Unexpected(spec.error());

    const QString key = dedupeKey(*spec, options, wanted);
    for (Run *active : std::as_const(m_active)) {
        const RunRecord &r = active->record();
        if (r.dedupeKey != key || r.state == RunState::Stopping || isTerminal(r.state))
            continue;
        // The branch moved on since that run fetched it: the new commit is another run.
        if (!options.remoteCommit.isEmpty() && !r.commit.isEmpty() && r.commit != options.remoteCommit)
            continue;
        if (options.replace) {
            qCInfo(lcRuns) << "replacing run" << r.id;
            active->stop();
            continue;
        }
        if (!options.idempotencyKey.isEmpty())
            m_idempotency.insert(options.idempotencyKey, r.id);
        return StartOutcome{r, true};
    }

    RunRecord record;
    record.id = options.request.runId.isEmpty() ? core::names::newRunId() : options.request.runId;
    while (m_records.contains(record.id))
        record.id = core::names::newRunId();
    // The clone uses the parsed spec (credentials come from the token store); what is kept and
    // shown of the source carries none.
    record.source = source::SourceSpecParser::withoutCredentials(options.request.source);
    record.owner = spec->owner;
    record.repo = spec->repo;
    record.ref = spec->ref;
    if (options.request.mode)
        record.mode = *options.request.mode == project::ProjectMode::Compose ? QStringLiteral("compose")
                                                                             : QStringLiteral("dockerfile");
    record.idempotencyKey = options.idempotencyKey;
    record.dedupeKey = key;
    record.state = RunState::Queued;
    QJsonObject request = RunJson::fromRequest(options.request);
    request.insert(QStringLiteral("source"), record.source);
    request.insert(QStringLiteral("ref"), options.ref);
    request.insert(QStringLiteral("path"), options.path);
    request.insert(QStringLiteral("runtime"), wanted);
    // The quota of the settings at start stays the run's, through restarts of the engine.
    request.insert(QStringLiteral("quota"), RunJson::fromQuota(m_settings.quota));
    record.request = request;
    record.createdAt = record.updatedAt = QDateTime::currentDateTimeUtc();
    record.phases.append(PhaseRecord{RunState::Queued, record.createdAt, {}, 0});
    if (!options.idempotencyKey.isEmpty())
        m_idempotency.insert(options.idempotencyKey, record.id);

    Run *run = createRun(record, *spec, wanted);
    qCInfo(lcRuns) << "starting run" << record.id << "for" << record.source;
    run->start();
    return StartOutcome{run->record(), false};
}

QFuture<core::Result<RunRecord>> Orchestrator::stop(const QString &runId)
{
    if (!m_records.contains(runId))
        return core::promises::ready<core::Result<RunRecord>>(
            core::fail(ErrorCategory::Input, QStringLiteral("run.not_found"),
                       QStringLiteral("There is no run \"%1\".").arg(runId)));
    Run *run = m_active.value(runId);
    const RunRecord record = m_records.value(runId);
    if (!run || (isTerminal(record.state) && !Run::isKept(record)))
        return core::promises::ready<core::Result<RunRecord>>(record);
    auto promise = core::promises::started<core::Result<RunRecord>>();
    m_stopWaiters[runId].append(promise);
    run->stop();
    return promise->future();
}

QFuture<core::Result<void>> Orchestrator::remove(const QString &runId)
{
    return stop(runId).then(this,
                            [this, runId](const core::Result<RunRecord> &stopped) -> core::Result<void> {
                                if (!stopped)
                                    return core::Unexpected(stopped.error());
                                m_records.remove(runId);
                                m_store->deleteRun(runId);
                                return {};
                            });
}

QList<RunRecord> Orchestrator::runs() const
{
    QList<RunRecord> all = m_records.values();
    std::sort(all.begin(), all.end(),
              [](const RunRecord &a, const RunRecord &b) { return a.createdAt > b.createdAt; });
    return all;
}

std::optional<RunRecord> Orchestrator::run(const QString &runId) const
{
    const auto it = m_records.constFind(runId);
    if (it == m_records.constEnd())
        return std::nullopt;
    return *it;
}

core::Result<void> Orchestrator::setSettings(const OrchestratorSettings &settings)
{
    if (settings.buildParallelism < 1 || settings.buildParallelism > 32)
        return core::fail(ErrorCategory::Input, QStringLiteral("settings.bad_parallelism"),
                          QStringLiteral("Build parallelism must be between 1 and 32."));
    if (!knownRuntimeName(settings.defaultRuntime))
        return core::fail(ErrorCategory::Input, QStringLiteral("settings.bad_runtime"),
                          QStringLiteral("The default runtime must be auto, docker or kubernetes."));
    if (auto retention = settings.retention.validate(); !retention)
        return retention;
    if (auto quota = settings.quota.validate(); !quota)
        return quota;
    m_settings = settings;
    m_builds.setLimit(settings.buildParallelism);
    return {};
}

runtime::Runtime *Orchestrator::runtimeByName(const QString &name) const
{
    if (m_dockerRuntime && m_dockerRuntime->name() == name)
        return m_dockerRuntime;
    if (m_kubeRuntime && m_kubeRuntime->name() == name)
        return m_kubeRuntime;
    return nullptr;
}

QFuture<core::Result<runtime::Runtime *>> Orchestrator::resolveRuntime(const QString &wanted)
{
    using Out = core::Result<runtime::Runtime *>;
    const auto unavailable = [](const QString &name) -> Out {
        return core::fail(ErrorCategory::Input, QStringLiteral("run.runtime_unavailable"),
                          QStringLiteral("The %1 runtime is not available here.").arg(name));
    };
    if (wanted == QLatin1String("kubernetes"))
        return core::promises::ready<Out>(m_kubeRuntime ? Out(m_kubeRuntime) : unavailable(wanted));
    if (wanted == QLatin1String("docker") || !m_kubeRuntime)
        return core::promises::ready<Out>(m_dockerRuntime ? Out(m_dockerRuntime)
                                                          : unavailable(QStringLiteral("docker")));
    // auto: Kubernetes when its cluster answers, else Docker.
    return m_kubeRuntime->probe().then(this, [this, unavailable](const core::Result<void> &probe) -> Out {
        if (probe)
            return m_kubeRuntime;
        qCInfo(lcRuns) << "Kubernetes unavailable (" << probe.error().message << "), using Docker";
        return m_dockerRuntime ? Out(m_dockerRuntime) : unavailable(QStringLiteral("docker"));
    });
}

QFuture<RuntimeChoice> Orchestrator::chooseRuntime(const QString &wanted)
{
    const QString name = wanted.isEmpty() ? m_settings.defaultRuntime : wanted;
    if (!knownRuntimeName(name))
        return core::promises::ready(
            RuntimeChoice{{}, {}, QStringLiteral("\"%1\" is not a runtime.").arg(name.left(64))});
    const auto choice = [](const runtime::Runtime *r, const QString &reason) {
        return RuntimeChoice{r->name(), r->target(), reason};
    };
    const bool automatic = name == QLatin1String("auto");
    if (!automatic || !m_kubeRuntime) {
        const QString reason = automatic ? QStringLiteral("auto: no Kubernetes cluster is configured")
                                         : QStringLiteral("chosen for this run");
        return resolveRuntime(name).then([choice, reason](const core::Result<runtime::Runtime *> &r) {
            return r ? choice(*r, reason) : RuntimeChoice{{}, {}, r.error().message};
        });
    }
    return m_kubeRuntime->probe().then(this, [this, choice](const core::Result<void> &probe) {
        if (probe)
            return choice(m_kubeRuntime, QStringLiteral("auto: the cluster answers"));
        const QString why =
            QStringLiteral("auto: the cluster does not answer (%1)").arg(probe.error().message);
        return m_dockerRuntime ? choice(m_dockerRuntime, why) : RuntimeChoice{{}, {}, why};
    });
}

} // namespace rr::runs
