#pragma once

#include "kube/kubeoptions.h"

#include <optional>

namespace rr::docker {
class DockerClient;
}

namespace rr::app {

// Which Kubernetes cluster the engine offers, if any (kube::ContextPolicy): the context named in
// $REPORUNNER_KUBE_CONTEXT or the kube/context setting, else `kind-reporunner`, else the current
// context when it is on the kube/allowedContexts allow-list. A loopback server alone is not enough.
// kind contexts get an image loader that pushes built images to the cluster's local registry
// when it publishes one (KEP-1755), else imports them into the cluster's nodes.
// nullopt when no kubeconfig names a usable cluster; the engine then runs on Docker only.
std::optional<kube::KubeOptions> chooseCluster(docker::DockerClient *docker);

} // namespace rr::app
