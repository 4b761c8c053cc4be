#pragma once

#include "core/result.h"
#include "runs/buildqueue.h"
#include "runs/planrequest.h"
#include "runs/prunereport.h"
#include "runs/retentionpolicy.h"
#include "runs/runrecord.h"
#include "source/fetchoptions.h"
#include "source/sourcespec.h"

#include <QFuture>
#include <QHash>
#include <QList>
#include <QObject>
#include <QPromise>

#include <memory>
#include <optional>

namespace rr::docker {
class DockerClient;
}
namespace rr::runtime {
class Runtime;
}
namespace rr::source {
class Fetcher;
}

namespace rr::runs {

class RetentionScheduler;
class Run;
class RunStore;

// Engine-wide knobs a user can change at run time.
struct OrchestratorSettings
{
    int buildParallelism = 2;
    QString defaultRuntime = QStringLiteral("auto"); // "auto" | "docker" | "kubernetes"
    RetentionPolicy retention;                       // what the daily pass keeps
    plan::QuotaSettings quota; // each run's quota and container defaults, fixed when it starts
};

// Which runtime a run would go to now, and why: what a plan shows before Start.
struct RuntimeChoice
{
    QString runtime; // "kubernetes" | "docker"; empty when none is available
    QString target;  // the runtime's own words: kube context and server
    QString reason;  // why this one (or why none)
};

// A request to start a run, as the control API and the CLI make it.
struct StartOptions
{
    PlanRequest request;
    QString ref;     // overrides the ref in the source URL
    QString path;    // overrides the folder in the source URL
    QString runtime; // empty = the settings' default
    QString idempotencyKey;
    bool replace = false; // stop an identical active run and start afresh
    // What the ref names on the remote now, when the caller asked (see commitToCompare): an
    // active run of another commit is then not the same run.
    QString remoteCommit;
};

struct StartOutcome
{
    RunRecord run;
    bool existing = false; // an earlier run was returned (same key, or identical and active)
};

// Owns every run: starts them through fetch, build, load and deploy on the runtime each run
// chose, stops them, persists them in the RunStore and reconciles with the runtimes at
// start-up. Everything runs on the owner's thread as future continuations; nothing blocks.
class Orchestrator final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Orchestrator)

public:
    // `store` must be open. `docker` (builds) and `kubeRuntime` may be null. All must outlive this.
    Orchestrator(RunStore *store, source::Fetcher *fetcher, docker::DockerClient *docker,
                 runtime::Runtime *dockerRuntime, runtime::Runtime *kubeRuntime, QObject *parent = nullptr);
    ~Orchestrator() override;

    void setFetchOptions(const source::FetchOptions &options) { m_fetchOptions = options; }

    // Loads the history and starts reconciling with the runtimes: READY runs are re-attached,
    // interrupted ones failed and cleaned up, STOPPING ones finished, and resources labelled
    // as ours without an active run removed. Resolves once the history is loaded;
    // reconciled() follows when the runtimes have answered.
    QFuture<core::Result<void>> initialize();

    core::Result<StartOutcome> start(const StartOptions &options);
    // The remote source whose current commit start() should be told (StartOptions::remoteCommit):
    // set only when an active run of the same request has fetched a branch or tag, which may
    // have moved since. Empty when the answer could not change what start() returns.
    std::optional<source::SourceSpec> commitToCompare(const StartOptions &options) const;
    // Resolves with the run once it is STOPPED (or already terminal).
    QFuture<core::Result<RunRecord>> stop(const QString &runId);
    // Stops the run if needed and deletes its history.
    QFuture<core::Result<void>> remove(const QString &runId);
    // Deletes a stopped or failed run's history and stored logs; refuses (run.active) while the
    // run still has work or resources, so nothing it created is left without a record.
    core::Result<void> removeFinished(const QString &runId);
    // removeFinished() for every stopped or failed run; resolves with the removed ids.
    QStringList removeAllFinished();

    // One retention pass now (`reporunner prune`); clone-cache entries of active runs stay.
    QFuture<core::Result<PruneReport>> prune(const RetentionPolicy &policy, bool dryRun);
    // Applies settings().retention once a day from now on (the app and `serve` call this; tests
    // that share a machine's caches do not).
    void startDailyRetention();
    RetentionScheduler *retentionScheduler() const { return m_retention; }

    QList<RunRecord> runs() const; // newest first
    std::optional<RunRecord> run(const QString &runId) const;
    int activeCount() const { return int(m_active.size()); }

    // Resolves `wanted` ("auto", "docker", "kubernetes"; empty = the default) as start would.
    QFuture<RuntimeChoice> chooseRuntime(const QString &wanted);

    OrchestratorSettings settings() const { return m_settings; }
    core::Result<void> setSettings(const OrchestratorSettings &settings);

    RunStore *store() const { return m_store; }

Q_SIGNALS:
    void runUpdated(const rr::runs::RunRecord &run);
    void logLines(const QString &runId, const QList<rr::runs::LogLine> &lines);
    // One failure signal for runs; the error's category says what kind of failure it was.
    void runFailed(const QString &runId, const rr::core::Error &error);
    void reconciled();

private:
    Run *createRun(const RunRecord &record, const source::SourceSpec &spec, const QString &wantedRuntime);
    void onRunUpdated(const RunRecord &record);
    void onRunFinished(const QString &runId);
    QFuture<core::Result<runtime::Runtime *>> resolveRuntime(const QString &wanted);
    runtime::Runtime *runtimeByName(const QString &name) const;
    void reconcile(const QList<RunRecord> &history);
    void sweepOrphans(runtime::Runtime *runtime);
    void reconcileStepDone();
    static QString dedupeKey(const source::SourceSpec &spec, const StartOptions &options,
                             const QString &runtime);
    core::Result<source::SourceSpec> specFor(const StartOptions &options) const;
    QString wantedRuntime(const StartOptions &options) const;

    RunStore *m_store;
    source::Fetcher *m_fetcher;
    docker::DockerClient *m_docker;
    runtime::Runtime *m_dockerRuntime;
    runtime::Runtime *m_kubeRuntime;
    source::FetchOptions m_fetchOptions;
    OrchestratorSettings m_settings;
    BuildQueue m_builds;
    QHash<QString, RunRecord> m_records;   // every run known, terminal ones included
    QHash<QString, Run *> m_active;        // runs with work or resources in flight
    QHash<QString, QString> m_idempotency; // key -> run id
    QHash<QString, QList<std::shared_ptr<QPromise<core::Result<RunRecord>>>>> m_stopWaiters;
    int m_reconcilePending = 0;
    RetentionScheduler *m_retention = nullptr;
};

} // namespace rr::runs
