#!/usr/bin/env python3
"""The platform's backup job for one component, as the sandbox's Nomad periodic jobs run it (raw_exec).

  backup.py --component consul|nomad|prometheus|grafana --state STATE_DIR
            --store sftp://USER@HOST:PORT/PATH [--store ...] --key FILE --known-hosts FILE
            --pushgateway URL [--max-age-days N --min-count N]

Takes a snapshot through the component's API (Consul /v1/snapshot, Nomad /v1/operator/snapshot, Prometheus
POST /api/v1/admin/tsdb/snapshot then a tar of the snapshot folder, Grafana dashboards + datasources through
its API), writes it with a .sha256 (sha256sum format) to every store over SFTP (`sftp -b`, key-only, known
host key), prunes backups older than --max-age-days while keeping the --min-count newest, and pushes
backup_last_success_timestamp_seconds{component} and backup_last_size_bytes to Pushgateway (job=backup).
A failure pushes backup_last_failure_timestamp_seconds and exits 1.
Credentials are read from the sandbox's secret files (never from the job spec).
Sandbox fault markers ($STATE/faults): backup.job-fails (content: a component, empty = all), backup.corrupt,
backup.restore-empty, backup.dr-missing.
"""
import argparse, datetime, hashlib, io, json, os, re, ssl, subprocess, sys, tarfile, tempfile, time, urllib.request, base64, shutil

EXT = {"consul": "snap.json", "nomad": "snap.json", "prometheus": "tar.gz", "grafana": "json"}


def fault(state, name, component=None):
    p = os.path.join(state, "faults", name)
    if not os.path.exists(p):
        return False
    arg = open(p).read().strip()
    return not arg or component is None or arg == component


def http(url, ca, headers=None, method="GET", data=None, timeout=30):
    req = urllib.request.Request(url, method=method, data=data, headers=headers or {})
    ctx = ssl.create_default_context(cafile=ca) if url.startswith("https") else None
    with urllib.request.urlopen(req, timeout=timeout, context=ctx) as r:
        return r.read()


def secret(state, name):
    return open(os.path.join(state, "secrets", name)).read().strip()


def snapshot(c, a, ports):
    st, ca, h = a.state, os.path.join(a.state, "tls", "ca.pem"), ports["SANDBOX_HOST"]
    if c == "consul":
        body = http(f"https://{h}:{ports['CONSUL_PORT']}/v1/snapshot", ca, {"X-Consul-Token": secret(st, "consul-management.token")})
        if fault(st, "backup.restore-empty"):  # sandbox fault: the snapshot misses the KV data
            doc = json.loads(body); doc["KV"] = []; body = json.dumps(doc).encode()
        return body
    if c == "nomad":
        return http(f"https://{h}:{ports['NOMAD_PORT']}/v1/operator/snapshot", ca, {"X-Nomad-Token": secret(st, "nomad-management.token")})
    if c == "grafana":
        base, hd = f"https://{h}:{ports['GRAFANA_PORT']}", {"Authorization": "Bearer " + secret(st, "grafana.token")}
        search = json.loads(http(base + "/api/search?type=dash-db", ca, hd))
        dashboards = [json.loads(http(base + "/api/dashboards/uid/" + d["uid"], ca, hd)) for d in search]
        if fault(st, "backup.restore-empty"):  # sandbox fault: the export misses the dashboards
            dashboards = []
        ds = json.loads(http(base + "/api/datasources", ca, hd))
        return json.dumps({"format": "grafana-api-export/1", "dashboards": dashboards, "datasources": ds}, indent=1).encode()
    if c == "prometheus":
        auth = "Basic " + base64.b64encode(f"acceptance:{secret(st, 'prometheus.password')}".encode()).decode()
        skip = "true" if fault(st, "backup.restore-empty") else "false"  # sandbox fault: skip_head drops the recent samples
        r = json.loads(http(f"https://{h}:{ports['PROMETHEUS_PORT']}/api/v1/admin/tsdb/snapshot?skip_head={skip}", ca, {"Authorization": auth}, "POST"))
        if r.get("status") != "success":
            raise RuntimeError(f"TSDB snapshot failed: {r}")
        folder = os.path.join(st, "data", "prometheus", "snapshots", r["data"]["name"])
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w:gz") as t:
            t.add(folder, arcname=r["data"]["name"])
        shutil.rmtree(folder, ignore_errors=True)
        return buf.getvalue()
    raise ValueError(f"unknown component {c}")


