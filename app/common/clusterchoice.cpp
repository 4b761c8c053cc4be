#include "clusterchoice.h"

#include "kind/clusterimageloader.h"
#include "kind/kindclusters.h"
#include "kube/contextpolicy.h"
#include "kube/kubeconfig.h"

namespace rr::app {

std::optional<kube::KubeOptions> chooseCluster(docker::DockerClient *docker)
{
    auto config = kube::Kubeconfig::load(kube::Kubeconfig::defaultFiles());
    if (!config || config->contextNames().isEmpty())
        return std::nullopt;
    // Only chosen clusters: kind-reporunner, the context the user named, or an allow-listed one.
    const kube::ContextPolicy policy = kube::ContextPolicy::fromEnvironmentAndSettings();
    const QString context = policy.choose(*config);
    if (context.isEmpty() || !config->resolve(context))
        return std::nullopt;

    kube::KubeOptions options;
    options.context = context;
    options.allowedContexts = policy.allowedNames();
    // kind contexts import into the nodes unless the cluster has a registry; other local
    // clusters (minikube, k3d, ...) only get images delivered through a registry they publish.
    if (docker)
        options.imageLoader = kind::ClusterImageLoader::make(
            docker, context.startsWith(QLatin1String("kind-")) ? context.mid(5) : QString());
    return options;
}

} // namespace rr::app
