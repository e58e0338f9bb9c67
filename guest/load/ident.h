/* The identity map and GDT the 64-bit entry needs (boot.rst: paging on,
 * kernel, zero page and command line identity-mapped; __BOOT_CS and
 * __BOOT_DS flat). */
#ifndef FALLOW_GUEST_LOAD_IDENT_H
#define FALLOW_GUEST_LOAD_IDENT_H

#include <stdint.h>
#include "guest/load/load.h"

#define IDENT_GDT_ENTRIES 4 /* null, unused, __BOOT_CS, __BOOT_DS */
#define IDENT_GDT_BYTES (IDENT_GDT_ENTRIES * 8)

/* What the map covers for ram bytes of RAM: all of it, in whole 2 MiB
 * pages (so the kernel, zero page, command line and initrd are mapped
 * wherever they sit). */
uint64_t ident_mapped(uint64_t ram);

/* Bytes of page tables for it: PML4, PDPT, one PD per GiB. */
uint64_t ident_tables_size(uint64_t ram);

/* Writes the tables at base (page-aligned): the PML4 first, so CR3 =
 * base. @pre ram <= LOAD_MAX_RAM. 0 or the target's error. */
int ident_write(const struct load_target *t, uint64_t base, uint64_t ram);

/* Writes the GDT (IDENT_GDT_BYTES) at base. 0 or the target's error. */
int ident_write_gdt(const struct load_target *t, uint64_t base);

#endif
