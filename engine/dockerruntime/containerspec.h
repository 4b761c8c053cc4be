#pragma once

#include "plan/runplan.h"

#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>

namespace rr::dockerruntime {

// One published port: the plan's port and the 127.0.0.1 port chosen for it.
struct PortBinding
{
    plan::PlanPort port;
    int localPort = 0;
};

// Turns one service of a run plan into a Docker `POST /containers/create` body, with the
// sandbox of §8: labels, one network with the service's names as aliases, ports on 127.0.0.1
// only, memory/CPU/pids limits, no-new-privileges, CapDrop ALL plus the plan's capAdd.
class ContainerSpec final
{
public:
    static constexpr const char *RunIdLabel = "reporunner.dev/run-id";
    static constexpr const char *ServiceLabel = "reporunner.dev/service";
    static constexpr const char *ManagedByLabel = "app.kubernetes.io/managed-by";
    static constexpr const char *ComposeNameLabel = "reporunner.dev/compose-service";
    static constexpr const char *ReplicaLabel = "reporunner.dev/replica";
    static constexpr const qint64 DefaultPidsLimit = 512;

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

    static QJsonObject build(const plan::RunPlan &plan, const plan::ServicePlan &service, int replica,
                             const QList<PortBinding> &ports);
};

} // namespace rr::dockerruntime
