# `make run` as a new user types it (issue 11), in `make test`: the
# dependency step, the build and the boot of the default scenario, under
# QEMU without VT-x, where Fallow powers off by itself in a few seconds.
# It must exit 0 (tools/run.sh returns Fallow's status) with Fallow's
# success line on the console. The launcher's emulator choice and status
# mapping under fake emulators are tests/tools/test_run.py (tools-check).

RUN_CHECK_LOG := $(BUILD)/run-check.log

.PHONY: run-check
# After `all`, so the sub-make finds everything built and builds nothing
# beside the other test steps.
run-check: all
	@if FALLOW_EMU=qemu $(MAKE) --no-print-directory run </dev/null >$(RUN_CHECK_LOG) 2>&1 && \
		grep -q '^fallow: power off (success)' $(RUN_CHECK_LOG); then \
		echo "run-check: make run under QEMU exited 0, Fallow powered off with success"; \
	else \
		tail -n 20 $(RUN_CHECK_LOG); \
		echo "run-check: FAILED (log: $(RUN_CHECK_LOG))"; exit 1; \
	fi

TEST_EXTRA += run-check

# `make run-linux`: Fallow with one Linux guest whose /init is a shell on
# hvc0 (linux/shell.cfg). Type `attach lx` on the console to use it,
# Ctrl-A d to come back; `exit` in the shell powers the guest off, and
# Fallow with it. Scenario linux-shell does the same in `make test`.
LINUX_SHELL_CFG := linux/shell.cfg
LINUX_SHELL_ISO := $(BUILD)/fallow-linux.iso

.PHONY: run-linux
$(LINUX_SHELL_ISO): $(BUILD)/fallow.elf $(LINUX_SHELL_CFG) tools/mkiso.sh linux | deps-build
	tools/mkiso.sh $(BUILD)/fallow.elf $(LINUX_SHELL_CFG) $@

run-linux:
	@tools/deps.sh run
	@tools/deps.sh linux
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory $(LINUX_SHELL_ISO)
	tools/run.sh $(LINUX_SHELL_ISO)
