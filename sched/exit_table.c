/* The exit dispatch table and the small handlers. Anything the guest
 * causes that has no entry kills that guest, loudly; the hypervisor and
 * the other guests go on. */
#include "sched/exit_table.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/exception.h"
#include "dev/io.h"
#include "dev/lapic.h"
#include "hcall/hypercall.h"
#include "sched/irq.h"
#include "vcpu/exits.h"
#include "vmx/event.h"

#define EPT_QUAL_READ (1ull << 0)
#define EPT_QUAL_WRITE (1ull << 1)
#define EPT_QUAL_FETCH (1ull << 2)

typedef enum exit_action (*exit_handler_fn)(struct guest *g, const struct exit_info *e);

struct exit_entry {
	exit_handler_fn fn;
	int wants_qual; /* read EXIT_QUALIFICATION before calling */
};

static enum exit_action on_exception(struct guest *g, const struct exit_info *e)
{
	struct exit_exception x;

	exit_read_exception(&x);
	if (x.nmi)
		return EXIT_RESUME; /* the host's NMI; what it interrupted is redelivered */
	if (!x.in_delivery) {
		guest_kill(g, "exit %s: unhandled guest exception %s (vector %u) error 0x%llx at RIP 0x%llx%s0x%llx",
			   exit_reason_name(e->reason), exception_mnemonic(x.vector), x.vector,
			   (unsigned long long)x.error, (unsigned long long)e->rip,
			   x.vector == VECTOR_PF ? " address " : " qualification ",
			   (unsigned long long)e->qual);
		return EXIT_GONE;
	}
	/* The exception came while delivering another event (one the
	 * hypervisor injected, say, into a guest without an IDT): that
	 * event is what the guest did not handle; the nested fault only
	 * says why. */
	guest_kill(g, "exit %s: unhandled guest exception %s (vector %u) error 0x%llx at RIP 0x%llx; delivering it raised %s error 0x%llx",
		   exit_reason_name(e->reason),
		   x.orig_vector < 32 ? exception_mnemonic(x.orig_vector) : "interrupt",
		   x.orig_vector, (unsigned long long)x.orig_error, (unsigned long long)e->rip,
		   exception_mnemonic(x.vector), (unsigned long long)x.error);
	return EXIT_GONE;
}

static enum exit_action on_external_interrupt(struct guest *g, const struct exit_info *e)
{
	(void)g;
	(void)e;
	return EXIT_YIELD; /* the host's interrupt: let the scheduler run */
}

static enum exit_action on_triple_fault(struct guest *g, const struct exit_info *e)
{
	guest_kill(g, "exit %s at RIP 0x%llx", exit_reason_name(e->reason),
		   (unsigned long long)e->rip);
	return EXIT_GONE;
}

/* The guest has no performance counters (CPUID leaf 0xa is zero), so
 * every counter index is invalid and RDPMC is #GP at any CPL, whatever
 * CR4.PCE says: the host's counters are never read. */
static enum exit_action on_rdpmc(struct guest *g, const struct exit_info *e)
{
	(void)g;
	(void)e;
	exit_inject_gp();
	return EXIT_RESUME;
}

/* HLT with interrupts on and a vLAPIC: the guest sleeps until its timer
 * fires (wake_tsc: the scheduler passes it over and runs the others),
 * or goes on at once when an interrupt is already waiting. Without a
 * timer armed, or with IF=0, nothing could wake it: HLT just ends the
 * turn and the guest goes on after it at its next one. */
static enum exit_action on_hlt(struct guest *g, const struct exit_info *e)
{
	struct lapic *l = guest_lapic(g);
	struct event_irq irq;

	(void)e;
	exit_skip_instruction();
	if (!l || !exit_guest_if())
		return EXIT_YIELD;
	if (event_pending(&g->vcpu, sched_irq(g, rdtsc(), &irq)))
		return EXIT_RESUME;
	g->wake_tsc = lapic_next_fire(l);
	g->wake_on_timer = g->wake_tsc != 0;
	g->halts_slept += g->wake_on_timer;
	return EXIT_YIELD;
}

/* CPUID says there is no MONITOR/MWAIT, and a CPU without them raises
 * #UD: a guest that idles with MWAIT anyway learns it at once. */
static enum exit_action on_monitor_mwait(struct guest *g, const struct exit_info *e)
{
	(void)g;
	(void)e;
	exit_inject_ud();
	return EXIT_RESUME;
}

