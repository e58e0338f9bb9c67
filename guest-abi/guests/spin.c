/* spin: burns CPU without ever yielding or making a hypercall, so the
 * guests beside it run only if the hypervisor preempts it. It counts the
 * times the TSC jumped (it was descheduled) and then exits 0.
 * Command line: loops=N (busy-loop iterations, default 20000000). */
#include "guest-abi/rt/rt.h"

#define DEFAULT_LOOPS 20000000ull
/* A TSC jump this large between two loop iterations means someone else
 * ran in between (one iteration is a few dozen ticks). */
#define JUMP_TICKS 20000ull

int guest_main(const struct fallow_start_info *si)
{
	uint64_t loops = rt_cmdline_u64("loops", DEFAULT_LOOPS);
	uint64_t jumps = 0, last = rt_rdtsc(), start = last;

	rt_printf("spin: %s spinning for %llu loops without yielding\n",
		  si->name, (unsigned long long)loops);
	for (uint64_t i = 0; i < loops; i++) {
		uint64_t now = rt_rdtsc();

		if (now - last > JUMP_TICKS)
			jumps++;
		last = now;
	}
	rt_printf("spin: done, %llu ticks, descheduled %llu times\n",
		  (unsigned long long)(last - start), (unsigned long long)jumps);
	return 0;
}
