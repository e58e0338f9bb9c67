#!/usr/bin/env python3
"""Boot Fallow scenarios under QEMU or Bochs and check the serial console.

A scenario is a file tests/qemu-runs/scenarios/NAME.scn:

    # what it shows (first comment line is the description)
    emulator: qemu | bochs        (bochs: needs VT-x; --vtx kvm uses QEMU/KVM)
    bochs-cpu: MODEL              (Bochs's CPU model; default corei7_skylake_x)
    memory: 256                   (MiB)
    timeout: 60                   (seconds of wall time)
    exit: success | failure       (the power-off line, and QEMU's status)
    expect: REGEX                 (must match some line; repeatable)
    expect-count: N REGEX         (must match exactly N lines)
    forbid: REGEX                 (must match no line; repeatable)
    stats-bound: [guest=NAME] KEY OP N
                                  (OP is <= or >=: every `stats:` line of the
                                   machine, or of guest NAME, has KEY OP N;
                                   at least one such line must carry KEY)
    input: REGEX => TEXT          (once a line matches REGEX, type TEXT and
                                   Enter on the serial console; in order;
                                   \\xNN in TEXT types that byte, e.g. \\x01)
    cfg:
    multiboot2 /boot/fallow.elf OPTIONS
    module2 /boot/guests/NAME.elf OPTIONS

Every scenario also forbids `mismatch` and checks that each `stats:` line
carrying total/free/freeable/owned satisfies free + freeable + owned == total.
Scenarios start longest first (--jobs at a time), by the wall time each
last passed in (build/qemu-runs/durations.json) or else by its timeout,
and each result is printed as it comes. A Bochs run ends at Fallow's
power-off line. The run ends with one line `N passed, N failed`.
"""
import argparse
import concurrent.futures
import json
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

QEMU_EXIT = {"success": 33, "failure": 35}  # (0x10 << 1) | 1, (0x11 << 1) | 1
POWER_OFF = re.compile(r"^fallow: power off \((success|failure)\)")
GLOBAL_FORBID = [re.compile(r"mismatch")]
ANSI = re.compile(r"\x1b(\[[0-9;?]*[ -/]*[@-~]|[()][0-9A-B]|[=>78])")
STATS_KV = re.compile(r"(\w+)=(\d+)")
STATS_BOUND = re.compile(r"^(?:guest=(\S+)\s+)?(\w+)\s*(<=|>=)\s*(\d+)$")
STATS_GUEST = re.compile(r"^stats: guest=(\S+)")
BOCHS_CPU_DEFAULT = "corei7_skylake_x"
BOCHS_CPU_NAME = re.compile(r"^[a-z0-9_]+$")