def sftp(store, a, commands):
    m = re.match(r"^sftp://([^@]+)@([^:/]+):(\d+)(/.*)$", store)
    if not m:
        raise ValueError(f"store {store}: not sftp://USER@HOST:PORT/PATH")
    user, host, port, path = m.groups()
    batch = f"cd {path}\n" + "".join(c + "\n" for c in commands)
    r = subprocess.run(["sftp", "-q", "-b", "-", "-i", a.key, "-P", port, "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes",
                        "-o", f"UserKnownHostsFile={a.known_hosts}", "-o", "StrictHostKeyChecking=yes", "-o", "ConnectTimeout=10",
                        f"{user}@{host}"], input=batch, capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        raise RuntimeError(f"sftp {store}: exit {r.returncode}: {(r.stderr or r.stdout).strip()[-300:]}")
    return r.stdout


def prune(store, a, c, now):
    names = sorted(n.strip().split("/")[-1] for n in sftp(store, a, [f"ls -1 {c}"]).splitlines()
                   if re.search(rf"{c}-\d{{8}}T\d{{6}}Z\.", n) and not n.strip().endswith(".sha256"))
    keep = set(names[-a.min_count:]) if a.min_count > 0 else set()
    old = []
    for n in names:
        ts = datetime.datetime.strptime(re.search(r"(\d{8}T\d{6}Z)", n).group(1), "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.timezone.utc)
        if n not in keep and (now - ts).total_seconds() > a.max_age_days * 86400:
            old.append(n)
    if old:
        sftp(store, a, [f"-rm {c}/{n}" for n in old] + [f"-rm {c}/{n}.sha256" for n in old])
    return old


def push(a, c, lines):
    body = "".join(l + "\n" for l in lines).encode()
    http(f"{a.pushgateway.rstrip('/')}/metrics/job/backup/component/{c}", None, {"Content-Type": "text/plain"}, "POST", body, 10)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--component", required=True, choices=sorted(EXT))
    p.add_argument("--state", required=True)
    p.add_argument("--store", action="append", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--known-hosts", required=True)
    p.add_argument("--pushgateway", required=True)
    p.add_argument("--max-age-days", type=float, default=30)
    p.add_argument("--min-count", type=int, default=3)
    a = p.parse_args()
    c = a.component
    ports = {k: v for k, v in (l.split("#")[0].strip().split("=", 1) for l in open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "ports.env")) if re.match(r"^[A-Z_0-9]+=", l))}
    ports = {k: v.strip() for k, v in ports.items()}
    now = datetime.datetime.now(datetime.timezone.utc)
    t0 = time.time()
    try:
        data = snapshot(c, a, ports)
        if fault(a.state, "backup.job-fails", c):
            raise RuntimeError("sandbox fault backup.job-fails: the backup job fails")
        digest = hashlib.sha256(data).hexdigest()
        if fault(a.state, "backup.corrupt"):  # sandbox fault: the stored bytes no longer match their checksum
            data += b"corrupted in transit"
        name = f"{c}-{now.strftime('%Y%m%dT%H%M%SZ')}.{EXT[c]}"
        with tempfile.TemporaryDirectory() as tmp:
            f = os.path.join(tmp, name)
            open(f, "wb").write(data)
            open(f + ".sha256", "w").write(f"{digest}  {name}\n")
            for i, store in enumerate(a.store):
                if i > 0 and fault(a.state, "backup.dr-missing"):  # sandbox fault: the copy to the DR store is skipped
                    continue
                sftp(store, a, [f"-mkdir {c}", f"put {f} {c}/{name}.part", f"rename {c}/{name}.part {c}/{name}", f"put {f}.sha256 {c}/{name}.sha256"])
        pruned = [n for store in a.store for n in prune(store, a, c, now)]
        push(a, c, [f"backup_last_success_timestamp_seconds {time.time():.3f}", f"backup_last_size_bytes {len(data)}",
                    f"backup_last_duration_seconds {time.time() - t0:.3f}"])
        print(f"{now.isoformat()} backup {c}: {name} {len(data)} bytes sha256 {digest} to {len(a.store)} store(s); pruned {len(pruned)}")
        return 0
    except Exception as e:  # noqa: BLE001: one line, a failure metric, exit 1
        print(f"{now.isoformat()} backup {c} FAILED: {e}", file=sys.stderr)
        try:
            push(a, c, [f"backup_last_failure_timestamp_seconds {time.time():.3f}"])
        except Exception as e2:  # noqa: BLE001
            print(f"could not push the failure metric: {e2}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
