#pragma once

#include "core/result.h"
#include "docker/dockerconnection.h"
#include "dockerruntime/containerspec.h"
#include "dockerruntime/runcontext.h"
#include "plan/runplan.h"
#include "runtime/runtime.h"

#include <QJsonObject>
#include <QMap>

#include <functional>
#include <memory>

namespace rr::dockerruntime {

// The blocking work behind DockerRuntime::deploy()/attach(), run on one worker thread of the
// Docker client's pool: network, volumes, containers wave by wave with their depends_on
// conditions, then the primary endpoint. Every wait polls `cancelled` so cancel() stops it.
class DeployJob final
{
public:
    struct Hooks
    {
        std::function<void(const runtime::ServiceStatus &)> status;
        // Start following a container's logs (and watching it for crashes).
        std::function<void(const plan::ServicePlan &, const QString &containerId, bool tty, qint64 since)>
            follow;
    };

    // How long one service may take to start, turn healthy or complete.
    static constexpr int WaitSeconds = 300;
    static constexpr int EndpointWaitSeconds = 120;
    // Every long-running container must have run this long before READY, so one that dies right
    // after starting fails the run with its diagnosis instead of breaking it just after READY
    // (the Kubernetes runtime has the same window).
    static constexpr int SettleMs = 1500;

    DeployJob(docker::DockerConnection &connection, std::function<bool()> cancelled,
              const plan::RunPlan &plan, std::shared_ptr<RunContext> context, Hooks hooks);

    core::Result<runtime::Deployment> deploy();
    core::Result<runtime::Deployment> attach();
    // Makes every image of the plan present locally, pulling the ones that are not built.
    core::Result<void> ensureImages();

private:
    core::Result<QJsonValue> api(const docker::ApiRequest &request);
    core::Result<void> createNetwork();
    core::Result<void> createVolumes();
    core::Result<void> fillVolume(const plan::ServicePlan &service, const plan::PlanVolume &volume,
                                  const QString &name);
    core::Result<void> putArchive(const QString &containerId, const QString &path, const QByteArray &tar);
    core::Result<void> startService(const plan::ServicePlan &service, const QList<PortBinding> &ports);
    core::Result<void> waitFor(const plan::ServicePlan &service, project::Dependency::Condition condition);
    core::Result<void> waitForEndpoint(const runtime::Endpoint &endpoint);
    core::Result<void> settle();
    core::Result<bool> probeNow(const QString &containerId, const plan::PlanProbe &probe);
    core::Result<void> sleepOrCancel(int ms);
    QStringList lastLines(const QString &containerId, bool tty);
    void setStatus(const QString &service, const QString &state, const QString &detail = {});
    runtime::Deployment deployment() const;

    docker::DockerConnection &m_c;
    std::function<bool()> m_cancelled;
    const plan::RunPlan &m_plan;
    std::shared_ptr<RunContext> m_context;
    Hooks m_hooks;
    QList<runtime::Endpoint> m_endpoints;
    QMap<QString, QStringList> m_containers; // compose name -> container ids (by replica)
    QStringList m_volumes;
};

} // namespace rr::dockerruntime
