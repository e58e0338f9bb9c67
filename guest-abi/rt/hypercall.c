/* Hypercall wrappers: one VMCALL each, arguments as fallow_abi.h says. */
#include "guest-abi/rt/rt.h"

int64_t hc_abi_version(void)
{
	return fallow_hypercall3(FALLOW_HC_ABI_VERSION, 0, 0, 0);
}

int64_t hc_abi_info(struct fallow_abi_info *out)
{
	return fallow_hypercall3(FALLOW_HC_ABI_INFO, (uint64_t)(uintptr_t)out,
				 sizeof(*out), 0);
}

int64_t hc_console_write(const void *buf, uint64_t len)
{
	return fallow_hypercall3(FALLOW_HC_CONSOLE_WRITE,
				 (uint64_t)(uintptr_t)buf, len, 0);
}

int64_t hc_console_read(void *buf, uint64_t len)
{
	return fallow_hypercall3(FALLOW_HC_CONSOLE_READ, (uint64_t)(uintptr_t)buf, len, 0);
}

int64_t hc_yield(void)
{
	return fallow_hypercall3(FALLOW_HC_YIELD, 0, 0, 0);
}

void hc_exit(int status)
{
	rt_flush();
	fallow_hypercall3(FALLOW_HC_EXIT, (uint64_t)(int64_t)status, 0, 0);
	for (;;) /* the hypervisor never resumes an exited guest */
		__asm__ volatile("hlt");
}

int64_t hc_time(struct fallow_time *out)
{
	return fallow_hypercall3(FALLOW_HC_TIME, (uint64_t)(uintptr_t)out,
				 sizeof(*out), 0);
}

int64_t hc_balloon_release(const uint64_t *gfns, uint64_t count)
{
	return fallow_hypercall3(FALLOW_HC_BALLOON_RELEASE, (uint64_t)(uintptr_t)gfns,
				 count, 0);
}

int64_t hc_balloon_populate(const uint64_t *gfns, uint64_t count)
{
	return fallow_hypercall3(FALLOW_HC_BALLOON_POPULATE, (uint64_t)(uintptr_t)gfns,
				 count, 0);
}

int64_t hc_mem_target(void)
{
	return fallow_hypercall3(FALLOW_HC_MEM_TARGET, 0, 0, 0);
}

int64_t hc_mem_post(const struct fallow_mem_figures *f)
{
	return fallow_hypercall3(FALLOW_HC_MEM_POST, (uint64_t)(uintptr_t)f,
				 sizeof(*f), 0);
}
