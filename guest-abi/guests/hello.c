/* hello: prints its name and RAM size, checks the hypervisor's CPUID
 * signature, and exits 0. */
#include "guest-abi/rt/rt.h"

static bool fallow_signature_ok(void)
{
	uint32_t a, b, c, d;
	char sig[13];

	__asm__ volatile("cpuid"
			 : "=a"(a), "=b"(b), "=c"(c), "=d"(d)
			 : "a"(FALLOW_CPUID_BASE), "c"(0));
	memcpy(sig, &b, 4);
	memcpy(sig + 4, &c, 4);
	memcpy(sig + 8, &d, 4);
	sig[12] = '\0';
	return !strncmp(sig, FALLOW_CPUID_SIGNATURE, sizeof(sig)) &&
	       a >= FALLOW_CPUID_VERSION;
}

int guest_main(const struct fallow_start_info *si)
{
	rt_printf("hello from %s: ram=%llu KiB abi=%u cpuid=%s cmdline='%s'\n",
		  si->name, (unsigned long long)(si->ram_bytes >> 10),
		  (unsigned)hc_abi_version(),
		  fallow_signature_ok() ? "fallow" : "unknown", si->cmdline);
	/* COM1 output is forwarded too, one line at a time. */
	const char *msg = "hello via COM1\n";

	for (const char *p = msg; *p; p++)
		__asm__ volatile("outb %0, %1" ::"a"(*p), "Nd"((uint16_t)FALLOW_COM1_PORT));
	hc_yield();
	rt_printf("goodbye from %s\n", si->name);
	return 0;
}
