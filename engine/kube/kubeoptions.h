#pragma once

#include "core/result.h"
#include "kube/imagemap.h"
#include "kube/localregistryhosting.h"
#include "plan/runplan.h"

#include <QFuture>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>

namespace rr::kube {

// What an image loader is asked to make available in the cluster.
struct ImageLoadRequest
{
    plan::RunPlan plan;
    // The cluster's KEP-1755 local registry, when it publishes one; loaders push there.
    std::optional<LocalRegistryHosting> registry;
    // One line per delivered image for the run's log; may be called from any thread.
    std::function<void(const QString &line)> report;
};

// How the Kubernetes runtime finds and uses a cluster.
struct KubeOptions
{
    QStringList kubeconfigFiles; // empty = KUBECONFIG, else ~/.kube/config
    QString context;             // empty = current-context
    QStringList allowedContexts; // contexts besides kind-reporunner the runtime may use (ContextPolicy)
    // For images LOADING did not move: empty = as rendered (IfNotPresent), or e.g. "Never".
    // Images moved to a registry reference always get IfNotPresent (their tags are unique).
    QString imagePullPolicy;
    int readyTimeoutSeconds = 600; // a rollout that is neither done nor failed by then fails
    int previewProbeSeconds = 60;  // how long the primary preview port may take to answer
    // Everything must stay up this long before READY, so a container that crashes right after
    // starting is diagnosed instead of being reported as ready.
    int settleMilliseconds = 1500;
    // LOADING: makes the plan's images available in the cluster (kind node import, registry
    // push) and says which reference pods must use for each. The runtime reads the cluster's
    // local-registry-hosting ConfigMap first and passes it along. Unset = images are expected
    // to be pullable already.
    std::function<QFuture<core::Result<ImageMap>>(const ImageLoadRequest &)> imageLoader;
    // Before the first deploy, find out whether the cluster enforces NetworkPolicy (a probe pair
    // of pods running this image, which needs busybox's sh, wget, timeout and httpd) and say so
    // in each run's log when it does not.
    bool probeNetworkPolicy = true;
    QString networkProbeImage = QStringLiteral("busybox:1.36");
};

} // namespace rr::kube
