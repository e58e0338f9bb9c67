#include "arch/x86_64/power.h"

#include "arch/x86_64/acpi.h"
#include "arch/x86_64/console.h"
#include "arch/x86_64/cpu.h"

#define QEMU_DEBUG_EXIT_PORT 0xf4
/* Bochs powers off when the string "Shutdown" is written to this port. */
#define BOCHS_SHUTDOWN_PORT 0x8900

static void bochs_shutdown(void)
{
	for (const char *p = "Shutdown"; *p; p++)
		outb(BOCHS_SHUTDOWN_PORT, (uint8_t)*p);
}

void power_off(bool success)
{
	/* A fault inside the power-off path itself (say, in ACPI parsing)
	 * comes back here: it must not print a second line or loop. */
	static bool in_progress;

	if (!in_progress) {
		in_progress = true;
		console_set_buffered(false); /* what is queued goes out first */
		kprintf("fallow: power off (%s)\n", success ? "success" : "failure");
		outb(QEMU_DEBUG_EXIT_PORT,
		     success ? FALLOW_EXIT_SUCCESS : FALLOW_EXIT_FAILURE);
		acpi_power_off();
		bochs_shutdown();
	}
	cpu_halt_forever();
}
