#!/usr/bin/env python3
"""Virtualization cost of the Linux guest under Bochs (make bench-linux).

Boots the same build/linux/bzImage and initramfs twice under Bochs
(runner.py's machine: corei7_skylake_x, a fixed instruction clock):

  bare    GRUB boots the kernel itself (console=ttyS0 on Bochs's COM1;
          Fallow's drivers stay silent);
  fallow  GRUB boots Fallow (a DEBUG=0 build: no per-hypercall memory
          checks) with the kernel as its one guest (kind=linux).

Both run /init's script=bench. The clock is the TSC, which Bochs counts
in emulated time from power-on and which Fallow hands its guests as it
is (TSC_OFFSET 0, vmx/vmcs_setup.c): /init prints it first thing and
just before power-off (linux/user/tsc.c), so both runs are read on one
clock. Prints `bench: NAME=VALUE` lines: the TSC at /init and at
power-off, each run's and their ratios (the kernel's in-guest hypercall
timing, the span between its two marks, is taken out of the time to
power-off of both), the guest's VM exits per second of emulated time by
reason (Fallow's summary line), and the hypercall round trip in TSC
cycles measured inside Linux (drivers/fallow/hcbench.c).

  tools/bench_linux.py --elf build/bench/fallow.elf [--build build]
"""
import argparse
import importlib.util
import os
import re
import shutil
import socket
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_spec = importlib.util.spec_from_file_location(
    "runner", os.path.join(ROOT, "tests", "qemu-runs", "runner.py"))
runner = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(runner)

GUEST_MEM_MIB = 64         # the bare machine's RAM and the guest's mem=
FALLOW_MACHINE_MIB = 128   # Fallow's machine: the guest, its modules, Fallow
TIMEOUT_S = 900            # wall time per boot (Bochs, 2 shared cores)
AFTER_LAST_MARK_S = 5      # the bare kernel halts without ACPI: stop Bochs then

BARE_CFG = """linux /boot/linux/bzImage console=ttyS0,115200 script=bench quiet
initrd /boot/linux/initramfs.cpio.gz
"""
FALLOW_CFG = """multiboot2 /boot/fallow.elf
module2 --nounzip /boot/linux/initramfs.cpio.gz image=initramfs
module2 /boot/linux/bzImage kind=linux name=lx mem={mem}M initrd=initramfs console=hvc0 8250.nr_uarts=0 script=bench quiet
"""
# At each of the Fallow run's idle marks (linux/initramfs/scripts/bench:
# idle-start, then first and second inside the idle window) `stats` is
# typed on Fallow's console; the lx lines that answer give the exits so far.
IDLE_MARK = re.compile(r"FALLOW-(?:IDLE|TSC): (?:idle-)?(start|first|second)\b")
IDLE_TRIGGERS = ((IDLE_MARK, "stats"),)
STATS_LX = re.compile(r"^stats: guest=lx (.*)$")
TSC_MARK = re.compile(r"FALLOW-TSC: (\S+) (\d+)$")
TSC_MHZ = re.compile(r"^tsc: (\d+)\.(\d+) MHz")
KMAIN_TSC = re.compile(r"^tsc: .* at kmain (\d+)$")
PHASE_TSC = re.compile(r"^vmx: guest phase starts at tsc (\d+)$")
HC_CYCLES = re.compile(r"bench: linux_hypercall_roundtrip_cycles=(\d+) calls=(\d+)")
UPTIME = re.compile(r"FALLOW-LINUX-(INIT|DONE): .*up ([0-9.]+) s")
VERDICT = re.compile(r"bench: (\d+) passed, (\d+) failed$")


