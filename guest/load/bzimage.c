/* The bzImage setup header, every field distrusted: the image is a boot
 * module, i.e. input. Checked in the order a reader would ask: is it a
 * bzImage at all, is its protocol new enough for the 64-bit entry, is
 * all of it there, do its fields agree with each other. */
#include "guest/load/load.h"
#include "guest/load/bootparam.h"
#include "lib/fmt.h"

static const char *const error_names[LOAD_ERR_COUNT] = {
	[0] = "ok",
	[LOAD_ERR_NOT_BZIMAGE] = "not-bzimage",
	[LOAD_ERR_PROTOCOL] = "protocol-too-old",
	[LOAD_ERR_NOT_64BIT] = "not-64bit",
	[LOAD_ERR_TRUNCATED] = "truncated",
	[LOAD_ERR_BAD_HEADER] = "bad-header",
	[LOAD_ERR_MEM] = "bad-mem",
	[LOAD_ERR_KERNEL_FIT] = "kernel-does-not-fit",
	[LOAD_ERR_INITRD_FIT] = "initrd-does-not-fit",
	[LOAD_ERR_CMDLINE_LONG] = "cmdline-too-long",
	[LOAD_ERR_WRITE] = "write-failed",
};

const char *load_error_name(int err)
{
	if (err < 0)
		err = -err;
	return err < LOAD_ERR_COUNT ? error_names[err] : "unknown";
}

static int is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

/* The fields every later check reads; the image is long enough for
 * them when this runs. */
static void read_fields(const uint8_t *p, struct bzimage_info *bz)
{
	bz->kernel_alignment = (uint32_t)bp_get(p, BP_KERNEL_ALIGNMENT, 4);
	bz->relocatable = (uint8_t)bp_get(p, BP_RELOCATABLE, 1);
	bz->xloadflags = (uint16_t)bp_get(p, BP_XLOADFLAGS, 2);
	bz->cmdline_size = (uint32_t)bp_get(p, BP_CMDLINE_SIZE, 4);
	bz->pref_address = bp_get(p, BP_PREF_ADDRESS, 8);
	bz->init_size = (uint32_t)bp_get(p, BP_INIT_SIZE, 4);
	bz->initrd_max = (bz->xloadflags & BP_XLF_CAN_BE_LOADED_ABOVE_4G) ?
		UINT64_MAX : bp_get(p, BP_INITRD_ADDR_MAX, 4);
}

/* Where the protected-mode code is and how long; -LOAD_ERR_* on a lie. */
static int check_kernel(const uint8_t *p, uint64_t size, struct bzimage_info *bz,
			char *why, size_t whylen)
{
	uint64_t sects = bp_get(p, BP_SETUP_SECTS, 1);

	if (sects == 0)
		sects = BP_SETUP_SECTS_DEFAULT;
	bz->kernel_offset = (sects + 1) * BP_SECTOR;
	bz->kernel_size = bp_get(p, BP_SYSSIZE, 4) * BP_SYSSIZE_UNIT;
	if (bz->kernel_size == 0) {
		fmt_snprintf(why, whylen, "bad setup header: syssize is 0");
		return -LOAD_ERR_BAD_HEADER;
	}
	if (bz->kernel_offset > size || bz->kernel_size > size - bz->kernel_offset) {
		fmt_snprintf(why, whylen,
			     "truncated bzImage: setup and kernel need %llu bytes, the file has %llu",
			     (unsigned long long)(bz->kernel_offset + bz->kernel_size),
			     (unsigned long long)size);
		return -LOAD_ERR_TRUNCATED;
	}
	if (bz->init_size < bz->kernel_size) {
		fmt_snprintf(why, whylen, "bad setup header: init_size %u below the kernel's %llu bytes",
			     bz->init_size, (unsigned long long)bz->kernel_size);
		return -LOAD_ERR_BAD_HEADER;
	}
	return 0;
}

