#!/bin/sh
# Boot Fallow's default scenario under the best emulator this machine has:
# QEMU with KVM where /dev/kvm offers VT-x, else Bochs (emulated VT-x),
# else QEMU without VT-x. Override with FALLOW_EMU=kvm|bochs|qemu.
#   tools/run.sh [ISO]   (default build/fallow.iso)
# The console is this terminal, both ways (under Bochs through
# tools/serial_bridge.py and a COM1 socket).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
iso=${1:-$root/build/fallow.iso}
iso=$(cd "$(dirname "$iso")" && pwd)/$(basename "$iso") # Bochs runs elsewhere
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
	echo "run: the console is interactive: type 'help' and Enter; Ctrl-] quits"
	work=$(mktemp -d)
	port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	# COM1 is a socket Bochs serves; tools/serial_bridge.py joins it to
	# this terminal both ways, so typed commands reach Fallow's console.
	cat > "$work/bochsrc" <<RC
megs: $mem
cpu: model=corei7_skylake_x, count=1, ips=200000000
romimage: file=/usr/share/bochs/BIOS-bochs-latest
vgaromimage: file=/usr/share/vgabios/vgabios.bin
ata0-master: type=cdrom, path=$iso, status=inserted
boot: cdrom
com1: enabled=1, mode=socket-server, dev=localhost:$port
display_library: term
log: $work/bochs.log
panic: action=fatal
clock: sync=none, time0=1
port_e9_hack: enabled=1
RC
	echo c > "$work/cont.rc"
	# Bochs's `term` display needs a pseudo-terminal (script) and would draw
	# over this one: its own output goes to a file. Its own process group,
	# so it can be stopped whole when the bridge ends first (Ctrl-]).
	(cd "$work" && exec setsid script -qec "bochs -q -f bochsrc -rc cont.rc" /dev/null \
		</dev/null >"$work/bochs.out" 2>&1) &
	bochs_pid=$!
	# script(1) runs Bochs in a session of its own: stop it by its pid too.
	trap 'for p in $(ps -o pid= --ppid "$bochs_pid" 2>/dev/null); do kill "$p" 2>/dev/null || true; done
		kill -- -"$bochs_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
	# Bochs exits through its panic path when Fallow powers off: that is
	# the normal end, so its status is not Fallow's.
	python3 "$root/tools/serial_bridge.py" --port "$port" --pid "$bochs_pid" || true ;;
*)
	echo "run: FALLOW_EMU must be kvm, bochs or qemu" >&2; exit 2 ;;
esac
