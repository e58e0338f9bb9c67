/* The paravirtual disk: one per guest that asks for it (module options
 * disk=IMAGE and/or disk_size=SIZE), 512-byte sectors. A disk is a
 * copy-on-write view of a shared, read-only image module: sectors never
 * written read from the image (or as zeros past it), the first write to
 * a 4 KiB chunk copies that chunk into a frame of the guest's own overlay.
 * Overlay frames come from dev/disk/store.c and are charged to the
 * guest (pages_owned), so free + freeable + owned == total holds; they
 * are scrubbed and freed when the guest ends.
 *
 * This file's functions trust their arguments (hcall/disk.c checks the
 * guest's); the guest's memory is reached only through gmem. */
#ifndef FALLOW_DEV_DISK_DISK_H
#define FALLOW_DEV_DISK_DISK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "guest-abi/fallow_abi.h"
#include "mm/memmap.h"
#include "mm/phys.h"

#define DISK_SECTOR_SIZE FALLOW_SECTOR_SIZE
#define DISK_CHUNK_SIZE FRAME_SIZE /* the copy-on-write unit */
#define DISK_SECTORS_PER_CHUNK (DISK_CHUNK_SIZE / DISK_SECTOR_SIZE)
#define DISK_NAME_MAX 32u          /* image name bytes, NUL included */
#define DISK_IMAGE_MAX 8u          /* image modules one boot may carry */
#define DISK_IMAGE_KEY "image="    /* an image module's command line starts so */

/* The overlay is a radix tree of frames, DISK_OVERLAY_LEVELS deep, 512
 * entries a node: 2^27 chunks of 4 KiB, so no disk is larger than this. */
#define DISK_OVERLAY_LEVELS 3u
#define DISK_OVERLAY_FANOUT_SHIFT 9u
#define DISK_MAX_BYTES (DISK_CHUNK_SIZE << (DISK_OVERLAY_LEVELS * DISK_OVERLAY_FANOUT_SHIFT))

/* A read-only image module (`image=NAME` on its module line). */
struct disk_image {
	char name[DISK_NAME_MAX];
	const uint8_t *data;
	uint64_t sectors; /* whole sectors of the module; a tail is ignored */
	uint64_t bytes;   /* all of it, the tail included (an initrd's size) */
};

/* What a guest's module line asked for (guest/config.c). */
struct disk_config {
	bool present;              /* disk= or disk_size= was given */
	char image[DISK_NAME_MAX]; /* "" for a blank disk */
	uint64_t size;             /* bytes; 0: the image's size */
};

/* Where the disk arm is after a request (dev/disk/model.c). */
struct disk_arm {
	uint64_t busy_until; /* TSC when the last request completes */
	const void *last_disk;
	uint64_t last_end;   /* first sector after the last request */
};

struct disk_counters {
	uint64_t sectors_read, sectors_written;
	uint64_t read_calls, write_calls;
	uint64_t wait_ticks; /* TSC ticks the guest was blocked on the disk */
};

struct disk {
	bool present;
	const struct disk_image *image; /* NULL: a blank disk */
	uint64_t sectors;               /* the disk is [0, sectors) */
	uint64_t image_sectors;         /* of which the image backs [0, this) */
	paddr_t overlay;                /* the radix root, FRAME_NONE while empty */
	uint64_t frames;                /* overlay frames: nodes and chunks */
	struct disk_arm arm;            /* disk_queue=private only */
	struct disk_counters count;
};

/* ------------------------------------------------------------ images */

/* True when a module's command line (path first, as GRUB gives it) makes
 * it a disk image rather than a guest. */
bool disk_module_is_image(const char *cmdline);

/* Registers every image module of the boot; prints a `disk: image ...`
 * line for each and a refusal for each bad one. Returns how many. */
unsigned disk_images_register(const struct boot_info *bi);

/* The image named `name`, or NULL. */
const struct disk_image *disk_image_find(const char *name);

/* ------------------------------------------------------------ a disk */

/* Sets up d from cfg (nothing allocated yet). 0, or -ERR_NOENT (no such
 * image) / -ERR_RANGE (size) with the reason in why. */
int disk_attach(struct disk *d, const struct disk_config *cfg, char *why,
		size_t whylen);

/* Scrubs and frees every overlay frame; d has no disk afterwards but
 * keeps its counters for the summary. */
void disk_detach(struct disk *d);

struct ept;

/* Copies sectors [sector, sector + count) to the guest memory `mem` (the
 * guest's EPT, vmx/gmem.h) at gpa.
 * @pre the range is inside the disk and gmem_check passed for gpa. */
void disk_read(struct disk *d, const struct ept *mem, uint64_t sector,
	       uint64_t count, uint64_t gpa);

/* Copies the guest's bytes at gpa into sectors [sector, sector + count),
 * allocating overlay chunks first: 0, or -ERR_NOMEM with nothing changed.
 * @pre as for disk_read. */
int disk_write(struct disk *d, const struct ept *mem, uint64_t sector,
	       uint64_t count, uint64_t gpa);

/* ------------------------------------------------------------ overlay
 * (dev/disk/overlay.c) The chunk map; `fill` initialises a new chunk frame. */
typedef void (*disk_fill_fn)(const struct disk *d, uint64_t chunk, uint8_t *frame);

/* The frame of `chunk`, or FRAME_NONE when it was never written. */
paddr_t disk_overlay_lookup(const struct disk *d, uint64_t chunk);

/* Makes chunks [first, last] exist: all or nothing; 0, -ERR_NOMEM or,
 * with a disk_store=, -ERR_NOSPC (dev/disk/store.h). */
int disk_overlay_ensure(struct disk *d, uint64_t first, uint64_t last,
			disk_fill_fn fill);

/* Scrubs and frees every frame of the overlay. */
void disk_overlay_free(struct disk *d);

#endif
