#!/usr/bin/env bash
# Runs one libFuzzer target from the asan tree for N seconds on a copy of its seed corpus
# (tests/fuzz/corpus/<name without fuzz_>). Fails on any crash, leak or sanitizer report,
# and fails (never skips) when the binary has not been built.
set -euo pipefail
name=${1:?usage: run-fuzzer.sh NAME [SECONDS]}
seconds=${2:-20}
root=$(cd "$(dirname "$0")/.." && pwd)
fuzz_dir=${REPORUNNER_FUZZ_DIR:-$root/build/asan/tests/fuzz}
bin="$fuzz_dir/$name"
if [ ! -x "$bin" ]; then
    echo "FAIL: fuzzer binary not found: $bin" >&2
    echo "Build it with: cmake --preset asan && cmake --build build/asan --target reporunner_fuzzers" >&2
    exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/rr-fuzz-$name.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/corpus"
seeds="$root/tests/fuzz/corpus/${name#fuzz_}"
if [ -d "$seeds" ]; then
    cp -R "$seeds/." "$work/corpus/"
fi
args=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$work/")
dict="$root/tests/fuzz/${name#fuzz_}.dict"
if [ -f "$dict" ]; then
    args+=(-dict="$dict")
fi

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
status=0
"$bin" "${args[@]}" "$work/corpus" >"$work/log" 2>&1 || status=$?

# Sanitizer reports can appear without a non-zero exit (e.g. recoverable UBSan checks).
if [ "$status" -ne 0 ] || grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|libFuzzer)|runtime error:' "$work/log"; then
    keep="$fuzz_dir/artifacts/$name"
    mkdir -p "$keep"
    cp "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-* "$keep/" 2>/dev/null || true
    tail -n 80 "$work/log" >&2
    echo "FAIL: $name found a problem (exit $status); reproducers kept in $keep" >&2
    exit 1
fi
grep -E '^(stat::number_of_executed_units|#[0-9]+.*DONE)' "$work/log" || true
echo "OK: $name ran ${seconds}s without findings"
