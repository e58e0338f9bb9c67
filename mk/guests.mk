# The guests Fallow ships: build/guests/NAME.elf for each
# guest-abi/guests/NAME.c, linked with the guest runtime (guest-abi/rt/)
# and lib/fmt.c (arch-free, shared with the hypervisor) at the fixed
# guest-physical address in guest-abi/guest.ld.

GUEST_DIR := $(BUILD)/guests
GUEST_OBJ := $(GUEST_DIR)/obj
GUEST_CC := gcc
GUEST_CFLAGS := -std=c11 -O2 -g -ffreestanding -fno-builtin -nostdlib \
	-mno-red-zone -mgeneral-regs-only -mcmodel=small -fno-pie -fno-pic \
	-fno-stack-protector -fno-omit-frame-pointer \
	-fno-asynchronous-unwind-tables \
	-Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-I. -DFALLOW_GUEST=1
GUEST_LDFLAGS := -nostdlib -static -no-pie -z max-page-size=0x1000 \
	-Wl,--build-id=none -T guest-abi/guest.ld

GUEST_RT_SRCS := $(sort $(wildcard guest-abi/rt/*.c guest-abi/rt/*.S)) lib/fmt.c lib/uuid.c \
	arch/x86_64/string.c
GUEST_RT_OBJS := $(patsubst %,$(GUEST_OBJ)/%.o,$(GUEST_RT_SRCS))
GUEST_NAMES := $(patsubst guest-abi/guests/%.c,%,$(sort $(wildcard guest-abi/guests/*.c)))
GUEST_ELFS := $(patsubst %,$(GUEST_DIR)/%.elf,$(GUEST_NAMES))

.PHONY: guests
guests: $(GUEST_ELFS)

# Keep the objects: they are intermediate only to make.
.SECONDARY: $(GUEST_RT_OBJS) $(patsubst %,$(GUEST_OBJ)/guest-abi/guests/%.c.o,$(GUEST_NAMES))

# `make` (all) builds the guests too: scenarios and the ISO need them.
all: guests
$(BUILD)/fallow.iso: $(GUEST_ELFS)

# Each object depends on the flags stamp (Makefile, "Flags stamps").
FLAG_SETS += guest
FLAGS_guest = $(GUEST_CC) $(GUEST_CFLAGS) | $(GUEST_LDFLAGS)

$(GUEST_OBJ)/%.c.o: %.c $(BUILD)/flags/guest
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(GUEST_CFLAGS) -MMD -MP -c $< -o $@

$(GUEST_OBJ)/%.S.o: %.S $(BUILD)/flags/guest
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(GUEST_CFLAGS) -D__ASSEMBLY__ -MMD -MP -c $< -o $@

$(GUEST_DIR)/%.elf: $(GUEST_OBJ)/guest-abi/guests/%.c.o $(GUEST_RT_OBJS) guest-abi/guest.ld \
		$(BUILD)/flags/guest
	$(GUEST_CC) $(GUEST_LDFLAGS) -o $@ $< $(GUEST_RT_OBJS) -lgcc

-include $(patsubst %,$(GUEST_OBJ)/%.d,$(GUEST_RT_SRCS)) \
	$(patsubst %,$(GUEST_OBJ)/guest-abi/guests/%.c.d,$(GUEST_NAMES))
