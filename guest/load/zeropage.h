/* The zero page (struct boot_params) of the 64-bit boot protocol. */
#ifndef FALLOW_GUEST_LOAD_ZEROPAGE_H
#define FALLOW_GUEST_LOAD_ZEROPAGE_H

#include <stdint.h>
#include "guest/load/bootparam.h"
#include "guest/load/e820.h"
#include "guest/load/load.h"

/* Fills bp[BP_ZERO_PAGE_SIZE]: zeroed, the image's setup header copied
 * in, the loader's fields written from plan, and map as the e820 table.
 * @pre image passed bzimage_parse into plan->bz; map->count <= BP_E820_MAX. */
void zeropage_build(uint8_t *bp, const void *image, const struct load_plan *plan,
		    const struct e820_map *map);

#endif
