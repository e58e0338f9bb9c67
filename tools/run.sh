#!/bin/sh
# Boot Fallow's default scenario under the best emulator this machine has:
# QEMU with KVM where /dev/kvm offers VT-x, else Bochs (emulated VT-x),
# else QEMU without VT-x. Override with FALLOW_EMU=kvm|bochs|qemu.
#   tools/run.sh [ISO]   (default build/fallow.iso)
# The console is this terminal; Bochs mirrors it through port 0xE9.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
iso=${1:-$root/build/fallow.iso}
mem=${FALLOW_MEM:-512}

has_kvm_vmx() {
	[ -r /dev/kvm ] && [ -w /dev/kvm ] && grep -qw vmx /proc/cpuinfo
}

emu=${FALLOW_EMU:-}
if [ -z "$emu" ]; then
	if has_kvm_vmx; then emu=kvm
	elif command -v bochs >/dev/null 2>&1; then emu=bochs
	else emu=qemu
	fi
fi
qemu="qemu-system-x86_64 -m $mem -display none -serial stdio -monitor none -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04"

# isa-debug-exit makes QEMU exit (code << 1) | 1: Fallow writes 0x10 for
# success (33) and 0x11 for failure (35).
qemu_status() {
	set +e
	"$@"
	st=$?
	set -e
	case $st in
	33) exit 0 ;;
	35) echo "run: Fallow powered off with failure" >&2; exit 1 ;;
	*) exit $st ;;
	esac
}

case $emu in
kvm)
	echo "run: QEMU with KVM (VT-x from /dev/kvm, nested)"
	qemu_status $qemu -enable-kvm -cpu host -cdrom "$iso" ;;
qemu)
	echo "run: QEMU without KVM: software CPU, no VT-x (install bochs for emulated VT-x)"
	qemu_status $qemu -cdrom "$iso" ;;
bochs)
	echo "run: Bochs with emulated VT-x (no /dev/kvm with VMX here); slow but complete"
	work=$(mktemp -d)
	trap 'rm -rf "$work"' EXIT
	# The kernel mirrors its console to port 0xE9 only when asked.
	sed 's|^\([[:space:]]*multiboot2[[:space:]].*\)$|\1 console=e9|' \
		"$root/tests/qemu-runs/default.cfg" > "$work/default.cfg"
	"$root/tools/mkiso.sh" "$root/build/fallow.elf" "$work/default.cfg" "$work/fallow.iso"
	cat > "$work/bochsrc" <<RC
megs: $mem
cpu: model=corei7_skylake_x, count=1, ips=200000000
romimage: file=/usr/share/bochs/BIOS-bochs-latest
vgaromimage: file=/usr/share/vgabios/vgabios.bin
ata0-master: type=cdrom, path=$work/fallow.iso, status=inserted
boot: cdrom
com1: enabled=1, mode=file, dev=$work/com1.out
display_library: term
log: $work/bochs.log
panic: action=fatal
clock: sync=none, time0=1
port_e9_hack: enabled=1
RC
	echo c > "$work/cont.rc"
	# Bochs exits through its panic path when Fallow powers off: that is
	# the normal end, so its status is not Fallow's.
	cd "$work" && script -qec "bochs -q -f bochsrc -rc cont.rc" /dev/null </dev/null | \
		sed -u 's/\x1b\[[0-9;?]*[A-Za-z]//g; s/\r//g' || true ;;
*)
	echo "run: FALLOW_EMU must be kvm, bochs or qemu" >&2; exit 2 ;;
esac
