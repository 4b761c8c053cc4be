#pragma once

#include "core/error.h"
#include "docker/buildrequest.h"
#include "runs/planbuilder.h"
#include "runs/runrecord.h"
#include "runtime/runtime.h"
#include "source/fetchoptions.h"
#include "source/sourcespec.h"

#include <QFuture>
#include <QObject>
#include <QPointer>

#include <functional>
#include <optional>

class QTimer;

namespace rr::docker {
class DockerClient;
class ImageBuilder;
} // namespace rr::docker

namespace rr::runs {

class BuildQueue;
class RunStore;

// What every run borrows from the orchestrator that owns it.
struct RunServices
{
    RunStore *store = nullptr;
    source::Fetcher *fetcher = nullptr;
    docker::DockerClient *docker = nullptr; // null: projects that need a build fail
    BuildQueue *builds = nullptr;
    source::FetchOptions fetchOptions;
    // Picks the runtime for a run ("auto", "docker", "kubernetes").
    std::function<QFuture<core::Result<runtime::Runtime *>>(const QString &wanted)> resolveRuntime;
    std::function<runtime::Runtime *(const QString &name)> runtimeByName;
};

// One run's state machine (PRODUCT.md §2): QUEUED → FETCHING → BUILDING → LOADING →
// DEPLOYING → READY, with STOPPING/STOPPED and FAILED reachable from anywhere. Every step
// is a future continued on this object; stop() cancels the step in flight and tears down.
class Run final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Run)

public:
    Run(RunRecord record, source::SourceSpec spec, QString wantedRuntime, const RunServices &services,
        QObject *parent = nullptr);
    ~Run() override;

    const RunRecord &record() const { return m_record; }
    QString id() const { return m_record.id; }
    runtime::Runtime *runtime() const { return m_runtime; }
    const source::SourceSpec &spec() const { return m_spec; }

    void start();
    // Stops the run; for a failed run that kept its resources (keepOnFailure), removes them.
    void stop();
    // A failed run whose resources were left up for inspection.
    bool keptForInspection() const { return isKept(m_record); }
    static bool isKept(const RunRecord &record);

    // Start-up reconciliation of a run a previous engine left behind.
    void reattach();        // READY: resume logs and forwards, or mark it vanished
    void resumeStop();      // STOPPING: finish the teardown
    void markInterrupted(); // anything else: the work in flight died with the engine

    // Routed here by the orchestrator from the runtime's signals.
    void onRuntimeLog(const QString &service, const QString &stream, const QString &text);
    void onServiceStatus(const runtime::ServiceStatus &status);
    void onBroken(const core::Error &error);

Q_SIGNALS:
    void updated(const rr::runs::RunRecord &record);
    void logLines(const QString &runId, const QList<rr::runs::LogLine> &lines);
    void failed(const QString &runId, const rr::core::Error &error);
    // Terminal and cleaned up; the orchestrator may delete the run.
    void finished(const QString &runId);

private:
    void enterPhase(RunState state);
    void setProgress(double progress);
    void save();
    void log(const QString &service, const QString &stream, const QString &text);
    void flushLogs();
    void fail(const core::Error &error);
    void failWith(const QString &code, const QString &summary);
    template<class T, class Next> void step(QFuture<core::Result<T>> future, Next next);

    void fetch();
    void plan(const source::Checkout &checkout);
    void build();
    void buildNext(int index);
    void bakeNext(int index, int path);
    // Builds one image for services[index], which then runs it; `next` continues the phase.
    void buildImage(int index, const docker::BuildRequest &request, std::function<void()> next);
    void load();
    void deploy();
    void ready(const runtime::Deployment &deployment);

    void finishStop();
    void releaseKept();
    void teardownThen(std::function<void()> then);
    void storeDeployment(const runtime::Deployment &deployment);
    core::Result<PreparedPlan> replan() const;

    RunRecord m_record;
    source::SourceSpec m_spec;
    QString m_wantedRuntime;
    RunServices m_services;
    runtime::Runtime *m_runtime = nullptr;
    std::optional<PreparedPlan> m_prepared;
    docker::ImageBuilder *m_builder = nullptr;
    QFuture<core::Result<source::Checkout>> m_fetch;
    QTimer *m_stopGuard = nullptr;
    QStringList m_tail; // recent lines for a failure's evidence
    QList<LogLine> m_pendingLogs;
    int m_buildsDone = 0;
    QString m_buildingService; // the service whose image is being built
    int m_buildsTotal = 0;
    bool m_busy = false; // a step's future is in flight
    bool m_stopRequested = false;
    bool m_finishing = false;      // teardown started
    bool m_touchedRuntime = false; // LOADING or later: the runtime may hold resources
};

} // namespace rr::runs
