/* A guest's disk: sectors from its overlay where written, else from the
 * image, else zeros. Requests are cut into pieces that lie in one chunk
 * and on one side of the image's end, each piece copied with gmem. */
#include "dev/disk/disk.h"
#include "lib/err.h"
#include "lib/fmt.h"
#include "mm/frame.h"
#include "vmx/gmem.h"
#include "vmx/hv.h"

/* What unwritten sectors past the image read as. */
static const uint8_t zero_chunk[DISK_CHUNK_SIZE];

int disk_attach(struct disk *d, const struct disk_config *cfg, char *why,
		size_t whylen)
{
	*d = (struct disk){ .overlay = FRAME_NONE };
	if (!cfg->present)
		return 0;
	if (cfg->image[0] && !(d->image = disk_image_find(cfg->image))) {
		fmt_snprintf(why, whylen, "disk=%s: no image module of that name", cfg->image);
		return -ERR_NOENT;
	}
	uint64_t image_sectors = d->image ? d->image->sectors : 0;

	d->sectors = cfg->size ? cfg->size / DISK_SECTOR_SIZE : image_sectors;
	if (!d->sectors) {
		fmt_snprintf(why, whylen, "disk=%s: the image is empty and no disk_size= given",
			     cfg->image);
		return -ERR_RANGE;
	}
	d->image_sectors = image_sectors < d->sectors ? image_sectors : d->sectors;
	d->present = true;
	return 0;
}

void disk_detach(struct disk *d)
{
	disk_overlay_free(d);
	d->present = false;
}

/* Sectors from `sector` on that one copy can move: to the end of its
 * chunk, the request and, for unwritten chunks, the image. */
static uint64_t piece(const struct disk *d, uint64_t sector, uint64_t left, bool written)
{
	uint64_t n = DISK_SECTORS_PER_CHUNK - sector % DISK_SECTORS_PER_CHUNK;

	if (n > left)
		n = left;
	if (!written && sector < d->image_sectors && n > d->image_sectors - sector)
		n = d->image_sectors - sector;
	return n;
}

static const uint8_t *source(const struct disk *d, uint64_t sector, paddr_t chunk)
{
	uint64_t off = sector % DISK_SECTORS_PER_CHUNK * DISK_SECTOR_SIZE;

	if (chunk != FRAME_NONE)
		return (const uint8_t *)phys_to_virt(chunk) + off;
	if (sector < d->image_sectors)
		return d->image->data + sector * DISK_SECTOR_SIZE;
	return zero_chunk + off;
}

void disk_read(struct disk *d, const struct ept *mem, uint64_t sector,
	       uint64_t count, uint64_t gpa)
{
	d->count.read_calls++;
	d->count.sectors_read += count;
	while (count) {
		paddr_t chunk = disk_overlay_lookup(d, sector / DISK_SECTORS_PER_CHUNK);
		uint64_t n = piece(d, sector, count, chunk != FRAME_NONE);

		if (gmem_write(mem, gpa, source(d, sector, chunk), n * DISK_SECTOR_SIZE))
			panic("disk: guest range at 0x%llx vanished during a read",
			      (unsigned long long)gpa);
		sector += n;
		count -= n;
		gpa += n * DISK_SECTOR_SIZE;
	}
}

/* A chunk's first write: it starts as what it read as before. */
static void fill_chunk(const struct disk *d, uint64_t chunk, uint8_t *frame)
{
	uint64_t first = chunk * DISK_SECTORS_PER_CHUNK;

	for (uint64_t s = first; s < first + DISK_SECTORS_PER_CHUNK; s++)
		memcpy(frame + (s - first) * DISK_SECTOR_SIZE, source(d, s, FRAME_NONE),
		       DISK_SECTOR_SIZE);
}

int disk_write(struct disk *d, const struct ept *mem, uint64_t sector,
	       uint64_t count, uint64_t gpa)
{
	int err = disk_overlay_ensure(d, sector / DISK_SECTORS_PER_CHUNK,
				      (sector + count - 1) / DISK_SECTORS_PER_CHUNK, fill_chunk);

	if (err)
		return err;
	d->count.write_calls++;
	d->count.sectors_written += count;
	while (count) {
		paddr_t chunk = disk_overlay_lookup(d, sector / DISK_SECTORS_PER_CHUNK);
		uint64_t n = piece(d, sector, count, true);
		uint8_t *dst = (uint8_t *)phys_to_virt(chunk) +
			       sector % DISK_SECTORS_PER_CHUNK * DISK_SECTOR_SIZE;

		if (gmem_read(mem, gpa, dst, n * DISK_SECTOR_SIZE))
			panic("disk: guest range at 0x%llx vanished during a write",
			      (unsigned long long)gpa);
		sector += n;
		count -= n;
		gpa += n * DISK_SECTOR_SIZE;
	}
	return 0;
}
