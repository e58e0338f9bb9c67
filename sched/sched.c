/* Round robin: pick the next runnable guest after the last one, run it
 * until it yields, exits, is killed or its slice ends. The timer value is
 * recomputed before every entry from the TSC, so a guest that exits often
 * (hypercalls) cannot stretch its turn. Between turns, and in a pause
 * loop while no guest can run, the console, delayed starts and the stats
 * timer get their turn: interrupts stay off, everything is polled.
 *
 * Between turns also go a share of the console's queued output (at most
 * 1/CONSOLE_DRAIN_SHARE of a slice; all of it while idle) and one bounded
 * step of tmem's background work, so neither ever holds a guest up for
 * long: no call or teardown does unbounded work inside one exit.
 *
 * A guest waiting for its disk, or halted until its vLAPIC timer fires
 * (wake_tsc in the future), is passed over. A halted guest's deadline
 * ends the running guest's turn, and a guest so woken is picked first.
 * When every runnable guest waits, the CPU idles until the first wake-up
 * (dev/disk/model.h): disk_wait=skip jumps the TSC there, disk_wait=spin
 * pauses; either way at most one slice at a time, so the polling above
 * still happens at least once a slice. */
#include "sched/sched.h"
#include "sched/irq.h"
#include "arch/x86_64/cpu.h"
#include "guest/clock.h"
#include "ctl/ctl.h"
#include "dev/disk/model.h"
#include "vmx/event.h"
#include "sched/exit_table.h"
#include "guest/guest.h"
#include "vmx/hv.h"
#include "guest/launch.h"
#include "ctl/stats.h"
#include "guest/tmem_client.h"
#include "vmx/vcpu_state.h"
#include "vmx/vmcs.h"
#include "vmx/vmentry.h"
#include "vmx/vmx.h"
#include "vmx/vmx_insn.h"

#define PREEMPT_TIMER_MAX 0xffffffffull
/* Between two turns the console drains for at most this fraction of a
 * slice; a guest flooding it gets the UART's rate, never the CPU. */
#define CONSOLE_DRAIN_SHARE 4u

/* A halted guest whose vLAPIC deadline has come goes first: its timer
 * interrupt is due now, not after every other guest's slice. */
static struct guest *pick_timer_woken(unsigned *cursor, uint64_t now)
{
	for (unsigned n = 1; n <= GUEST_MAX; n++) {
		unsigned i = (*cursor + n) % GUEST_MAX;
		const struct guest *g = &guests[i];

		if (g->state == GUEST_RUNNABLE && g->wake_on_timer && g->wake_tsc <= now) {
			*cursor = i;
			return &guests[i];
		}
	}
	return 0;
}

static struct guest *pick_next(unsigned *cursor)
{
	uint64_t now = rdtsc();
	struct guest *woken = pick_timer_woken(cursor, now);

	if (woken)
		return woken;
	for (unsigned n = 1; n <= GUEST_MAX; n++) {
		unsigned i = (*cursor + n) % GUEST_MAX;

		if (guests[i].state == GUEST_RUNNABLE && guests[i].wake_tsc <= now) {
			*cursor = i;
			return &guests[i];
		}
	}
	return 0;
}

static void arm_timer(uint64_t end)
{
	uint64_t now = rdtsc();
	uint64_t ticks = now < end ? (end - now) >> vmx_cpu.preempt_shift : 0;

	vmcs_write(VMX_PREEMPTION_TIMER_VALUE,
		   ticks > PREEMPT_TIMER_MAX ? PREEMPT_TIMER_MAX : ticks);
}

/* The earliest wake-up of a runnable guest other than `except` that
 * waits (for its disk, or in HLT for its vLAPIC deadline when
 * `timer_only`), or 0 when none does. */
static uint64_t earliest_wake(const struct guest *except, bool timer_only)
{
	uint64_t first = 0;

	for (unsigned i = 0; i < GUEST_MAX; i++) {
		const struct guest *g = &guests[i];

		if (g == except || g->state != GUEST_RUNNABLE || !g->wake_tsc ||
		    (timer_only && !g->wake_on_timer))
			continue;
		if (!first || g->wake_tsc < first)
			first = g->wake_tsc;
	}
	return first;
}

/* The one VMX-preemption timer serves the slice and the guest's vLAPIC
 * timer: armed for whichever ends first. */
