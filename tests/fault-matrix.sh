#!/usr/bin/env bash
# The fault matrix: proves that every automated checklist line (every @checklist:<ID> a scenario in features/
# carries, less the lines the healthy sandbox leaves not verified) is GREEN on the healthy sandbox and goes RED on a
# fault. A few suite runs (./run-tests.sh --no-build --no-report, each with its own ACCEPTANCE_REPORTS_DIR):
#   healthy             the sandbox as it is (short deadlines), every automated line
#   faults-a/b/c        sandbox fault switches touching disjoint lines, several at once
#   faults-perf         the web backends' performance faults (slow, erroring, leaking memory, filling the data volume)
#   no-engine           a copy of the target naming a load generator that is not installed (k6)
#   faults-tls          the TLS, firewall and load-balancer faults (HAProxy restarted with each)
#   strict-target       a copy of the sandbox's target file with expectations the sandbox cannot meet
#   private-prometheus  a throwaway Prometheus (own port and data) whose rules lack the critical alerts and hold an
#                       always-firing alert without a runbook, scraping only a dead target
# A line is green when all its scenarios passed; red when one failed with the words its fault should cause; a broken
# scenario counts as red only for a fault that makes a service unreachable (the table says "broken").
# Prints `check | fault | expected | observed`, ends with "fault matrix: N of M ..." and exits 0 only when N == M.
#
#   tests/fault-matrix.sh [--no-build]      (starts the sandbox if it is not up; every fault is off at the end)
#   FAULT_MATRIX_KEEP=1 keeps the runs' folders (allure-results, logs, target copies) and names the folder.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

BUILD=1
case "${1:-}" in
  --no-build) BUILD=0 ;;
  "") ;;
  -h|--help) sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "fault-matrix.sh: unknown option '$1'" >&2; exit 2 ;;
esac

die() { echo "fault-matrix.sh: $*" >&2; exit 2; }
say() { printf '==> %s\n' "$*"; }
command -v dotnet >/dev/null || die "the .NET SDK (dotnet) is not installed"
command -v python3 >/dev/null || die "python3 is needed"
python3 -c 'import yaml' 2>/dev/null || die "python3 lacks PyYAML (python3-yaml)"

