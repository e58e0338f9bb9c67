# Disk images (tools/mkimage.py; format in guest-abi/ABI.md, "Disk image
# format"), built under build/images/NAME.img, where tools/mkiso.sh finds
# the `module2 /boot/images/NAME.img image=NAME` lines of a scenario.
#
#   disktest.img  64 small files (~0.4 MiB): the disk-* boot scenarios
#   src.img       a 1024-file source tree (~12 MiB): `make images`
#   linuxtree.img 48 files (~1 MiB) padded to 4 MiB, the Linux guest's
#                 disk (linux-* scenarios); its manifest is in the initramfs
#   linuxfs.img   an ext2 file system (mke2fs -d, no root) of 200 files
#                 (~57 MiB) in 64 MiB, linux-cleancache's disk; its
#                 manifest (md5sum -c) is in the initramfs
#   linuxbuild.img an ext2 root of Linux 6.1's host programs' sources, tcc,
#                 make, busybox and glibc (~9 MiB, tools/mkbuildtree.py) in
#                 64 MiB: the Linux guests' build workload (scripts/linux-build,
#                 make experiment-linux); room for objects and a swap file.
#                 Not in `images`: it needs the linux deps (the kernel's
#                 tarball, tcc), so the experiment targets ask for it
#   linuxfs4.img  an ext4 file system (mke2fs -t ext4 -d) of linuxfs's first
#                 directory (25 files, ~7 MiB) in 16 MiB,
#                 linux-cleancache-ext4's disk (the same manifest)
#
# Other sizes: tools/mkimage.py OUT.img --files N --max-bytes N ... (the
# experiment's presets call it with their own).

IMAGE_DIR := $(BUILD)/images
IMAGES := $(IMAGE_DIR)/disktest.img $(IMAGE_DIR)/src.img $(IMAGE_DIR)/linuxtree.img \
	$(IMAGE_DIR)/linuxfs.img $(IMAGE_DIR)/linuxfs4.img

IMAGE_ARGS_disktest := --files 64 --max-bytes 16384 --seed 1
IMAGE_ARGS_src := --files 1024 --max-bytes 65536 --seed 2
# The scratch space past the tree takes linux-boot's writes (from 2 MiB).
IMAGE_ARGS_linuxtree := --files 48 --max-bytes 131072 --seed 12 --size 4194304
# 4 KiB blocks, so each page is one block; 16384 of them: 64 MiB.
IMAGE_ARGS_linuxfs := --files 200 --dirs 8 --min-bytes 131072 --max-bytes 524288 --seed 13
LINUXFS_BLOCKS := 16384
LINUXFS4_DIR := d00
LINUXFS4_BLOCKS := 4096

.PHONY: images
images: $(IMAGES)

# The boot scenarios need them; `make` builds them with the guests.
all: images

$(IMAGE_DIR)/%.img: tools/mkimage.py mk/images.mk
	@mkdir -p $(dir $@)
	python3 tools/mkimage.py $@ $(IMAGE_ARGS_$*)

# The tree is written, packed by mke2fs -d and removed again.
$(IMAGE_DIR)/linuxfs.img: tools/mkimage.py mk/images.mk
	@mkdir -p $(dir $@)
	rm -rf $@.d
	python3 tools/mkimage.py $@.d --tree $(IMAGE_ARGS_linuxfs)
	PATH=$$PATH:/usr/sbin:/sbin mke2fs -q -F -t ext2 -b 4096 -N 256 -U clear \
		-E root_owner=0:0 -d $@.d $@.tmp $(LINUXFS_BLOCKS)
	rm -rf $@.d
	mv $@.tmp $@

# The same tree, all but its first directory removed, as ext4 (extents,
# a 4 MiB journal); linux-cleancache-ext4 reads it through ext4's own
# read path.
$(IMAGE_DIR)/linuxfs4.img: tools/mkimage.py mk/images.mk
	@mkdir -p $(dir $@)
	rm -rf $@.d
	python3 tools/mkimage.py $@.d --tree $(IMAGE_ARGS_linuxfs)
	find $@.d -mindepth 1 -maxdepth 1 ! -name $(LINUXFS4_DIR) -exec rm -rf {} +
	PATH=$$PATH:/usr/sbin:/sbin mke2fs -q -F -t ext4 -b 4096 -N 64 -U clear \
		-E root_owner=0:0 -d $@.d $@.tmp $(LINUXFS4_BLOCKS)
	rm -rf $@.d
	mv $@.tmp $@

# The sources come straight from Debian's tarball (only the directories
# the build needs), not from the kernel build's tree.
LINUX_TARBALL ?= /usr/src/linux-source-6.1.tar.xz
LINUXBUILD_PATHS := scripts include/linux/asn1.h include/linux/asn1_ber_bytecode.h \
	tools/include/tools
LINUXBUILD_BLOCKS := 16384

$(IMAGE_DIR)/linuxbuild.img: tools/mkbuildtree.py mk/images.mk | deps-linux
	@mkdir -p $(dir $@)
	rm -rf $@.src $@.d
	mkdir -p $@.src
	tar -xJf $(LINUX_TARBALL) -C $@.src --strip-components=1 \
		$(addprefix linux-source-6.1/,$(LINUXBUILD_PATHS))
	python3 tools/mkbuildtree.py $@.d --linux-src $@.src
	PATH=$$PATH:/usr/sbin:/sbin mke2fs -q -F -t ext2 -b 4096 -N 2048 -U clear \
		-E root_owner=0:0 -d $@.d $@.tmp $(LINUXBUILD_BLOCKS)
	rm -rf $@.src $@.d
	mv $@.tmp $@
