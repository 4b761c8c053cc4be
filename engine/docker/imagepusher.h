#pragma once

#include "core/result.h"
#include "docker/pushprogress.h"

#include <QByteArray>
#include <QFuture>
#include <QString>

#include <functional>

namespace rr::docker {

class DockerClient;
class DockerConnection;

// Pushes a local image to a registry through the Engine API, like `docker tag` + `docker push`:
// POST /images/{image}/tag, then POST /images/{repository}/push with the progress stream decoded.
// The daemon uploads only the blobs the registry lacks; the report says which those were.
class ImagePusher final
{
public:
    using CancelCheck = std::function<bool()>;

    // Tags `image` (a reference or "sha256:" id) as `repository:tag` and pushes it anonymously.
    static core::Result<PushReport> pushBlocking(DockerConnection &connection, const QString &image,
                                                 const QString &repository, const QString &tag,
                                                 const CancelCheck &cancelled);
    static QFuture<core::Result<PushReport>> push(DockerClient &client, const QString &image,
                                                  const QString &repository, const QString &tag);

    // X-Registry-Auth for a registry without credentials: base64url of "{}". Daemons before
    // API 1.4x refuse a push that has no such header at all.
    static QByteArray anonymousAuth();
};

} // namespace rr::docker
