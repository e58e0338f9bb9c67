/* Just enough ACPI to power off: RSDP -> RSDT/XSDT -> FADT for the PM1
 * control blocks, and the \_S5 package in the DSDT for SLP_TYP. Every
 * table is length- and checksum-checked and must lie in mapped memory. */
#ifndef FALLOW_ARCH_ACPI_H
#define FALLOW_ARCH_ACPI_H

#include <stdbool.h>
#include <stddef.h>

/* `rsdp` is the loader's copy (multiboot2 ACPI tag) or NULL to search the
 * BIOS areas. Returns true when S5 can be entered. Prints nothing. */
bool acpi_init(const void *rsdp, size_t len);

/* Enters S5 if acpi_init() found how (tries the BIOS search itself if it
 * was never called). Returns only if the machine is still running. */
void acpi_power_off(void);

#endif
