/* tmem hypercall wrappers and the UUID syntax (tmem.h). */
#include "guest-abi/rt/tmem.h"
#include "guest-abi/rt/rt.h"
#include "lib/uuid.h"

#define SHARED_KEY "shared="

int64_t fallow_hypercall6(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2,
			  uint64_t a3, uint64_t a4, uint64_t a5)
{
	register uint64_t r10 __asm__("r10") = a3;
	register uint64_t r8 __asm__("r8") = a4;
	register uint64_t r9 __asm__("r9") = a5;
	int64_t ret;

	__asm__ volatile("vmcall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a0), "S"(a1), "d"(a2), "r"(r10), "r"(r8), "r"(r9)
			 : "memory");
	return ret;
}

static uint64_t addr(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

int64_t hc_tmem_new_pool(uint32_t flags, uint64_t uuid_lo, uint64_t uuid_hi)
{
	return fallow_hypercall6(FALLOW_HC_TMEM_NEW_POOL, flags, uuid_lo, uuid_hi, 0, 0, 0);
}

int64_t hc_tmem_destroy_pool(uint32_t pool)
{
	return fallow_hypercall6(FALLOW_HC_TMEM_DESTROY_POOL, pool, 0, 0, 0, 0, 0);
}

int64_t hc_tmem_put(uint32_t pool, const struct rt_oid *oid, uint32_t index,
		    const void *page)
{
	return fallow_hypercall6(FALLOW_HC_TMEM_PUT, pool, oid->w[0], oid->w[1], oid->w[2],
				 index, addr(page));
}

int64_t hc_tmem_get(uint32_t pool, const struct rt_oid *oid, uint32_t index, void *page)
{
	return fallow_hypercall6(FALLOW_HC_TMEM_GET, pool, oid->w[0], oid->w[1], oid->w[2],
				 index, addr(page));
}

int64_t hc_tmem_flush_page(uint32_t pool, const struct rt_oid *oid, uint32_t index)
{
	return fallow_hypercall6(FALLOW_HC_TMEM_FLUSH_PAGE, pool, oid->w[0], oid->w[1],
				 oid->w[2], index, 0);
}

int64_t hc_tmem_flush_object(uint32_t pool, const struct rt_oid *oid)
{
	return fallow_hypercall6(FALLOW_HC_TMEM_FLUSH_OBJECT, pool, oid->w[0], oid->w[1],
				 oid->w[2], 0, 0);
}

int rt_uuid_parse(const char *s, size_t len, uint64_t *lo, uint64_t *hi)
{
	return uuid_parse(s, len, lo, hi) ? -FALLOW_EINVAL : 0;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t';
}

int rt_shared_uuid(unsigned n, uint64_t *lo, uint64_t *hi)
{
	const char *p = rt_start_info()->cmdline;
	const size_t keylen = sizeof(SHARED_KEY) - 1;

	while (*p) {
		while (is_space(*p))
			p++;
		const char *w = p;

		while (*p && !is_space(*p))
			p++;
		if ((size_t)(p - w) < keylen || strncmp(w, SHARED_KEY, keylen))
			continue;
		if (n-- == 0)
			return rt_uuid_parse(w + keylen, (size_t)(p - w) - keylen, lo, hi);
	}
	return -FALLOW_ENOENT;
}

const char *rt_errname(int64_t err)
{
	static const char *const names[] = {
		[FALLOW_EINVAL] = "EINVAL", [FALLOW_ENOMEM] = "ENOMEM",
		[FALLOW_ENOENT] = "ENOENT", [FALLOW_EEXIST] = "EEXIST",
		[FALLOW_EPERM] = "EPERM", [FALLOW_ERANGE] = "ERANGE",
		[FALLOW_EFAULT] = "EFAULT", [FALLOW_ENOSPC] = "ENOSPC",
		[FALLOW_ECORRUPT] = "ECORRUPT", [FALLOW_EBUSY] = "EBUSY",
		[FALLOW_ENOSYS] = "ENOSYS", [FALLOW_EFROZEN] = "EFROZEN",
	};

	if (err >= 0)
		return "ok";
	if (-err < (int64_t)(sizeof(names) / sizeof(names[0])) && names[-err])
		return names[-err];
	return "E?";
}
