#!/usr/bin/env bash
# Builds and runs every benchmark, printing their tables one after another.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh" >&2
for b in "$root"/build/dev/bench/bench_*; do
    [ -x "$b" ] || continue
    echo "== $(basename "$b")"
    "$b"
    echo
done
