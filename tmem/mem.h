/* Byte-level helpers for tmem. They go through __builtin_memcpy and
 * friends so the same code builds freestanding (the hypervisor supplies
 * memcpy, memset, memmove and memcmp) and on the host; GCC inlines the
 * constant-size copies into plain loads and stores. */
#ifndef FALLOW_TMEM_MEM_H
#define FALLOW_TMEM_MEM_H

#include <stddef.h>
#include <stdint.h>

static inline uint16_t mem_load16(const void *p)
{
	uint16_t v;

	__builtin_memcpy(&v, p, sizeof(v));
	return v;
}

static inline uint32_t mem_load32(const void *p)
{
	uint32_t v;

	__builtin_memcpy(&v, p, sizeof(v));
	return v;
}

static inline uint64_t mem_load64(const void *p)
{
	uint64_t v;

	__builtin_memcpy(&v, p, sizeof(v));
	return v;
}

static inline void mem_store16(void *p, uint16_t v)
{
	__builtin_memcpy(p, &v, sizeof(v));
}

static inline void mem_copy8(void *d, const void *s)
{
	__builtin_memcpy(d, s, 8);
}

static inline void mem_copy16(void *d, const void *s)
{
	__builtin_memcpy(d, s, 16);
}

static inline void mem_copy(void *d, const void *s, size_t n)
{
	__builtin_memcpy(d, s, n);
}

static inline void mem_move(void *d, const void *s, size_t n)
{
	__builtin_memmove(d, s, n);
}

static inline void mem_zero(void *d, size_t n)
{
	__builtin_memset(d, 0, n);
}

static inline int mem_cmp(const void *a, const void *b, size_t n)
{
	return __builtin_memcmp(a, b, n);
}

#endif
