#!/usr/bin/env bash
# Benchmark of the load checks against the sandbox (or --target FILE), in one run. Prints one line per figure:
#   <what>: <value> (target <limit>) PASS|FAIL
# 1. a 30-second load test of the load balancer with wrk through the suite's own path (bench/LoadBench: engine via
#    CliWrap, parsing, judging, evidence, both charts): the suite's p95 and throughput against wrk's own figures
#    (wrk's latency:percentile(95) and the "Requests/sec:" line of wrk's own text), within 10 %;
#    the suite's overhead (total wall time - the 30 s of load) below 2 s
# 2. a 10-second run with hey: the suite's p95 and throughput against the same figures computed by awk straight from
#    hey's raw CSV (sort, nearest rank; rows / seconds), within 10 %
# Exit 0 when every figure meets its target, 1 otherwise, 2 when the benchmark could not run.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/acceptance-bench-load.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
die() { echo "bench: $*" >&2; exit 2; }
within() { awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { d = (b == 0) ? 0 : (a - b) / b * 100; if (d < 0) d = -d; printf "%.1f %s", d, (d <= t) ? "PASS" : "FAIL" }'; }
below() { awk -v v="$1" -v m="$2" 'BEGIN { print (v < m) ? "PASS" : "FAIL" }'; }
get() { sed -n "s/^$1=//p" "$2" | head -n1; }

TARGET="${SANDBOX_STATE:-$ROOT/sandbox/.state}/target.yaml"
[ "${1:-}" = --target ] && [ -n "${2:-}" ] && TARGET="$2"
[ -f "$TARGET" ] || die "no target file at $TARGET (run sandbox/up, or give --target FILE)"
dotnet build "$ROOT/bench/LoadBench/LoadBench.csproj" -c Release -v q -nologo >"$WORK/build.log" 2>&1 || { tail -n 20 "$WORK/build.log" >&2; die "the build failed"; }
BENCH="$ROOT/bench/LoadBench/bin/Release/net10.0/Acceptance.Bench.LoadBench.dll"
fail=0

# 1. wrk, 30 s
dotnet "$BENCH" "$TARGET" load_balancer 30 wrk "$WORK/wrk.txt" >"$WORK/wrk.env" 2>"$WORK/wrk.err" || { cat "$WORK/wrk.err" >&2; die "the wrk run failed"; }
sp95="$(get SUITE_P95_MS "$WORK/wrk.env")"; srps="$(get SUITE_RPS "$WORK/wrk.env")"
op95="$(get OWN_P95_MS "$WORK/wrk.env")"
orps="$(sed -n 's/^Requests\/sec: *//p' "$WORK/wrk.txt")"
over="$(get OVERHEAD_SECONDS "$WORK/wrk.env")"
read -r d v <<<"$(within "$sp95" "$op95" 10)"; [ "$v" = PASS ] || fail=1
printf 'wrk 30 s: suite p95 %s ms vs wrk latency:percentile(95) %s ms: %s %% apart (target <= 10 %%) %s\n' "$sp95" "$op95" "$d" "$v"
read -r d v <<<"$(within "$srps" "$orps" 10)"; [ "$v" = PASS ] || fail=1
printf 'wrk 30 s: suite throughput %s req/s vs wrk Requests/sec %s: %s %% apart (target <= 10 %%) %s\n' "$srps" "$orps" "$d" "$v"
v="$(below "$over" 2)"; [ "$v" = PASS ] || fail=1
printf 'wrk 30 s: suite overhead %s s (engine process %s s, total %s s; target < 2 s) %s\n' "$over" "$(get ENGINE_SECONDS "$WORK/wrk.env")" "$(get TOTAL_SECONDS "$WORK/wrk.env")" "$v"

# 2. hey, 10 s, against awk over its raw CSV
if command -v hey >/dev/null; then
  dotnet "$BENCH" "$TARGET" load_balancer 10 hey "$WORK/hey.csv" >"$WORK/hey.env" 2>"$WORK/hey.err" || { cat "$WORK/hey.err" >&2; die "the hey run failed"; }
  sp95="$(get SUITE_P95_MS "$WORK/hey.env")"; srps="$(get SUITE_RPS "$WORK/hey.env")"
  tail -n +2 "$WORK/hey.csv" | cut -d, -f1 | sort -g >"$WORK/lat.txt"
  n="$(wc -l <"$WORK/lat.txt")"
  ap95="$(awk -v n="$n" 'BEGIN { r = int(0.95 * n); if (r < 0.95 * n) r++ } NR == r { printf "%.3f", $1 * 1000 }' "$WORK/lat.txt")"
  arps="$(awk -v n="$n" 'BEGIN { printf "%.3f", n / 10 }')"
  read -r d v <<<"$(within "$sp95" "$ap95" 10)"; [ "$v" = PASS ] || fail=1
  printf 'hey 10 s: suite p95 %s ms vs awk over hey'"'"'s CSV %s ms: %s %% apart (target <= 10 %%) %s\n' "$sp95" "$ap95" "$d" "$v"
  read -r d v <<<"$(within "$srps" "$arps" 10)"; [ "$v" = PASS ] || fail=1
  printf 'hey 10 s: suite throughput %s req/s vs CSV rows / 10 s %s: %s %% apart (target <= 10 %%) %s\n' "$srps" "$arps" "$d" "$v"
else
  echo "hey 10 s: hey is not installed (sandbox/up installs it): not measured"
fi
exit "$fail"
