#!/usr/bin/env bash
# The whole test suite: setup, build, the CTest suites, and the fuzzers under ASan/UBSan.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
"$root/scripts/setup.sh"

# Fuzz targets need clang's libFuzzer; they get their own tree.
if [ ! -f build/asan/build.ninja ]; then
    cmake --preset asan >/dev/null
fi
cmake --build build/asan -j2 --target reporunner_fuzzers

# The browser extension: its npm dependencies (exact versions from package-lock.json) and its
# bundle, which the end-to-end test loads into Chromium. setup.sh has installed npm; without it
# (a node on PATH without its npm) CI stops here instead of running without the extension.
if command -v npm >/dev/null 2>&1; then
    npm --prefix "$root/extension" ci --no-audit --no-fund
    npm --prefix "$root/extension" run build
elif [[ "${CI:-}" =~ ^(true|1)$ ]]; then
    echo "test: npm is missing: in CI the extension and the package must be built and tested" >&2
    exit 1
else
    echo "test: npm is missing: the extension is not built and its tests are not registered" >&2
fi

# The Debian package from the release tree (lintian must report no errors); the install test
# (label install) runs it in a clean Debian root. Built here, outside CTest's timeouts.
if command -v npm >/dev/null 2>&1; then
    "$root/scripts/package.sh" >/dev/null
fi

# Integration tests use the real Docker daemon and a local busybox base image (no registry).
"$root/scripts/start-dockerd.sh"
"$root/scripts/busybox-image.sh"

# The real Kubernetes that the *_real tests run against: compiled from Kubernetes' Go modules once
# per machine (cached under ~/.cache/reporunner), brought up by the local_cluster test fixture,
# and taken down at the end unless it was already up before.
"$root/scripts/local-cluster.sh" build
cluster_was_up=0
if "$root/scripts/local-cluster.sh" status >/dev/null 2>&1; then cluster_was_up=1; fi
cleanup() {
    if [ "$cluster_was_up" = 0 ]; then "$root/scripts/local-cluster.sh" down || true; fi
}
trap cleanup EXIT

export REPORUNNER_FUZZ_DIR="$root/build/asan/tests/fuzz"
ctest --test-dir build/dev --output-on-failure -j2 "$@"
