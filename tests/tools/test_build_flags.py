#!/usr/bin/python3
"""The build's flags stamps: an object is rebuilt when the flags that
built it change, and not when nothing does (hypervisor, guest and host
objects, each built alone into a scratch BUILD directory)."""
import os
import subprocess
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# (object under BUILD, the flags stamp, a variable change that alters it)
KINDS = (
    ("hv/lib/fmt.c.o", "hv", "DEBUG=0"),
    ("guests/obj/lib/fmt.c.o", "guest", "GUEST_CC=cc"),
    ("host/obj/lib/fmt.c.o", "host", "HOST_CC=gcc"),
)


class BuildFlagsTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="fallow-flags-test-")
        self.build = self.tmp.name
        # A make run from `make test` passes its own flags and jobserver
        # down through the environment: this build stands alone.
        self.env = {k: v for k, v in os.environ.items()
                    if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")}

    def tearDown(self):
        self.tmp.cleanup()

    def make(self, target, *assignments):
        cmd = ["make", "--no-print-directory", "-C", ROOT, f"BUILD={self.build}"]
        r = subprocess.run(cmd + list(assignments) + [target], env=self.env,
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def stamp(self, name):
        with open(os.path.join(self.build, "flags", name)) as f:
            return f.read()

    def mtime(self, obj):
        return os.stat(obj).st_mtime_ns

    def test_flag_change_rebuilds_and_repeat_does_not(self):
        for rel, stamp, change in KINDS:
            with self.subTest(rel):
                obj = os.path.join(self.build, rel)
                self.make(obj)
                built = self.mtime(obj)
                self.make(obj)
                self.assertEqual(self.mtime(obj), built, "a repeat rebuilt it")

                before = self.stamp(stamp)
                self.make(obj, change)
                self.assertNotEqual(self.stamp(stamp), before, f"{change} left the stamp")
                changed = self.mtime(obj)
                self.assertGreater(changed, built, f"{change} did not rebuild it")
                self.make(obj, change)
                self.assertEqual(self.mtime(obj), changed, "a repeat rebuilt it")

                self.make(obj)  # and back
                self.assertGreater(self.mtime(obj), changed, "switching back did not rebuild it")

    def test_debug_reaches_the_object(self):
        obj = os.path.join(self.build, "hv/lib/fmt.c.o")
        self.make(obj, "DEBUG=0")
        self.assertIn("-DFALLOW_DEBUG=0", self.stamp("hv"))
        self.make(obj)
        self.assertIn("-DFALLOW_DEBUG=1", self.stamp("hv"))


if __name__ == "__main__":
    unittest.main()
