#!/usr/bin/python3
"""The sandbox's ML training job: trains a small logistic-regression model on generated data
(pure Python 3 stdlib, no downloads) and reports the run to Pushgateway the way the platform's
training jobs do, so dashboards, alerts and checks see real training metrics.

    train.py --pushgateway URL [--job ml-training] [--run-id ID] [--epochs 30] [--learning-rate 0.5]
             [--epoch-delay 0] [--artifact-dir DIR] [--samples 400] [--diverge] [--fail]

  --run-id ID        group the metrics by run: pushed to /metrics/job/<job>/run_id/<ID>
                     (run_id@base64/... when ID has a "/", e.g. a Nomad child job ID)
                     (without it: /metrics/job/<job>/instance/<hostname>, as before)
  --learning-rate LR gradient-descent step (default 0.5). The model is convex and the data nearly
                     separable, so even a huge rate (50, 5000) converges; a negative rate is gradient
                     ascent and diverges (what a job template can pass), as does --diverge.
  --diverge          flips the gradient's sign (gradient ascent): the loss rises every epoch, the run
                     fails as diverged. The "bad hyper-parameters" run of the fault drills.
  --epoch-delay S    sleep S seconds after each epoch, so a run takes visible time (30 x 0.05 = 1.5 s)
  --artifact-dir DIR write DIR/<run_id or "latest">/model.json (weights, metrics, hyper-parameters;
                     a "/" in the run id becomes "_")
                     atomically, then print "artifact: <path> sha256=<hex of the file>"
  --fail             report a failed run (for alert tests)

Stdout: one line per epoch ("epoch 3/30 loss 0.612345 accuracy 0.8125 duration 0.051s"), the
artifact line, then the summary line. Errors on stderr.

Metrics (one group, replaced by every push):
  after each epoch:
    ml_training_epoch                           the epoch just finished (1-based)
    ml_training_epoch_loss{epoch="N"}           training loss of epoch N, for every epoch so far
    ml_training_epoch_accuracy{epoch="N"}       training accuracy of epoch N
    ml_training_epoch_duration_seconds{epoch="N"}  wall time of epoch N (including --epoch-delay)
  at the end, in addition:
    ml_training_job_failed                      0 on success, 1 when the run failed
    ml_training_loss                            final training loss
    ml_training_accuracy                        final training accuracy
    ml_training_epochs_total                    epochs run
    ml_training_duration_seconds                wall time of the run
    ml_training_last_success_timestamp_seconds  time of the last successful run (absent on failure)
    ml_training_model_info{sha256="<hex>"} 1    when the artifact was written (absent otherwise)
A run fails when --fail is given, the final accuracy is not above 0.8, the loss diverged (final
loss above the first epoch's, or not finite) or the arithmetic failed.
Failed epoch pushes are reported once on stderr and not retried during the run; the final push decides.

Exit code: 0 success; 1 the run failed (reason on stderr); 2 the final metrics could not be pushed
(or a usage error); 3 the artifact could not be written (the run is then reported failed).
"""
import argparse
import base64
import hashlib
import json
import math
import os
import random
import socket
import sys
import tempfile
import time
import urllib.parse
import urllib.request


def make_data(n, seed):
    rng = random.Random(seed)
    data = []
    for _ in range(n):
        x1, x2 = rng.uniform(-1, 1), rng.uniform(-1, 1)
        label = 1 if 1.5 * x1 - 0.8 * x2 + 0.2 + rng.gauss(0, 0.1) > 0 else 0
        data.append(((x1, x2), label))
    return data


def softplus(x):
    """log(1 + e^x) without overflow."""
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


