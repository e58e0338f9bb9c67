/* boot.rst, "64-bit Boot Protocol": a zeroed boot_params, the setup
 * header copied from the image (only the header: a loader that copies
 * more also copies the sentinel at 0x1ef and the kernel then distrusts
 * the rest), then the fields a loader must write. */
#include "guest/load/zeropage.h"

#define LOW32(v) ((uint32_t)(v))
#define HIGH32(v) ((uint32_t)((uint64_t)(v) >> 32))

static void put_e820(uint8_t *bp, const struct e820_map *map)
{
	for (unsigned i = 0; i < map->count; i++) {
		unsigned off = BP_E820_TABLE + i * BP_E820_ENTRY_SIZE;

		bp_put(bp, off, 8, map->entry[i].addr);
		bp_put(bp, off + 8, 8, map->entry[i].size);
		bp_put(bp, off + 16, 4, map->entry[i].type);
	}
	bp_put(bp, BP_E820_ENTRIES, 1, map->count);
}

void zeropage_build(uint8_t *bp, const void *image, const struct load_plan *plan,
		    const struct e820_map *map)
{
	const uint8_t *img = image;

	for (unsigned i = 0; i < BP_ZERO_PAGE_SIZE; i++)
		bp[i] = 0;
	for (uint64_t i = BP_SETUP_SECTS; i < plan->bz.header_end; i++)
		bp[i] = img[i];

	bp_put(bp, BP_TYPE_OF_LOADER, 1, BP_LOADER_UNDEFINED);
	/* Where the protected-mode code was put (boot.rst: a relocating
	 * loader must say so here). */
	bp_put(bp, BP_CODE32_START, 4, LOW32(plan->kernel.gpa));
	bp_put(bp, BP_CMD_LINE_PTR, 4, LOW32(plan->cmdline.gpa));
	bp_put(bp, BP_EXT_CMD_LINE_PTR, 4, HIGH32(plan->cmdline.gpa));
	bp_put(bp, BP_RAMDISK_IMAGE, 4, LOW32(plan->initrd.gpa));
	bp_put(bp, BP_EXT_RAMDISK_IMAGE, 4, HIGH32(plan->initrd.gpa));
	bp_put(bp, BP_RAMDISK_SIZE, 4, LOW32(plan->initrd.size));
	bp_put(bp, BP_EXT_RAMDISK_SIZE, 4, HIGH32(plan->initrd.size));
	bp_put(bp, BP_HARDWARE_SUBARCH, 4, BP_SUBARCH_PC);
	put_e820(bp, map);
}
