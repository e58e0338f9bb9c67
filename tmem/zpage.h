/* Compressed pages packed several to a frame ("zframe").
 *
 * A zframe is filled front to back: each chunk is a header (its owner
 * and length) followed by the compressed bytes. Space is not reused until
 * the last chunk goes (only the top chunk's space is taken back at once);
 * the bytes lost that way are reported as fragmentation. Every zframe
 * belongs to one client and one kind (ephemeral or persistent), so a
 * frame is wholly freeable or wholly owned and is charged to one client.
 * Reclaim evicts a zframe whole: every page in it goes. */
#ifndef FALLOW_TMEM_ZPAGE_H
#define FALLOW_TMEM_ZPAGE_H

#include <stdint.h>

#include "tmem/lru.h"

struct zframe {
	uint8_t *frame;
	uint16_t top;    /* first free byte */
	uint16_t nlive;  /* live chunks */
	uint16_t live;   /* bytes in live chunks, headers included */
	uint16_t client;
	uint8_t kind;    /* TMEM_EPH or TMEM_PERS */
};

/* In the frame, before each chunk's data. */
struct zchunk {
	struct tmem_lru *owner; /* page or blob whose data this is */
	uint16_t len;           /* compressed bytes */
	uint16_t live;
	uint32_t reserved;
};

#define ZCHUNK_ALIGN 8u

static inline uint32_t zchunk_span(uint32_t len)
{
	return ((uint32_t)sizeof(struct zchunk) + len + ZCHUNK_ALIGN - 1) & ~(ZCHUNK_ALIGN - 1);
}

struct tmem;
struct tmem_client;

/* Stores len compressed bytes for owner in a zframe of client c. May
 * evict to get a frame. Returns 0 or a negative error; on success *zf and
 * *off say where. */
int zpage_store(struct tmem *t, struct tmem_client *c, int kind,
		const void *data, uint32_t len, struct tmem_lru *owner,
		struct zframe **zf, uint16_t *off);
void zpage_set_owner(struct zframe *zf, uint16_t off, struct tmem_lru *owner);
/* Decompresses the chunk into a page; 0 or -ERR_CORRUPT. */
int zpage_load(struct zframe *zf, uint16_t off, uint16_t len, void *page);
const void *zpage_bytes(const struct zframe *zf, uint16_t off);
void zpage_release(struct tmem *t, struct zframe *zf, uint16_t off);
/* Evicts every page whose data is in zf; zf is gone afterwards. */
void zpage_evict_frame(struct tmem *t, struct zframe *zf);

#endif
