/* The e820 memory map a Linux guest is given in its zero page. */
#ifndef FALLOW_GUEST_LOAD_E820_H
#define FALLOW_GUEST_LOAD_E820_H

#include <stdint.h>

/* Entry types (arch/x86/include/asm/e820/types.h). */
#define E820_TYPE_RAM 1
#define E820_TYPE_RESERVED 2

#define E820_MAP_MAX 4 /* what e820_build makes; the zero page holds 128 */

struct e820_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
};

struct e820_map {
	unsigned count;
	struct e820_entry entry[E820_MAP_MAX];
};

/* The guest's RAM [0, ram): [0, low_reserved_end) reserved (what the
 * loader put below 1 MiB), the rest of the low 640 KiB as RAM, nothing
 * from 640 KiB to 1 MiB (a PC's VGA window and ROMs: Linux expects no
 * RAM there), then RAM from 1 MiB to ram, in ascending order.
 * @pre low_reserved_end page-aligned and below 640 KiB; ram page-aligned
 * and above 1 MiB (load_linux_plan checks both).
 * 0 or -LOAD_ERR_MEM. */
int e820_build(struct e820_map *m, uint64_t low_reserved_end, uint64_t ram);

#endif
