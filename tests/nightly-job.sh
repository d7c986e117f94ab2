#!/usr/bin/env bash
# Proves the suite's Nomad jobs (deploy/nomad/) on the sandbox:
#   1. builds the suite's image (deploy/image/build) on the sandbox's Docker engine;
#   2. registers acceptance-dispatch through the Nomad HTTP API (/v1/jobs/parse with variables, /v1/jobs);
#   3. dispatches it with a change ticket and a small tag selection as meta, waits for the dispatched child job
#      (generous deadline, stops at once on a terminal state) and shows its task events and log tail;
#   4. checks the evidence arrived in the store (the host volume acceptance-evidence): the sealed bundle verified with
#      `acceptance verify` when this suite has that command, else summary.json and checklist.md (the check says so);
#   5. registers acceptance-nightly, shows from the Nomad API that it is periodic with its cron, prohibit_overlap
#      and time zone, and its next launch (computed from the cron as `nomad job status` does), then forces one
#      launch (the same selection, as `nomad job periodic force` does) and checks its evidence arrived too;
#   6. purges every job it registered or dispatched and removes the evidence and reports it created, also when
#      interrupted. The image stays cached in the engine (a second build is fast).
# Needs the sandbox up with its Docker engine (sandbox/up as root); run it inside the sandbox session lock.
# Usage: tests/nightly-job.sh [--no-build] [--tags EXPR] [--change ID] [--deadline SECONDS]
# Exit: 0 proven, 1 the proof failed (says which step), 2 could not start (no engine, Nomad down...).
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_ARGS=()
TAGS="@checklist:MON-MS-1 or @checklist:SEC-TSC-2"
CHANGE="CHG-NIGHTLY-$(date -u +%H%M%S)"
DEADLINE=900
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) BUILD_ARGS+=(--no-build); shift ;;
    --tags) TAGS="${2:?--tags needs an expression}"; shift 2 ;;
    --change) CHANGE="${2:?--change needs an id}"; shift 2 ;;
    --deadline) DEADLINE="${2:?--deadline needs seconds}"; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "nightly-job.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done
# shellcheck source-path=SCRIPTDIR source=../sandbox/lib.sh
. "$ROOT/sandbox/lib.sh"
set +e
say() { printf '==> %s\n' "$*"; }
fail() { printf 'nightly-job.sh: FAILED: %s\n' "$*" >&2; exit 1; }
nostart() { printf 'nightly-job.sh: %s\n' "$*" >&2; exit 2; }

engine_on || nostart "the sandbox has no Docker engine (sandbox/up as root starts one; the jobs need the docker driver)"
port_listening "$NOMAD_PORT" || nostart "Nomad is not listening on $H:$NOMAD_PORT (sandbox/up first)"
[ -s "$SECRETS/nomad-management.token" ] || nostart "no Nomad management token in $SECRETS"
export DOCKER_HOST="$ENGINE_HOST"
EVIDENCE="$STATE/volumes/acceptance-evidence" REPORTS_VOL="$STATE/volumes/acceptance-reports"
mkdir -p "$EVIDENCE" "$REPORTS_VOL"