BOCHSRC = """megs: {memory}
cpu: model={cpu}, count=1, ips=200000000
romimage: file=/usr/share/bochs/BIOS-bochs-latest, options=fastboot
vgaromimage: file=/usr/share/vgabios/vgabios.bin
ata0-master: type=cdrom, path={iso}, status=inserted
boot: cdrom
com1: enabled=1, mode=socket-server, dev=localhost:{port}
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
        self.bochs_cpu = BOCHS_CPU_DEFAULT
        self.memory = 256
        self.timeout = 60
        self.exit = "success"
        self.expect, self.expect_count, self.forbid, self.input = [], [], [], []
        self.bounds = []  # (guest name or None, key, op, value)
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
            elif key == "bochs-cpu" and BOCHS_CPU_NAME.match(value):
                self.bochs_cpu = value
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
            elif key == "stats-bound":
                m = STATS_BOUND.match(value)
                if not m:
                    raise ValueError(f"{self.path}:{n}: stats-bound needs"
                                     " '[guest=NAME] KEY <=|>= N'")
                self.bounds.append((m.group(1), m.group(2), m.group(3), int(m.group(4))))
            elif key == "input":
                pattern, arrow, text = value.partition(" => ")
                if not arrow:
                    raise ValueError(f"{self.path}:{n}: input needs 'REGEX => TEXT'")
                text = re.sub(r"\\x([0-9a-fA-F]{2})", lambda m: chr(int(m.group(1), 16)), text)
                self.input.append((re.compile(pattern), text))
            else:
                raise ValueError(f"{self.path}:{n}: unknown or bad '{line}'")
        if not any(l.strip().startswith("multiboot2") for l in self.cfg):
            raise ValueError(f"{self.path}: cfg has no multiboot2 line")


def descendants(pid):
    """Every process below pid, found through /proc (script(1) puts Bochs in
    a session of its own, out of reach of a process-group kill)."""
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def kill_group(proc):
    """Kill proc, its process group and everything it started."""
    victims = descendants(proc.pid)
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    for pid in victims:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


class Console:
    """The serial console of a running emulator: lines out, typed input in.

    Output chunks arrive from a reader thread; each complete line is checked
    against the scenario's input triggers, which fire in order."""

    def __init__(self, triggers, send):
        self.triggers = list(triggers)
        self.send = send
        self.chunks = queue.Queue()
        self.text = ""

    def feed_from(self, read):
        def pump():
            while True:
                try:
                    data = read()
                except OSError:
                    data = b""
                self.chunks.put(data)
                if not data:
                    return
        threading.Thread(target=pump, daemon=True).start()

    def run(self, deadline, alive, stop=None):
        """Collect output until EOF, the deadline, the process ending, or
        (with stop) a whole line matching stop. Returns True if the
        deadline passed."""
        pending = ""
        while True:
            timeout = deadline - time.monotonic()
            if timeout <= 0:
                return True
            try:
                data = self.chunks.get(timeout=min(timeout, 0.5))
            except queue.Empty:
                if not alive():
                    return False
                continue
            if not data:
                return False
            text = clean(data.decode("latin-1"))
            self.text += text
            pending += text
            *lines, pending = pending.split("\n")
            for line in lines:
                if self.triggers and self.triggers[0][0].search(line):
                    self.send((self.triggers.pop(0)[1] + "\r").encode())
                if stop and stop.match(line):
                    return False


def start(cmd, cwd=None):
    return subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, cwd=cwd,
                            start_new_session=True)


def finish(proc):
    """Stop the process group; return its exit status or None if killed."""
    try:
        return proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        kill_group(proc)
        proc.wait()
        return None


def boot_qemu(iso, memory, timeout, triggers, kvm):
    proc = start(qemu_cmd(iso, memory, kvm))

    def send(data):
        try:
            proc.stdin.write(data)
            proc.stdin.flush()
        except OSError:
            pass
    console = Console(triggers, send)
    console.feed_from(lambda: proc.stdout.read1(4096))
    timed_out = console.run(time.monotonic() + timeout, lambda: proc.poll() is None)
    if timed_out:
        kill_group(proc)
    status = finish(proc)
    return console.text, (None if timed_out else status), timed_out


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def connect(port, proc, deadline):
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            return socket.create_connection(("127.0.0.1", port), timeout=1)
        except OSError:
            time.sleep(0.1)
    return None


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


def discard(stream):
    """Read stream to its end in the background and drop what it says."""
    def pump():
        try:
            while stream.read1(65536):
                pass
        except (OSError, ValueError):
            pass
    threading.Thread(target=pump, daemon=True).start()


def boot_bochs(iso, memory, timeout, triggers, workdir, cpu=BOCHS_CPU_DEFAULT):
    port = free_port()
    with open(os.path.join(workdir, "bochsrc"), "w") as f:
        f.write(BOCHSRC.format(memory=memory, iso=iso, workdir=workdir, port=port, cpu=cpu))
    with open(os.path.join(workdir, "cont.rc"), "w") as f:
        f.write("c\n")
    # Debian's Bochs needs a terminal for its `term` display and stops in
    # its debugger unless told to continue: script(1) gives it a pty. COM1
    # is a socket Bochs serves (unbuffered both ways; its file mode loses
    # the tail of the output when Bochs powers off).
    proc = start(["script", "-qec", "bochs -q -f bochsrc -rc cont.rc", "/dev/null"],
                 cwd=workdir)
    deadline = time.monotonic() + timeout
    sock = connect(port, proc, deadline)
    if sock is None:
        timed_out = proc.poll() is None
        kill_group(proc)
        out = proc.stdout.read().decode("latin-1")
        return clean(out) + "\nrunner: could not reach Bochs's COM1 socket\n", None, timed_out
    sock.settimeout(None)
    # What Bochs writes to its terminal (port 0xE9's copy of the console,
    # its screen) is not needed, but left unread it would fill the pipe
    # and stop Bochs.
    discard(proc.stdout)
    console = Console(triggers, lambda data: sock.sendall(data))
    console.feed_from(lambda: sock.recv(4096))
    # Fallow's power-off line is its last: Bochs has nothing more to say
    # (it halts, or takes its time to exit), so it is stopped at once.
    timed_out = console.run(deadline, lambda: proc.poll() is None, stop=POWER_OFF)
    kill_group(proc)
    finish(proc)
    sock.close()
    return console.text, None, timed_out


