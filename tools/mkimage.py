#!/usr/bin/env python3
"""Write a deterministic synthetic disk image: a "source tree" of files.

    tools/mkimage.py OUT.img [--files N] [--dirs N] [--min-bytes N]
                     [--max-bytes N] [--header-percent P] [--dup-percent P]
                     [--seed S] [--size BYTES] [--manifest FILE]
    tools/mkimage.py --tree OUT_DIR [the same options but --size]

The format is guest-abi/ABI.md, "Disk image format" (the C side is
guest-abi/rt/disk.h): a header in sector 0, a table of 32-byte file
entries from sector 8, then each file's data on a 4 KiB boundary. Every
byte of a file is a function of its entry's seed and its offset (64-byte
text lines from a fixed vocabulary), so a guest can check any page alone.
Sizes are log-uniform in [min, max]; --header-percent of the files are
flagged as headers; --dup-percent are copies (same seed and size) of an
earlier file, which dedup can merge. The same arguments always give the
same bytes. --manifest writes one line per file, `MD5 SECTOR BYTES`, so a
guest with no copy of the content formula (a shell script in Linux) can
check what it reads against what was written.

--tree writes the same files into a directory instead (OUT_DIR/dNN/fNNNN,
NN the file's directory, NNNN its number; for mke2fs -d), and the
manifest as `md5sum -c` reads it (`MD5  dNN/fNNNN`), so a guest checks a
mounted file system in one process.
"""
import argparse
import hashlib
import math
import os
import struct
import sys

MAGIC = 0x3145455254574C46  # "FLWTREE1"
VERSION = 1
SECTOR = 512
PAGE = 4096
LINE = 64
TABLE_SECTOR = 8
HEADER_FMT = "<QIIIIQQII"  # struct disk_image_header
ENTRY_FMT = "<QIIQII"      # struct disk_image_file
ENTRY_SIZE = struct.calcsize(ENTRY_FMT)
FLAG_HEADER = 1
MASK64 = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15
WORDS = [
    "int", "return", "if", "else", "for", "while", "struct", "static",
    "const", "void", "unsigned", "char", "uint64_t", "size_t", "NULL", "sizeof",
    "{", "}", "(", ");", "=", "==", "+", "->",
    "0;", "1;", "err", "page", "frame", "count", "guest", "tmem",
]
INDENT_BITS, INDENT_WIDTH, WORD_BITS = 2, 4, 5
PERCENT = 100


def mix64(z):
    """splitmix64's finaliser (guest-abi/rt/disk_image.c)."""
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return z ^ (z >> 31)


def line(seed, n):
    """Line n of a file with this seed: 64 bytes, the last a newline."""
    h = mix64((seed + n * GOLDEN) & MASK64)
    out = bytearray(b" " * LINE)
    length = (h & ((1 << INDENT_BITS) - 1)) * INDENT_WIDTH
    h >>= INDENT_BITS
    bits = 64 - INDENT_BITS
    while bits >= WORD_BITS:
        w = WORDS[h & (len(WORDS) - 1)].encode()
        if length + len(w) + 1 > LINE - 1:
            break
        out[length:length + len(w)] = w
        length += len(w) + 1
        bits -= WORD_BITS
        h >>= WORD_BITS
    out[LINE - 1] = ord("\n")
    return bytes(out)


def content(seed, nbytes):
    lines = (nbytes + LINE - 1) // LINE
    return b"".join(line(seed, n) for n in range(lines))[:nbytes]


class Rand:
    """A counter-based generator (mix64 of seed + k * GOLDEN), so the
    image does not depend on Python's own generators."""

    def __init__(self, seed):
        self.seed, self.k = seed, 0

    def next(self):
        self.k += 1
        return mix64((self.seed + self.k * GOLDEN) & MASK64)

    def below(self, n):
        return self.next() % n

    def log_uniform(self, lo, hi):
        frac = self.next() / float(1 << 64)
        return int(round(math.exp(math.log(lo) + frac * (math.log(hi) - math.log(lo)))))


def pages(nbytes):
    return (nbytes + PAGE - 1) // PAGE


