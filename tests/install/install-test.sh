#!/usr/bin/env bash
# The package on a clean Debian 12: builds the .deb (scripts/package.sh: release tree, extension,
# cpack, lintian with no errors allowed), installs it with apt into a fresh debootstrap root,
# runs the CLI, the tray app and the native host there, checks every browser manifest and the
# extension, purges the package and checks that nothing of ours is left.
#
#   tests/install/install-test.sh [DEB]      (root; DEB defaults to what scripts/package.sh builds)
#
# The minbase root is cached as a tarball under ~/.cache/reporunner/rootfs/, keyed by suite and
# variant, and apt's downloads and lists under ~/.cache/reporunner/apt/, so a warm machine
# neither debootstraps nor downloads again.
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
origin=chrome-extension://oipbogiebnohngapaiaihdajnhlacfle/

fail() { echo "install-test: FAIL: $*" >&2; exit 1; }
step() { echo "install-test: $*"; }
# shellcheck source=tests/install/debian-root.sh
. "$src/tests/install/debian-root.sh"

for tool in dpkg-deb python3; do
    command -v "$tool" >/dev/null || fail "$tool is missing (scripts/setup.sh installs it)"
done

deb=${1:-}
if [ -z "$deb" ]; then
    deb=$("$src/scripts/package.sh" | tail -n 1) || fail "scripts/package.sh failed (build, cpack or lintian)"
fi
[ -f "$deb" ] || fail "no package at $deb"
version=$(dpkg-deb -f "$deb" Version)

debian_root

# Every path in the root except the mounts, caches and the places the checks write to.
snapshot() {
    (cd "$R" && find . \( -path ./proc -o -path ./dev -o -path ./var/cache/apt -o -path ./var/lib/apt/lists \
        -o -path ./tmp -o -path ./root -o -path ./run -o -path ./var/log \) -prune -o -print | sort)
}

snapshot >"$work/before"
cp "$deb" "$R/tmp/"
step "apt-get install ./$(basename "$deb")"
apt_in_root install -y -q --no-install-recommends "/tmp/$(basename "$deb")" >"$work/apt-install.log" 2>&1 ||
    { tail -n 30 "$work/apt-install.log" >&2; fail "apt-get install of the package"; }
rm -f "$R/tmp/$(basename "$deb")"
mkdir -p "$R/run/user"
mkdir -m 0700 "$R/run/user/0"

step "reporunner --version"
out=$(in_root reporunner --version) || fail "reporunner --version exited $?"
[ "$out" = "reporunner $version" ] || fail "reporunner --version printed '$out', wanted 'reporunner $version'"

step "reporunner plan /usr/share/reporunner/examples/compose-app"
in_root reporunner plan /usr/share/reporunner/examples/compose-app >"$work/plan.out" 2>"$work/plan.err" ||
    { cat "$work/plan.err" >&2; fail "reporunner plan exited non-zero"; }
for want in "kind: Namespace" "kind: Deployment" "name: web" "name: api" "name: db"; do
    grep -q "$want" "$work/plan.out" || fail "the plan lacks '$want'"
done

step "reporunner-tray --version (offscreen)"
out=$(in_root QT_QPA_PLATFORM=offscreen reporunner-tray --version 2>&1) || fail "reporunner-tray --version exited $?: $out"
[ "$out" = "reporunner $version" ] || fail "reporunner-tray --version printed '$out', wanted 'reporunner $version'"

# The firewall helper for engines that are not root, and systemd's units for it (the chroot has
# no systemd: postinst leaves enabling to where one runs).
step "reporunner-firewall --version"
helper=/usr/libexec/reporunner/reporunner-firewall
out=$(in_root "$helper" --version 2>&1) || fail "reporunner-firewall --version exited $?: $out"
[ "$out" = "reporunner-firewall $version" ] || fail "reporunner-firewall --version printed '$out'"
[ -f "$R/lib/systemd/system/reporunner-firewall.socket" ] || fail "no reporunner-firewall.socket unit"
grep -qx "ExecStart=$helper --group docker" "$R/lib/systemd/system/reporunner-firewall.service" ||
    fail "reporunner-firewall.service does not start $helper"

# The embedded preview: the package names Qt WebEngine's QML module (loaded by the tray app's
# preview window, so no linked library brings it); it, its libraries and Chromium's helper
# process must be there and resolve.
if dpkg-deb -f "$deb" Depends | grep -q 'qml6-module-qtwebengine'; then
    step "embedded preview: QtWebEngine QML module and QtWebEngineProcess"
    plugin=/usr/lib/x86_64-linux-gnu/qt6/qml/QtWebEngine/libqtwebenginequickplugin.so
    [ -f "$R$plugin" ] || fail "no QtWebEngine QML module at $plugin"
    [ -x "$R/usr/lib/qt6/libexec/QtWebEngineProcess" ] || fail "no QtWebEngineProcess"
    missing=$(in_root ldd "$plugin" /usr/lib/qt6/libexec/QtWebEngineProcess | grep 'not found' || true)
    [ -z "$missing" ] || fail "the preview's libraries do not resolve: $missing"
