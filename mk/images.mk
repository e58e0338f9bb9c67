# Disk images (tools/mkimage.py; format in guest-abi/ABI.md, "Disk image
# format"), built under build/images/NAME.img, where tools/mkiso.sh finds
# the `module2 /boot/images/NAME.img image=NAME` lines of a scenario.
#
#   disktest.img  64 small files (~0.4 MiB): the disk-* boot scenarios
#   src.img       a 1024-file source tree (~12 MiB): `make images`
#   linuxtree.img 48 files (~1 MiB) padded to 4 MiB, the Linux guest's
#                 disk (linux-* scenarios); its manifest is in the initramfs
#
# Other sizes: tools/mkimage.py OUT.img --files N --max-bytes N ... (the
# experiment's presets call it with their own).

IMAGE_DIR := $(BUILD)/images
IMAGES := $(IMAGE_DIR)/disktest.img $(IMAGE_DIR)/src.img $(IMAGE_DIR)/linuxtree.img

IMAGE_ARGS_disktest := --files 64 --max-bytes 16384 --seed 1
IMAGE_ARGS_src := --files 1024 --max-bytes 65536 --seed 2
# The scratch space past the tree takes linux-boot's writes (from 2 MiB).
IMAGE_ARGS_linuxtree := --files 48 --max-bytes 131072 --seed 12 --size 4194304

.PHONY: images
images: $(IMAGES)

# The boot scenarios need them; `make` builds them with the guests.
all: images

$(IMAGE_DIR)/%.img: tools/mkimage.py mk/images.mk
	@mkdir -p $(dir $@)
	python3 tools/mkimage.py $@ $(IMAGE_ARGS_$*)
