/* Time during the guest phase, from the TSC: the uptime that delayed
 * starts (start=after:), stats_interval= and the disk model count in,
 * each guest's CPU time, and the jump over time when every runnable
 * guest waits for its disk. Under Bochs the TSC advances per emulated
 * instruction, so a "second" is emulated time, and with `clock:
 * sync=none` every figure repeats run to run. */
#ifndef FALLOW_GUEST_CLOCK_H
#define FALLOW_GUEST_CLOCK_H

#include <stdint.h>

struct guest;
struct cpuid_time;

/* Starts the clock at 0; hz 0 (unknown) assumes CLOCK_HZ_FALLBACK. */
void clock_start(uint64_t hz);

/* The TSC and vLAPIC timer frequencies guests are told (CPUID leaves
 * 0x15, 0x16, FALLOW_CPUID_TIMING; vcpu/cpuid_time.h): those of the clock,
 * fixed at clock_start. */
const struct cpuid_time *clock_guest_time(void);

/* Milliseconds since clock_start (wall time of the guest phase, skipped
 * time included). */
uint64_t clock_ms(void);

/* TSC ticks as milliseconds at the clock's rate. */
uint64_t clock_ticks_to_ms(uint64_t ticks);

/* Moves the TSC forward to `tsc` (IA32_TSC is written) when it is in
 * the future; the time skipped counts in clock_skipped_ms. */
void clock_skip_to(uint64_t tsc);
uint64_t clock_skipped_ms(void);

/* A guest's CPU time: begin right before each VM entry, end after its
 * exit was handled; clock_cpu_ticks counts a turn in progress too. */
void clock_cpu_begin(struct guest *g);
void clock_cpu_end(struct guest *g);
uint64_t clock_cpu_ticks(const struct guest *g);

/* Every guest's CPU time together, in ticks (running and ended). */
uint64_t clock_cpu_total_ticks(void);

#define CLOCK_HZ_FALLBACK 1000000000ull /* 1 GHz */
#define MS_PER_S 1000ull

#endif