static enum exit_action on_ept(struct guest *g, const struct exit_info *e)
{
	uint64_t gpa = exit_guest_physical();

	/* Inside RAM, only a page the guest ballooned away is unmapped. */
	guest_kill(g, "exit %s at RIP 0x%llx GPA 0x%llx (%s%s%s) %s %lluK of RAM",
		   exit_reason_name(e->reason), (unsigned long long)e->rip,
		   (unsigned long long)gpa, e->qual & EPT_QUAL_READ ? "r" : "",
		   e->qual & EPT_QUAL_WRITE ? "w" : "", e->qual & EPT_QUAL_FETCH ? "x" : "",
		   gpa < g->cfg.mem ? "on a page it released from its" : "outside its",
		   (unsigned long long)(g->cfg.mem >> 10));
	return EXIT_GONE;
}

/* The timer was armed for the end of the slice or the guest's vLAPIC
 * timer, whichever is first: the scheduler ends the turn if the slice
 * is over, and the entry path delivers the timer's vector otherwise. */
static enum exit_action on_preemption_timer(struct guest *g, const struct exit_info *e)
{
	(void)g;
	(void)e;
	return EXIT_RESUME;
}

/* Asked for by vmx/event.c while a vector waits: it goes in now. */
static enum exit_action on_interrupt_window(struct guest *g, const struct exit_info *e)
{
	(void)g;
	(void)e;
	return EXIT_RESUME;
}

static const struct exit_entry exit_table[EXIT_REASON_COUNT] = {
	[EXIT_REASON_EXCEPTION_NMI] = { on_exception, 1 },
	[EXIT_REASON_EXTERNAL_INTERRUPT] = { on_external_interrupt, 0 },
	[EXIT_REASON_TRIPLE_FAULT] = { on_triple_fault, 0 },
	[EXIT_REASON_INTERRUPT_WINDOW] = { on_interrupt_window, 0 },
	[EXIT_REASON_CPUID] = { exit_cpuid, 0 },
	[EXIT_REASON_RDPMC] = { on_rdpmc, 0 },
	[EXIT_REASON_XSETBV] = { exit_xsetbv, 0 },
	[EXIT_REASON_HLT] = { on_hlt, 0 },
	[EXIT_REASON_MWAIT] = { on_monitor_mwait, 0 },
	[EXIT_REASON_MONITOR] = { on_monitor_mwait, 0 },
	[EXIT_REASON_VMCALL] = { exit_vmcall, 0 },
	[EXIT_REASON_CR_ACCESS] = { exit_cr_access, 1 },
	[EXIT_REASON_IO_INSTRUCTION] = { exit_io, 1 },
	[EXIT_REASON_MSR_READ] = { exit_rdmsr, 0 },
	[EXIT_REASON_MSR_WRITE] = { exit_wrmsr, 0 },
	[EXIT_REASON_EPT_VIOLATION] = { on_ept, 1 },
	[EXIT_REASON_EPT_MISCONFIG] = { on_ept, 0 },
	[EXIT_REASON_PREEMPTION_TIMER] = { on_preemption_timer, 0 },
};

enum exit_action exit_dispatch(struct guest *g)
{
	struct exit_info e;

	exit_read(&e);
	unsigned basic = e.reason & EXIT_REASON_BASIC_MASK;

	g->exits_total++;
	if (basic < EXIT_REASON_COUNT)
		g->exits[basic]++;
	if (e.reason & EXIT_REASON_ENTRY_FAILURE) {
		guest_kill(g, "VM entry failed: exit %s (reason %u) qualification 0x%llx at RIP 0x%llx",
			   exit_reason_name(basic), basic,
			   (unsigned long long)exit_qualification(), (unsigned long long)e.rip);
		return EXIT_GONE;
	}
	event_after_exit(&g->vcpu);
	const struct exit_entry *h = basic < EXIT_REASON_COUNT ? &exit_table[basic] : 0;

	if (!h || !h->fn) {
		guest_kill(g, "unhandled exit %s (reason %u) at RIP 0x%llx",
			   exit_reason_name(basic), basic, (unsigned long long)e.rip);
		return EXIT_GONE;
	}
	if (h->wants_qual)
		e.qual = exit_qualification();
	return h->fn(g, &e);
}
