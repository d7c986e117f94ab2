#!/usr/bin/env bash
# Shared helpers of the sandbox scripts (sourced, not executed).
# shellcheck shell=bash

# Descriptors inherited from the caller must not reach the long-running services these scripts start: a session run as
# `flock LOCKFILE -c 'sandbox/up ...'` holds its lock on one, and a service inheriting it keeps that lock held after the
# session has ended (every later session then waits forever). 0-2 stay; 255 is bash's own handle on the running script.
for _fd in /proc/$$/fd/*; do
  _fd="${_fd##*/}"
  if ((_fd > 2 && _fd != 255)); then eval "exec ${_fd}>&-" 2>/dev/null || true; fi
done
unset _fd

SANDBOX_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=ports.env
. "$SANDBOX_DIR/ports.env"
H="$SANDBOX_HOST"
STATE="${SANDBOX_STATE:-$SANDBOX_DIR/.state}"
mkdir -p "$STATE"
STATE="$(cd "$STATE" && pwd)"
export SANDBOX_STATE="$STATE"
PY=/usr/bin/python3
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"
# shellcheck disable=SC2034 # used by the scripts that source this file
PIDS="$STATE/pids" LOGS="$STATE/logs" TLS="$STATE/tls" SECRETS="$STATE/secrets"
# shellcheck disable=SC2034
FAULTS="$STATE/faults" CONF="$STATE/conf" RUN="$STATE/run" DATA="$STATE/data"
# The backup and DR stores (SFTP chroots of the sandbox's sshd). sshd chroots only into a path whose every component is
# root-owned and writable by no one else, which a state folder under /tmp or a home folder is not; as root they live
# under /var/lib, one folder per state folder, and $STATE/storage links there. (Without root sshd cannot chroot at all.)
STORAGE="$STATE/storage"
if ((EUID == 0)); then
  STORAGE="/var/lib/ml-platform-sandbox/storage-$(printf '%s' "$STATE" | sha256sum | cut -c1-12)"
fi
DATA_VOLUME="$STATE/data-volume"   # the node's data volume of the performance checks (a small tmpfs when root)
PROM_USER=acceptance

# The real services of the sandbox, in start order (all start in parallel anyway).
SERVICES=(webhook backend1 backend2 node-exporter pushgateway alertmanager blackbox prometheus haproxy dnsmasq sshd registry)
# Stand-ins (Consul, Nomad, Grafana) belong to sandbox/standins/.
# shellcheck disable=SC2034
STANDINS=(consul nomad grafana)

log() { printf '%s\n' "$*" >&2; }
die() { printf 'sandbox: %s\n' "$*" >&2; exit 1; }
now_ms() { local t="${EPOCHREALTIME/./}"; echo "$((t / 1000))"; }
# PID in a PID file (first line, digits only), without forking.
# read_pid FILE sets PID_READ (no subshell: forks are slow on a loaded machine).
read_pid() { PID_READ=""; [[ -r "$1" ]] && read -r PID_READ 2>/dev/null <"$1"; PID_READ="${PID_READ//[^0-9]/}"; }

svc_ports() {
  case "$1" in
    webhook) echo "$WEBHOOK_RECEIVER_PORT" ;;
    backend1) echo "$BACKEND_1_PORT" ;;
    backend2) echo "$BACKEND_2_PORT" ;;
    node-exporter) echo "$NODE_EXPORTER_PORT" ;;
    pushgateway) echo "$PUSHGATEWAY_PORT" ;;
    alertmanager) echo "$ALERTMANAGER_PORT" ;;
    blackbox) echo "$BLACKBOX_PORT" ;;
    prometheus) echo "$PROMETHEUS_PORT" ;;
    haproxy) echo "$HAPROXY_HTTPS_PORT $HAPROXY_STATS_PORT $HAPROXY_HTTP_PORT" ;;
    dnsmasq) echo "$DNS_PORT" ;;
    sshd) echo "$SSH_PORT" ;;
    bastion-sshd) echo "$BASTION_ADDR:22" ;;
    private-sshd) echo "$PRIVATE_NODE_ADDR:22" ;;
    consul) echo "$CONSUL_PORT" ;;
    nomad) echo "$NOMAD_PORT" ;;
    grafana) echo "$GRAFANA_PORT" ;;
    registry) echo "$REGISTRY_PORT" ;;
    *) return 1 ;;
  esac
}

