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

void tmem_glue_stats_global(void)
{
	struct tmem *t = tmem_glue();
	struct tmem_totals tot;
	const struct tmem_frame_counts *f = &tot.frames;

	if (!t) {
		kprintf(" puts=0 gets=0 hits=0 misses=0 evictions=0 dedup=0 comp_pct=100"
			" persistent=0 ephemeral=0");
		return;
	}
	tmem_totals(t, &tot);
	kprintf(" puts=%llu gets=%llu hits=%llu misses=%llu evictions=%llu"
		" dedup=%llu comp_pct=%llu persistent=%llu ephemeral=%llu eph_frames=%llu"
		" pers_frames=%llu meta_frames=%llu eph_meta_frames=%llu pers_meta_frames=%llu"
		" reclaimed=%llu",
		ull(tot.ops.puts), ull(tot.ops.gets), ull(tot.ops.hits), ull(tot.ops.misses),
		ull(tot.ops.evictions), ull(tot.data.dedup_hits), ull(tmem_comp_pct(&tot.data)),
		ull(tot.pages[TMEM_PERS]), ull(tot.pages[TMEM_EPH]), ull(f->eph), ull(f->pers),
		ull(f->records), ull(f->emeta), ull(f->pmeta), ull(tot.reclaimed));
}

/* Guest g's client's counters: false when it has none (no tmem yet, or
 * not running). */
static bool client_of(const struct guest *g, struct tmem_client_info *ci)
{
	struct tmem *t = tmem_glue();

	return t && g->id < GUEST_MAX && !tmem_client_info(t, g->id, ci);
}

void tmem_glue_stats_guest(const struct guest *g)
{
	struct tmem_client_info c;

	if (!client_of(g, &c))
		return;
	kprintf(" persistent=%llu ephemeral=%llu hits=%llu misses=%llu puts=%llu put_fails=%llu"
		" evicted=%llu eph_frames=%llu eph_meta_frames=%llu pers_meta_frames=%llu",
		ull(c.pages[TMEM_PERS]), ull(c.pages[TMEM_EPH]), ull(c.ops.hits),
		ull(c.ops.misses), ull(c.ops.puts), ull(c.ops.put_fails),
		ull(c.ops.evictions), ull(c.frames[TMEM_EPH]),
		ull(c.meta_frames[TMEM_EPH]), ull(c.meta_frames[TMEM_PERS]));
}

void tmem_glue_print_pools(const struct guest *g)
{
	struct tmem *t = tmem_glue();
	struct tmem_client_info ci;
	char line[POOL_LINE];
	unsigned n = 0;

	if (!client_of(g, &ci)) {
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
	struct tmem_client_info ci;
	unsigned order[GUEST_MAX], n = 0;
	uint64_t eph[GUEST_MAX];

	if (!tmem_glue())
		return;
	for (unsigned i = 0; i < GUEST_MAX; i++)
		if (guests[i].state == GUEST_RUNNABLE && client_of(&guests[i], &ci)) {
			eph[i] = ci.pages[TMEM_EPH];
			order[n++] = i;
		}
	if (n < 2)
		return;
	/* Insertion sort, most pages first; ties keep slot order. */
	for (unsigned i = 1; i < n; i++) {
		unsigned v = order[i], j = i;

		for (; j > 0 && eph[order[j - 1]] < eph[v]; j--)
			order[j] = order[j - 1];
		order[j] = v;
	}
	kprintf("tmem: ephemeral order:");
	for (unsigned i = 0; i < n; i++) {
		uint64_t pages = eph[order[i]];

		if (i)
			kprintf(" %s", eph[order[i - 1]] > pages ? ">" : "=");
		kprintf(" %s(w=%u)=%llu", guests[order[i]].cfg.name, guests[order[i]].cfg.weight,
			ull(pages));
	}
	kprintf("\n");
}
