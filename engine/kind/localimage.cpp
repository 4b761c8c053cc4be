#include "kind/localimage.h"

#include "docker/apirequest.h"
#include "docker/dockerconnection.h"

#include <QJsonObject>

namespace rr::kind {

core::Result<QString> localImageId(docker::DockerConnection &connection, const QString &image,
                                   const std::function<bool()> &cancelled)
{
    const auto inspected = connection.callJson(
        docker::ApiRequest::get(
            QStringLiteral("/images/%1/json").arg(docker::ApiRequest::pathSegment(image))),
        cancelled);
    if (!inspected) {
        if (inspected.error().code == QLatin1String("docker.not_found"))
            return core::fail(core::ErrorCategory::Docker, QStringLiteral("kind.image.not_found"),
                              QStringLiteral("There is no local image %1; build it first.").arg(image));
        return core::fail(inspected.error());
    }
    return inspected->toObject().value(QStringLiteral("Id")).toString();
}

} // namespace rr::kind
