#!/usr/bin/env bash
# Builds the Debian package from the release tree: the installed binaries, the extension bundle,
# then cpack, then lintian (any error fails). Incremental and safe to run again; prints the
# .deb's path last. scripts/test.sh runs it before CTest; the install test runs it too.
#
#   scripts/package.sh [--no-lintian]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build="$root/build/release"
lintian=1
case "${1:-}" in
    --no-lintian) lintian=0 ;;
    "") ;;
    *) echo "package: unknown argument $1" >&2; exit 2 ;;
esac

cd "$root"
if [ ! -f "$build/build.ninja" ]; then
    cmake --preset release >/dev/null
fi
# Only what the package installs (the release tree's benchmarks are scripts/bench.sh's business).
cmake --build "$build" -j2 --target reporunner reporunner-tray reporunner-nativehost reporunner_icons

# The extension: dependencies only when package-lock.json changed since the last `npm ci`.
if ! command -v npm >/dev/null 2>&1; then
    echo "package: npm is missing, so the extension can't be built (scripts/setup.sh installs Debian's nodejs and npm)" >&2
    exit 1
fi
if [ ! -f extension/node_modules/.package-lock.json ] ||
    [ extension/package-lock.json -nt extension/node_modules/.package-lock.json ]; then
    npm --prefix extension ci --no-audit --no-fund
fi
npm --prefix extension run build >/dev/null

rm -f "$build"/reporunner_*.deb
(cd "$build" && cpack -G DEB >/dev/null)
deb=$(ls "$build"/reporunner_*.deb)

if [ "$lintian" -eq 1 ]; then
    # --fail-on error: warnings are reported but only errors fail the package.
    lintian --fail-on error --no-tag-display-limit "$deb" >&2
fi
echo "$deb"
