/* Byte offsets of the x86 boot protocol (Documentation/x86/boot.rst and
 * zero-page.rst; arch/x86/include/uapi/asm/bootparam.h). The setup
 * header sits at the same offset in the bzImage file and in the zero
 * page (struct boot_params), so one set of names serves both. Fields are
 * read and written as little-endian bytes, never through a packed struct,
 * so a header that lies cannot misalign anything. */
#ifndef FALLOW_GUEST_LOAD_BOOTPARAM_H
#define FALLOW_GUEST_LOAD_BOOTPARAM_H

#include <stdint.h>

/* setup header (offset, size in the comment) */
#define BP_SETUP_SECTS 0x1f1      /* 1: setup sectors; 0 means 4 */
#define BP_SYSSIZE 0x1f4          /* 4: protected-mode code in 16-byte units */
#define BP_BOOT_FLAG 0x1fe        /* 2: 0xAA55 */
#define BP_JUMP 0x200             /* 2: a short jump; its second byte... */
#define BP_JUMP_DISP 0x201        /* 1: ...ends the header at 0x202 + it */
#define BP_HEADER 0x202           /* 4: "HdrS" */
#define BP_VERSION 0x206          /* 2: protocol, 0x020c for 2.12 */
#define BP_TYPE_OF_LOADER 0x210   /* 1 */
#define BP_LOADFLAGS 0x211        /* 1 */
#define BP_CODE32_START 0x214     /* 4 */
#define BP_RAMDISK_IMAGE 0x218    /* 4 */
#define BP_RAMDISK_SIZE 0x21c     /* 4 */
#define BP_CMD_LINE_PTR 0x228     /* 4 */
#define BP_INITRD_ADDR_MAX 0x22c  /* 4 */
#define BP_KERNEL_ALIGNMENT 0x230 /* 4 */
#define BP_RELOCATABLE 0x234      /* 1 */
#define BP_XLOADFLAGS 0x236       /* 2 */
#define BP_CMDLINE_SIZE 0x238     /* 4 */
#define BP_HARDWARE_SUBARCH 0x23c /* 4 */
#define BP_PREF_ADDRESS 0x258     /* 8 */
#define BP_INIT_SIZE 0x260        /* 4 */
#define BP_INIT_SIZE_END 0x264    /* the last field 2.12 needs ends here */

/* zero page only */
#define BP_EXT_RAMDISK_IMAGE 0x0c0 /* 4: ramdisk_image's high half */
#define BP_EXT_RAMDISK_SIZE 0x0c4  /* 4 */
#define BP_EXT_CMD_LINE_PTR 0x0c8  /* 4 */
#define BP_E820_ENTRIES 0x1e8      /* 1 */
#define BP_SENTINEL 0x1ef          /* 1: must stay 0 (we copy the header only) */
#define BP_HDR_AREA_END 0x290      /* edd_mbr_sig_buffer: a header ends before */
#define BP_E820_TABLE 0x2d0        /* E820_MAX_ENTRIES_ZEROPAGE x 20 bytes */
#define BP_E820_MAX 128
#define BP_E820_ENTRY_SIZE 20      /* addr 8, size 8, type 4 */
#define BP_ZERO_PAGE_SIZE 0x1000

#define BP_HDRS_MAGIC 0x53726448u  /* "HdrS" read little-endian */
#define BP_BOOT_FLAG_MAGIC 0xaa55u
#define BP_SECTOR 512
#define BP_SETUP_SECTS_DEFAULT 4   /* setup_sects 0 means this */
#define BP_SYSSIZE_UNIT 16
#define BP_ENTRY64_OFFSET 0x200    /* startup_64 past the load address */
#define BP_PROTOCOL_MIN 0x020c     /* 2.12: xloadflags, the 64-bit entry */
#define BP_LOADED_HIGH 0x01        /* loadflags: a bzImage, loaded at 1 MiB+ */
#define BP_XLF_KERNEL_64 0x0001
#define BP_XLF_CAN_BE_LOADED_ABOVE_4G 0x0002
#define BP_LOADER_UNDEFINED 0xff   /* type_of_loader: no assigned id */
#define BP_SUBARCH_PC 0

static inline uint64_t bp_get(const uint8_t *p, unsigned off, unsigned bytes)
{
	uint64_t v = 0;

	for (unsigned i = bytes; i-- > 0;)
		v = v << 8 | p[off + i];
	return v;
}

static inline void bp_put(uint8_t *p, unsigned off, unsigned bytes, uint64_t v)
{
	for (unsigned i = 0; i < bytes; i++, v >>= 8)
		p[off + i] = (uint8_t)v;
}

#endif
