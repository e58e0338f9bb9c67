"""tools/mkimage.py: the image format of guest-abi/ABI.md ("Disk image
format"), byte for byte, and the same bytes for the same arguments. The
C side of the content formula (guest-abi/rt/disk_image.c) is checked
against these images by the disk-* boot scenarios."""
import hashlib
import os
import struct
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import mkimage  # noqa: E402

SECTOR, PAGE = 512, 4096


def build(path, *args):
    subprocess.run([sys.executable, os.path.join(ROOT, "tools", "mkimage.py"), path, *args],
                   check=True, capture_output=True)
    with open(path, "rb") as f:
        return f.read()


def parse(img):
    h = struct.unpack_from(mkimage.HEADER_FMT, img, 0)
    magic, nfiles, table_sector, version, entry_size, data_sector, total, line, _ = h
    files = [struct.unpack_from(mkimage.ENTRY_FMT, img, table_sector * SECTOR + i * entry_size)
             for i in range(nfiles)]
    return dict(magic=magic, nfiles=nfiles, table_sector=table_sector, version=version,
                entry_size=entry_size, data_sector=data_sector, total=total, line=line), files


class MkimageTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.addCleanup(self.dir.cleanup)

    def path(self, name):
        return os.path.join(self.dir.name, name)

    def test_mix64_is_splitmix64(self):
        # splitmix64's first output from state 0 (Vigna's reference code).
        self.assertEqual(mkimage.mix64(mkimage.GOLDEN), 0xE220A8397B1DCDAF)

    def test_lines_are_text(self):
        for seed in (0, 1, 2 ** 64 - 1):
            for n in range(200):
                ln = mkimage.line(seed, n)
                self.assertEqual(len(ln), mkimage.LINE)
                self.assertEqual(ln[-1:], b"\n")
                self.assertTrue(all(32 <= b < 127 for b in ln[:-1]))
        self.assertNotEqual(mkimage.line(1, 0), mkimage.line(1, 1))
        self.assertNotEqual(mkimage.line(1, 0), mkimage.line(2, 0))

    def test_same_arguments_same_bytes(self):
        a = build(self.path("a.img"), "--files", "40", "--seed", "7")
        b = build(self.path("b.img"), "--files", "40", "--seed", "7")
        c = build(self.path("c.img"), "--files", "40", "--seed", "8")
        self.assertEqual(a, b)
        self.assertNotEqual(a, c)

    def test_layout_and_content(self):
        img = build(self.path("t.img"), "--files", "50", "--max-bytes", "20000",
                    "--dup-percent", "30", "--header-percent", "20")
        h, files = parse(img)
        self.assertEqual(h["magic"], mkimage.MAGIC)
        self.assertEqual((h["version"], h["entry_size"], h["line"], h["table_sector"]),
                         (1, 32, 64, 8))
        self.assertEqual(h["nfiles"], 50)
        self.assertEqual(len(img), h["total"] * SECTOR)
        sector = h["data_sector"]
        self.assertEqual(sector % 8, 0)
        for sec, nbytes, flags, seed, _dir, reserved in files:
            self.assertEqual(sec, sector, "files follow each other page by page")
            data = img[sec * SECTOR:sec * SECTOR + mkimage.pages(nbytes) * PAGE]
            self.assertEqual(data[:nbytes], mkimage.content(seed, nbytes))
            self.assertEqual(data[nbytes:], bytes(len(data) - nbytes), "zeros after a file")
            self.assertIn(flags, (0, mkimage.FLAG_HEADER))
            self.assertEqual(reserved, 0)
            sector += mkimage.pages(nbytes) * 8
        self.assertEqual(sector, h["total"])
        seeds = [f[3] for f in files]
        self.assertLess(len(set(seeds)), len(seeds), "--dup-percent makes equal files")

    def test_size_pads_with_zeros(self):
        plain = build(self.path("p.img"), "--files", "3")
        padded = build(self.path("q.img"), "--files", "3", "--size", str(len(plain) + 8 * PAGE))
        self.assertEqual(padded[:len(plain)].rstrip(b"\0")[48:], plain.rstrip(b"\0")[48:])
        self.assertEqual(padded[len(plain):], bytes(8 * PAGE))
        self.assertEqual(parse(padded)[0]["total"], len(padded) // SECTOR)

    def test_manifest_matches_image_bytes(self):
        man = self.path("m.txt")
        img = build(self.path("m.img"), "--files", "9", "--dup-percent", "30",
                    "--manifest", man)
        _, files = parse(img)
        with open(man) as f:
            lines = [ln.split() for ln in f]
        self.assertEqual(len(lines), len(files))
        for (md5, sector, nbytes), f in zip(lines, files):
            self.assertEqual((int(sector), int(nbytes)), (f[0], f[1]))
            data = img[int(sector) * SECTOR:int(sector) * SECTOR + int(nbytes)]
            self.assertEqual(hashlib.md5(data).hexdigest(), md5)


if __name__ == "__main__":
    unittest.main()
