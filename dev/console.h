/* The guest's console: what it prints, by hypercall (FALLOW_HC_CONSOLE)
 * or on COM1's data port, goes to Fallow's console one line at a time,
 * prefixed `[name] `. Control and non-ASCII bytes show as '.', so a guest
 * cannot forge a line of Fallow's or an escape sequence. COM1's line
 * status register says "ready"; its other registers read as all ones. */
#ifndef FALLOW_DEV_CONSOLE_H
#define FALLOW_DEV_CONSOLE_H

#define DEV_CONSOLE_LINE 200 /* pending console bytes before a forced line */

/* Per-guest state (in struct guest). */
struct dev_console {
	char line[DEV_CONSOLE_LINE];
	unsigned len;
};

struct guest;

/* Emits one byte of guest console output. */
void dev_console_putc(struct guest *g, char c);
/* Prints the pending part line, if any. */
void dev_console_flush(struct guest *g);

#endif
