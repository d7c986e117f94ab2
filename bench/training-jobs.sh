#!/usr/bin/env bash
# Benchmark of the ML training job checks against the sandbox (or --target FILE). Prints one line per figure:
#   <what>: <value> (target <limit>) PASS|FAIL
# 1. one training job end to end (submit → evaluated → placed → running → finished), with the stage breakdown
# 2. scale.concurrent_jobs (6 on the sandbox) concurrent jobs until all finished, placement p50/p95, jobs per minute
# Runs the real scenarios (DEPLOY-AD-3, NEXT-SCALE-1) through run-tests.sh into a throwaway reports folder.
# Exit 0 when every figure meets its target, 1 otherwise, 2 when the benchmark could not run.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/acceptance-bench-training.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
ONE_MAX=15 CONCURRENT_MAX=30
die() { echo "bench: $*" >&2; exit 2; }
verdict() { awk -v v="$1" -v m="$2" 'BEGIN { print (v <= m) ? "PASS" : "FAIL" }'; }

args=(--no-report --tags "@checklist:DEPLOY-AD-3 or @checklist:NEXT-SCALE-1")
[ "${1:-}" = --target ] && [ -n "${2:-}" ] && args+=(--target "$2")
ACCEPTANCE_REPORTS_DIR="$WORK/reports" "$ROOT/run-tests.sh" "${args[@]}" >"$WORK/run.log" 2>&1
rc=$?
grep -q '^\[training job\]' "$WORK/run.log" || { tail -n 20 "$WORK/run.log" >&2; die "the training scenario did not run (run-tests.sh exit $rc)"; }

fail=0
line="$(grep -m1 '^\[training job\]' "$WORK/run.log")"
one="$(sed -E 's/.*finished \+([0-9.]+) s.*/\1/' <<<"$line")"
[[ "$one" =~ ^[0-9.]+$ ]] || { echo "one training job end to end: not finished ($line)  FAIL"; fail=1; one=""; }
if [ -n "$one" ]; then
  v="$(verdict "$one" "$ONE_MAX")"; [ "$v" = PASS ] || fail=1
  printf 'one training job end to end: %s s (target <= %d s) %s\n' "$one" "$ONE_MAX" "$v"
  printf '  stages: %s\n' "${line#*: }"
fi
conc="$(grep -m1 '^\[concurrent training\]' "$WORK/run.log")"
if [ -n "$conc" ]; then
  n="$(sed -E 's/^\[concurrent training\] ([0-9]+) jobs.*/\1/' <<<"$conc")"
  t="$(sed -E 's/.* jobs in ([0-9.]+) s.*/\1/' <<<"$conc")"
  v="$(verdict "$t" "$CONCURRENT_MAX")"; [ "$v" = PASS ] || fail=1
  printf '%s concurrent training jobs until all finished: %s s (target <= %d s) %s\n' "$n" "$t" "$CONCURRENT_MAX" "$v"
  printf '  %s\n' "${conc#*; }"
else
  echo "concurrent training jobs: did not run  FAIL"; fail=1
fi
grep -E '^Scenarios:' "$WORK/run.log"
[ "$rc" = 0 ] || { echo "run-tests.sh exit $rc: a scenario failed (see the figures above)"; fail=1; }
exit "$fail"
