#include "kind/clusterimageloader.h"

#include "docker/dockerclient.h"
#include "kind/imagedelivery.h"
#include "kind/kindclusters.h"
#include "kind/registrydelivery.h"

#include <QLocale>

namespace rr::kind {

namespace {

using Report = std::function<void(const QString &)>;

QString bytes(qint64 n)
{
    return QLocale::c().formattedDataSize(n);
}

core::Result<kube::ImageMap> pushAll(docker::DockerConnection &connection, const QStringList &images,
                                     const kube::LocalRegistryHosting &registry, const Report &report,
                                     const docker::DockerClient::CancelCheck &cancelled)
{
    kube::ImageMap map;
    const RegistryDelivery::Target target{registry.host, registry.pullHost()};
    for (const QString &image : images) {
        auto pushed = RegistryDelivery::deliverBlocking(connection, image, target, cancelled);
        if (!pushed)
            return core::fail(pushed.error());
        map.insert(image, pushed->podReference);
        if (report)
            report(
                QStringLiteral("pushed %1 to the cluster's registry: %2 layer(s) sent (%3), %4 already there")
                    .arg(pushed->pushedReference)
                    .arg(pushed->push.layersPushed())
                    .arg(bytes(pushed->push.bytesPushed))
                    .arg(pushed->push.layersExisting()));
    }
    return map;
}

core::Result<kube::ImageMap> importAll(docker::DockerConnection &connection, const QStringList &images,
                                       const QString &cluster, const Report &report,
                                       const docker::DockerClient::CancelCheck &cancelled)
{
    auto found = KindClusters::findBlocking(connection, cluster, cancelled);
    if (!found)
        return core::fail(found.error());
    for (const QString &image : images) {
        auto delivered = ImageDelivery::deliverBlocking(connection, image, *found, {}, cancelled);
        if (!delivered)
            return core::fail(delivered.error());
        if (report)
            report(QStringLiteral("imported %1 into kind cluster %2 (%3 sent)")
                       .arg(image, cluster, bytes(delivered->totalBytes())));
    }
    return kube::ImageMap(); // nodes hold the images under their own names
}

} // namespace

ClusterImageLoader::Loader ClusterImageLoader::make(docker::DockerClient *docker, const QString &cluster)
{
    return [docker, cluster](const kube::ImageLoadRequest &request) {
        QStringList images;
        for (const plan::ServicePlan &s : request.plan.services)
            if (s.imageIsLocal() && !images.contains(s.image))
                images << s.image;
        return docker->run<kube::ImageMap>(
            [images, cluster, registry = request.registry, report = request.report](
                docker::DockerConnection &connection, const docker::DockerClient::CancelCheck &cancelled) {
                if (registry)
                    return pushAll(connection, images, *registry, report, cancelled);
                if (cluster.isEmpty()) // not kind: the images must be pullable as they are
                    return core::Result<kube::ImageMap>(kube::ImageMap());
                return importAll(connection, images, cluster, report, cancelled);
            });
    };
}

} // namespace rr::kind
