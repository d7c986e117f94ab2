#!/usr/bin/env bash
# Benchmark of the restore drill (MON-BV-3) against the sandbox (or --target FILE). Prints one line per component and the
# total:   <component> restore: <s> s  ...   restore drill total: <s> s (target <= 30 s) PASS|FAIL
# The drill: a Consul KV canary, one forced run of each drilled backup job, then each component's newest backup restored into
# a scratch instance (real Prometheus; Consul and Grafana stand-ins on the sandbox) and compared. Runs the real scenario through
# run-tests.sh into a throwaway reports folder. Exit 0 when the total meets the target, 1 otherwise, 2 when it could not run.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/acceptance-bench-restore.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
TOTAL_MAX=30
die() { echo "bench: $*" >&2; exit 2; }

args=(--no-report --tags "@checklist:MON-BV-3")
[ "${1:-}" = --no-build ] && { args+=(--no-build); shift; }
[ "${1:-}" = --target ] && [ -n "${2:-}" ] && args+=(--target "$2")
ACCEPTANCE_REPORTS_DIR="$WORK/reports" "$ROOT/run-tests.sh" "${args[@]}" >"$WORK/run.log" 2>&1
rc=$?
line="$(grep -m1 '^\[restore drill\]' "$WORK/run.log")" || { tail -n 20 "$WORK/run.log" >&2; die "the restore drill did not run (run-tests.sh exit $rc)"; }
body="${line#\[restore drill\] }"
IFS=';' read -r -a parts <<<"$body"
total=""
for p in "${parts[@]}"; do
  p="${p# }"
  case "$p" in
    "drill total "*) total="$(sed -E 's/drill total ([0-9.]+) s/\1/' <<<"$p")" ;;
    "forced backups "*) printf '  %s\n' "$p" ;;
    *) printf '%s restore: %s\n' "${p%% *}" "${p#* }" ;;
  esac
done
[[ "$total" =~ ^[0-9.]+$ ]] || die "no total in: $line"
v="$(awk -v v="$total" -v m="$TOTAL_MAX" 'BEGIN { print (v <= m) ? "PASS" : "FAIL" }')"
printf 'restore drill total (forced backups + every restore): %s s (target <= %d s) %s\n' "$total" "$TOTAL_MAX" "$v"
[ "$rc" = 0 ] || echo "note: run-tests.sh exited $rc (the scenario's verdict is in its output)"
[ "$v" = PASS ]
