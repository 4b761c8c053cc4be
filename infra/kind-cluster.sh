#!/usr/bin/env bash
# Create, verify or destroy the `reporunner` kind cluster with its local registry.
# Needs the `kind` CLI and a `registry:2` image already present (nothing is downloaded here).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cluster=${REPORUNNER_KIND_CLUSTER:-reporunner}
registry=kind-registry
registry_port=5001

need() { command -v "$1" >/dev/null || { echo "kind-cluster: '$1' is not installed" >&2; exit 2; }; }

create() {
    need kind; need docker
    if kind get clusters 2>/dev/null | grep -qx "$cluster"; then
        echo "cluster $cluster already exists"
    else
        kind create cluster --name "$cluster" --config "$here/kind/cluster.yaml"
    fi
    if ! docker inspect "$registry" >/dev/null 2>&1; then
        docker run -d --restart=always -p "127.0.0.1:${registry_port}:5000" --network bridge \
            --name "$registry" registry:2
    fi
    docker network connect kind "$registry" 2>/dev/null || true
    for node in $(kind get nodes --name "$cluster"); do
        docker exec "$node" mkdir -p "/etc/containerd/certs.d/localhost:${registry_port}"
        printf '[host."http://%s:5000"]\n' "$registry" |
            docker exec -i "$node" cp /dev/stdin "/etc/containerd/certs.d/localhost:${registry_port}/hosts.toml"
    done
    kubectl --context "kind-$cluster" apply -f "$here/kind/local-registry-hosting.yaml"
    verify
}

verify() {
    need kubectl
    kubectl --context "kind-$cluster" get --raw /readyz >/dev/null
    kubectl --context "kind-$cluster" -n kube-public get configmap local-registry-hosting >/dev/null
    echo "cluster $cluster is ready (context kind-$cluster)"
}

destroy() {
    need kind
    kind delete cluster --name "$cluster"
    docker rm -f "$registry" >/dev/null 2>&1 || true
}

case "${1:-}" in
create | verify | destroy) "$1" ;;
*) echo "usage: $0 create|verify|destroy" >&2; exit 2 ;;
esac
