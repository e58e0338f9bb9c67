/* The keyboard attached to one guest. `attach NAME` sends every byte typed
 * on COM1 to that guest's console input, which it reads with
 * FALLOW_HC_CONSOLE_READ, until Ctrl-A d (ATTACH_ESCAPE then
 * ATTACH_DETACH) gives the keyboard back to the command line; Ctrl-A
 * twice sends one Ctrl-A. While attached, the guest's partial lines (a
 * shell's prompt) are shown at once instead of waiting for a newline. The
 * guest's output stays in `[name] ` lines: its bytes never reach the
 * terminal raw, so it cannot forge console lines or escapes. */
#include "ctl/ctl.h"
#include "guest-abi/fallow_abi.h"
#include "lib/err.h"
#include "vmx/gmem.h"
#include "vmx/hv.h"
#include "hcall/hypercall.h"

#define ATTACH_ESCAPE 0x01 /* Ctrl-A */
#define ATTACH_DETACH 'd'
/* Typed bytes waiting for the guest's read: a pasted line fits; a guest
 * that stops reading loses what overflows (counted, said at detach). */
#define ATTACH_RING 1024u

static struct guest *attached;
static char ring[ATTACH_RING];
static unsigned ring_head, ring_len;
static uint64_t dropped;
static bool after_escape;

static void detach(const char *why)
{
	kprintf("ctl: keyboard detached from %s (%s)", attached->cfg.name, why);
	if (dropped)
		kprintf("; %llu typed bytes dropped, the guest did not read them",
			(unsigned long long)dropped);
	kprintf("\n");
	attached = 0;
	ring_len = 0;
	dropped = 0;
	after_escape = false;
}

/* A guest that ended takes the keyboard's attachment with it. */
static bool still_attached(void)
{
	if (attached && attached->state != GUEST_RUNNABLE)
		detach("it ended");
	return attached != 0;
}

static void push(char c)
{
	if (ring_len == ATTACH_RING) {
		dropped++;
		return;
	}
	ring[(ring_head + ring_len++) % ATTACH_RING] = c;
}

bool ctl_attach_take(char c)
{
	if (!still_attached())
		return false;
	if (after_escape) {
		after_escape = false;
		if (c == ATTACH_DETACH) {
			detach("Ctrl-A d");
			return true;
		}
		if (c != ATTACH_ESCAPE)
			push(ATTACH_ESCAPE);
		push(c);
		return true;
	}
	if (c == ATTACH_ESCAPE)
		after_escape = true;
	else
		push(c);
	return true;
}

void ctl_attach_poll(void)
{
	if (still_attached())
		dev_console_flush(attached);
}

void ctl_cmd_attach(const struct ctl_args *a)
{
	struct guest *g = ctl_guest(&a->w[1]);

	if (!g)
		return;
	if (g->state != GUEST_RUNNABLE) {
		ctl_error("attach: guest %s is not running", g->cfg.name);
		return;
	}
	if (attached)
		detach("attach elsewhere");
	attached = g;
	kprintf("ctl: keyboard attached to %s; Ctrl-A d detaches\n", g->cfg.name);
}

/* (buf, len) -> bytes copied, 0 when nothing was typed for this guest. */
int64_t hc_console_read(struct guest *g, const uint64_t *arg, enum exit_action *next)
{
	uint64_t gpa = arg[0], len = arg[1];
	uint64_t n = 0;

	(void)next;
	if (len > FALLOW_CONSOLE_MAX)
		return -ERR_RANGE;
	if (gmem_check(&g->ept, gpa, len))
		return -ERR_FAULT;
	if (g != attached)
		return 0;
	while (n < len && ring_len) {
		unsigned run = ATTACH_RING - ring_head;

		if (run > ring_len)
			run = ring_len;
		if (run > len - n)
			run = (unsigned)(len - n);
		if (gmem_write(&g->ept, gpa + n, ring + ring_head, run))
			return -ERR_FAULT;
		ring_head = (ring_head + run) % ATTACH_RING;
		ring_len -= run;
		n += run;
	}
	return (int64_t)n;
}
