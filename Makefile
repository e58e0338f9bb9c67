# Fallow build. `make` builds the hypervisor ELF and the default ISO,
# `make test` runs host unit tests and boot scenarios, `make run` boots the
# default scenario under the best emulator available.

VERSION := 0.1.0
BUILD := build
# DEBUG=1 (the default, and what `make test` runs) checks the memory
# invariant and every guest's page charge after each hypercall; DEBUG=0
# leaves the checks out for timing runs.
DEBUG ?= 1
HOST := $(BUILD)/host

.DEFAULT_GOAL := all
.PHONY: all run test unit boot-tests deps deps-build deps-test clean bench fuzz iso

# ---------------------------------------------------------------- hypervisor
HV_CC := gcc
HV_CFLAGS := -std=c11 -O2 -g -ffreestanding -fno-builtin -nostdlib \
	-mno-red-zone -mno-mmx -mno-sse -mno-sse2 -mno-avx -mgeneral-regs-only \
	-mcmodel=small -fno-pie -fno-pic -fno-stack-protector \
	-fno-omit-frame-pointer -fno-asynchronous-unwind-tables \
	-Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-I. -DFALLOW_VERSION='"$(VERSION)"' -DFALLOW_HYPERVISOR=1 -DFALLOW_DEBUG=$(DEBUG)
# $(BUILD)/gen holds headers generated from C for the assembly files
# (asm-offsets.h, below).
GEN := $(BUILD)/gen
HV_ASFLAGS := -g -I. -I$(GEN) -D__ASSEMBLY__
HV_LDFLAGS := -nostdlib -static -z max-page-size=0x1000 -no-pie -T linker.ld

