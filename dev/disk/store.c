/* See dev/disk/store.h. The idle frames form a stack linked through their
 * first word: the store needs no memory of its own. */
#include "dev/disk/store.h"
#include "lib/err.h"
#include "mm/frame.h"
#include "vmx/ept.h"
#include "vmx/hv.h"

static struct {
	uint64_t frames, lent;
	paddr_t top; /* FRAME_NONE when no frame is idle */
} store = { .top = FRAME_NONE };

static paddr_t *link_of(paddr_t pa)
{
	return phys_to_virt(pa);
}

static void push(paddr_t pa)
{
	vmx_bzero(phys_to_virt(pa), FRAME_SIZE);
	*link_of(pa) = store.top;
	store.top = pa;
}

static paddr_t pop(void)
{
	paddr_t pa = store.top;

	store.top = *link_of(pa);
	*link_of(pa) = 0;
	return pa;
}

int disk_store_init(uint64_t frames)
{
	struct frame_stats st;

	frame_get_stats(&st);
	if (frames > st.free)
		return -ERR_NOMEM;
	for (uint64_t i = 0; i < frames; i++) {
		paddr_t pa = frame_alloc_no_reclaim();

		if (pa == FRAME_NONE)
			panic("disk: store: frame %llu of %llu missing although %llu were free",
			      (unsigned long long)i, (unsigned long long)frames,
			      (unsigned long long)st.free);
		push(pa);
	}
	store.frames = frames;
	store.lent = 0;
	return 0;
}

void disk_store_fini(void)
{
	if (store.lent)
		panic("disk: store: %llu frames still lent to overlays at the end",
		      (unsigned long long)store.lent);
	while (store.top != FRAME_NONE)
		ept_scrub_free(pop());
	store.frames = 0;
}

int disk_store_get(paddr_t *pa)
{
	if (!store.frames) {
		*pa = frame_alloc();
		if (*pa == FRAME_NONE)
			return -ERR_NOMEM;
		vmx_bzero(phys_to_virt(*pa), FRAME_SIZE);
		return 0;
	}
	if (store.top == FRAME_NONE)
		return -ERR_NOSPC;
	*pa = pop();
	store.lent++;
	return 0;
}

void disk_store_put(paddr_t pa)
{
	if (!store.frames) {
		ept_scrub_free(pa);
		return;
	}
	push(pa);
	store.lent--;
}

uint64_t disk_store_frames(void)
{
	return store.frames;
}

uint64_t disk_store_lent(void)
{
	return store.lent;
}
