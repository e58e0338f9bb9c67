/* panic(): for broken invariants only. Prints `PANIC at file:line: msg`
 * and a stack trace, then powers off with failure. */
#ifndef FALLOW_ARCH_PANIC_H
#define FALLOW_ARCH_PANIC_H

#define panic(...) panic_at(__FILE__, __LINE__, __VA_ARGS__)

__attribute__((noreturn, format(printf, 3, 4))) void
panic_at(const char *file, int line, const char *fmt, ...);

#endif
