/* The `key=value` lines: one per pool, per client and for the whole
 * pool, so console tools can parse them. */
#include "lib/err.h"
#include "lib/fmt.h"
#include "tmem/lock.h"
#include "tmem/tmem.h"

typedef unsigned long long ull;

/* The counters every level has, appended at buf+len. */
static size_t fmt_ops(char *buf, size_t size, size_t len, const struct tmem_op_stats *s)
{
	return len + fmt_snprintf(buf + (len < size ? len : size),
				  len < size ? size - len : 0,
				  " puts=%llu gets=%llu hits=%llu misses=%llu flushes=%llu"
				  " obj_flushes=%llu dup_puts=%llu evictions=%llu put_fails=%llu",
				  (ull)s->puts, (ull)s->gets, (ull)s->hits, (ull)s->misses,
				  (ull)s->flushes, (ull)s->obj_flushes, (ull)s->dup_puts,
				  (ull)s->evictions, (ull)s->put_fails);
}

static size_t fmt_data(char *buf, size_t size, size_t len, const struct tmem_data_stats *d)
{
	return len + fmt_snprintf(buf + (len < size ? len : size),
				  len < size ? size - len : 0,
				  " dedup_hits=%llu compressed=%llu comp_pct=%llu poor=%llu",
				  (ull)d->dedup_hits, (ull)d->compressed, (ull)tmem_comp_pct(d),
				  (ull)d->poor);
}

static int finish(size_t len)
{
	return len > (size_t)INT32_MAX ? -ERR_RANGE : (int)len;
}

/* Bytes of packed frames that hold no live compressed page. */
static ull zfrag(uint64_t zframes, uint64_t zbytes)
{
	return (ull)(zframes * TMEM_PAGE_SIZE - zbytes);
}

int tmem_stats_global(struct tmem *t, char *buf, size_t size)
{
	struct tmem_totals tot;
	const struct tmem_frame_counts *f = &tot.frames;
	size_t len;

	tmem_totals(t, &tot);
	len = fmt_snprintf(buf, size, "tmem clients=%u pages=%llu", tot.clients,
			   (ull)(tot.pages[TMEM_EPH] + tot.pages[TMEM_PERS]));
	len = fmt_ops(buf, size, len, &tot.ops);
	len = fmt_data(buf, size, len, &tot.data);
	len += fmt_snprintf(buf + (len < size ? len : size), len < size ? size - len : 0,
			    " freeable=%llu owned=%llu eph_frames=%llu pers_frames=%llu"
			    " meta_frames=%llu eph_meta_frames=%llu pers_meta_frames=%llu"
			    " spare_frames=%llu zframes=%llu zfrag=%llu reclaimed=%llu",
			    (ull)f->freeable, (ull)f->owned, (ull)f->eph, (ull)f->pers,
			    (ull)f->records, (ull)f->emeta, (ull)f->pmeta, (ull)f->spare,
			    (ull)tot.zframes, zfrag(tot.zframes, tot.zbytes),
			    (ull)tot.reclaimed);
	return finish(len);
}

int tmem_stats_client(struct tmem *t, unsigned cid, char *buf, size_t size)
{
	struct tmem_client_info c;
	int err = tmem_client_info(t, cid, &c);
	size_t len;

	if (err)
		return err;
	len = fmt_snprintf(buf, size, "tmem client=%u weight=%u eph_pages=%llu pers_pages=%llu",
			   cid, c.cfg.weight, (ull)c.pages[TMEM_EPH], (ull)c.pages[TMEM_PERS]);
	len = fmt_ops(buf, size, len, &c.ops);
	len = fmt_data(buf, size, len, &c.data);
	len += fmt_snprintf(buf + (len < size ? len : size), len < size ? size - len : 0,
			    " eph_frames=%llu pers_frames=%llu eph_meta_frames=%llu"
			    " pers_meta_frames=%llu zframes=%llu zfrag=%llu",
			    (ull)c.frames[TMEM_EPH], (ull)c.frames[TMEM_PERS],
			    (ull)c.meta_frames[TMEM_EPH], (ull)c.meta_frames[TMEM_PERS],
			    (ull)c.zframes, zfrag(c.zframes, c.zbytes));
	return finish(len);
}

int tmem_stats_pool(struct tmem *t, unsigned cid, unsigned pool, char *buf, size_t size)
{
	struct tmem_client *c;
	struct tmem_pool *p = NULL;
	int err = 0;
	size_t len;

	tmem_lock(t);
	c = client_lookup(t, cid, &err);
	if (c)
		p = pool_lookup(c, pool, &err);
	if (!p) {
		tmem_unlock(t);
		return err;
	}
	len = fmt_snprintf(buf, size, "tmem client=%u pool=%u kind=%s shared=%u objects=%llu pages=%llu",
			   cid, pool, pool_kind(p) == TMEM_PERS ? "persistent" : "ephemeral",
			   (p->flags & TMEM_POOL_SHARED) ? 1u : 0u,
			   (ull)p->nobjs, (ull)p->npages);
	len = fmt_ops(buf, size, len, &p->ops);
	tmem_unlock(t);
	return finish(len);
}
