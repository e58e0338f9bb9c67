/* The memory invariant during the guest phase, checked in debug builds
 * (FALLOW_DEBUG) after every hypercall:
 *   free + freeable + owned == total              (the frame allocator's)
 *   allocated == baseline + sum of live guests' pages_owned + uncharged
 * where baseline is what the hypervisor held when guests began and
 * uncharged what it allocated since for no guest in particular. A
 * broken invariant is a hypervisor bug: it panics with the figures. */
#ifndef FALLOW_GUEST_MEMCHECK_H
#define FALLOW_GUEST_MEMCHECK_H

#include <stdint.h>

#ifndef FALLOW_DEBUG
#define FALLOW_DEBUG 0
#endif

/* Records the baseline; call once VT-x is on, before any guest exists. */
void memcheck_begin(void);

/* Frames the hypervisor allocated after memcheck_begin that no guest's
 * pages_owned counts (ephemeral tmem data and metadata, spares, pool
 * records). */
uint64_t memcheck_uncharged_frames(void);

/* Checks both invariants and panics, naming `after`, if one is broken. */
void memcheck_now(const char *after);

/* memcheck_now in debug builds, nothing otherwise. `call` names the
 * hypercall just handled (NULL: an unknown number). */
static inline void memcheck_after_hypercall(const char *call)
{
	if (FALLOW_DEBUG)
		memcheck_now(call ? call : "an unknown hypercall");
}

#endif
