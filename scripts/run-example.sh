#!/usr/bin/env bash
# The main job: set everything up, then take a repository (the bundled compose example
# by default, or any URL/path given) through RepoRunner and print what it produces.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh" >&2
target=${1:-$root/examples/compose-app}
[ $# -gt 0 ] && shift
exec "$root/build/${REPORUNNER_PRESET:-dev}/app/cli/reporunner" plan "$target" "$@"
