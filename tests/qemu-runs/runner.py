#!/usr/bin/env python3
"""Boot Fallow scenarios under QEMU or Bochs and check the serial console.

A scenario is a file tests/qemu-runs/scenarios/NAME.scn:

    # what it shows (first comment line is the description)
    emulator: qemu | bochs        (bochs: needs VT-x; --vtx kvm uses QEMU/KVM)
    memory: 256                   (MiB)
    timeout: 60                   (seconds of wall time)
    exit: success | failure       (the power-off line, and QEMU's status)
    expect: REGEX                 (must match some line; repeatable)
    expect-count: N REGEX         (must match exactly N lines)
    forbid: REGEX                 (must match no line; repeatable)
    input: TEXT                   (typed on the serial console, one line each)
    cfg:
    multiboot2 /boot/fallow.elf OPTIONS
    module2 /boot/guests/NAME.elf OPTIONS

Every scenario also forbids `mismatch` and checks that each `stats:` line
carrying total/free/freeable/owned satisfies free + freeable + owned == total.
The run ends with one line `N passed, N failed`.
"""
import argparse
import concurrent.futures
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

QEMU_EXIT = {"success": 33, "failure": 35}  # (0x10 << 1) | 1, (0x11 << 1) | 1
POWER_OFF = re.compile(r"^fallow: power off \((success|failure)\)")
GLOBAL_FORBID = [re.compile(r"mismatch")]
ANSI = re.compile(r"\x1b(\[[0-9;?]*[ -/]*[@-~]|[()][0-9A-B]|[=>78])")
STATS_KV = re.compile(r"(\w+)=(\d+)")

BOCHSRC = """megs: {memory}
cpu: model=corei7_skylake_x, count=1, ips=200000000
romimage: file=/usr/share/bochs/BIOS-bochs-latest
vgaromimage: file=/usr/share/vgabios/vgabios.bin
ata0-master: type=cdrom, path={iso}, status=inserted
boot: cdrom
com1: enabled=1, mode=file, dev={workdir}/com1.out
display_library: term
log: {workdir}/bochs.log
panic: action=fatal
clock: sync=none, time0=1
port_e9_hack: enabled=1
"""


class Scenario:
    def __init__(self, path):
        self.path = path
        self.name = os.path.splitext(os.path.basename(path))[0]
        self.description = ""
        self.emulator = "qemu"
        self.memory = 256
        self.timeout = 60
        self.exit = "success"
        self.expect, self.expect_count, self.forbid, self.input = [], [], [], []
        self.cfg = []
        self._parse()

    def _parse(self):
        with open(self.path) as f:
            lines = f.read().splitlines()
        in_cfg = False
        for n, line in enumerate(lines, 1):
            if in_cfg:
                self.cfg.append(line)
                continue
            if line.startswith("#"):
                if not self.description:
                    self.description = line.lstrip("# ").strip()
                continue
            if not line.strip():
                continue
            key, sep, value = line.partition(":")
            value = value.strip()
            if not sep:
                raise ValueError(f"{self.path}:{n}: expected 'key: value'")
            key = key.strip()
            if key == "cfg":
                in_cfg = True
            elif key == "emulator" and value in ("qemu", "bochs"):
                self.emulator = value
            elif key in ("memory", "timeout"):
                setattr(self, key, int(value))
            elif key == "exit" and value in QEMU_EXIT:
                self.exit = value
            elif key == "expect":
                self.expect.append(re.compile(value))
            elif key == "expect-count":
                count, _, pattern = value.partition(" ")
                self.expect_count.append((int(count), re.compile(pattern)))
            elif key == "forbid":
                self.forbid.append(re.compile(value))
            elif key == "input":
                self.input.append(value)
            else:
                raise ValueError(f"{self.path}:{n}: unknown or bad '{line}'")
        if not any(l.strip().startswith("multiboot2") for l in self.cfg):
            raise ValueError(f"{self.path}: cfg has no multiboot2 line")


def kill_group(proc):
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def run_process(cmd, timeout, stdin_text, cwd=None):
    """Run cmd in its own process group; returns (output, status, timed_out)."""
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, cwd=cwd,
                            start_new_session=True)
    try:
        out, _ = proc.communicate(stdin_text.encode(), timeout=timeout)
        return out.decode("latin-1"), proc.returncode, False
    except subprocess.TimeoutExpired:
        kill_group(proc)
        out, _ = proc.communicate()
        return out.decode("latin-1"), None, True


def kvm_available():
    if not os.access("/dev/kvm", os.R_OK | os.W_OK):
        return False
    with open("/proc/cpuinfo") as f:
        return re.search(r"^flags\s*:.*\bvmx\b", f.read(), re.M) is not None


