#include "arch/x86_64/console.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/uart.h"
#include "lib/fmt.h"

#define E9_PORT 0xe9

static bool mirror_e9;

void console_init(void)
{
	uart_init();
}

void console_set_e9(bool on)
{
	mirror_e9 = on;
}

void console_write(const char *s, size_t len)
{
	uart_write(s, len);
	if (mirror_e9)
		for (size_t i = 0; i < len; i++)
			outb(E9_PORT, (uint8_t)s[i]);
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
