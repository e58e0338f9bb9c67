/* The console's line editor: bytes from the UART are echoed, backspace
 * (BS or DEL) erases, Enter (CR, LF or CR LF) runs the line. Control
 * characters are ignored, so a terminal's escape sequences cannot forge
 * output. A line longer than CTL_LINE_MAX is refused whole at Enter. */
#include "vmx/ctl.h"
#include "arch/x86_64/uart.h"
#include "vmx/hv.h"

#define CHAR_BS 0x08
#define CHAR_DEL 0x7f
/* Bytes taken per poll: typing is slow, a flood must not stall guests. */
#define POLL_MAX_BYTES 64

static char line[CTL_LINE_MAX];
static size_t len;
static bool too_long, after_cr;

static void enter(void)
{
	console_write("\n", 1);
	if (too_long)
		ctl_error("line too long (at most %u characters)", CTL_LINE_MAX);
	else
		ctl_exec(line, len);
	len = 0;
	too_long = false;
}

static void take(char c)
{
	bool was_cr = after_cr;

	after_cr = c == '\r';
	if (c == '\r' || c == '\n') {
		if (!(c == '\n' && was_cr)) /* CR LF is one Enter */
			enter();
		return;
	}
	if (c == CHAR_BS || c == CHAR_DEL) {
		if (len) {
			len--;
			console_write("\b \b", 3);
		}
		return;
	}
	if (c < ' ' || c >= CHAR_DEL)
		return;
	if (len == sizeof(line)) {
		too_long = true;
		return;
	}
	line[len++] = c;
	console_write(&c, 1);
}

void ctl_poll(void)
{
	int c;

	for (unsigned i = 0; i < POLL_MAX_BYTES && (c = uart_getc()) >= 0; i++)
		if (!ctl_attach_take((char)c))
			take((char)c);
	ctl_attach_poll();
}
