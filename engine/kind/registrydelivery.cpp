#include "kind/registrydelivery.h"

#include "docker/dockerclient.h"
#include "docker/dockerconnection.h"
#include "docker/imagepusher.h"
#include "kind/localimage.h"

namespace rr::kind {

using core::ErrorCategory;

QString RegistryDelivery::repositoryFor(const QString &host, const QString &image)
{
    QString repository = image.section(QLatin1Char('@'), 0, 0);
    const qsizetype lastSlash = repository.lastIndexOf(QLatin1Char('/'));
    const qsizetype colon = repository.indexOf(QLatin1Char(':'), lastSlash + 1);
    if (colon >= 0)
        repository.truncate(colon);
    return host + QStringLiteral("/reporunner/") + repository.mid(lastSlash + 1).toLower();
}

QString RegistryDelivery::tagFor(const QString &imageId)
{
    QString hex = imageId.section(QLatin1Char(':'), -1);
    return QStringLiteral("sha256-") + hex.left(16);
}

core::Result<RegistryDeliveryReport> RegistryDelivery::deliverBlocking(docker::DockerConnection &connection,
                                                                       const QString &image,
                                                                       const Target &target,
                                                                       const std::function<bool()> &cancelled)
{
    RegistryDeliveryReport report;
    report.image = image;
    auto imageId = localImageId(connection, image, cancelled);
    if (!imageId)
        return core::fail(imageId.error());
    report.imageId = *imageId;
    const QString tag = tagFor(report.imageId);
    const QString repository = repositoryFor(target.pushHost, image);
    auto pushed = docker::ImagePusher::pushBlocking(connection, report.imageId, repository, tag, cancelled);
    if (!pushed)
        return core::fail(pushed.error());
    report.push = *pushed;
    report.pushedReference = pushed->reference;
    const QString pullHost = target.pullHost.isEmpty() ? target.pushHost : target.pullHost;
    report.podReference = repositoryFor(pullHost, image) + QLatin1Char(':') + tag;
    return report;
}

QFuture<core::Result<RegistryDeliveryReport>>
RegistryDelivery::deliver(docker::DockerClient &client, const QString &image, const Target &target)
{
    return client.run<RegistryDeliveryReport>(
        [image, target](docker::DockerConnection &c, const docker::DockerClient::CancelCheck &cancelled) {
            return deliverBlocking(c, image, target, cancelled);
        });
}

} // namespace rr::kind
