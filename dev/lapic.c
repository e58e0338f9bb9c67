/* See lapic.h. Registers are named by their xAPIC MMIO offset / 16, the
 * x2APIC MSR's low byte (SDM vol. 3A, table 10-6). In x2APIC mode a
 * reserved bit set, a read of a write-only register, a write of a
 * read-only one or a register that does not exist is #GP: every such
 * case returns an error here. The timer lives in lapic_timer.c. */
#include "dev/lapic.h"
#include "arch/x86_64/msr.h"
#include "dev/lapic_timer.h"
#include "lib/err.h"

enum lapic_reg {
	REG_ID = 0x02, REG_VERSION = 0x03, REG_TPR = 0x08, REG_PPR = 0x0a,
	REG_EOI = 0x0b, REG_LDR = 0x0d, REG_SVR = 0x0f,
	REG_ISR0 = 0x10, REG_TMR0 = 0x18, REG_IRR0 = 0x20, REG_ESR = 0x28,
	REG_ICR = 0x30, REG_LVT_TIMER = 0x32, REG_LVT_THERMAL = 0x33,
	REG_LVT_PMC = 0x34, REG_LVT_LINT0 = 0x35, REG_LVT_LINT1 = 0x36,
	REG_LVT_ERROR = 0x37, REG_TIMER_INITIAL = 0x38, REG_TIMER_CURRENT = 0x39,
	REG_TIMER_DIVIDE = 0x3e, REG_SELF_IPI = 0x3f,
};

/* Version register: integrated APIC version 0x14, six LVT entries
 * (timer, thermal, PMC, LINT0, LINT1, error: "max LVT entry" 5), no
 * EOI-broadcast suppression. */
#define VERSION_VALUE (0x14u | (5u << 16))
#define SVR_RESET 0xffu
#define SVR_WRITABLE 0x3ffu /* vector, APIC software enable, focus check */
#define LVT_THERMAL_WRITABLE 0x107ffu /* vector, delivery mode, mask */
#define LVT_LINT_WRITABLE 0x1a7ffu    /* and polarity, trigger mode */
#define LVT_LINT_READ_ONLY 0x5000u    /* delivery status, remote IRR */
#define LVT_ERROR_WRITABLE 0x100ffu   /* vector, mask */
#define TPR_WRITABLE 0xffu
#define VECTOR_MASK 0xffu
#define PRIORITY_CLASS(v) ((v) >> 4)
#define ESR_RECEIVE_ILLEGAL_VECTOR (1u << 6)
#define FIRST_LEGAL_VECTOR 16u
/* ICR (SDM 10.12.9): vector, delivery mode, destination mode, level,
 * trigger, shorthand, 32-bit destination; the rest is reserved. */
#define ICR_WRITABLE 0xffffffff000ccfffull
#define ICR_DELIVERY_MODE(v) (((v) >> 8) & 0x7u)
#define ICR_DEST_LOGICAL (1ull << 11)
#define ICR_SHORTHAND(v) (((v) >> 18) & 0x3u)
#define ICR_DEST(v) ((uint32_t)((v) >> 32))
#define ICR_MODE_FIXED 0u
#define ICR_SHORTHAND_NONE 0u
#define ICR_SHORTHAND_SELF 1u
#define ICR_SHORTHAND_ALL 2u
#define APIC_BASE_VALUE (APIC_BASE_DEFAULT | APIC_BASE_EN | APIC_BASE_EXTD | APIC_BASE_BSP)

unsigned lapic_clock_shift(uint64_t tsc_hz)
{
	unsigned shift = 0;

	while ((tsc_hz >> shift) > UINT32_MAX)
		shift++;
	return shift;
}

void lapic_reset(struct lapic *l, uint32_t id, unsigned clock_shift)
{
	*l = (struct lapic){
		.id = id,
		.svr = SVR_RESET,
		.lvt_timer = LAPIC_LVT_MASKED,
		.lvt_thermal = LAPIC_LVT_MASKED,
		.lvt_pmc = LAPIC_LVT_MASKED,
		.lvt_lint0 = LAPIC_LVT_MASKED,
		.lvt_lint1 = LAPIC_LVT_MASKED,
		.lvt_error = LAPIC_LVT_MASKED,
		.clock_shift = clock_shift,
	};
}

bool lapic_owns_msr(uint32_t msr)
{
	return msr == MSR_IA32_APIC_BASE || msr == MSR_IA32_TSC_DEADLINE ||
	       (msr >= MSR_X2APIC_FIRST && msr <= MSR_X2APIC_LAST);
}

bool lapic_enabled(const struct lapic *l)
{
	return l->svr & LAPIC_SVR_ENABLE;
}

