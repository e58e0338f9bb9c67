#include "arch/x86_64/console.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/uart.h"
#include "lib/fmt.h"

#define E9_PORT 0xe9
#define RING_MASK (CONSOLE_RING_SIZE - 1)

_Static_assert((CONSOLE_RING_SIZE & RING_MASK) == 0, "the ring is a power of two");

static bool mirror_e9;
static bool buffered;
/* Bytes queued for the UART: written at head, sent from tail; both count
 * up and wrap, so head - tail is what waits. */
static char ring[CONSOLE_RING_SIZE];
static uint32_t head, tail;

void console_init(void)
{
	uart_init();
}

void console_set_e9(bool on)
{
	mirror_e9 = on;
}

static void send_one(void)
{
	uart_write(&ring[tail & RING_MASK], 1);
	tail++;
}

void console_flush(void)
{
	while (head != tail)
		send_one();
}

void console_set_buffered(bool on)
{
	if (!on)
		console_flush();
	buffered = on;
}

size_t console_room(void)
{
	return CONSOLE_RING_SIZE - (head - tail);
}

bool console_pending(void)
{
	return head != tail;
}

void console_drain(uint64_t until_tsc)
{
	while (head != tail && rdtsc() < until_tsc)
		send_one();
}

void console_write(const char *s, size_t len)
{
	/* Port 0xE9 costs no waiting: it sees every byte at once, in the
	 * same order the UART will. */
	if (mirror_e9)
		for (size_t i = 0; i < len; i++)
			outb(E9_PORT, (uint8_t)s[i]);
	if (!buffered) {
		uart_write(s, len);
		return;
	}
	for (size_t i = 0; i < len; i++) {
		/* Full: the hypervisor's own lines wait for room (guests ask
		 * console_room first and wait their turn instead). */
		if (head - tail == CONSOLE_RING_SIZE)
			send_one();
		ring[head++ & RING_MASK] = s[i];
	}
}

static void console_sink(void *ctx, const char *s, size_t len)
{
	(void)ctx;
	console_write(s, len);
}

void kvprintf(const char *fmt, va_list ap)
{
	fmt_vformat(console_sink, NULL, fmt, ap);
}

void kprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
}
