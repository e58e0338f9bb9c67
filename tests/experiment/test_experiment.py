#!/usr/bin/python3
"""The overcommit experiment's pipeline.

ReportTest feeds a console log written here through the parsing, the
table and the charts. SmallExperimentTest boots the small presets for
real under Bochs, the workload guest's and the Linux guests' (two
guests, two configurations, two runs each), and checks that every count
repeats exactly run to run and that TABLE.md and the charts come out
with the expected rows.
"""
import os
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import experiment_presets as presets  # noqa: E402
import experiment_report as report  # noqa: E402
import experiment_run as run  # noqa: E402

PNG = b"\x89PNG\r\n\x1a\n"


def console(sectors, wall, tmem_pages):
    return f"""\
vmx: guest g1 started: mem=16384K maxmem=24576K weight=1 pages=4100 vpid=1
[g1] workload: 2 rounds, tmem on, self-ballooning on
stats: total=16000 free=9000 freeable={tmem_pages} owned=3000 ephemeral={tmem_pages * 2} persistent=10 eph_frames={tmem_pages} pers_frames=10 puts=400 hits=50 misses=30 dedup=100 comp_pct=40 uptime_ms=1000 at=interval
stats: guest=g1 ram=3000 owned=3000 uptime_ms=1000
[g1] result: name=g1 wall_ms={wall} cpu_ms=900 sectors_read={sectors} sectors_written=500 cache_hits=7 tmem_gets=9 tmem_hits=5 tmem_puts=20 swapped_out=3 swapped_in=3 swap_tmem=3 swap_disk=0 verified_pages=99 units=4 peak_cache_pages=10 peak_anon_pages=20
vmx: guest g1 exited with status 0
vmx: summary g1: status=0 exits=5
stats: total=16000 free=16000 freeable=0 owned=0 ephemeral=0 persistent=0 eph_frames=0 pers_frames=0 puts=400 gets=80 hits=50 misses=30 dedup=100 comp_pct=40 uptime_ms=2000 at=final
""".splitlines()


class ReportTest(unittest.TestCase):
    def runs(self):
        return {
            "selfballoon": [run.collect(console(s, 2000, 0), [], 1.0, ["g1"])
                            for s in (1000, 1200, 5000)],
            "tmem": [run.collect(console(400, 1800, 300), [], 1.0, ["g1"])],
        }

    def test_collect_reads_results_and_pool(self):
        r = run.collect(console(400, 1800, 300), [], 1.0, ["g1"])
        self.assertTrue(r["verified"])
        self.assertEqual(r["sectors_read"], 400)
        self.assertEqual(r["wall_ms"], 1800)
        self.assertEqual((r["peak_logical"], r["physical_at_peak"]), (610, 310))
        self.assertEqual(r["tmem_hits"], 50)

    def test_missing_result_is_not_verified(self):
        lines = [l for l in console(400, 1800, 300) if "result:" not in l]
        self.assertFalse(run.collect(lines, [], 1.0, ["g1"])["verified"])
        lines = console(400, 1800, 300) + ["[g1] workload: mismatch in source 1 page 2"]
        self.assertFalse(run.collect(lines, [], 1.0, ["g1"])["verified"])

    def test_highest_and_lowest_dropped(self):
        self.assertEqual(report.middle_mean([1000, 1200, 5000]), 1200)
        self.assertEqual(report.middle_mean([1000, 3000]), 2000)
        s = report.summarize(self.runs())
        self.assertEqual(s["selfballoon"]["sectors_read"], 1200)
        self.assertFalse(s["selfballoon"]["repeatable"])

    def test_table_and_charts(self):
        s = report.summarize(self.runs())
        with tempfile.TemporaryDirectory() as d:
            table = os.path.join(d, "TABLE.md")
            report.write_table(table, "small", presets.PRESETS["small"], s, 3, None, 60)
            with open(table) as f:
                text = f.read()
            self.assertIn("| self-ballooning only | 2000 |", text)
            self.assertIn("| self-ballooning + tmem | 1800 |", text)
            # 400 sectors against 1200: two thirds fewer.
            self.assertIn("66.7% fewer", text)
            for p in report.write_charts(d, "small", s, self.runs()):
                with open(p, "rb") as f:
                    self.assertEqual(f.read(8), PNG, p)


class ScenarioTest(unittest.TestCase):
    """The machine a configuration boots: the preset's memory for guests and
    tmem, plus the image and a disk store that stand in for the host's disk."""

    def scenario(self, config):
        preset = presets.PRESETS["scaled"]
        return preset, run.config_scenario(preset, config, ("exp-scaled", 50 << 20), 1)

    def test_disk_outside_the_machine(self):
        preset, text = self.scenario("tmem")
        store = run.store_mib(preset["workload"], preset["guests"], preset)
        # 4 guests x (12.5 MiB of objects + 8 MiB of swap + radix nodes)
        self.assertEqual(store, 83)
        self.assertIn(f"memory: {preset['memory'] + 50 + store}\n", text)
        self.assertIn(f"disk_store={store}M", text)

    def test_configurations_set_the_guests_tmem(self):
        for config, want in (("unchanged", "tmem=off"), ("tmem", "tmem_dedup=off"),
                             ("dedup", "tmem_dedup=shared tmem_compress=off"),
                             ("dedup_comp", "tmem_dedup=shared tmem_compress=on")):
            _, text = self.scenario(config)
            guests = [l for l in text.splitlines() if "workload.elf" in l]
            self.assertEqual(len(guests), 4)
            for g in guests:
                self.assertIn(want, g)
                self.assertEqual("selfballoon" in g, config != "unchanged", g)


