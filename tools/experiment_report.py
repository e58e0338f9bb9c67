"""The experiment's table (TABLE.md), charts (PNG) and target figures.

Per configuration each figure is the mean of its runs after the highest
and lowest are dropped (three runs or more), as the reference did.
"""
import os

import experiment_presets as presets

# (key, column heading, how to show it)
COLUMNS = [
    ("wall_ms", "wall time (ms)", "{:.0f}"),
    ("cpu_ms", "CPU time (ms)", "{:.0f}"),
    ("sectors_read", "sectors read", "{:.0f}"),
    ("sectors_written", "sectors written", "{:.0f}"),
    ("peak_logical", "peak tmem pages (logical)", "{:.0f}"),
    ("physical_at_peak", "tmem frames at that peak (physical)", "{:.0f}"),
    ("logical_per_physical", "logical / physical", "{:.2f}"),
    ("dedup_pct", "puts deduplicated (%)", "{:.1f}"),
    ("comp_ratio", "compression ratio", "{:.2f}"),
    ("tmem_hits", "tmem hits", "{:.0f}"),
    ("tmem_misses", "tmem misses", "{:.0f}"),
    ("swap_tmem", "swap-outs to tmem", "{:.0f}"),
    ("swap_disk", "swap-outs to disk", "{:.0f}"),
]


def middle_mean(values):
    """Mean after dropping the highest and lowest when there are >= 3."""
    v = sorted(values)
    if len(v) >= 3:
        v = v[1:-1]
    return sum(v) / len(v) if v else 0.0


def derived(run):
    d = dict(run)
    d["logical_per_physical"] = (run["peak_logical"] / run["physical_at_peak"]
                                 if run["physical_at_peak"] else 0.0)
    d["dedup_pct"] = 100.0 * run["tmem_dedup"] / run["tmem_puts"] if run["tmem_puts"] else 0.0
    d["comp_ratio"] = 100.0 / run["tmem_comp_pct"] if run["tmem_comp_pct"] else 0.0
    return d


def summarize(runs):
    """{config: {key: value, 'runs': n, 'verified': bool, 'series': [...]}} in CONFIGS order."""
    out = {}
    for config in presets.CONFIGS:
        rs = [derived(r) for r in runs.get(config, [])]
        if not rs:
            continue
        s = {key: middle_mean([r[key] for r in rs]) for key, _, _ in COLUMNS}
        s["runs"] = len(rs)
        s["verified"] = all(r["verified"] for r in rs)
        s["series"] = rs[0]["series"]  # runs repeat exactly under Bochs
        s["repeatable"] = all(r[k] == rs[0][k] for r in rs for k in
                              ("sectors_read", "sectors_written", "wall_ms"))
        out[config] = s
    return out


def ratio(a, b):
    return a / b if b else float("nan")


def pct_below(a, b):
    return 100.0 * (1 - a / b) if b else float("nan")


def figures(summary, density):
    """The issue's targets, as (what, value text) pairs."""
    out = []
    sb, un = summary.get("selfballoon"), summary.get("unchanged")
    tm, dc = summary.get("tmem"), summary.get("dedup_comp")
    if tm and sb:
        out.append(("sectors read, self-ballooning + tmem vs self-ballooning only",
                    f"{pct_below(tm['sectors_read'], sb['sectors_read']):.1f}% fewer (target: >= 52%)"))
        out.append(("wall time, self-ballooning + tmem vs self-ballooning only",
                    f"{pct_below(tm['wall_ms'], sb['wall_ms']):.1f}% less (target: >= 8%)"))
    if tm and un:
        out.append(("sectors read, self-ballooning + tmem vs unchanged",
                    f"{pct_below(tm['sectors_read'], un['sectors_read']):.1f}% fewer (target: below unchanged)"))
    if dc:
        out.append(("tmem logical pages per physical page, dedup + compression",
                    f"{dc['logical_per_physical']:.2f}x at the pool's peak (target: >= 4x)"))
    if dc and tm:
        # The reference's own way of putting it: the pool's apparent size
        # (252,068 pages with tmem alone, 953,166 with dedup + compression).
        out.append(("peak logical tmem pages, dedup + compression vs tmem alone",
                    f"{ratio(dc['peak_logical'], tm['peak_logical']):.2f}x "
                    f"(the reference: 3.78x)"))
    for d in density or []:
        out.append((f"density, {d['label']}",
                    f"{d['at_once']} guests of {d['mem']} at once on {d['memory']} MiB, "
                    f"{d['finished']} of {d['offered']} finished verified "
                    f"(target: more than 15 at once, all verified)"))
    return out


def figures_text(summary, density):
    return "\n".join(f"figure: {what}: {value}" for what, value in figures(summary, density))