# --- cleanup: every job registered or dispatched, the evidence and reports this run created --------------------
WORK="$(umask 077 && mktemp -d "${TMPDIR:-/tmp}/nightly-job.XXXXXX")"
ls -A "$EVIDENCE" | sort >"$WORK/evidence.before"
REPORTS_WAS_EMPTY=0; [ -z "$(ls -A "$REPORTS_VOL")" ] && REPORTS_WAS_EMPTY=1
JOBS=()   # purged in reverse order
CLEANED=0
cleanup() {
  [ $CLEANED = 1 ] && return
  CLEANED=1
  local i id
  for ((i = ${#JOBS[@]} - 1; i >= 0; i--)); do
    id="${JOBS[i]}"
    code="$(api DELETE "/v1/job/$(urlenc "$id")?purge=true" "" "$WORK/purge.json")"
    case "$code" in 200|404) echo "cleanup: job $id purged" ;; *) echo "nightly-job.sh: warning: purging job $id answered HTTP $code" >&2 ;; esac
  done
  # a stopped run may still write its evidence: wait (bounded) until no container of the purged jobs is left
  for i in $(seq 1 75); do
    timeout 10 "$DOCKER_BIN" ps -q --filter label=com.hashicorp.nomad.job_id --format '{{.Label "com.hashicorp.nomad.job_id"}}' 2>/dev/null |
      grep -qE '^acceptance-(dispatch|nightly)/' || break
    ((i == 1)) && echo "cleanup: waiting for the stopped runs' containers to end"
    sleep 2
  done
  if [ -n "${TARGET_STORE:-}" ] && [ -f "$WORK/store.before" ]; then
    comm -13 "$WORK/store.before" <(ls -A "$TARGET_STORE" | sort) | while read -r e; do rm -f "${TARGET_STORE:?}/$e"; echo "cleanup: $e removed from $TARGET_STORE"; done
  fi
  comm -13 "$WORK/evidence.before" <(ls -A "$EVIDENCE" | sort) | while read -r e; do rm -rf "${EVIDENCE:?}/$e"; echo "cleanup: evidence $e removed"; done
  if [ $REPORTS_WAS_EMPTY = 1 ]; then rm -rf "${REPORTS_VOL:?}"/* "$REPORTS_VOL"/.[!.]* 2>/dev/null; echo "cleanup: reports volume emptied"; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'echo "nightly-job.sh: interrupted; purging the jobs" >&2; exit 130' INT
trap 'echo "nightly-job.sh: terminated; purging the jobs" >&2; exit 143' TERM

urlenc() { "$PY" -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }
# api METHOD PATH BODY-FILE|"" OUT-FILE: one Nomad API call with the management token (a header read from stdin,
# never on a command line) and the sandbox CA; prints the HTTP status.
api() {
  local data=()
  [ -n "$3" ] && data=(--data-binary "@$3")
  printf 'X-Nomad-Token: %s\n' "$(<"$SECRETS/nomad-management.token")" |
    curl -sS --max-time 20 --cacert "$TLS/ca.pem" -H @- -H 'Content-Type: application/json' -X "$1" "${data[@]}" \
      -o "$4" -w '%{http_code}' "https://$H:$NOMAD_PORT$2" 2>>"$WORK/curl.log" || true
}
json() { "$PY" -c "import json, sys; d = json.load(open(sys.argv[1])); print($2)" "$1" 2>/dev/null; }

# --- 1. the image ------------------------------------------------------------------------------------------------
T=$(now_ms)
IMAGE="$("$ROOT/deploy/image/build" "${BUILD_ARGS[@]}" | tail -n1)" || fail "deploy/image/build failed (see above)"
[ -n "$IMAGE" ] || fail "deploy/image/build named no image"
BUILD_MS=$(($(now_ms) - T))
SIZE="$(timeout 30 "$DOCKER_BIN" image inspect -f '{{.Size}}' "$IMAGE")"
COMMIT="$(timeout 30 "$DOCKER_BIN" image inspect -f '{{index .Config.Labels "org.opencontainers.image.revision"}}' "$IMAGE")"
say "image $IMAGE: $((SIZE / 1024 / 1024)) MiB, suite commit $COMMIT, build step $BUILD_MS ms"
HEAD_COMMIT="$(git -C "$ROOT" rev-parse HEAD 2>/dev/null || echo unknown)"
[ "${COMMIT%-dirty}" = "$HEAD_COMMIT" ] || fail "the image says suite commit $COMMIT, the checkout is at $HEAD_COMMIT"

# The target file names its files by absolute path (state folder, the sandbox's configs, the SFTP stores): they are
# mounted read-only at the same paths (real Nomad: docker plugin volumes.enabled on the client).
MOUNTS=("$SANDBOX_DIR" "$(readlink -f "$STATE")")
[ -d "$STORAGE" ] && MOUNTS+=("$(readlink -f "$STORAGE")")
# the evidence section of the target file, when it has one: the run copies the sealed bundle to evidence.store itself,
# so that folder is mounted writable (over the read-only state folder); allowed_signers verifies the bundle
read -r TARGET_STORE ALLOWED_SIGNERS < <("$PY" -c '
import sys, yaml
e = (yaml.safe_load(open(sys.argv[1])) or {}).get("evidence") or {}
print(e.get("store") or "-", e.get("allowed_signers") or "-")' "$STATE/target.yaml" 2>/dev/null || echo "- -")
[ "$TARGET_STORE" = - ] && TARGET_STORE=""
[ "$ALLOWED_SIGNERS" = - ] && ALLOWED_SIGNERS=""
RW_MOUNTS=()
if [ -n "$TARGET_STORE" ]; then mkdir -p "$TARGET_STORE" && RW_MOUNTS+=("$(readlink -f "$TARGET_STORE")"); fi
register() { # name variables...: parses deploy/nomad/NAME.nomad.hcl with the variables, registers it
  local name="$1"; shift
  IMAGE="$IMAGE" TARGET="$STATE/target.yaml" MOUNTS="$(printf '%s\n' "${MOUNTS[@]}")" RW="$(printf '%s\n' "${RW_MOUNTS[@]}")" "$PY" -c '
import json, os, sys
v = {"image": os.environ["IMAGE"], "target_file": os.environ["TARGET"],
     "target_mounts": [f"{m}:{m}:ro" for m in dict.fromkeys(os.environ["MOUNTS"].split("\n")) if m]
                    + [f"{m}:{m}:rw" for m in os.environ["RW"].split("\n") if m]}
for kv in sys.argv[2:]: k, _, x = kv.partition("="); v[k] = x
variables = "".join(f"{k} = {json.dumps(x)}\n" for k, x in v.items())
print(json.dumps({"JobHCL": open(sys.argv[1]).read(), "Variables": variables, "Canonicalize": True}))' \
    "$ROOT/deploy/nomad/$name.nomad.hcl" "$@" >"$WORK/parse.json" || fail "could not build the parse request of $name"
  code="$(api POST /v1/jobs/parse "$WORK/parse.json" "$WORK/job.json")"
  [ "$code" = 200 ] || fail "/v1/jobs/parse of deploy/nomad/$name.nomad.hcl answered HTTP $code: $(head -c 400 "$WORK/job.json")"
  "$PY" -c 'import json, sys; print(json.dumps({"Job": json.load(open(sys.argv[1]))}))' "$WORK/job.json" >"$WORK/register.json"
  JOBS+=("$name")
  code="$(api POST /v1/jobs "$WORK/register.json" "$WORK/registered.json")"
  [ "$code" = 200 ] || fail "registering $name answered HTTP $code: $(head -c 400 "$WORK/registered.json")"
  say "registered $name (Nomad API /v1/jobs)"
}

[ -n "$TARGET_STORE" ] && ls -A "$TARGET_STORE" | sort >"$WORK/store.before"

# --- 2-3. the dispatch job, dispatched --------------------------------------------------------------------------
register acceptance-dispatch
# a dispatch without the change ticket is refused (meta_required)
echo '{"Meta": {"tags": "@critical"}}' >"$WORK/no-ticket.json"
code="$(api POST /v1/job/acceptance-dispatch/dispatch "$WORK/no-ticket.json" "$WORK/refused.json")"
[ "$code" = 400 ] || fail "a dispatch without change_ticket answered HTTP $code, not 400: $(head -c 300 "$WORK/refused.json")"
say "a dispatch without change_ticket is refused: $(head -c 160 "$WORK/refused.json")"
CHANGE="$CHANGE" TAGS="$TAGS" "$PY" -c 'import json, os; print(json.dumps({"Meta": {"change_ticket": os.environ["CHANGE"], "tags": os.environ["TAGS"], "operator": "tests/nightly-job.sh"}}))' >"$WORK/dispatch.json"
T_DISPATCH=$(now_ms)
code="$(api POST /v1/job/acceptance-dispatch/dispatch "$WORK/dispatch.json" "$WORK/dispatched.json")"
[ "$code" = 200 ] || fail "dispatch answered HTTP $code: $(head -c 400 "$WORK/dispatched.json")"
CHILD="$(json "$WORK/dispatched.json" 'd["DispatchedJobID"]')"
[ -n "$CHILD" ] || fail "the dispatch named no child job: $(head -c 400 "$WORK/dispatched.json")"
JOBS+=("$CHILD")
say "dispatched $CHILD (meta change_ticket=$CHANGE, tags=$TAGS); waiting up to $DEADLINE s"

# wait_child JOB T0: waits for the job's allocation to end (stops at once on a terminal state); sets ALLOC, STATUS,
# EXIT_CODE, WAITED_S and prints the task events and the end of the task's log.
wait_child() {
  local child="$1" t0="$2" last="" end why type
  STATUS="" ALLOC="" EXIT_CODE=""
  end=$(($(date +%s) + DEADLINE))
  while [ "$(date +%s)" -lt "$end" ]; do
    if [ "$(api GET "/v1/job/$(urlenc "$child")/allocations" "" "$WORK/allocs.json")" = 200 ]; then
      read -r ALLOC STATUS < <(json "$WORK/allocs.json" '(d[0]["ID"] + " " + d[0]["ClientStatus"]) if d else ""')
      [ "$STATUS" != "$last" ] && { say "allocation ${ALLOC:0:8}: ${STATUS:-not placed yet} after $((($(now_ms) - t0) / 1000)) s"; last="$STATUS"; }
      case "$STATUS" in complete|failed|lost) break ;; esac
    fi
    # a job that cannot be placed never gets an allocation: its evaluation says why
    if [ -z "$ALLOC" ] && [ "$(api GET "/v1/job/$(urlenc "$child")/evaluations" "" "$WORK/evals.json")" = 200 ]; then
      why="$(json "$WORK/evals.json" '"; ".join(f"{k}: {v}" for e in d for k, v in (e.get("FailedTGAllocs") or {}).items())')"
      [ -n "$why" ] && fail "$child could not be placed: $why"
    fi
    sleep 2
  done
  WAITED_S=$((($(now_ms) - t0) / 1000))
  [ -n "$ALLOC" ] || fail "no allocation for $child within $DEADLINE s"
  case "$STATUS" in complete|failed|lost) ;; *) fail "$child still $STATUS after $DEADLINE s" ;; esac
  api GET "/v1/allocation/$ALLOC" "" "$WORK/alloc.json" >/dev/null
  echo "--- task events of $child"
  json "$WORK/alloc.json" '"\n".join("  " + e["Type"] + (": " + e["DisplayMessage"] if e.get("DisplayMessage") else "") for s in d["TaskStates"].values() for e in s["Events"])'
  EXIT_CODE="$(json "$WORK/alloc.json" '[e.get("ExitCode") for s in d["TaskStates"].values() for e in s["Events"] if e["Type"] == "Terminated"][-1]')"
  for type in stdout stderr; do
    api GET "/v1/client/fs/logs/$ALLOC?task=checklist&type=$type&plain=true&origin=end&offset=3000" "" "$WORK/$type.log" >/dev/null
    echo "--- $type (end)"; tail -n 25 "$WORK/$type.log" | sed 's/^/  /'
  done
}
wait_child "$CHILD" "$T_DISPATCH"
DISPATCH_S=$WAITED_S

# --- 4. the evidence in the store -------------------------------------------------------------------------------
NEW="$(comm -13 "$WORK/evidence.before" <(ls -A "$EVIDENCE" | sort) | head -1)"
ls -A "$EVIDENCE" | sort >"$WORK/evidence.after-dispatch"
[ -n "$NEW" ] || fail "no evidence arrived in $EVIDENCE (allocation $STATUS, exit ${EXIT_CODE:-?})"
DIR="$EVIDENCE/$NEW"
say "evidence in the store: $DIR: $(cd "$DIR" && ls | tr '\n' ' ')"
CLI=(dotnet "$ROOT/src/Cli/bin/Release/net10.0/acceptance.dll")
BUNDLE="$DIR/acceptance-$NEW.tar.gz"
CLI_USAGE="$("${CLI[@]}" 2>&1)"   # (its usage exits 2: not in a pipe, whose status pipefail would take)
if [[ "$CLI_USAGE" == *"acceptance verify"* ]]; then
  [ -f "$BUNDLE" ] && [ -f "$BUNDLE.sig" ] || fail "this suite seals bundles, but $BUNDLE(.sig) did not arrive"
  if [ -n "$TARGET_STORE" ]; then
    [ -f "$TARGET_STORE/$(basename "$BUNDLE")" ] || fail "the run did not copy its bundle to the target's evidence.store $TARGET_STORE"
    say "the bundle is also in the target's evidence.store: $TARGET_STORE/$(basename "$BUNDLE")"
  fi
  "${CLI[@]}" verify "$BUNDLE" ${ALLOWED_SIGNERS:+--allowed-signers "$ALLOWED_SIGNERS"} || fail "acceptance verify rejected the bundle that arrived in the store"
  say "bundle verified${ALLOWED_SIGNERS:+ against $ALLOWED_SIGNERS}: $(basename "$BUNDLE") (sha256 $(sha256sum "$BUNDLE" | cut -c1-16)...)"
else
  for f in summary.json checklist.md; do [ -s "$DIR/$f" ] || fail "$f did not arrive in the store"; done
  say "bundle check skipped: this suite has no \`acceptance verify\` yet (summary.json and checklist.md arrived)"
fi
# which lines the containerised run verified (the run history when the report writes one, else checklist.md)
echo "--- lines of the selection"
TAGS="$TAGS" "$PY" - "$REPORTS_VOL/history/runs/$NEW.json" "$DIR/checklist.md" "$DIR/summary.json" <<'PY'
import json, os, re, sys
hist, md, summary = sys.argv[1:4]
s = json.load(open(summary))
print("  sign-off:", s.get("sign_off_status"), "| scenarios:", s.get("scenarios"), "| change:", s.get("change", "-"))
text = open(md, encoding="utf-8").read()
lines, why = {}, {}
for m in re.finditer(r"\*\*([a-z][a-z ]*)\*\*[^`\n]*`([A-Z]+(?:-[A-Z]+)*-\d+)`:? ?([^\n]*)", text):
    lines.setdefault(m.group(2), m.group(1)); why.setdefault(m.group(2), m.group(3).strip())
if os.path.exists(hist): lines = json.load(open(hist)).get("lines", lines)
selected = re.findall(r"@checklist:([A-Z]+(?:-[A-Z]+)*-\d+)", os.environ["TAGS"])
for k in selected or sorted(k for k, v in lines.items() if v != "not verified"):
    v = lines.get(k, "?")
    print(f"  {k}: {v}" + (f" ({why.get(k, '')[:160]})" if v != "verified" else ""))
others = [k for k, v in lines.items() if v != "not verified" and k not in selected]
print(f"  other lines: {len(lines) - len(selected)} ({len(others)} of them with a status other than not verified)")
PY
[ "$STATUS" = complete ] || fail "the dispatched run ended $STATUS (run-tests.sh exit ${EXIT_CODE:-?}): see the log above"

# --- 5. the periodic job -----------------------------------------------------------------------------------------
register acceptance-nightly "tags=$TAGS"
api GET /v1/job/acceptance-nightly "" "$WORK/nightly.json" >/dev/null
"$PY" - "$WORK/nightly.json" <<'PY' || fail "acceptance-nightly is not registered as a periodic job"
import json, sys, datetime
j = json.load(open(sys.argv[1]))
p = j.get("Periodic") or {}
assert p.get("Enabled") and (p.get("Spec") or p.get("Specs")), "not periodic"
spec = p.get("Spec") or p["Specs"][0]
def field(f, v, lo, hi):
    for part in f.split(","):
        r, _, st = part.partition("/"); st = int(st or 1)
        a, b = (lo, hi) if r == "*" else (tuple(map(int, r.split("-"))) if "-" in r else (int(r), hi if st > 1 else int(r)))
        if a <= v <= b and (v - a) % st == 0: return True
    return False
def matches(s, t):
    m, h, dom, mon, dow = s.split()
    return field(m, t.minute, 0, 59) and field(h, t.hour, 0, 23) and field(dom, t.day, 1, 31) and field(mon, t.month, 1, 12) and field(dow, (t.weekday() + 1) % 7, 0, 6)
t = datetime.datetime.now(datetime.timezone.utc).replace(second=0, microsecond=0) + datetime.timedelta(minutes=1)
for _ in range(366 * 24 * 60):
    if matches(spec, t): break
    t += datetime.timedelta(minutes=1)
print(f"==> acceptance-nightly: Type {j['Type']}, Status {j['Status']}, periodic cron \"{spec}\" ({p.get('TimeZone')}), "
      f"prohibit_overlap {str(p.get('ProhibitOverlap')).lower()}, next launch {t:%Y-%m-%dT%H:%M}Z")
PY

# one launch now, as `nomad job periodic force` does: the nightly path runs the same way and leaves its evidence
T_FORCE=$(now_ms)
code="$(api POST /v1/job/acceptance-nightly/periodic/force "" "$WORK/forced.json")"
[ "$code" = 200 ] || fail "periodic force answered HTTP $code: $(head -c 300 "$WORK/forced.json")"
api GET "/v1/jobs?prefix=$(urlenc acceptance-nightly/periodic-)" "" "$WORK/children.json" >/dev/null
PERIODIC_CHILD="$(json "$WORK/children.json" 'd[-1]["ID"] if d else ""')"
[ -n "$PERIODIC_CHILD" ] || fail "periodic force launched no child job"
JOBS+=("$PERIODIC_CHILD")
say "forced a launch of acceptance-nightly: $PERIODIC_CHILD"
wait_child "$PERIODIC_CHILD" "$T_FORCE"
[ "$STATUS" = complete ] || fail "the nightly run ended $STATUS (run-tests.sh exit ${EXIT_CODE:-?}): see the log above"
NIGHTLY_NEW="$(comm -13 "$WORK/evidence.after-dispatch" <(ls -A "$EVIDENCE" | sort) | head -1)"
[ -n "$NIGHTLY_NEW" ] && [ -s "$EVIDENCE/$NIGHTLY_NEW/summary.json" ] || fail "the nightly run left no evidence in $EVIDENCE"
say "the nightly run's evidence is in the store: $EVIDENCE/$NIGHTLY_NEW ($WAITED_S s from launch to complete)"
if [[ "$CLI_USAGE" == *"acceptance verify"* ]]; then
  "${CLI[@]}" verify "$EVIDENCE/$NIGHTLY_NEW/acceptance-$NIGHTLY_NEW.tar.gz" ${ALLOWED_SIGNERS:+--allowed-signers "$ALLOWED_SIGNERS"} ||
    fail "acceptance verify rejected the nightly run's bundle"
  say "the nightly run's bundle verified"
fi

echo
echo "RESULT nightly-job: proven. image $IMAGE ($((SIZE / 1024 / 1024)) MiB, build step $BUILD_MS ms); dispatch to complete $DISPATCH_S s, forced nightly launch to complete $WAITED_S s; evidence $DIR and $EVIDENCE/$NIGHTLY_NEW"
exit 0
