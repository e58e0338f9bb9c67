/* Guest console: printf into a line buffer that goes out through the
 * console hypercall, one whole line per call where lines fit. */
#include <stdarg.h>
#include "guest-abi/rt/rt.h"
#include "lib/fmt.h"

#define CONSOLE_LINE 256

static char line[CONSOLE_LINE];
static size_t line_len;

void rt_flush(void)
{
	if (line_len)
		hc_console_write(line, line_len);
	line_len = 0;
}

static void console_sink(void *ctx, const char *s, size_t len)
{
	(void)ctx;
	for (size_t i = 0; i < len; i++) {
		line[line_len++] = s[i];
		if (s[i] == '\n' || line_len == sizeof(line))
			rt_flush();
	}
}

void rt_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fmt_vformat(console_sink, 0, fmt, ap);
	va_end(ap);
}
