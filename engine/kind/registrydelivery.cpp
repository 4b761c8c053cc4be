#include "kind/registrydelivery.h"

#include "docker/dockerclient.h"
#include "docker/dockerconnection.h"
#include "docker/imagepusher.h"

#include <QUrl>

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
    const auto inspected = connection.callJson(
        docker::ApiRequest::get(
            QStringLiteral("/images/%1/json").arg(QString::fromLatin1(QUrl::toPercentEncoding(image)))),
        cancelled);
    if (!inspected) {
        if (inspected.error().code == QLatin1String("docker.not_found"))
            return core::fail(
                ErrorCategory::Docker, QStringLiteral("kind.image.not_found"),
                QStringLiteral("There is no local image %1 to push; build it first.").arg(image));
        return core::fail(inspected.error());
    }
    report.imageId = inspected->toObject().value(QStringLiteral("Id")).toString();
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
