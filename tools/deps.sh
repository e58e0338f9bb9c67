#!/bin/sh
# Make sure the Debian packages a step needs are present.
#   tools/deps.sh build|test|run|linux|all
# (run: both emulators, their BIOS images, Bochs's term display, and what
# tools/run.sh drives Bochs with: python3, script, ps.)
# As root with apt-get available, missing packages are installed
# (apt-get update first); otherwise they are named and the step fails.
set -e

need() { # command package
	command -v "$1" >/dev/null 2>&1 || missing="$missing $2"
}
need_file() { # path package
	[ -e "$1" ] || missing="$missing $2"
}

missing=""
case "${1:-all}" in
build)
	need gcc gcc; need grub-mkrescue grub-common; need xorriso xorriso
	need mformat mtools; need_file /usr/lib/grub/i386-pc grub-pc-bin ;;
test|all|run)
	need gcc gcc; need grub-mkrescue grub-common; need xorriso xorriso
	need mformat mtools; need_file /usr/lib/grub/i386-pc grub-pc-bin
	need qemu-system-x86_64 qemu-system-x86; need bochs bochs
	need_file /usr/share/bochs/BIOS-bochs-latest bochsbios
	need_file /usr/share/vgabios/vgabios.bin vgabios
	need_file /usr/lib/x86_64-linux-gnu/bochs/plugins/libbx_term_gui.so bochs-term
	need python3 python3; need script bsdutils; need ps procps ;;
esac
case "${1:-all}" in
test|all)
	need_file /usr/include/stdio.h libc6-dev
	need_file /usr/include/cmocka.h libcmocka-dev
	need_file /usr/include/lz4.h liblz4-dev
	need clang clang
	ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1 ||
		missing="$missing libclang-rt-14-dev" ;;
esac
case "${1:-all}" in
linux|test|all) # the Linux guest kernel and initramfs (linux/)
	need_file /usr/src/linux-source-6.1.tar.xz linux-source-6.1; need_file /bin/busybox busybox-static
	need make make; need flex flex; need bison bison; need bc bc; need_file /usr/include/libelf.h libelf-dev
	need xz xz-utils; need patch patch; need cpio cpio; need_file /usr/sbin/mke2fs e2fsprogs
	need tcc tcc ;; # the compiler inside the Linux guests' build workload (tools/mkbuildtree.py)
esac
case "${1:-all}" in
test|all) /usr/bin/python3 -c 'import matplotlib' 2>/dev/null || missing="$missing python3-matplotlib" ;;
esac

[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "deps: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >/dev/null
	# shellcheck disable=SC2086
	apt-get install -y -q --no-install-recommends $missing >/dev/null
	exit 0
fi
echo "deps: missing Debian packages:$missing" >&2
echo "deps: install them with: sudo apt-get update && sudo apt-get install -y$missing" >&2
exit 1
