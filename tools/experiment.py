#!/usr/bin/python3
"""The overcommit experiment: the classic tmem evaluation, rerun on Fallow.

    tools/experiment.py [--guests synthetic|linux] [--preset scaled|full|small]
                        [--runs N] [--configs a,b,...] [--out DIR] [--density]

Boots one scenario per configuration and run (under Bochs, through
tests/qemu-runs/runner.py), each a machine of guests running the workload
guest (a parallel compile: make clean; make -jN; twice) against a shared
source-tree disk image, collects the guests' `result:` lines and the
hypervisor's `stats:` lines, drops the highest and lowest value of each
figure when there are three runs or more, and writes DIR/TABLE.md and
the charts DIR/*.png. The five configurations are the reference's:

    unchanged    no self-ballooning, tmem off
    selfballoon  self-ballooning only, tmem off
    tmem         self-ballooning + tmem (no dedup, no compression)
    dedup        + dedup
    dedup_comp   + dedup and compression

--guests linux runs them on Linux guests instead (Debian's 6.1 kernel
with Fallow's patch, building real C with tcc: experiment_presets.py's
LINUX_PRESETS, presets scaled and small); its table and charts go to
results/linux/ unless --out says otherwise.

--density boots as many lightly loaded guests as the preset names on the
preset's machine, with and without tmem, and reports how many ran at
once and finished with verified data. The issue's targets are printed as
figures, never as pass/fail. Needs Debian's python3-matplotlib.
"""
import argparse
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import experiment_presets as presets  # noqa: E402
import experiment_report as report  # noqa: E402
import experiment_run as run  # noqa: E402


def preset_of(args):
    if args.guests == "linux":
        return dict(presets.LINUX_PRESETS[args.preset], kind="linux")
    return presets.PRESETS[args.preset]


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--guests", choices=("synthetic", "linux"), default="synthetic",
                    help="the workload guest (default) or Linux guests building C with tcc")
    ap.add_argument("--preset", choices=sorted(presets.PRESETS), default="scaled",
                    help="with --guests linux: scaled or small")
    ap.add_argument("--runs", type=int, help="runs per configuration (default: the preset's)")
    ap.add_argument("--configs", help="comma-separated subset of: " + ",".join(presets.CONFIGS))
    ap.add_argument("--out", help="where TABLE.md and the charts go "
                                  "(default results/, or results/linux/ for Linux guests)")
    ap.add_argument("--logs", help="console logs (default build/experiment/PRESET)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                    help="emulators at once (default: one per core)")
    ap.add_argument("--density", action="store_true",
                    help="also the density run: as many guests as fit, with and without tmem")
    ap.add_argument("--density-only", action="store_true", help="only the density run")
    ap.add_argument("--report-only", action="store_true",
                    help="boot nothing: redo the table and charts from the logs in --logs")
    ap.add_argument("--vtx", choices=("bochs", "kvm"), default="bochs",
                    help="Bochs (default; at most 2048 MiB of RAM, every count repeats) or "
                         "QEMU/KVM with nested VT-x (needs /dev/kvm; any size)")
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    args = ap.parse_args(argv)
    args.build = os.path.abspath(args.build)
    if args.guests == "linux" and args.preset not in presets.LINUX_PRESETS:
        ap.error("--guests linux has presets " + ", ".join(sorted(presets.LINUX_PRESETS)))
    preset = preset_of(args)
    args.tag = ("linux-" if args.guests == "linux" else "") + args.preset
    args.out = args.out or os.path.join(ROOT, "results", *(["linux"] if args.guests == "linux"
                                                          else []))
    args.runs = args.runs or preset["runs"]
    if args.runs < 1:
        ap.error("--runs must be at least 1")
    args.configs = (args.configs.split(",") if args.configs
                    else preset.get("configs", list(presets.CONFIGS)))
    unknown = [c for c in args.configs if c not in presets.CONFIGS]
    if unknown:
        ap.error("unknown configuration: " + ", ".join(unknown))
    args.logs = args.logs or os.path.join(args.build, "experiment", args.tag)
    need = run.largest_machine_mib(args.preset, preset, args.build)
    if args.vtx == "bochs" and need > run.BOCHS_MAX_MIB and not args.report_only:
        ap.error(f"preset {args.preset} boots machines of {need} MiB (the preset's "
                 f"{preset['memory']} MiB plus the image and the disk store), more than "
                 f"Bochs's {run.BOCHS_MAX_MIB} MiB: run it with --vtx kvm on a host whose "
                 f"/dev/kvm offers nested VT-x")
    if args.vtx == "kvm" and not run.runner.kvm_available():
        ap.error("--vtx kvm needs /dev/kvm on a CPU with VMX")
    return args


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    preset = preset_of(args)
    began = time.monotonic()
    runs, density = {}, None
    if args.report_only:
        runs = run.read_configs(preset, args.configs, args.runs, args)
    elif not args.density_only:
        runs = run.run_configs(preset, args.configs, args.runs, args)
    if (args.density or args.density_only) and not args.report_only:
        density = run.run_density(preset, args)
    elapsed = time.monotonic() - began
    summary = report.summarize(runs)
    os.makedirs(args.out, exist_ok=True)
    report.write_table(os.path.join(args.out, "TABLE.md"), args.tag, preset, summary,
                       args.runs, density, elapsed,
                       "Bochs" if args.vtx == "bochs" else "QEMU/KVM")
    charts = report.write_charts(args.out, args.tag, summary, runs)
    print(report.figures_text(summary, density))
    print(f"experiment: preset {args.tag}, {args.runs} run(s) of {len(args.configs)} "
          f"configuration(s) in {elapsed:.0f}s; wrote {os.path.join(args.out, 'TABLE.md')}"
          + "".join(f", {c}" for c in charts))
    failed = [f"{name} run {i + 1}" for name, rs in runs.items()
              for i, r in enumerate(rs) if not r["verified"]]
    if density:
        failed += [f"density {d['label']}" for d in density if d["failures"]]
    if failed:
        print("experiment: runs without verified data: " + ", ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
