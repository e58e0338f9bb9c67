/* The console's line editor: bytes from the UART are echoed, backspace
 * (BS or DEL) erases, Enter (CR, LF or CR LF) runs the line. Control
 * characters are ignored, so a terminal's escape sequences cannot forge
 * output. A line longer than CTL_LINE_MAX is refused whole at Enter. */
#include "ctl/ctl.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/uart.h"
#include "guest/clock.h"
#include "guest/guest.h"
#include "vmx/hv.h"

#define CHAR_BS 0x08
#define CHAR_DEL 0x7f
/* Bytes taken per poll: typing is slow, a flood must not stall guests. */
#define POLL_MAX_BYTES 64
/* Inside a line, how long a poll waits for its next byte: a few byte
 * times at 115200 baud (87 us each), and at most POLL_WAIT_US in all.
 * Without it a pasted command went in one byte per guest turn, slices
 * apart; the wait costs only while someone types. */
#define NEXT_BYTE_WAIT_US 300u
#define POLL_WAIT_US 1000u
#define US_PER_S 1000000ull

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

static uint64_t us_to_ticks(uint64_t us)
{
	return (vmx_tsc_hz ? vmx_tsc_hz : CLOCK_HZ_FALLBACK) / US_PER_S * us;
}

/* The next input byte, waiting a little for it while a line is open
 * (never past poll_end). */
static int next_byte(uint64_t poll_end)
{
	uint64_t until = rdtsc() + us_to_ticks(NEXT_BYTE_WAIT_US);
	int c;

	if (until > poll_end)
		until = poll_end;
	while ((c = uart_getc()) < 0 && (len || too_long) && rdtsc() < until)
		cpu_pause();
	return c;
}

void ctl_poll(void)
{
	uint64_t poll_end = rdtsc() + us_to_ticks(POLL_WAIT_US);
	int c;

	for (unsigned i = 0; i < POLL_MAX_BYTES && (c = next_byte(poll_end)) >= 0; i++)
		if (!ctl_attach_take((char)c))
			take((char)c);
	ctl_attach_poll();
}
