/* One console line about the CPU we run on, so a log says what machine
 * (or emulator model) produced it. */
#ifndef FALLOW_ARCH_CPUINFO_H
#define FALLOW_ARCH_CPUINFO_H

void cpuinfo_report(void);

#endif
