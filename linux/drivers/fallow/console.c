// SPDX-License-Identifier: GPL-2.0
/*
 * The Fallow console: every byte goes out through FALLOW_HC_CONSOLE_WRITE,
 * which prints it on Fallow's console as "[guest] line".
 *
 *  - hvc0: a tty and a console (console=hvc0), over the generic hvc layer.
 *  - earlyprintk=fallow[,keep]: a boot console from the first early_param
 *    on, before any tty exists.
 *
 * Chosen over an emulated 8250 on COM1: one exit per write instead of one
 * per byte and register, no UART for the hypervisor to model (divisor
 * latch, FIFO, modem lines, the probe's scratch tests) and no interrupt
 * line (hvc polls). Input: FALLOW_HC_CONSOLE_READ returns what was typed
 * while Fallow's console keyboard is attached to this guest (`attach
 * NAME`), nothing otherwise; hvc's poll, on its timer, asks for it.
 */
#include <linux/console.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <fallow/fallow.h>
#include "../tty/hvc/hvc_console.h"

#define FALLOW_HVC_VTERM 0    /* the one terminal: hvc0 */
#define FALLOW_HVC_OUTBUF 256 /* hvc's tty output buffer per write */
/* Console writers may pass stack (vmapped) buffers, which have no
 * guest-physical address of their own: bytes are copied here first. */
#define BOUNCE_BYTES 256

static char bounce[BOUNCE_BYTES];
static DEFINE_RAW_SPINLOCK(bounce_lock);
/* Input lands in its own buffer: reads and writes need not wait on each
 * other. hvc asks for at most N_INBUF bytes at a time. */
static char in_bounce[BOUNCE_BYTES];
static DEFINE_RAW_SPINLOCK(in_lock);

/* Writes len bytes; returns how many went (all, unless Fallow refused). */
static int fallow_console_write_bytes(const char *buf, int len)
{
	unsigned long flags;
	int done = 0;

	raw_spin_lock_irqsave(&bounce_lock, flags);
	while (done < len) {
		int n = min(len - done, BOUNCE_BYTES);
		long r;

		memcpy(bounce, buf + done, n);
		r = fallow_hypercall3(FALLOW_HC_CONSOLE_WRITE,
				      fallow_gpa(bounce), n, 0);
		if (r < 0)
			break;
		done += n;
	}
	raw_spin_unlock_irqrestore(&bounce_lock, flags);
	return done;
}

/* ------------------------------------------------------------ hvc0 */

static int fallow_put_chars(u32 vtermno, const char *buf, int count)
{
	return fallow_console_write_bytes(buf, count);
}

static int fallow_get_chars(u32 vtermno, char *buf, int count)
{
	unsigned long flags;
	long r;

	raw_spin_lock_irqsave(&in_lock, flags);
	r = fallow_hypercall3(FALLOW_HC_CONSOLE_READ, fallow_gpa(in_bounce),
			      min(count, BOUNCE_BYTES), 0);
	if (r > 0)
		memcpy(buf, in_bounce, r);
	raw_spin_unlock_irqrestore(&in_lock, flags);
	return r > 0 ? r : 0;
}

static const struct hv_ops fallow_hv_ops = {
	.get_chars = fallow_get_chars,
	.put_chars = fallow_put_chars,
};

/* The console half, as early as console_initcall. */
static int __init fallow_hvc_console_init(void)
{
	if (!fallow_present())
		return 0;
	return hvc_instantiate(FALLOW_HVC_VTERM, 0, &fallow_hv_ops);
}
console_initcall(fallow_hvc_console_init);

/* The tty half (/dev/hvc0); irq 0: hvc polls for input. */
static int __init fallow_hvc_init(void)
{
	struct hvc_struct *hp;

	if (!fallow_present())
		return 0;
	hp = hvc_alloc(FALLOW_HVC_VTERM, 0, &fallow_hv_ops, FALLOW_HVC_OUTBUF);
	if (IS_ERR(hp)) {
		pr_err("fallow: hvc0 not registered: %ld\n", PTR_ERR(hp));
		return PTR_ERR(hp);
	}
	return 0;
}
device_initcall(fallow_hvc_init);

/* ------------------------------------------------------------ earlyprintk */

static void fallow_early_write(struct console *con, const char *s,
			       unsigned int n)
{
	fallow_console_write_bytes(s, n);
}

static struct console fallow_early_console = {
	.name = "fallowearly",
	.write = fallow_early_write,
	.flags = CON_PRINTBUFFER | CON_BOOT,
	.index = -1,
};

/* Every early_param handler of a name runs (init/main.c), so this sits
 * beside x86's own earlyprintk= parser, which ignores "fallow". */
static int __init fallow_earlyprintk(char *arg)
{
	if (!arg || strncmp(arg, "fallow", 6) || !fallow_present())
		return 0;
	if (fallow_early_console.flags & CON_ENABLED)
		return 0;
	if (strstr(arg, "keep"))
		fallow_early_console.flags &= ~CON_BOOT;
	register_console(&fallow_early_console);
	return 0;
}
early_param("earlyprintk", fallow_earlyprintk);
