#include "clusterchoice.h"

#include "docker/dockerclient.h"
#include "kind/imagedelivery.h"
#include "kind/kindclusters.h"
#include "kube/kubeconfig.h"

namespace rr::cli {

namespace {

// LOADING for kind: every image the run built goes into every node that lacks it.
std::function<QFuture<core::Result<void>>(const plan::RunPlan &)> kindLoader(docker::DockerClient *docker,
                                                                             const QString &cluster)
{
    return [docker, cluster](const plan::RunPlan &plan) {
        QStringList images;
        for (const plan::ServicePlan &s : plan.services)
            if (s.build && !images.contains(s.image))
                images << s.image;
        return docker->run<void>([images, cluster](docker::DockerConnection &connection,
                                                   const docker::DockerClient::CancelCheck &cancelled) {
            auto found = kind::KindClusters::findBlocking(connection, cluster);
            if (!found)
                return core::Result<void>(core::fail(found.error()));
            for (const QString &image : images) {
                auto delivered =
                    kind::ImageDelivery::deliverBlocking(connection, image, *found, {}, cancelled);
                if (!delivered)
                    return core::Result<void>(core::fail(delivered.error()));
            }
            return core::Result<void>();
        });
    };
}

} // namespace

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
    if (docker && context.startsWith(QLatin1String("kind-")))
        options.imageLoader = kindLoader(docker, context.mid(5));
    return options;
}

} // namespace rr::cli