STARTED=$SECONDS
WORK="$(mktemp -d "${TMPDIR:-/tmp}/fault-matrix.XXXXXX")"
PRIVATE_PID=""
CLEANED=0
cleanup() {
  [ $CLEANED = 1 ] && return
  CLEANED=1
  [ -n "$PRIVATE_PID" ] && kill "$PRIVATE_PID" 2>/dev/null && wait "$PRIVATE_PID" 2>/dev/null
  "$ROOT/sandbox/fault" reset >/dev/null 2>&1 || echo "fault-matrix.sh: warning: sandbox/fault reset failed" >&2
  if [ "${FAULT_MATRIX_KEEP:-0}" = 1 ]; then echo "fault-matrix.sh: kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'echo "fault-matrix.sh: interrupted; turning every fault off" >&2; exit 130' INT
trap 'echo "fault-matrix.sh: terminated; turning every fault off" >&2; exit 143' TERM

# --------------------------------------------------------------------------------------------- the runs
# Each row: run | line | fault (as the table shows it) | words the verdict of a failed scenario of the line must carry
# (its "Verdict:" lines; a broken scenario's whole message), so that a line is red for its fault and not another reason.
# A fault whose name ends in ".down" or "unreachable" makes a service (or a tool) unreachable: a broken scenario counts as red.
cat >"$WORK/rows.tsv" <<'EOF'
faults-a	SEC-AC-1	consul.acl-disabled	X-Consul-Default-ACL-Policy is allow
faults-a	SEC-AC-2	nomad.acl-disabled	anonymous GET /v1/jobs answered 200
faults-a	POSTVAL-SHC-1	consul.check-critical	service:prometheus critical
faults-a	DEPLOY-AD-4	consul.check-critical	service:prometheus critical
faults-a	DEPLOY-SD-2	nomad.node-down	ml-mgmt-1: down
faults-a	DEPLOY-ID-4	nomad.node-down	storage not reachable
faults-a	MON-MS-2	grafana.panel-no-data	NO DATA
faults-a	POSTVAL-FT-4	grafana.panel-no-data	NO DATA
faults-a	NEXT-DASH-1	grafana.panel-no-data	NO DATA
faults-a	SEC-AC-4	sshd.password-auth	offers password authentication
faults-a	INFRA-NC-4	bastion.bypass	bastion bypass
faults-b	INFRA-NC-2	dns.record-missing	NXDOMAIN
faults-b	SEC-AC-3	grafana.anonymous	anonymous access is ON
faults-c	SEC-AC-3	grafana.default-admin	admin/admin logs in
faults-a	POSTVAL-FT-1	consul.check-critical	service prometheus shows 1 critical
faults-a	POSTVAL-FT-1	consul.acl-disabled	is shown to an anonymous visitor
faults-a	POSTVAL-FT-2	nomad.node-down	node ml-mgmt-1: down
faults-a	POSTVAL-FT-2	nomad.acl-disabled	is shown to an anonymous visitor
faults-a	MON-AC-1	webhook.down	'firing notification delivered' not reached
faults-a	MON-AC-2	webhook.down	'firing notification delivered' not reached
faults-a	MON-AC-3	webhook.down	does not resolve
faults-a	SEC-TSC-1	tls.expiring-soon	less than thresholds.certificate_min_days (30)
faults-a	INFRA-NC-1	tls.expiring-soon	less than thresholds.certificate_min_days (30)
faults-a	NEXT-HARD-1	nomad.acl-disabled	answered 200 without credentials
faults-b	DEPLOY-ID-2	consul.no-leader	no leader elected
faults-b	DEPLOY-ID-3	nomad.server-down	nomad-server-3
faults-b	INFRA-HR-1	nomad.server-down	fewer than expect.nomad_servers
faults-b	DEPLOY-SD-4	grafana.datasource-unhealthy	status ERROR
faults-b	POSTVAL-SHC-3	grafana.datasource-unhealthy	status ERROR
faults-b	INFRA-HR-2	nomad.low-capacity	1 CPU cores < 2
faults-b	SEC-TSC-1	tls.wrong-san	wrong name
faults-b	INFRA-NC-1	tls.wrong-san	wrong name
faults-c	DEPLOY-ID-3	nomad.no-leader	no leader elected
faults-c	DEPLOY-SD-1	consul.server-down	consul-server-3 (server) is failed
faults-c	INFRA-HR-1	consul.server-down	fewer than expect.consul_servers
faults-c	INFRA-HR-4	nomad.flat-network	no node is placed on the management segment
faults-c	SEC-SM-4	nomad.token-old	not rotated
faults-c	POSTVAL-FT-3	prometheus.ui-path	/prometheus/classic/graph → 404
faults-c	POSTVAL-FT-4	grafana.panel-error	shows an error badge
faults-d	MON-BV-1	backup.job-fails	FAILED
faults-d	GOV-SC-3	audit.sshd-off	is not in the audit log
faults-d	GOV-SC-4	retention.old-artifact	fault-matrix-old-artifact.bin
faults-e	MON-BV-2	backup.corrupt	checksum mismatch
faults-e	INFRA-SC-2	backup.corrupt	checksum mismatch
faults-e	INFRA-SC-4	backup.dr-missing	missing in the DR store
faults-f	MON-BV-2	backup.stale	older than backups.window_minutes
faults-f	INFRA-SC-2	storage.readonly	write
faults-g	MON-BV-3	backup.restore-empty	did not bring the data back
strict-target	MON-BV-2	retention.backups_min_count 9999	fewer than retention.backups_min_count
strict-target	MON-BV-3	thresholds.rto_minutes 0.0001	more than thresholds.rto_minutes
faults-c	SEC-TSC-1	tls.expired	expired on
faults-c	INFRA-NC-1	tls.expired	expired on
faults-tls	SEC-TSC-1	tls.legacy-protocol	accepts TLSv1.0
faults-tls	INFRA-NC-1	tls.legacy-protocol	accepts TLSv1.0
faults-tls	INFRA-NC-3	firewall.port-open	answers but must be closed
faults-tls	SEC-TSC-4	tls.ca-key-on-node	CA private key found on a service node
faults-tls	SEC-TSC-2	tls.renewal-failing	the last run of renewal job cert-renewal failed
faults-tls	POSTVAL-SHC-4	backend1.down	be_app/backend1 is DOWN
faults-tls	DEPLOY-ID-1	backend1.down	be_app/backend1 is DOWN
faults-tls	INFRA-NC-1	backend1.down	be_app/backend1 is DOWN
strict-target	DEPLOY-ID-4	expect.host_volumes + missing volume	fault-matrix-missing-volume
strict-target	INFRA-SC-1	expect.host_volumes + missing volume	fault-matrix-missing-volume
strict-target	INFRA-HR-2	expect.node_minimums 4096 cores	4096
strict-target	INFRA-HR-3	thresholds.network_min_mbps 100000	< 100000 Mbit/s
strict-target	DEPLOY-SD-2	expect.nomad_drivers [podman]	driver podman
strict-target	MON-MS-4	thresholds.retention_min_days 9999	less than 9999
strict-target	SEC-TSC-1	thresholds.certificate_min_days 100000	less than thresholds.certificate_min_days (100000)
strict-target	NEXT-HARD-1	tls.plain_http_allowed and exposure.anonymous_services emptied	TLS is required
strict-target	SEC-TSC-2	tls.renewal_job: a job never registered	is not registered in Nomad
strict-target	DEPLOY-SD-3	expect.scrape_jobs + missing job	fault-matrix-missing-job: no active target
strict-target	MON-MS-1	expect.scrape_jobs + missing job	fault-matrix-missing-job: no active target
strict-target	APP-CM-3	expect.services + missing service	fault-matrix-missing-service
strict-target	POSTVAL-SHC-2	expect.services + missing service	fault-matrix-missing-service
strict-target	MON-MS-2	expect.dashboards + missing dashboard	fault-matrix-missing-dashboard
strict-target	MON-AC-2	critical_receiver: missing receiver	not fault-matrix-missing-receiver
strict-target	DEPLOY-SD-5	pushgateway.scrape_job: missing job	fault-matrix-missing-pushgateway-job: no active target
strict-target	NEXT-ALERT-1	rule file invalid, rule test failing	exited 1
strict-target	DEPLOY-AD-1	registry.training_image: a tag never pushed	tag 0.0.0-fault-matrix is not among
strict-target	APP-DI-2	compose file with a :latest image	fault-matrix-unpinned
strict-target	APP-EV-4	compose service without limits	fault-matrix-unpinned: no memory and no CPU limit
strict-target	APP-DI-3	docker.allowed_registries: another registry	not an allowed registry
strict-target	APP-DI-4	docker.config_dir without a login	holds no login
strict-target	ROLLBACK-1	drill "broken" version is the known-good one	not detected as a failure
strict-target	APP-CM-2	a job template with a syntax error	fault-matrix-broken.nomad.hcl:
strict-target	APP-CM-4	job_variables memory=999999	memory exhausted
strict-target	DEPLOY-AD-2	job_variables memory=999999 (registered spec drifts)	Resources.MemoryMB
strict-target	DEPLOY-AD-3	job_variables memory=999999	memory exhausted
strict-target	PREVAL-MV-5	job_variables memory=999999	memory exhausted
strict-target	POSTVAL-FT-5	job_variables memory=999999	memory exhausted
strict-target	NEXT-SCALE-1	job_variables memory=999999	memory exhausted
strict-target	APP-EV-1	required_env + a variable no job sets	FAULT_MATRIX_MISSING is missing
strict-target	PREVAL-AT-3	change.window_start tomorrow: coverage files stale	STALE: written
strict-target	PREVAL-AT-4	ci_results.test_results + a JUnit file with a failed test	fault-matrix.junit.xml: 1 failed
strict-target	DOCS-DU-1	documentation.architecture + a missing document	fault-matrix-missing-doc does not resolve
strict-target	DOCS-DU-2	documentation.operations + a missing document	fault-matrix-missing-doc does not resolve
strict-target	DOCS-DU-3	documentation.troubleshooting + a missing document	fault-matrix-missing-doc does not resolve
strict-target	DOCS-DU-4	documentation.contacts + a missing document	fault-matrix-missing-doc does not resolve
strict-target	NEXT-DOCS-1	documentation.runbooks + a missing runbook	fault-matrix-missing-runbook does not resolve
strict-target	APP-EV-2	required_env + a variable no job sets	FAULT_MATRIX_MISSING is missing
strict-target	SEC-SM-2	required_env + a variable no job sets	FAULT_MATRIX_MISSING is missing
strict-target	APP-EV-3	production_env: ML_PLATFORM_ENV must be production	does not match ^production$
strict-target	APP-CM-1	configuration.files + a rule file promtool rejects	invalid.rules.yml
strict-target	PREVAL-AT-1	configuration.files + a rule file promtool rejects	invalid.rules.yml
strict-target	SEC-SM-3	a config file with a literal password	fault-matrix-secret.env
strict-target	SEC-SM-1	a config file with a literal password	fault-matrix-secret.env
private-prometheus	MON-AC-1	rules lack the critical alerts	no severity=critical alert for instance down
private-prometheus	MON-BV-4	rules lack a backup-age alert	no severity=critical alert for backup age
private-prometheus	SEC-TSC-3	rules lack a certificate alert	no severity=critical alert for certificate expiry
private-prometheus	INFRA-NC-5	no node exporter, no instance-down rule	no node exporter
private-prometheus	MON-AC-3	critical alert without runbook_url	FaultMatrixAlwaysFiring: no runbook_url
private-prometheus	MON-AC-4	an always-firing alert	FaultMatrixAlwaysFiring
private-prometheus	MON-MS-1	scrape target down	connection refused
private-prometheus	POSTVAL-FT-3	Prometheus scrapes nothing of itself	appended no sample
private-prometheus	DEPLOY-SD-5	pushgateway unreachable	connection refused
faults-perf	POSTVAL-PV-1	perf.slow-backend	p(95)<300 not met
faults-perf	POSTVAL-PV-4	perf.slow-backend	p(95)<300 not met
faults-perf	PREVAL-AT-5	perf.erroring-backend	rate<0.01 not met
faults-perf	POSTVAL-PV-3	perf.memory-leak	a leak
faults-perf	POSTVAL-PV-3	perf.disk-filling	predicted full
strict-target	POSTVAL-PV-2	thresholds.max_memory_percent 1	memory use %
strict-target	INFRA-SC-3	thresholds.fio_min_read_iops 1e9 (a disk too slow)	thresholds.fio_min_read_iops
no-engine	POSTVAL-PV-1	performance.engine k6 (not installed): engine unreachable	'k6' (performance.engine) cannot run
EOF
# bastion.bypass needs the sandbox's private network (network namespaces: a root sandbox); without it the fault is left
# out and INFRA-NC-4, not verified on the healthy sandbox, is not counted.
declare -A SANDBOX_FAULTS=(
  [faults-a]="consul.acl-disabled nomad.acl-disabled consul.check-critical nomad.node-down grafana.panel-no-data webhook.down sshd.password-auth bastion.bypass tls.expiring-soon"
  [faults-b]="consul.no-leader nomad.server-down grafana.datasource-unhealthy nomad.low-capacity dns.record-missing grafana.anonymous tls.wrong-san"
  [faults-c]="nomad.no-leader consul.server-down nomad.flat-network nomad.token-old grafana.default-admin prometheus.ui-path grafana.panel-error tls.expired"
  [faults-perf]="perf.slow-backend perf.erroring-backend perf.memory-leak perf.disk-filling"
  [faults-d]="backup.job-fails audit.sshd-off retention.old-artifact"
  [faults-e]="backup.corrupt backup.dr-missing"
  [faults-f]="backup.stale storage.readonly"
  [faults-g]="backup.restore-empty"
  [faults-tls]="tls.legacy-protocol firewall.port-open tls.ca-key-on-node tls.renewal-failing backend1.down"
)
FAULT_RUNS=(faults-a faults-b faults-c faults-perf strict-target private-prometheus no-engine faults-d faults-e faults-f faults-g faults-tls)

# ---------------------------------------------------------------------------------------------- helpers
# Lines that a scenario in features/ carries.
FEATURE_LINES="$(grep -rhoE '@checklist:[A-Z0-9-]+' features/*.feature | sed 's/@checklist://' | sort -u)"
[ -n "$FEATURE_LINES" ] || die "no @checklist tags in features/"
tags_for() { # lines... -> "@checklist:A or @checklist:B"
  local out="" l
  for l in "$@"; do out+="${out:+ or }@checklist:$l"; done
  printf '%s' "$out"
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# run NAME TARGET TAGS: one suite run into $WORK/NAME (allure-results there), its output in $WORK/NAME.log
run_suite() {
  local name="$1" target="$2" tags="$3" t0=$SECONDS rc
  ACCEPTANCE_REPORTS_DIR="$WORK/$name" ./run-tests.sh --no-build --no-report --target "$target" --tags "$tags" \
    >"$WORK/$name.log" 2>&1
  rc=$?
  echo "$rc" >"$WORK/$name.exit"
  say "run $name: $((SECONDS - t0)) s, run-tests.sh exit $rc ($(grep -m1 '^Scenarios:' "$WORK/$name.log" || echo 'no scenario summary'))"
  if [ "$rc" = 2 ] || [ "$rc" -ge 128 ]; then
    tail -n 15 "$WORK/$name.log" | sed 's/^/    /' >&2
  fi
  # run-tests.sh handles Ctrl-C/SIGTERM itself (and exits 130/143), so bash runs no trap of ours: stop here.
  if [ "$rc" = 130 ] || [ "$rc" = 143 ]; then
    echo "fault-matrix.sh: the $name run was interrupted; turning every fault off" >&2
    exit "$rc"
  fi
}

# ------------------------------------------------------------------------------------------ preparation
say "starting the sandbox (sandbox/up; idempotent)"
"$ROOT/sandbox/up" >"$WORK/sandbox-up.log" 2>&1 || { tail -n 20 "$WORK/sandbox-up.log" >&2; die "the sandbox did not start"; }
"$ROOT/sandbox/fault" reset >/dev/null || die "sandbox/fault reset failed"
SANDBOX_TARGET="${SANDBOX_STATE:-$ROOT/sandbox/.state}/target.yaml"
[ -f "$SANDBOX_TARGET" ] || die "no sandbox target file at $SANDBOX_TARGET"

if [ $BUILD = 1 ]; then
  say "building the suite (Release)"
  if ! dotnet build src/StepDefinitions/StepDefinitions.csproj -c Release -v q -nologo >"$WORK/build.log" 2>&1 \
     || ! dotnet build src/Cli/Cli.csproj -c Release -v q -nologo >>"$WORK/build.log" 2>&1; then
    grep -E "error" "$WORK/build.log" | sort -u | head -20 >&2
    die "the build failed"
  fi
fi

# The private Prometheus: rules without the critical alerts, one always-firing critical alert without a runbook, and
# a single scrape job whose target is a closed port (so it scrapes nothing of itself).
PRIVATE_PORT="$(free_port)"; DEAD_PORT="$(free_port)"
mkdir -p "$WORK/private"
cat >"$WORK/private/rules.yml" <<'EOF'
groups:
  - name: fault-matrix
    rules:
      - alert: FaultMatrixAlwaysFiring
        expr: vector(1)
        labels: { severity: critical }
        annotations: { summary: "fires all the time (noise); links no runbook" }
EOF
cat >"$WORK/private/prometheus.yml" <<EOF
global: { scrape_interval: 1s, evaluation_interval: 1s }
rule_files: [ $WORK/private/rules.yml ]
scrape_configs:
  - job_name: pushgateway
    static_configs: [ { targets: [ '127.0.0.1:$DEAD_PORT' ] } ]
EOF
# Rule files promtool must reject / tests it must fail, for the strict target.
cat >"$WORK/invalid.rules.yml" <<'EOF'
groups:
  - name: fault-matrix-invalid
    rules:
      - alert: FaultMatrixInvalid
        expr: sum(up
        labels: { severity: critical }
EOF
cat >"$WORK/failing.test.yml" <<EOF
rule_files: [ $ROOT/sandbox/rules/ml-platform.rules.yml ]
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - { series: 'up{job="fault-matrix",instance="x:1"}', values: '1x10' }
    alert_rule_test:
      - eval_time: 5m
        alertname: InstanceDown
        exp_alerts: [ { exp_labels: { severity: critical, job: fault-matrix, instance: "x:1" } } ]
EOF

python3 - "$SANDBOX_TARGET" "$WORK" "$PRIVATE_PORT" "$DEAD_PORT" <<'PY' || die "could not write the target copies"
import sys, yaml, copy, os
src, work, private_port, dead_port = sys.argv[1:5]
base = yaml.safe_load(open(src))
base.setdefault('thresholds', {}).update(poll_timeout_seconds=20, alert_pipeline_timeout_seconds=20)

def save(name, t):
    with open(f"{work}/{name}.yaml", "w") as f:
        yaml.safe_dump(t, f, sort_keys=False)

save("healthy", base)

s = copy.deepcopy(base)
e = s.setdefault('expect', {})
e['host_volumes'] = list(e.get('host_volumes') or []) + ['fault-matrix-missing-volume']
e['scrape_jobs'] = list(e.get('scrape_jobs') or []) + ['fault-matrix-missing-job']
e['services'] = list(e.get('services') or []) + ['fault-matrix-missing-service']
e['dashboards'] = list(e.get('dashboards') or []) + ['fault-matrix-missing-dashboard']
e['node_minimums'] = {'cpu_cores': 4096, 'memory_gb': 65536, 'disk_gb': 10000000}
e['nomad_drivers'] = ['podman']
s['thresholds'].update(network_min_mbps=100000, retention_min_days=9999, certificate_min_days=100000)
t = s.setdefault('tls', {})
t['plain_http_allowed'] = []
t['renewal_job'] = 'fault-matrix-missing-renewal'
s.setdefault('exposure', {})['anonymous_services'] = []
svc = s['services']
svc['alertmanager']['critical_receiver'] = 'fault-matrix-missing-receiver'
svc['pushgateway']['scrape_job'] = 'fault-matrix-missing-pushgateway-job'
svc['prometheus']['rule_files'] = [f"{work}/invalid.rules.yml"]
svc['prometheus']['rule_tests'] = [f"{work}/failing.test.yml"]
if 'docker' in svc:
    d = svc['docker']
    with open(f"{work}/unpinned-compose.yml", "w") as f:
        f.write("version: '2.4'\nservices:\n  fault-matrix-unpinned:\n    image: 127.0.0.1:15443/ml-platform/pushgateway:latest\n    profiles: [fault-matrix]\n")
    d['compose_files'] = list(d.get('compose_files') or []) + [f"{work}/unpinned-compose.yml"]
    d['allowed_registries'] = ['fault-matrix.invalid:5000']
    os.makedirs(f"{work}/docker-config-without-login", exist_ok=True)
    d['config_dir'] = f"{work}/docker-config-without-login"
    d['stateful_services'] = list(d.get('stateful_services') or []) + ['fault-matrix-missing-volume']
    d['drill_broken_version'] = dict(l.strip().split('=', 1) for l in open(d['compose_env_file']) if '=' in l and not l.startswith('#'))[d['drill_version_variable']]
if 'registry' in svc:
    svc['registry']['training_image'] = 'ml-platform/trainer:0.0.0-fault-matrix'
n = svc.get('nomad', {})
if n.get('job_templates'):
    with open(f"{work}/fault-matrix-broken.nomad.hcl", "w") as f:
        f.write('job "fault-matrix-broken" {\n  type = "batch"\n  group "g" {\n    task "t" {\n      driver = "raw_exec"\n      config { command = "/bin/true" \n    }\n  }\n')
    n['job_templates'] = list(n['job_templates']) + [f"{work}/fault-matrix-broken.nomad.hcl"]
    n['job_variables'] = list(n.get('job_variables') or []) + ['memory=999999']
    s.setdefault('scale', {}).update(deadline_seconds=10)
c = s.get('configuration') or {}
if c.get('files'):
    c['files'] = list(c['files']) + [f"prometheus-rules:{work}/invalid.rules.yml"]
with open(f"{work}/fault-matrix-secret.env", "w") as f:
    f.write("LOG_LEVEL=info\nDB_PASSWORD=fm-Literal-Passw0rd-7Qz\n")
if 'scan_files' in c:
    c['scan_files'] = list(c['scan_files']) + [f"{work}/fault-matrix-secret.env"]
if c.get('required_env'):
    c['required_env'] = list(c['required_env']) + ['job ml-training-nightly: FAULT_MATRIX_MISSING']
    c['production_env'] = list(c.get('production_env') or []) + ['job ml-training-nightly: ML_PLATFORM_ENV =~ ^production$']
s['thresholds'].update(max_memory_percent=1, fio_min_read_iops=1000000000)
s.setdefault('change', {})['window_start'] = (__import__('datetime').datetime.now(__import__('datetime').timezone.utc) + __import__('datetime').timedelta(days=1)).strftime('%Y-%m-%dT%H:%M:%SZ')
with open(f"{work}/fault-matrix.junit.xml", "w") as f:
    f.write('<testsuite name="fault-matrix" tests="2" failures="1"><testcase classname="fm" name="passes"/>'
            '<testcase classname="fm" name="fails"><failure message="fault matrix">boom</failure></testcase></testsuite>\n')
doc = s.get('documentation') or {}
for k in ('architecture', 'operations', 'troubleshooting', 'contacts'):
    if doc.get(k):
        doc[k] = list(doc[k]) + [doc[k][0].rsplit('/docs/', 1)[0] + '/docs/fault-matrix-missing-doc']
if doc.get('runbooks'):
    doc['runbooks'] = list(doc['runbooks']) + [doc['runbooks'][0].rsplit('/runbooks/', 1)[0] + '/runbooks/fault-matrix-missing-runbook']
ci = s.setdefault('ci_results', {})
ci['test_results'] = list(ci.get('test_results') or []) + [f"{work}/fault-matrix.junit.xml"]
s.setdefault('retention', {})['backups_min_count'] = 9999
s['thresholds']['rto_minutes'] = 0.0001
save("strict-target", s)

k = copy.deepcopy(base)
k.setdefault('performance', {})['engine'] = 'k6'
save("no-engine", k)

p = copy.deepcopy(base)
p['services']['prometheus'] = {'address': f"http://127.0.0.1:{private_port}"}
p['services']['pushgateway'] = {'address': f"http://127.0.0.1:{dead_port}"}
save("private-prometheus", p)
PY

# ------------------------------------------------------------------------------------------------- runs
# shellcheck disable=SC2086
say "run healthy: every automated line against the healthy sandbox"
run_suite healthy "$WORK/healthy.yaml" "$(tags_for $FEATURE_LINES)"

for run in "${FAULT_RUNS[@]}"; do
  mapfile -t lines < <(awk -F'\t' -v r="$run" '$1 == r { print $2 }' "$WORK/rows.tsv" | sort -u)
  tags="$(tags_for "${lines[@]}")"
  target="$WORK/healthy.yaml"
  case "$run" in
    faults-*)
      for f in ${SANDBOX_FAULTS[$run]}; do
        if [ "$f" = bastion.bypass ] && [ ! -e /run/netns/mlp-sandbox-bastion ]; then continue; fi
        "$ROOT/sandbox/fault" on "$f" >/dev/null || die "sandbox/fault on $f failed"
      done
      say "run $run: sandbox faults ${SANDBOX_FAULTS[$run]}" ;;
    no-engine)
      target="$WORK/no-engine.yaml"
      command -v k6 >/dev/null && echo "fault-matrix.sh: warning: k6 is installed here, so the no-engine run cannot show a missing engine" >&2
      say "run $run: the sandbox's target naming a load generator that is not installed" ;;
    strict-target)
      target="$WORK/strict-target.yaml"
      say "run $run: the sandbox with a target file it cannot meet" ;;
    private-prometheus)
      target="$WORK/private-prometheus.yaml"
      tags="($tags) and not @mutating"   # nothing to push: the private Prometheus scrapes no Pushgateway
      command -v prometheus >/dev/null || die "the prometheus binary is not on PATH (sandbox/up installs it)"
      prometheus --config.file="$WORK/private/prometheus.yml" --storage.tsdb.path="$WORK/private/data" \
        --web.listen-address="127.0.0.1:$PRIVATE_PORT" --storage.tsdb.retention.time=15d >"$WORK/private/prometheus.log" 2>&1 &
      PRIVATE_PID=$!
      # Wait until the noisy alert fires (evaluated every second).
      for _ in $(seq 1 60); do
        curl -fsS "http://127.0.0.1:$PRIVATE_PORT/api/v1/alerts" 2>/dev/null | grep -q '"state":"firing"' && break
        sleep 0.5
      done
      curl -fsS "http://127.0.0.1:$PRIVATE_PORT/api/v1/alerts" 2>/dev/null | grep -q '"state":"firing"' \
        || { tail -n 20 "$WORK/private/prometheus.log" >&2; die "the private Prometheus did not start or its alert does not fire"; }
      say "run $run: private Prometheus on 127.0.0.1:$PRIVATE_PORT (pid $PRIVATE_PID)" ;;
  esac
  run_suite "$run" "$target" "$tags"
  case "$run" in
    faults-*) "$ROOT/sandbox/fault" reset >/dev/null || die "sandbox/fault reset failed" ;;
    private-prometheus) kill "$PRIVATE_PID" 2>/dev/null; wait "$PRIVATE_PID" 2>/dev/null; PRIVATE_PID="" ;;
  esac
