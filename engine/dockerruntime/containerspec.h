#pragma once

#include "plan/runplan.h"

#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>

namespace rr::dockerruntime {

// One published port: the plan's port and where it is published (the run's loopback address
// and the port chosen there).
struct PortBinding
{
    plan::PlanPort port;
    QString hostIp;
    int localPort = 0;
};

// Turns one service of a run plan into a Docker `POST /containers/create` body, with the
// sandbox of §8: labels, one network with the service's names as aliases, ports on the run's
// loopback address only, memory/CPU/pids limits, bounded json-file logs, a writable-layer size
// where the storage driver enforces one, no-new-privileges, CapDrop ALL plus the plan's capAdd.
class ContainerSpec final
{
public:
    static constexpr const char *RunIdLabel = "reporunner.dev/run-id";
    static constexpr const char *ServiceLabel = "reporunner.dev/service";
    static constexpr const char *ManagedByLabel = "app.kubernetes.io/managed-by";
    static constexpr const char *ComposeNameLabel = "reporunner.dev/compose-service";
    static constexpr const char *ReplicaLabel = "reporunner.dev/replica";
    static constexpr const qint64 DefaultPidsLimit = plan::QuotaSettings{}.defaultPids;
    // The daemon's own copy of a container's output (json-file): at most LogFiles files of
    // LogFileSize each, so a service printing /dev/zero cannot fill the disk.
    static constexpr const char *LogFileSize = "10m";
    static constexpr const char *LogFiles = "3";

    // The run id as it appears in labels and object names (a DNS label).
    static QString runLabel(const QString &runId);
    static QString networkName(const QString &runId);
    // rr-<runId>-<dnsName>, with -<i> when the service has several replicas.
    static QString containerName(const QString &runId, const plan::ServicePlan &service, int replica);
    // Named compose volumes ("vol-*") are shared by the run's services, like compose does;
    // everything else belongs to one service.
    static QString volumeName(const QString &runId, const plan::ServicePlan &service,
                              const plan::PlanVolume &volume);
    // Labels for objects of the run (and of one service when given).
    static QJsonObject labels(const plan::RunPlan &plan, const plan::ServicePlan *service = nullptr);
    // Mounts whose files are copied into the container before it starts (Docker 20.10 cannot
    // mount a volume's sub-path): ConfigMap/Secret mounts with a subPath.
    static bool isCopiedMount(const plan::ServicePlan &service, const plan::PlanMount &mount);

    // `limitStorage`: the storage driver enforces StorageOpt size (DockerSetup::storageLimits).
    static QJsonObject build(const plan::RunPlan &plan, const plan::ServicePlan &service, int replica,
                             const QList<PortBinding> &ports, bool limitStorage = false);
};

} // namespace rr::dockerruntime
