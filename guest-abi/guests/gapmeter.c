/* gapmeter: spins reading the TSC and keeps the longest gap between two
 * readings, which is the longest time the hypervisor ran something else
 * (another guest's turn and calls, its own work between turns). With
 * slice_us= (the hypervisor's slice) and limit=N (hundredths of a slice)
 * it fails, status 1, when a gap exceeded the limit: the check that no
 * other guest's hypercall holds it up for long.
 * Command line: ms=N (the longest it measures, default 3000), quiet_ms=N
 * (it stops earlier once no one but the hypervisor's own bookkeeping has
 * run for that long: everything else is over; default 0, off),
 * slice_us=N (default 10000), limit=N (default 250: 2.5 slices). */
#include "guest-abi/rt/rt.h"

#define DEFAULT_MS 3000ull
#define DEFAULT_SLICE_US 10000ull
#define DEFAULT_LIMIT 250ull /* hundredths of a slice */
#define US_PER_S 1000000ull
#define MS_PER_S 1000ull
/* Gaps longer than this count as "descheduled" (a loop iteration is a
 * few dozen ticks). */
#define JUMP_TICKS 20000ull

int guest_main(const struct fallow_start_info *si)
{
	uint64_t ms = rt_cmdline_u64("ms", DEFAULT_MS);
	uint64_t slice_us = rt_cmdline_u64("slice_us", DEFAULT_SLICE_US);
	uint64_t limit = rt_cmdline_u64("limit", DEFAULT_LIMIT);
	uint64_t quiet_ms = rt_cmdline_u64("quiet_ms", 0);
	uint64_t hz = si->tsc_hz;

	if (!hz || !slice_us) {
		rt_printf("gapmeter: no TSC rate (%llu) or slice, cannot measure\n",
			  (unsigned long long)hz);
		return 2;
	}
	uint64_t slice = slice_us * hz / US_PER_S;
	uint64_t start = rt_rdtsc(), last = start, end = start + ms * hz / MS_PER_S;
	uint64_t worst = 0, jumps = 0, quiet = quiet_ms * hz / MS_PER_S, last_jump = start;

	rt_printf("gapmeter: measuring for up to %llu ms, slice %llu ticks\n",
		  (unsigned long long)ms, (unsigned long long)slice);
	while (last < end) {
		uint64_t now = rt_rdtsc();

		if (now - last > worst)
			worst = now - last;
		if (now - last > JUMP_TICKS) {
			jumps++;
			last_jump = now;
		}
		last = now;
		if (quiet && now - last_jump > quiet)
			break;
	}
	uint64_t pct = worst * 100 / slice;
	bool ok = pct <= limit;

	rt_printf("gapmeter: longest gap %llu us = %llu.%02llu slices (limit %llu.%02llu), "
		  "descheduled %llu times: %s\n",
		  (unsigned long long)(worst * US_PER_S / hz), (unsigned long long)(pct / 100),
		  (unsigned long long)(pct % 100), (unsigned long long)(limit / 100),
		  (unsigned long long)(limit % 100), (unsigned long long)jumps,
		  ok ? "ok" : "TOO LONG");
	return ok ? 0 : 1;
}
