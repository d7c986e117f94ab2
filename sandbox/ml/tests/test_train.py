"""The sandbox trainer's own CI tests (sandbox/ml/train.py): unit tests of its pieces and integration tests of a
whole run against a local stand-in Pushgateway. sandbox/up runs them under coverage and writes the results the
suite imports for PREVAL-AT-3/4 (ci_results in the sandbox's target file): they are the sandbox application's real
CI results, measured on every start, not fixtures."""
import http.server
import io
import json
import math
import os
import sys
import tempfile
import threading
import unittest
from contextlib import redirect_stderr, redirect_stdout
from unittest import mock

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import train  # noqa: E402


class Pushgateway:
    """A local HTTP server that records every PUT (path, body); status is what it answers."""

    def __init__(self, status=200):
        self.pushes, self.status = [], status
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_PUT(self):
                body = self.rfile.read(int(self.headers["Content-Length"])).decode()
                outer.pushes.append((self.path, body))
                self.send_response(outer.status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def run_main(*args):
    out, err = io.StringIO(), io.StringIO()
    with mock.patch.object(sys, "argv", ["train.py", *args]), redirect_stdout(out), redirect_stderr(err):
        try:
            rc = train.main()
        except SystemExit as e:
            rc = e.code
    return rc, out.getvalue(), err.getvalue()


class Units(unittest.TestCase):
    def test_data_is_reproducible_and_labelled(self):
        a, b = train.make_data(50, seed=1), train.make_data(50, seed=1)
        self.assertEqual(a, b)
        self.assertEqual({y for _, y in a}, {0, 1})

    def test_sigmoid_and_softplus_are_stable_at_the_extremes(self):
        self.assertAlmostEqual(train.sigmoid(0), 0.5)
        self.assertAlmostEqual(train.sigmoid(-800), 0.0)
        self.assertAlmostEqual(train.sigmoid(800), 1.0)
        self.assertAlmostEqual(train.softplus(0), math.log(2))
        self.assertAlmostEqual(train.softplus(1000), 1000)

    def test_training_converges_and_diverges_on_request(self):
        data = train.make_data(200, seed=42)
        seen = []
        loss, acc, w = train.train(data, 20, on_epoch=lambda *e: seen.append(e))
        self.assertGreater(acc, 0.8)
        self.assertLess(loss, seen[0][1])
        self.assertEqual(len(seen), 20)
        self.assertEqual(set(w), {"w1", "w2", "b"})
        bad_loss, _, _ = train.train(data, 20, diverge=True)
        self.assertGreater(bad_loss, seen[0][1])

    def test_sample_values_use_the_prometheus_text_format(self):
        self.assertEqual(train.num(float("nan")), "NaN")
        self.assertEqual(train.num(float("inf")), "+Inf")
        self.assertEqual(train.num(float("-inf")), "-Inf")
        self.assertEqual(train.num(0.5), "0.5")
        self.assertEqual(train.num(3), "3")

    def test_grouping_keys_encode_slashes(self):
        self.assertEqual(train.label_segment("run_id", "a b"), "run_id/a%20b")
        self.assertTrue(train.label_segment("run_id", "job/dispatch-1").startswith("run_id@base64/"))
        self.assertEqual(train.group_path("ml", "r1"), "/metrics/job/ml/run_id/r1")
        self.assertIn("/instance/", train.group_path("ml", ""))

    def test_epoch_lines(self):
        self.assertEqual(train.epoch_lines([]), [])
        lines = train.epoch_lines([(1, 0.7, 0.5, 0.01), (2, 0.6, 0.75, 0.01)])
        self.assertIn("ml_training_epoch 2", lines)
        self.assertIn('ml_training_epoch_accuracy{epoch="2"} 0.75', lines)

    def test_artifacts_are_written_atomically_with_their_digest(self):
        with tempfile.TemporaryDirectory() as d:
            path, sha = train.write_artifact(d, "job/1", {"a": 1})
            self.assertTrue(path.endswith(os.path.join("job_1", "model.json")))
            self.assertEqual(json.load(open(path)), {"a": 1})
            self.assertEqual(len(sha), 64)
            self.assertEqual([f for f in os.listdir(os.path.dirname(path)) if f.endswith(".tmp")], [])
            with mock.patch.object(train.os, "replace", side_effect=OSError("disk full")):
                with self.assertRaises(OSError):
                    train.write_artifact(d, "x", {})
            self.assertEqual([f for f in os.listdir(os.path.join(d, "x")) if f.endswith(".tmp")], [])


class Runs(unittest.TestCase):
    def setUp(self):
        self.pgw = Pushgateway()

    def tearDown(self):
        self.pgw.close()

    def test_a_good_run_pushes_its_metrics_and_artifact(self):
        with tempfile.TemporaryDirectory() as d:
            rc, out, _ = run_main("--pushgateway", self.pgw.url, "--run-id", "r1", "--epochs", "5", "--artifact-dir", d,
                                  "--epoch-delay", "0.001")
            self.assertEqual(rc, 0, out)
            self.assertIn("artifact: ", out)
        final = self.pgw.pushes[-1][1]
        self.assertIn("ml_training_job_failed 0", final)
        self.assertIn("ml_training_last_success_timestamp_seconds", final)
        self.assertIn("ml_training_model_info{sha256=", final)
        self.assertEqual(len(self.pgw.pushes), 6)

    def test_failures_are_reported(self):
        rc, _, err = run_main("--pushgateway", self.pgw.url, "--epochs", "3", "--fail")
        self.assertEqual(rc, 1)
        self.assertIn("--fail given", err)
        rc, _, err = run_main("--pushgateway", self.pgw.url, "--epochs", "5", "--diverge")
        self.assertEqual((rc, "loss diverged" in err), (1, True))
        rc, _, err = run_main("--pushgateway", self.pgw.url, "--epochs", "1", "--samples", "20", "--learning-rate", "0.0")
        self.assertEqual((rc, "is not above 0.8" in err), (1, True))
        with mock.patch.object(train, "train", side_effect=OverflowError("overflow")):
            rc, _, err = run_main("--pushgateway", self.pgw.url)
        self.assertEqual((rc, "arithmetic error" in err), (1, True))

    def test_an_artifact_that_cannot_be_written_fails_the_run_with_3(self):
        with tempfile.NamedTemporaryFile() as not_a_dir:
            rc, _, err = run_main("--pushgateway", self.pgw.url, "--epochs", "2", "--artifact-dir", not_a_dir.name)
        self.assertEqual(rc, 3)
        self.assertIn("could not write the artifact", err)

    def test_an_unreachable_or_refusing_pushgateway_is_exit_2(self):
        self.pgw.status = 500
        rc, _, err = run_main("--pushgateway", self.pgw.url, "--epochs", "2")
        self.assertEqual(rc, 2)
        self.assertIn("not retried until the end", err)
        rc, _, err = run_main("--pushgateway", "http://127.0.0.1:9", "--epochs", "1")
        self.assertEqual(rc, 2)

    def test_usage_errors(self):
        self.assertEqual(run_main("--pushgateway", self.pgw.url, "--epochs", "0")[0], 2)
        self.assertEqual(run_main("--pushgateway", self.pgw.url, "--epoch-delay", "-1")[0], 2)


if __name__ == "__main__":
    unittest.main()