done

# ---------------------------------------------------------------------------------------------- verdict
printf '%s\n' $FEATURE_LINES >"$WORK/feature-lines.txt"
python3 - "$WORK" >"$WORK/table.txt" <<'PY'
import glob, json, os, sys
work = sys.argv[1]
feature_lines = [l for l in open(f"{work}/feature-lines.txt").read().split() if l]

def results(run):
    """line -> list of (status, message) of its scenarios in that run."""
    out = {}
    for f in glob.glob(f"{work}/{run}/allure-results/*-result.json"):
        d = json.load(open(f))
        msg = (d.get('statusDetails') or {}).get('message') or ''
        # a line no check covers says why in its description (no status details: the report would head them "Error")
        msg = msg or next((x[5:] for x in (d.get('description') or '').splitlines() if x.startswith('Why: ')), '')
        # the verdict sentence when there is one (not the Expected/Observed lines, which name healthy facts too)
        msg = "\n".join(x for x in msg.splitlines() if x.startswith('Verdict:')) or msg
        for l in d.get('labels', []):
            if l.get('name') == 'tag' and l.get('value', '').startswith('checklist:'):
                out.setdefault(l['value'][len('checklist:'):], []).append((d.get('status'), msg))
    return out

def counts(rs):
    c = {}
    for st, _ in rs:
        c[st] = c.get(st, 0) + 1
    return c

