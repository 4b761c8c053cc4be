#pragma once

#include "dockerruntime/runcontext.h"
#include "runtime/rolloutoptions.h"
#include "runtime/runtime.h"

#include <QFuture>
#include <QMap>
#include <QMutex>
#include <QPointer>
#include <QPromise>

#include <memory>

namespace rr::docker {
class DockerClient;
}

namespace rr::runtime {
class Rollout;
}

namespace rr::dockerruntime {

class DockerDriver;
class DockerEvents;

// How the Docker runtime times its rollouts (the defaults suit real projects; tests shorten them).
struct DockerRuntimeOptions
{
    int readyTimeoutSeconds = 300; // from the first API call to READY
    int previewProbeSeconds = 120; // how long the primary port may take to answer
    int settleMilliseconds = 1500; // each container must have run this long before READY
};

// Runs a plan on plain Docker (PRODUCT.md §8): one labelled network per run, ports on 127.0.0.1,
// logs followed per container, teardown/reconciliation by label. The rollout itself (order,
// health, READY, crashes after READY as runBroken) is runtime::Rollout driving a DockerDriver on
// this object's thread, whose event loop must run; blocking Engine API calls and followed logs
// run on the Docker client's pool.
class DockerRuntime final : public runtime::Runtime
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DockerRuntime)

public:
    // `client` must outlive this runtime.
    explicit DockerRuntime(docker::DockerClient *client, QObject *parent = nullptr);
    DockerRuntime(docker::DockerClient *client, DockerRuntimeOptions options, QObject *parent = nullptr);
    // Stops following logs and waits for this runtime's jobs; it leaves containers running.
    ~DockerRuntime() override;

    QString name() const override;
    QFuture<core::Result<void>> probe() override;
    QFuture<core::Result<void>> loadImages(const plan::RunPlan &plan) override;
    QFuture<core::Result<runtime::Deployment>> deploy(const plan::RunPlan &plan) override;
    QFuture<core::Result<runtime::Deployment>> attach(const plan::RunPlan &plan,
                                                      const runtime::Deployment &previous) override;
    void cancel(const QString &runId) override;
    QFuture<core::Result<void>> teardown(const QString &runId) override;
    QFuture<core::Result<QStringList>> liveRunIds() override;

Q_SIGNALS:
    // A deploy chose its local ports, before anything was created (tests hold one to race it).
    void portsChosen(const QString &runId, const QList<rr::runtime::Endpoint> &endpoints);

private:
    struct Active
    {
        QPointer<DockerDriver> driver;
        QPointer<runtime::Rollout> rollout;
    };
    using DeployPromise = std::shared_ptr<QPromise<core::Result<runtime::Deployment>>>;

    QFuture<core::Result<runtime::Deployment>> start(const plan::RunPlan &plan, bool attach);
    void dismiss(const QString &runId);
    std::shared_ptr<RunContext> freshContext(const QString &runId);
    void follow(const std::shared_ptr<RunContext> &context, const QString &service,
                const QString &containerId, bool tty, qint64 since);
    void track(const QFuture<void> &job);
    void removeAttempt(const QString &runId, int attempt,
                       const std::shared_ptr<QPromise<core::Result<void>>> &promise);

    docker::DockerClient *m_client;
    DockerRuntimeOptions m_options;
    DockerEvents *m_events; // one stream for every run, a child
    QMutex m_mutex;
    QMap<QString, std::shared_ptr<RunContext>> m_runs;
    QMap<QString, Active> m_active;
    QList<QFuture<void>> m_jobs;
};

} // namespace rr::dockerruntime
