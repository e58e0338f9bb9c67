/* The vLAPIC timer. One field says when it fires next (timer_fire, a
 * TSC value), whatever the mode: the scheduler arms the VMX-preemption
 * timer for it and lapic_update() turns an expiry into an IRR bit. The
 * count registers are derived from it, so nothing ticks while the guest
 * is not running and the current count is exact whenever it is read.
 * One count lasts divisor * 2^clock_shift TSC ticks. */
#include "dev/lapic_timer.h"
#include "lib/err.h"

#define LVT_TIMER_WRITABLE 0x700ffu /* vector, mask, mode (bits 18:17) */
#define LVT_DELIVERY_STATUS (1u << 12) /* read-only; written bits ignored */
#define LVT_VECTOR_MASK 0xffu
#define LVT_TIMER_MODE(v) (((v) >> 17) & 0x3u)
#define DIVIDE_WRITABLE 0xbu /* bits 0, 1 and 3 */
#define DIVIDE_BY_1_CODE 7u

enum timer_mode { MODE_ONE_SHOT = 0, MODE_PERIODIC = 1, MODE_TSC_DEADLINE = 2,
		  MODE_RESERVED = 3 };

static unsigned mode(const struct lapic *l)
{
	return LVT_TIMER_MODE(l->lvt_timer);
}

/* TSC ticks per count: divide codes 0-6 are 2..128, code 7 is 1. */
static uint64_t count_ticks(const struct lapic *l, uint32_t divide)
{
	unsigned code = (divide & 0x3u) | ((divide >> 1) & 0x4u);
	uint64_t divisor = code == DIVIDE_BY_1_CODE ? 1 : 2ull << code;

	return divisor << l->clock_shift;
}

void lapic_update(struct lapic *l, uint64_t now)
{
	if (!l->timer_fire || now < l->timer_fire)
		return;
	l->timer_expiries++;
	if (!(l->lvt_timer & LAPIC_LVT_MASKED))
		lapic_raise(l, l->lvt_timer & LVT_VECTOR_MASK);
	if (mode(l) == MODE_PERIODIC && l->timer_initial) {
		/* Periods missed while the guest was not running fold into
		 * the one IRR bit, as they would on a busy CPU. */
		uint64_t period = l->timer_initial * count_ticks(l, l->timer_divide);
		uint64_t missed = (now - l->timer_fire) / period;

		l->timer_start = l->timer_fire + missed * period;
		l->timer_fire = l->timer_start + period;
		return;
	}
	l->timer_fire = 0;
	if (mode(l) == MODE_TSC_DEADLINE)
		l->tsc_deadline = 0;
}

uint64_t lapic_next_fire(const struct lapic *l)
{
	return l->timer_fire;
}

uint32_t lapic_timer_current(const struct lapic *l, uint64_t now)
{
	if (mode(l) == MODE_TSC_DEADLINE || !l->timer_fire || now >= l->timer_fire)
		return 0;
	uint64_t ticks = count_ticks(l, l->timer_divide);
	uint64_t count = (l->timer_fire - now + ticks - 1) / ticks;

	return count > l->timer_initial ? l->timer_initial : (uint32_t)count;
}

static void arm_count(struct lapic *l, uint32_t count, uint64_t now)
{
	l->timer_start = now;
	l->timer_fire = count ? now + count * count_ticks(l, l->timer_divide) : 0;
}

int lapic_timer_write_lvt(struct lapic *l, uint64_t v, uint64_t now)
{
	uint32_t value = (uint32_t)v & ~LVT_DELIVERY_STATUS;
	unsigned old = mode(l);

	(void)now;
	if (v & ~(uint64_t)(LVT_TIMER_WRITABLE | LVT_DELIVERY_STATUS) ||
	    LVT_TIMER_MODE(value) == MODE_RESERVED)
		return -ERR_INVAL;
	if (!lapic_enabled(l))
		value |= LAPIC_LVT_MASKED;
	l->lvt_timer = value;
	/* Into or out of TSC-deadline mode disarms (SDM 10.5.4.1); between
	 * one-shot and periodic the count runs on. */
	if ((old == MODE_TSC_DEADLINE) != (mode(l) == MODE_TSC_DEADLINE)) {
		l->timer_fire = 0;
		l->tsc_deadline = 0;
	}
	return 0;
}

void lapic_timer_write_initial(struct lapic *l, uint32_t count, uint64_t now)
{
	if (mode(l) == MODE_TSC_DEADLINE) /* ignored in that mode */
		return;
	l->timer_initial = count;
	arm_count(l, count, now);
}

/* A new divisor applies to the counts still to go. */
int lapic_timer_write_divide(struct lapic *l, uint64_t v, uint64_t now)
{
	if (v & ~(uint64_t)DIVIDE_WRITABLE)
		return -ERR_INVAL;
	uint32_t left = lapic_timer_current(l, now);

	l->timer_divide = (uint32_t)v;
	if (left)
		l->timer_fire = now + left * count_ticks(l, l->timer_divide);
	return 0;
}

/* Outside TSC-deadline mode writes are ignored (and it reads 0). */
void lapic_timer_write_deadline(struct lapic *l, uint64_t tsc)
{
	if (mode(l) != MODE_TSC_DEADLINE)
		return;
	l->tsc_deadline = tsc;
	l->timer_fire = tsc;
}
