#include "arch/x86_64/cpuinfo.h"

#include "arch/x86_64/console.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/paging.h"

#define VENDOR_LEN 12
/* CPUID.1:EAX signature fields (SDM vol. 2A, CPUID, figure 3-6). */
#define SIG_STEPPING(eax) ((eax) & 0xf)
#define SIG_MODEL(eax) (((eax) >> 4) & 0xf)
#define SIG_FAMILY(eax) (((eax) >> 8) & 0xf)
#define SIG_EXT_MODEL(eax) (((eax) >> 16) & 0xf)
#define SIG_EXT_FAMILY(eax) (((eax) >> 20) & 0xff)
#define FAMILY_EXTENDED 0xf
#define FAMILY_P6 0x6

static void copy_reg(char *dst, uint32_t r)
{
	for (int i = 0; i < 4; i++)
		dst[i] = (char)(r >> (8 * i));
}

void cpuinfo_report(void)
{
	struct cpuid_regs v = cpuid(0, 0);
	char vendor[VENDOR_LEN + 1];
	uint32_t sig = cpuid(CPUID_LEAF_FEATURES, 0).eax;
	unsigned family = SIG_FAMILY(sig), model = SIG_MODEL(sig);

	copy_reg(vendor, v.ebx);
	copy_reg(vendor + 4, v.edx);
	copy_reg(vendor + 8, v.ecx);
	vendor[VENDOR_LEN] = '\0';
	/* The displayed family and model per the SDM's rule. */
	if (family == FAMILY_EXTENDED)
		family += SIG_EXT_FAMILY(sig);
	if (family == FAMILY_EXTENDED || SIG_FAMILY(sig) == FAMILY_P6)
		model |= SIG_EXT_MODEL(sig) << 4;
	kprintf("cpu: %s family 0x%x model 0x%x stepping %u, 1 GiB pages %s%s\n",
		vendor, family, model, SIG_STEPPING(sig),
		paging_uses_1g_pages() ? "yes" : "no",
		cpuid(CPUID_LEAF_FEATURES, 0).ecx & CPUID_1_ECX_HYPERVISOR
			? ", running under a hypervisor" : "");
}
