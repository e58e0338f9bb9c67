/* A printf-style formatter for a machine with no libc. Output goes through
 * a callback so the console, a buffer or a test can all receive it.
 *
 * Conversions: %d %i %u %x %X %o %p %s %c %%. Flags: '-' (left align),
 * '0' (zero pad). Width and precision as digits or '*'. Length modifiers:
 * hh h l ll z. Precision limits %s and sets the minimum digits of integers.
 * An unknown conversion is printed as-is so a bad format is visible. */
#ifndef FALLOW_LIB_FMT_H
#define FALLOW_LIB_FMT_H

#include <stdarg.h>
#include <stddef.h>

/* Receives the formatted output, `len` bytes at a time. */
typedef void (*fmt_sink_fn)(void *ctx, const char *s, size_t len);

/* Formats to `sink`; returns the number of bytes produced. */
size_t fmt_vformat(fmt_sink_fn sink, void *ctx, const char *fmt, va_list ap);
size_t fmt_format(fmt_sink_fn sink, void *ctx, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Like snprintf: writes at most size-1 bytes plus a NUL (when size > 0)
 * and returns the length the whole output would have had. */
size_t fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
size_t fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