healthy = results('healthy')
rows, notes = [], []
automated = []
for line in feature_lines:
    rs = healthy.get(line, [])
    c = counts(rs)
    if rs and c.get('skipped', 0) == len(rs):
        notes.append(f"{line}: not counted: not verified on the healthy sandbox (skipped: the sandbox declares nothing for it)")
        continue
    automated.append(line)

green = {}
for line in automated:
    rs = healthy.get(line, [])
    c = counts(rs)
    ok = bool(rs) and c.get('passed', 0) == len(rs)
    green[line] = ok
    obs = f"green ({len(rs)}/{len(rs)} passed)" if ok else \
        ("no result" if not rs else "NOT GREEN (" + ", ".join(f"{v} {k}" for k, v in sorted(c.items())) + f" of {len(rs)})")
    rows.append((line, "none (healthy sandbox)", "green", obs))

red = {l: [] for l in automated}
for raw in open(f"{work}/rows.tsv"):
    run, line, fault, words = (raw.rstrip('\n').split('\t') + [''])[:4]
    if line not in red:
        continue
    unreachable = fault.endswith('.down') or fault.endswith('unreachable')
    expected = "red (failed or broken)" if unreachable else "red (failed)"
    rs = results(run).get(line, [])
    c = counts(rs)
    failed = [m for st, m in rs if st == 'failed']
    broken = [m for st, m in rs if st == 'broken']
    w = words.lower()
    if failed and (not w or any(w in m.lower() for m in failed)):
        ok, obs = True, f"red: {len(failed)} of {len(rs)} failed"
    elif unreachable and broken and (not w or any(w in m.lower() for m in broken)):
        ok, obs = True, f"red: {len(broken)} of {len(rs)} broken"
    elif failed or (unreachable and broken):
        ok, obs = False, f"NOT AS EXPECTED: {len(failed)} failed, {len(broken)} broken of {len(rs)}, none saying '{words}'"
    elif not rs:
        ok, obs = False, f"NOT AS EXPECTED: no result (see {run}.log)"
    else:
        ok, obs = False, "NOT AS EXPECTED: " + ", ".join(f"{v} {k}" for k, v in sorted(c.items())) + f" of {len(rs)}"
    red[line].append(ok)
    rows.append((line, f"{fault} [{run}]", expected, obs))

