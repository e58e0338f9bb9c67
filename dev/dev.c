/* See dev.h. Which devices a guest has attached is one bit per table
 * entry in g->dev_attached, set by attach and cleared by detach, so a
 * guest whose creation failed half way detaches exactly what it got. */
#include "dev/dev.h"
#include "guest/guest.h"

static const struct dev_ops *const table[] = {
	&dev_console_ops,
	&dev_disk_ops,
	&dev_x2apic_ops,
};

#define NDEV (sizeof(table) / sizeof(table[0]))

_Static_assert(NDEV <= sizeof(((struct guest *)0)->dev_attached) * 8,
	       "one bit of dev_attached per device");

static bool attached(const struct guest *g, unsigned i)
{
	return g->dev_attached & (1u << i);
}

int dev_attach_all(struct guest *g, char *why, size_t whylen)
{
	for (unsigned i = 0; i < NDEV; i++) {
		const struct dev_ops *d = table[i];
		int err;

		if (d->wanted && !d->wanted(g))
			continue;
		if (d->attach && (err = d->attach(g, why, whylen)))
			return err;
		g->dev_attached |= 1u << i;
	}
	return 0;
}

void dev_detach_all(struct guest *g)
{
	for (unsigned i = NDEV; i-- > 0;) {
		if (!attached(g, i))
			continue;
		if (table[i]->detach)
			table[i]->detach(g);
		g->dev_attached &= ~(1u << i);
	}
}

uint64_t dev_frames(const struct guest *g)
{
	uint64_t n = 0;

	for (unsigned i = 0; i < NDEV; i++)
		if (attached(g, i) && table[i]->frames)
			n += table[i]->frames(g);
	return n;
}

void dev_print_started(const struct guest *g)
{
	for (unsigned i = 0; i < NDEV; i++)
		if (attached(g, i) && table[i]->print_started)
			table[i]->print_started(g);
}

void dev_print_stats(const struct guest *g)
{
	for (unsigned i = 0; i < NDEV; i++)
		if (table[i]->stats)
			table[i]->stats(g);
}

const struct dev_ports *dev_find_port(const struct guest *g, uint16_t port)
{
	for (unsigned i = 0; i < NDEV; i++) {
		if (!attached(g, i))
			continue;
		for (unsigned r = 0; r < table[i]->nports; r++) {
			const struct dev_ports *p = &table[i]->ports[r];

			if (port >= p->first && port <= p->last)
				return p;
		}
	}
	return 0;
}

const struct dev_msrs *dev_find_msr(const struct guest *g, uint32_t msr)
{
	for (unsigned i = 0; i < NDEV; i++) {
		if (!attached(g, i))
			continue;
		for (unsigned r = 0; r < table[i]->nmsrs; r++) {
			const struct dev_msrs *m = &table[i]->msrs[r];

			if (msr >= m->first && msr <= m->last)
				return m;
		}
	}
	return 0;
}
