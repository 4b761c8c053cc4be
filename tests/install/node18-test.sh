#!/usr/bin/env bash
# The extension's toolchain on a pure Debian 12: installs Debian's own nodejs (18) and npm into a
# clean root, then runs `npm ci` from the committed lockfile, the build (protocol types,
# typecheck, bundle) and the vitest unit suite there. The end-to-end test is the one part that
# needs Node 20: playwright-core 1.62 and later refuse Node 18, and 1.61 (the last that runs on
# it) cannot drive the panel's extension-origin iframe in our e2e test.
#
#   tests/install/node18-test.sh      (root)
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)

fail() { echo "node18-test: FAIL: $*" >&2; exit 1; }
step() { echo "node18-test: $*"; }
# shellcheck source=tests/install/debian-root.sh
. "$src/tests/install/debian-root.sh"

debian_root

step "apt-get install nodejs npm (Debian's)"
apt_in_root install -y -q --no-install-recommends nodejs npm ca-certificates >"$work/apt-install.log" 2>&1 ||
    { tail -n 30 "$work/apt-install.log" >&2; fail "apt-get install nodejs npm"; }
node_version=$(in_root node --version) || fail "node does not run"
[[ "$node_version" == v18.* ]] || fail "Debian 12's nodejs should be 18, found $node_version"
step "node $node_version, npm $(in_root npm --version)"

# The registry is reached the way the host reaches it: the CA file the host's npm trusts (a
# proxy's, where there is one) and the proxy variables come along; the npm cache is shared.
npm_env=(npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false)
cafile=$(npm config get cafile 2>/dev/null || true)
if [ -n "$cafile" ] && [ "$cafile" != null ] && [ -f "$cafile" ]; then
    cp "$cafile" "$R/etc/ssl/certs/reporunner-host-npm-ca.crt"
    npm_env+=(npm_config_cafile=/etc/ssl/certs/reporunner-host-npm-ca.crt
        NODE_EXTRA_CA_CERTS=/etc/ssl/certs/reporunner-host-npm-ca.crt)
fi
for v in http_proxy https_proxy no_proxy HTTP_PROXY HTTPS_PROXY NO_PROXY; do
    if [ -n "${!v:-}" ]; then npm_env+=("$v=${!v}"); fi
done
mkdir -p "$cache/npm-node18"
bind_mount "$cache/npm-node18" /root/.npm

step "copying the extension's sources"
mkdir -p "$R/src/extension" "$R/src/engine/ipc"
tar -C "$src/extension" --exclude=./node_modules --exclude=./dist -cf - . | tar -C "$R/src/extension" -xf -
cp "$src/engine/ipc/protocol.json" "$R/src/engine/ipc/"

in_extension() { in_root "${npm_env[@]}" sh -c "cd /src/extension && $1"; }
step "npm ci"
in_extension "npm ci" >"$work/npm-ci.log" 2>&1 || { tail -n 30 "$work/npm-ci.log" >&2; fail "npm ci on Node 18"; }
step "npm run build"
in_extension "npm run build" >"$work/build.log" 2>&1 || { tail -n 30 "$work/build.log" >&2; fail "the build on Node 18"; }
[ -f "$R/src/extension/dist/manifest.json" ] || fail "the build left no dist/manifest.json"
step "the unit suite (vitest)"
in_extension "npx vitest run --config vitest.config.ts" >"$work/unit.log" 2>&1 ||
    { tail -n 40 "$work/unit.log" >&2; fail "the unit suite on Node 18"; }
grep -E "Tests +[0-9]+ passed" "$work/unit.log" || fail "vitest printed no passing count"
echo "node18-test: the extension builds and its unit suite passes on Debian's $node_version"