# A string that the command line of our process for this service contains (guards against PID reuse).
svc_tag() {
  case "$1" in
    webhook) echo "webhook_receiver.py" ;;
    backend1 | backend2) echo "$STATE/www/$1" ;;
    haproxy) echo "$CONF/haproxy.cfg" ;;
    dnsmasq) echo "$CONF/dnsmasq.conf" ;;
    sshd) echo "$CONF/sshd_config" ;;
    bastion-sshd | private-sshd) echo "PidFile=$STATE/run/$1.pid" ;;
    registry) echo "$CONF/registry.yml" ;;
    dockerd) echo "$DOCKER_DIR/docker.sock" ;;
    *) echo "$H:$(svc_ports "$1")" ;;
  esac
}

# True when PID exists and is not a zombie.
pid_alive() {
  local pid="$1" st
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  read -r st 2>/dev/null <"/proc/$pid/stat" || return 1
  st="${st##*) }"
  [[ "${st%% *}" != Z ]]
}

# Prints the PID of the running process of a service (from its PID file), or fails.
svc_pid() {
  local f="$PIDS/$1.pid" pid tag parts=()
  if in_container "$1"; then container_pid "$1"; return; fi
  [[ -f "$f" ]] || return 1
  read_pid "$f"; pid="$PID_READ"
  pid_alive "$pid" || return 1
  tag="$(svc_tag "$1" 2>/dev/null || true)"
  mapfile -d '' -t parts <"/proc/$pid/cmdline" 2>/dev/null || return 1
  [[ -z "$tag" || " ${parts[*]} " == *"$tag"* ]] || return 1
  echo "$pid"
}

# Snapshot of every listening socket (one `ss` call: it is slow-ish); port_holder reads it.
LISTENERS=""
snapshot_listeners() { LISTENERS="$(ss -Hlntup 2>/dev/null || true)"; }

# "users:((proc,pid,fd))" holding a port (tcp or udp) in the last snapshot, empty if free.
port_holder() {
  local port="$1"
  awk -v p=":$port" 'substr($5, length($5) - length(p) + 1) == p {
      u = "unknown process"; for (i = 6; i <= NF; i++) if ($i ~ /^users:/) u = $i; print u; exit }' <<<"$LISTENERS"
}

port_listening() { ss -Hlnt "sport = :$1" 2>/dev/null | grep -q . ; }
udp_listening() { ss -Hlnu "sport = :$1" 2>/dev/null | grep -q . ; }

prom_password() { cat "$SECRETS/prometheus.password"; }

# curl against Prometheus with basic auth and the sandbox CA; the password never appears in ps.
prom_curl() {
  printf 'user = "%s:%s"\n' "$PROM_USER" "$(prom_password)" |
    curl -K - -sS --max-time 3 --cacert "$TLS/ca.pem" "$@"
}

# Stops one PID file's process: TERM, wait up to $2 seconds, KILL. Never uses `wait`.
stop_pidfile() {
  local f="$1" deadline="${2:-3}" pid end
  read_pid "$f"; pid="$PID_READ"
  if pid_alive "$pid"; then
    kill -TERM "$pid" 2>/dev/null || true
    end=$(($(now_ms) + deadline * 1000))
    while pid_alive "$pid" && (($(now_ms) < end)); do sleep 0.05; done
    if pid_alive "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
  fi
  rm -f "$f"
}