def sigmoid(z):
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def train(data, epochs, lr=0.5, diverge=False, on_epoch=None):
    """Full-batch gradient descent; on_epoch(epoch, loss, acc, seconds) after each epoch. Returns
    (loss, accuracy, weights) of the last epoch (loss/accuracy measured before its update)."""
    w1 = w2 = b = 0.0
    loss = acc = float("nan")
    sign = -1.0 if diverge else 1.0
    n = len(data)
    for epoch in range(1, epochs + 1):
        t = time.monotonic()
        g1 = g2 = gb = 0.0
        total = 0.0
        correct = 0
        for (x1, x2), y in data:
            z = w1 * x1 + w2 * x2 + b
            p = sigmoid(z)
            total += softplus(-z) if y == 1 else softplus(z)  # binary cross-entropy, stable
            correct += (p >= 0.5) == (y == 1)
            g1 += (p - y) * x1
            g2 += (p - y) * x2
            gb += p - y
        w1 -= sign * lr * g1 / n
        w2 -= sign * lr * g2 / n
        b -= sign * lr * gb / n
        loss, acc = total / n, correct / n
        if on_epoch:
            on_epoch(epoch, loss, acc, time.monotonic() - t)
    return loss, acc, {"w1": w1, "w2": w2, "b": b}


def num(v):
    """A sample value in the Prometheus text format."""
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "+Inf" if v > 0 else "-Inf"
    return repr(float(v)) if isinstance(v, float) else str(v)


def label_segment(name, value):
    """One grouping-key path segment; a value with a slash goes base64 (Pushgateway's name@base64)."""
    value = str(value)
    if "/" in value:
        return f"{name}@base64/{base64.urlsafe_b64encode(value.encode()).decode()}"
    return f"{name}/{urllib.parse.quote(value, safe='')}"


def group_path(job, run_id):
    if run_id:
        return f"/metrics/{label_segment('job', job)}/{label_segment('run_id', run_id)}"
    return f"/metrics/{label_segment('job', job)}/{label_segment('instance', socket.gethostname())}"


def push(url, path, body, timeout=5):
    req = urllib.request.Request(f"{url.rstrip('/')}{path}", data=body.encode(), method="PUT",
                                 headers={"Content-Type": "text/plain; version=0.0.4"})
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        if resp.status // 100 != 2:
            raise OSError(f"Pushgateway answered {resp.status}")


def epoch_lines(history):
    lines = []
    if not history:
        return lines
    lines += ["# TYPE ml_training_epoch gauge", f"ml_training_epoch {history[-1][0]}"]
    for name, i in (("loss", 1), ("accuracy", 2), ("duration_seconds", 3)):
        lines.append(f"# TYPE ml_training_epoch_{name} gauge")
        lines += [f'ml_training_epoch_{name}{{epoch="{h[0]}"}} {num(h[i])}' for h in history]
    return lines


