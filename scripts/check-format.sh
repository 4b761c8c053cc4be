#!/usr/bin/env bash
# Fails when any tracked C++ file differs from what clang-format would write.
set -euo pipefail
clang_format=${1:-clang-format}
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files -co --exclude-standard -- '*.cpp' '*.h' | while read -r f; do [ -f "$f" ] && echo "$f"; done)
bad=0
for f in "${files[@]}"; do
    if ! "$clang_format" --dry-run -Werror "$f" >/dev/null 2>&1; then
        echo "needs clang-format: $f"
        bad=1
    fi
done
echo "checked ${#files[@]} files"
exit $bad
