#!/bin/sh
# Build a GRUB rescue ISO that boots Fallow.
#   tools/mkiso.sh KERNEL.elf FRAGMENT.cfg OUT.iso
# FRAGMENT holds the body of the boot entry: one `multiboot2 /boot/fallow.elf
# OPTIONS` line and any `module2 /boot/guests/NAME.elf OPTIONS` lines (or,
# to boot the Linux guest kernel bare, `linux` and `initrd` lines). Every
# /boot/guests/NAME.elf it names is copied from guests/ beside KERNEL, and
# every disk image `module2 /boot/images/NAME.img image=NAME` from images/
# beside KERNEL (mk/images.mk builds them there), and every
# /boot/linux/NAME (the Linux guest's bzImage, initramfs) from linux/
# beside KERNEL (`make linux`).
set -eu
[ $# -eq 3 ] || { echo "usage: $0 KERNEL.elf FRAGMENT.cfg OUT.iso" >&2; exit 2; }
kernel=$1 frag=$2 out=$3
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
iso=$dir/iso
mkdir -p "$iso/boot/grub" "$iso/boot/guests" "$iso/boot/images" "$iso/boot/linux"
cp "$kernel" "$iso/boot/fallow.elf"
for g in $(sed -n 's|^[[:space:]]*module2[[:space:]]\{1,\}/boot/guests/\([^[:space:]]*\).*|\1|p' "$frag" | sort -u); do
	src=$(dirname "$kernel")/guests/$g
	[ -f "$src" ] || { echo "mkiso: $frag names /boot/guests/$g but $src does not exist" >&2; exit 1; }
	cp "$src" "$iso/boot/guests/$g"
done
for i in $(sed -n 's|^[[:space:]]*module2[[:space:]]\{1,\}/boot/images/\([^[:space:]]*\).*|\1|p' "$frag" | sort -u); do
	src=$(dirname "$kernel")/images/$i
	[ -f "$src" ] || { echo "mkiso: $frag names /boot/images/$i but $src does not exist" >&2; exit 1; }
	cp "$src" "$iso/boot/images/$i"
done
# (GRUB unpacks a gzip module unless told `module2 --nounzip`: an initramfs
# wants it. `linux` and `initrd` lines boot the kernel bare, without Fallow:
# make bench-linux.)
for l in $(sed -n 's#^[[:space:]]*\(module2\|linux\|initrd\)[[:space:]]\{1,\}\(--nounzip[[:space:]]\{1,\}\)\{0,1\}/boot/linux/\([^[:space:]]*\).*#\3#p' "$frag" | sort -u); do
	src=$(dirname "$kernel")/linux/$l
	[ -f "$src" ] || { echo "mkiso: $frag names /boot/linux/$l but $src does not exist (make linux)" >&2; exit 1; }
	cp "$src" "$iso/boot/linux/$l"
done
{
	echo 'serial --unit=0 --speed=115200'
	echo 'terminal_input serial'
	echo 'terminal_output serial'
	echo 'set timeout=0'
	echo 'menuentry "Fallow" {'
	grep -v '^[[:space:]]*#' "$frag" | sed '/^[[:space:]]*$/d; s/^/\t/'
	echo '	boot'
	echo '}'
} > "$iso/boot/grub/grub.cfg"
mkdir -p "$(dirname "$out")"
grub-mkrescue -o "$out" "$iso" >"$dir/mkrescue.log" 2>&1 || { cat "$dir/mkrescue.log" >&2; exit 1; }
