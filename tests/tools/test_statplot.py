#!/usr/bin/python3
"""tools/statplot.py: stats lines in, CSV rows and a chart out."""
import csv
import os
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import statplot  # noqa: E402

LOG = """\
stats: phase=before-guests guests=0 total=100 free=90 freeable=0 owned=10
[a] hello
stats: total=100 free=40 freeable=20 owned=40 puts=5 uptime_ms=1000 at=interval
stats: guest=a ram=12 owned=15 persistent=6 uptime_ms=1000
stats: guest=b ram=10 owned=11 uptime_ms=1000
stats: total=100 free=60 freeable=10 owned=30 uptime_ms=2000 at=final
stats: guest=b ram=10 owned=11 uptime_ms=2000
"""


class StatplotTest(unittest.TestCase):
    def test_rows_keep_every_key_and_scope(self):
        rows = statplot.parse(LOG.splitlines())
        self.assertEqual([r["scope"] for r in rows], ["machine", "a", "b", "machine", "b"])
        self.assertEqual(rows[0]["puts"], "5")
        self.assertEqual(rows[1]["persistent"], "6")

    def test_series_splits_owned_per_guest(self):
        guests, points = statplot.series(statplot.parse(LOG.splitlines()))
        self.assertEqual(guests, ["a", "b"])
        self.assertEqual(points[0]["guests"], {"a": 15, "b": 11})
        self.assertEqual(points[1]["guests"], {"b": 11})
        for p in points:  # every layer adds up to the machine
            self.assertEqual(p["free"] + p["freeable"] + p["owned"], 100)
            self.assertLessEqual(sum(p["guests"].values()), p["owned"])

    def test_command_writes_csv_and_png(self):
        with tempfile.TemporaryDirectory() as d:
            log = os.path.join(d, "run.log")
            with open(log, "w") as f:
                f.write(LOG)
            subprocess.run([sys.executable, os.path.join(ROOT, "tools", "statplot.py"),
                            "--log", log, "--out", d], check=True, capture_output=True)
            with open(os.path.join(d, "run.csv")) as f:
                rows = list(csv.DictReader(f))
            self.assertEqual(len(rows), 5)
            self.assertEqual(rows[3]["free"], "60")
            with open(os.path.join(d, "run.png"), "rb") as f:
                self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")


if __name__ == "__main__":
    unittest.main()
