#pragma once

#include "core/result.h"
#include "kind/kindcluster.h"

#include <QFuture>
#include <QJsonArray>

#include <functional>
#include <optional>

namespace rr::docker {
class DockerClient;
class DockerConnection;
} // namespace rr::docker

namespace rr::kind {

// Finds kind clusters the way kind itself does: through the labels on their node containers,
// so no kubeconfig or kind binary is needed.
class KindClusters final
{
public:
    static constexpr const char *ClusterLabel = "io.x-k8s.kind.cluster";
    static constexpr const char *RoleLabel = "io.x-k8s.kind.role";
    static constexpr const char *DefaultClusterName = "reporunner";
    // The container name kind's local-registry recipe (KEP-1755) uses.
    static constexpr const char *LocalRegistryName = "kind-registry";

    // Every cluster with at least one node container (stopped ones included), sorted by name.
    static QFuture<core::Result<QList<KindCluster>>> list(docker::DockerClient &client);
    // The named cluster; a Kube "kind.cluster.not_found" error naming the clusters there are.
    static QFuture<core::Result<KindCluster>> find(docker::DockerClient &client,
                                                   const QString &name = QLatin1String(DefaultClusterName));

    // Blocking forms for worker threads.
    static core::Result<QList<KindCluster>> listBlocking(docker::DockerConnection &connection,
                                                         const std::function<bool()> &cancelled = {});
    static core::Result<KindCluster> findBlocking(docker::DockerConnection &connection, const QString &name,
                                                  const std::function<bool()> &cancelled = {});
    // Whether a running container named kind-registry exists (the KEP-1755 recipe's registry).
    static core::Result<bool> localRegistryRunning(docker::DockerConnection &connection,
                                                   const std::function<bool()> &cancelled = {});

    // Groups a GET /containers/json answer by cluster label.
    static QList<KindCluster> fromContainers(const QJsonArray &containers);
    static std::optional<KindCluster> pick(const QList<KindCluster> &clusters, const QString &name);
};

} // namespace rr::kind
