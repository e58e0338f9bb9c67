/* The contents guests write into anonymous pages and check when they come
 * back (from RAM, frontswap, tmem or a swap area): word i of version `ver`
 * of page `id`. The first RT_PATTERN_NOISE_WORDS words are noise and the
 * rest repeat one word, so a page compresses to a little over 3/8 of its
 * size, and no two (id, ver) pages are equal. */
#ifndef FALLOW_GUEST_RT_PATTERN_H
#define FALLOW_GUEST_RT_PATTERN_H

#include <stdint.h>
#include "guest-abi/fallow_abi.h"

#define RT_PATTERN_WORDS (FALLOW_PAGE_SIZE / sizeof(uint64_t))
#define RT_PATTERN_NOISE_WORDS (RT_PATTERN_WORDS * 3 / 8)

static inline uint64_t rt_pattern_word(uint32_t id, uint32_t ver, unsigned i)
{
	uint64_t x = ((uint64_t)id << 32 | ver) * 0x9e3779b97f4a7c15ull +
		     (i < RT_PATTERN_NOISE_WORDS ? i : 0);

	if (i >= RT_PATTERN_NOISE_WORDS)
		return x;
	x ^= x >> 29;
	x *= 0xbf58476d1ce4e5b9ull;
	return x ^ (x >> 32);
}

#endif
