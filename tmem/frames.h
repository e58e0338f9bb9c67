/* The frames tmem holds, by what they hold, and a small cache of spare
 * frames. Every frame tmem took from the platform is counted in exactly
 * one class, so the hypervisor can keep free + freeable + owned == total:
 * ephemeral data, the records that only ephemeral data needs, and spares
 * are freeable (evicting every ephemeral page empties them all);
 * persistent data, its records and the pool records are owned. A frame
 * leaves tmem only after it has been scrubbed. */
#ifndef FALLOW_TMEM_FRAMES_H
#define FALLOW_TMEM_FRAMES_H

#include <stdint.h>

#include "tmem/platform.h"

enum frame_class {
	FRAME_EPH,   /* ephemeral page data (raw or packed compressed) */
	FRAME_PERS,  /* persistent page data */
	FRAME_META,  /* pool records: bounded, charged to no guest */
	FRAME_EMETA, /* records of ephemeral pages (tmem/meta.h) */
	FRAME_PMETA, /* records of persistent pages, charged to their guest */
	FRAME_SPARE, /* emptied but kept for the next put */
	FRAME_CLASSES
};

/* Spares are kept so an exclusive get followed by a put does not scrub
 * and re-fetch a frame every time; they are content that no one can read,
 * and they are the first thing tmem_reclaim hands back. */
#define FRAMES_SPARE_MAX 32

/* A spare frame's first bytes link it to the next one. */
struct spare_frame {
	struct spare_frame *next;
};

struct tmem_frames {
	const struct tmem_platform *plat;
	uint64_t count[FRAME_CLASSES];
	struct spare_frame *spare;
};

void frames_init(struct tmem_frames *f, const struct tmem_platform *plat);
/* A frame for class c: a spare, else one from the platform; NULL if none. */
void *frames_get(struct tmem_frames *f, enum frame_class c);
/* Gives back a frame of class c: kept as a spare while there is room,
 * otherwise scrubbed and returned to the platform. */
void frames_put(struct tmem_frames *f, void *frame, enum frame_class c);
/* Scrubs and returns up to n spares to the platform; returns how many. */
uint64_t frames_release_spares(struct tmem_frames *f, uint64_t n);

static inline uint64_t frames_freeable(const struct tmem_frames *f)
{
	return f->count[FRAME_EPH] + f->count[FRAME_SPARE] + f->count[FRAME_EMETA];
}

static inline uint64_t frames_owned(const struct tmem_frames *f)
{
	return f->count[FRAME_PERS] + f->count[FRAME_META] + f->count[FRAME_PMETA];
}

/* Every metadata frame, whatever it holds. */
static inline uint64_t frames_meta(const struct tmem_frames *f)
{
	return f->count[FRAME_META] + f->count[FRAME_EMETA] + f->count[FRAME_PMETA];
}

#endif
