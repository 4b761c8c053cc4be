#!/usr/bin/env bash
# Builds the optimised release tree and runs every benchmark, printing their tables one
# after another. Docker-based benchmarks need dockerd (started here when none answers).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
REPORUNNER_PRESET=release "$root/scripts/setup.sh" >&2
"$root/scripts/start-dockerd.sh" >&2
"$root/scripts/busybox-image.sh" >&2
# bench_bridge drives Chromium with the built extension: its npm toolchain, exactly as locked.
command -v npm >/dev/null && npm --prefix "$root/extension" ci --no-audit --no-fund >&2
for b in "$root"/build/release/bench/bench_*; do
    [ -x "$b" ] || continue
    echo "== $(basename "$b")"
    case "$(basename "$b")" in
        # The tray app needs an X display with a tray host: the GUI tests' private Xvfb session.
        bench_tray) QT_QUICK_BACKEND=software "$root/tests/gui/run-under-xvfb.sh" "$b" "$@" ;;
        *) "$b" "$@" ;;
    esac
    echo
done
