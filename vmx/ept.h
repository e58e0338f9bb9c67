/* Extended page tables: one 4-level, write-back EPT per guest, mapping
 * guest-physical 4 KiB pages to frames the frame allocator gave that guest.
 * The EPT is also the record of which frames a guest owns. */
#ifndef FALLOW_VMX_EPT_H
#define FALLOW_VMX_EPT_H

#include <stdint.h>
#include "mm/phys.h"

struct ept {
	paddr_t pml4;         /* FRAME_NONE until ept_init */
	uint64_t table_pages; /* frames holding the tables themselves */
	uint64_t ram_pages;   /* guest RAM frames mapped */
	uint64_t ram_end;     /* guest RAM is [0, ram_end): gmem reaches no further */
};

/* Allocates the (zeroed) PML4 of a guest whose RAM is [0, ram_end).
 * 0 or -ERR_NOMEM. */
int ept_init(struct ept *e, uint64_t ram_end);

/* Maps guest-physical page `gpa` to frame `hpa`, read/write/execute, WB.
 * 0, -ERR_NOMEM (no frame for a table), -ERR_EXIST (already mapped),
 * -ERR_INVAL (unaligned or beyond the 48-bit guest-physical space). */
int ept_map(struct ept *e, uint64_t gpa, paddr_t hpa);

/* Removes the mapping of guest-physical page `gpa` and returns the frame
 * it held (the caller flushes the EPT's TLB entries before reusing it),
 * or FRAME_NONE when nothing was mapped there. Tables stay: a later
 * ept_map of the same page needs no new frame. */
paddr_t ept_unmap(struct ept *e, uint64_t gpa);

/* The frame behind guest-physical page `gpa`, or FRAME_NONE. */
paddr_t ept_lookup(const struct ept *e, uint64_t gpa);

/* The EPTP value for the VMCS: PML4, WB walks, 4 levels. */
uint64_t ept_pointer(const struct ept *e);

/* Scrubs and frees every mapped frame and every table frame. */
void ept_destroy(struct ept *e);

/* Zeroes a frame and returns it to the frame allocator; panics if the
 * allocator refuses it (double free: a broken invariant). */
void ept_scrub_free(paddr_t pa);

#endif