def plan(args):
    """The file table: (sector, bytes, flags, seed, dir) per file."""
    rnd = Rand(args.seed)
    table_pages = pages(args.files * ENTRY_SIZE)
    sector = TABLE_SECTOR + table_pages * (PAGE // SECTOR)
    files = []
    for i in range(args.files):
        if files and rnd.below(PERCENT) < args.dup_percent:
            src = files[rnd.below(len(files))]
            nbytes, seed = src[1], src[3]
        else:
            nbytes = max(1, min(args.max_bytes, rnd.log_uniform(args.min_bytes, args.max_bytes)))
            seed = rnd.next()
        flags = FLAG_HEADER if rnd.below(PERCENT) < args.header_percent else 0
        files.append((sector, nbytes, flags, seed, i % args.dirs))
        sector += pages(nbytes) * (PAGE // SECTOR)
    return files, TABLE_SECTOR + table_pages * (PAGE // SECTOR), sector


def write(args):
    files, data_sector, end = plan(args)
    total = end
    if args.size:
        if args.size % PAGE or args.size < end * SECTOR:
            sys.exit(f"mkimage: --size {args.size} must be a multiple of {PAGE} "
                     f"and at least {end * SECTOR} bytes")
        total = args.size // SECTOR
    header = struct.pack(HEADER_FMT, MAGIC, len(files), TABLE_SECTOR, VERSION, ENTRY_SIZE,
                         data_sector, total, LINE, 0)
    table = b"".join(struct.pack(ENTRY_FMT, s, n, f, seed, d, 0) for s, n, f, seed, d in files)
    with open(args.out, "wb") as out:
        out.write(header.ljust(TABLE_SECTOR * SECTOR, b"\0"))
        out.write(table.ljust((data_sector - TABLE_SECTOR) * SECTOR, b"\0"))
        for s, n, _, seed, _ in files:
            out.write(content(seed, n).ljust(pages(n) * PAGE, b"\0"))
        out.truncate(total * SECTOR)
    if args.manifest:
        with open(args.manifest, "w") as man:
            for s, n, _, seed, _ in files:
                man.write(f"{hashlib.md5(content(seed, n)).hexdigest()} {s} {n}\n")
    print(f"mkimage: {args.out}: {len(files)} files, {total} sectors "
          f"({total * SECTOR >> 10} KiB), data from sector {data_sector}")


def tree_path(i, d):
    return f"d{d:02}/f{i:04}"


def write_tree(args):
    """The files of plan() as a directory tree (OUT may be "-": none)."""
    files, _, _ = plan(args)
    total = 0
    man = open(args.manifest, "w") if args.manifest else None
    for i, (_, n, _, seed, d) in enumerate(files):
        data = content(seed, n)
        total += n
        if args.out != "-":
            os.makedirs(os.path.join(args.out, f"d{d:02}"), exist_ok=True)
            with open(os.path.join(args.out, tree_path(i, d)), "wb") as f:
                f.write(data)
        if man:
            man.write(f"{hashlib.md5(data).hexdigest()}  {tree_path(i, d)}\n")
    if man:
        man.close()
    print(f"mkimage: {args.out}: {len(files)} files in {args.dirs} directories, "
          f"{total >> 10} KiB")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out")
    ap.add_argument("--files", type=int, default=256)
    ap.add_argument("--dirs", type=int, default=16)
    ap.add_argument("--min-bytes", type=int, default=256)
    ap.add_argument("--max-bytes", type=int, default=65536)
    ap.add_argument("--header-percent", type=int, default=10)
    ap.add_argument("--dup-percent", type=int, default=10)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--size", type=int, default=0, help="pad the image to BYTES")
    ap.add_argument("--manifest", help="write MD5 SECTOR BYTES per file here")
    ap.add_argument("--tree", action="store_true", help="OUT is a directory to fill")
    args = ap.parse_args()
    if not (args.files >= 1 and args.dirs >= 1 and 1 <= args.min_bytes <= args.max_bytes
            and args.max_bytes < 1 << 32 and 0 <= args.header_percent <= PERCENT
            and 0 <= args.dup_percent <= PERCENT and 0 <= args.seed < 1 << 64):
        sys.exit("mkimage: need files >= 1, dirs >= 1, 1 <= min-bytes <= max-bytes < 4G, "
                 "percentages 0..100, 0 <= seed < 2^64")
    if args.tree:
        if args.size:
            sys.exit("mkimage: --size is for images, not --tree")
        write_tree(args)
    else:
        write(args)


if __name__ == "__main__":
    main()
