#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QFuture>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace rr::kube {

class KubeClient;

// A cluster's local registry as it announces itself (KEP-1755): the ConfigMap
// kube-public/local-registry-hosting, key localRegistryHosting.v1, a small YAML document.
struct LocalRegistryHosting
{
    static constexpr const char *Namespace = "kube-public";
    static constexpr const char *ConfigMapName = "local-registry-hosting";
    static constexpr const char *Key = "localRegistryHosting.v1";

    QString host;                     // "localhost:5001": where this machine pushes
    QString hostFromContainerRuntime; // where the nodes' container runtime pulls from, if not `host`
    QString hostFromClusterNetwork;   // where pods reach it over the cluster network
    QString help;                     // a URL about the registry

    // The registry host image references in pod specs must use.
    QString pullHost() const { return hostFromContainerRuntime.isEmpty() ? host : hostFromContainerRuntime; }
    bool operator==(const LocalRegistryHosting &) const = default;

    // Parses the key's YAML; an error names what is wrong (and where, for broken YAML).
    static core::Result<LocalRegistryHosting> parse(const QByteArray &yaml);
    // From the ConfigMap object; nullopt when it lacks the v1 key (another version only).
    static core::Result<std::optional<LocalRegistryHosting>> fromConfigMap(const QJsonObject &configMap);
    // Reads the ConfigMap; nullopt when the cluster has none (404), which means "no registry".
    static QFuture<core::Result<std::optional<LocalRegistryHosting>>> discover(KubeClient *client);
};

} // namespace rr::kube
