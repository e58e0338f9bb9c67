/* See launch.h. A waiting guest keeps its slot (so its name stays taken
 * and the console can address it) in state GUEST_WAITING. */
#include "guest/launch.h"
#include "lib/err.h"
#include "mm/frame.h"
#include "guest/clock.h"
#include "vmx/hv.h"

/* What a waiting guest last said about why it waits. */
enum wait_reason { SAID_NOTHING, SAID_TIME, SAID_MANUAL, SAID_MEMORY };

uint64_t launch_frames_obtainable(void)
{
	struct frame_stats st;

	frame_get_stats(&st);
	return st.free + st.freeable; /* frame_alloc reclaims the freeable */
}

static uint64_t start_ms(const struct guest *g)
{
	return g->cfg.start_after_s * MS_PER_S;
}

static void say_waiting(struct guest *g)
{
	if (g->cfg.start == START_MANUAL) {
		kprintf("vmx: guest %s waiting: start=manual, type 'start %s' on the console\n",
			g->cfg.name, g->cfg.name);
		g->wait_reason_said = SAID_MANUAL;
	} else {
		kprintf("vmx: guest %s waiting: start=after:%llu, starts at %llu ms\n",
			g->cfg.name, (unsigned long long)g->cfg.start_after_s,
			(unsigned long long)start_ms(g));
		g->wait_reason_said = SAID_TIME;
	}
}

void launch_configure(struct guest *g, unsigned id, const struct boot_module *mod,
		      const struct guest_config *cfg)
{
	*g = (struct guest){ .id = id, .cfg = *cfg, .mod = mod, .state = GUEST_WAITING };
	say_waiting(g);
}

static bool time_has_come(const struct guest *g, uint64_t now_ms)
{
	return g->start_requested ||
	       (g->cfg.start == START_AFTER && now_ms >= start_ms(g));
}

static bool memory_can_be_had(const struct guest *g)
{
	return guest_frames_needed(g->cfg.mem) <= launch_frames_obtainable();
}

static void say_no_memory(struct guest *g, const char *what)
{
	kprintf("vmx: guest %s %s: mem=%lluK needs %llu frames, only %llu free",
		g->cfg.name, what, (unsigned long long)(g->cfg.mem >> 10),
		(unsigned long long)guest_frames_needed(g->cfg.mem),
		(unsigned long long)launch_frames_obtainable());
}

static void start(struct guest *g, uint64_t now_ms)
{
	kprintf("vmx: guest %s starting at %llu ms (%s)\n", g->cfg.name,
		(unsigned long long)now_ms,
		g->start_requested ? "console start" : "start=after");
	guest_create(g, g->id, g->mod, &g->cfg);
}

void launch_poll(uint64_t now_ms)
{
	for (unsigned i = 0; i < GUEST_MAX; i++) {
		struct guest *g = &guests[i];

		if (g->state != GUEST_WAITING || !time_has_come(g, now_ms))
			continue;
		if (memory_can_be_had(g)) {
			start(g, now_ms);
		} else if (g->wait_reason_said != SAID_MEMORY) {
			say_no_memory(g, "waiting");
			kprintf("; it starts when they can be had\n");
			g->wait_reason_said = SAID_MEMORY;
		}
	}
}

int launch_request(struct guest *g)
{
	if (g->state == GUEST_RUNNABLE)
		return -ERR_EXIST;
	if (g->state != GUEST_WAITING)
		return -ERR_PERM;
	g->start_requested = true;
	return 0;
}

unsigned launch_waiting(void)
{
	unsigned n = 0;

	for (unsigned i = 0; i < GUEST_MAX; i++)
		n += guests[i].state == GUEST_WAITING;
	return n;
}

bool launch_any_can_start(void)
{
	for (unsigned i = 0; i < GUEST_MAX; i++)
		if (guests[i].state == GUEST_WAITING && memory_can_be_had(&guests[i]))
			return true;
	for (unsigned i = 0; i < GUEST_MAX; i++) {
		if (guests[i].state != GUEST_WAITING)
			continue;
		say_no_memory(&guests[i], "cannot start");
		kprintf(" and no guest is running that could free any\n");
	}
	return false;
}