def write_table(path, preset_name, preset, summary, runs, density, elapsed, emulator="Bochs"):
    L = [f"# The overcommit experiment: preset `{preset_name}`", ""]
    if not summary:
        L.append(f"The density run alone; it took {elapsed / 60:.1f} minutes of wall time "
                 f"under {emulator}.")
    else:
        if preset.get("kind") == "linux":
            what = ("a Linux guest (Debian's 6.1 with Fallow's patch: cleancache, frontswap, "
                    "self-ballooning) building Linux 6.1's host programs with tcc, every "
                    f"output checked (`{presets.linux_words(preset['workload'])}`)")
        else:
            what = f"the workload guest (`{presets.workload_words(preset['workload'])}`)"
        L.append(f"A {preset['memory']} MiB machine, {preset['guests']} guests of "
                 f"mem={preset['mem']} maxmem={preset['maxmem']}, each running {what}. "
                 f"{runs} run(s) per configuration"
                 + (", highest and lowest dropped" if runs >= 3 else "")
                 + (f"; the whole experiment took {elapsed / 60:.1f} minutes of wall time "
                    f"under {emulator}." if elapsed else "; redone from the logs of an earlier run."))
    L.append("Times are the hypervisor's clock (under Bochs, emulated); sectors are 512 "
             "bytes; tmem pages are 4 KiB. Dedup is across the guests (`tmem_dedup=shared`). "
             "What stands in for the host's disk is RAM beside the machine, not in it: the "
             "image module and a `disk_store=` the guests' written chunks come from.")
    L.append("")
    if summary:
        L.append("| configuration | " + " | ".join(h for _, h, _ in COLUMNS) + " | data verified |")
        L.append("|---" * (len(COLUMNS) + 2) + "|")
    for config, s in summary.items():
        label = presets.CONFIGS[config][0]
        cells = [fmt.format(s[key]) for key, _, fmt in COLUMNS]
        L.append(f"| {label} | " + " | ".join(cells) + f" | {'yes' if s['verified'] else 'NO'} |")
    L.append("")
    for base in ("selfballoon", "unchanged"):
        if base not in summary:
            continue
        b = summary[base]
        L.append(f"Against {presets.CONFIGS[base][0]} (ratio, 1.00 = the same):")
        L.append("")
        L.append("| configuration | wall time | CPU time | sectors read | sectors written |")
        L.append("|---|---|---|---|---|")
        for config, s in summary.items():
            L.append(f"| {presets.CONFIGS[config][0]} | "
                     + " | ".join(f"{ratio(s[k], b[k]):.2f}" for k in
                                  ("wall_ms", "cpu_ms", "sectors_read", "sectors_written"))
                     + " |")
        L.append("")
    if density:
        L.append("Density: lightly loaded guests started as memory allows (`start=after:0`):")
        L.append("")
        L.append("| configuration | guests offered | most running at once | finished with verified data | never started | wall time (ms) | sectors read | peak tmem pages logical / physical |")
        L.append("|---|---|---|---|---|---|---|---|")
        for d in density:
            L.append(f"| {d['label']} | {d['offered']} | {d['at_once']} | {d['finished']} | "
                     f"{d['never_started']} | {d.get('wall_ms', 0)} | {d.get('sectors_read', 0)} | "
                     f"{d.get('peak_logical', 0)} / {d.get('physical_at_peak', 0)} |")
        L.append("")
    L.append("Target figures (printed, not tested):")
    L.append("")
    for what, value in figures(summary, density):
        L.append(f"- {what}: {value}")
    L.append("")
    with open(path, "w") as f:
        f.write("\n".join(L))


def write_charts(out, preset_name, summary, runs):
    """Bar charts of time and sectors per configuration and the tmem pool
    over time, in the manner of the reference's slides. Returns paths."""
    if not summary:
        return []
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    configs = list(summary)
    labels = [presets.CONFIGS[c][0].replace(" + ", "\n+ ") for c in configs]
    x = range(len(configs))
    paths = []

    def panel(ax, series, ylabel):
        width = 0.8 / len(series)
        for k, (label, key, scale) in enumerate(series):
            vals = [summary[c][key] / scale for c in configs]
            pos = [i + (k - (len(series) - 1) / 2) * width for i in x]
            b = ax.bar(pos, vals, width, label=label, color=f"C{k}")
            ax.bar_label(b, fmt="%.0f" if max(vals, default=0) >= 100 else "%.2f", fontsize=8)
        ax.set_xticks(list(x))
        ax.set_xticklabels(labels, fontsize=8)
        ax.set_ylabel(ylabel)
        ax.legend(fontsize=8)

    def bars(name, title, panels):
        """One chart; panels: [(series, ylabel)], each on an axis of its own."""
        fig, axes = plt.subplots(1, len(panels), figsize=(9 if len(panels) == 1 else 13, 4.8),
                                 squeeze=False)
        for ax, (series, ylabel) in zip(axes[0], panels):
            panel(ax, series, ylabel)
        fig.suptitle(f"{title} (preset {preset_name})")
        fig.tight_layout()
        p = os.path.join(out, name)
        fig.savefig(p, dpi=100)
        plt.close(fig)
        paths.append(p)

    bars("time.png", "Temporal stats",
         [([("wall time to completion", "wall_ms", 1000.0)], "seconds (emulated)"),
          ([("CPU time, all guests", "cpu_ms", 1000.0)], "seconds (emulated)")])
    bars("sectors.png", "Virtual block device stats",
         [([("sectors read", "sectors_read", 1.0), ("sectors written", "sectors_written", 1.0)],
           "512-byte sectors")])

    fig, ax = plt.subplots(figsize=(9, 4.8))
    for c in configs:
        s = summary[c]["series"]
        if not s or not any(p[1] for p in s):
            continue
        line, = ax.plot([p[0] for p in s], [p[1] for p in s], marker="o",
                        label=f"{presets.CONFIGS[c][0]}: logical pages")
        ax.plot([p[0] for p in s], [p[2] for p in s], linestyle="--", color=line.get_color(),
                label=f"{presets.CONFIGS[c][0]}: physical frames")
    ax.set_xlabel("uptime (s, emulated)")
    ax.set_ylabel("4 KiB pages")
    ax.set_title(f"tmem pool size over time (preset {preset_name})")
    if ax.lines:
        ax.legend(fontsize=8)
    fig.tight_layout()
    p = os.path.join(out, "tmem_pool.png")
    fig.savefig(p, dpi=100)
    plt.close(fig)
    paths.append(p)
    return paths
