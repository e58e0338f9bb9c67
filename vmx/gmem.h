/* Guest memory access: THE one way the hypervisor reads or writes guest
 * RAM. A guest-physical range is accepted only when all of it lies inside
 * the guest's RAM (below its EPT's ram_end) and every page is mapped to a
 * frame the guest owns (its EPT); nothing is copied unless the whole range
 * passes. */
#ifndef FALLOW_VMX_GMEM_H
#define FALLOW_VMX_GMEM_H

#include <stdint.h>
#include "vmx/ept.h"

/* 0 when [gpa, gpa+len) is the guest's, else -ERR_FAULT. len 0 is fine. */
int gmem_check(const struct ept *m, uint64_t gpa, uint64_t len);

/* Copy between guest RAM and hypervisor memory: 0 or -ERR_FAULT. */
int gmem_read(const struct ept *m, uint64_t gpa, void *dst, uint64_t len);
int gmem_write(const struct ept *m, uint64_t gpa, const void *src, uint64_t len);

/* The hypervisor's view of the one whole guest page at `gpa`, for calls
 * that move full pages (tmem): 0 with *page set, -ERR_INVAL when gpa is
 * not page-aligned, -ERR_FAULT when the page is not the guest's. The
 * pointer is valid until the guest's memory next changes (balloon,
 * destroy): use it within the hypercall. */
int gmem_page(const struct ept *m, uint64_t gpa, void **page);

#endif
