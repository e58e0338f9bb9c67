/* The disk hypercalls: one VMCALL each (guest-abi/ABI.md). */
#include "guest-abi/rt/disk.h"
#include "guest-abi/rt/rt.h"

int64_t disk_info(struct fallow_disk_info *out)
{
	return fallow_hypercall3(FALLOW_HC_DISK_INFO, (uint64_t)(uintptr_t)out,
				 sizeof(*out), 0);
}

int64_t disk_read(uint64_t sector, uint64_t count, void *buf)
{
	return fallow_hypercall3(FALLOW_HC_DISK_READ, sector, count,
				 (uint64_t)(uintptr_t)buf);
}

int64_t disk_write(uint64_t sector, uint64_t count, const void *buf)
{
	return fallow_hypercall3(FALLOW_HC_DISK_WRITE, sector, count,
				 (uint64_t)(uintptr_t)buf);
}

int64_t hc_cpu_time(void)
{
	return fallow_hypercall3(FALLOW_HC_CPU_TIME, 0, 0, 0);
}
