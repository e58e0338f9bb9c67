#!/bin/sh
# Boot Fallow's default scenario under the best emulator this machine has
# installed: QEMU with KVM where /dev/kvm offers VT-x, else Bochs (emulated
# VT-x), else QEMU without VT-x. Override with FALLOW_EMU=kvm|bochs|qemu.
#   tools/run.sh [ISO]   (default build/fallow.iso)
# The console is this terminal, both ways (under Bochs through
# tools/serial_bridge.py and a COM1 socket).
#
# The exit status is Fallow's, under every emulator:
#   0  Fallow powered off with success
#   1  Fallow powered off reporting failure
#   2  nothing was run: no such emulator installed, bad FALLOW_EMU, no ISO
#   3  the emulator ended without Fallow's status (it died, or was quit)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
iso=${1:-$root/build/fallow.iso}
mem=${FALLOW_MEM:-512}

EXIT_FAILURE=1
EXIT_NOT_RUN=2
EXIT_NO_STATUS=3

BOCHS_BIOS=/usr/share/bochs/BIOS-bochs-latest
BOCHS_VGABIOS=/usr/share/vgabios/vgabios.bin
BOCHS_TERM=/usr/lib/x86_64-linux-gnu/bochs/plugins/libbx_term_gui.so

have() { command -v "$1" >/dev/null 2>&1; }

# The Debian packages each emulator lacks here (empty: it is ready).
qemu_missing() {
	have qemu-system-x86_64 || echo qemu-system-x86
}
bochs_missing() {
	m=""
	have bochs || m="$m bochs"
	[ -e "$BOCHS_BIOS" ] || m="$m bochsbios"
	[ -e "$BOCHS_VGABIOS" ] || m="$m vgabios"
	[ -e "$BOCHS_TERM" ] || m="$m bochs-term"
	have script || m="$m bsdutils"
	have python3 || m="$m python3"
	have ps || m="$m procps"
	echo "${m# }"
}

has_kvm_vmx() {
	[ -r /dev/kvm ] && [ -w /dev/kvm ] && grep -qw vmx /proc/cpuinfo
}

not_run() { # message...
	echo "run: $*" >&2
	exit $EXIT_NOT_RUN
}
need_packages() { # what-is-missing packages...
	what=$1
	shift
	not_run "$what: install with" \
		"'sudo apt-get install -y $*' (or run 'make deps' as root)"
}

emu=${FALLOW_EMU:-}
if [ -z "$emu" ]; then
	if has_kvm_vmx && [ -z "$(qemu_missing)" ]; then emu=kvm
	elif [ -z "$(bochs_missing)" ]; then emu=bochs
	elif [ -z "$(qemu_missing)" ]; then emu=qemu
	else
		# shellcheck disable=SC2046
		need_packages "no emulator is installed" $(qemu_missing) $(bochs_missing)
	fi
fi
case $emu in
kvm)
	has_kvm_vmx || not_run "FALLOW_EMU=kvm needs /dev/kvm (read-write) on a CPU with VMX"
	[ -z "$(qemu_missing)" ] || need_packages "QEMU is not installed" "$(qemu_missing)" ;;
qemu)
	[ -z "$(qemu_missing)" ] || need_packages "QEMU is not installed" "$(qemu_missing)" ;;
bochs)
	[ -z "$(bochs_missing)" ] ||
		need_packages "Bochs, or a part it needs, is not installed" "$(bochs_missing)" ;;
*)
	not_run "FALLOW_EMU must be kvm, bochs or qemu" ;;
esac

[ -f "$iso" ] || not_run "no ISO at $iso (run 'make' first)"
iso=$(cd "$(dirname "$iso")" && pwd)/$(basename "$iso") # Bochs runs elsewhere

qemu="qemu-system-x86_64 -m $mem -display none -serial stdio -monitor none -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04"

# isa-debug-exit makes QEMU exit (code << 1) | 1: Fallow writes 0x10 for
# success (33) and 0x11 for failure (35). Any other status, 0 included (a
# triple fault under -no-reboot), means Fallow never said.
qemu_status() {
	set +e
	"$@"
	st=$?
	set -e
	case $st in
	33) exit 0 ;;
	35) echo "run: Fallow powered off with failure" >&2; exit $EXIT_FAILURE ;;
	*) echo "run: QEMU ended with status $st, without Fallow's power-off status" >&2
	   exit $EXIT_NO_STATUS ;;
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
romimage: file=$BOCHS_BIOS, options=fastboot
vgaromimage: file=$BOCHS_VGABIOS
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
	bridge_pid=
	# script(1) runs Bochs in a session of its own: stop it by its pid too.
	# Then the bridge, which ends once Bochs has gone, puts the terminal
	# back before this script ends.
	trap 'for p in $(ps -o pid= --ppid "$bochs_pid" 2>/dev/null); do kill "$p" 2>/dev/null || true; done
		kill -- -"$bochs_pid" 2>/dev/null || true
		[ -z "$bridge_pid" ] || wait "$bridge_pid" 2>/dev/null || true
		rm -rf "$work"' EXIT
	# A signal ends the script through that EXIT trap too (sh runs no EXIT
	# trap on a signal it does not trap), status 128 + the signal's number.
	trap 'exit 129' HUP
	trap 'exit 130' INT
	trap 'exit 143' TERM
	# Bochs exits through its panic path when Fallow powers off, so its own
	# status says nothing: Fallow's is its power-off line on COM1, which
	# the bridge reads and returns (0, 1, or 3 when there was none). The
	# bridge runs in the background so that a signal to this script is
	# taken at once (`wait` returns for it; a command in the foreground
	# would be waited for first), with this terminal as its input.
	exec 3<&0
	python3 "$root/tools/serial_bridge.py" --port "$port" --pid "$bochs_pid" <&3 3<&- &
	bridge_pid=$!
	exec 3<&-
	set +e
	wait "$bridge_pid"
	st=$?
	set -e
	bridge_pid=
	case $st in
	0) ;;
	1) echo "run: Fallow powered off with failure" >&2 ;;
	*) echo "run: no power-off status from Fallow (Bochs died, or the console was quit first);" \
		"Bochs's last log lines:" >&2
	   tail -n 5 "$work/bochs.log" >&2 2>/dev/null || true
	   st=$EXIT_NO_STATUS ;;
	esac
	exit $st ;;
esac
