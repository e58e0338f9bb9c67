/* The hypervisor console: COM1, optionally mirrored byte for byte to
 * port 0xE9 (Bochs's debug port, whose output reaches Bochs's stdout at
 * once, where COM1's file output is lost when Bochs powers off).
 *
 * While guests run the console is buffered: output goes into a ring and
 * the scheduler drains it to the UART between turns (a share of time
 * each) and while idle, so no one waits for the UART inside a call (a
 * 16550 at 115200 baud takes 87 us a byte). Everything goes through the
 * one ring, so lines keep their order; turning buffering off, power-off
 * and panic send what is queued first. */
#ifndef FALLOW_ARCH_CONSOLE_H
#define FALLOW_ARCH_CONSOLE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

void console_init(void);
void console_set_e9(bool on);
void console_write(const char *s, size_t len);

#define CONSOLE_RING_SIZE 16384u
void console_set_buffered(bool on); /* off: flushes first */
/* Bytes console_write can queue now without waiting for the UART. */
size_t console_room(void);
bool console_pending(void);
/* Sends queued bytes until none is left or the TSC reaches until_tsc. */
void console_drain(uint64_t until_tsc);
/* Sends everything queued, waiting for the UART. */
void console_flush(void);

void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void kvprintf(const char *fmt, va_list ap);

#endif
