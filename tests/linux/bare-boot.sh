#!/bin/sh
# Boots Fallow's Linux guest kernel bare (no Fallow) under QEMU TCG with
# the initramfs's bare-selftest script and checks its verdict on the
# serial console.
#   tests/linux/bare-boot.sh BZIMAGE INITRAMFS LOG
set -eu
kernel=$1 initrd=$2 log=$3
limit=${LINUX_BARE_TIMEOUT:-60}

start=$(date +%s.%N)
# Without ACPI, poweroff ends in "reboot: System halted" and QEMU keeps
# running: it is stopped once that line (or a panic) is on the console.
qemu-system-x86_64 -machine pc -accel tcg -m 256M \
	-display none -serial stdio -monitor none -no-reboot \
	-kernel "$kernel" -initrd "$initrd" \
	-append "console=ttyS0 script=bare-selftest panic=-1" \
	</dev/null >"$log" 2>&1 &
qemu=$!
rc=124
end=$(( $(date +%s) + limit ))
while [ "$(date +%s)" -lt "$end" ]; do
	if ! kill -0 "$qemu" 2>/dev/null || grep -qE 'reboot: (System halted|Power down)|Kernel panic' "$log"; then
		rc=0; break
	fi
	sleep 0.2
done
kill "$qemu" 2>/dev/null || true
wait "$qemu" 2>/dev/null || true
secs=$(echo "$(date +%s.%N) $start" | awk '{printf "%.1f", $1 - $2}')
tr -d '\r' < "$log" > "$log.txt" && mv "$log.txt" "$log"

verdict=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -1 || true)
echo "linux-bare: $verdict (QEMU TCG, ${secs} s, log $log)"
grep '^FAIL' "$log" || true
[ "$rc" != 124 ] || { echo "linux-bare: QEMU ran past ${limit} s"; exit 1; }
case "$verdict" in
[1-9]*" passed, 0 failed") ;;
*) echo "linux-bare: failed"; tail -20 "$log"; exit 1 ;;
esac
grep -q '^FALLOW-LINUX-DONE: status 0' "$log" || { echo "linux-bare: no DONE line"; exit 1; }