order = {l: i for i, l in enumerate(automated)}
healthy_rows = [r for r in rows if r[2] == 'green']
fault_rows = sorted([r for r in rows if r[2] != 'green'], key=lambda r: order[r[0]])
header = ("check", "fault", "expected", "observed")
table = [header] + healthy_rows + fault_rows
wid = [max(len(r[i]) for r in table) for i in range(4)]
fmt = lambda r: " | ".join(r[i].ljust(wid[i]) for i in range(4)).rstrip()
print(fmt(header))
print("-+-".join("-" * w for w in wid))
for r in healthy_rows + fault_rows:
    print(fmt(r))
print()
for line in automated:
    if not red[line]:
        notes.append(f"{line}: no fault in the matrix makes it red")
    elif not all(red[line]):
        notes.append(f"{line}: not red on every fault meant to make it red")
    if not green[line]:
        why = next((m for st, m in healthy.get(line, []) if st != 'passed' and m), "")
        notes.append(f"{line}: not green on the healthy sandbox" + (f": {why.splitlines()[0][:300]}" if why else ""))
for n in notes:
    print("note: " + n)
proven = sum(1 for l in automated if green[l] and red[l] and all(red[l]))
print(f"@@{proven} {len(automated)}")
PY
[ -s "$WORK/table.txt" ] || die "could not read the results"
RESULT="$(grep '^@@' "$WORK/table.txt" | tr -d '@')"
N="${RESULT% *}"; M="${RESULT#* }"
grep -v '^@@' "$WORK/table.txt"
cleanup
echo "duration: $((SECONDS - STARTED)) s"
echo "fault matrix: $N of $M automated checks proven red on a fault and green on the healthy sandbox"
[ "$N" = "$M" ]
