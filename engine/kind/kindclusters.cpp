#include "kind/kindclusters.h"

#include "docker/dockerclient.h"
#include "docker/dockerconnection.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>

#include <algorithm>

namespace rr::kind {

using core::ErrorCategory;

namespace {

docker::ApiRequest nodeQuery()
{
    QUrlQuery q = docker::DockerClient::labelFilter({QLatin1String(KindClusters::ClusterLabel)});
    q.addQueryItem(QStringLiteral("all"), QStringLiteral("1"));
    return docker::ApiRequest::get(QStringLiteral("/containers/json"), q);
}

bool nodeOrder(const KindNode &a, const KindNode &b)
{
    const bool aControl = a.role == QLatin1String("control-plane");
    const bool bControl = b.role == QLatin1String("control-plane");
    if (aControl != bControl)
        return aControl;
    return a.name < b.name;
}

} // namespace

QList<KindCluster> KindClusters::fromContainers(const QJsonArray &containers)
{
    QMap<QString, KindCluster> byName;
    for (const QJsonValue &v : containers) {
        const QJsonObject c = v.toObject();
        const QJsonObject labels = c.value(QStringLiteral("Labels")).toObject();
        const QString cluster = labels.value(QLatin1String(ClusterLabel)).toString();
        if (cluster.isEmpty())
            continue;
        KindNode node;
        node.containerId = c.value(QStringLiteral("Id")).toString();
        node.name = c.value(QStringLiteral("Names")).toArray().first().toString();
        if (node.name.startsWith(QLatin1Char('/')))
            node.name.remove(0, 1);
        if (node.name.isEmpty())
            node.name = node.containerId.left(12);
        node.role = labels.value(QLatin1String(RoleLabel)).toString();
        node.state = c.value(QStringLiteral("State")).toString();
        KindCluster &entry = byName[cluster];
        entry.name = cluster;
        entry.nodes.append(node);
    }
    QList<KindCluster> result = byName.values(); // QMap: sorted by name
    for (KindCluster &cluster : result)
        std::sort(cluster.nodes.begin(), cluster.nodes.end(), nodeOrder);
    return result;
}

std::optional<KindCluster> KindClusters::pick(const QList<KindCluster> &clusters, const QString &name)
{
    for (const KindCluster &c : clusters)
        if (c.name == name)
            return c;
    return std::nullopt;
}

core::Result<QList<KindCluster>> KindClusters::listBlocking(docker::DockerConnection &connection,
                                                            const std::function<bool()> &cancelled)
{
    const auto answer = connection.callJson(nodeQuery(), cancelled);
    if (!answer)
        return core::fail(answer.error());
    return fromContainers(answer->toArray());
}

core::Result<KindCluster> KindClusters::findBlocking(docker::DockerConnection &connection,
                                                     const QString &name,
                                                     const std::function<bool()> &cancelled)
{
    const auto clusters = listBlocking(connection, cancelled);
    if (!clusters)
        return core::fail(clusters.error());
    if (auto found = pick(*clusters, name))
        return *found;
    QStringList names;
    for (const KindCluster &c : *clusters)
        names << c.name;
    return core::fail(
        ErrorCategory::Kube, QStringLiteral("kind.cluster.not_found"),
        names.isEmpty()
            ? QStringLiteral("There is no kind cluster \"%1\"; create it with \"kind create cluster "
                             "--name %1\".")
                  .arg(name)
            : QStringLiteral("There is no kind cluster \"%1\" (found: %2).")
                  .arg(name, names.join(QStringLiteral(", "))));
}

core::Result<bool> KindClusters::localRegistryRunning(docker::DockerConnection &connection,
                                                      const std::function<bool()> &cancelled)
{
    QJsonObject filters;
    // Docker's name filter is a substring match; the exact name is checked below.
    filters.insert(QStringLiteral("name"), QJsonArray{QLatin1String(LocalRegistryName)});
    QUrlQuery q;
    docker::ApiRequest::addParam(q, QStringLiteral("filters"),
                                 QString::fromUtf8(QJsonDocument(filters).toJson(QJsonDocument::Compact)));
    const auto answer =
        connection.callJson(docker::ApiRequest::get(QStringLiteral("/containers/json"), q), cancelled);
    if (!answer)
        return core::fail(answer.error());
    const QString wanted = QLatin1Char('/') + QLatin1String(LocalRegistryName);
    for (const QJsonValue &v : answer->toArray()) {
        const QJsonObject c = v.toObject();
        if (c.value(QStringLiteral("Names")).toArray().contains(QJsonValue(wanted)) &&
            c.value(QStringLiteral("State")).toString() == QLatin1String("running"))
            return true;
    }
    return false;
}

QFuture<core::Result<QList<KindCluster>>> KindClusters::list(docker::DockerClient &client)
{
    return client.run<QList<KindCluster>>(
        [](docker::DockerConnection &c, const docker::DockerClient::CancelCheck &cancelled) {
            return listBlocking(c, cancelled);
        });
}

QFuture<core::Result<KindCluster>> KindClusters::find(docker::DockerClient &client, const QString &name)
{
    return client.run<KindCluster>(
        [name](docker::DockerConnection &c, const docker::DockerClient::CancelCheck &cancelled) {
            return findBlocking(c, name, cancelled);
        });
}

} // namespace rr::kind
