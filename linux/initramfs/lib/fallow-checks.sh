# The Linux guest's checks under Fallow, sourced by /scripts/linux-boot,
# linux-mixed and linux-balloon: the paravirtual disk holds the linuxtree
# image that tools/mkimage.py wrote (mk/images.mk), and
# /testdata/linuxtree.manifest is that tool's record of every file (MD5
# SECTOR BYTES). Checks that what the disk reads back is what was
# written, that writes read back, and that CPU-bound user code (SSE in
# awk's doubles, md5sum) gives known answers. FALLOW_BLK and TESTDATA let
# the same checks run on a host over the image file, to test the scripts.
dev=${FALLOW_BLK:-/dev/fallowblk0}
td=${TESTDATA:-/testdata}
pass=0
fail=0
check() { # name command...
	name=$1; shift
	if "$@" >/tmp/check.out 2>&1; then
		pass=$((pass + 1)); echo "ok: $name"
	else
		fail=$((fail + 1)); echo "FAIL: $name"; sed 's/^/  | /' /tmp/check.out
	fi
}
# summary NAME: the verdict line; the status says whether all passed
summary() {
	echo "$1: $pass passed, $fail failed"
	[ $fail = 0 ]
}
PAGE=4096
SECTORS_PER_PAGE=8
# read_file SECTOR BYTES: a file's bytes from the disk
read_file() {
	dd if="$dev" bs=$PAGE skip=$(($1 / SECTORS_PER_PAGE)) \
		count=$((($2 + PAGE - 1) / PAGE)) 2>/dev/null | head -c "$2"
}
tree_matches() { # [N]: every file of the manifest (or its last N), md5 as written
	bad=0
	tail -n "${1:-+1}" "$td/linuxtree.manifest" > /tmp/manifest
	while read -r md5 sector bytes; do
		got=$(read_file "$sector" "$bytes" | md5sum | cut -d' ' -f1)
		[ "$got" = "$md5" ] || { echo "sector $sector: $got, wrote $md5"; bad=$((bad + 1)); }
	done < /tmp/manifest
	[ $bad = 0 ]
}
# Answers fixed at build time (linux/mkinitramfs.sh ran the same
# busybox): awk's doubles go through SSE registers.
MD5_2MIB_ZEROS=b2d1236c286a3c0704224fe4105eca49
fp_right() { [ "$(awk -f "$td/fp.awk")" = "$(cat "$td/fp.expected")" ]; }
md5_right() {
	[ "$(dd if=/dev/zero bs=1M count=2 2>/dev/null | md5sum | cut -d' ' -f1)" = $MD5_2MIB_ZEROS ]
}
rounds() { # N COMMAND...: COMMAND right N times in a row
	n=$1; shift; r=1
	while [ $r -le "$n" ]; do
		"$@" || { echo "round $r of $n wrong"; return 1; }
		r=$((r + 1))
	done
}

# linux_checks FILES ROUNDS: the disk's first check reads FILES files of
# the manifest (its last ones; "" is all of them), the CPU checks run
# ROUNDS times (more rounds: longer SSE work, so that guests side by side
# are switched in the middle of it; fallow-tsc marks its span on the
# host's clock, which every guest shares).
linux_checks() {
	files=${1:-$(wc -l < "$td/linuxtree.manifest")}
	if [ -z "$FALLOW_BLK" ]; then
		check "Fallow found" sh -c 'dmesg | grep -q "fallow: Fallow hypervisor"'
		check "console is hvc0" grep -q '^hvc0' /proc/consoles
		check "block device" test -b "$dev"
		check "disk size from DISK_INFO" test \
			"$(cat /sys/block/fallowblk0/size)" = "$(cat "$td/linuxtree.sectors")"
	fi
	check "$files files read back as written" tree_matches "$files"

	# Writes land past the tree (mk/images.mk pads the image): 1 MiB from
	# 2 MiB, flushed, the block cache dropped, read again from the disk.
	# (Not from /dev/urandom: before the kernel's RNG is seeded a read
	# there spins on timer jitter for hundreds of jiffies, minutes of
	# wall time under Bochs. Copies of the initramfs's data.txt, nonzero
	# unlike the padding they overwrite, are as good a pattern.)
	SCRATCH_PAGE=512
	SCRATCH_BYTES=1048576
	c=0
	while [ $c -lt 12 ]; do cat "$td/data.txt"; c=$((c + 1)); done |
		head -c $SCRATCH_BYTES > /tmp/scratch
	check "1 MiB written" dd if=/tmp/scratch of="$dev" bs=$PAGE seek=$SCRATCH_PAGE conv=notrunc,fsync
	blockdev --flushbufs "$dev" 2>/dev/null
	check "1 MiB read back" sh -c "dd if=$dev bs=$PAGE skip=$SCRATCH_PAGE count=256 2>/dev/null | cmp - /tmp/scratch"
	# (Each file costs a few processes, slow under Bochs: the last files,
	# those nearest the scratch space, stand for the tree.)
	check "tree untouched by the write" tree_matches 4

	[ "$2" -gt 1 ] && command -v fallow-tsc >/dev/null && fallow-tsc sse-start
	# awk in the background while md5sum runs: Linux switches between
	# them too, each with its own SSE state.
	rounds "$2" fp_right > /tmp/fp.out 2>&1 &
	fp_pid=$!
	check "md5 of 2 MiB, $2 round(s)" rounds "$2" md5_right
	wait $fp_pid
	check "awk floating point, $2 round(s)" sh -c "cat /tmp/fp.out; exit $?"
	[ "$2" -gt 1 ] && command -v fallow-tsc >/dev/null && fallow-tsc sse-end

	# Hypercalls are for the kernel: a user process's VMCALL gets #UD, so
	# SIGILL (status 128 + 4), while the drivers' calls above all worked.
	if [ -z "$FALLOW_BLK" ]; then
		check "user-mode VMCALL refused with SIGILL" sh -c 'fallow-vmcall; [ $? = 132 ]'
	fi
}
