#!/usr/bin/env bash
# Runs shellcheck over every shell script of the project: each *.sh, and each file without an
# extension whose first line is a sh/bash shebang, under scripts/, infra/, tests/ and .ci/ (new
# scripts are covered without registering them). Fails on any finding, style included.
#
#   scripts/check-shell.sh [SHELLCHECK]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
shellcheck=${1:-shellcheck}
command -v "$shellcheck" >/dev/null || { echo "check-shell: shellcheck is missing (apt-get install shellcheck)" >&2; exit 1; }

cd "$root"
scripts=()
while IFS= read -r -d '' f; do
    case "${f##*/}" in
        *.sh) scripts+=("$f") ;;
        *.*) ;;
        *) if head -n 1 "$f" | grep -qE '^#!(/usr/bin/env |/bin/|/usr/bin/)(ba|da)?sh( |$)'; then scripts+=("$f"); fi ;;
    esac
done < <(find scripts infra tests .ci -type d -name node_modules -prune -o -type f -print0 2>/dev/null)
[ ${#scripts[@]} -gt 0 ] || { echo "check-shell: found no scripts under $root" >&2; exit 1; }
echo "check-shell: ${#scripts[@]} scripts"
printf "  %s\n" "${scripts[@]}"
"$shellcheck" --external-sources "${scripts[@]}"
