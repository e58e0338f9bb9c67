#!/usr/bin/python3
"""tools/run.sh: which emulator it picks and the exit status it returns,
with fake emulator commands on a PATH that has nothing else of the kind
(and tools/serial_bridge.py's reading of Fallow's power-off line)."""
import os
import re
import signal
import stat
import subprocess
import sys
import tempfile
import time
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import serial_bridge  # noqa: E402

RUN = os.path.join(ROOT, "tools", "run.sh")
# What run.sh and its Bochs path call, linked from the host into the fake
# PATH; the emulators are the fakes below.
HOST_TOOLS = ("sh", "dirname", "basename", "grep", "python3", "mktemp", "cat",
              "setsid", "script", "ps", "rm", "tail")
BOCHS_FILES = ("/usr/share/bochs/BIOS-bochs-latest", "/usr/share/vgabios/vgabios.bin",
               "/usr/lib/x86_64-linux-gnu/bochs/plugins/libbx_term_gui.so")

# Prints FAKE_LINES on the serial console (stdout) and exits FAKE_RC.
FAKE_QEMU = """#!/bin/sh
printf '%s\\n' "$@" > "$FAKE_ARGS"
printf '%s' "$FAKE_LINES"
exit "${FAKE_RC:-0}"
"""

# Serves COM1 where run.sh's bochsrc says, sends FAKE_LINES, exits FAKE_RC;
# FAKE_MODE=die exits at once without serving, FAKE_MODE=hang never exits
# (its pid in FAKE_ARGS.pid).
FAKE_BOCHS = """#!{python}
import os, re, socket, sys, time
with open(os.environ["FAKE_ARGS"], "w") as f:
    f.write("\\n".join(sys.argv[1:]) + "\\n")
if os.environ.get("FAKE_MODE") != "die":
    with open("bochsrc") as f:
        port = int(re.search(r"dev=localhost:(\\d+)", f.read()).group(1))
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", port))
    srv.listen(1)
    srv.settimeout(30)
    conn, _ = srv.accept()
    conn.sendall(os.environ.get("FAKE_LINES", "").encode())
    if os.environ.get("FAKE_MODE") == "hang":  # runs until it is stopped
        with open(os.environ["FAKE_ARGS"] + ".pid", "w") as f:
            f.write(str(os.getpid()))
        while True:
            time.sleep(1)
    conn.close()
sys.exit(int(os.environ.get("FAKE_RC", "0")))
"""

SUCCESS = "Fallow 0.1.0\r\nfallow: power off (success)\r\n"
FAILURE = "Fallow 0.1.0\r\nfallow: power off (failure)\r\n"


def kvm_vmx():
    if not os.access("/dev/kvm", os.R_OK | os.W_OK):
        return False
    with open("/proc/cpuinfo") as f:
        return re.search(r"^flags\s*:.*\bvmx\b", f.read(), re.M) is not None


class RunTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="fallow-run-test-")
        self.dir = self.tmp.name
        self.bin = os.path.join(self.dir, "bin")
        os.mkdir(self.bin)
        for tool in HOST_TOOLS:
            path = sys.executable if tool == "python3" else subprocess.run(
                ["sh", "-c", f"command -v {tool}"], capture_output=True, text=True).stdout.strip()
            self.assertTrue(path, f"{tool} is needed on this machine")
            os.symlink(path, os.path.join(self.bin, tool))
        self.iso = os.path.join(self.dir, "fallow.iso")
        open(self.iso, "w").close()
        self.args = os.path.join(self.dir, "args")

    def tearDown(self):
        self.tmp.cleanup()

    def fake(self, name, text):
        path = os.path.join(self.bin, name)
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR)

    def fake_qemu(self):
        self.fake("qemu-system-x86_64", FAKE_QEMU)

    def fake_bochs(self):
        missing = [f for f in BOCHS_FILES if not os.path.exists(f)]
        if missing:
            self.skipTest("Bochs's files are not installed: " + " ".join(missing))
        self.fake("bochs", FAKE_BOCHS.format(python=sys.executable))

    def env(self, emu, lines, rc, mode):
        env = {k: v for k, v in os.environ.items() if not k.startswith("FALLOW_")}
        env.update(PATH=self.bin, SHELL="/bin/sh", FAKE_ARGS=self.args,
                   FAKE_LINES=lines, FAKE_RC=str(rc), FAKE_MODE=mode)
        if emu:
            env["FALLOW_EMU"] = emu
        return env

    def run_sh(self, emu=None, lines="", rc=0, mode=""):
        return subprocess.run([RUN, self.iso], env=self.env(emu, lines, rc, mode),
                              stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=60)

    def ran(self):
        with open(self.args) as f:
            return f.read().split("\n")

    # ---------------------------------------------------------- choice
    def test_no_emulator_names_the_packages(self):
        for emu in (None, "qemu", "bochs", "kvm"):
            r = self.run_sh(emu)
            self.assertEqual(r.returncode, 2, (emu, r.stderr))
            self.assertFalse(os.path.exists(self.args))
        r = self.run_sh()
        self.assertIn("no emulator is installed", r.stderr)
        self.assertIn("apt-get install -y qemu-system-x86 bochs", r.stderr)

    def test_qemu_only_is_chosen_and_bochs_refused(self):
        self.fake_qemu()
        r = self.run_sh(lines=SUCCESS, rc=33)
        self.assertEqual(r.returncode, 0, r.stderr)
        if kvm_vmx():
            self.assertIn("run: QEMU with KVM", r.stdout)
        else:
            self.assertIn("run: QEMU without KVM", r.stdout)
        self.assertIn("isa-debug-exit,iobase=0xf4,iosize=0x04", self.ran())
        self.assertIn("fallow: power off (success)", r.stdout)
        r = self.run_sh("bochs")
        self.assertEqual(r.returncode, 2)
        self.assertIn("apt-get install -y bochs", r.stderr)

    def test_bochs_preferred_without_kvm_and_qemu_forced(self):
        self.fake_qemu()
        self.fake_bochs()
        r = self.run_sh(lines=SUCCESS, rc=33)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("run: QEMU with KVM" if kvm_vmx() else "run: Bochs", r.stdout)
        r = self.run_sh("qemu", lines=SUCCESS, rc=33)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("run: QEMU without KVM", r.stdout)
        self.assertNotIn("-enable-kvm", self.ran())

    def test_bad_choice_and_missing_iso(self):
        self.fake_qemu()
        self.assertEqual(self.run_sh("vbox").returncode, 2)
        os.remove(self.iso)
        r = self.run_sh("qemu")
        self.assertEqual(r.returncode, 2)
        self.assertIn("no ISO", r.stderr)

    # ---------------------------------------------------------- status
    def test_qemu_status_is_fallows(self):
        self.fake_qemu()
        for rc, want in ((33, 0), (35, 1), (0, 3), (1, 3), (137, 3)):
            r = self.run_sh("qemu", lines=SUCCESS, rc=rc)
            self.assertEqual(r.returncode, want, f"QEMU exit {rc}: {r.stderr}")

    def test_bochs_status_is_fallows_power_off_line(self):
        self.fake_bochs()
        cases = (
            (SUCCESS, 1, "", 0),   # Bochs's own status does not count
            (FAILURE, 0, "", 1),
            ("Fallow 0.1.0\r\nPANIC: broken\r\n", 0, "", 3),  # died without a line
            ("", 1, "die", 3),     # never served its COM1
        )
        for lines, rc, mode, want in cases:
            r = self.run_sh("bochs", lines=lines, rc=rc, mode=mode)
            self.assertEqual(r.returncode, want, f"{lines!r} {mode}: {r.stderr}")
            self.assertIn("-rc", self.ran())
            if lines:
                self.assertIn(lines.replace("\r", "").split("\n")[0], r.stdout)


    def test_bochs_stopped_when_run_sh_is_signalled(self):
        """A signal to run.sh alone (not Ctrl-C at a terminal, which
        reaches the bridge too) still stops Bochs, at once."""
        self.fake_bochs()
        pidfile = self.args + ".pid"
        for sig, want in ((signal.SIGTERM, 143), (signal.SIGHUP, 129), (signal.SIGINT, 130)):
            if os.path.exists(pidfile):
                os.remove(pidfile)
            proc = subprocess.Popen([RUN, self.iso],
                                    env=self.env("bochs", "Fallow 0.1.0\r\n", 0, "hang"),
                                    stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL)
            bochs = None
            try:
                deadline = time.monotonic() + 30
                while not os.path.exists(pidfile) and time.monotonic() < deadline:
                    time.sleep(0.1)
                with open(pidfile) as f:
                    bochs = int(f.read())
                proc.send_signal(sig)
                try:
                    status = proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    status = None
                self.assertEqual(status, want, sig.name)
                self.assertTrue(gone(bochs), f"Bochs still running after run.sh got {sig.name}")
            finally:
                # What a failure left: Bochs first (the bridge waits for it).
                if bochs is not None and not gone(bochs, 0):
                    os.kill(bochs, signal.SIGKILL)
                if proc.poll() is None:
                    proc.kill()
                proc.wait(timeout=15)


def gone(pid, wait_s=5):
    """Whether pid has ended, waiting up to wait_s for it to be reaped."""
    deadline = time.monotonic() + wait_s
    while True:
        try:
            os.kill(pid, 0)  # (a zombie until it is reaped)
        except ProcessLookupError:
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.1)


class PowerOffWatchTest(unittest.TestCase):
    def watch(self, *chunks):
        w = serial_bridge.PowerOffWatch()
        for c in chunks:
            w.feed(c)
        return w.status()

    def test_line_split_across_chunks(self):
        self.assertEqual(self.watch(b"x\r\nfallow: power o", b"ff (succ", b"ess)\r\n"), 0)

    def test_last_line_without_newline(self):
        self.assertEqual(self.watch(b"fallow: power off (failure)"), 1)

    def test_no_line_or_not_at_line_start(self):
        self.assertEqual(self.watch(b"stats: total=1\n"), 3)
        self.assertEqual(self.watch(b"[g] fallow: power off (success)\n"), 3)


if __name__ == "__main__":
    unittest.main()