# Stops many PID files in parallel: TERM all, poll all, KILL the rest.
stop_pidfiles() {
  local deadline="$1"; shift
  local f pid end left=()
  declare -A pidof=()
  for f in "$@"; do
    read_pid "$f"; pid="$PID_READ"
    if pid_alive "$pid"; then kill -TERM "$pid" 2>/dev/null || true; pidof["$f"]="$pid"; fi
  done
  end=$(($(now_ms) + deadline * 1000))
  while :; do
    left=()
    for f in "${!pidof[@]}"; do pid_alive "${pidof[$f]}" && left+=("$f"); done
    ((${#left[@]} == 0)) && break
    (($(now_ms) >= end)) && break
    sleep 0.05
  done
  for f in "${left[@]}"; do
    log "sandbox: $(basename "$f" .pid) (pid ${pidof[$f]}) ignored TERM for ${deadline}s: KILL"
    kill -KILL "${pidof[$f]}" 2>/dev/null || true
  done
  rm -f "$@"
}

# Starts a command detached (own session, no inherited stdio), records its PID. Every descriptor above stderr is closed
# first: a service must not keep a caller's lock open (our $STATE/.lock on fd 9, or a session lock the caller took with
# `flock FILE -c ...`, which would otherwise stay held by the services until they stop).
start_bg() {
  local name="$1"; shift
  printf '=== %s start %s\n' "$(date -Is)" "$name" >>"$LOGS/$name.log"
  (
    close_inherited_fds
    exec setsid "$@" </dev/null >>"$LOGS/$name.log" 2>&1
  ) &
  echo $! >"$PIDS/$name.pid"
}
# Closes every open descriptor of this (sub)shell above 2.
close_inherited_fds() {
  local fd
  for fd in /proc/"$BASHPID"/fd/*; do
    fd="${fd##*/}"
    [[ "$fd" =~ ^[0-9]+$ ]] && ((fd > 2)) && eval "exec $fd>&-" 2>/dev/null
  done
  return 0
}

start_svc() {
  local s="$1"
  case "$s" in
    webhook) start_bg "$s" "$PY" "$SANDBOX_DIR/webhook_receiver.py" --host "$H" --port "$WEBHOOK_RECEIVER_PORT" \
      --runbooks "$SANDBOX_DIR/runbooks" --docs "$STATE/docs" --journal "$STATE/notifications.jsonl" ;;
    backend1 | backend2)
      local port="$BACKEND_1_PORT"; [[ "$s" == backend2 ]] && port="$BACKEND_2_PORT"
      # sandbox/perf_backend.py: a static server with /metrics that obeys the perf.* fault markers
      local fill=(); [[ "$s" == backend1 ]] && fill=(--fill-dir "$DATA_VOLUME")
      start_bg "$s" "$PY" "$SANDBOX_DIR/perf_backend.py" --port "$port" --host "$H" --directory "$STATE/www/$s" \
        --faults "$FAULTS" "${fill[@]}" ;;
    node-exporter) start_bg "$s" prometheus-node-exporter --web.listen-address="$H:$NODE_EXPORTER_PORT" \
      --no-collector.systemd ;;
    pushgateway) if in_container "$s"; then compose_q up -d --no-deps pushgateway; return; fi
      start_bg "$s" prometheus-pushgateway --web.listen-address="$H:$PUSHGATEWAY_PORT" ;;
    alertmanager) start_bg "$s" prometheus-alertmanager --config.file="$CONF/alertmanager.yml" \
      --storage.path="$DATA/alertmanager" --web.listen-address="$H:$ALERTMANAGER_PORT" \
      --web.external-url="http://$H:$ALERTMANAGER_PORT/" --cluster.listen-address= ;;
    blackbox) start_bg "$s" prometheus-blackbox-exporter --config.file="$CONF/blackbox.yml" \
      --web.listen-address="$H:$BLACKBOX_PORT" ;;
    # fault prometheus.ui-path (sandbox/fault): Prometheus is told it is published under /prometheus/ (as behind a reverse
    # proxy path) while it still answers at /: its UI's links and assets point under /prometheus/, which nothing serves.
    prometheus) local ext="https://$H:$PROMETHEUS_PORT/"
      [[ -e "$FAULTS/prometheus.ui-path" ]] && ext="https://$H:$PROMETHEUS_PORT/prometheus/"
      start_bg "$s" prometheus --config.file="$CONF/prometheus.yml" \
      --web.config.file="$CONF/web-config.yml" --web.listen-address="$H:$PROMETHEUS_PORT" \
      --web.external-url="$ext" --web.route-prefix=/ --storage.tsdb.path="$DATA/prometheus" \
      --storage.tsdb.retention.time=15d --web.enable-admin-api ;;
    haproxy) haproxy_bundle
      local fenv=()
      [[ -e "$FAULTS/tls.legacy-protocol" ]] && fenv+=(SANDBOX_FAULT_TLS_LEGACY=1)
      [[ -e "$FAULTS/firewall.port-open" ]] && fenv+=(SANDBOX_FAULT_PORT_OPEN=1)
      mkdir -p "$RUN"
      start_bg "$s" env "${fenv[@]}" haproxy -db -f "$CONF/haproxy.cfg" ;;
    dnsmasq) start_bg "$s" dnsmasq --keep-in-foreground --conf-file="$CONF/dnsmasq.conf" ;;
    sshd) mkdir -p /run/sshd; start_bg "$s" /usr/sbin/sshd -D -e -f "$CONF/sshd_config" ;;
    # the http secret is read from its file into the environment (REGISTRY_HTTP_SECRET), never written in the config
    registry) start_bg "$s" bash -c 'REGISTRY_HTTP_SECRET="$(cat "$1")" exec docker-registry serve "$2"' registry \
      "$SECRETS/registry.http-secret" "$CONF/registry.yml" ;;
    *) die "unknown service $s" ;;
  esac
}