# vmx/asm-offsets.c is never linked: it only feeds asm-offsets.h (below).
HV_SRCS := $(sort $(filter-out vmx/asm-offsets.c,$(wildcard boot/*.S boot/*.c \
	arch/x86_64/*.S arch/x86_64/*.c vmx/*.S vmx/*.c vcpu/*.c dev/*.c dev/disk/*.c \
	guest/*.c guest/load/*.c hcall/*.c ctl/*.c sched/*.c mm/*.c tmem/*.c lib/*.c)))
HV_OBJS := $(patsubst %,$(BUILD)/hv/%.o,$(HV_SRCS))

all: $(BUILD)/fallow.elf $(BUILD)/fallow.iso

# Every object also depends on the stamp of the flags that build it
# (see "Flags stamps" below), so a flag change rebuilds them.
$(BUILD)/hv/%.c.o: %.c $(BUILD)/flags/hv
	@mkdir -p $(dir $@)
	$(HV_CC) $(HV_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/hv/%.S.o: %.S $(BUILD)/flags/hv
	@mkdir -p $(dir $@)
	$(HV_CC) $(HV_ASFLAGS) -MMD -MP -c $< -o $@

# Offsets and constants vmx/entry.S takes from C (struct vmx_vcpu, the
# HOST_RSP encoding): vmx/asm-offsets.c compiled to assembly, each
# `.ascii "->NAME VALUE"` line of it turned into `#define NAME VALUE`.
$(GEN)/asm-offsets.s: vmx/asm-offsets.c $(BUILD)/flags/hv
	@mkdir -p $(dir $@)
	$(HV_CC) $(HV_CFLAGS) -MMD -MP -MT $@ -S $< -o $@

$(GEN)/asm-offsets.h: $(GEN)/asm-offsets.s
	{ echo '/* Generated from vmx/asm-offsets.c by the Makefile: do not edit. */'; \
	  sed -n 's/^[[:space:]]*\.ascii[[:space:]]*"->\([A-Za-z0-9_]*\) \(-\{0,1\}[0-9]*\)".*/#define \1 \2/p' $<; \
	} > $@.tmp && mv $@.tmp $@

$(BUILD)/hv/vmx/entry.S.o: $(GEN)/asm-offsets.h

$(BUILD)/fallow.elf: $(HV_OBJS) linker.ld $(BUILD)/flags/hv
	$(HV_CC) $(HV_LDFLAGS) -o $@ $(HV_OBJS) -lgcc
	@grub-file --is-x86-multiboot2 $@ 2>/dev/null || \
		{ command -v grub-file >/dev/null || exit 0; echo "$@: not a multiboot2 image"; exit 1; }

# The default scenario's ISO. tools/mkiso.sh turns a grub.cfg fragment
# (module lines and the kernel command line) into a bootable ISO.
DEFAULT_SCENARIO := tests/qemu-runs/default.cfg
$(BUILD)/fallow.iso: $(BUILD)/fallow.elf $(DEFAULT_SCENARIO) tools/mkiso.sh | deps-build
	tools/mkiso.sh $(BUILD)/fallow.elf $(DEFAULT_SCENARIO) $@

iso: $(BUILD)/fallow.iso

# What running needs is checked first, before the build: a machine that
# lacks an emulator learns it at once, not after the build.
run:
	@tools/deps.sh run
	@$(MAKE) --no-print-directory all
	tools/run.sh $(BUILD)/fallow.iso

# ---------------------------------------------------------------- host side
# Arch-free code (mm/, tmem/, lib/, guest/load/, guest/config.c, the vLAPIC, the disk's
# overlay, store and latency model) built for Linux with sanitizers, so the
# same files the hypervisor runs are unit-tested here.
HOST_CC := cc
HOST_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all
HOST_CFLAGS := -std=c11 -O1 -g -fno-omit-frame-pointer $(HOST_SAN) \
	-Wall -Wextra -Werror -Wshadow -I. -D_DEFAULT_SOURCE -DFALLOW_HOST=1 \
	-DFALLOW_VERSION='"$(VERSION)"'
HOST_LDLIBS := -lcmocka

HOST_LIB_SRCS := $(sort $(wildcard mm/*.c tmem/*.c lib/*.c guest/load/*.c guest/config.c \
	vcpu/cpuid_policy.c vcpu/cpuid_time.c vcpu/msr_table.c dev/lapic*.c) \
	dev/disk/overlay.c dev/disk/store.c dev/disk/model.c)
HOST_LIB_OBJS := $(patsubst %,$(HOST)/obj/%.o,$(HOST_LIB_SRCS))
HOST_LIB := $(HOST)/libfallow.a

# tests/unit/test_*.c each become one binary; tests/unit/support_*.c are
# linked into all of them (host "platform" pieces such as the phys arena).
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_SUPPORT := $(patsubst %,$(HOST)/obj/%.o,$(sort $(wildcard tests/unit/support_*.c)))
UNIT_BINS := $(patsubst tests/unit/%.c,$(HOST)/tests/%,$(UNIT_SRCS))

$(HOST)/obj/%.c.o: %.c $(BUILD)/flags/host
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -MMD -MP -c $< -o $@

$(HOST_LIB): $(HOST_LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

# Extra libraries a unit test needs are named in a comment in its source:
#   /* unit-ldlibs: -llz4 */
$(HOST)/tests/%: tests/unit/%.c $(HOST_LIB) $(UNIT_SUPPORT) $(BUILD)/flags/host
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -o $@ $< $(UNIT_SUPPORT) $(HOST_LIB) $(HOST_LDLIBS) \
		$$(sed -n 's|.*unit-ldlibs:\(.*\)\*/.*|\1|p' $<)

$(HOST_LIB_OBJS) $(UNIT_SUPPORT) $(UNIT_BINS): | deps-test

# The environment the unit binaries run in: fragments add what a test
# reads (mk/loader-boot.mk: the kernel test_bzimage loads) and make
# `unit` depend on what that needs.
UNIT_ENV :=
unit: $(UNIT_BINS)
	@fail=0; for t in $(UNIT_BINS); do \
		echo "== $$t"; env $(UNIT_ENV) $$t || fail=1; done; exit $$fail

boot-tests: all | deps-test
	python3 tests/qemu-runs/runner.py --build $(BUILD)

# Module fragments add targets of their own (fuzzers, benchmarks, host
# tools) and extend TEST_EXTRA with test steps that `make test` runs.
TEST_EXTRA :=
-include $(sort $(wildcard mk/*.mk))

test: unit $(TEST_EXTRA) boot-tests

# tools/deps.sh installs missing Debian packages when run as root with
# apt-get, and otherwise names them and stops.
deps:
	tools/deps.sh all

deps-build:
	@tools/deps.sh build

deps-test:
	@tools/deps.sh test

clean:
	rm -rf $(BUILD)

# ---------------------------------------------------------------- flags stamps
# $(BUILD)/flags/SET holds the compiler and flags that build the objects of
# SET (FLAGS_SET); every such object depends on it. It is rewritten while
# the Makefile is read, and only when its content would change, so
# `make DEBUG=0` after `make` rebuilds every object and a plain repeat
# rebuilds nothing. Fragments add sets with FLAG_SETS += NAME and FLAGS_NAME.
FLAG_SETS += hv host
FLAGS_hv = $(HV_CC) $(HV_CFLAGS) | $(HV_ASFLAGS) | $(HV_LDFLAGS)
FLAGS_host = $(HOST_CC) $(HOST_CFLAGS) | $(HOST_LDLIBS)

# The new text goes to SET.new and replaces SET only when cmp finds them
# different, so an unchanged stamp keeps its time.
update_flags = $(shell mkdir -p $(BUILD)/flags)$(file >$(BUILD)/flags/$1.new,$(FLAGS_$1))$(shell \
	cd $(BUILD)/flags && { cmp -s $1.new $1 && rm -f $1.new || mv -f $1.new $1; })
$(foreach set,$(FLAG_SETS),$(call update_flags,$(set)))

# Written again when removed during the run (`make clean all`).
$(patsubst %,$(BUILD)/flags/%,$(FLAG_SETS)):
	@:$(call update_flags,$(notdir $@))

-include $(HV_OBJS:.o=.d) $(HOST_LIB_OBJS:.o=.d) $(GEN)/asm-offsets.d
