/* A guest's vLAPIC as the interrupt source vmx/event.c asks (struct
 * event_irq): the device lives above vmx/, so event.c reaches it only
 * through these two calls. */
#ifndef FALLOW_SCHED_IRQ_H
#define FALLOW_SCHED_IRQ_H

#include <stdint.h>
#include "guest/guest.h"
#include "vmx/event.h"

/* g's vLAPIC brought up to TSC `now` (a timer expiry at or before it is
 * pending) and described in *irq; returns irq, or NULL when g has no
 * vLAPIC (then nothing but reinjection and exceptions goes in). */
const struct event_irq *sched_irq(struct guest *g, uint64_t now, struct event_irq *irq);

#endif
