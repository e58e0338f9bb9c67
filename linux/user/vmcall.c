/* fallow-vmcall: a Linux user process that tries a Fallow hypercall.
 * Fallow takes hypercalls from guest ring 0 only (guest-abi/ABI.md): from
 * here VMCALL must raise #UD, which Linux turns into SIGILL, so the
 * process dies by signal 4 (the shell sees status 132). Were the call
 * accepted, FALLOW_HC_EXIT would end the whole guest with LEAKED_STATUS
 * and the scenario would see it; if VMCALL returned, the process exits 1.
 * Built static, without libc, by linux/mkinitramfs.sh. */
#include "guest-abi/fallow_abi.h"

#define LEAKED_STATUS 101
#define SYS_EXIT 60 /* x86_64 Linux */

__attribute__((noreturn)) void _start(void);

void _start(void)
{
	long ret;

	__asm__ volatile("vmcall"
			 : "=a"(ret)
			 : "a"((long)FALLOW_HC_EXIT), "D"((long)LEAKED_STATUS)
			 : "memory");
	(void)ret;
	__asm__ volatile("syscall" ::"a"((long)SYS_EXIT), "D"(1L) : "rcx", "r11", "memory");
	__builtin_unreachable();
}
