/* What vmx/ takes from the rest of the hypervisor: the console, panic and
 * the C memory functions. One place to adapt if those move. */
#ifndef FALLOW_VMX_HV_H
#define FALLOW_VMX_HV_H

#include <stddef.h>
#include <stdint.h>
#include "arch/x86_64/console.h"
#include "arch/x86_64/panic.h"
#include "arch/x86_64/string.h"

static inline void vmx_bzero(void *p, size_t n)
{
	memset(p, 0, n);
}

static inline void vmx_bcopy(void *dst, const void *src, size_t n)
{
	memcpy(dst, src, n);
}

#endif
