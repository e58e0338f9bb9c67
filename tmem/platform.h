/* What tmem needs from the machine it runs on: frames, a lock and a clock.
 * The hypervisor passes its frame allocator (frames mapped 1:1, so a frame
 * is handed over as the pointer phys_to_virt() gives); host tests and
 * benchmarks pass an arena. */
#ifndef FALLOW_TMEM_PLATFORM_H
#define FALLOW_TMEM_PLATFORM_H

#include <stdint.h>

#define TMEM_PAGE_SIZE 4096u

struct tmem_platform {
	void *ctx;
	/* One TMEM_PAGE_SIZE frame aligned to TMEM_PAGE_SIZE, or NULL when
	 * none is free. Must never call back into tmem (in particular not
	 * tmem_reclaim): tmem evicts its own pages when this fails. */
	void *(*frame_alloc)(void *ctx);
	/* Takes back a frame; tmem has already scrubbed it. */
	void (*frame_free)(void *ctx, void *frame);
	/* Serialise every tmem entry point; may be NULL when single-threaded. */
	void (*lock)(void *ctx);
	void (*unlock)(void *ctx);
	/* Monotonic time in any unit, for stats lines; may be NULL. */
	uint64_t (*now)(void *ctx);
};

#endif
