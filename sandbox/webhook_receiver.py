#!/usr/bin/python3
"""Webhook receiver of the sandbox: records every Alertmanager notification.

POST   /hook/<receiver>         append {receiver, received_at, payload}
GET    /notifications[?receiver=NAME]   the recorded list (JSON)
DELETE /notifications[?receiver=NAME]   clear the list (or one receiver's entries)
GET    /runbooks/<name>         serve sandbox/runbooks/<name>.md (Last-Modified: the file's time)
GET    /docs/<name>             serve --docs DIR/<name>.md (Last-Modified: the file's time)
GET    /healthz                 liveness
"""
import argparse
import email.utils
import json
import os
import re
import threading
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

LOCK = threading.Lock()
NOTIFICATIONS = []
ARGS = None
NAME_RE = re.compile(r"^[A-Za-z0-9._-]+$")


class Handler(BaseHTTPRequestHandler):
    server_version = "sandbox-webhook/1"
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # one line per request on stderr (the service log)
        super().log_message(fmt, *args)

    def _send(self, status, body, ctype="application/json", last_modified=None):
        data = body if isinstance(body, bytes) else body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        if last_modified is not None:
            self.send_header("Last-Modified", email.utils.formatdate(last_modified, usegmt=True))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _json(self, status, obj):
        self._send(status, json.dumps(obj))

    def do_GET(self):
        url = urlparse(self.path)
        path = url.path.rstrip("/") or "/"
        if path == "/healthz":
            return self._json(200, {"status": "ok"})
        if path == "/notifications":
            receiver = parse_qs(url.query).get("receiver", [None])[0]
            with LOCK:
                items = [n for n in NOTIFICATIONS if receiver is None or n["receiver"] == receiver]
            return self._json(200, items)
        if path == "/runbooks":
            names = sorted(f[:-3] for f in os.listdir(ARGS.runbooks) if f.endswith(".md"))
            return self._json(200, names)
        if path.startswith("/runbooks/"):
            name = path[len("/runbooks/"):]
            name = name[:-3] if name.endswith(".md") else name
            file = os.path.join(ARGS.runbooks, name + ".md")
            if NAME_RE.match(name) and os.path.isfile(file):
                with open(file, "rb") as f:
                    return self._send(200, f.read(), "text/markdown; charset=utf-8", os.path.getmtime(file))
            return self._json(404, {"error": "no such runbook", "name": name})
        if path.startswith("/docs/") and ARGS.docs:
            name = path[len("/docs/"):]
            name = name[:-3] if name.endswith(".md") else name
            file = os.path.join(ARGS.docs, name + ".md")
            if NAME_RE.match(name) and os.path.isfile(file):
                with open(file, "rb") as f:
                    return self._send(200, f.read(), "text/markdown; charset=utf-8", os.path.getmtime(file))
            return self._json(404, {"error": "no such document", "name": name})
        return self._json(404, {"error": "not found"})

    do_HEAD = do_GET

    def do_POST(self):
        path = urlparse(self.path).path
        m = re.match(r"^/hook/([A-Za-z0-9._-]+)$", path)
        if not m:
            return self._json(404, {"error": "not found"})
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            payload = json.loads(raw or b"null")
        except ValueError:
            payload = {"unparsed": raw.decode("utf-8", "replace")}
        entry = {
            "receiver": m.group(1),
            "received_at": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
            "payload": payload,
        }
        with LOCK:
            NOTIFICATIONS.append(entry)
            if ARGS.journal:
                with open(ARGS.journal, "a", encoding="utf-8") as f:
                    f.write(json.dumps(entry) + "\n")
        return self._json(200, {"recorded": True})

    def do_DELETE(self):
        url = urlparse(self.path)
        if url.path.rstrip("/") != "/notifications":
            return self._json(404, {"error": "not found"})
        receiver = parse_qs(url.query).get("receiver", [None])[0]
        with LOCK:
            keep = [n for n in NOTIFICATIONS if receiver is not None and n["receiver"] != receiver]
            count = len(NOTIFICATIONS) - len(keep)
            NOTIFICATIONS[:] = keep
        return self._json(200, {"deleted": count})


def main():
    global ARGS
    p = argparse.ArgumentParser()
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=19095)
    p.add_argument("--runbooks", required=True)
    p.add_argument("--docs", default="", help="serve DIR/<name>.md at /docs/<name>, with Last-Modified")
    p.add_argument("--journal", default="")
    ARGS = p.parse_args()
    server = ThreadingHTTPServer((ARGS.host, ARGS.port), Handler)
    server.daemon_threads = True
    server.serve_forever()


if __name__ == "__main__":
    main()
