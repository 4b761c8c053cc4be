#include "docker/imagepusher.h"

#include "core/logging.h"
#include "docker/dockerclient.h"
#include "docker/dockerconnection.h"

namespace rr::docker {

using core::ErrorCategory;

QByteArray ImagePusher::anonymousAuth()
{
    return QByteArray("{}").toBase64(QByteArray::Base64UrlEncoding);
}

core::Result<PushReport> ImagePusher::pushBlocking(DockerConnection &connection, const QString &image,
                                                   const QString &repository, const QString &tag,
                                                   const CancelCheck &cancelled)
{
    const QString reference = repository + QLatin1Char(':') + tag;
    QUrlQuery tagQuery;
    ApiRequest::addParam(tagQuery, QStringLiteral("repo"), repository);
    ApiRequest::addParam(tagQuery, QStringLiteral("tag"), tag);
    const auto tagged = connection.call(
        ApiRequest::post(QStringLiteral("/images/%1/tag").arg(ApiRequest::pathSegment(image)), tagQuery),
        cancelled);
    if (!tagged) {
        if (tagged.error().code == QLatin1String("docker.not_found"))
            return core::fail(
                ErrorCategory::Docker, QStringLiteral("docker.push.no_image"),
                QStringLiteral("There is no local image %1 to push; build it first.").arg(image));
        return core::fail(tagged.error());
    }

    QUrlQuery pushQuery;
    ApiRequest::addParam(pushQuery, QStringLiteral("tag"), tag);
    ApiRequest request = ApiRequest::post(
        QStringLiteral("/images/%1/push").arg(ApiRequest::pathSegment(repository)), pushQuery);
    request.timeoutMs = 0; // a large first push may take minutes; cancellation still applies
    request.headers.append({QByteArrayLiteral("X-Registry-Auth"), anonymousAuth()});
    PushProgress progress;
    const auto pushed = connection.call(request, cancelled, [&progress](const QByteArray &chunk) {
        progress.feed(chunk);
        return true;
    });
    if (!pushed)
        return core::fail(pushed.error());
    progress.finish();
    if (const auto message = progress.errorMessage()) {
        // The daemon answers 200 and reports failures inside the stream.
        core::Error e = core::makeError(ErrorCategory::Docker, QStringLiteral("docker.push.failed"),
                                        QStringLiteral("Pushing %1 failed: %2").arg(reference, *message));
        e.details = QStringLiteral("Check that the registry %1 is running and reachable from Docker.")
                        .arg(repository.section(QLatin1Char('/'), 0, 0));
        return core::fail(std::move(e));
    }
    PushReport report = progress.report();
    report.reference = reference;
    qCInfo(lcDocker) << "pushed" << reference << report.layersPushed() << "layers," << report.bytesPushed
                     << "bytes;" << report.layersExisting() << "already there";
    return report;
}

QFuture<core::Result<PushReport>> ImagePusher::push(DockerClient &client, const QString &image,
                                                    const QString &repository, const QString &tag)
{
    return client.run<PushReport>(
        [image, repository, tag](DockerConnection &c, const DockerClient::CancelCheck &cancelled) {
            return pushBlocking(c, image, repository, tag, cancelled);
        });
}

} // namespace rr::docker
