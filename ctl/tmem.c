/* tmem on the console: the keys it adds to `stats:` lines and the
 * `pools NAME` command. Values are pages or counts, key=value, so
 * tools/ can parse them; nothing here repeats the machine line's
 * total/free/freeable/owned keys. */
#include "ctl/ctl.h"
#include "lib/fmt.h"
#include "vmx/hv.h"
#include "guest/tmem_client.h"

#define POOL_LINE 320

static unsigned long long ull(uint64_t v)
{
	return (unsigned long long)v;
}

/* Compressed bytes per 100 stored (100: nothing compressed). */
static uint64_t comp_pct(const struct tmem_data_stats *d)
{
	return d->comp_in ? d->comp_out * 100 / d->comp_in : 100;
}

void tmem_glue_stats_global(void)
{
	struct tmem *t = tmem_glue();
	uint64_t eph = 0, pers = 0;

	if (!t) {
		kprintf(" puts=0 gets=0 hits=0 misses=0 evictions=0 dedup=0 comp_pct=100"
			" persistent=0 ephemeral=0");
		return;
	}
	for (unsigned i = 0; i < TMEM_MAX_CLIENTS; i++) {
		if (t->clients[i].active) {
			eph += t->clients[i].pages[TMEM_EPH];
			pers += t->clients[i].pages[TMEM_PERS];
		}
	}
	kprintf(" puts=%llu gets=%llu hits=%llu misses=%llu evictions=%llu"
		" dedup=%llu comp_pct=%llu persistent=%llu ephemeral=%llu eph_frames=%llu"
		" pers_frames=%llu meta_frames=%llu eph_meta_frames=%llu pers_meta_frames=%llu"
		" reclaimed=%llu",
		ull(t->ops.puts), ull(t->ops.gets), ull(t->ops.hits), ull(t->ops.misses),
		ull(t->ops.evictions), ull(t->data.dedup_hits), ull(comp_pct(&t->data)),
		ull(pers), ull(eph), ull(t->frames.count[FRAME_EPH]),
		ull(t->frames.count[FRAME_PERS]), ull(frames_meta(&t->frames)),
		ull(t->frames.count[FRAME_EMETA]), ull(t->frames.count[FRAME_PMETA]),
		ull(t->reclaimed));
}

void tmem_glue_stats_guest(const struct guest *g)
{
	struct tmem *t = tmem_glue();
	const struct tmem_client *c;

	if (!t || g->id >= GUEST_MAX || !t->clients[g->id].active)
		return;
	c = &t->clients[g->id];
	kprintf(" persistent=%llu ephemeral=%llu hits=%llu misses=%llu puts=%llu put_fails=%llu"
		" evicted=%llu eph_frames=%llu eph_meta_frames=%llu pers_meta_frames=%llu",
		ull(c->pages[TMEM_PERS]), ull(c->pages[TMEM_EPH]), ull(c->ops.hits),
		ull(c->ops.misses), ull(c->ops.puts), ull(c->ops.put_fails),
		ull(c->ops.evictions), ull(c->frames[TMEM_EPH]),
		ull(c->meta_frames[TMEM_EPH]), ull(c->meta_frames[TMEM_PERS]));
}

void tmem_glue_print_pools(const struct guest *g)
{
	struct tmem *t = tmem_glue();
	char line[POOL_LINE];
	unsigned n = 0;

	if (!t || g->id >= GUEST_MAX || !t->clients[g->id].active) {
		ctl_error("guest %s has no tmem client (not running)", g->cfg.name);
		return;
	}
	for (unsigned id = 0; id < TMEM_MAX_POOLS; id++) {
		if (tmem_stats_pool(t, g->id, id, line, sizeof(line)) < 0)
			continue;
		kprintf("pool: guest=%s %s\n", g->cfg.name, line);
		n++;
	}
	kprintf("pools: guest=%s count=%u frozen=%u\n", g->cfg.name, n, g->frozen ? 1u : 0u);
}

void ctl_cmd_pools(const struct ctl_args *a)
{
	struct guest *g = ctl_guest(&a->w[1]);

	if (g)
		tmem_glue_print_pools(g);
}

/* One line ranking the running guests by the ephemeral pages tmem holds
 * for them, with their weights, so a run can check in one regex that a
 * heavier guest kept more: `tmem: ephemeral order: a(w=4)=900 > b(w=1)=200`
 * (`=` between equal counts). Nothing with fewer than two clients. */
void tmem_glue_stats_order(void)
{
	struct tmem *t = tmem_glue();
	unsigned order[GUEST_MAX], n = 0;

	if (!t)
		return;
	for (unsigned i = 0; i < GUEST_MAX; i++)
		if (guests[i].state == GUEST_RUNNABLE && t->clients[i].active)
			order[n++] = i;
	if (n < 2)
		return;
	/* Insertion sort, most pages first; ties keep slot order. */
	for (unsigned i = 1; i < n; i++) {
		unsigned v = order[i], j = i;

		for (; j > 0 && t->clients[order[j - 1]].pages[TMEM_EPH] <
				       t->clients[v].pages[TMEM_EPH]; j--)
			order[j] = order[j - 1];
		order[j] = v;
	}
	kprintf("tmem: ephemeral order:");
	for (unsigned i = 0; i < n; i++) {
		uint64_t pages = t->clients[order[i]].pages[TMEM_EPH];

		if (i)
			kprintf(" %s", t->clients[order[i - 1]].pages[TMEM_EPH] > pages ? ">" : "=");
		kprintf(" %s(w=%u)=%llu", guests[order[i]].cfg.name, guests[order[i]].cfg.weight,
			ull(pages));
	}
	kprintf("\n");
}
