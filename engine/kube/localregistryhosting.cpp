#include "kube/localregistryhosting.h"

#include "core/logging.h"
#include "core/promises.h"
#include "kube/kubeclient.h"

#include <yaml-cpp/yaml.h>

#include <memory>

namespace rr::kube {

using core::ErrorCategory;

namespace {

core::Unexpected invalid(const QString &message)
{
    return core::fail(ErrorCategory::Kube, QStringLiteral("kube.registry.invalid"),
                      QStringLiteral("The cluster's %1/%2 ConfigMap is unusable: %3")
                          .arg(QLatin1String(LocalRegistryHosting::Namespace),
                               QLatin1String(LocalRegistryHosting::ConfigMapName), message));
}

// A host as an image reference can carry it: "name[:port]", no scheme, no path.
bool isRegistryHost(const QString &host)
{
    return !host.isEmpty() && !host.contains(QLatin1Char('/')) && !host.contains(QLatin1Char(' ')) &&
           host.count(QLatin1Char(':')) <= 1;
}

core::Result<QString> field(const YAML::Node &root, const char *key)
{
    const YAML::Node node = root[key];
    if (!node || node.IsNull())
        return QString();
    if (!node.IsScalar())
        return invalid(QStringLiteral("\"%1\" must be a string.").arg(QLatin1String(key)));
    return QString::fromStdString(node.Scalar()).trimmed();
}

} // namespace

core::Result<LocalRegistryHosting> LocalRegistryHosting::parse(const QByteArray &yaml)
{
    YAML::Node root;
    try {
        root = YAML::Load(yaml.toStdString());
    } catch (const YAML::Exception &e) {
        const QString where =
            e.mark.is_null()
                ? QString()
                : QStringLiteral(" at line %1, column %2").arg(e.mark.line + 1).arg(e.mark.column + 1);
        return invalid(QStringLiteral("%1 is not valid YAML%2: %3.")
                           .arg(QLatin1String(Key), where, QString::fromStdString(e.msg)));
    }
    if (!root.IsMap())
        return invalid(QStringLiteral("%1 must be a mapping with a \"host\" key.").arg(QLatin1String(Key)));
    LocalRegistryHosting hosting;
    const std::pair<const char *, QString *> fields[] = {
        {"host", &hosting.host},
        {"hostFromContainerRuntime", &hosting.hostFromContainerRuntime},
        {"hostFromClusterNetwork", &hosting.hostFromClusterNetwork},
        {"help", &hosting.help}};
    for (const auto &[key, target] : fields) {
        auto value = field(root, key);
        if (!value)
            return core::fail(value.error());
        *target = *value;
    }
    if (hosting.host.isEmpty())
        return invalid(QStringLiteral("%1 has no \"host\".").arg(QLatin1String(Key)));
    for (const QString *h :
         {&hosting.host, &hosting.hostFromContainerRuntime, &hosting.hostFromClusterNetwork})
        if (!h->isEmpty() && !isRegistryHost(*h))
            return invalid(
                QStringLiteral("\"%1\" is not a registry host such as \"localhost:5001\".").arg(*h));
    return hosting;
}

core::Result<std::optional<LocalRegistryHosting>>
LocalRegistryHosting::fromConfigMap(const QJsonObject &configMap)
{
    const QJsonObject data = configMap.value(QStringLiteral("data")).toObject();
    if (!data.contains(QLatin1String(Key)))
        return std::optional<LocalRegistryHosting>();
    auto parsed = parse(data.value(QLatin1String(Key)).toString().toUtf8());
    if (!parsed)
        return core::fail(parsed.error());
    return std::optional<LocalRegistryHosting>(*parsed);
}

QFuture<core::Result<std::optional<LocalRegistryHosting>>> LocalRegistryHosting::discover(KubeClient *client)
{
    using R = core::Result<std::optional<LocalRegistryHosting>>;
    auto promise = core::promises::started<R>();
    const QString path = QStringLiteral("/api/v1/namespaces/%1/configmaps/%2")
                             .arg(QLatin1String(Namespace), QLatin1String(ConfigMapName));
    client->send("GET", path, {}, {}, client, [promise](const core::Result<KubeReply> &reply) {
        R result;
        if (reply) {
            result = fromConfigMap(reply->json());
        } else if (reply.error().code == QLatin1String("kube.notFound") ||
                   reply.error().code == QLatin1String("kube.http404")) {
            result = std::optional<LocalRegistryHosting>();
        } else if (reply.error().code == QLatin1String("kube.forbidden")) {
            // Users without read access to kube-public still get node-import delivery.
            qCWarning(lcKube) << "cannot read the local-registry-hosting ConfigMap:" << reply.error().message;
            result = std::optional<LocalRegistryHosting>();
        } else {
            result = core::fail(reply.error());
        }
        if (result && *result)
            qCInfo(lcKube) << "cluster publishes a local registry at" << (*result)->host;
        core::promises::settle(promise, std::move(result));
    });
    return promise->future();
}

} // namespace rr::kube
