#!/usr/bin/env bash
# Registers reporunner-nativehost for the current user with Chromium-family browsers (Chrome,
# Chromium, Edge, Brave, Vivaldi), the way the .deb does system-wide: writes the host manifest
# dev.reporunner.host.json, made from installer/native-messaging/, into each browser's per-user
# NativeMessagingHosts folder. Safe to run again; --remove undoes it.
#
#   scripts/install-native-host.sh [--host PATH] [--dir DIR]... [--remove]
#
#   --host PATH  the reporunner-nativehost to register (default: build/dev's, else the installed one)
#   --dir DIR    write into DIR instead of the browsers' folders (repeatable); e.g. a test
#                profile's <user-data-dir>/NativeMessagingHosts
#   --remove     delete the manifests instead
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
name=dev.reporunner.host
extension_id=oipbogiebnohngapaiaihdajnhlacfle # fixed by the key in extension/manifest.json
template="$root/installer/native-messaging/$name.json.in"

host=""
remove=0
dirs=()
while [ $# -gt 0 ]; do
    case "$1" in
        --host) host=$2; shift 2 ;;
        --dir) dirs+=("$2"); shift 2 ;;
        --remove) remove=1; shift ;;
        -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "install-native-host: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done

if [ ${#dirs[@]} -eq 0 ]; then
    if [ "$(uname -s)" = Darwin ]; then
        base="$HOME/Library/Application Support"
        browsers=("Chromium" "Google/Chrome" "Microsoft Edge" "BraveSoftware/Brave-Browser" "Vivaldi")
    else
        base="${XDG_CONFIG_HOME:-$HOME/.config}"
        browsers=("chromium" "google-chrome" "microsoft-edge" "BraveSoftware/Brave-Browser" "vivaldi")
    fi
    for b in "${browsers[@]}"; do dirs+=("$base/$b/NativeMessagingHosts"); done
fi

if [ "$remove" -eq 1 ]; then
    for d in "${dirs[@]}"; do
        if [ -f "$d/$name.json" ]; then
            rm -f "$d/$name.json"
            echo "removed $d/$name.json"
        fi
    done
    exit 0
fi

if [ -z "$host" ]; then
    for candidate in "$root/build/dev/nativehost/reporunner-nativehost" /usr/libexec/reporunner/reporunner-nativehost \
        /usr/lib/reporunner/reporunner-nativehost; do
        if [ -x "$candidate" ]; then host=$candidate; break; fi
    done
fi
if [ -z "$host" ] || [ ! -x "$host" ]; then
    echo "install-native-host: no reporunner-nativehost found; build it (cmake --build build/dev --target reporunner-nativehost) or pass --host PATH" >&2
    exit 1
fi
host=$(cd "$(dirname "$host")" && pwd)/$(basename "$host")
# shellcheck disable=SC1003 # '\' is a backslash pattern, not an attempt to escape a quote
case "$host" in
    *'"'*|*'\'*|*'|'*|*'&'*) echo "install-native-host: the host path may not contain quotes, backslashes, | or &: $host" >&2; exit 1 ;;
esac

for d in "${dirs[@]}"; do
    mkdir -p "$d"
    sed -e "s|@REPORUNNER_NATIVEHOST_PATH@|$host|g" -e "s|@REPORUNNER_EXTENSION_ID@|$extension_id|g" \
        "$template" >"$d/$name.json.tmp"
    mv "$d/$name.json.tmp" "$d/$name.json"
    echo "registered $host in $d/$name.json"
done
