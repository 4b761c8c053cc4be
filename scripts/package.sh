#!/usr/bin/env bash
# Builds the Debian package from the release tree: the installed binaries, the extension bundle,
# then cpack, then lintian (any error fails). Incremental and safe to run again; prints the
# .deb's path last. scripts/test.sh runs it before CTest; the install test runs it too.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build="$root/build/release"

cd "$root"
# The package always has the embedded preview (the preset turns REPORUNNER_WEBENGINE on; an
# older tree configured without it is configured again).
if [ ! -f "$build/build.ninja" ] || ! grep -qx 'REPORUNNER_WEBENGINE:BOOL=ON' "$build/CMakeCache.txt"; then
    cmake --preset release >/dev/null
fi
# Only what the package installs (the release tree's benchmarks are scripts/bench.sh's business).
cmake --build "$build" -j2 --target reporunner reporunner-tray reporunner-nativehost reporunner-firewall reporunner_icons

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

# --fail-on error: warnings are shown, errors fail the package.
lintian --fail-on error --tag-display-limit 0 "$deb" >&2
echo "$deb"
