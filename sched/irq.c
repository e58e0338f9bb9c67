/* See irq.h. */
#include "sched/irq.h"
#include "dev/lapic.h"

static int irq_pending(void *ctx)
{
	return lapic_pending(ctx);
}

static void irq_accept(void *ctx, unsigned vector)
{
	lapic_accept(ctx, vector);
}

const struct event_irq *sched_irq(struct guest *g, uint64_t now, struct event_irq *irq)
{
	struct lapic *l = guest_lapic(g);

	if (!l)
		return 0;
	lapic_update(l, now);
	*irq = (struct event_irq){ .pending = irq_pending, .accept = irq_accept, .ctx = l };
	return irq;
}