def write_artifact(directory, run_id, model):
    """DIR/<run_id>/model.json, atomically; returns (path, sha256 hex of the file)."""
    d = os.path.join(directory, (run_id or "latest").replace("/", "_").lstrip(".") or "latest")
    os.makedirs(d, exist_ok=True)
    data = (json.dumps(model, indent=2, sort_keys=True) + "\n").encode()
    path = os.path.join(d, "model.json")
    fd, tmp = tempfile.mkstemp(prefix=".model.", suffix=".tmp", dir=d)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return path, hashlib.sha256(data).hexdigest()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pushgateway", required=True)
    ap.add_argument("--job", default="ml-training")
    ap.add_argument("--run-id", default="", help="grouping label run_id (default: group by instance)")
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--samples", type=int, default=400)
    ap.add_argument("--learning-rate", type=float, default=0.5)
    ap.add_argument("--epoch-delay", type=float, default=0.0, help="seconds to sleep after each epoch")
    ap.add_argument("--artifact-dir", default="", help="write <dir>/<run_id>/model.json")
    ap.add_argument("--diverge", action="store_true", help="flip the gradient's sign: the loss diverges")
    ap.add_argument("--fail", action="store_true", help="report a failed run (for alert tests)")
    args = ap.parse_args()
    if args.epochs < 1:
        ap.error("--epochs must be at least 1")
    if args.epoch_delay < 0:
        ap.error("--epoch-delay must not be negative")

    path = group_path(args.job, args.run_id)
    start = time.time()
    history = []  # (epoch, loss, accuracy, seconds)
    push_warned = [False]

    def on_epoch(epoch, loss, acc, seconds):
        if args.epoch_delay:
            time.sleep(args.epoch_delay)
            seconds += args.epoch_delay
        history.append((epoch, loss, acc, seconds))
        print(f"epoch {epoch}/{args.epochs} loss {loss:.6f} accuracy {acc:.4f} duration {seconds:.3f}s", flush=True)
        if push_warned[0]:
            return
        try:
            push(args.pushgateway, path, "\n".join(epoch_lines(history)) + "\n")
        except OSError as e:
            push_warned[0] = True
            print(f"could not push epoch metrics to {args.pushgateway}: {e} (not retried until the end)",
                  file=sys.stderr, flush=True)

    failed, reason = args.fail, "--fail given" if args.fail else ""
    loss = acc = float("nan")
    weights = {}
    try:
        loss, acc, weights = train(make_data(args.samples, seed=42), args.epochs, args.learning_rate,
                                   args.diverge, on_epoch)
        first = history[0][1]
        if not math.isfinite(loss) or loss > first:
            failed, reason = True, f"loss diverged (epoch 1 {first:.6f}, epoch {args.epochs} {loss:.6f})"
        elif not acc > 0.8:
            failed, reason = True, f"accuracy {acc:.4f} is not above 0.8"
    except (ArithmeticError, ValueError) as e:
        failed, reason = True, f"arithmetic error: {e}"
    duration = time.time() - start

    rc_artifact = 0
    artifact = None
    if args.artifact_dir:
        model = {
            "model": "logistic-regression", "weights": weights, "run_id": args.run_id or None, "job": args.job,
            "hyperparameters": {"epochs": args.epochs, "learning_rate": args.learning_rate,
                                "samples": args.samples, "diverge": args.diverge},
            "metrics": {"loss": loss if math.isfinite(loss) else None,
                        "accuracy": acc if math.isfinite(acc) else None,
                        "failed": failed, "duration_seconds": round(duration, 3),
                        "epochs": [{"epoch": e, "loss": l if math.isfinite(l) else None, "accuracy": a}
                                   for e, l, a, _ in history]},
            "finished_at": int(time.time()),
        }
        try:
            artifact = write_artifact(args.artifact_dir, args.run_id, model)
            print(f"artifact: {artifact[0]} sha256={artifact[1]}", flush=True)
        except OSError as e:
            print(f"could not write the artifact under {args.artifact_dir}: {e}", file=sys.stderr)
            failed, reason, rc_artifact = True, reason or "artifact not written", 3

    lines = epoch_lines(history) + [
        "# TYPE ml_training_job_failed gauge", f"ml_training_job_failed {1 if failed else 0}",
        "# TYPE ml_training_loss gauge", f"ml_training_loss {num(loss)}",
        "# TYPE ml_training_accuracy gauge", f"ml_training_accuracy {num(acc)}",
        "# TYPE ml_training_epochs_total counter", f"ml_training_epochs_total {args.epochs}",
        "# TYPE ml_training_duration_seconds gauge", f"ml_training_duration_seconds {duration:.3f}",
    ]
    if not failed:
        lines += ["# TYPE ml_training_last_success_timestamp_seconds gauge",
                  f"ml_training_last_success_timestamp_seconds {time.time():.0f}"]
    if artifact:
        lines += ["# TYPE ml_training_model_info gauge", f'ml_training_model_info{{sha256="{artifact[1]}"}} 1']
    if failed:
        print(f"training failed: {reason}", file=sys.stderr)
    try:
        push(args.pushgateway, path, "\n".join(lines) + "\n", timeout=10)
    except OSError as e:
        print(f"could not push metrics to {args.pushgateway}: {e}", file=sys.stderr)
        return 2
    print(f"trained {args.epochs} epochs on {args.samples} samples: loss {loss:.4f}, accuracy {acc:.3f}, "
          f"{'FAILED' if failed else 'ok'} in {duration:.2f} s", flush=True)
    return rc_artifact or (1 if failed else 0)


if __name__ == "__main__":
    sys.exit(main())
