/* Sets of frame-number ranges: the arithmetic frame_init() needs to turn
 * an untidy memory map (unsorted, overlapping, with reserved holes) into
 * the stretches of RAM it manages. */
#ifndef FALLOW_MM_PFNRANGE_H
#define FALLOW_MM_PFNRANGE_H

#include <stdint.h>

/* Frames [start, end). */
struct pfn_range {
	uint64_t start;
	uint64_t end;
};

/* Sorts `r` by start and merges ranges that overlap or touch, dropping
 * empty ones; *n is updated. Insertion sort: n is small (a memory map). */
void pfn_range_normalize(struct pfn_range *r, unsigned *n);

/* Writes `from` minus `minus` to `out`. Both inputs must be normalized;
 * so is the result. Returns the number of ranges written, or -1 if more
 * than `max_out` would be needed (nfrom + nminus always suffices). */
int pfn_range_subtract(const struct pfn_range *from, unsigned nfrom,
		       const struct pfn_range *minus, unsigned nminus,
		       struct pfn_range *out, unsigned max_out);

#endif
