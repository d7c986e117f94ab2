#!/usr/bin/python3
"""The sandbox's ML training job: trains a small logistic-regression model on generated data
(pure Python, no downloads) and reports the run to Pushgateway the way the platform's training
jobs do, so dashboards, alerts and checks see real training metrics.

    train.py --pushgateway http://127.0.0.1:19091 [--job ml-training] [--epochs 30] [--fail]

Metrics pushed (group job=<job>, instance=<hostname>):
  ml_training_job_failed                    0 on success, 1 when the run failed (--fail forces it)
  ml_training_loss                          final training loss
  ml_training_accuracy                      final training accuracy
  ml_training_epochs_total                  epochs run
  ml_training_duration_seconds              wall time of the run
  ml_training_last_success_timestamp_seconds  time of the last successful run (absent on failure)
Exit code: 0 on success, 1 on failure, 2 when the metrics could not be pushed.
"""
import argparse
import math
import random
import socket
import sys
import time
import urllib.request


def make_data(n, seed):
    rng = random.Random(seed)
    data = []
    for _ in range(n):
        x1, x2 = rng.uniform(-1, 1), rng.uniform(-1, 1)
        label = 1 if 1.5 * x1 - 0.8 * x2 + 0.2 + rng.gauss(0, 0.1) > 0 else 0
        data.append(((x1, x2), label))
    return data


def train(data, epochs, lr=0.5):
    w1 = w2 = b = 0.0
    loss = acc = 0.0
    for _ in range(epochs):
        g1 = g2 = gb = 0.0
        loss = 0.0
        correct = 0
        for (x1, x2), y in data:
            z = w1 * x1 + w2 * x2 + b
            p = 1.0 / (1.0 + math.exp(-z))
            loss -= y * math.log(p + 1e-12) + (1 - y) * math.log(1 - p + 1e-12)
            correct += (p >= 0.5) == (y == 1)
            g1 += (p - y) * x1
            g2 += (p - y) * x2
            gb += p - y
        n = len(data)
        w1 -= lr * g1 / n
        w2 -= lr * g2 / n
        b -= lr * gb / n
        loss /= n
        acc = correct / n
    return loss, acc


def push(url, job, body):
    instance = socket.gethostname()
    req = urllib.request.Request(f"{url.rstrip('/')}/metrics/job/{job}/instance/{instance}",
                                 data=body.encode(), method="PUT", headers={"Content-Type": "text/plain"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        if resp.status // 100 != 2:
            raise OSError(f"Pushgateway answered {resp.status}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pushgateway", required=True)
    ap.add_argument("--job", default="ml-training")
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--samples", type=int, default=400)
    ap.add_argument("--fail", action="store_true", help="report a failed run (for alert tests)")
    args = ap.parse_args()

    start = time.time()
    failed = args.fail
    loss = acc = float("nan")
    try:
        loss, acc = train(make_data(args.samples, seed=42), args.epochs)
        failed = failed or not (acc > 0.8)
    except (ArithmeticError, ValueError) as e:
        print(f"training failed: {e}", file=sys.stderr)
        failed = True
    duration = time.time() - start
    lines = [
        "# TYPE ml_training_job_failed gauge", f"ml_training_job_failed {1 if failed else 0}",
        "# TYPE ml_training_loss gauge", f"ml_training_loss {loss}",
        "# TYPE ml_training_accuracy gauge", f"ml_training_accuracy {acc}",
        "# TYPE ml_training_epochs_total counter", f"ml_training_epochs_total {args.epochs}",
        "# TYPE ml_training_duration_seconds gauge", f"ml_training_duration_seconds {duration:.3f}",
    ]
    if not failed:
        lines += ["# TYPE ml_training_last_success_timestamp_seconds gauge",
                  f"ml_training_last_success_timestamp_seconds {time.time():.0f}"]
    try:
        push(args.pushgateway, args.job, "\n".join(lines) + "\n")
    except OSError as e:
        print(f"could not push metrics to {args.pushgateway}: {e}", file=sys.stderr)
        return 2
    print(f"trained {args.epochs} epochs on {args.samples} samples: loss {loss:.4f}, accuracy {acc:.3f}, "
          f"{'FAILED' if failed else 'ok'} in {duration:.2f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