# One readiness probe of a service (fast, no retries).
svc_ready() {
  local s="$1" c=(curl -fsS --max-time 2 -o /dev/null)
  case "$s" in
    webhook) "${c[@]}" "http://$H:$WEBHOOK_RECEIVER_PORT/healthz" ;;
    backend1) "${c[@]}" "http://$H:$BACKEND_1_PORT/health" ;;
    backend2) "${c[@]}" "http://$H:$BACKEND_2_PORT/health" ;;
    node-exporter) "${c[@]}" "http://$H:$NODE_EXPORTER_PORT/metrics" ;;
    pushgateway) "${c[@]}" "http://$H:$PUSHGATEWAY_PORT/-/ready" ;;
    alertmanager) "${c[@]}" "http://$H:$ALERTMANAGER_PORT/-/ready" ;;
    blackbox) "${c[@]}" "http://$H:$BLACKBOX_PORT/-/healthy" ;;
    prometheus) prom_curl -f -o /dev/null "https://$H:$PROMETHEUS_PORT/-/ready" 2>/dev/null ;;
    haproxy) local trust=(--cacert "$TLS/ca.pem")
      haproxy_cert_fault >/dev/null && trust=(-k) # a faulty certificate is served on purpose
      "${c[@]}" "http://$H:$HAPROXY_STATS_PORT/metrics" &&
      curl -sS --max-time 2 -o /dev/null "${trust[@]}" "https://$H:$HAPROXY_HTTPS_PORT/" ;;
    dnsmasq) udp_listening "$DNS_PORT" ;;
    sshd) port_listening "$SSH_PORT" ;;
    registry) [[ "$(curl -sS --max-time 2 -o /dev/null -w '%{http_code}' --cacert "$TLS/ca.pem" \
      "https://$H:$REGISTRY_PORT/v2/")" == 401 ]] ;;
    consul | nomad | grafana) port_listening "$(svc_ports "$s")" ;;
    *) return 1 ;;
  esac 2>/dev/null
}

