#!/usr/bin/python3
"""The Linux guests' build workload: a root file system holding a real C
source tree and the tools that build it, for `mke2fs -d`.

    tools/mkbuildtree.py OUT_DIR --linux-src DIR

The source tree is Linux 6.1's own host programs, from Debian's
linux-source-6.1 (the kernel build runs exactly these first): Kconfig's
`conf`, the device-tree compiler `dtc` with libfdt and fdtoverlay, and kallsyms, asn1_compiler, unifdef, bin2c, sorttable,
recordmcount and fixdep. Their flex and bison outputs are made here,
since the guest has neither. The compiler is Debian's tcc, with GNU
make, a busybox shell and the glibc they run on, at the paths they have
on this host, so `chroot OUT_DIR` runs them unchanged.

The same build runs here first, with the same tcc, headers and relative
paths, and its outputs' md5 sums go into src/EXPECTED.md5: a guest's
objects and programs must equal them byte for byte. Then `make clean`,
and only the system headers that build read are copied in (the
preprocessor's line markers name them).
"""
import argparse
import glob
import os
import re
import shutil
import subprocess
import sys

LIBDIR = "/usr/lib/x86_64-linux-gnu"
TCC_DIR = LIBDIR + "/tcc"
# What tcc links a program with: the C runtime's start files, libc's
# linker script and what it names, and tcc's own helper library.
LINK_FILES = ["crt1.o", "crti.o", "crtn.o", "libc.so", "libc_nonshared.a",
              "libm.so", "libm.so.6", "libmvec.so.1"]
BINARIES = ["/usr/bin/tcc", "/usr/bin/make"]
# The busybox applets the recipes and the guest's checks use.
APPLETS = ["sh", "rm", "mkdir", "cat", "md5sum", "cmp", "echo", "test", "true",
           "false", "ls", "wc", "sort", "cut", "grep", "sed", "env", "sleep",
           "time", "date"]
CFLAGS = "-D__STDC_NO_VLA__=1"  # glibc's regex.h writes a VLA tcc cannot parse

FDT = [f"libfdt/{n}" for n in ("fdt", "fdt_ro", "fdt_wip", "fdt_sw", "fdt_rw",
                               "fdt_strerror", "fdt_empty_tree", "fdt_addresses",
                               "fdt_overlay")]
# name: (source dir in the Linux tree, generated sources: (tool, input),
#        programs: their objects). Every object but the generated ones is
# a .c file of the source dir.
PROGRAMS = {
    "kconfig": ("scripts/kconfig",
                {"lexer.lex": ("flex", "lexer.l"), "parser.tab": ("bison", "parser.y")},
                {"conf": ["conf", "confdata", "expr", "lexer.lex", "menu",
                          "parser.tab", "preprocess", "symbol", "util"]}),
    "dtc": ("scripts/dtc",
            {"dtc-lexer.lex": ("flex", "dtc-lexer.l"),
             "dtc-parser.tab": ("bison", "dtc-parser.y")},
            {"dtc": ["dtc", "flattree", "fstree", "data", "livetree", "treesource",
                     "srcpos", "checks", "util", "dtc-lexer.lex", "dtc-parser.tab"] + FDT,
             "fdtoverlay": ["fdtoverlay", "util"] + FDT}),
    "misc": ("scripts", {},
             dict({p: [p] for p in ("kallsyms", "asn1_compiler", "unifdef", "bin2c",
                                    "sorttable", "recordmcount")},
                  fixdep=["basic/fixdep"])),
}
EXTRA_CFLAGS = {"dtc": "-DNO_YAML -I. -Ilibfdt", "kconfig": "-I.",
                "misc": "-I../linux-include"}


def copy_sources(src, out):
    for name, (rel, generated, _) in PROGRAMS.items():
        d = os.path.join(out, "src", name)
        sources = [o + ".c" for o in objects(name) if o not in generated]
        headers = [h for h in glob.glob("*.h" if name == "misc" else "**/*.h",
                                        root_dir=os.path.join(src, rel), recursive=True)
                   if not h.startswith("include-prefixes")]  # dtc's links to arch/
        for s in sources + headers:
            os.makedirs(os.path.dirname(os.path.join(d, s)), exist_ok=True)
            shutil.copy(os.path.join(src, rel, s), os.path.join(d, s))
        for stem, (tool, source) in generated.items():
            target = stem + ".c"
            shutil.copy(os.path.join(src, rel, source), d)
            # The flags the kernel's scripts/Makefile.host gives them.
            cmd = (["flex", "-o", target, "-L", source] if tool == "flex" else
                   ["bison", "-o", target, "--defines=" + target[:-2] + ".h", "-t", "-l",
                    source])
            subprocess.run(cmd, cwd=d, check=True, stderr=subprocess.DEVNULL)
    # misc's includes: the two headers asn1_compiler reads from the kernel's
    # include/ and the two sorttable reads from tools/include/.
    for h in ("include/linux/asn1.h", "include/linux/asn1_ber_bytecode.h",
              "tools/include/tools/be_byteshift.h", "tools/include/tools/le_byteshift.h"):
        dst = os.path.join(out, "src", "linux-include", h.split("include/", 1)[1])
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copy(os.path.join(src, h), dst)


def objects(name):
    progs = PROGRAMS[name][2]
    return sorted({o for objs in progs.values() for o in objs})