else
    fail "the package does not depend on qml6-module-qtwebengine: built without REPORUNNER_WEBENGINE?"
fi

# The browser manifests: one per browser folder, each naming an executable that exists, for the
# extension id that the installed extension's key yields.
key=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["key"])' \
    "$R/usr/share/reporunner/extension/unpacked/manifest.json") || fail "the installed extension has no manifest key"
extension_id=$(printf '%s' "$key" | base64 -d | sha256sum | cut -c1-32 | tr '0-9a-f' 'a-p')
host=""
for dir in /etc/opt/chrome /etc/chromium /etc/opt/edge /etc/opt/brave /etc/opt/vivaldi; do
    manifest="$R$dir/native-messaging-hosts/dev.reporunner.host.json"
    [ -f "$manifest" ] || fail "no host manifest at $dir/native-messaging-hosts"
    read -r name path allowed < <(python3 -c 'import json,sys; m=json.load(open(sys.argv[1]))
print(m["name"], m["path"], ",".join(m["allowed_origins"]))' "$manifest") || fail "$manifest is not valid JSON"
    [ "$name" = dev.reporunner.host ] || fail "$manifest names '$name'"
    { [ -x "$R$path" ] && [ -f "$R$path" ]; } || fail "$manifest points at $path, which is not an installed executable"
    [ "$allowed" = "chrome-extension://$extension_id/" ] || fail "$manifest allows '$allowed', the extension is $extension_id"
    host=$path
done
[ "$origin" = "chrome-extension://$extension_id/" ] || fail "the extension's key gives id $extension_id, not the one the host accepts"
zipped=$(python3 -m zipfile -l "$R/usr/share/reporunner/extension/reporunner-extension.zip") ||
    fail "reporunner-extension.zip is missing or not a zip"
grep -q '^manifest.json ' <<<"$zipped" || fail "reporunner-extension.zip has no manifest.json at its top"

# The native host the way a browser starts it: origin in argv, a framed request on stdin. It
# starts the installed `reporunner serve` and relays the engine's reply.
step "native host: hello frame"
request='{"id":1,"method":"hello","params":{"client":"install-test"}}'
mkfifo "$work/host.in"
in_root "$host" "$origin" <"$work/host.in" >"$work/host.out" 2>"$work/host.err" &
host_pid=$!
exec 3>"$work/host.in"
n=${#request}
printf "\\x$(printf %02x $((n & 255)))\\x$(printf %02x $((n >> 8 & 255)))\\x00\\x00%s" "$request" >&3
reply=""
for _ in $(seq 1 150); do
    if [ "$(stat -c %s "$work/host.out")" -ge 4 ]; then
        len=$(od -An -tu4 -N4 "$work/host.out" | tr -d ' ')
        if [ "$(stat -c %s "$work/host.out")" -ge $((4 + len)) ]; then
            reply=$(tail -c +5 "$work/host.out" | head -c "$len")
            break
        fi
    fi
    sleep 0.2
done
exec 3>&-
[ -n "$reply" ] || { cat "$work/host.err" >&2; fail "the native host sent no reply within 30 s"; }
# The answer comes from the installed engine: `reporunner serve` names itself and its version.
python3 -c 'import json,sys; r=json.loads(sys.argv[1]); res=r.get("result") or {}
sys.exit(0 if r.get("id")==1 and res.get("server")=="reporunner" and res.get("version")==sys.argv[2] else 1)' \
    "$reply" "$version" || fail "the native host's reply is not the engine's hello for request 1: $reply"
step "native host relayed: $reply"
for _ in $(seq 1 50); do kill -0 "$host_pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$host_pid" 2>/dev/null; then fail "the native host did not exit when its stdin closed"; fi
wait "$host_pid" || fail "the native host exited with $? after stdin closed"
serve_pid=$(cat "$R/run/user/0/reporunner/serve.pid" 2>/dev/null) || fail "the host started no reporunner serve"
kill "$serve_pid" 2>/dev/null || true
for _ in $(seq 1 50); do kill -0 "$serve_pid" 2>/dev/null || break; sleep 0.1; done

# Purge, then nothing the package installed or its scripts made may be left.
in_root dpkg-query -L reporunner | sed 's|^/|./|' >"$work/ours"
printf './etc/opt/%s/native-messaging-hosts/dev.reporunner.host.json\n' chrome edge brave vivaldi >>"$work/ours"
printf '%s\n' ./etc/chromium/native-messaging-hosts/dev.reporunner.host.json ./var/lib/reporunner >>"$work/ours"
step "apt-get purge reporunner"
apt_in_root purge -y -q reporunner >"$work/apt-purge.log" 2>&1 || { tail -n 20 "$work/apt-purge.log" >&2; fail "apt-get purge"; }
snapshot >"$work/after"
comm -13 "$work/before" "$work/after" >"$work/new"
left=$( (sort -u "$work/ours" | comm -12 - "$work/new"; grep -i reporunner "$work/new" || true) | sort -u)
[ -z "$left" ] || fail "after purge these are still there: $(echo "$left" | tr '\n' ' ')"
step "PASS: $(basename "$deb") installs, runs and purges cleanly on $suite"
