# The Linux loader (guest/load/) against the real kernel:
#   - test_bzimage (make unit) parses and loads build/linux/bzImage, so
#     `unit` depends on `linux` and passes the paths;
#   - make loader-boot-check: the loader's plan, written into QEMU's RAM
#     by tests/loader-boot/ (a host tool over the same loader code and a
#     64 KiB boot ROM that enters the 64-bit entry as the plan says),
#     boots the kernel with fallow.fake=1 under QEMU TCG: no Fallow, no
#     firmware, nothing but the plan between reset and Linux.

UNIT_ENV += FALLOW_TEST_BZIMAGE=$(LINUX_BZIMAGE) FALLOW_TEST_INITRAMFS=$(LINUX_INITRAMFS)
unit: linux

LOADER_BOOT := $(BUILD)/loader-boot
LOADER_BOOT_TOOL := $(HOST)/tools/loader-plan
LOADER_BOOT_ROM := $(LOADER_BOOT)/rom.bin

$(LOADER_BOOT_TOOL): tests/loader-boot/loader-plan.c $(HOST_LIB) $(BUILD)/flags/host | deps-test
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -o $@ $< $(HOST_LIB)

# The ROM is linked at 0xf0000, where a PC maps the BIOS's last 64 KiB
# below 1 MiB; its reset vector sits at offset 0xfff0 as on any PC.
$(LOADER_BOOT_ROM): tests/loader-boot/rom.S tests/loader-boot/rom.h $(BUILD)/flags/host
	@mkdir -p $(dir $@)
	$(HOST_CC) -I. -c -o $(LOADER_BOOT)/rom.o $<
	ld -m elf_x86_64 -nostdlib -Ttext=0xf0000 --oformat=binary -o $@ $(LOADER_BOOT)/rom.o
	@[ "$$(stat -c %s $@)" = 65536 ] || { echo "$@: not 64 KiB"; exit 1; }

.PHONY: loader-boot-check
loader-boot-check: linux $(LOADER_BOOT_TOOL) $(LOADER_BOOT_ROM) | deps-test
	tests/loader-boot/boot.sh $(LOADER_BOOT_TOOL) $(LOADER_BOOT_ROM) \
		$(LINUX_BZIMAGE) $(LINUX_INITRAMFS) $(LOADER_BOOT)

TEST_EXTRA += loader-boot-check

# The linux-* boot scenarios (kind=linux guests under Fallow) boot
# build/linux/ (tools/mkiso.sh copies /boot/linux/NAME from there) and
# copies of the bzImage broken one way each, in build/images/ where it
# finds /boot/images/NAME. Remade on every run: a copy and two bytes.
LINUX_BAD_IMAGES := $(IMAGE_DIR)/linux-old-protocol.bzImage

# boot protocol 2.11: the version field at 0x206 (Documentation/x86/boot.rst)
$(IMAGE_DIR)/linux-old-protocol.bzImage: linux
	@mkdir -p $(dir $@)
	cp $(LINUX_BZIMAGE) $@.tmp
	printf '\013\002' | dd of=$@.tmp bs=1 seek=$$((0x206)) conv=notrunc status=none
	mv $@.tmp $@

boot-tests: linux $(LINUX_BAD_IMAGES)
