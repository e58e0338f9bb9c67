#include "tmem/zpage.h"

#include "lib/err.h"
#include "tmem/evict.h"
#include "tmem/lz4.h"
#include "tmem/mem.h"
#include "tmem/store.h"
#include "tmem/tmem.h"

static struct zchunk *chunk_at(const struct zframe *zf, uint16_t off)
{
	return (struct zchunk *)(void *)(zf->frame + off);
}

const void *zpage_bytes(const struct zframe *zf, uint16_t off)
{
	return zf->frame + off + sizeof(struct zchunk);
}

/* A new open zframe for c, replacing the one that had no room. */
static struct zframe *zframe_open(struct tmem *t, struct tmem_client *c,
				  int kind, int *err)
{
	void *frame = data_frame_get(t, c, kind, err);
	struct zframe *zf;

	if (!frame)
		return NULL;
	/* Getting the frame may have evicted the old open zframe's pages,
	 * which frees it and clears c->open[kind]; either way it is closed. */
	zf = slab_alloc(&meta_data_set(t, client_id(t, c), kind)->zframes);
	zf->frame = frame;
	zf->client = (uint16_t)client_id(t, c);
	zf->kind = (uint8_t)kind;
	c->open[kind] = zf;
	c->zframes++;
	return zf;
}

int zpage_store(struct tmem *t, struct tmem_client *c, int kind,
		const void *data, uint32_t len, struct tmem_lru *owner,
		struct zframe **zfp, uint16_t *off)
{
	uint32_t span = zchunk_span(len);
	struct zframe *zf = c->open[kind];
	struct zchunk *ch;
	int err = 0;

	if (!zf || zf->top + span > TMEM_PAGE_SIZE) {
		zf = zframe_open(t, c, kind, &err);
		if (!zf)
			return err;
	}
	ch = chunk_at(zf, zf->top);
	ch->owner = owner;
	ch->len = (uint16_t)len;
	ch->live = 1;
	mem_copy(ch + 1, data, len);
	*zfp = zf;
	*off = zf->top;
	zf->top = (uint16_t)(zf->top + span);
	zf->nlive++;
	zf->live = (uint16_t)(zf->live + span);
	c->zbytes += span;
	return 0;
}

void zpage_set_owner(struct zframe *zf, uint16_t off, struct tmem_lru *owner)
{
	chunk_at(zf, off)->owner = owner;
}

int zpage_load(struct zframe *zf, uint16_t off, uint16_t len, void *page)
{
	long n = lz4_decompress(zpage_bytes(zf, off), len, page, TMEM_PAGE_SIZE);

	return n == TMEM_PAGE_SIZE ? 0 : -ERR_CORRUPT;
}

void zpage_release(struct tmem *t, struct zframe *zf, uint16_t off)
{
	struct zchunk *ch = chunk_at(zf, off);
	struct tmem_client *c = &t->clients[zf->client];
	uint32_t span = zchunk_span(ch->len);

	ch->live = 0;
	ch->owner = NULL;
	zf->nlive--;
	zf->live = (uint16_t)(zf->live - span);
	c->zbytes -= span;
	if (off + span == zf->top)
		zf->top = off; /* the top chunk's space is reusable at once */
	if (zf->nlive)
		return;
	if (c->open[zf->kind] == zf)
		c->open[zf->kind] = NULL;
	c->zframes--;
	data_frame_put(t, zf->frame, zf->client, zf->kind);
	slab_free(&meta_data_set(t, zf->client, zf->kind)->zframes, zf);
}

void zpage_evict_frame(struct tmem *t, struct zframe *zf)
{
	unsigned left = zf->nlive;
	uint16_t off = 0;

	/* Each eviction releases exactly one chunk; the last one frees zf,
	 * so zf is not touched after it. */
	while (left) {
		struct zchunk *ch = chunk_at(zf, off);
		struct tmem_lru *owner = ch->owner;

		off = (uint16_t)(off + zchunk_span(ch->len));
		if (!ch->live)
			continue;
		left--;
		evict_entry(t, owner);
	}
}
