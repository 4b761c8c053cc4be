#!/usr/bin/env bash
# Installs every Debian package RepoRunner needs and builds the dev tree. Idempotent:
# packages already present are not fetched again and the build is incremental.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
preset=${REPORUNNER_PRESET:-dev}

mapfile -t wanted < <(grep -v '^#' "$root/scripts/packages.txt" | sed '/^$/d')
# The extension's toolchain: a Node already on PATH (e.g. a newer one in /usr/local) is used as
# it is; otherwise Debian's nodejs (18) and npm.
if ! command -v node >/dev/null 2>&1; then
    wanted+=(nodejs npm)
    echo "setup: no node on PATH: using Debian's nodejs 18 and npm. They build the extension and run its" \
        "unit tests; its end-to-end test needs Node 20 (playwright-core 1.65 refuses older, and 1.61, the" \
        "last that runs on 18, cannot drive the panel's iframe), so put a Node 20 first on PATH for it" \
        "(CI fails without)." >&2
elif ! command -v npm >/dev/null 2>&1; then
    echo "setup: node is on PATH ($(command -v node)) but npm is not; install the npm that goes with that node" >&2
    exit 1
fi
missing=()
for p in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    if [ "$(id -u)" -ne 0 ]; then
        echo "setup: run as root (or install these packages first): ${missing[*]}" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends "${missing[@]}"
    # The tests run their own docker-registry on a free port; the package's service is not wanted.
    if printf '%s\n' "${missing[@]}" | grep -qx docker-registry && command -v systemctl >/dev/null; then
        systemctl disable --now docker-registry >/dev/null 2>&1 || true
    fi
fi

cd "$root"
if [ ! -f "build/$preset/build.ninja" ]; then
    cmake --preset "$preset" >/dev/null
fi
cmake --build "build/$preset" -j2
