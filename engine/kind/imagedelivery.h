#pragma once

#include "core/result.h"
#include "kind/kindcluster.h"

#include <QFuture>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>

#include <functional>

namespace rr::docker {
class DockerClient;
class DockerConnection;
} // namespace rr::docker

namespace rr::kind {

struct NodeDelivery
{
    enum class Action
    {
        Imported,       // the image was streamed into the node's containerd
        Retagged,       // the node held the image id under another name; only a tag was added
        AlreadyPresent, // the node held the same image id and name; nothing was sent
    };
    QString node;
    Action action = Action::AlreadyPresent;
    qint64 bytesSent = 0;
};

struct DeliveryReport
{
    QString image;   // the reference delivered, as given
    QString imageId; // Docker's "sha256:..." id
    QList<NodeDelivery> nodes;

    qint64 totalBytes() const;
};

// Puts a local Docker image into every node of a kind cluster, like `kind load docker-image`
// but through the Engine API and incremental per node: each node is asked (crictl inspecti)
// whether it already holds the image id; nodes that do are skipped or merely re-tagged, the
// others get `GET /images/get` streamed straight into `ctr images import -` over an exec's
// stdin, so the image is never buffered in memory or on disk.
//
// The comparison uses Docker's image id, which is the config digest with the classic image
// store (what containerd calls the image id). With Docker's containerd image store the id is
// the manifest digest instead, so such nodes are always re-sent rather than wrongly skipped.
class ImageDelivery final
{
public:
    // Called on the worker thread while a node is being fed: node name, bytes sent so far.
    using Progress = std::function<void(const QString &node, qint64 bytes)>;
    using CancelCheck = std::function<bool()>;

    static QStringList importCommand();

    // Cancelling the future (or DockerClient::cancelAll) aborts the transfer in progress.
    static QFuture<core::Result<DeliveryReport>> deliver(docker::DockerClient &client, const QString &image,
                                                         const KindCluster &cluster, Progress progress = {});
    // Looks the cluster up first.
    static QFuture<core::Result<DeliveryReport>> deliverToCluster(docker::DockerClient &client,
                                                                  const QString &image,
                                                                  const QString &clusterName,
                                                                  Progress progress = {});

    static core::Result<DeliveryReport> deliverBlocking(docker::DockerConnection &connection,
                                                        const QString &image, const KindCluster &cluster,
                                                        const Progress &progress,
                                                        const CancelCheck &cancelled);

    // The name containerd gives a Docker reference: "app:1" -> "docker.io/library/app:1",
    // "me/app" -> "docker.io/me/app:latest"; registries (a dot, a port or localhost) are kept.
    static QString containerdName(const QString &reference);
};

} // namespace rr::kind

Q_DECLARE_METATYPE(rr::kind::DeliveryReport)
