/* fault: misbehaves on request so the hypervisor's kill paths can be
 * tested. Command line: one of
 *   msr   read an MSR outside the allowed list (#GP injected)
 *   ud    execute UD2 (#UD)
 *   cr4   clear CR4.PAE, which the hypervisor owns (#GP injected)
 *   port  probe an absent port (reads all ones) and then exit 0
 * Without an IDT of its own the guest must be killed for the first three. */
#include "guest-abi/rt/rt.h"

#define ABSENT_PORT 0x2f8 /* COM2: not given to guests */
#define MSR_UNLISTED 0x1b /* IA32_APIC_BASE */
#define CR4_PAE (1ull << 5)

int guest_main(const struct fallow_start_info *si)
{
	rt_printf("fault: %s asked for '%s'\n", si->name, si->cmdline);
	rt_flush();
	if (rt_cmdline_has("msr")) {
		uint32_t lo, hi;

		__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(MSR_UNLISTED));
	} else if (rt_cmdline_has("ud")) {
		__asm__ volatile("ud2");
	} else if (rt_cmdline_has("cr4")) {
		uint64_t cr4;

		__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
		__asm__ volatile("mov %0, %%cr4" ::"r"(cr4 & ~CR4_PAE));
	} else if (rt_cmdline_has("port")) {
		uint8_t v;

		__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"((uint16_t)ABSENT_PORT));
		rt_printf("fault: port 0x%x reads 0x%x\n", ABSENT_PORT, v);
		return v == 0xff ? 0 : 1;
	} else {
		rt_printf("fault: nothing asked\n");
		return 0;
	}
	rt_printf("fault: FAILED: survived\n");
	return 1;
}