static uint64_t timer_end(struct guest *g, uint64_t slice_end)
{
	const struct lapic *l = guest_lapic(g);
	uint64_t fire = l ? lapic_next_fire(l) : 0;

	return fire && fire < slice_end ? fire : slice_end;
}

static void run_turn(struct guest *g, uint64_t slice_ticks)
{
	uint64_t end = rdtsc() + slice_ticks;
	/* another guest's HLT deadline ends this turn: its tick is on time */
	uint64_t other = earliest_wake(g, true);

	if (other && other < end)
		end = other;

	if (vmx_vmptrld(g->vcpu.vmcs))
		panic("vmx: VMPTRLD failed for guest %s", g->cfg.name);
	for (;;) {
		struct event_irq irq;

		event_before_entry(&g->vcpu, sched_irq(g, rdtsc(), &irq));
		arm_timer(timer_end(g, end));
		clock_cpu_begin(g);
		int failed = vmx_enter(&g->vcpu);

		if (failed) {
			clock_cpu_end(g);
			guest_kill(g, "%s failed: VM-instruction error %llu at RIP 0x%llx",
				   g->vcpu.launched ? "VMRESUME" : "VMLAUNCH",
				   (unsigned long long)vmcs_read(VM_INSTRUCTION_ERROR),
				   (unsigned long long)vmcs_read(GUEST_RIP));
			return;
		}
		g->vcpu.launched = true;
		enum exit_action next = exit_dispatch(g);

		clock_cpu_end(g);
		if (next != EXIT_RESUME || rdtsc() >= end)
			return;
	}
}

/* One turn with the guest's CPU state (vmx/vcpu_state.h) in the CPU: it
 * goes in here and comes out here, whichever way the turn ends. */
static void run_turn_switched(struct guest *g, uint64_t slice_ticks)
{
	vcpu_state_load(&g->vcpu);
	run_turn(g, slice_ticks);
	vcpu_state_put(&g->vcpu);
}

/* The console drains no later than a halted guest's deadline. That
 * guest runs next and its wake-up is then spent, so the console's share
 * is cut at most once per deadline. */
static uint64_t drain_until(uint64_t share_end)
{
	uint64_t wake = earliest_wake(0, true);

	return wake && wake < share_end ? wake : share_end;
}

/* True while tmem has background work left. */
static bool between_turns(uint64_t slice_ticks)
{
	/* One reading for both: a guest started at this time is in the
	 * stats lines of this time. */
	uint64_t now_ms = clock_ms();
	bool more;

	ctl_poll();
	launch_poll(now_ms);
	stats_poll(now_ms);
	more = tmem_glue_poll();
	console_drain(drain_until(rdtsc() + slice_ticks / CONSOLE_DRAIN_SHARE));
	return more;
}

static void idle_until(uint64_t wake, uint64_t slice_ticks)
{
	uint64_t now = rdtsc();
	uint64_t until = wake - now > slice_ticks ? now + slice_ticks : wake;

	if (wake <= now)
		return;
	console_drain(until);
	if (!disk_model_params()->spin) {
		clock_skip_to(until);
		return;
	}
	while (rdtsc() < until)
		cpu_pause();
}

/* No guest runnable: true while a waiting guest may still start. */
static bool worth_idling(bool *said)
{
	if (!launch_waiting() || !launch_any_can_start())
		return false;
	if (!*said)
		kprintf("vmx: idle: no guest running, %u waiting to start\n",
			launch_waiting());
	*said = true;
	return true;
}

void sched_run(uint64_t slice_ticks)
{
	unsigned cursor = GUEST_MAX - 1;
	bool idle_said = false;

	console_set_buffered(true);
	for (;;) {
		uint64_t wake;
		bool tmem_left = between_turns(slice_ticks);
		struct guest *g = pick_next(&cursor);

		if (g) {
			idle_said = false;
			g->wake_tsc = 0;
			g->wake_on_timer = false;
			run_turn_switched(g, slice_ticks);
		} else if ((wake = earliest_wake(0, false)) != 0) {
			idle_until(wake, slice_ticks);
		} else if ((tmem_left && launch_waiting()) || worth_idling(&idle_said)) {
			/* A waiting guest may need what tmem still gives back. */
			console_drain(rdtsc() + slice_ticks);
			cpu_pause();
		} else {
			break;
		}
	}
	console_set_buffered(false);
}
