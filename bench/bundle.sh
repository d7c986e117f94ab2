#!/usr/bin/env bash
# What sealing the evidence costs a run (docs/evidence-bundle.md). Takes a run's reports folder (default: reports/),
# copies it, grows its raw results SCALE times (BUNDLE_SCALE, default 10: a run with ten times the attachments),
# and prints one line per figure:
#   <what>: <value> (target <limit>) PASS|FAIL
# seal (manifest, secret scan, tar.gz, two ssh-keygen signatures, store copy) and verify (signature and every file),
# each the wall time of the CLI, and the bundle's size. Needs a built src/Cli and ssh-keygen.
# Exit 0 when every figure meets its target, 1 otherwise, 2 when the benchmark could not run.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPORTS="${1:-$ROOT/reports}"
SCALE="${BUNDLE_SCALE:-10}"
CLI=(dotnet "$ROOT/src/Cli/bin/Release/net10.0/acceptance.dll")
WORK="$(mktemp -d "${TMPDIR:-/tmp}/acceptance-bundle-bench.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
die() { echo "bench: $*" >&2; exit 2; }
[ -f "${CLI[1]}" ] || die "build src/Cli first (dotnet build src/Cli/Cli.csproj -c Release)"
command -v ssh-keygen >/dev/null || die "ssh-keygen not found (apt-get install openssh-client)"
[ -f "$REPORTS/summary.json" ] || die "$REPORTS holds no run (summary.json): give a run's reports folder"

mkdir -p "$WORK/reports"
for f in checklist.md checklist.html checklist.pdf banner.html summary.json fingerprint.json junit trx allure-report allure-results; do
  [ -e "$REPORTS/$f" ] && cp -r "$REPORTS/$f" "$WORK/reports/"
done
for ((i = 2; i <= SCALE; i++)); do
  for f in "$REPORTS"/allure-results/*; do cp "$f" "$WORK/reports/allure-results/x$i-$(basename "$f")"; done
done
ssh-keygen -q -t ed25519 -N '' -C bench -f "$WORK/key"
printf 'bench@local namespaces="acceptance-evidence" %s\n' "$(cut -d' ' -f1,2 "$WORK/key.pub")" >"$WORK/allowed"
printf 'name: bench\nenvironment: bench\nservices:\n  prometheus: { address: "http://127.0.0.1:9" }\nevidence: { signing_key: key, allowed_signers: allowed, store: store }\n' >"$WORK/target.yaml"
files=$(find "$WORK/reports" -type f | wc -l)
input=$(du -sm "$WORK/reports" | cut -f1)
echo "==> $files files, $input MB (raw results x$SCALE) from $REPORTS" >&2

now() { date +%s.%N; }
rc=0
figure() { # what value unit limit
  local ok; ok=$(awk -v v="$2" -v l="$4" 'BEGIN { print (v <= l) ? "PASS" : "FAIL" }')
  printf '%s: %s %s (target <= %s %s) %s\n' "$1" "$2" "$3" "$4" "$3" "$ok"
  [ "$ok" = PASS ] || rc=1
}
t0=$(now)
"${CLI[@]}" seal --reports "$WORK/reports" --checklist "$ROOT/checklist" --run-id bench --target "$WORK/target.yaml" --suite-commit bench >"$WORK/seal.log" 2>&1 \
  || { cat "$WORK/seal.log" >&2; die "seal failed"; }
t1=$(now)
"${CLI[@]}" verify "$WORK/reports/bundle/acceptance-bench.tar.gz" --allowed-signers "$WORK/allowed" >"$WORK/verify.log" 2>&1 \
  || { cat "$WORK/verify.log" >&2; die "verify failed"; }
t2=$(now)
size=$(du -m "$WORK/reports/bundle/acceptance-bench.tar.gz" | cut -f1)
figure "seal ($files files, $input MB)" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')" s 5
figure "verify" "$(awk -v a="$t1" -v b="$t2" 'BEGIN { printf "%.2f", b - a }')" s 5
figure "bundle size" "$size" MB 100
exit $rc
