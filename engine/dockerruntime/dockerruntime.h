#pragma once

#include "dockerruntime/runcontext.h"
#include "runtime/runtime.h"

#include <QFuture>
#include <QMap>
#include <QMutex>

#include <memory>

namespace rr::docker {
class DockerClient;
}

namespace rr::dockerruntime {

// Runs a plan on plain Docker (PRODUCT.md §8): one labelled network per run, containers in
// depends_on order with their health waits, ports on 127.0.0.1, logs followed per container,
// crashes after READY reported as runBroken, and teardown/reconciliation by label.
// The work runs on the Docker client's pool; signals are posted to and emitted on this object's
// thread, whose event loop must run.
class DockerRuntime final : public runtime::Runtime
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DockerRuntime)

public:
    // `client` must outlive this runtime.
    explicit DockerRuntime(docker::DockerClient *client, QObject *parent = nullptr);
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

private:
    std::shared_ptr<RunContext> freshContext(const QString &runId);
    void follow(const std::shared_ptr<RunContext> &context, const plan::ServicePlan &service,
                const QString &containerId, bool tty, qint64 since);
    void track(const QFuture<void> &job);
    // Emits serviceStatusChanged on this object's thread.
    void postStatus(const QString &runId, const runtime::ServiceStatus &status);

    docker::DockerClient *m_client;
    QMutex m_mutex;
    QMap<QString, std::shared_ptr<RunContext>> m_runs;
    QList<QFuture<void>> m_jobs;
};

} // namespace rr::dockerruntime
