/* The getters: counters copied out under the lock, so callers (the
 * stats lines, the hypervisor's accounting and console) never read
 * struct tmem, its clients or their frames directly. */
#include "tmem/tmem.h"

#include "lib/err.h"
#include "tmem/lock.h"

static void frame_counts_locked(const struct tmem *t, struct tmem_frame_counts *out)
{
	const struct tmem_frames *f = &t->frames;

	out->eph = f->count[FRAME_EPH];
	out->pers = f->count[FRAME_PERS];
	out->meta = f->count[FRAME_META];
	out->emeta = f->count[FRAME_EMETA];
	out->pmeta = f->count[FRAME_PMETA];
	out->spare = f->count[FRAME_SPARE];
	out->freeable = frames_freeable(f);
	out->owned = frames_owned(f);
	out->records = frames_meta(f);
}

void tmem_frame_counts(struct tmem *t, struct tmem_frame_counts *out)
{
	tmem_lock(t);
	frame_counts_locked(t, out);
	tmem_unlock(t);
}

void tmem_totals(struct tmem *t, struct tmem_totals *out)
{
	tmem_lock(t);
	*out = (struct tmem_totals){ .reclaimed = t->reclaimed, .ops = t->ops,
				     .data = t->data };
	for (unsigned i = 0; i < TMEM_MAX_CLIENTS; i++) {
		const struct tmem_client *c = &t->clients[i];

		if (!c->active)
			continue;
		out->clients++;
		out->zframes += c->zframes;
		out->zbytes += c->zbytes;
		for (int k = 0; k < TMEM_KINDS; k++)
			out->pages[k] += c->pages[k];
	}
	frame_counts_locked(t, &out->frames);
	tmem_unlock(t);
}

int tmem_client_info(struct tmem *t, unsigned cid, struct tmem_client_info *out)
{
	const struct tmem_client *c;
	int err = 0;

	tmem_lock(t);
	c = client_lookup(t, cid, &err);
	if (c) {
		*out = (struct tmem_client_info){
			.cfg = c->cfg, .pers_charge = meta_pers_charge(c),
			.zframes = c->zframes, .zbytes = c->zbytes,
			.ops = c->ops, .data = c->data,
		};
		for (int k = 0; k < TMEM_KINDS; k++) {
			out->pages[k] = c->pages[k];
			out->frames[k] = c->frames[k];
			out->meta_frames[k] = c->meta_frames[k];
		}
	}
	tmem_unlock(t);
	return err;
}
