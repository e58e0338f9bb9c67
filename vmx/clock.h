/* Time during the guest phase, from the TSC: the uptime that delayed
 * starts (start=after:) and stats_interval= count in. Under Bochs the TSC
 * advances per emulated instruction, so a "second" is emulated time. */
#ifndef FALLOW_VMX_CLOCK_H
#define FALLOW_VMX_CLOCK_H

#include <stdint.h>

/* Starts the clock at 0; hz 0 (unknown) assumes CLOCK_HZ_FALLBACK. */
void clock_start(uint64_t hz);

/* Milliseconds since clock_start. */
uint64_t clock_ms(void);

#define CLOCK_HZ_FALLBACK 1000000000ull /* 1 GHz */
#define MS_PER_S 1000ull

#endif