/* The highest vector set in a 256-bit register, or -1. */
static int highest(const uint32_t *words)
{
	for (int w = LAPIC_VECTOR_WORDS - 1; w >= 0; w--)
		if (words[w])
			return w * 32 + 31 - __builtin_clz(words[w]);
	return -1;
}

static uint32_t ppr(const struct lapic *l)
{
	int isrv = highest(l->isr);
	uint32_t in_service = isrv < 0 ? 0 : (uint32_t)isrv;

	if (PRIORITY_CLASS(l->tpr) >= PRIORITY_CLASS(in_service))
		return l->tpr;
	return in_service & 0xf0u;
}

void lapic_raise(struct lapic *l, unsigned vector)
{
	vector &= VECTOR_MASK;
	if (vector < FIRST_LEGAL_VECTOR) {
		l->esr_new |= ESR_RECEIVE_ILLEGAL_VECTOR;
		return;
	}
	l->irr[vector / 32] |= 1u << (vector % 32);
}

int lapic_pending(const struct lapic *l)
{
	int irrv = highest(l->irr);

	if (irrv < 0 || !lapic_enabled(l))
		return -1;
	return PRIORITY_CLASS((uint32_t)irrv) > PRIORITY_CLASS(ppr(l)) ? irrv : -1;
}

void lapic_accept(struct lapic *l, unsigned vector)
{
	vector &= VECTOR_MASK;
	l->irr[vector / 32] &= ~(1u << (vector % 32));
	l->isr[vector / 32] |= 1u << (vector % 32);
	l->delivered++;
}

uint64_t lapic_cr8(const struct lapic *l)
{
	return PRIORITY_CLASS(l->tpr);
}

void lapic_set_cr8(struct lapic *l, uint64_t cr8)
{
	l->tpr = (uint32_t)(cr8 << 4) & TPR_WRITABLE;
}

static void eoi(struct lapic *l)
{
	int v = highest(l->isr);

	if (v >= 0)
		l->isr[v / 32] &= ~(1u << (v % 32));
}

/* Fixed-mode IPIs to this APIC are the only ones with a receiver: the
 * guest has one CPU. Others (INIT, SIPI, NMI, other destinations) go
 * nowhere, as on a machine where no such CPU answers. */
static void send_ipi(struct lapic *l, uint64_t icr)
{
	unsigned shorthand = ICR_SHORTHAND(icr);
	bool to_self = shorthand == ICR_SHORTHAND_SELF || shorthand == ICR_SHORTHAND_ALL ||
		       (shorthand == ICR_SHORTHAND_NONE && !(icr & ICR_DEST_LOGICAL) &&
			ICR_DEST(icr) == l->id);

	if (to_self && ICR_DELIVERY_MODE(icr) == ICR_MODE_FIXED)
		lapic_raise(l, (unsigned)(icr & VECTOR_MASK));
}

/* A software-disabled APIC keeps every LVT masked (SDM 10.4.7.2). */
static uint32_t lvt_value(const struct lapic *l, uint32_t v)
{
	return lapic_enabled(l) ? v : v | LAPIC_LVT_MASKED;
}

static void write_svr(struct lapic *l, uint32_t v)
{
	l->svr = v;
	if (lapic_enabled(l))
		return;
	l->lvt_timer |= LAPIC_LVT_MASKED;
	l->lvt_thermal |= LAPIC_LVT_MASKED;
	l->lvt_pmc |= LAPIC_LVT_MASKED;
	l->lvt_lint0 |= LAPIC_LVT_MASKED;
	l->lvt_lint1 |= LAPIC_LVT_MASKED;
	l->lvt_error |= LAPIC_LVT_MASKED;
}

static int read_reg(struct lapic *l, unsigned reg, uint64_t now, uint64_t *out)
{
	if (reg >= REG_ISR0 && reg < REG_ISR0 + LAPIC_VECTOR_WORDS)
		*out = l->isr[reg - REG_ISR0];
	else if (reg >= REG_TMR0 && reg < REG_TMR0 + LAPIC_VECTOR_WORDS)
		*out = 0;
	else if (reg >= REG_IRR0 && reg < REG_IRR0 + LAPIC_VECTOR_WORDS)
		*out = l->irr[reg - REG_IRR0];
	else switch (reg) {
	case REG_ID: *out = l->id; break;
	case REG_VERSION: *out = VERSION_VALUE; break;
	case REG_TPR: *out = l->tpr; break;
	case REG_PPR: *out = ppr(l); break;
	case REG_LDR: *out = (l->id >> 4) << 16 | 1u << (l->id & 0xf); break;
	case REG_SVR: *out = l->svr; break;
	case REG_ESR: *out = l->esr; break;
	case REG_ICR: *out = l->icr; break;
	case REG_LVT_TIMER: *out = l->lvt_timer; break;
	case REG_LVT_THERMAL: *out = l->lvt_thermal; break;
	case REG_LVT_PMC: *out = l->lvt_pmc; break;
	case REG_LVT_LINT0: *out = l->lvt_lint0; break;
	case REG_LVT_LINT1: *out = l->lvt_lint1; break;
	case REG_LVT_ERROR: *out = l->lvt_error; break;
	case REG_TIMER_INITIAL: *out = l->timer_initial; break;
	case REG_TIMER_CURRENT: *out = lapic_timer_current(l, now); break;
	case REG_TIMER_DIVIDE: *out = l->timer_divide; break;
	default: return -ERR_NOENT; /* EOI and SELF IPI are write-only */
	}
	return 0;
}

