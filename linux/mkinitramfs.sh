#!/bin/sh
# Builds Fallow's Linux guest initramfs (gzip'd cpio newc, no root needed):
# Debian's static busybox with its applets linked in /bin, linux/initramfs
# (/init, /scripts/*, /testdata/*) and generated test data: for the bare
# self-test a file and an ext2 image with their md5 sums, for the Fallow
# self-test the disk image's manifest and the floating-point answer.
#   linux/mkinitramfs.sh OUT.cpio.gz
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=$(realpath -m "${1:?usage: linux/mkinitramfs.sh OUT.cpio.gz}")
busybox=${BUSYBOX:-/bin/busybox}
PATH=$PATH:/usr/sbin:/sbin # mke2fs

[ -x "$busybox" ] || { echo "initramfs: $busybox missing (tools/deps.sh linux)" >&2; exit 1; }
if readelf -l "$busybox" | grep -q INTERP; then
	echo "initramfs: $busybox is dynamically linked: install busybox-static" >&2; exit 1
fi
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
mkdir -p "$d/bin" "$d/proc" "$d/sys" "$d/dev" "$d/tmp" "$d/testdata"
cp "$busybox" "$d/bin/busybox"
for a in $("$busybox" --list); do
	[ "$a" = busybox ] || ln -s busybox "$d/bin/$a"
done
ln -s bin "$d/sbin"
cp -r "$here/initramfs/." "$d/"
chmod +x "$d/init" "$d"/scripts/*

# Test data, the same bytes every build: a file and an ext2 image holding
# a directory of files (mke2fs -d, no root or loop mount needed).
t=$d/testdata
i=0
while [ $i -lt 4096 ]; do echo "fallow line $i $((i * 2654435761 % 4294967296))"; i=$((i + 1)); done > "$t/data.txt"
(cd "$t" && md5sum data.txt > data.md5)
mkdir "$d/fsroot"
for n in 1 2 3; do
	head -c $((n * 3000)) "$t/data.txt" > "$d/fsroot/file$n"
done
(cd "$d/fsroot" && md5sum file1 file2 file3 > "$t/fs.md5")
mke2fs -q -F -t ext2 -b 1024 -N 64 -U clear -E root_owner=0:0 \
	-d "$d/fsroot" "$t/fs.img" 1024 >/dev/null
rm -rf "$d/fsroot"

# What the Fallow self-test (scripts/linux-boot) checks against: the
# manifest of the linuxtree disk image (the same mkimage.py arguments as
# mk/images.mk, passed in LINUXTREE_ARGS) and its size in sectors, and the
# floating-point answer of testdata/fp.awk from this very busybox.
: "${LINUXTREE_ARGS:?set by mk/linux.mk from mk/images.mk}"
# shellcheck disable=SC2086 # the arguments are words
python3 "$here/../tools/mkimage.py" "$d/linuxtree.img" $LINUXTREE_ARGS \
	--manifest "$t/linuxtree.manifest" >/dev/null
echo $(($(stat -c %s "$d/linuxtree.img") / 512)) > "$t/linuxtree.sectors"
rm "$d/linuxtree.img"
"$busybox" awk -f "$t/fp.awk" > "$t/fp.expected"

# linux-cleancache's ext2 disk (mk/images.mk, LINUXFS_ARGS): its md5sum -c
# manifest, computed again here, not the files.
: "${LINUXFS_ARGS:?set by mk/linux.mk from mk/images.mk}"
# shellcheck disable=SC2086 # the arguments are words
python3 "$here/../tools/mkimage.py" - --tree $LINUXFS_ARGS \
	--manifest "$t/linuxfs.md5" >/dev/null

# Static user tools without libc: a process that tries a hypercall
# (linux/user/vmcall.c), the TSC printer /init runs (linux/user/tsc.c) and
# a process that fills and checks more memory than RAM (memfill.c).
for tool in vmcall tsc memfill; do
	${CC:-gcc} -std=c11 -O2 -Wall -Wextra -Werror -ffreestanding -fno-stack-protector \
		-nostdlib -static -no-pie -Wl,--build-id=none -I"$here/.." \
		-o "$d/bin/fallow-$tool" "$here/user/$tool.c"
done

(cd "$d" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0 | gzip -9n > "$out.tmp")
mv "$out.tmp" "$out"
echo "initramfs: $out $(stat -c %s "$out") bytes"