# Waits until every named service is ready or the deadline (seconds) passes; names the laggards.
wait_ready() {
  local deadline="$1"; shift
  local end=$(($(now_ms) + deadline * 1000)) pending=("$@") next s
  while ((${#pending[@]})); do
    next=()
    for s in "${pending[@]}"; do
      if svc_ready "$s"; then continue; fi
      if [[ " ${SERVICES[*]} " == *" $s "* ]] && ! svc_pid "$s" >/dev/null; then
        log "sandbox: $s exited during start; last log lines ($LOGS/$s.log):"
        tail -n 5 "$LOGS/$s.log" >&2 || true
        return 1
      fi
      next+=("$s")
    done
    pending=("${next[@]+"${next[@]}"}")
    ((${#pending[@]})) || break
    if (($(now_ms) >= end)); then
      log "sandbox: not ready after ${deadline}s: ${pending[*]} (logs in $LOGS/)"
      return 1
    fi
    sleep 0.1
  done
}

# Serializes the scripts that change the sandbox (up, down, fault): other engineers' suites call
# sandbox/up concurrently. fd 9 is closed for every started service (start_bg) so the lock ends
# with the script.
sandbox_lock() {
  exec 9>"$STATE/.lock"
  flock -w "${SANDBOX_LOCK_TIMEOUT:-300}" 9 || die "another sandbox script held $STATE/.lock for ${SANDBOX_LOCK_TIMEOUT:-300}s"
}

# --- TLS: the offline CA, certificates, and the load balancer's fault switches ----------------------
# The CA's private key lives apart from the service certificates ($CA_DIR, not $TLS, which the services read):
# a service node must never hold it (SEC-TSC-4; the fault tls.ca-key-on-node copies it into $TLS).
CA_DIR="$STATE/ca"
# Faults served by HAProxy's TLS frontend (sandbox/fault restarts HAProxy to apply them).
HAPROXY_CERT_FAULTS=(tls.expiring-soon tls.wrong-san tls.expired)

# Prints the certificate fault that is on (fails when none is).
haproxy_cert_fault() {
  local f
  for f in "${HAPROXY_CERT_FAULTS[@]}"; do [[ -e "$FAULTS/$f" ]] && { echo "$f"; return 0; }; done
  return 1
}

# The bundle HAProxy serves: its own certificate, or the faulty one while a certificate fault is on.
haproxy_bundle() {
  local src="$TLS/haproxy" f
  if f="$(haproxy_cert_fault)" && [[ -s "$TLS/faults/$f.pem" ]]; then src="$TLS/faults/$f"; fi
  (umask 077 && cat "$src.pem" "$src.key" >"$TLS/haproxy.bundle.pem.tmp" && mv "$TLS/haproxy.bundle.pem.tmp" "$TLS/haproxy.bundle.pem")
}

# Issues a certificate from the sandbox CA with any validity window (openssl ca: start and end dates in the past or
# future): issue_cert OUT.pem KEY CN SAN START END (dates as `date -d` understands them, e.g. "-40 days").
issue_cert() {
  local out="$1" key="$2" cn="$3" san="$4" start end d
  start="$(date -u -d "$5" +%Y%m%d%H%M%SZ)"; end="$(date -u -d "$6" +%Y%m%d%H%M%SZ)"
  d="$(mktemp -d "${TMPDIR:-/tmp}/sandbox-ca.XXXXXX")"
  : >"$d/index.txt"; printf '10%s\n' "$(openssl rand -hex 15)" >"$d/serial"
  printf '%s\n' "[ca]" "default_ca = d" "[d]" "database = $d/index.txt" "new_certs_dir = $d" "serial = $d/serial" \
    "default_md = sha256" "policy = p" "unique_subject = no" "[p]" "commonName = supplied" "organizationName = optional" >"$d/ca.cnf"
  printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" "extendedKeyUsage=serverAuth" \
    "subjectAltName=$san" "subjectKeyIdentifier=hash" "authorityKeyIdentifier=keyid" >"$d/ext"
  openssl req -new -key "$key" -subj "/O=ML Platform Sandbox/CN=$cn" -out "$d/csr" 2>/dev/null &&
    openssl ca -batch -notext -config "$d/ca.cnf" -cert "$TLS/ca.pem" -keyfile "$CA_DIR/ca.key" -in "$d/csr" \
      -startdate "$start" -enddate "$end" -extfile "$d/ext" -out "$out" >"$d/log" 2>&1
  local rc=$?
  ((rc == 0)) || cat "$d/log" >&2
  rm -rf "$d"
  return "$rc"
}

# One call of the Nomad API with the management token (a header read from stdin: never on a command line), body on
# stdout: nomad_get PATH [curl options...].
nomad_get() {
  local path="$1"; shift
  printf 'X-Nomad-Token: %s\n' "$(<"$SECRETS/nomad-management.token")" |
    curl -sS --max-time 10 --cacert "$TLS/ca.pem" -H @- "$@" "https://$H:$NOMAD_PORT$path" 2>>"$LOGS/nomad-jobs.log" || true
}

# Forces one launch of the periodic job cert-renewal and waits (10 s) until that run has finished.
renewal_run_now() {
  local before _
  before="$(nomad_get "/v1/jobs?prefix=cert-renewal/periodic-" | grep -o '"ID":"cert-renewal/periodic-[0-9]*"' | sort -u)"
  nomad_get /v1/job/cert-renewal/periodic/force -X POST -H 'Content-Type: application/json' --data '{}' >/dev/null
  for _ in $(seq 1 100); do
    # a new child that is dead (finished)
    if nomad_get "/v1/jobs?prefix=cert-renewal/periodic-" | "$PY" -c '
import json, sys
before = set(sys.argv[1].split())
runs = [j for j in json.load(sys.stdin) if "\"ID\":\"%s\"" % j["ID"] not in before]
sys.exit(0 if any(j["Status"] == "dead" for j in runs) else 1)' "$before" 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  return 1
}

standins_present() { [[ -x "$SANDBOX_DIR/standins/up" ]]; }

# --- Docker engine (optional) -------------------------------------------------------------------
# When an engine serves the sandbox, sandbox/up records its address in $ENGINE_FILE: the services in
# CONTAINER_SERVICES then run in the compose project instead of as processes. No file: process-only.
# shellcheck disable=SC2034
DOCKER_DIR="$STATE/docker" DOCKER_CLIENT="$STATE/docker/client" ENGINE_FILE="$STATE/docker/engine"
OWN_DOCKER_HOST="unix://$STATE/docker/docker.sock"
# shellcheck disable=SC2034
USER_DOCKER_HOST="${DOCKER_HOST:-}"
# shellcheck disable=SC2034
COMPOSE_PROJECT=ml-platform DRILL_PROJECT=ml-platform-drill DRILL_PUBLISH=127.0.0.1:19191
COMPOSE_FILE="$SANDBOX_DIR/compose/docker-compose.yml" COMPOSE_ENV="$STATE/docker/compose.env"
# shellcheck disable=SC2034
REGISTRY="$H:$REGISTRY_PORT" REGISTRY_USER=platform
CONTAINER_SERVICES=(pushgateway)
DOCKER_BIN=/usr/bin/docker # the CLI of Debian's docker.io matches its dockerd (20.10)
[[ -x "$DOCKER_BIN" ]] || DOCKER_BIN=docker
export DOCKER_BUILDKIT=0 COMPOSE_DOCKER_CLI_BUILD=0
ENGINE_HOST=""
if [[ -r "$ENGINE_FILE" ]]; then read -r ENGINE_HOST <"$ENGINE_FILE" || true; fi
engine_use() { # address: every docker/docker-compose call of the scripts goes there, with the sandbox login
  ENGINE_HOST="$1"
  export DOCKER_HOST="$1" DOCKER_CONFIG="$DOCKER_CLIENT"
}
[[ -z "$ENGINE_HOST" ]] || engine_use "$ENGINE_HOST"
engine_on() { [[ -n "$ENGINE_HOST" ]]; }
engine_own() { [[ "$ENGINE_HOST" == "$OWN_DOCKER_HOST" ]]; }
in_container() { engine_on && [[ " ${CONTAINER_SERVICES[*]} " == *" $1 "* ]]; }
dk() { timeout 60 "$DOCKER_BIN" "$@"; }
compose() { timeout 120 docker-compose --ansi never -p "$COMPOSE_PROJECT" -f "$COMPOSE_FILE" --env-file "$COMPOSE_ENV" "$@"; }
compose_q() { # compose with its chatter in the log
  printf '=== %s docker-compose %s\n' "$(date -Is)" "$*" >>"$LOGS/compose.log"
  compose "$@" >>"$LOGS/compose.log" 2>&1 || { tail -n 5 "$LOGS/compose.log" >&2; return 1; }
}
# Running containers of a compose service of the project (IDs).
container_ids() {
  dk ps -q --no-trunc --filter "label=com.docker.compose.project=${2:-$COMPOSE_PROJECT}" \
    --filter "label=com.docker.compose.service=$1" --filter status=running 2>/dev/null
}
# Host PID of the running container of a service (from docker inspect), or fails.
container_pid() {
  local id pid
  id="$(container_ids "$1" | head -n1)"
  [[ -n "$id" ]] || return 1
  pid="$(dk inspect -f '{{.State.Pid}}' "$id" 2>/dev/null)" || return 1
  [[ "$pid" =~ ^[1-9][0-9]*$ ]] || return 1
  if [[ "$ENGINE_HOST" == unix://* ]]; then pid_alive "$pid" || return 1; fi
  echo "$pid"
}
# Stops one real service, process or container.
stop_svc() {
  if in_container "$1"; then compose_q stop -t 1 "$1"
  elif [[ -f "$PIDS/$1.pid" ]]; then stop_pidfile "$PIDS/$1.pid" 5
  fi
}

# --- config faults of real services --------------------------------------------------------------
# A fault that changes a real service's configuration: the marker $FAULTS/NAME, the config edited in place between
# "FAULT NAME" marks (removed again when the fault goes off), the service restarted.
#   sshd.password-auth   every sshd of the sandbox (node, bastion, private node: one policy file) also offers passwords
#   dns.record-missing   dnsmasq answers NXDOMAIN for grafana.service.consul (its A and SRV records are gone)
#   bastion.bypass       the runner gets a route to the private network through the bastion, which forwards packets
CONFIG_FAULTS=(sshd.password-auth dns.record-missing bastion.bypass)
is_config_fault() { [[ " ${CONFIG_FAULTS[*]} " == *" $1 "* ]]; }

# Edits the rendered configs to match the config-fault markers (idempotent; run after every render and toggle).
apply_config_faults() {
  local f="$CONF/sshd_config" tmp
  if [[ -f "$f" ]]; then
    sed -i '/^# FAULT sshd.password-auth BEGIN/,/^# FAULT sshd.password-auth END/d' "$f"
    if [[ -e "$FAULTS/sshd.password-auth" ]]; then
      # sshd keeps the first value it reads for a keyword: the fault's lines go first
      tmp="$(printf '%s\n' "# FAULT sshd.password-auth BEGIN" "AuthenticationMethods any" "PasswordAuthentication yes" \
        "KbdInteractiveAuthentication yes" "# FAULT sshd.password-auth END"; cat "$f")"
      printf '%s\n' "$tmp" >"$f"
    fi
  fi
  f="$CONF/dnsmasq.conf"
  if [[ -f "$f" ]]; then
    sed -i 's/^#FAULT dns.record-missing# //' "$f"
    if [[ -e "$FAULTS/dns.record-missing" ]]; then
      sed -i -E 's/^((host-record|srv-host)=_?grafana[.])/#FAULT dns.record-missing# \1/' "$f"
    fi
  fi
}

# Restarts one service after its configuration changed (a real service, or the bastion's / private node's sshd).
restart_configured() {
  local s="$1" end
  case "$s" in
    bastion-sshd | private-sshd)
      [[ -f "$PIDS/$s.pid" ]] && stop_pidfile "$PIDS/$s.pid" 5
      start_ns_sshd "$s"
      end=$(($(now_ms) + 15000))
      until ns_sshd_ready "$s"; do
        (($(now_ms) < end)) || { log "sandbox: $s not listening after 15 s (see $LOGS/$s.log)"; return 1; }
        sleep 0.1
      done ;;
    *)
      stop_svc "$s"
      rm -f "$PIDS/$s.pid"
      start_svc "$s"
      wait_ready 30 "$s" ;;
  esac
}

# Services a config fault restarts.
config_fault_services() {
  case "$1" in
    sshd.password-auth) echo "sshd $(private_net_on && echo "bastion-sshd private-sshd")" ;;
    dns.record-missing) echo dnsmasq ;;
    bastion.bypass) echo "" ;;
  esac
}

# --- the private network behind the bastion (root only) ----------------------------------------------
# Two network namespaces joined by veth pairs: the runner (this host) reaches the bastion's sshd at $BASTION_ADDR:22;
# the bastion reaches the private node's sshd at $PRIVATE_NODE_ADDR:22. The host has an "unreachable" route for the
# private network and the bastion does not forward packets, so a direct connection from the runner to the private node
# fails at once: only an SSH channel through the bastion gets there (ProxyJump). Both sshd read the sandbox's one
# sshd_config (the fleet's policy file) with their address, host key and forwarding given on the command line.
BASTION_NS=mlp-sandbox-bastion PRIVATE_NS=mlp-sandbox-private
BASTION_HOST_SIDE=10.213.0.1 BASTION_ADDR=10.213.0.2 PRIVATE_GW=10.213.1.1 PRIVATE_NODE_ADDR=10.213.1.2 PRIVATE_NET=10.213.1.0/30
private_net_on() { [[ -e "/run/netns/$BASTION_NS" && -e "/run/netns/$PRIVATE_NS" ]]; }
private_net_why() { # empty when the private network can be made here
  if [[ "$(id -u)" != 0 ]]; then echo "not root (network namespaces need root)"
  elif ! command -v ip >/dev/null; then echo "ip (iproute2) is missing"
  fi
}
# ip inside a namespace; echo to /proc/sys of the namespace (no procps needed)
ns_sysctl() { ip netns exec "$1" sh -c "echo $3 >/proc/sys/$2"; }
private_net_up() {
  if private_net_on && ip netns exec "$PRIVATE_NS" ip -4 -br addr show mlp-prv1 2>/dev/null | grep -qF "$PRIVATE_NODE_ADDR/"; then
    private_net_route
    return 0
  fi
  private_net_down
  ip netns add "$BASTION_NS" && ip netns add "$PRIVATE_NS" || return 1
  ip link add mlp-bst0 type veth peer name mlp-bst1 netns "$BASTION_NS" || return 1
  ip link add mlp-prv0 netns "$BASTION_NS" type veth peer name mlp-prv1 netns "$PRIVATE_NS" || return 1
  ip addr add "$BASTION_HOST_SIDE/30" dev mlp-bst0 && ip link set mlp-bst0 up || return 1
  ip -n "$BASTION_NS" addr add "$BASTION_ADDR/30" dev mlp-bst1 && ip -n "$BASTION_NS" link set mlp-bst1 up || return 1
  ip -n "$BASTION_NS" addr add "$PRIVATE_GW/30" dev mlp-prv0 && ip -n "$BASTION_NS" link set mlp-prv0 up || return 1
  ip -n "$BASTION_NS" link set lo up && ip -n "$PRIVATE_NS" link set lo up || return 1
  ip -n "$PRIVATE_NS" addr add "$PRIVATE_NODE_ADDR/30" dev mlp-prv1 && ip -n "$PRIVATE_NS" link set mlp-prv1 up || return 1
  ip -n "$PRIVATE_NS" route add default via "$PRIVATE_GW" || return 1
  private_net_route
}
# The runner's route to the private network: none ("unreachable"), or through the bastion under bastion.bypass.
private_net_route() {
  if [[ -e "$FAULTS/bastion.bypass" ]]; then
    ns_sysctl "$BASTION_NS" net/ipv4/ip_forward 1
    ip route replace "$PRIVATE_NET" via "$BASTION_ADDR"
  else
    # a new namespace inherits the host's ip_forward (1 where Docker runs): the bastion must not route
    ns_sysctl "$BASTION_NS" net/ipv4/ip_forward 0
    ip route replace unreachable "$PRIVATE_NET"
  fi
}
private_net_down() {
  ip route del "$PRIVATE_NET" 2>/dev/null || true
  ip netns del "$BASTION_NS" 2>/dev/null || true # deleting a namespace deletes its veth ends (and their peers)
  ip netns del "$PRIVATE_NS" 2>/dev/null || true
  ip link del mlp-bst0 2>/dev/null || true
}
# The sshd of the bastion or the private node: the sandbox's sshd_config, own address, host key, PID file.
start_ns_sshd() { # bastion-sshd | private-sshd
  local ns="$BASTION_NS" addr="$BASTION_ADDR" fwd=local key="$STATE/ssh/bastion_host_ed25519_key"
  if [[ "$1" == private-sshd ]]; then ns="$PRIVATE_NS" addr="$PRIVATE_NODE_ADDR" fwd=no key="$STATE/ssh/private_host_ed25519_key"; fi
  start_bg "$1" ip netns exec "$ns" /usr/sbin/sshd -D -e -f "$CONF/sshd_config" -o "ListenAddress=$addr:22" -o Port=22 \
    -o "HostKey=$key" -o "PidFile=$STATE/run/$1.pid" -o "AllowTcpForwarding=$fwd"
}
ns_sshd_ready() { # bastion-sshd | private-sshd
  local ns="$BASTION_NS"; [[ "$1" == private-sshd ]] && ns="$PRIVATE_NS"
  ip netns exec "$ns" ss -Hlnt "sport = :22" 2>/dev/null | grep -q .
}
