# The overcommit experiment (issue 6): the workload guest, whose parts
# live in guest-abi/guests/workload/, and the runner tools/experiment.py.
#
#   make experiment                      scaled preset: every configuration, then the density run
#   make experiment EXPERIMENT_ARGS='--preset full --runs 5'
#   make experiment-density              the density run alone (results/density/)
#   make experiment-linux                the same on Linux guests building C with tcc
#                                        (tools/experiment.py --guests linux; results/linux/)
#
# The small version runs in `make test` (experiment-check).

WORKLOAD_PART_SRCS := $(sort $(wildcard guest-abi/guests/workload/*.c))
WORKLOAD_PART_OBJS := $(patsubst %,$(BUILD)/guests/obj/%.o,$(WORKLOAD_PART_SRCS))

# guests.mk links each guest-abi/guests/NAME.c alone with the runtime; the
# workload has parts, so its ELF gets a rule of its own. The runtime's
# objects are named by guests.mk, which is read after this file: the
# prerequisite list is expanded a second time, when they are known.
.SECONDEXPANSION:
$(BUILD)/guests/workload.elf: $(BUILD)/guests/obj/guest-abi/guests/workload.c.o \
		$(WORKLOAD_PART_OBJS) $$(GUEST_RT_OBJS) guest-abi/guest.ld
	$(GUEST_CC) $(GUEST_LDFLAGS) -o $@ $(filter %.o,$^) -lgcc

.SECONDARY: $(WORKLOAD_PART_OBJS)
-include $(WORKLOAD_PART_OBJS:.o=.d)

EXPERIMENT_ARGS ?=
.PHONY: experiment experiment-density experiment-linux experiment-check
experiment: all | deps-test
	/usr/bin/python3 tools/experiment.py --density $(EXPERIMENT_ARGS)

# Its table goes beside the main one, so results/TABLE.md keeps the five
# configurations.
experiment-density: all | deps-test
	/usr/bin/python3 tools/experiment.py --density-only --out results/density $(EXPERIMENT_ARGS)

# Linux guests: the kernel, its initramfs and linuxbuild.img (mk/images.mk).
experiment-linux: all linux $(BUILD)/images/linuxbuild.img | deps-test
	/usr/bin/python3 tools/experiment.py --guests linux --density $(EXPERIMENT_ARGS)

# The small versions (two guests, two configurations, two runs each, under
# Bochs: the workload guest's and the Linux guests') and the report's own
# tests. FALLOW_SKIP_EXPERIMENT=1 leaves the boots out.
experiment-check: all linux $(BUILD)/images/linuxbuild.img | deps-test
	/usr/bin/python3 -m unittest discover -s tests/experiment -p 'test_*.py'

TEST_EXTRA += experiment-check
