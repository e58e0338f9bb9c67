#include "arch/x86_64/panic.h"

#include <stdarg.h>
#include <stdint.h>
#include "arch/x86_64/console.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/power.h"
#include "arch/x86_64/stacks.h"

void panic_at(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	cli();
	console_set_buffered(false); /* queued lines first, then this, unqueued */
	kprintf("PANIC at %s:%d: ", file, line);
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kprintf("\n");
	stack_trace_print((uint64_t)(uintptr_t)__builtin_frame_address(0));
	power_off(false);
}
