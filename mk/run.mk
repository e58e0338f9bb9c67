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
