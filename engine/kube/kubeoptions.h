#pragma once

#include "core/result.h"
#include "plan/runplan.h"

#include <QFuture>
#include <QString>
#include <QStringList>

#include <functional>

namespace rr::kube {

// How the Kubernetes runtime finds and uses a cluster.
struct KubeOptions
{
    QStringList kubeconfigFiles;   // empty = KUBECONFIG, else ~/.kube/config
    QString context;               // empty = current-context
    QStringList allowedContexts;   // contexts allowed although their server is not on this machine
    QString imagePullPolicy;       // empty = as rendered (IfNotPresent); "Never" for node-loaded images
    int readyTimeoutSeconds = 600; // a rollout that is neither done nor failed by then fails
    int previewProbeSeconds = 60;  // how long the primary preview port may take to answer
    // Everything must stay up this long before READY, so a container that crashes right after
    // starting is diagnosed instead of being reported as ready.
    int settleMilliseconds = 1500;
    // LOADING: makes the plan's images available in the cluster (kind loader, registry push).
    // Unset = images are expected to be pullable already.
    std::function<QFuture<core::Result<void>>(const plan::RunPlan &)> imageLoader;
};

} // namespace rr::kube
