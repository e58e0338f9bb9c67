# Fallow's Linux guest (issue 12): Debian's linux-source-6.1 with Fallow's
# drivers and config (linux/), and a busybox initramfs.
#
#   make linux    build/linux/bzImage and build/linux/initramfs.cpio.gz
#
# linux/build.sh caches by a hash of its inputs (build/linux/KEY): a
# second `make linux` with nothing changed does nothing. `make test` boots
# the kernel bare under QEMU (linux-bare-check).

LINUX_OUT := $(BUILD)/linux
LINUX_BZIMAGE := $(LINUX_OUT)/bzImage
LINUX_INITRAMFS := $(LINUX_OUT)/initramfs.cpio.gz
LINUX_INITRAMFS_INPUTS := linux/mkinitramfs.sh $(shell find linux/initramfs -type f 2>/dev/null) \
	tools/mkimage.py mk/images.mk linux/user/vmcall.c linux/user/tsc.c guest-abi/fallow_abi.h \
	linux/user/memfill.c

.PHONY: linux linux-kernel linux-bare-check deps-linux
linux: linux-kernel $(LINUX_INITRAMFS)

deps-linux:
	@tools/deps.sh linux

# Always asked; build.sh itself decides there is nothing to do.
linux-kernel: | deps-linux
	linux/build.sh $(LINUX_OUT)

$(LINUX_INITRAMFS): $(LINUX_INITRAMFS_INPUTS) | deps-linux
	@mkdir -p $(dir $@)
	LINUXTREE_ARGS="$(IMAGE_ARGS_linuxtree)" LINUXFS_ARGS="$(IMAGE_ARGS_linuxfs)" \
		linux/mkinitramfs.sh $@

linux-bare-check: linux | deps-test
	tests/linux/bare-boot.sh $(LINUX_BZIMAGE) $(LINUX_INITRAMFS) $(LINUX_OUT)

TEST_EXTRA += linux-bare-check
