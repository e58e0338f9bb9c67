/* Turning the machine off, with a status where the machine can carry one
 * (QEMU's isa-debug-exit). Every path prints exactly one line first,
 * `fallow: power off (success)` or `fallow: power off (failure)`, because
 * under Bochs that line is the only status the test runner gets. */
#ifndef FALLOW_ARCH_POWER_H
#define FALLOW_ARCH_POWER_H

#include <stdbool.h>

/* Values written to QEMU's isa-debug-exit port; QEMU exits (v << 1) | 1,
 * so 33 for success and 35 for failure. */
#define FALLOW_EXIT_SUCCESS 0x10
#define FALLOW_EXIT_FAILURE 0x11

/* Tries, in order: QEMU isa-debug-exit, ACPI S5, Bochs's shutdown port,
 * and finally halts for good. */
__attribute__((noreturn)) void power_off(bool success);

#endif
