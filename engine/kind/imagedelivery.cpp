#include "kind/imagedelivery.h"

#include "core/logging.h"
#include "docker/dockerclient.h"
#include "docker/dockerconnection.h"
#include "kind/execsession.h"
#include "kind/kindclusters.h"
#include "kind/localimage.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrlQuery>

namespace rr::kind {

using core::ErrorCategory;

namespace {

QString tail(const QByteArray &text)
{
    QString s = QString::fromUtf8(text).trimmed();
    if (s.size() > 800)
        s = QStringLiteral("...") + s.right(800);
    return s.isEmpty() ? QStringLiteral("(no output)") : s;
}

bool isImageId(const QString &reference)
{
    return reference.startsWith(QLatin1String("sha256:"));
}

core::Unexpected nodeFailure(const QString &code, const QString &message, const ExecSession::Output &out)
{
    core::Error e = core::makeError(ErrorCategory::Kube, code, message);
    e.details = QStringLiteral("exit code %1; stderr: %2").arg(out.exitCode).arg(tail(out.stdErr));
    return core::fail(std::move(e));
}

// What the node holds under `imageId`: nothing, or its names.
struct NodeImage
{
    bool present = false;
    QStringList names;
};

core::Result<NodeImage> queryNode(docker::DockerConnection &connection, const KindNode &node,
                                  const QString &imageId, const ImageDelivery::CancelCheck &cancelled)
{
    const auto out = ExecSession::run(connection, node.containerId,
                                      {QStringLiteral("crictl"), QStringLiteral("inspecti"),
                                       QStringLiteral("-o"), QStringLiteral("json"), imageId},
                                      QByteArray(), cancelled);
    if (!out)
        return core::fail(out.error());
    if (out->exitCode == 126 || out->exitCode == 127)
        return nodeFailure(QStringLiteral("kind.node.no_crictl"),
                           QStringLiteral("crictl cannot run on %1; is it a kind node?").arg(node.name),
                           *out);
    NodeImage result;
    if (out->exitCode != 0) // crictl's "no such image"; anything else is also answered by importing
        return result;
    const QJsonObject status =
        QJsonDocument::fromJson(out->stdOut).object().value(QStringLiteral("status")).toObject();
    result.present = status.value(QStringLiteral("id")).toString() == imageId;
    for (const QJsonValue &tag : status.value(QStringLiteral("repoTags")).toArray())
        result.names << tag.toString();
    return result;
}

core::Result<NodeDelivery> importInto(docker::DockerConnection &connection, const KindNode &node,
                                      const QString &image, const ImageDelivery::Progress &progress,
                                      const ImageDelivery::CancelCheck &cancelled)
{
    NodeDelivery result;
    result.node = node.name;
    result.action = NodeDelivery::Action::Imported;
    ExecSession exec(connection, node.containerId);
    if (auto started = exec.start(ImageDelivery::importCommand(), true, cancelled); !started)
        return core::fail(started.error());

    // docker save's tar goes from one connection to the other chunk by chunk; a slow import
    // back-pressures the daemon's export instead of filling memory.
    QUrlQuery q;
    docker::ApiRequest::addParam(q, QStringLiteral("names"), image);
    std::optional<core::Error> stdinError;
    const auto saved = connection.call(docker::ApiRequest::get(QStringLiteral("/images/get"), q), cancelled,
                                       [&](const QByteArray &chunk) {
                                           if (auto written = exec.write(chunk, cancelled); !written) {
                                               stdinError = written.error();
                                               return false;
                                           }
                                           result.bytesSent += chunk.size();
                                           if (progress)
                                               progress(node.name, result.bytesSent);
                                           return true;
                                       });
    if (cancelled && cancelled())
        return core::fail(ErrorCategory::Cancelled, QStringLiteral("kind.delivery.cancelled"),
                          QStringLiteral("Delivering %1 to %2 was cancelled.").arg(image, node.name));
    if (!saved)
        return core::fail(saved.error());
    (void)exec.closeStdin();
    const auto out = exec.finish(cancelled);
    if (!out)
        return core::fail(out.error());
    if (out->exitCode != 0 || stdinError)
        return nodeFailure(
            QStringLiteral("kind.import.failed"),
            QStringLiteral("Importing %1 into kind node %2 failed: %3")
                .arg(image, node.name, tail(out->stdErr.isEmpty() ? out->stdOut : out->stdErr)),
            *out);
    qCInfo(lcDocker) << "delivered" << image << "to" << node.name << result.bytesSent << "bytes";
    return result;
}

} // namespace

qint64 DeliveryReport::totalBytes() const
{
    qint64 sum = 0;
    for (const NodeDelivery &n : nodes)
        sum += n.bytesSent;
    return sum;
}

QStringList ImageDelivery::importCommand()
{
    // What kind runs; --digests keeps the names a digest-pinned pod spec would ask for.
    return {QStringLiteral("ctr"),
            QStringLiteral("--namespace=k8s.io"),
            QStringLiteral("images"),
            QStringLiteral("import"),
            QStringLiteral("--all-platforms"),
            QStringLiteral("--digests"),
            QStringLiteral("--snapshotter=overlayfs"),
            QStringLiteral("-")};
}

QString ImageDelivery::containerdName(const QString &reference)
{
    QString name = reference;
    const qsizetype slash = name.indexOf(QLatin1Char('/'));
    const QString first = slash < 0 ? QString() : name.left(slash);
    const bool hasRegistry =
        slash >= 0 && (first.contains(QLatin1Char('.')) || first.contains(QLatin1Char(':')) ||
                       first == QLatin1String("localhost"));
    if (!hasRegistry)
        name = (slash < 0 ? QStringLiteral("docker.io/library/") : QStringLiteral("docker.io/")) + name;
    const qsizetype lastSlash = name.lastIndexOf(QLatin1Char('/'));
    if (!name.contains(QLatin1Char('@')) && name.indexOf(QLatin1Char(':'), lastSlash) < 0)
        name += QStringLiteral(":latest");
    return name;
}

core::Result<DeliveryReport> ImageDelivery::deliverBlocking(docker::DockerConnection &connection,
                                                            const QString &image, const KindCluster &cluster,
                                                            const Progress &progress,
                                                            const CancelCheck &cancelled)
{
    DeliveryReport report;
    report.image = image;
    auto imageId = localImageId(connection, image, cancelled);
    if (!imageId)
        return core::fail(imageId.error());
    report.imageId = *imageId;
    if (cluster.nodes.isEmpty())
        return core::fail(ErrorCategory::Kube, QStringLiteral("kind.cluster.empty"),
                          QStringLiteral("The kind cluster \"%1\" has no nodes.").arg(cluster.name));
    for (const KindNode &node : cluster.nodes)
        if (!node.isRunning())
            return core::fail(
                ErrorCategory::Kube, QStringLiteral("kind.node.not_running"),
                QStringLiteral("The kind node %1 of cluster \"%2\" is %3, not running; start it "
                               "with \"docker start %1\".")
                    .arg(node.name, cluster.name,
                         node.state.isEmpty() ? QStringLiteral("stopped") : node.state));

    const QString name = containerdName(image);
    for (const KindNode &node : cluster.nodes) {
        const auto held = queryNode(connection, node, report.imageId, cancelled);
        if (!held)
            return core::fail(held.error());
        NodeDelivery delivery;
        delivery.node = node.name;
        if (!held->present) {
            auto imported = importInto(connection, node, image, progress, cancelled);
            if (!imported)
                return core::fail(imported.error());
            delivery = *imported;
        } else if (isImageId(image) || held->names.contains(name)) {
            delivery.action = NodeDelivery::Action::AlreadyPresent;
        } else {
            // Same content under another name (e.g. a re-tagged build): add the name only.
            const auto out = ExecSession::run(connection, node.containerId,
                                              {QStringLiteral("ctr"), QStringLiteral("--namespace=k8s.io"),
                                               QStringLiteral("images"), QStringLiteral("tag"),
                                               QStringLiteral("--force"), report.imageId, name},
                                              QByteArray(), cancelled);
            if (!out)
                return core::fail(out.error());
            if (out->exitCode != 0)
                return nodeFailure(QStringLiteral("kind.retag.failed"),
                                   QStringLiteral("Tagging %1 as %2 on kind node %3 failed: %4")
                                       .arg(report.imageId, name, node.name, tail(out->stdErr)),
                                   *out);
            delivery.action = NodeDelivery::Action::Retagged;
        }
        report.nodes.append(delivery);
    }
    return report;
}

QFuture<core::Result<DeliveryReport>> ImageDelivery::deliver(docker::DockerClient &client,
                                                             const QString &image, const KindCluster &cluster,
                                                             Progress progress)
{
    return client.run<DeliveryReport>(
        [image, cluster, progress](docker::DockerConnection &c,
                                   const docker::DockerClient::CancelCheck &cancelled) {
            return deliverBlocking(c, image, cluster, progress, cancelled);
        });
}

QFuture<core::Result<DeliveryReport>> ImageDelivery::deliverToCluster(docker::DockerClient &client,
                                                                      const QString &image,
                                                                      const QString &clusterName,
                                                                      Progress progress)
{
    return client.run<DeliveryReport>(
        [image, clusterName,
         progress](docker::DockerConnection &c,
                   const docker::DockerClient::CancelCheck &cancelled) -> core::Result<DeliveryReport> {
            const auto cluster = KindClusters::findBlocking(c, clusterName, cancelled);
            if (!cluster)
                return core::fail(cluster.error());
            return deliverBlocking(c, image, *cluster, progress, cancelled);
        });
}

} // namespace rr::kind