def qemu_cmd(iso, memory, kvm):
    cmd = ["qemu-system-x86_64", "-cdrom", iso, "-m", str(memory),
           "-display", "none", "-serial", "stdio", "-monitor", "none",
           "-no-reboot", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
    if kvm:
        cmd += ["-enable-kvm", "-cpu", "host"]
    return cmd


def boot_bochs(iso, memory, timeout, stdin_text, workdir):
    with open(os.path.join(workdir, "bochsrc"), "w") as f:
        f.write(BOCHSRC.format(memory=memory, iso=iso, workdir=workdir))
    with open(os.path.join(workdir, "cont.rc"), "w") as f:
        f.write("c\n")
    # Debian's Bochs needs a terminal for its `term` display and stops in
    # its debugger unless told to continue: script(1) gives it a pty.
    cmd = ["script", "-qec", "bochs -q -f bochsrc -rc cont.rc", "/dev/null"]
    out, status, timed_out = run_process(cmd, timeout, stdin_text, cwd=workdir)
    return out, status, timed_out


def clean_lines(raw):
    text = ANSI.sub("", raw).replace("\r", "")
    return text.split("\n")


def check(sc, lines, status, timed_out, qemu):
    """Return a list of failure reasons (empty: passed)."""
    why = []
    if timed_out:
        why.append(f"timed out after {sc.timeout}s")
    for pattern in sc.expect:
        if not any(pattern.search(l) for l in lines):
            why.append(f"expected line not seen: /{pattern.pattern}/")
    for count, pattern in sc.expect_count:
        seen = sum(1 for l in lines if pattern.search(l))
        if seen != count:
            why.append(f"/{pattern.pattern}/ matched {seen} lines, expected {count}")
    for pattern in sc.forbid + GLOBAL_FORBID:
        bad = [l for l in lines if pattern.search(l)]
        if bad:
            why.append(f"forbidden /{pattern.pattern}/ seen: {bad[0].strip()}")
    for l in lines:
        if re.match(r"^stats:", l):
            kv = dict((k, int(v)) for k, v in STATS_KV.findall(l))
            if all(k in kv for k in ("total", "free", "freeable", "owned")) and \
               kv["free"] + kv["freeable"] + kv["owned"] != kv["total"]:
                why.append(f"invariant broken: {l.strip()}")
    offs = [m.group(1) for m in (POWER_OFF.match(l) for l in lines) if m]
    if not timed_out:
        if not offs:
            why.append("no 'fallow: power off' line")
        elif offs[-1] != sc.exit:
            why.append(f"powered off with {offs[-1]}, expected {sc.exit}")
        if qemu and status != QEMU_EXIT[sc.exit]:
            why.append(f"QEMU exit status {status}, expected {QEMU_EXIT[sc.exit]}")
    return why


def run_scenario(sc, args):
    workdir = tempfile.mkdtemp(prefix=f"fallow-{sc.name}-")
    try:
        frag = os.path.join(workdir, "fragment.cfg")
        with open(frag, "w") as f:
            f.write("\n".join(sc.cfg) + "\n")
        iso = os.path.join(workdir, "boot.iso")
        mk = subprocess.run([os.path.join(ROOT, "tools", "mkiso.sh"),
                             os.path.join(args.build, "fallow.elf"), frag, iso],
                            capture_output=True, text=True)
        if mk.returncode != 0:
            return sc, ["mkiso failed: " + mk.stderr.strip()], 0.0, ""
        stdin_text = "".join(l + "\r" for l in sc.input)
        start = time.monotonic()
        use_qemu = sc.emulator == "qemu" or args.vtx == "kvm"
        if use_qemu:
            out, status, timed_out = run_process(
                qemu_cmd(iso, sc.memory, sc.emulator == "bochs"),
                sc.timeout, stdin_text)
        else:
            out, status, timed_out = boot_bochs(iso, sc.memory, sc.timeout,
                                                stdin_text, workdir)
        elapsed = time.monotonic() - start
        lines = clean_lines(out)
        with open(os.path.join(args.logs, sc.name + ".log"), "w") as f:
            f.write("\n".join(lines))
        if not use_qemu and os.path.exists(os.path.join(workdir, "bochs.log")):
            shutil.copy(os.path.join(workdir, "bochs.log"),
                        os.path.join(args.logs, sc.name + ".bochs.log"))
        return sc, check(sc, lines, status, timed_out, use_qemu), elapsed, lines
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--vtx", choices=("bochs", "kvm"), default="bochs",
                    help="run VT-x scenarios under Bochs or QEMU/KVM")
    ap.add_argument("names", nargs="*", help="scenario names (default: all)")
    args = ap.parse_args()
    args.build = os.path.abspath(args.build)
    if args.vtx == "kvm" and not kvm_available():
        sys.exit("runner: --vtx kvm needs /dev/kvm on a CPU with VMX")
    args.logs = os.path.join(args.build, "qemu-runs")
    os.makedirs(args.logs, exist_ok=True)
    sdir = os.path.join(HERE, "scenarios")
    paths = sorted(os.path.join(sdir, f) for f in os.listdir(sdir) if f.endswith(".scn"))
    scenarios = [Scenario(p) for p in paths]
    if args.names:
        unknown = set(args.names) - {s.name for s in scenarios}
        if unknown:
            sys.exit("runner: no such scenario: " + ", ".join(sorted(unknown)))
        scenarios = [s for s in scenarios if s.name in args.names]
    passed = failed = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        for sc, why, elapsed, lines in pool.map(lambda s: run_scenario(s, args), scenarios):
            emu = "qemu" if sc.emulator == "qemu" or args.vtx == "kvm" else "bochs"
            if why:
                failed += 1
                print(f"FAIL {sc.name} [{emu}] ({elapsed:.1f}s): {sc.description}")
                for w in why:
                    print(f"     {w}")
                print(f"     log: {os.path.join(args.logs, sc.name + '.log')}; last lines:")
                for l in [l for l in lines if l.strip()][-15:]:
                    print(f"     | {l}")
            else:
                passed += 1
                print(f"PASS {sc.name} [{emu}] ({elapsed:.1f}s): {sc.description}")
            sys.stdout.flush()
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
