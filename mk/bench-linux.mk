# The Linux guest's virtualization cost under Bochs (not a test):
#
#   make bench-linux   the same bzImage and initramfs booted bare through
#                      GRUB and as a Fallow guest; emulated time to /init
#                      and to power-off as `bench:` lines and their ratio,
#                      the guest's exits per second by reason, and the
#                      hypercall round trip timed inside Linux
#
# Fallow is timed as built with DEBUG=0 (no per-hypercall memory checks),
# in a build directory of its own so that build/ keeps its flags.
BENCH_LINUX_BUILD := $(BUILD)/bench-linux/hv

.PHONY: bench-linux
bench-linux: linux | deps-test
	$(MAKE) --no-print-directory BUILD=$(BENCH_LINUX_BUILD) DEBUG=0 $(BENCH_LINUX_BUILD)/fallow.elf
	python3 tools/bench_linux.py --build $(BUILD) --elf $(BENCH_LINUX_BUILD)/fallow.elf
