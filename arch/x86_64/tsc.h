/* The TSC's frequency: from CPUID where the CPU states it, otherwise
 * measured against the PIT. */
#ifndef FALLOW_ARCH_TSC_H
#define FALLOW_ARCH_TSC_H

#include <stdint.h>

struct tsc_info {
	uint64_t hz;        /* 0 when neither CPUID nor the PIT gave one */
	const char *source; /* how hz was found, for the console */
};

void tsc_init(struct tsc_info *out);

#endif
