/* Scheduling guests on this one CPU: round robin, each turn bounded by
 * the VMX-preemption timer. */
#ifndef FALLOW_SCHED_SCHED_H
#define FALLOW_SCHED_SCHED_H

#include <stdint.h>

#define SCHED_SLICE_US_DEFAULT 10000u
#define SCHED_SLICE_US_MIN 10u
#define SCHED_SLICE_US_MAX 1000000u

/* Runs every runnable guest until none is left and no waiting guest can
 * start any more, polling the console, delayed starts and the stats timer
 * between turns and while idle. `slice_ticks` is the length of a turn in
 * TSC ticks. */
void sched_run(uint64_t slice_ticks);

#endif
