#!/usr/bin/env python3
"""A sandbox web backend behind HAProxy: serves a folder like `python3 -m http.server`, exposes its own process
metrics at /metrics (process_resident_memory_bytes, process_open_fds, process_max_fds; scraped by Prometheus as job
"backend") and obeys the performance fault markers in --faults (sandbox/fault on NAME [ARG]):
  perf.slow-backend      [ms]        every request but /health and /metrics waits ARG ms (default 400)
  perf.erroring-backend  [share]     that share of those requests answers 503 (default 0.2)
  perf.memory-leak       [KiB]       every such request keeps ARG KiB until the marker goes (default 512; at most 256 MiB in all)
  perf.disk-filling      [KiB/s]     (with --fill-dir) a file there grows by ARG KiB/s (default 2048) up to 80 % of the volume
Markers are read on each request (and every 0.5 s for the disk); removing one restores the healthy behaviour (the
leaked memory and the filled file are released)."""
import argparse, functools, http.server, os, resource, shutil, threading, time

ap = argparse.ArgumentParser()
ap.add_argument("--host", default="127.0.0.1")
ap.add_argument("--port", type=int, required=True)
ap.add_argument("--directory", required=True)
ap.add_argument("--faults", required=True)
ap.add_argument("--fill-dir")
args = ap.parse_args()

PAGE = os.sysconf("SC_PAGE_SIZE")
leak, leak_lock, counter = [], threading.Lock(), [0]


def marker(name):
    try:
        with open(os.path.join(args.faults, name)) as f:
            return f.read().strip() or ""
    except FileNotFoundError:
        return None


def number(text, default):
    try:
        return float(text) if text else default
    except ValueError:
        return default


def metrics():
    with open("/proc/self/statm") as f:
        rss = int(f.read().split()[1]) * PAGE
    fds = len(os.listdir("/proc/self/fd"))
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    return ("# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes %d\n"
            "# TYPE process_open_fds gauge\nprocess_open_fds %d\n"
            "# TYPE process_max_fds gauge\nprocess_max_fds %d\n" % (rss, fds, soft)).encode()


class Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_GET(self):
        if self.path == "/metrics":
            body = metrics()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; version=0.0.4")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        if self.path != "/health":
            slow = marker("perf.slow-backend")
            if slow is not None:
                time.sleep(number(slow, 400) / 1000)
            err = marker("perf.erroring-backend")
            if err is not None:
                with leak_lock:
                    counter[0] += 1
                    n = counter[0]
                share = min(1.0, max(0.0, number(err, 0.2)))
                if share > 0 and int(n * share) != int((n - 1) * share):
                    self.send_error(503, "fault perf.erroring-backend")
                    return
            grow = marker("perf.memory-leak")
            with leak_lock:
                if grow is None:
                    leak.clear()
                elif len(leak) * number(grow, 512) < 256 * 1024:
                    leak.append(b"\x01" * int(number(grow, 512) * 1024))
        super().do_GET()


def filler():
    path = os.path.join(args.fill_dir, "perf-disk-filling.bin")
    while True:
        time.sleep(0.5)
        rate = marker("perf.disk-filling")
        if rate is None:
            if os.path.exists(path):
                os.remove(path)
            continue
        usage = shutil.disk_usage(args.fill_dir)
        if usage.used + 1 >= 0.8 * usage.total:
            continue
        with open(path, "ab") as f:
            f.write(b"\0" * int(number(rate, 2048) * 1024 / 2))


if args.fill_dir:
    threading.Thread(target=filler, daemon=True).start()
server = http.server.ThreadingHTTPServer((args.host, args.port), functools.partial(Handler, directory=args.directory))
server.daemon_threads = True
server.serve_forever()
