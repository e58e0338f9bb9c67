/* hcbench: times N null hypercalls (FALLOW_HC_ABI_VERSION) with RDTSC.
 * Meaningful on KVM and hardware; under Bochs the TSC counts emulated
 * instructions, so the figure is a path length. Command line: n=N. */
#include "guest-abi/rt/rt.h"

#define DEFAULT_CALLS 10000ull

int guest_main(const struct fallow_start_info *si)
{
	uint64_t n = rt_cmdline_u64("n", DEFAULT_CALLS);
	uint64_t bad = 0;

	(void)si;
	if (!n)
		n = 1;
	uint64_t t0 = rt_rdtsc();

	for (uint64_t i = 0; i < n; i++)
		if (hc_abi_version() != FALLOW_ABI_VERSION)
			bad++;
	uint64_t t1 = rt_rdtsc();

	rt_printf("bench: hypercall_roundtrip_cycles=%llu calls=%llu\n",
		  (unsigned long long)((t1 - t0) / n), (unsigned long long)n);
	return bad ? 1 : 0;
}
