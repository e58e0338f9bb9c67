"""Configurations and presets of the overcommit experiment (tools/experiment.py).

A configuration is what the reference varied: self-ballooning in the
guests, and tmem with or without dedup and compression in the
hypervisor. A preset is the machine and the load: `full` is the
reference's (a 2 GiB machine, four guests of mem=384M maxmem=512M, a
parallel compile each); `scaled` is the same ratios at one eighth, which
Bochs finishes here in minutes; `small` is the two-guest version that
`make test` runs.
"""

# name: (label, the guests' tmem module options, guests self-balloon).
# Dedup is across the guests (tmem_dedup=shared), as Xen's was: the
# reference's four guests compiled the same tree, and most of what dedup
# found was one guest's page cache equal to another's.
CONFIGS = {
    "unchanged": ("unchanged", "tmem=off", False),
    "selfballoon": ("self-ballooning only", "tmem=off", True),
    "tmem": ("self-ballooning + tmem", "tmem_dedup=off tmem_compress=off", True),
    "dedup": ("+ dedup", "tmem_dedup=shared tmem_compress=off", True),
    "dedup_comp": ("+ dedup + compression", "tmem_dedup=shared tmem_compress=on", True),
}

# Self-ballooning steps: the reference's daemon stepped every few seconds
# of a compile that took many minutes; these compiles take emulated
# seconds, so the interval shrinks with them.
SB_SCALED = "sb_interval_us=50000"


def workload_words(w):
    return " ".join(f"{k}={v}" for k, v in w.items())


PRESETS = {
    "full": {
        "memory": 2048, "guests": 4, "mem": "384M", "maxmem": "512M",
        # The source tree: tools/mkimage.py arguments (log-uniform sizes
        # of 256 B to 64 KiB, about 12 KiB on average; 10% headers).
        "image": ["--files", "28800", "--dirs", "256"],
        "workload": {"tasks": 8, "rounds": 2, "src_kb": 163840, "headers": 3,
                     "anon_kb": 229376, "unit_pct": 100, "spike_kb": 131072,
                     "spike_every": 3200, "touch_pages": 4, "obj_pct": 50,
                     "free_min_kb": 2048, "swap_kb": 65536},
        "sb": "sb_interval_us=400000",
        "stats_interval": 1, "timeout": 6 * 3600, "runs": 5,
        "density": {"guests": 32, "mem": "512M", "maxmem": "512M",
                    "workload": {"tasks": 1, "rounds": 1, "src_kb": 4096, "headers": 2,
                                 "anon_kb": 4096, "spike_kb": 0, "spike_every": 0,
                                 "obj_pct": 50, "swap_kb": 512, "linger_ms": 60000},
                    "sb": "sb_interval_us=50000", "timeout": 6 * 3600},
    },
    "scaled": {
        "memory": 256, "guests": 4, "mem": "48M", "maxmem": "64M",
        "image": ["--files", "3600", "--dirs", "64"],
        "workload": {"tasks": 8, "rounds": 2, "src_kb": 20480, "headers": 3,
                     "anon_kb": 28672, "unit_pct": 100, "spike_kb": 16384,
                     "spike_every": 400, "touch_pages": 4, "obj_pct": 50,
                     "free_min_kb": 256, "swap_kb": 8192},
        "sb": SB_SCALED,
        "stats_interval": 1, "timeout": 1500, "runs": 1,
        "density": {"guests": 32, "mem": "64M", "maxmem": "64M",
                    "workload": {"tasks": 1, "rounds": 1, "src_kb": 512, "headers": 2,
                                 "anon_kb": 512, "spike_kb": 0, "spike_every": 0,
                                 "obj_pct": 50, "swap_kb": 64, "linger_ms": 20000},
                    "sb": "sb_interval_us=10000", "timeout": 1800},
    },
    "small": {
        "memory": 64, "guests": 2, "mem": "16M", "maxmem": "24M",
        "image": ["--files", "400", "--dirs", "8"],
        # Anonymous memory beyond RAM at the spikes: swapping (frontswap
        # into tmem, or the disk's swap area) is part of what is checked.
        "workload": {"tasks": 2, "rounds": 2, "src_kb": 2048, "headers": 2,
                     "anon_kb": 12288, "unit_pct": 100, "spike_kb": 4096,
                     "spike_every": 40, "touch_pages": 16, "obj_pct": 50,
                     "free_min_kb": 128, "swap_kb": 8192},
        "sb": "sb_interval_us=20000",
        "stats_interval": 1, "timeout": 300, "runs": 2,
        "configs": ["selfballoon", "tmem"],
    },
}


# The same experiment on Linux guests (--guests linux, issue 13): Debian's
# 6.1 kernel with Fallow's patch, each guest running linux/initramfs/
# scripts/linux-build over linuxbuild.img (tools/mkbuildtree.py): make
# clean; make -jN of Linux's host programs with tcc, every object checked,
# twice, beside anonymous memory that stands for the gcc jobs' share of
# RAM in the reference (tcc's own is small), swapped onto a swap file
# (frontswap first). The guests' kernel words: `workload` becomes
# build_KEY=VALUE, `sb` is added when the configuration self-balloons,
# `tmem` always (the cleancache and frontswap backends are built in; with
# tmem=off Fallow refuses their pools and they do nothing).
LINUX_IMAGE = "linuxbuild"
# clearcpuid=158,306 (X86_FEATURE_RDRAND, _RDSEED): Bochs answers RDRAND
# and RDSEED from the host's rand(), so with them Linux's random state
# (address-space layout, hash seeds) and with it the exact counts would
# differ run to run; without them Linux's entropy is the TSC, which
# Bochs counts in instructions.
LINUX_WORDS = ("console=hvc0 earlyprintk=fallow 8250.nr_uarts=0 quiet script=linux-build "
               "clearcpuid=158,306")
# Self-ballooning's steps every 50 ms of emulated time: a round of the
# build takes about a second of it here (the reference's compile, many
# minutes against its daemon's few seconds).
LINUX_SB = ("fallow.selfballoon=1 fallow.balloon_interval_ms=50 "
            "fallow.selfballoon_reserve_kb=4096 fallow.selfballoon_floor_kb=8192")


def linux_words(w):
    return " ".join(f"build_{k}={v}" for k, v in w.items())


LINUX_PRESETS = {
    "scaled": {
        "memory": 256, "guests": 4, "mem": "48M", "maxmem": "64M",
        "workload": {"rounds": 2, "jobs": 2, "anon_mb": 28, "swap_mb": 32},
        "sb": LINUX_SB, "stats_interval": 1, "timeout": 2400, "runs": 1,
        "density": {"guests": 20, "mem": "32M", "maxmem": "32M",
                    "workload": {"rounds": 1, "jobs": 1, "anon_mb": 0, "swap_mb": 0,
                                 "target": "misc", "linger_s": 30},
                    "sb": ("fallow.selfballoon=1 fallow.balloon_interval_ms=50 "
                           "fallow.balloon_floor_kb=1024 fallow.selfballoon_reserve_kb=1024 "
                           "fallow.selfballoon_floor_kb=1024 fallow.selfballoon_floor_div=16"),
                    "timeout": 3600},
    },
    "small": {
        "memory": 160, "guests": 2, "mem": "40M", "maxmem": "48M",
        "workload": {"rounds": 1, "jobs": 2, "anon_mb": 8, "swap_mb": 0,
                     "target": "misc"},
        "sb": LINUX_SB, "stats_interval": 1, "timeout": 900, "runs": 2,
        "configs": ["selfballoon", "tmem"],
    },
}