/* `mask` holds the bits a register takes; any other bit set is #GP. */
static int checked(uint64_t v, uint64_t mask, uint32_t *reg)
{
	if (v & ~mask)
		return -ERR_INVAL;
	*reg = (uint32_t)v;
	return 0;
}

static int write_reg(struct lapic *l, unsigned reg, uint64_t v, uint64_t now)
{
	uint32_t scratch;

	if (reg != REG_ICR && v >> 32)
		return -ERR_INVAL;
	switch (reg) {
	case REG_TPR: return checked(v, TPR_WRITABLE, &l->tpr);
	case REG_EOI:
		if (v)
			return -ERR_INVAL;
		eoi(l);
		return 0;
	case REG_SVR:
		if (v & ~(uint64_t)SVR_WRITABLE)
			return -ERR_INVAL;
		write_svr(l, (uint32_t)v);
		return 0;
	case REG_ESR:
		if (v)
			return -ERR_INVAL;
		l->esr = l->esr_new;
		l->esr_new = 0;
		return 0;
	case REG_ICR:
		if (v & ~ICR_WRITABLE)
			return -ERR_INVAL;
		l->icr = v;
		send_ipi(l, v);
		return 0;
	case REG_SELF_IPI:
		if (checked(v, VECTOR_MASK, &scratch))
			return -ERR_INVAL;
		lapic_raise(l, scratch);
		return 0;
	case REG_LVT_TIMER: return lapic_timer_write_lvt(l, v, now);
	case REG_LVT_THERMAL:
	case REG_LVT_PMC:
		if (checked(v, LVT_THERMAL_WRITABLE, &scratch))
			return -ERR_INVAL;
		*(reg == REG_LVT_PMC ? &l->lvt_pmc : &l->lvt_thermal) = lvt_value(l, scratch);
		return 0;
	case REG_LVT_LINT0:
	case REG_LVT_LINT1:
		if (checked(v & ~(uint64_t)LVT_LINT_READ_ONLY, LVT_LINT_WRITABLE, &scratch))
			return -ERR_INVAL;
		*(reg == REG_LVT_LINT0 ? &l->lvt_lint0 : &l->lvt_lint1) = lvt_value(l, scratch);
		return 0;
	case REG_LVT_ERROR:
		if (checked(v, LVT_ERROR_WRITABLE, &scratch))
			return -ERR_INVAL;
		l->lvt_error = lvt_value(l, scratch);
		return 0;
	case REG_TIMER_INITIAL: lapic_timer_write_initial(l, (uint32_t)v, now); return 0;
	case REG_TIMER_DIVIDE: return lapic_timer_write_divide(l, v, now);
	default: return -ERR_PERM; /* read-only, or no such register */
	}
}

int lapic_rdmsr(struct lapic *l, uint32_t msr, uint64_t now, uint64_t *out)
{
	lapic_update(l, now);
	if (msr == MSR_IA32_APIC_BASE) {
		*out = APIC_BASE_VALUE;
		return 0;
	}
	if (msr == MSR_IA32_TSC_DEADLINE) {
		*out = l->tsc_deadline;
		return 0;
	}
	return read_reg(l, msr - MSR_X2APIC_FIRST, now, out);
}

int lapic_wrmsr(struct lapic *l, uint32_t msr, uint64_t value, uint64_t now)
{
	int err;

	lapic_update(l, now);
	if (msr == MSR_IA32_APIC_BASE) /* x2APIC stays on: no other mode exists */
		return (value & ~APIC_BASE_BSP) == (APIC_BASE_VALUE & ~APIC_BASE_BSP)
			       ? 0 : -ERR_PERM;
	if (msr == MSR_IA32_TSC_DEADLINE) {
		lapic_timer_write_deadline(l, value);
		err = 0;
	} else {
		err = write_reg(l, msr - MSR_X2APIC_FIRST, value, now);
	}
	lapic_update(l, now); /* a deadline or count already past fires now */
	return err;
}
