#pragma once

#include "core/result.h"
#include "docker/pushprogress.h"

#include <QFuture>
#include <QMetaType>
#include <QString>

#include <functional>

namespace rr::docker {
class DockerClient;
class DockerConnection;
} // namespace rr::docker

namespace rr::kind {

struct RegistryDeliveryReport
{
    QString image;           // the local reference delivered, as given
    QString imageId;         // Docker's "sha256:..." id
    QString pushedReference; // "<host>/reporunner/<name>:<tag>", what Docker pushed
    QString podReference;    // the same image as the cluster's container runtime names it
    docker::PushReport push;
};

// The KEP-1755 local-registry way into a cluster: tag the built image with a reference unique
// to its content and push it, so only layers the registry lacks are sent; pods then pull it.
class RegistryDelivery final
{
public:
    // Where the registry is. `pushHost` is how this machine's Docker reaches it (the ConfigMap's
    // `host`); `pullHost` how the nodes' container runtime does (`hostFromContainerRuntime`,
    // else `host`).
    struct Target
    {
        QString pushHost;
        QString pullHost;
    };

    // "<host>/reporunner/<last path component of image's repository>".
    static QString repositoryFor(const QString &host, const QString &image);
    // "sha256-<16 hex digits>": the same tag exactly when the content is the same, so a pull
    // policy of IfNotPresent can never run a stale image.
    static QString tagFor(const QString &imageId);

    static core::Result<RegistryDeliveryReport> deliverBlocking(docker::DockerConnection &connection,
                                                                const QString &image, const Target &target,
                                                                const std::function<bool()> &cancelled);
    static QFuture<core::Result<RegistryDeliveryReport>> deliver(docker::DockerClient &client,
                                                                 const QString &image, const Target &target);
};

} // namespace rr::kind

Q_DECLARE_METATYPE(rr::kind::RegistryDeliveryReport)
