#!/usr/bin/env bash
# Proves that a real run of the checklist ends in Success with the documented example files: re-judges the run's
# allure-results with docs/examples/attestations.yaml and docs/examples/waivers.yaml (through `acceptance report`, as
# run-tests.sh does), instead of a second full suite run. The examples carry the dates of the run they were written
# for; a copy with the dates moved to today (each statement keeping its validity) is used. Exits 0 only on Success.
#
#   tests/signoff-success.sh [RESULTS_DIR] [TARGET_FILE]
#     defaults: reports/allure-results (the last ./run-tests.sh) and sandbox/.state/target.yaml
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RESULTS="${1:-$ROOT/reports/allure-results}"
TARGET="${2:-${SANDBOX_STATE:-$ROOT/sandbox/.state}/target.yaml}"
CLI=(dotnet "$ROOT/src/Cli/bin/Release/net10.0/acceptance.dll")
die() { echo "signoff-success.sh: $*" >&2; exit 2; }
[ -d "$RESULTS" ] || die "no results folder $RESULTS (run ./run-tests.sh first)"
[ -f "$TARGET" ] || die "no target file $TARGET"
[ -f "${CLI[1]}" ] || die "${CLI[1]} is missing (build src/Cli)"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/signoff-success.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
cp -r "$RESULTS" "$WORK/results"          # the run's own folder is left as it is
cp -r "$ROOT/docs/examples" "$WORK/examples"
/usr/bin/python3 - "$WORK/examples" <<'PY' || die "could not move the example dates to today"
import datetime, re, sys, pathlib
today = datetime.date.today()
for p in pathlib.Path(sys.argv[1]).glob("*.yaml"):
    text = p.read_text()
    pairs = re.findall(r"\b(date|expires): (\d{4}-\d{2}-\d{2})", text)
    latest = max(datetime.date.fromisoformat(v) for k, v in pairs if k == "date")
    shift = (today - datetime.timedelta(days=1)) - latest
    p.write_text(re.sub(r"\b(date|expires): (\d{4}-\d{2}-\d{2})",
                        lambda m: f"{m.group(1)}: {datetime.date.fromisoformat(m.group(2)) + shift}", text))
PY
"${CLI[@]}" report --results "$WORK/results" --checklist "$ROOT/checklist" --out "$WORK/out" --target "$TARGET" \
  --attestations "$WORK/examples/attestations.yaml" --waivers "$WORK/examples/waivers.yaml" --run-id signoff-success >"$WORK/report.log" 2>&1
rc=$?
grep -E "^(Change|Scenarios|Checklist lines)|WAIVED|FAILED|BROKEN|not accepted|ignored" "$WORK/report.log"
status="$(sed -n 's/.*"sign_off_status": "\(.*\)",*$/\1/p' "$WORK/out/summary.json" 2>/dev/null | head -1)"
if [ "$status" != Success ]; then
  grep -F -- "**not verified**" "$WORK/out/checklist.md" | sed 's/^ */  /' | head -20
  echo "signoff-success.sh: the run with the example files ends ${status:-without a report} (report exit $rc), not Success" >&2
  exit 1
fi
echo "signoff-success.sh: with docs/examples/attestations.yaml and waivers.yaml the run ends Success"