def clean(raw):
    return ANSI.sub("", raw).replace("\r", "")


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
    why += check_bounds(sc, lines)
    offs = [m.group(1) for m in (POWER_OFF.match(l) for l in lines) if m]
    if not timed_out:
        if not offs:
            why.append("no 'fallow: power off' line")
        elif offs[-1] != sc.exit:
            why.append(f"powered off with {offs[-1]}, expected {sc.exit}")
        if qemu and status != QEMU_EXIT[sc.exit]:
            why.append(f"QEMU exit status {status}, expected {QEMU_EXIT[sc.exit]}")
    return why


def check_bounds(sc, lines):
    """The scenario's stats-bound lines against every stats: line."""
    why = []
    for guest, key, op, value in sc.bounds:
        what = f"guest {guest}" if guest else "the machine"
        seen = 0
        for l in lines:
            if not l.startswith("stats:"):
                continue
            m = STATS_GUEST.match(l)
            if (m.group(1) if m else None) != guest or (not m and "total=" not in l):
                continue
            kv = dict((k, int(v)) for k, v in STATS_KV.findall(l))
            if key not in kv:
                continue
            seen += 1
            if (kv[key] > value) if op == "<=" else (kv[key] < value):
                why.append(f"stats-bound {key} {op} {value} broken for {what}: {l.strip()}")
                break
        if not seen:
            why.append(f"stats-bound: no stats line of {what} carries {key}")
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
        began = time.monotonic()
        use_qemu = sc.emulator == "qemu" or args.vtx == "kvm"
        if use_qemu:
            out, status, timed_out = boot_qemu(iso, sc.memory, sc.timeout, sc.input,
                                               sc.emulator == "bochs")
        else:
            out, status, timed_out = boot_bochs(iso, sc.memory, sc.timeout,
                                                sc.input, workdir, sc.bochs_cpu)
        elapsed = time.monotonic() - began
        lines = out.split("\n")
        with open(os.path.join(args.logs, sc.name + ".log"), "w") as f:
            f.write("\n".join(lines))
        if not use_qemu and os.path.exists(os.path.join(workdir, "bochs.log")):
            shutil.copy(os.path.join(workdir, "bochs.log"),
                        os.path.join(args.logs, sc.name + ".bochs.log"))
        return sc, check(sc, lines, status, timed_out, use_qemu), elapsed, lines
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


# Each passing scenario's last wall time, so the next run can start the
# longest first; a scenario not in it is estimated by its timeout.
DURATIONS = "durations.json"


def load_durations(logs):
    try:
        with open(os.path.join(logs, DURATIONS)) as f:
            data = json.load(f)
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if isinstance(v, (int, float))}


def save_durations(logs, measured):
    """Adds this run's times to what the file holds now (another run may
    have saved since this one started)."""
    path = os.path.join(logs, DURATIONS)
    durations = load_durations(logs)
    durations.update(measured)
    tmp = f"{path}.{os.getpid()}"
    with open(tmp, "w") as f:
        json.dump(durations, f, indent=0, sort_keys=True)
    os.replace(tmp, path)


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
    # Longest first: the pool's last minutes then run several short
    # scenarios side by side instead of one long one alone.
    durations, measured = load_durations(args.logs), {}
    scenarios.sort(key=lambda s: (-durations.get(s.name, s.timeout), s.name))
    passed = failed = 0
    began = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futures = [pool.submit(run_scenario, s, args) for s in scenarios]
        for future in concurrent.futures.as_completed(futures):
            sc, why, elapsed, lines = future.result()
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
                measured[sc.name] = round(elapsed, 1)
                print(f"PASS {sc.name} [{emu}] ({elapsed:.1f}s): {sc.description}")
            sys.stdout.flush()
    save_durations(args.logs, measured)
    print(f"runner: {len(scenarios)} scenarios in {time.monotonic() - began:.0f}s"
          f" of wall time, {args.jobs} at a time")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
