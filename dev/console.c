/* See console.h: the line buffer, and COM1 as the device's ports. */
#include "dev/console.h"
#include "dev/dev.h"
#include "guest-abi/fallow_abi.h"
#include "guest/guest.h"
#include "vmx/hv.h"

#define COM1_LAST (FALLOW_COM1_PORT + 7) /* a 16550's eight registers */
#define COM1_LSR (FALLOW_COM1_PORT + 5)
#define LSR_THR_EMPTY 0x60u /* transmitter holding and shift registers empty */

void dev_console_flush(struct guest *g)
{
	struct dev_console *c = &g->console;

	if (!c->len)
		return;
	kprintf("[%s] %.*s\n", g->cfg.name, (int)c->len, c->line);
	c->len = 0;
}

void dev_console_putc(struct guest *g, char ch)
{
	struct dev_console *c = &g->console;

	if (ch == '\n') {
		/* An empty line still shows, so guests can print blank lines. */
		if (!c->len)
			kprintf("[%s] \n", g->cfg.name);
		dev_console_flush(g);
		return;
	}
	if (ch == '\r')
		return;
	/* Control and non-ASCII bytes could forge console lines or escapes. */
	c->line[c->len++] = (ch >= ' ' && ch < 0x7f) ? ch : '.';
	if (c->len == sizeof(c->line))
		dev_console_flush(g);
}

/* Every register but LSR reads as nothing there: all ones. */
static uint64_t com1_in(struct guest *g, uint16_t port, unsigned size)
{
	(void)g;
	if (port == COM1_LSR && size == 1)
		return LSR_THR_EMPTY;
	return size == 4 ? 0xffffffffull : (1ull << (8 * size)) - 1;
}

/* Only the data register takes bytes; the rest swallow writes. */
static void com1_out(struct guest *g, uint16_t port, unsigned size, uint64_t value)
{
	(void)size;
	if (port == FALLOW_COM1_PORT)
		dev_console_putc(g, (char)value);
}

static const struct dev_ports com1 = { FALLOW_COM1_PORT, COM1_LAST, com1_in, com1_out };

/* What a line still holds when the guest goes is printed, not lost. */
static void detach(struct guest *g)
{
	dev_console_flush(g);
}

const struct dev_ops dev_console_ops = {
	.name = "console",
	.detach = detach,
	.ports = &com1,
	.nports = 1,
};
