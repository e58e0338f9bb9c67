/* The disk hypercalls (guest-abi/ABI.md, "Paravirtual disk"). Every
 * argument is checked before anything moves, in this order: a disk at
 * all (-ENOENT), the count (0: -EINVAL, above FALLOW_DISK_MAX_SECTORS:
 * -ERANGE), the sectors inside the disk (-ERANGE), the whole guest range
 * its own (-EFAULT). A refused call changes nothing and costs no disk
 * time; an accepted one blocks the guest until the model says the
 * request is done (dev/disk/model.h). */
#include "hcall/hypercall.h"
#include "arch/x86_64/cpu.h"
#include "guest-abi/fallow_abi.h"
#include "lib/err.h"
#include "dev/disk/model.h"
#include "vmx/gmem.h"
#include "vmx/hv.h"

enum { ARG_SECTOR, ARG_COUNT, ARG_GPA };

_Static_assert(DISK_NAME_MAX == sizeof(((struct fallow_disk_info *)0)->image),
	       "image names must fit fallow_disk_info");

int64_t hc_disk_info(struct guest *g, const uint64_t *arg, enum exit_action *next)
{
	struct fallow_disk_info info = { .sector_size = FALLOW_SECTOR_SIZE };

	(void)next;
	if (!g->disk.present)
		return -ERR_NOENT;
	if (arg[1] < sizeof(info))
		return -ERR_INVAL;
	info.sectors = g->disk.sectors;
	info.image_sectors = g->disk.image_sectors;
	if (g->disk.image)
		memcpy(info.image, g->disk.image->name, sizeof(info.image));
	return gmem_write(&g->ept, arg[0], &info, sizeof(info));
}

static int check(const struct guest *g, const uint64_t *arg)
{
	uint64_t sector = arg[ARG_SECTOR], count = arg[ARG_COUNT];

	if (!g->disk.present)
		return -ERR_NOENT;
	if (!count)
		return -ERR_INVAL;
	if (count > FALLOW_DISK_MAX_SECTORS)
		return -ERR_RANGE;
	if (sector >= g->disk.sectors || count > g->disk.sectors - sector)
		return -ERR_RANGE;
	return gmem_check(&g->ept, arg[ARG_GPA], count * FALLOW_SECTOR_SIZE);
}

/* The guest waits for the request: its turn ends now, and the scheduler
 * passes it over until the model's completion time. */
static void block(struct guest *g, uint64_t sector, uint64_t count, enum exit_action *next)
{
	g->wake_tsc = disk_model_request(&g->disk, sector, count, rdtsc());
	*next = EXIT_YIELD;
}

int64_t hc_disk_read(struct guest *g, const uint64_t *arg, enum exit_action *next)
{
	int err = check(g, arg);

	if (err)
		return err;
	disk_read(&g->disk, &g->ept, arg[ARG_SECTOR], arg[ARG_COUNT], arg[ARG_GPA]);
	block(g, arg[ARG_SECTOR], arg[ARG_COUNT], next);
	return (int64_t)arg[ARG_COUNT];
}

int64_t hc_disk_write(struct guest *g, const uint64_t *arg, enum exit_action *next)
{
	int err = check(g, arg);

	if (!err)
		err = disk_write(&g->disk, &g->ept, arg[ARG_SECTOR], arg[ARG_COUNT], arg[ARG_GPA]);
	if (err)
		return err;
	guest_recount(g); /* the overlay may have grown */
	block(g, arg[ARG_SECTOR], arg[ARG_COUNT], next);
	return (int64_t)arg[ARG_COUNT];
}
