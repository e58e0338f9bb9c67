#!/usr/bin/python3
"""Turn Fallow's `stats:` lines into a CSV and a memory-over-time chart.

    tools/statplot.py --scenario NAME [--out DIR]   boot a scenario first
    tools/statplot.py --log FILE [--out DIR]        use a console log

Writes DIR/NAME.csv (one row per stats line: uptime_ms, scope — `machine`
or the guest's name — and every key the line carries) and DIR/NAME.png:
pages over time, stacked: each guest's owned pages (RAM, its page tables,
and the frames of persistent tmem data charged to it), the rest of owned (the
hypervisor), freeable (ephemeral tmem) and free. DIR defaults to
build/plots. Needs python3-matplotlib (Debian) for the PNG.
"""
import argparse
import csv
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KV = re.compile(r"(\w+)=(\S+)")


def parse(lines):
    """Rows of dicts: machine lines and guest lines, in console order."""
    rows = []
    for line in lines:
        if not line.startswith("stats:"):
            continue
        kv = dict(KV.findall(line))
        if "uptime_ms" not in kv:
            continue  # phase lines without a clock
        kv["scope"] = kv.pop("guest", "machine")
        rows.append(kv)
    return rows


def write_csv(rows, path):
    keys = ["uptime_ms", "scope"]
    for r in rows:
        keys += [k for k in r if k not in keys]
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=keys)
        w.writeheader()
        w.writerows(rows)


def num(row, key):
    try:
        return int(row.get(key, 0))
    except ValueError:
        return 0


def series(rows):
    """Per machine line: time, free, freeable, owned per guest, the rest."""
    guests, points, current = [], [], None
    for r in rows:
        if r["scope"] == "machine":
            current = {"t": num(r, "uptime_ms") / 1000.0, "free": num(r, "free"),
                       "freeable": num(r, "freeable"), "owned": num(r, "owned"),
                       "guests": {}}
            points.append(current)
        elif current is not None:
            name = r["scope"]
            if name not in guests:
                guests.append(name)
            current["guests"][name] = num(r, "owned")
    return guests, points


def plot(rows, path, title):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    guests, points = series(rows)
    if not points:
        sys.exit("statplot: no stats: lines with uptime_ms in the log")
    t = [p["t"] for p in points]
    layers, labels = [], []
    for g in guests:
        layers.append([p["guests"].get(g, 0) for p in points])
        labels.append(f"{g} (owned)")
    layers.append([max(0, p["owned"] - sum(p["guests"].values())) for p in points])
    labels.append("hypervisor and tmem metadata (owned)")
    layers.append([p["freeable"] for p in points])
    labels.append("freeable (ephemeral tmem)")
    layers.append([p["free"] for p in points])
    labels.append("free")
    fig, ax = plt.subplots(figsize=(10, 5))
    ax.stackplot(t, layers, labels=labels, step="post")
    ax.set_xlabel("uptime (s)")
    ax.set_ylabel("pages (4 KiB)")
    ax.set_title(title)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small")
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--scenario", help="boot tests/qemu-runs/scenarios/NAME.scn")
    src.add_argument("--log", help="a console log already captured")
    ap.add_argument("--out", default=os.path.join(ROOT, "build", "plots"))
    args = ap.parse_args()
    if args.scenario:
        name = args.scenario
        subprocess.run([sys.executable, os.path.join(ROOT, "tests", "qemu-runs", "runner.py"),
                        name], check=False)
        log = os.path.join(ROOT, "build", "qemu-runs", name + ".log")
    else:
        log = args.log
        name = os.path.splitext(os.path.basename(log))[0]
    with open(log, errors="replace") as f:
        rows = parse(f.read().splitlines())
    os.makedirs(args.out, exist_ok=True)
    csv_path = os.path.join(args.out, name + ".csv")
    png_path = os.path.join(args.out, name + ".png")
    write_csv(rows, csv_path)
    plot(rows, png_path, f"Fallow memory over time: {name}")
    print(f"statplot: {len(rows)} stats lines -> {csv_path}, {png_path}")


if __name__ == "__main__":
    main()
