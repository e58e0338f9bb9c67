#!/bin/sh
# Boots Fallow's Linux guest kernel bare (no Fallow) under QEMU TCG, twice:
#   linux-bare: console=ttyS0, script bare-selftest: user space, ext2 on
#     loop, swap work, and Fallow's drivers stay silent;
#   linux-fake: the in-kernel stand-in for Fallow (fallow.fake=1),
#     console=hvc0 earlyprintk=fallow, script fake-selftest: the console,
#     block, balloon and power drivers at work; the guest's exit status
#     comes back through QEMU's isa-debug-exit (status 0: QEMU exits 1).
# Each checks the script's "N passed, 0 failed" on the serial console.
#   tests/linux/bare-boot.sh BZIMAGE INITRAMFS LOGDIR
set -eu
kernel=$1 initrd=$2 logdir=$3
limit=${LINUX_BARE_TIMEOUT:-60}
mkdir -p "$logdir"
failed=0

# boot NAME EXPECTED_QEMU_RC APPEND [QEMU ARGS...]
boot() {
	name=$1 want_rc=$2 append=$3; shift 3
	log=$logdir/$name.log
	start=$(date +%s.%N)
	qemu-system-x86_64 -machine pc -accel tcg -m 256M \
		-display none -serial stdio -monitor none -no-reboot "$@" \
		-kernel "$kernel" -initrd "$initrd" -append "$append panic=-1" \
		</dev/null >"$log" 2>&1 &
	qemu=$!
	# Without ACPI, poweroff ends in "reboot: System halted" and QEMU
	# keeps running: stop it once that (or a panic) is on the console.
	end=$(( $(date +%s) + limit )) timed_out=1
	while [ "$(date +%s)" -lt "$end" ]; do
		if ! kill -0 "$qemu" 2>/dev/null ||
			grep -qE 'reboot: (System halted|Power down)|Kernel panic' "$log"; then
			timed_out=0; break
		fi
		sleep 0.2
	done
	sleep 0.2
	kill "$qemu" 2>/dev/null || true
	rc=0; wait "$qemu" 2>/dev/null || rc=$?
	secs=$(echo "$(date +%s.%N) $start" | awk '{printf "%.1f", $1 - $2}')
	tr -d '\r' < "$log" > "$log.txt" && mv "$log.txt" "$log"
	verdict=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -1 || true)
	echo "$name: ${verdict:-no verdict} (QEMU TCG, ${secs} s, log $log)"
	grep -A3 '^FAIL' "$log" || true
	ok=1
	[ "$timed_out" = 0 ] || { echo "$name: QEMU ran past ${limit} s"; ok=0; }
	case "$verdict" in [1-9]*" passed, 0 failed") ;; *) ok=0 ;; esac
	grep -q '^FALLOW-LINUX-DONE: status 0' "$log" || { echo "$name: no DONE line"; ok=0; }
	if [ "$want_rc" != any ] && [ "$rc" != "$want_rc" ]; then
		echo "$name: QEMU exit status $rc, expected $want_rc"; ok=0
	fi
	[ "$ok" = 1 ] || { echo "$name: FAILED"; tail -15 "$log"; failed=1; }
}

boot linux-bare any "console=ttyS0 script=bare-selftest"
boot linux-fake 1 "fallow.fake=1 earlyprintk=fallow console=hvc0 script=fake-selftest" \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04
# the early console carried the first lines, before hvc0 existed
grep -q 'bootconsole \[fallowearly0\] enabled' "$logdir/linux-fake.log" ||
	{ echo "linux-fake: no earlyprintk=fallow boot console"; failed=1; }
grep -q 'fallow: power off: guest exits with status 0' "$logdir/linux-fake.log" ||
	{ echo "linux-fake: power off did not go through the exit hypercall"; failed=1; }
exit $failed
