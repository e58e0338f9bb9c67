"""Booting the experiment's scenarios and reading their consoles.

Scenarios are written as tests/qemu-runs scenario files (into the log
directory) and booted by the boot runner's own machinery
(tests/qemu-runs/runner.py, imported), so the experiment sees exactly what
the boot tests see. Each run becomes one dict of figures (see collect).
The console is COM1 alone: the runner reads Bochs's COM1 socket (and
drops Bochs's own output, where `console=e9` would copy it). The screen
Bochs's `term` display draws on (a pseudo-terminal of its own that
nobody reads) is drained here: a run long enough to fill it would
otherwise stop dead.
"""
import argparse
import concurrent.futures
import importlib.util
import os
import re
import select
import subprocess
import sys
import threading
import time

import experiment_presets as presets
import statplot

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RESULT = re.compile(r"^\[([^\]]+)\] result: (.*)$")
SUMMARY = re.compile(r"^vmx: summary (\S+): (.*)$")
STARTED = re.compile(r"^vmx: guest (\S+) started")
ENDED = re.compile(r"^vmx: guest (\S+) (exited|killed)")
KV = re.compile(r"(\w+)=(\S+)")


def load_runner():
    spec = importlib.util.spec_from_file_location(
        "fallow_runner", os.path.join(ROOT, "tests", "qemu-runs", "runner.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


runner = load_runner()


# ------------------------------------------------------------ Bochs's screen
SCAN_SECONDS = 2


def screen_ttys():
    """(pid, pts number) of the screen of every Bochs this process started."""
    out = []
    for pid in runner.descendants(os.getpid()):
        try:
            with open(f"/proc/{pid}/comm") as f:
                if f.read().strip() != "bochs-bin":
                    continue
            for fd in os.listdir(f"/proc/{pid}/fd"):
                if os.readlink(f"/proc/{pid}/fd/{fd}") != "/dev/ptmx":
                    continue
                with open(f"/proc/{pid}/fdinfo/{fd}") as f:
                    m = re.search(r"^tty-index:\s*(\d+)", f.read(), re.M)
                if m:
                    out.append((pid, int(m.group(1))))
        except OSError:
            continue  # it ended meanwhile
    return out


def drain_screens():
    """Reads and drops whatever the Bochs instances draw, for good."""
    open_fds = {}
    while True:
        for key in screen_ttys():
            if key not in open_fds:
                try:
                    open_fds[key] = os.open(f"/dev/pts/{key[1]}",
                                            os.O_RDONLY | os.O_NOCTTY | os.O_NONBLOCK)
                except OSError:
                    pass
        if not open_fds:
            time.sleep(SCAN_SECONDS)
            continue
        ready = select.select(list(open_fds.values()), [], [], SCAN_SECONDS)[0]
        for key, fd in list(open_fds.items()):
            if fd not in ready:
                continue
            try:
                if os.read(fd, 65536):
                    continue
            except BlockingIOError:
                continue
            except OSError:
                pass
            os.close(fd)  # the emulator is gone
            del open_fds[key]


_drainer = None


def start_screen_drainer():
    global _drainer
    if _drainer is None:
        _drainer = threading.Thread(target=drain_screens, daemon=True)
        _drainer.start()


# ------------------------------------------------------------ the disk image
def linux(preset):
    return preset.get("kind") == "linux"


def image_name(preset_name, preset):
    return presets.LINUX_IMAGE if linux(preset) else f"exp-{preset_name}"


def ensure_image(preset_name, preset, build):
    """build/images/exp-PRESET.img, the source tree every guest's disk
    starts from (copy-on-write), made by tools/mkimage.py (again whenever
    the preset's arguments change). Returns (name, its size in bytes)."""
    name = image_name(preset_name, preset)
    path = os.path.join(build, "images", name + ".img")
    if linux(preset):  # made by make (mk/images.mk), with the kernel's sources
        if not os.path.exists(path):
            sys.exit(f"experiment: {path} missing: make {os.path.relpath(path, ROOT)}")
        return name, os.path.getsize(path)
    stamp = path + ".args"
    want = " ".join(preset["image"])
    have = open(stamp).read() if os.path.exists(stamp) else None
    if not os.path.exists(path) or have != want:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        subprocess.run([sys.executable, os.path.join(ROOT, "tools", "mkimage.py"), path]
                       + preset["image"], check=True, stdout=subprocess.DEVNULL)
        with open(stamp, "w") as f:
            f.write(want)
    return name, os.path.getsize(path)


def disk_size_mib(image_bytes, workload, preset):
    """The Linux guests' disk is their file system image, whole. The
    workload guest's has room for the image, the object files (obj_pct of
    the sources, at least a page each: twice the image is plenty) and the
    swap area."""
    mib = 1 << 20
    if linux(preset):
        return (image_bytes + mib - 1) // mib
    return (2 * image_bytes + workload.get("swap_kb", 0) * 1024 + mib - 1) // mib + 1


def store_mib(workload, guests, preset):
    """The disk_store= that stands in for the host's disk: every chunk a
    guest may write (object files, obj_pct of the sources compiled plus a
    quarter for rounding up to pages, and the whole swap area) and the
    overlay's radix nodes (one per 512 chunks, plus two)."""
    mib = 1 << 20
    if linux(preset):
        # The swap file, written whole, and each round's objects and
        # programs (1.3 MiB) with ext2's metadata: 4 MiB a round is ample.
        written = (workload["swap_mb"] + 4 * workload["rounds"] + 4) * mib
        chunks = written // 4096
    else:
        chunks = (workload["src_kb"] * 1024 * workload["obj_pct"] * 5 // (100 * 4)
                  + workload["swap_kb"] * 1024) // 4096
    frames = chunks + chunks // 512 + 3
    return (guests * frames * 4096 + mib - 1) // mib


def machine_mib(preset, image_bytes, store):
    """Bochs's RAM: the preset's machine plus what stands in for the host's
    disk here, which on the reference lived outside the 2 GiB: the image
    module (it stays in RAM where GRUB loaded it) and the disk store the
    guests' written chunks come from. Guests and tmem share the rest."""
    mib = 1 << 20
    return preset["memory"] + (image_bytes + mib - 1) // mib + store


BOCHS_MAX_MIB = 2048  # Bochs 2.7's `megs:` limit


def image_bytes_estimate(preset):
    """The image's size without making it: about 14 KiB a file, table
    included (the scaled preset's 3,600 files make 49 MiB)."""
    files = int(preset["image"][preset["image"].index("--files") + 1])
    return files * 14 * 1024


def largest_machine_mib(preset_name, preset, build):
    """The most RAM one boot of the preset needs (configurations or density)."""
    path = os.path.join(build, "images", image_name(preset_name, preset) + ".img")
    size = os.path.getsize(path) if os.path.exists(path) else image_bytes_estimate(preset)
    need = machine_mib(preset, size, store_mib(preset["workload"], preset["guests"], preset))
    if "density" in preset:
        d = preset["density"]
        need = max(need, machine_mib(preset, size,
                                     store_mib(d["workload"], d["guests"], preset)))
    return need


def kernel_line(preset, store):
    return (f"multiboot2 /boot/fallow.elf stats_interval={preset['stats_interval']} "
            f"disk_store={store}M")


def image_line(name):
    return f"module2 /boot/images/{name}.img image={name}"


# ------------------------------------------------------------ scenarios
def guest_line(preset, name, mem, maxmem, disk, words, extra=""):
    image, size = disk
    if linux(preset):
        return (f"module2 /boot/linux/bzImage kind=linux name={name} mem={mem} maxmem={maxmem} "
                f"initrd=initramfs disk={image} disk_size={size}M {extra}"
                f"{presets.LINUX_WORDS} {words}").rstrip()
    return (f"module2 /boot/guests/workload.elf name={name} mem={mem} maxmem={maxmem} "
            f"disk={image} disk_size={size}M {extra}{words}").rstrip()


def modules(preset, image_name_):
    """The modules every guest shares: the disk image, and Linux's initramfs."""
    lines = [image_line(image_name_)]
    if linux(preset):
        lines.insert(0, "module2 --nounzip /boot/linux/initramfs.cpio.gz image=initramfs")
    return lines


def workload_text(preset, workload, sb):
    """The guests' words for the workload, and self-ballooning's when on."""
    if linux(preset):
        return presets.linux_words(workload) + (" " + sb if sb else "")
    return presets.workload_words(workload) + (" selfballoon " + sb if sb else "")


def config_scenario(preset, config, image, run_no):
    label, tmem_opts, sb = presets.CONFIGS[config]
    disk = (image[0], disk_size_mib(image[1], preset["workload"], preset))
    words = workload_text(preset, preset["workload"], preset["sb"] if sb else None)
    store = store_mib(preset["workload"], preset["guests"], preset)
    lines = [f"# experiment: {label}, run {run_no}",
             "emulator: bochs", f"memory: {machine_mib(preset, image[1], store)}",
             f"timeout: {preset['timeout']}", "exit: success", "cfg:",
             kernel_line(preset, store)] + modules(preset, disk[0])
    for g in range(1, preset["guests"] + 1):
        lines.append(guest_line(preset, f"g{g}", preset["mem"], preset["maxmem"], disk, words,
                                tmem_opts + " "))
    return "\n".join(lines) + "\n"


def density_scenario(preset, with_tmem, image):
    d = preset["density"]
    tmem_opts = presets.CONFIGS["dedup_comp" if with_tmem else "selfballoon"][1]
    disk = (image[0], disk_size_mib(image[1], d["workload"], preset))
    words = workload_text(preset, d["workload"], d["sb"])
    store = store_mib(d["workload"], d["guests"], preset)
    lines = [f"# density: guests of {d['mem']} on {preset['memory']} MiB, "
             f"tmem {'on' if with_tmem else 'off'}",
             "emulator: bochs", f"memory: {machine_mib(preset, image[1], store)}",
             f"timeout: {d['timeout']}", "exit: success", "cfg:",
             kernel_line(preset, store)] + modules(preset, disk[0])
    for g in range(1, d["guests"] + 1):
        lines.append(guest_line(preset, f"d{g}", d["mem"], d["maxmem"], disk, words,
                                f"start=after:0 {tmem_opts} "))
    return "\n".join(lines) + "\n"


def boot(text, name, args):
    """Writes the scenario, boots it; (runner's failure reasons, seconds, lines)."""
    start_screen_drainer()
    os.makedirs(args.logs, exist_ok=True)
    path = os.path.join(args.logs, name + ".scn")
    with open(path, "w") as f:
        f.write(text)
    sc = runner.Scenario(path)
    ns = argparse.Namespace(build=args.build, logs=args.logs, vtx=args.vtx)
    _, why, elapsed, lines = runner.run_scenario(sc, ns)
    return why, elapsed, lines


# ------------------------------------------------------------ reading a console
def ints(text):
    out = {}
    for k, v in KV.findall(text):
        try:
            out[k] = int(v)
        except ValueError:
            out[k] = v
    return out


def pool_series(rows):
    """(seconds, logical tmem pages, physical tmem frames) per machine stats line."""
    out = []
    for r in rows:
        if r["scope"] != "machine":
            continue
        n = {k: statplot.num(r, k) for k in ("uptime_ms", "ephemeral", "persistent",
                                              "eph_frames", "pers_frames")}
        logical = n["ephemeral"] + n["persistent"]
        physical = n["eph_frames"] + n["pers_frames"]
        if "tmem_logical" in r:  # the hypervisor's own totals, when it prints them
            logical, physical = statplot.num(r, "tmem_logical"), statplot.num(r, "tmem_physical")
        out.append((n["uptime_ms"] / 1000.0, logical, physical))
    return out


def collect(lines, why, elapsed, guests):
    """The figures of one run."""
    results = {}
    for m in filter(None, map(RESULT.match, lines)):  # a guest's result spans lines
        results.setdefault(m.group(1), {}).update(ints(m.group(2)))
    summaries = {m.group(1): ints(m.group(2)) for m in map(SUMMARY.match, lines) if m}
    rows = statplot.parse(lines)
    machine = [r for r in rows if r["scope"] == "machine"]
    final = machine[-1] if machine else {}
    series = pool_series(rows)
    peak = max(series, key=lambda p: p[1]) if series else (0, 0, 0)
    ok = [g for g in guests if summaries.get(g, {}).get("status") == 0 and g in results]
    run = {
        "verified": not why and len(ok) == len(guests)
        and not any("mismatch" in l for l in lines),
        "why": why, "seconds": elapsed, "guests": results, "summaries": summaries,
        "series": series,
        "peak_logical": peak[1], "peak_physical": max((p[2] for p in series), default=0),
        "physical_at_peak": peak[2],
    }
    # Wall time: when the last guest was done (the hypervisor's clock when
    # it says so, else the guest's own); CPU time and sectors: all guests.
    run["wall_ms"] = max((summaries.get(g, {}).get("exit_ms", results.get(g, {}).get("wall_ms", 0))
                          for g in guests), default=0)
    run["cpu_ms"] = sum(summaries.get(g, {}).get("cpu_ms", results.get(g, {}).get("cpu_ms", 0))
                        for g in guests)
    for key in ("sectors_read", "sectors_written", "cache_hits", "tmem_gets", "tmem_hits",
                "swapped_out", "swap_tmem", "swap_disk", "verified_pages"):
        run[key] = sum(results.get(g, {}).get(key, 0) for g in guests)
    for key in ("puts", "gets", "hits", "misses", "evictions", "dedup", "comp_pct"):
        run["tmem_" + key] = statplot.num(final, key) if final else 0
    return run


# ------------------------------------------------------------ the runs
def read_configs(preset, configs, runs, args):
    """As run_configs, from the console logs an earlier run left in args.logs."""
    guests = [f"g{g}" for g in range(1, preset["guests"] + 1)]
    out = {}
    for config in configs:
        for i in range(1, runs + 1):
            path = os.path.join(args.logs, f"exp-{args.tag}-{config}-{i}.log")
            if os.path.exists(path):
                with open(path, errors="replace") as f:
                    lines = f.read().split("\n")
                out.setdefault(config, []).append(collect(lines, [], 0.0, guests))
    return out


def run_configs(preset, configs, runs, args):
    """{config: [run, ...]} for every configuration, `runs` boots each."""
    disk = ensure_image(args.preset, preset, args.build)
    guests = [f"g{g}" for g in range(1, preset["guests"] + 1)]
    jobs = [(c, i) for i in range(1, runs + 1) for c in configs]

    def one(job):
        config, i = job
        name = f"exp-{args.tag}-{config}-{i}"
        why, elapsed, lines = boot(config_scenario(preset, config, disk, i), name, args)
        r = collect(lines, why, elapsed, guests)
        state = "verified" if r["verified"] else "NOT VERIFIED: " + "; ".join(why or ["guest failed"])
        print(f"experiment: {config} run {i}: {elapsed:.0f}s wall, wall_ms={r['wall_ms']} "
              f"sectors_read={r['sectors_read']} sectors_written={r['sectors_written']} "
              f"peak tmem {r['peak_logical']}/{r['physical_at_peak']} pages, {state} "
              f"(log {os.path.join(args.logs, name + '.log')})", flush=True)
        return job, r

    out = {c: [] for c in configs}
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for (config, _), r in pool.map(one, jobs):
            out[config].append(r)
    return out


def concurrency(lines):
    """Most guests running at once, from the started/exited lines in order."""
    running, most = set(), 0
    for l in lines:
        m = STARTED.match(l)
        if m:
            running.add(m.group(1))
            most = max(most, len(running))
        m = ENDED.match(l)
        if m:
            running.discard(m.group(1))
    return most


def run_density(preset, args):
    d = preset["density"]
    disk = ensure_image(args.preset, preset, args.build)
    guests = [f"d{g}" for g in range(1, d["guests"] + 1)]

    def one(with_tmem):
        label = "with tmem" if with_tmem else "self-ballooning only"
        name = f"exp-{args.tag}-density-{'tmem' if with_tmem else 'notmem'}"
        why, elapsed, lines = boot(density_scenario(preset, with_tmem, disk), name, args)
        r = collect(lines, why, elapsed, guests)
        finished = [g for g in guests if r["summaries"].get(g, {}).get("status") == 0
                    and g in r["guests"]]
        never = [g for g in guests if r["summaries"].get(g, {}).get("status") == "never-started"]
        failures = [g for g in guests if g not in finished and g not in never]
        out = {"label": label, "tmem": with_tmem, "offered": len(guests),
               "at_once": concurrency(lines), "finished": len(finished),
               "never_started": len(never), "failures": failures + (why or []),
               "seconds": elapsed, "mem": d["mem"], "memory": preset["memory"],
               "wall_ms": r["wall_ms"], "sectors_read": r["sectors_read"],
               "peak_logical": r["peak_logical"], "physical_at_peak": r["physical_at_peak"]}
        print(f"experiment: density {label}: {out['at_once']} guests of {d['mem']} at once, "
              f"{out['finished']} of {len(guests)} finished verified, "
              f"{out['never_started']} never started ({elapsed:.0f}s)", flush=True)
        return out

    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, min(2, args.jobs))) as pool:
        return list(pool.map(one, (False, True)))
