/* A disk's overlay: chunk number -> frame, a radix tree of frames like a
 * page table (DISK_OVERLAY_LEVELS levels of 512 entries; a zero entry is
 * empty). Growing it is all or nothing: every frame a call adds is noted,
 * and if one cannot be had the noted ones are taken out again, so a write
 * that fails for memory leaves the disk and the guest's charge as they
 * were. Frames come from dev/disk/store.c. */
#include "dev/disk/disk.h"
#include "dev/disk/store.h"
#include "lib/err.h"
#include "mm/frame.h"
#include "vmx/hv.h"

#define FANOUT (1u << DISK_OVERLAY_FANOUT_SHIFT)
#define INDEX_MASK (FANOUT - 1u)
/* One call spans at most this many chunks (an unaligned start adds one),
 * and adds at most two nodes per level below the root, plus the root. */
#define CHUNKS_PER_CALL_MAX (FALLOW_DISK_MAX_SECTORS / DISK_SECTORS_PER_CHUNK + 1u)
#define UNDO_MAX (CHUNKS_PER_CALL_MAX + 2u * DISK_OVERLAY_LEVELS + 1u)

struct undo {
	paddr_t *slot[UNDO_MAX];
	unsigned n;
};

static unsigned index_at(uint64_t chunk, unsigned level)
{
	unsigned shift = (DISK_OVERLAY_LEVELS - 1u - level) * DISK_OVERLAY_FANOUT_SHIFT;

	return (unsigned)(chunk >> shift) & INDEX_MASK;
}

static paddr_t *entries(paddr_t node)
{
	return phys_to_virt(node);
}

paddr_t disk_overlay_lookup(const struct disk *d, uint64_t chunk)
{
	paddr_t node = d->overlay;

	for (unsigned level = 0; level < DISK_OVERLAY_LEVELS && node != FRAME_NONE; level++)
		node = entries(node)[index_at(chunk, level)];
	return node;
}

/* Puts a fresh frame in *slot and notes it: 0, or why none can be had. */
static int grow(struct disk *d, paddr_t *slot, struct undo *u)
{
	paddr_t pa;
	int err;

	if (u->n == UNDO_MAX)
		panic("disk: overlay undo log full (%u entries)", (unsigned)UNDO_MAX);
	if ((err = disk_store_get(&pa)))
		return err;
	*slot = pa;
	u->slot[u->n++] = slot;
	d->frames++;
	return 0;
}

static void undo_all(struct disk *d, struct undo *u)
{
	while (u->n) {
		paddr_t *slot = u->slot[--u->n];

		disk_store_put(*slot);
		*slot = FRAME_NONE;
		d->frames--;
	}
}

/* The leaf entry of `chunk`, creating the nodes above it: 0 and *out, or
 * why a node could not be had. */
static int leaf_slot(struct disk *d, uint64_t chunk, struct undo *u, paddr_t **out)
{
	paddr_t *slot = &d->overlay;
	int err;

	for (unsigned level = 0; level < DISK_OVERLAY_LEVELS; level++) {
		if (*slot == FRAME_NONE && (err = grow(d, slot, u)))
			return err;
		slot = &entries(*slot)[index_at(chunk, level)];
	}
	*out = slot;
	return 0;
}

int disk_overlay_ensure(struct disk *d, uint64_t first, uint64_t last,
			disk_fill_fn fill)
{
	struct undo u = { .n = 0 };

	for (uint64_t c = first; c <= last; c++) {
		paddr_t *slot;
		int err = leaf_slot(d, c, &u, &slot);

		if (err || (*slot == FRAME_NONE && (err = grow(d, slot, &u)))) {
			undo_all(d, &u);
			return err;
		}
		if (u.n && u.slot[u.n - 1] == slot)
			fill(d, c, phys_to_virt(*slot));
	}
	return 0;
}

/* Levels 0 .. DISK_OVERLAY_LEVELS-1 are nodes; below them, chunk data. */
static void free_node(paddr_t node, unsigned level)
{
	if (level < DISK_OVERLAY_LEVELS) {
		paddr_t *e = entries(node);

		for (unsigned i = 0; i < FANOUT; i++)
			if (e[i] != FRAME_NONE)
				free_node(e[i], level + 1);
	}
	disk_store_put(node);
}

void disk_overlay_free(struct disk *d)
{
	if (d->overlay != FRAME_NONE)
		free_node(d->overlay, 0);
	d->overlay = FRAME_NONE;
	d->frames = 0;
}
