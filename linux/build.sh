#!/bin/sh
# Builds Fallow's Linux guest kernel: OUT/bzImage (and OUT/config, the
# .config it was built with) from Debian's linux-source-6.1 with Fallow's
# drivers (linux/drivers, linux/include), the patch series
# (linux/patches/*.patch) and linux/config.fragment over tinyconfig.
#   linux/build.sh OUT        (make linux: OUT = build/linux)
#
# Cached: OUT/KEY is a hash of the source package version and every input
# file (this script included). Same key and an OUT/bzImage: nothing to
# do. Otherwise the extracted tree OUT/src is reused when the source
# version is unchanged (the series it carries is reversed and the new one
# applied) and kbuild rebuilds in OUT/obj only what changed.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
out=$(realpath -m "${1:?usage: linux/build.sh OUT}")
tarball=${LINUX_TARBALL:-/usr/src/linux-source-6.1.tar.xz}
jobs=${LINUX_JOBS:-$(nproc)}

[ -r "$tarball" ] || { echo "linux: $tarball missing (tools/deps.sh linux)" >&2; exit 1; }
srcver=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null ||
	stat -c '%s-%Y' "$tarball")

inputs() {
	cd "$root"
	find linux/build.sh linux/config.fragment linux/patches linux/drivers \
		linux/include guest-abi/fallow_abi.h -type f | LC_ALL=C sort
}
key=$({ echo "source $(basename "$tarball") $srcver"
	inputs | while read -r f; do sha256sum "$root/$f" | sed "s|  .*|  $f|"; done
} | sha256sum | cut -c1-16)

if [ -f "$out/bzImage" ] && [ "$(cat "$out/KEY" 2>/dev/null)" = "$key" ]; then
	echo "linux: $out/bzImage up to date (key $key)"
	exit 0
fi
start=$(date +%s)
mkdir -p "$out"
rm -f "$out/KEY"

# ------------------------------------------------------------ source tree
src=$out/src
if [ "$(cat "$src/.fallow-source" 2>/dev/null)" != "$srcver" ]; then
	echo "linux: extracting $tarball ($srcver)"
	rm -rf "$src" "$out/obj" "$out/extract"
	mkdir -p "$out/extract"
	tar -xf "$tarball" -C "$out/extract"
	mv "$out/extract"/linux-source-* "$src"
	rmdir "$out/extract"
	echo "$srcver" > "$src/.fallow-source"
fi

# The series applied last time: when it is the one here, the tree stays
# as it is (applying it again would touch every patched file, and a
# patched header such as include/linux/fs.h makes kbuild rebuild most of
# the tree); otherwise it is reversed newest first and this one applied.
applied=$src/.fallow-patches
series_applied() {
	[ -d "$applied" ] || return 1
	old=$(cd "$applied" && ls -- *.patch 2>/dev/null | LC_ALL=C sort)
	new=$(cd "$here/patches" && ls -- *.patch 2>/dev/null | LC_ALL=C sort)
	[ "$old" = "$new" ] || return 1
	for p in $new; do cmp -s "$applied/$p" "$here/patches/$p" || return 1; done
}
if series_applied; then
	echo "linux: patch series already applied"
else
	if [ -d "$applied" ]; then
		for p in $(ls "$applied"/*.patch 2>/dev/null | LC_ALL=C sort -r); do
			patch -d "$src" -p1 -R -s -f --no-backup-if-mismatch < "$p" ||
				{ echo "linux: cannot reverse $(basename "$p"); rm -rf $src to start over" >&2; exit 1; }
		done
		rm -rf "$applied"
	fi
	mkdir -p "$applied"
	for p in $(ls "$here"/patches/*.patch 2>/dev/null | LC_ALL=C sort); do
		echo "linux: applying $(basename "$p")"
		patch -d "$src" -p1 -s -f --no-backup-if-mismatch < "$p"
		cp "$p" "$applied/"
	done
fi

# Fallow's own files, copied whole; the ABI header is the project's, with
# its one libc include swapped for the kernel's types.
rm -rf "$src/drivers/fallow" "$src/include/fallow"
cp -r "$here/drivers/fallow" "$src/drivers/fallow"
cp -r "$here/include/fallow" "$src/include/fallow"
abi=$src/include/fallow/fallow_abi.h
sed 's|^#include <stdint.h>$|#include <linux/types.h> /* stdint types, in-kernel */|' \
	"$root/guest-abi/fallow_abi.h" > "$abi"
[ "$(grep -c '^#include' "$abi")" = 1 ] && grep -q '^#include <linux/types.h>' "$abi" ||
	{ echo "linux: guest-abi/fallow_abi.h includes more than <stdint.h>: adapt build.sh" >&2; exit 1; }

# ------------------------------------------------------------ config
obj=$out/obj
mkdir -p "$obj"
kmake() { make -s -C "$src" O="$obj" ARCH=x86_64 "$@"; }
log=$out/config.log
: > "$log"
logged() { "$@" >>"$log" 2>&1 || { cat "$log" >&2; echo "linux: config step failed: $*" >&2; exit 1; }; }
logged kmake tinyconfig
logged sh -c 'cd "$1" && "$2/scripts/kconfig/merge_config.sh" -m -O "$1" .config "$3"' \
	sh "$obj" "$src" "$here/config.fragment"
logged kmake olddefconfig
bad=0
while read -r line; do
	case "$line" in
	CONFIG_*=*) grep -qx "$line" "$obj/.config" || { echo "linux: config: $line did not stick" >&2; bad=1; } ;;
	"# CONFIG_"*" is not set")
		sym=${line#\# }; sym=${sym%% *}
		! grep -q "^$sym=" "$obj/.config" || { echo "linux: config: $sym should be off" >&2; bad=1; } ;;
	esac
done < "$here/config.fragment"
[ "$bad" = 0 ] || exit 1

# ------------------------------------------------------------ build
echo "linux: building bzImage (-j$jobs)"
kmake -j"$jobs" bzImage
cp "$obj/arch/x86/boot/bzImage" "$out/bzImage"
cp "$obj/.config" "$out/config"
echo "$key" > "$out/KEY"
echo "linux: $out/bzImage $(stat -c %s "$out/bzImage") bytes, built in $(( $(date +%s) - start )) s (key $key)"