def makefile(out):
    """src/Makefile: every program of every directory, one rule per object,
    so make -jN runs the compiles in parallel."""
    lines = ["# Made by Fallow's tools/mkbuildtree.py: Linux 6.1's host programs, built by tcc.",
             "CC = tcc", f"CFLAGS = {CFLAGS}", ""]
    alls, cleans = [], []
    for name in PROGRAMS:
        for prog, objs in PROGRAMS[name][2].items():
            target = f"{name}/{prog}"
            alls.append(target)
            deps = " ".join(f"{name}/{o}.o" for o in objs)
            lines += [f"{target}: {deps}",
                      f"\tcd {name} && $(CC) -o {prog} " + " ".join(f"{o}.o" for o in objs), ""]
        for o in objects(name):
            lines += [f"{name}/{o}.o: {name}/{o}.c",
                      f"\tcd {name} && $(CC) $(CFLAGS) {EXTRA_CFLAGS[name]} -c {o}.c -o {o}.o", ""]
            cleans.append(f"{name}/{o}.o")
    # A target per directory: a lighter load builds one (build_target=).
    dirs = [f"{n}: " + " ".join(f"{n}/{p}" for p in PROGRAMS[n][2]) for n in PROGRAMS]
    lines = [f"all: {' '.join(alls)}", ""] + dirs + [""] + lines
    lines += [".PHONY: all clean " + " ".join(PROGRAMS), "clean:",
              "\trm -f " + " ".join(alls + cleans), ""]
    with open(os.path.join(out, "src", "Makefile"), "w") as f:
        f.write("\n".join(lines))
    return alls


def host_build(out, programs):
    d = os.path.join(out, "src")
    subprocess.run(["make", "-s", f"-j{os.cpu_count() or 1}", "all"], cwd=d, check=True,
                   stderr=subprocess.DEVNULL)
    outputs = sorted(programs + [f"{n}/{o}.o" for n in PROGRAMS for o in objects(n)])
    sums = subprocess.run(["md5sum"] + outputs, cwd=d, check=True, capture_output=True,
                          text=True).stdout
    headers = set()  # the system headers, from the preprocessor's line markers
    for name in PROGRAMS:
        for o in objects(name):
            text = subprocess.run(["tcc"] + CFLAGS.split() + EXTRA_CFLAGS[name].split()
                                  + ["-E", o + ".c"], cwd=os.path.join(d, name), check=True,
                                  capture_output=True, text=True).stdout
            headers |= set(re.findall(r'^# \d+ "(/[^"]+)"', text, re.M))
    subprocess.run(["make", "-s", "clean"], cwd=d, check=True)
    with open(os.path.join(d, "EXPECTED.md5"), "w") as f:
        f.write(sums)
    return sorted(headers)


def copy_host_file(path, out):
    """path, and the file a symlink at path leads to, at the same places in out."""
    while True:
        dst = out + path
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        if os.path.islink(path):
            target = os.readlink(path)
            if not os.path.lexists(dst):
                os.symlink(target, dst)
            path = os.path.normpath(os.path.join(os.path.dirname(path), target))
            continue
        shutil.copy2(path, dst)
        return


def libraries(binary):
    """The shared objects binary needs, by ldd, with the loader."""
    out = subprocess.run(["ldd", binary], check=True, capture_output=True, text=True).stdout
    libs = []
    for line in out.splitlines():
        words = line.split()
        path = words[2] if len(words) > 2 and words[1] == "=>" else words[0]
        if path.startswith("/"):
            libs.append(path)
    return libs


def sysroot(out, headers):
    files = set(BINARIES) | set(headers)
    for b in BINARIES:
        files |= set(libraries(b))
    files |= {os.path.join(LIBDIR, f) for f in LINK_FILES if os.path.lexists(os.path.join(LIBDIR, f))}
    files |= {p for p in glob.glob(TCC_DIR + "/**", recursive=True)
              if os.path.isfile(p) and "i386" not in os.path.basename(p)}
    with open(os.path.join(LIBDIR, "libc.so")) as f:  # what libc's linker script names
        files |= {w for w in f.read().replace("(", " ").replace(")", " ").split()
                  if w.startswith("/") and os.path.exists(w)}
    for path in sorted(files):
        copy_host_file(path, out)
    os.makedirs(os.path.join(out, "bin"), exist_ok=True)
    shutil.copy2("/bin/busybox", os.path.join(out, "bin", "busybox"))
    for a in APPLETS:
        os.symlink("busybox", os.path.join(out, "bin", a))
    for d in ("dev", "proc", "tmp"):
        os.makedirs(os.path.join(out, d), exist_ok=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("--linux-src", required=True, help="an extracted linux-source-6.1 tree")
    args = ap.parse_args()
    if os.path.exists(args.out):
        shutil.rmtree(args.out)
    copy_sources(args.linux_src, args.out)
    programs = makefile(args.out)
    headers = host_build(args.out, programs)
    sysroot(args.out, headers)
    total = sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(args.out)
                for f in fs if not os.path.islink(os.path.join(r, f)))
    print(f"mkbuildtree: {args.out}: {len(programs)} programs, "
          f"{sum(len(objects(n)) for n in PROGRAMS)} objects, {len(headers)} headers, "
          f"{total // 1024} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
