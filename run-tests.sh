#!/usr/bin/env bash
# Runs the production deployment checklist against a target and leaves the evidence in reports/.
# See ./run-tests.sh --help.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"

EXIT_OK=0          # every check that ran passed or its failure is waived (lines not verified do not count unless --strict)
EXIT_CHECKS=1      # at least one check failed (deployment defect) or broke (environment problem)
EXIT_NOSTART=2     # the run could not start: bad target file, bad attestations file, missing tool, sandbox down

usage() {
  cat <<'EOF'
Usage: ./run-tests.sh [options]

Runs the Gherkin features in features/ against a target environment and writes the evidence:
  reports/allure-report/awesome/index.html   the single-file report (opens from file://)
  reports/allure-report/dashboard/index.html trends across runs (history in reports/history/)
  reports/checklist.md                       the checklist: the verdict banner and sign-off block first, then line by line
  reports/checklist.html, checklist.pdf      the same as one static document for the change ticket (no script; PDF when
                                             chromium is installed), footer: the evidence bundle's SHA-256 or "not sealed"
  reports/banner.html                        the verdict banner (also at the top of the HTML report)
  reports/history/runs/RUN-ID.json           this run's line statuses and fingerprint: the next run of the target shows the drift
  reports/junit/*.xml, reports/trx/*.trx     for CI systems
  reports/summary.json                       counts and the exit code
  reports/fingerprint.json                   what the target looked like (versions, leaders, digests, certificates)
  reports/bundle/acceptance-RUN.tar.gz(.sig) all of it sealed, with a SHA-256 manifest, signed with evidence.signing_key
                                             and copied to evidence.store (check: acceptance verify BUNDLE)

Options:
  --target FILE        target file (docs/target-file.md). Default: start the local sandbox
                       (sandbox/up) and use the target file it writes.
  --tags EXPR          run only matching scenarios: @tag, not @tag, and, or, parentheses
                       e.g. --tags "@checklist:MON-MS-1 or @critical"
  --read-only          skip scenarios tagged @mutating (nothing is written to the target)
  --attestations FILE  attestations for manual checklist lines and the signed halves of lines
                       (docs/attestations.md; example: docs/examples/attestations.yaml)
  --waivers FILE       waivers of automated checks: a waived line's failure is reported "waived" with its
                       real outcome, never passed (docs/attestations.md; example: docs/examples/waivers.yaml)
  --change ID          the change ticket of this deployment (overrides the target's change.ticket);
                       printed in checklist.md, summary.json and the HTML report (GOV-CM-1)
  --operator NAME      who runs the checks, printed in the banner of every report (default: SUDO_USER, USER or LOGNAME,
                       saying so); also "Deployed By" when the attestations file names no deployed_by
  --compliance FILE    checklist lines mapped to standards' controls (default: checklist/compliance-mapping.tsv);
                       the report lists each control with the status of its lines (GOV-SC-2)
  --strict             checklist lines left not verified also make the run fail (exit 1)
  --no-report          skip the HTML report (checklist.md and JUnit are still written)
  --no-build           use the suite as last built (Release) instead of building it first
  --cleanup            only remove what killed runs left on the target (run-scoped names, older than
                       30 minutes) and say what was removed; every run also does this first
  -h, --help           this text

Environment: CONSUL_HTTP_ADDR, CONSUL_HTTP_TOKEN(_FILE), CONSUL_CACERT, NOMAD_ADDR, NOMAD_TOKEN,
NOMAD_CACERT, PROMETHEUS_ADDR, GRAFANA_TOKEN, ... override the target file (docs/target-file.md).
KEEP_SANDBOX=1 keeps what @mutating scenarios created. ACCEPTANCE_REPORTS_DIR moves reports/ elsewhere.

Exit codes:
  0  no check failed or broke (or every failure is waived by a waiver in force)
  1  at least one check failed (deployment defect) or broke (environment problem)
  2  the run could not start (bad target file or undeclared tailoring, bad attestations, waivers or compliance
     mapping: every problem is listed with file:line before any check runs; missing tool, sandbox not up)
  130/143  interrupted (SIGINT/SIGTERM): what the running checks created was removed, they are reported
     broken ("interrupted"), checklist.md and the report are still written
EOF
}

TARGET=""
TAGS=""
READ_ONLY=0
STRICT=0
REPORT=1
BUILD=1
CLEANUP=0
ATTESTATIONS=""
WAIVERS=""
CHANGE=""
COMPLIANCE=""
OPERATOR="${ACCEPTANCE_OPERATOR:-}"; OPERATOR_SOURCE="${ACCEPTANCE_OPERATOR_SOURCE:-${OPERATOR:+ACCEPTANCE_OPERATOR}}"
while [ $# -gt 0 ]; do
  case "$1" in
    --target) TARGET="${2:?--target needs a file}"; shift 2 ;;
    --tags) TAGS="${2:?--tags needs an expression}"; shift 2 ;;
    --read-only) READ_ONLY=1; shift ;;
    --strict) STRICT=1; shift ;;
    --no-report) REPORT=0; shift ;;
    --no-build) BUILD=0; shift ;;
    --cleanup) CLEANUP=1; shift ;;
    --attestations) ATTESTATIONS="${2:?--attestations needs a file}"; shift 2 ;;
    --waivers) WAIVERS="${2:?--waivers needs a file}"; shift 2 ;;
    --change) CHANGE="${2:?--change needs a ticket id}"; shift 2 ;;
    --compliance) COMPLIANCE="${2:?--compliance needs a file}"; shift 2 ;;
    --operator) OPERATOR="${2:?--operator needs a name}"; OPERATOR_SOURCE="--operator"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run-tests.sh: unknown option '$1' (see --help)" >&2; exit $EXIT_NOSTART ;;
  esac
done

say() { printf '==> %s\n' "$*"; }
die() { printf 'run-tests.sh: %s\n' "$*" >&2; exit $EXIT_NOSTART; }
# Until the checks run, an interruption stops the run at once, saying so (never "the build failed").
trap 'printf "\nrun-tests.sh: interrupted (SIGINT) before any check ran\n" >&2; exit 130' INT
trap 'printf "run-tests.sh: interrupted (SIGTERM) before any check ran\n" >&2; exit 143' TERM

# --- tags expression -> VSTest filter ------------------------------------------------------
# @a -> TestCategory=a ; not @a -> TestCategory!=a ; and -> & ; or -> |
tags_to_filter() {
  local expr="$1" out="" tok
  expr="${expr//(/ ( }"; expr="${expr//)/ ) }"
  local negate=0
  for tok in $expr; do
    case "$tok" in
      and) out+="&" ;;
      or) out+="|" ;;
      not) negate=1 ;;
      "("|")") out+="$tok" ;;
      @*) if [ $negate = 1 ]; then out+="TestCategory!=${tok#@}"; negate=0; else out+="TestCategory=${tok#@}"; fi ;;
      *) die "--tags: cannot read '$tok' (write tags as @name, combined with and/or/not)" ;;
    esac
  done
  printf '%s' "$out"
}

FILTER=""
[ -n "$TAGS" ] && FILTER="($(tags_to_filter "$TAGS"))"
if [ $READ_ONLY = 1 ]; then
  FILTER="${FILTER:+$FILTER&}TestCategory!=mutating"
fi

# --- reports folder: writable, and one run at a time ------------------------------------------
REPORTS="${ACCEPTANCE_REPORTS_DIR:-$ROOT/reports}"
mkdir -p "$REPORTS" 2>/dev/null && [ -w "$REPORTS" ] && touch "$REPORTS/.write-test" 2>/dev/null \
  || die "the reports folder $REPORTS is not writable (set ACCEPTANCE_REPORTS_DIR to another folder)"
rm -f "$REPORTS/.write-test"
# Two runs writing one reports folder would merge each other's results: the second one is refused.
exec 9<"$REPORTS"   # the lock is on the folder itself: no lock file for the report's readers to trip on
if ! flock -n 9; then
  die "another run is writing $REPORTS (pid $(cat "$REPORTS/.run.pid" 2>/dev/null || echo unknown)); wait for it, or give this run its own ACCEPTANCE_REPORTS_DIR"
fi
echo $$ >"$REPORTS/.run.pid"

# --- tools ---------------------------------------------------------------------------------
command -v dotnet >/dev/null || die "the .NET SDK (dotnet) is not installed; see README.md"
if [ $REPORT = 1 ]; then
  command -v node >/dev/null || die "Node.js is needed for the HTML report (or use --no-report)"
  if [ ! -x tools/allure/node_modules/.bin/allure ]; then
    say "installing the pinned Allure Report (tools/allure, npm ci)"
    (cd tools/allure && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci in tools/allure failed"
  fi
fi
# The pinned secretlint the secret scan runs (SEC-SM-1, SEC-SM-3; src/Support/Secrets): without it those checks are NOT VERIFIED.
if [ ! -x tools/secretlint/node_modules/.bin/secretlint ]; then
  if command -v npm >/dev/null; then
    say "installing the pinned secretlint (tools/secretlint, npm ci)"
    (cd tools/secretlint && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci in tools/secretlint failed: the secret scan checks need it (run: cd tools/secretlint && npm ci)"
  else
    say "npm (Node.js) is not installed: the secret scan checks (tools/secretlint) will be NOT VERIFIED"
  fi
fi
# Debian's chromium and certutil for the browser checks (@browser, POSTVAL-FT-1..4; src/Support/Browser): sandbox/up installs
# them; against a real target they are not installed here, and without them those checks are NOT VERIFIED, saying so.
if [ -n "$TARGET" ] && { [ ! -x "${ACCEPTANCE_CHROMIUM:-/usr/bin/chromium}" ] || ! command -v certutil >/dev/null; }; then
  say "chromium or certutil is not installed: the browser checks (@browser) will be NOT VERIFIED (apt-get install chromium libnss3-tools fonts-liberation)"
fi

# The maintained scanners of the security checks (Debian packages; sandbox/up installs them when it starts the sandbox).
for tool in sslscan:"the TLS protocol and cipher scans (SEC-TSC-1, INFRA-NC-1)" nmap:"the firewall port scan (INFRA-NC-3)"; do
  command -v "${tool%%:*}" >/dev/null || say "${tool%%:*} is not installed: ${tool#*:} will be NOT VERIFIED (install: apt-get install ${tool%%:*})"
done

if [ $BUILD = 1 ]; then
  say "building the suite"
  BUILD_LOG="$(mktemp)"
  if ! dotnet build "$ROOT/src/StepDefinitions/StepDefinitions.csproj" -c Release -v q -nologo >"$BUILD_LOG" 2>&1 \
     || ! dotnet build "$ROOT/src/Cli/Cli.csproj" -c Release -v q -nologo >>"$BUILD_LOG" 2>&1; then
    grep -E "error|Error" "$BUILD_LOG" | sort -u | head -20 >&2
    die "the build failed (full log: $BUILD_LOG)"
  fi
  rm -f "$BUILD_LOG"
fi
CLI=(dotnet "$ROOT/src/Cli/bin/Release/net10.0/acceptance.dll")
for built in "$ROOT/src/Cli/bin/Release/net10.0/acceptance.dll" "$ROOT/src/StepDefinitions/bin/Release/net10.0/Acceptance.StepDefinitions.dll"; do
  [ -f "$built" ] || die "--no-build: $built is missing (run once without --no-build)"
done

# --- sign-off inputs: attestations, waivers, compliance mapping (and, once the target is known, its policy and
# tailoring), validated before anything starts: every problem with file:line in one message, exit 2 ----------------
SIGNOFF_ARGS=(--checklist "$ROOT/checklist")
[ -n "$ATTESTATIONS" ] && SIGNOFF_ARGS+=(--attestations "$ATTESTATIONS")
[ -n "$WAIVERS" ] && SIGNOFF_ARGS+=(--waivers "$WAIVERS")
[ -n "$COMPLIANCE" ] && SIGNOFF_ARGS+=(--compliance "$COMPLIANCE")
if [ -z "$TARGET" ]; then "${CLI[@]}" check-signoff "${SIGNOFF_ARGS[@]}" || exit $EXIT_NOSTART; fi

# --- target --------------------------------------------------------------------------------
if [ -z "$TARGET" ]; then
  say "no --target given: starting the local sandbox (sandbox/up)"
  "$ROOT/sandbox/up" || die "the local sandbox did not start (see the messages above; sandbox/status)"
  TARGET="${SANDBOX_STATE:-$ROOT/sandbox/.state}/target.yaml"
fi
TARGET="$(cd "$(dirname "$TARGET")" 2>/dev/null && pwd)/$(basename "$TARGET")" || die "target file $TARGET: folder does not exist"
"${CLI[@]}" check-target "$TARGET" || exit $EXIT_NOSTART
"${CLI[@]}" check-signoff "${SIGNOFF_ARGS[@]}" --target "$TARGET" >/dev/null || exit $EXIT_NOSTART

# --- janitor: leftovers of killed runs (by run-scoped names, past a grace period) -------------
if [ $CLEANUP = 1 ]; then
  "${CLI[@]}" cleanup --target "$TARGET"
  exit $?
fi
if [ $READ_ONLY = 0 ]; then
  "${CLI[@]}" cleanup --target "$TARGET" || echo "run-tests.sh: warning: could not look for leftovers of earlier runs (see above); the run goes on" >&2
fi

# --- run -----------------------------------------------------------------------------------
RESULTS="$REPORTS/allure-results"
rm -rf "$RESULTS" "$REPORTS/junit" "$REPORTS/trx" "$REPORTS/allure-report"
mkdir -p "$RESULTS" "$REPORTS/history"
RUN_ID="$(date -u +%Y%m%dT%H%M%SZ)-$(head -c4 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export ACCEPTANCE_TARGET="$TARGET" ACCEPTANCE_RESULTS_DIR="$RESULTS" ACCEPTANCE_RUN_ID="$RUN_ID"
export ACCEPTANCE_READ_ONLY="$READ_ONLY" ACCEPTANCE_CHANGE="$CHANGE"
# in the OCI image (deploy/image) there is no git: the commit is baked in as ACCEPTANCE_SUITE_COMMIT
ACCEPTANCE_GIT_SHA="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo "${ACCEPTANCE_SUITE_COMMIT:-unknown}")"
export ACCEPTANCE_GIT_SHA
# Run metadata for the report's banner: who (--operator, else the login), which suite commit (baked into an image, else git), when.
if [ -z "$OPERATOR" ]; then
  for v in SUDO_USER USER LOGNAME; do [ -n "${!v:-}" ] && { OPERATOR="${!v}"; OPERATOR_SOURCE="the login ($v) that ran run-tests.sh"; break; }; done
  [ -z "$OPERATOR" ] && OPERATOR="$(id -un 2>/dev/null)" && OPERATOR_SOURCE="the account (id -un) that ran run-tests.sh"
fi
ACCEPTANCE_SUITE_COMMIT="${ACCEPTANCE_SUITE_COMMIT:-$(git -C "$ROOT" rev-parse HEAD 2>/dev/null || echo unknown)}"
export ACCEPTANCE_OPERATOR="$OPERATOR" ACCEPTANCE_OPERATOR_SOURCE="$OPERATOR_SOURCE" ACCEPTANCE_SUITE_COMMIT
export ACCEPTANCE_RUN_STARTED="$(date -u +%Y-%m-%dT%H:%M:%SZ)"

say "run $RUN_ID against $TARGET${FILTER:+ (filter: $FILTER)}"
TEST_ARGS=(test "$ROOT/src/StepDefinitions/StepDefinitions.csproj" -c Release --no-build --nologo
  --logger "junit;LogFilePath=$REPORTS/junit/{assembly}.xml"
  --logger "trx;LogFileName=acceptance.trx" --results-directory "$REPORTS/trx"
  --logger "console;verbosity=normal")
[ -n "$FILTER" ] && TEST_ARGS+=(--filter "$FILTER")
# The checks run in a session of their own: Ctrl-C reaches this script, which hands the signal to the test
# host; the host undoes what the running scenarios created, writes them broken ("interrupted"), and exits.
INTERRUPTED=""
HARD_STOP=""
on_signal() {
  [ -n "$INTERRUPTED" ] && return
  INTERRUPTED="$1"
  printf '\n==> interrupted (SIG%s): undoing what the running checks created, then writing the report\n' "$1" >&2
  # TERM, whatever the user sent: a background job's SIGINT is ignored by POSIX rule, so the host would never see it.
  pkill -TERM -s "$TEST_PID" -f testhost 2>/dev/null || kill -TERM -- "-$TEST_PID" 2>/dev/null
  ( sleep 90; kill -KILL -- "-$TEST_PID" 2>/dev/null ) >/dev/null 2>&1 9<&- &
  HARD_STOP=$!
}
setsid dotnet "${TEST_ARGS[@]}" 9<&- &   # the folder lock stays with this script only: nothing the run starts keeps it
TEST_PID=$!
trap 'on_signal INT' INT
trap 'on_signal TERM' TERM
TEST_EXIT=0
while kill -0 "$TEST_PID" 2>/dev/null; do wait "$TEST_PID"; TEST_EXIT=$?; done
[ -n "${HARD_STOP:-}" ] && kill "$HARD_STOP" 2>/dev/null
trap '' INT TERM   # the report is written whatever happens now

# --- target fingerprint (reports/fingerprint.json, docs/evidence-bundle.md): versions, leaders, digests, certificates,
# job versions, config hashes; every part under a short deadline, an unreadable part recorded "unavailable" -----------
"${CLI[@]}" fingerprint --target "$TARGET" --out "$REPORTS" || { rm -f "$REPORTS/fingerprint.json"; echo "warning: no target fingerprint (see above)" >&2; }

# --- evidence ------------------------------------------------------------------------------
# --no-pdf: the document's PDF is printed once, by `acceptance document` below, when its footer names the sealed bundle
REPORT_ARGS=(report --results "$RESULTS" --checklist "$ROOT/checklist" --out "$REPORTS" --target "$TARGET" --run-id "$RUN_ID" --no-pdf)
[ -n "$ATTESTATIONS" ] && REPORT_ARGS+=(--attestations "$ATTESTATIONS")
[ -n "$WAIVERS" ] && REPORT_ARGS+=(--waivers "$WAIVERS")
[ -n "$CHANGE" ] && REPORT_ARGS+=(--change "$CHANGE")
[ -n "$COMPLIANCE" ] && REPORT_ARGS+=(--compliance "$COMPLIANCE")
[ $STRICT = 1 ] && REPORT_ARGS+=(--strict)
[ -n "$INTERRUPTED" ] && REPORT_ARGS+=(--interrupted "$INTERRUPTED")
"${CLI[@]}" "${REPORT_ARGS[@]}"
EXIT=$?
# A test host that crashed writes no results for what it did not run: never report that as green.
if [ $EXIT = 0 ] && [ $TEST_EXIT != 0 ] && ! ls "$RESULTS"/*-result.json >/dev/null 2>&1; then EXIT=$EXIT_CHECKS; fi

if [ $REPORT = 1 ]; then
  say "generating the report"
  # tools/allure/generate.mjs: Allure 3 + the sign-off as quality gate + the banner, favicon, viewport injected (no analytics)
  node tools/allure/generate.mjs "$RESULTS" "$REPORTS" >"$REPORTS/allure-generate.log" 2>&1 \
     || echo "warning: the HTML report was not written (see $REPORTS/allure-generate.log)" >&2
  echo
  echo "Report:     $REPORTS/allure-report/awesome/index.html"
  echo "Trends:     $REPORTS/allure-report/dashboard/index.html"
fi

# --- sealed evidence bundle (docs/evidence-bundle.md): reports, raw results, fingerprint, manifest; signed with
# evidence.signing_key, copied to evidence.store; then the portable document names its hash ---------------------------
BUNDLE="$REPORTS/bundle/acceptance-$RUN_ID.tar.gz"
if ! "${CLI[@]}" seal --reports "$REPORTS" --checklist "$ROOT/checklist" --run-id "$RUN_ID" --target "$TARGET" \
     --suite-commit "${ACCEPTANCE_SUITE_COMMIT:-$(git -C "$ROOT" rev-parse HEAD 2>/dev/null || echo unknown)}"; then
  echo "run-tests.sh: the evidence was not sealed (see above): the run is not green" >&2
  [ $EXIT = 0 ] && EXIT=$EXIT_CHECKS
  "${CLI[@]}" document --out "$REPORTS" >/dev/null || echo "warning: could not print the checklist document" >&2
else
  # the portable document's footer names the sealed bundle and its SHA-256 (the copy inside the bundle says "not sealed")
  "${CLI[@]}" document --out "$REPORTS" --bundle "$BUNDLE" >/dev/null || echo "warning: could not put the bundle's hash into the checklist document" >&2
fi
echo "Checklist:  $REPORTS/checklist.md"
echo "Document:   $REPORTS/checklist.html$([ -f "$REPORTS/checklist.pdf" ] && echo ", $REPORTS/checklist.pdf")"
echo "JUnit:      $REPORTS/junit/"
exit $EXIT
