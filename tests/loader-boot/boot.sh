#!/bin/sh
# The loader-boot check: proves guest/load/'s plan for the real kernel by
# booting it from that plan alone under QEMU TCG. loader-plan (the same
# loader code over a recording target) writes the extents the loader
# placed and a boot ROM holding the plan's registers; QEMU runs that ROM
# as its BIOS (nothing else runs before Linux) with each extent put in
# RAM at its guest-physical address. The kernel runs with the in-kernel
# stand-in for Fallow (fallow.fake=1) and the initramfs's fake-selftest.
#   tests/loader-boot/boot.sh LOADER_PLAN ROM BZIMAGE INITRAMFS OUTDIR
# Ends with "N passed, N failed"; exits 1 when any check failed.
set -eu
tool=$1 rom=$2 kernel=$3 initrd=$4 out=$5
limit=${LOADER_BOOT_TIMEOUT:-120}
mem_mib=256
cmdline="fallow.fake=1 earlyprintk=fallow console=hvc0 script=fake-selftest panic=-1"
plan=$out/plan log=$out/loader-boot.log
rm -rf "$plan" && mkdir -p "$plan"
passed=0 failed=0

verdict() { # NAME OK DETAIL
	if [ "$2" = 1 ]; then echo "PASS $1"; passed=$((passed + 1))
	else echo "FAIL $1: $3"; failed=$((failed + 1)); fi
}

# 1. the loader plans and writes the real kernel and initramfs
ok=1
"$tool" "$rom" "$kernel" "$initrd" "$mem_mib" "$cmdline" "$plan" || ok=0
verdict plan "$ok" "loader-plan refused (above)"
if [ "$ok" = 0 ]; then echo "$passed passed, $((failed + 4)) failed"; exit 1; fi

# The arguments, one a line (paths have no spaces or commas: build/).
old_ifs=$IFS IFS='
'
set -- $(cat "$plan/qemu-args")
IFS=$old_ifs
start=$(date +%s)
rc=0
timeout "$limit" qemu-system-x86_64 -machine pc -accel tcg -m "${mem_mib}M" \
	-nodefaults -display none -monitor none -serial stdio -no-reboot "$@" \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 </dev/null >"$log" 2>&1 || rc=$?
tr -d '\r' < "$log" > "$log.txt" && mv "$log.txt" "$log"
echo "loader-boot: QEMU TCG exit status $rc after $(( $(date +%s) - start )) s, log $log"

# 2. Linux read the plan's e820 map from the zero page
ok=1 missing=
while IFS= read -r line; do
	case "$line" in BIOS-e820:*)
		grep -qF "$line" "$log" || { ok=0; missing="$missing [$line]"; } ;;
	esac
done < "$plan/expect"
verdict e820 "$ok" "not printed by Linux:$missing"

# 3. ... and found the initrd and command line where the plan put them
ok=1 missing=
while IFS= read -r line; do
	case "$line" in RAMDISK:* | "Command line:"*)
		grep -qF "$line" "$log" || { ok=0; missing="$missing [$line]"; } ;;
	esac
done < "$plan/expect"
verdict initrd-cmdline "$ok" "not printed by Linux:$missing"

# 4. the initramfs's script ran to its verdict
ok=1
script=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -1 || true)
case "$script" in [1-9]*" passed, 0 failed") ;; *) ok=0 ;; esac
grep -q '^FALLOW-LINUX-DONE: status 0' "$log" || ok=0
verdict script "$ok" "fake-selftest said '${script:-nothing}'"
grep -A3 '^FAIL' "$log" || true

# 5. power-off went through the exit call: status 0 is QEMU status 1
ok=1
[ "$rc" = 1 ] || ok=0
grep -q 'fallow: power off: guest exits with status 0' "$log" || ok=0
verdict exit "$ok" "QEMU exit status $rc (124: past ${limit} s), expected 1"

[ "$failed" = 0 ] || tail -20 "$log"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
