#pragma once

#include <QList>
#include <QMetaType>
#include <QString>

namespace rr::kind {

// One kind node: a Docker container labelled io.x-k8s.kind.cluster=<cluster>.
struct KindNode
{
    QString name;        // container name without the leading '/', e.g. "reporunner-control-plane"
    QString containerId; // full id
    QString role;        // io.x-k8s.kind.role: "control-plane", "worker", ...
    QString state;       // Docker's State: "running", "exited", ...

    bool isRunning() const { return state == QLatin1String("running"); }
    bool operator==(const KindNode &) const = default;
};

struct KindCluster
{
    QString name;
    QList<KindNode> nodes; // control-plane nodes first, then by name

    bool operator==(const KindCluster &) const = default;
};

} // namespace rr::kind

Q_DECLARE_METATYPE(rr::kind::KindCluster)
