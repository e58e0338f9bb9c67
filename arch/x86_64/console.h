/* The hypervisor console: COM1, optionally mirrored byte for byte to
 * port 0xE9 (Bochs's debug port, whose output reaches Bochs's stdout at
 * once, where COM1's file output is lost when Bochs powers off). */
#ifndef FALLOW_ARCH_CONSOLE_H
#define FALLOW_ARCH_CONSOLE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

void console_init(void);
void console_set_e9(bool on);
void console_write(const char *s, size_t len);

void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void kvprintf(const char *fmt, va_list ap);

#endif
