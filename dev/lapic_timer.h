/* The vLAPIC's timer (SDM vol. 3A 10.5.4), between dev/lapic.c and
 * dev/lapic_timer.c only: everything else goes through dev/lapic.h. */
#ifndef FALLOW_DEV_LAPIC_TIMER_H
#define FALLOW_DEV_LAPIC_TIMER_H

#include "dev/lapic.h"

#define LAPIC_LVT_MASKED (1u << 16)
#define LAPIC_SVR_ENABLE (1u << 8) /* APIC software enable */

bool lapic_enabled(const struct lapic *l);

/* The registers' writes; 0 or -ERR_INVAL (reserved bits, reserved mode). */
int lapic_timer_write_lvt(struct lapic *l, uint64_t v, uint64_t now);
void lapic_timer_write_initial(struct lapic *l, uint32_t count, uint64_t now);
int lapic_timer_write_divide(struct lapic *l, uint64_t v, uint64_t now);
void lapic_timer_write_deadline(struct lapic *l, uint64_t tsc);
uint32_t lapic_timer_current(const struct lapic *l, uint64_t now);

#endif
