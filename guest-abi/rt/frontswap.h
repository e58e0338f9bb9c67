/* A frontswap-style swap front end: a page swapped out goes to a
 * persistent tmem pool first and to the guest's own swap area only when
 * that put fails (frozen, at maxmem, no memory); swapping in gets it
 * back and flushes it, since the slot is free again. A put that fails
 * for a slot tmem held before flushes the old copy, so stale data can
 * never come back. One swap device per guest; slot = swap slot number. */
#ifndef FALLOW_GUEST_RT_FRONTSWAP_H
#define FALLOW_GUEST_RT_FRONTSWAP_H

#include <stdbool.h>
#include <stdint.h>

#define FS_MAX_SLOTS 32768u

/* The guest's own swap area: write or read one slot. 0 or -FALLOW_E*. */
typedef int (*fs_io_fn)(void *ctx, uint32_t slot, void *page);

struct fs_stats {
	uint64_t tmem_stores, area_stores; /* where swap-outs went */
	uint64_t tmem_loads, area_loads;   /* where swap-ins came from */
	uint64_t put_fails;
	uint64_t frozen;       /* of which refused with EFROZEN */
	int64_t last_put_err;
	uint64_t in_tmem;      /* slots tmem holds now */
	uint64_t shrunk;       /* pages moved to the area by shrinking */
};

/* Self-shrinking options (command-line words, as self-ballooning's):
 * after fs_idle_steps= quiet steps, each step moves 1/fs_shrink_div= of
 * the pages tmem holds to the swap area, giving the persistent frames
 * back to the machine. */
#define FS_IDLE_STEPS_DEFAULT 3u
#define FS_SHRINK_DIV_DEFAULT 4u

/* Creates the persistent pool. Without it every swap-out goes to the
 * area. 0, -FALLOW_ERANGE (nslots 0 or too many) or -FALLOW_ENOMEM. */
int frontswap_init(uint32_t nslots, fs_io_fn area_write, fs_io_fn area_read, void *ctx);

/* Swap-out. 0, or the area's error when tmem and the area both fail. */
int frontswap_store(uint32_t slot, void *page);

/* Swap-in, then the slot is empty. 0, -FALLOW_ENOENT (never stored),
 * the area's error, or -FALLOW_ECORRUPT when tmem lost a persistent page. */
int frontswap_load(uint32_t slot, void *page);

/* Forgets the slot wherever it is. */
void frontswap_invalidate(uint32_t slot);

/* Moves up to n pages from tmem to the area; returns how many moved. */
uint64_t frontswap_shrink(uint64_t n);

/* One self-ballooning step's worth of self-shrinking: call it once per
 * step (selfballoon.c does). Does nothing before frontswap_init. */
void frontswap_selfshrink(void);

const struct fs_stats *frontswap_stats(void);
int64_t frontswap_pool(void);

#endif
