#include "clusterchoice.h"

#include "kind/clusterimageloader.h"
#include "kind/kindclusters.h"
#include "kube/kubeconfig.h"

namespace rr::app {

std::optional<kube::KubeOptions> chooseCluster(docker::DockerClient *docker)
{
    auto config = kube::Kubeconfig::load(kube::Kubeconfig::defaultFiles());
    if (!config || config->contextNames().isEmpty())
        return std::nullopt;
    const QString wanted = qEnvironmentVariable("REPORUNNER_KUBE_CONTEXT");
    const QString kindContext =
        QStringLiteral("kind-") + QLatin1String(kind::KindClusters::DefaultClusterName);
    QString context = wanted;
    if (context.isEmpty())
        context = config->contextNames().contains(kindContext) ? kindContext : config->currentContext();
    auto resolved = config->resolve(context);
    if (!resolved || (wanted.isEmpty() && !kube::Kubeconfig::isLocalServer(resolved->server)))
        return std::nullopt;

    kube::KubeOptions options;
    options.context = context;
    if (!wanted.isEmpty())
        options.allowedContexts << wanted; // naming a context explicitly is the allow-list entry
    // kind contexts import into the nodes unless the cluster has a registry; other local
    // clusters (minikube, k3d, ...) only get images delivered through a registry they publish.
    if (docker)
        options.imageLoader = kind::ClusterImageLoader::make(
            docker, context.startsWith(QLatin1String("kind-")) ? context.mid(5) : QString());
    return options;
}

} // namespace rr::app
