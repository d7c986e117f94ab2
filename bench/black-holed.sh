#!/usr/bin/env bash
# How long a run against a fully black-holed target takes (issue target: <= 30 s, every scenario broken, one reason per
# service). Every service of a throwaway target points at a loopback port whose accept queue is full, so connecting
# times out as with dropped packets; DNS queries are swallowed. Prints the figures and PASS/FAIL; exit 0 on PASS.
# Needs the suite built (./run-tests.sh once); sends traffic to 127.0.0.1 only.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="$(mktemp -d)"
HOLE_PID=""
cleanup() { [ -n "$HOLE_PID" ] && kill "$HOLE_PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
PORTS=(28501 24646 29090 29091 29093 23000 28443 28600)
python3 - "${PORTS[@]}" <<'PY' &
import socket, sys, time
keep = []
for p in map(int, sys.argv[1:]):
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", p)); s.listen(0); keep.append(s)
    for _ in range(3):  # fill the accept queue: the kernel then drops further SYNs
        c = socket.socket(); c.setblocking(False)
        try: c.connect(("127.0.0.1", p))
        except BlockingIOError: pass
        keep.append(c)
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", p)); keep.append(u)  # DNS: never answered
time.sleep(300)
PY
HOLE_PID=$!
sleep 1
cat >"$WORK/target.yaml" <<YAML
name: black-holed
environment: bench
services:
  consul: { address: 'http://127.0.0.1:28501', token: { env: BENCH_HOLE_TOKEN } }
  nomad: { address: 'http://127.0.0.1:24646', token: { env: BENCH_HOLE_TOKEN } }
  prometheus: { address: 'http://127.0.0.1:29090' }
  pushgateway: { address: 'http://127.0.0.1:29091' }
  alertmanager: { address: 'http://127.0.0.1:29093', critical_receiver: oncall }
  grafana: { address: 'http://127.0.0.1:23000', token: { env: BENCH_HOLE_TOKEN } }
  load_balancer: { address: 'https://127.0.0.1:28443' }
  dns: { server: '127.0.0.1:28600' }
expect: { services: [ prometheus ], scrape_jobs: [ prometheus ], dashboards: [ x ], host_volumes: [ v ], nomad_drivers: [ raw_exec ] }
YAML
start=$SECONDS
BENCH_HOLE_TOKEN=bench-hole-token ACCEPTANCE_REPORTS_DIR="$WORK/reports" "$ROOT/run-tests.sh" --no-build --no-report --target "$WORK/target.yaml" >"$WORK/run.log" 2>&1
code=$?
wall=$((SECONDS - start))
python3 - "$WORK/reports" "$wall" "$code" <<'PY'
import glob, json, re, sys, collections
reports, wall, code = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
results = [json.load(open(f)) for f in glob.glob(f"{reports}/allure-results/*-result.json")]
status = collections.Counter(r["status"] for r in results)
reasons = collections.defaultdict(set)
for r in results:
    m = (r.get("statusDetails") or {}).get("message", "")
    hit = re.search(r"(\w[\w ]*?) (?:GET|PUT|POST|DELETE|\w+ query) \S+ ?\S*?: (no connection within \d+ s|no answer within \d+ s|connection refused)", m)
    if hit: reasons[hit.group(1).split()[-1]].add(hit.group(2))
print(f"black-holed target: {len(results)} scenarios in {wall} s wall clock (run-tests.sh exit {code}): {dict(status)}")
for service, why in sorted(reasons.items()): print(f"  {service}: {'; '.join(sorted(why))}")
ok = wall <= 30 and status.get("passed", 0) == 0 and status.get("failed", 0) == 0
print(f"black-holed run <= 30 s with every check broken or not verified: {'PASS' if ok else 'FAIL'}")
sys.exit(0 if ok else 1)
PY
