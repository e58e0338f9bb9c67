#include "mm/pfnrange.h"

static void sort_by_start(struct pfn_range *r, unsigned n)
{
	for (unsigned i = 1; i < n; i++) {
		struct pfn_range key = r[i];
		unsigned j = i;

		while (j > 0 && r[j - 1].start > key.start) {
			r[j] = r[j - 1];
			j--;
		}
		r[j] = key;
	}
}

void pfn_range_normalize(struct pfn_range *r, unsigned *n)
{
	unsigned out = 0;

	sort_by_start(r, *n);
	for (unsigned i = 0; i < *n; i++) {
		if (r[i].start >= r[i].end)
			continue;
		if (out > 0 && r[i].start <= r[out - 1].end) {
			if (r[i].end > r[out - 1].end)
				r[out - 1].end = r[i].end;
			continue;
		}
		r[out++] = r[i];
	}
	*n = out;
}

int pfn_range_subtract(const struct pfn_range *from, unsigned nfrom,
		       const struct pfn_range *minus, unsigned nminus,
		       struct pfn_range *out, unsigned max_out)
{
	unsigned nout = 0;

	for (unsigned i = 0; i < nfrom; i++) {
		uint64_t cursor = from[i].start;

		/* Both lists are sorted, but a rescan per range keeps this
		 * obviously right; the lists are a few hundred entries. */
		for (unsigned j = 0; j < nminus && cursor < from[i].end; j++) {
			if (minus[j].end <= cursor)
				continue;
			if (minus[j].start >= from[i].end)
				break;
			if (minus[j].start > cursor) {
				if (nout == max_out)
					return -1;
				out[nout].start = cursor;
				out[nout].end = minus[j].start;
				nout++;
			}
			cursor = minus[j].end;
		}
		if (cursor < from[i].end) {
			if (nout == max_out)
				return -1;
			out[nout].start = cursor;
			out[nout].end = from[i].end;
			nout++;
		}
	}
	return (int)nout;
}
