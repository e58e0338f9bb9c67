/* A guest's virtual local APIC, in x2APIC mode only (SDM vol. 3A ch. 10,
 * 10.12): its registers as MSRs 0x800-0x8ff, IA32_APIC_BASE and
 * IA32_TSC_DEADLINE, the pending (IRR) and in-service (ISR) vectors, and
 * the timer in one-shot, periodic and TSC-deadline modes.
 *
 * Arch-free: time comes in as a TSC value, so the same file is built into
 * the hypervisor and into host tests. The timer's input clock (the "bus
 * clock" the divide register divides) is the TSC divided by
 * 2^clock_shift, the smallest power of two that brings it below 2^32 Hz
 * (so it fits CPUID leaf 0x15 ECX): on every CPU up to 4.29 GHz it is
 * the TSC itself. CPUID reports it (vcpu/cpuid_time.h).
 *
 * Every interrupt is edge-triggered (TMR reads 0) and comes from this
 * APIC itself: the timer and self-IPIs. Nothing here touches a VMCS:
 * vmx/event.c asks lapic_pending() before each VM entry and calls
 * lapic_accept() for the vector it injects. */
#ifndef FALLOW_DEV_LAPIC_H
#define FALLOW_DEV_LAPIC_H

#include <stdbool.h>
#include <stdint.h>

#define LAPIC_VECTOR_WORDS 8 /* 256 vectors as eight 32-bit registers */

struct lapic {
	uint32_t id;
	uint32_t tpr, svr;
	uint32_t esr, esr_new; /* ESR as read; errors since the last ESR write */
	uint32_t isr[LAPIC_VECTOR_WORDS], irr[LAPIC_VECTOR_WORDS];
	uint32_t lvt_timer, lvt_thermal, lvt_pmc, lvt_lint0, lvt_lint1, lvt_error;
	uint64_t icr;
	uint32_t timer_initial; /* initial-count register */
	uint32_t timer_divide;  /* divide-configuration register */
	uint64_t timer_start;   /* TSC when the current count was loaded */
	uint64_t timer_fire;    /* TSC of the next expiry; 0: disarmed */
	uint64_t tsc_deadline;  /* IA32_TSC_DEADLINE as the guest reads it */
	unsigned clock_shift;   /* TSC ticks per bus-clock tick = 2^clock_shift */
	uint64_t timer_expiries, delivered; /* counts for the summary */
};

/* The clock_shift for a TSC of tsc_hz (0 when unknown: shift 0). */
unsigned lapic_clock_shift(uint64_t tsc_hz);

/* The state after reset, already in x2APIC mode (IA32_APIC_BASE EN|EXTD,
 * BSP): software-disabled (SVR 0xff), every LVT masked, timer disarmed. */
void lapic_reset(struct lapic *l, uint32_t id, unsigned clock_shift);

/* True for the MSRs the vLAPIC answers: IA32_APIC_BASE,
 * IA32_TSC_DEADLINE, 0x800-0x8ff. */
bool lapic_owns_msr(uint32_t msr);

/* RDMSR/WRMSR of an owned MSR at TSC `now`. 0, or a negative ERR_* that
 * the caller turns into #GP: no such register, a read of a write-only or
 * a write of a read-only register, reserved bits set. */
int lapic_rdmsr(struct lapic *l, uint32_t msr, uint64_t now, uint64_t *out);
int lapic_wrmsr(struct lapic *l, uint32_t msr, uint64_t value, uint64_t now);

/* Lets the timer catch up with `now`: an expiry at or before it sets its
 * vector in IRR (unless masked) and re-arms a periodic timer. */
void lapic_update(struct lapic *l, uint64_t now);

/* TSC of the timer's next expiry, 0 when it is disarmed. */
uint64_t lapic_next_fire(const struct lapic *l);

/* Marks `vector` pending (IRR); vectors 0-15 are illegal and set the
 * error register's receive-illegal-vector bit instead. */
void lapic_raise(struct lapic *l, unsigned vector);

/* The highest pending vector whose priority class is above the
 * processor priority (TPR and the highest in-service vector), or -1.
 * None while the APIC is software-disabled. */
int lapic_pending(const struct lapic *l);

/* The vector from lapic_pending() is being delivered: IRR to ISR. */
void lapic_accept(struct lapic *l, unsigned vector);

/* CR8 is TPR bits 7:4 (SDM 10.8.6.1). */
uint64_t lapic_cr8(const struct lapic *l);
void lapic_set_cr8(struct lapic *l, uint64_t cr8);

#endif
