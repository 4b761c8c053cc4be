#pragma once

#include "kube/kubeoptions.h"

namespace rr::docker {
class DockerClient;
}

namespace rr::kind {

// LOADING for a local cluster: when it publishes a KEP-1755 local registry, every image the run
// built is pushed there (only the layers the registry lacks travel) and pods use the registry
// reference; otherwise a kind cluster's nodes import the images they lack.
class ClusterImageLoader final
{
public:
    using Loader = decltype(kube::KubeOptions::imageLoader);
    // `kindCluster` empty: not a kind cluster, so without a registry there is nothing to do.
    static Loader make(docker::DockerClient *docker, const QString &kindCluster);
};

} // namespace rr::kind
