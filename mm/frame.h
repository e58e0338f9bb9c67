/* The physical frame allocator: every 4 KiB frame of usable RAM that is not
 * reserved, handed out one at a time or as physically contiguous runs. It
 * also owns the page-state counters behind the memory invariant
 * free + freeable + owned == total.
 *
 * It is a buddy allocator. RAM is split into zones, one per stretch of
 * contiguous usable RAM, so holes and RAM above 4 GiB cost nothing; blocks
 * never cross a zone. Each zone has one metadata byte per frame (carved out
 * of usable RAM itself and counted as owned) saying whether the frame is
 * reserved, allocated, or part of a free block. Free blocks are linked
 * through their first frame (reached with phys_to_virt), so every managed
 * frame must be mapped. Alloc and free cost O(FRAME_MAX_ORDER) plus a
 * binary search over the zones, independent of the amount of RAM.
 *
 * Not thread-safe: the caller serialises calls.
 *
 * Accounting, in frames:
 *   total     every frame of usable RAM in the memory map (usable regions
 *             rounded inward to 4 KiB and merged).
 *   reserved  frames of `total` never handed out: the caller's reserved
 *             ranges (low memory, kernel, MBI, modules), usable RAM the map
 *             also calls non-usable, frame 0, and the metadata.
 *   allocated frames handed out by frame_alloc*() and not yet freed.
 *   free      frames on the free lists.
 *   freeable  allocated frames holding ephemeral tmem data (set by tmem).
 *   owned     reserved + allocated - freeable.
 * so free + freeable + owned == total at every moment. */
#ifndef FALLOW_MM_FRAME_H
#define FALLOW_MM_FRAME_H

#include <stdbool.h>
#include "mm/memmap.h"

#define FRAME_NONE ((paddr_t)0) /* frame 0 is always reserved */

/* Largest block: 2^18 frames = 1 GiB, the largest run frame_alloc_run()
 * can return. */
#define FRAME_MAX_ORDER 18
#define FRAME_MAX_RUN ((uint64_t)1 << FRAME_MAX_ORDER)

/* Most ranges frame_init() accepts in `reserved` (low memory, kernel, MBI
 * and every module fit with room to spare). */
#define FRAME_MAX_RESERVED (MEMMAP_MAX_MODULES + 16)

/* Most zones: merged usable regions. */
#define FRAME_MAX_ZONES MEMMAP_MAX_REGIONS

struct frame_stats {
	uint64_t total;     /* every usable RAM frame of the memory map */
	uint64_t free;      /* on the free lists */
	uint64_t freeable;  /* holding ephemeral tmem data (reported by tmem) */
	uint64_t owned;     /* reserved + allocated - freeable */
	/* The parts of `owned`, for diagnostics. */
	uint64_t reserved;  /* never handed out, metadata included */
	uint64_t meta;      /* of which: the allocator's own metadata */
	uint64_t allocated; /* handed out by frame_alloc*() */
};

/* One stretch of contiguous usable RAM and its metadata bytes. */
struct frame_zone {
	uint64_t base_pfn; /* first frame number */
	uint64_t end_pfn;  /* one past the last */
	uint8_t *meta;     /* one byte per frame, see frame.c */
};

/* Build the allocator over the usable regions of `regions` minus
 * `reserved` (ranges may overlap, be unsorted or unaligned: usable RAM is
 * rounded inward to frames, reserved ranges outward). Non-usable regions
 * that overlap usable ones win. Replaces any previous state.
 * Returns 0, -ERR_INVAL on a nonsensical argument (too many regions or
 * reserved ranges, start > end, a range wrapping past 2^64) or -ERR_NOMEM
 * when no free frame remains once the metadata is placed. */
int frame_init(const struct mem_region *regions, unsigned nregions,
	       const struct phys_range *reserved, unsigned nreserved);

/* Asked for frames when the free list cannot satisfy frame_alloc():
 * gives up to `want` allocated frames back (tmem evicting its oldest
 * ephemeral pages, weights honoured) and returns how many it freed. It
 * must never allocate through frame_alloc() itself; if it does anyway,
 * that nested call does not reclaim again. */
typedef uint64_t (*frame_reclaim_fn)(uint64_t want);

/* Registers the reclaim hook (NULL: none). frame_init() clears it. */
void frame_set_reclaim_hook(frame_reclaim_fn fn);

/* One frame; FRAME_NONE when none is free and the reclaim hook, if any,
 * could free none. */
paddr_t frame_alloc(void);

/* One frame from the free list only, never reclaiming: for the reclaimer
 * itself (tmem takes its frames here and evicts its own pages when this
 * fails). */
paddr_t frame_alloc_no_reclaim(void);

/* `nframes` physically contiguous frames, aligned to the power of two
 * >= nframes. FRAME_NONE if nframes is 0 or above FRAME_MAX_RUN, or no
 * such run is free. The frames are individually allocated: they may be
 * freed one by one or as runs of any length. */
paddr_t frame_alloc_run(uint64_t nframes);

/* Returns 0, -ERR_INVAL when `pa` is unaligned, not managed or reserved,
 * -ERR_EXIST when it is already free. On error nothing changes. */
int frame_free(paddr_t pa);

/* Frees [pa, pa + nframes frames): every frame must be allocated, else
 * the errors of frame_free() (or -ERR_INVAL for nframes 0 or a range
 * leaving its zone) and nothing is freed. */
int frame_free_run(paddr_t pa, uint64_t nframes);

bool frame_is_free(paddr_t pa);
bool frame_is_allocated(paddr_t pa);

/* tmem reports how many allocated frames currently hold ephemeral data.
 * -ERR_RANGE (and no change) if that exceeds the allocated frames. tmem
 * must lower it before freeing such frames; stats clamp it meanwhile. */
int frame_set_freeable(uint64_t n);

void frame_get_stats(struct frame_stats *out);

/* Free blocks per order (counts[0..FRAME_MAX_ORDER]): how fragmented the
 * free memory is. */
void frame_get_free_blocks(uint64_t counts[FRAME_MAX_ORDER + 1]);

/* Walks every metadata byte and free list and checks they agree with each
 * other and with the counters. O(frames): for debug builds and tests.
 * Returns 0 or -ERR_CORRUPT. */
int frame_verify(void);

#endif
