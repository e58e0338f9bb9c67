# test_elf (make unit) loads a real ELF image as well as hand-made ones:
# tests/unit/elf/guest.c linked by the host compiler with the guest
# linker script, its path passed in FALLOW_TEST_ELF.
UNIT_ELF := $(HOST)/elf/guest.elf
UNIT_ELF_FLAGS := -std=c11 -O2 -ffreestanding -fno-builtin -fno-pie -fno-stack-protector \
	-fno-asynchronous-unwind-tables -nostdlib -static -no-pie -z max-page-size=0x1000 \
	-Wl,--build-id=none -T guest-abi/guest.ld

$(UNIT_ELF): tests/unit/elf/guest.c guest-abi/guest.ld $(BUILD)/flags/host
	@mkdir -p $(dir $@)
	$(HOST_CC) $(UNIT_ELF_FLAGS) -o $@ $<

UNIT_ENV += FALLOW_TEST_ELF=$(UNIT_ELF)
unit: $(UNIT_ELF)