/* Where it runs: pref_address (nonzero since 2.10), which must honour
 * kernel_alignment for a relocatable kernel. */
static int check_placement(struct bzimage_info *bz, char *why, size_t whylen)
{
	if (bz->relocatable && !is_pow2(bz->kernel_alignment)) {
		fmt_snprintf(why, whylen, "bad setup header: kernel_alignment 0x%x is not a power of two",
			     bz->kernel_alignment);
		return -LOAD_ERR_BAD_HEADER;
	}
	if (bz->pref_address == 0)
		bz->pref_address = LOAD_HIGH_RAM_BASE; /* a bzImage's classic place */
	if (bz->relocatable && bz->pref_address % bz->kernel_alignment) {
		fmt_snprintf(why, whylen, "bad setup header: pref_address 0x%llx not %u-aligned",
			     (unsigned long long)bz->pref_address, bz->kernel_alignment);
		return -LOAD_ERR_BAD_HEADER;
	}
	return 0;
}

int bzimage_parse(const void *image, uint64_t size, struct bzimage_info *bz,
		  char *why, size_t whylen)
{
	const uint8_t *p = image;

	*bz = (struct bzimage_info){ 0 };
	if (size < BP_HEADER + 4) {
		fmt_snprintf(why, whylen, "not a bzImage: %llu bytes, too short for a setup header",
			     (unsigned long long)size);
		return -LOAD_ERR_NOT_BZIMAGE;
	}
	if (bp_get(p, BP_HEADER, 4) != BP_HDRS_MAGIC ||
	    bp_get(p, BP_BOOT_FLAG, 2) != BP_BOOT_FLAG_MAGIC) {
		fmt_snprintf(why, whylen, "not a bzImage: no \"HdrS\" magic at 0x%x", BP_HEADER);
		return -LOAD_ERR_NOT_BZIMAGE;
	}
	if (size < BP_VERSION + 2) {
		fmt_snprintf(why, whylen, "truncated bzImage: ends inside the setup header");
		return -LOAD_ERR_TRUNCATED;
	}
	bz->protocol = (uint16_t)bp_get(p, BP_VERSION, 2);
	if (bz->protocol < BP_PROTOCOL_MIN) {
		fmt_snprintf(why, whylen, "boot protocol %u.%02u is older than 2.12 (no 64-bit entry)",
			     bz->protocol >> 8, bz->protocol & 0xff);
		return -LOAD_ERR_PROTOCOL;
	}
	bz->header_end = BP_JUMP_DISP + 1 + bp_get(p, BP_JUMP_DISP, 1);
	if (bz->header_end < BP_INIT_SIZE_END || bz->header_end > BP_HDR_AREA_END) {
		fmt_snprintf(why, whylen, "bad setup header: it ends at 0x%llx, outside [0x%x, 0x%x]",
			     (unsigned long long)bz->header_end, BP_INIT_SIZE_END, BP_HDR_AREA_END);
		return -LOAD_ERR_BAD_HEADER;
	}
	if (size < bz->header_end) {
		fmt_snprintf(why, whylen, "truncated bzImage: ends inside the setup header");
		return -LOAD_ERR_TRUNCATED;
	}
	if (!(bp_get(p, BP_LOADFLAGS, 1) & BP_LOADED_HIGH)) {
		fmt_snprintf(why, whylen, "not a bzImage: a zImage (loadflags lacks LOADED_HIGH)");
		return -LOAD_ERR_NOT_BZIMAGE;
	}
	read_fields(p, bz);
	if (!(bz->xloadflags & BP_XLF_KERNEL_64)) {
		fmt_snprintf(why, whylen, "not 64-bit capable: xloadflags 0x%x lacks XLF_KERNEL_64",
			     bz->xloadflags);
		return -LOAD_ERR_NOT_64BIT;
	}
	int err = check_kernel(p, size, bz, why, whylen);

	return err ? err : check_placement(bz, why, whylen);
}
