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

# Integration tests use the real Docker daemon and a local busybox base image (no registry).
"$root/scripts/start-dockerd.sh"
"$root/scripts/busybox-image.sh"

export REPORUNNER_FUZZ_DIR="$root/build/asan/tests/fuzz"
ctest --test-dir build/dev --output-on-failure -j2 "$@"