class LinuxScenarioTest(unittest.TestCase):
    """--guests linux: the same configurations on Debian's kernel building C."""

    def scenario(self, config, name="scaled"):
        preset = dict(presets.LINUX_PRESETS[name], kind="linux")
        return preset, run.config_scenario(preset, config, ("linuxbuild", 64 << 20), 1)

    def guests(self, text):
        return [l for l in text.splitlines() if "kind=linux" in l]

    def test_linux_guests_share_initramfs_and_image(self):
        preset, text = self.scenario("tmem")
        self.assertIn("module2 --nounzip /boot/linux/initramfs.cpio.gz image=initramfs\n", text)
        self.assertIn("module2 /boot/images/linuxbuild.img image=linuxbuild\n", text)
        guests = self.guests(text)
        self.assertEqual(len(guests), preset["guests"])
        for g in guests:
            self.assertIn("initrd=initramfs disk=linuxbuild disk_size=64M", g)
            self.assertIn("script=linux-build", g)
            self.assertIn("build_rounds=2 build_jobs=2 build_anon_mb=28", g)
            # Bochs's RDRAND and RDSEED come from the host: hidden, for
            # counts that repeat.
            self.assertIn("clearcpuid=158,306", g)

    def test_store_holds_swap_file_and_objects(self):
        preset, text = self.scenario("tmem")
        w = preset["workload"]
        store = run.store_mib(w, preset["guests"], preset)
        # Per guest: the swap file, 4 MiB a round and 4 more, in 4 KiB chunks,
        # plus the overlay's radix nodes.
        chunks = (w["swap_mb"] + 4 * w["rounds"] + 4) * 256
        self.assertEqual(store, -(-preset["guests"] * (chunks + chunks // 512 + 3) * 4096
                                  // (1 << 20)))
        self.assertIn(f"memory: {preset['memory'] + 64 + store}\n", text)

    def test_configurations_set_tmem_and_self_ballooning(self):
        for config, want in (("unchanged", "tmem=off"), ("selfballoon", "tmem=off"),
                             ("tmem", "tmem_dedup=off tmem_compress=off"),
                             ("dedup_comp", "tmem_dedup=shared tmem_compress=on")):
            _, text = self.scenario(config)
            for g in self.guests(text):
                self.assertIn(want, g)
                self.assertEqual("fallow.selfballoon=1" in g, config != "unchanged", g)


def same_counts_run_to_run(test, stdout, configs, runs):
    """Bochs with a fixed clock: every run of a configuration counts the same."""
    lines = [l for l in stdout.splitlines() if l.startswith("experiment: ") and " run " in l]
    test.assertEqual(len(lines), len(configs) * runs, stdout)
    for config in configs:
        counts = {l.split(": ", 2)[2].split("s wall, ", 1)[1].split(" (log")[0]
                  for l in lines if l.startswith(f"experiment: {config} run ")}
        test.assertEqual(len(counts), 1, f"{config} differs run to run: {counts}")


def small_experiment(test, guests, preset):
    out = os.path.join(ROOT, "build", "experiment", f"small-{guests}-results")
    p = subprocess.run([sys.executable, os.path.join(ROOT, "tools", "experiment.py"),
                        "--guests", guests, "--preset", "small", "--out", out],
                       capture_output=True, text=True)
    test.assertEqual(p.returncode, 0, p.stdout + p.stderr)
    with open(os.path.join(out, "TABLE.md")) as f:
        text = f.read()
    for config in preset["configs"]:
        test.assertIn(f"| {presets.CONFIGS[config][0]} |", text)
    test.assertNotIn("| NO |", text)
    for chart in ("time.png", "sectors.png", "tmem_pool.png"):
        with open(os.path.join(out, chart), "rb") as f:
            test.assertEqual(f.read(8), PNG, chart)
    same_counts_run_to_run(test, p.stdout, preset["configs"], preset["runs"])
    return p.stdout


@unittest.skipIf(os.environ.get("FALLOW_SKIP_EXPERIMENT"), "FALLOW_SKIP_EXPERIMENT set")
class SmallExperimentTest(unittest.TestCase):
    def test_small_preset_repeats_exactly(self):
        small_experiment(self, "synthetic", presets.PRESETS["small"])

    def test_small_linux_preset_repeats_exactly(self):
        """Two Linux guests, two configurations, two runs each: every build
        verified, and the counts (sectors, emulated wall time, tmem) equal."""
        stdout = small_experiment(self, "linux", presets.LINUX_PRESETS["small"])
        self.assertNotIn("NOT VERIFIED", stdout)


if __name__ == "__main__":
    unittest.main()