def boot(iso, memory, workdir, until, triggers=()):
    """Boots iso under Bochs; returns the console's lines once `until`
    matches a line (then a few seconds more) or Bochs ends. Each line
    matching a trigger's pattern types its text and Enter on COM1."""
    port = runner.free_port()
    with open(os.path.join(workdir, "bochsrc"), "w") as f:
        f.write(runner.BOCHSRC.format(memory=memory, iso=iso, workdir=workdir,
                                      port=port, cpu=runner.BOCHS_CPU_DEFAULT))
    with open(os.path.join(workdir, "cont.rc"), "w") as f:
        f.write("c\n")
    proc = runner.start(["script", "-qec", "bochs -q -f bochsrc -rc cont.rc", "/dev/null"],
                        cwd=workdir)
    began = time.monotonic()
    deadline = began + TIMEOUT_S
    sock = runner.connect(port, proc, deadline)
    text, stop_at, sent = "", None, {}
    try:
        if sock is None:
            sys.exit("bench-linux: could not reach Bochs's COM1 socket")
        sock.settimeout(0.5)
        while time.monotonic() < (stop_at or deadline):
            try:
                data = sock.recv(4096)
            except socket.timeout:
                if proc.poll() is not None:
                    break
                continue
            if not data:
                break
            text += runner.clean(data.decode("latin-1"))
            for pattern, typed in triggers:
                n = sum(1 for l in text.split("\n") if pattern.search(l))
                while sent.get(typed, 0) < n:
                    sock.sendall((typed + "\r").encode())
                    sent[typed] = sent.get(typed, 0) + 1
            if stop_at is None and any(until.search(l) for l in text.split("\n")):
                stop_at = time.monotonic() + AFTER_LAST_MARK_S
    finally:
        runner.kill_group(proc)
        runner.finish(proc)
        if sock:
            sock.close()
    return text.split("\n"), time.monotonic() - began


def marks(lines):
    found = {}
    for l in lines:
        m = TSC_MARK.search(l)
        if m:
            found[m.group(1)] = int(m.group(2))
    for need in ("init", "poweroff", "hcbench-start", "hcbench-end"):
        if need not in found:
            sys.exit(f"bench-linux: no 'FALLOW-TSC: {need}' line")
    return found


