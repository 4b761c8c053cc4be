#!/usr/bin/env bash
# The main job: set everything up, then deploy a repository (the bundled compose example by
# default, or any URL/path given) with RepoRunner and print its preview URL(s). The run stays
# up afterwards, hosted by a background `reporunner serve`; `reporunner stop <id>` (or
# `stop --all`) removes it. `--plan-only` prints the run plan instead of deploying.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh" >&2
cli="$root/build/${REPORUNNER_PRESET:-dev}/app/cli/reporunner"
plan_only=0
if [ "${1:-}" = "--plan-only" ]; then
    plan_only=1
    shift
fi
target=${1:-$root/examples/compose-app}
[ $# -gt 0 ] && shift
if [ "$plan_only" = 1 ]; then
    exec "$cli" plan "$target" "$@"
fi
# Deploying needs a Docker daemon (builds, and the runtime when no cluster answers) and the
# offline base image the examples build from.
"$root/scripts/start-dockerd.sh" >&2
"$root/scripts/busybox-image.sh" >&2
# A cluster that scripts/local-cluster.sh brought up is the best runtime while it answers: its
# context is named explicitly, which is what allows the engine to deploy there.
if "$root/scripts/local-cluster.sh" status >/dev/null 2>&1; then
    while IFS='=' read -r key value; do
        case "$key" in KUBECONFIG | REPORUNNER_KUBE_CONTEXT) export "$key=$value" ;; esac
    done < <("$root/scripts/local-cluster.sh" env)
    echo "run-example: deploying into the local cluster ($REPORUNNER_KUBE_CONTEXT)" >&2
fi
"$cli" run "$target" --runtime auto "$@"
echo "The run keeps going; see it with '$cli ps' and remove it with '$cli stop --all'." >&2
