#!/usr/bin/env bash
# Runs test_kind_real (its path is $1) against real kind: builds the kind CLI and the node image
# (cached), brings up the Docker daemon kind nodes can run on here, writes the cluster config, and
# afterwards stops what it started. Where that is impossible the test is told why and skips.
set -uo pipefail
test_bin=$1
src=${REPORUNNER_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
node_image=$src/infra/kind-node-image.sh
work=$(mktemp -d)
started_docker=

skip() {
    echo "kind_real: $1" >&2
    REPORUNNER_KIND_SKIP=$1 "$test_bin"
    exit $?
}
cleanup() {
    [ -n "$started_docker" ] && "$node_image" docker-down
    rm -rf "$work"
}
trap cleanup EXIT

[ "$(id -u)" -eq 0 ] || skip "it needs root (debootstrap and, on machines short of capabilities, a Docker daemon of its own)"
command -v debootstrap >/dev/null || skip "debootstrap is not installed"
command -v kubectl >/dev/null || skip "kubectl is not installed"
[ -f "$src/scripts/cluster/build.sh" ] || skip "scripts/cluster/build.sh is missing"

kind=$("$node_image" kind | tail -n 1) || skip "the kind CLI did not build"
# Stop the private daemon afterwards only if this run started it.
private_sock=${REPORUNNER_KIND_DOCKER_DIR:-/run/reporunner-kind-docker}/docker.sock
curl -sf --max-time 2 --unix-socket "$private_sock" http://localhost/_ping >/dev/null 2>&1 || started_docker=yes
host=$("$node_image" docker-up | tail -n 1) || skip "no Docker daemon can run kind nodes here"
export "${host?}"
"$node_image" build >/dev/null || skip "infra/kind-node-image.sh build failed"
config=$("$node_image" config "$work/cluster.yaml") || skip "infra/kind-node-image.sh config failed"

PATH=$(dirname "$kind"):$PATH REPORUNNER_KIND_CONFIG=$config "$test_bin"
