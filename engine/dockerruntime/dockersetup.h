#pragma once

#include "core/result.h"
#include "docker/dockerconnection.h"
#include "dockerruntime/containerspec.h"
#include "plan/runplan.h"
#include "runtime/runtime.h"

#include <QJsonObject>
#include <QMap>

#include <functional>

namespace rr::dockerruntime {

// The Engine API calls that make a run's network, volumes and containers, for jobs on the Docker
// client's pool (DockerClient::run). Each call is one blocking step that returns at once when
// `cancelled` says so; none of them waits for a container to do anything: DockerDriver watches
// the containers through the event stream and Rollout decides what to wait for.
class DockerSetup final
{
public:
    // What an earlier deployment of the run left: its containers by service and their endpoints.
    struct Found
    {
        QMap<QString, QStringList> containers; // compose name -> container ids
        QList<runtime::Endpoint> endpoints;
        QStringList running; // ids of the running ones
    };

    DockerSetup(docker::DockerConnection &connection, std::function<bool()> cancelled,
                const plan::RunPlan &plan);

    // Makes every image of the plan present locally, pulling the ones that are not built.
    core::Result<void> ensureImages();
    // Docker's network option that names the bridge interface on the host.
    static constexpr const char *BridgeNameOption = "com.docker.network.bridge.name";
    // Creates the run's network on a bridge called `bridge` unless it exists; returns the name of
    // the bridge the network has.
    core::Result<QString> createNetwork(const QString &bridge);
    // The host interface of the run's existing network ("docker.not_found" when there is none).
    core::Result<QString> bridgeName();
    // Whether the daemon's storage driver enforces a container's StorageOpt size.
    core::Result<bool> storageLimits();
    static bool enforcesStorageSize(const QString &driver);
    // Creates (and fills) the run's named volumes; returns their names.
    core::Result<QStringList> createVolumes();
    // Creates, fills and starts one service's containers; returns their ids. When a published
    // port was taken by the time the container started, the container is removed again and the
    // error's code is PortTakenCode (details: the removed container's id), so the caller can
    // retry on another port.
    core::Result<QStringList> startService(const plan::ServicePlan &service, const QList<PortBinding> &ports,
                                           bool limitStorage);
    static constexpr const char *PortTakenCode = "run.port_taken";
    static bool isPortTaken(const QString &dockerMessage);
    core::Result<QJsonObject> inspect(const QString &containerId);
    // The last lines a container wrote (for diagnoses).
    QStringList lastLines(const QString &containerId, bool tty);
    // Runs `command` in the container once and says whether it exited with 0 within `timeoutSeconds`.
    core::Result<bool> runCheck(const QString &containerId, const QStringList &command, int timeoutSeconds);
    core::Result<void> restart(const QString &containerId);
    // The run's containers as an earlier engine left them ("run.vanished" when there are none).
    core::Result<Found> find();

private:
    core::Result<QJsonValue> api(const docker::ApiRequest &request);
    core::Result<void> fillVolume(const plan::ServicePlan &service, const plan::PlanVolume &volume,
                                  const QString &name);
    core::Result<void> putArchive(const QString &containerId, const QString &path, const QByteArray &tar);

    docker::DockerConnection &m_c;
    std::function<bool()> m_cancelled;
    const plan::RunPlan &m_plan;
};

} // namespace rr::dockerruntime