def checked(name, lines):
    verdicts = [m for m in (VERDICT.search(l) for l in lines) if m]
    if not verdicts or verdicts[-1].group(2) != "0":
        sys.exit(f"bench-linux: the {name} run's checks did not pass")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--elf", required=True, help="the Fallow ELF to time (DEBUG=0)")
    ap.add_argument("--logs", help="where the consoles go (default BUILD/bench-linux)")
    ap.add_argument("--report-only", action="store_true",
                    help="no boots: the figures again from the last run's consoles")
    args = ap.parse_args()
    logs = args.logs or os.path.join(args.build, "bench-linux")
    os.makedirs(logs, exist_ok=True)
    if args.report_only:
        runs = {}
        for name in ("bare", "fallow"):
            with open(os.path.join(logs, name + ".log")) as f:
                lines = f.read().split("\n")
            runs[name] = (marks(lines), None, lines)
        report(runs)
        return
    work = tempfile.mkdtemp(prefix="fallow-bench-linux-")
    try:
        # tools/mkiso.sh takes /boot/linux/* from linux/ beside the ELF
        shutil.copy(args.elf, os.path.join(work, "fallow.elf"))
        os.symlink(os.path.abspath(os.path.join(args.build, "linux")),
                   os.path.join(work, "linux"))
        runs = {}
        for name, cfg, memory, until, triggers in (
                ("bare", BARE_CFG, GUEST_MEM_MIB, r"FALLOW-TSC: poweroff \d+$", ()),
                ("fallow", FALLOW_CFG.format(mem=GUEST_MEM_MIB), FALLOW_MACHINE_MIB,
                 r"^fallow: power off \((success|failure)\)", IDLE_TRIGGERS)):
            d = os.path.join(work, name)
            os.mkdir(d)
            with open(os.path.join(d, "fragment.cfg"), "w") as f:
                f.write(cfg)
            iso = os.path.join(d, "boot.iso")
            runner.subprocess.run([os.path.join(ROOT, "tools", "mkiso.sh"),
                                   os.path.join(work, "fallow.elf"),
                                   os.path.join(d, "fragment.cfg"), iso], check=True)
            lines, wall = boot(iso, memory, d, re.compile(until), triggers)
            with open(os.path.join(logs, name + ".log"), "w") as f:
                f.write("\n".join(lines))
            checked(name, lines)
            runs[name] = (marks(lines), wall, lines)
            print(f"bench: {name}_wall_s={wall:.1f}", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report(runs)


def report(runs):
    fl = runs["fallow"][2]
    mhz = next((int(m.group(1)) + int(m.group(2)) / 1000
                for m in (TSC_MHZ.match(l) for l in fl) if m), None)
    figures = {}
    for name, (t, _, _) in runs.items():
        # the hypercall timing and the idle window are not the boot's
        hc = (t["hcbench-end"] - t["hcbench-start"] +
              t.get("idle-end", 0) - t.get("idle-start", 0))
        figures[name] = (t["init"], t["poweroff"] - hc)
        print(f"bench: {name}_tsc_init={t['init']} {name}_tsc_poweroff={t['poweroff'] - hc}"
              f" {name}_tsc_hcbench={hc}")
        if mhz:
            print(f"bench: {name}_ms_init={t['init'] / mhz / 1000:.1f}"
                  f" {name}_ms_poweroff={(t['poweroff'] - hc) / mhz / 1000:.1f}")
    (bi, bp), (fi, fp) = figures["bare"], figures["fallow"]
    print(f"bench: ratio_init={fi / bi:.3f} ratio_poweroff={fp / bp:.3f}"
          f" (fallow / bare, emulated time from power-on)")
    split(fl, runs["fallow"][0]["init"])
    if mhz:
        print(f"bench: tsc_mhz={mhz:.3f}")
    for name, (_, _, lines) in runs.items():
        up = dict(m.groups() for m in (UPTIME.search(l) for l in lines) if m)
        if "INIT" in up and "DONE" in up:
            print(f"bench: {name}_linux_uptime_init_s={up['INIT']}"
                  f" {name}_linux_uptime_done_s={up['DONE']} (Linux's own clock)")
    hc = next((m for m in (HC_CYCLES.search(l) for l in fl) if m), None)
    calls = int(hc.group(2)) if hc else 0
    if hc:
        print(f"bench: linux_hypercall_roundtrip_cycles={hc.group(1)} calls={calls}")
    window_rates(fl, runs["fallow"][0], mhz, calls)


def split(lines, init):
    """Where the Fallow run's time to /init goes: firmware and GRUB (to
    kmain), Fallow's own boot (to the guest phase), Linux in the guest."""
    kmain = next((int(m.group(1)) for m in (KMAIN_TSC.match(l) for l in lines) if m), None)
    phase = next((int(m.group(1)) for m in (PHASE_TSC.match(l) for l in lines) if m), None)
    if kmain is None or phase is None:
        return
    print(f"bench: fallow_tsc_kmain={kmain} fallow_tsc_guest_phase={phase}"
          f" fallow_tsc_guest_to_init={init - phase}"
          f" (firmware+GRUB, then Fallow's boot, then Linux as a guest)")


def bracket_stats(lines):
    """The lx stats line that follows each idle mark, as key -> value."""
    out, seen = {}, None
    for l in lines:
        m = IDLE_MARK.search(l)
        if m:
            seen = m.group(1)
        m = STATS_LX.match(l)
        if seen and m:
            out[seen] = dict((k, int(v)) for k, v in re.findall(r"(\w+)=(\d+)", m.group(1)))
            seen = None
    return out


def rates(a, b, secs, prefix):
    """Exits per second between stats lines a (or nothing) and b."""
    a = a or {}
    keys = sorted(k for k in b if k.startswith("exit_") and b[k] != a.get(k, 0))
    per = " ".join(f"{prefix}_exits_per_s_{k[5:]}={(b[k] - a.get(k, 0)) / secs:.1f}" for k in keys)
    return f"{prefix}_exits_per_s={(b['exits'] - a.get('exits', 0)) / secs:.1f} {per}"


def window_rates(lines, marks_seen, mhz, calls):
    """Exits per second by reason, from the stats lines typed at the idle
    marks: during boot and the CPU checks (to idle-start, the hypercall
    timing's calls and span taken out) and while Linux idles (first to
    second)."""
    s = bracket_stats(lines)
    if not all(k in s for k in ("start", "first", "second")) or not mhz:
        print("bench: exit rates missing (no stats lines at the idle marks)")
        return
    boot = dict(s["start"])
    boot["exits"] -= calls
    boot["exit_vmcall"] = boot.get("exit_vmcall", 0) - calls
    hc_ms = (marks_seen["hcbench-end"] - marks_seen["hcbench-start"]) / mhz / 1000
    secs = (boot["uptime_ms"] - hc_ms) / 1000
    if secs > 0:
        print(f"bench: boot_s={secs:.3f} boot_exits={boot['exits']} {rates(None, boot, secs, 'boot')}")
    a, b = s["first"], s["second"]
    secs = (b["uptime_ms"] - a["uptime_ms"]) / 1000
    if secs > 0:
        print(f"bench: idle_s={secs:.3f} {rates(a, b, secs, 'idle')}")


if __name__ == "__main__":
    main()
