/* Guest-physical ranges to hypervisor pointers, page by page through the
 * guest's own EPT, so a frame of another guest or of the hypervisor can
 * never be reached. */
#include "vmx/gmem.h"
#include "lib/err.h"
#include "mm/frame.h"
#include "vmx/hv.h"

int gmem_check(const struct ept *m, uint64_t gpa, uint64_t len)
{
	if (!len)
		return 0;
	if (gpa >= m->ram_end || len > m->ram_end - gpa)
		return -ERR_FAULT; /* also catches gpa + len wrapping */
	uint64_t last = (gpa + len - 1) & ~(uint64_t)FRAME_MASK;

	for (uint64_t page = gpa & ~(uint64_t)FRAME_MASK; page <= last;
	     page += FRAME_SIZE)
		if (ept_lookup(m, page) == FRAME_NONE)
			return -ERR_FAULT;
	return 0;
}

/* Calls `copy` for each piece of the range that lies within one frame. */
static int gmem_walk(const struct ept *m, uint64_t gpa, unsigned char *buf,
		     uint64_t len, int to_guest)
{
	int err = gmem_check(m, gpa, len);

	if (err)
		return err;
	while (len) {
		uint64_t off = gpa & FRAME_MASK;
		uint64_t chunk = FRAME_SIZE - off < len ? FRAME_SIZE - off : len;
		unsigned char *host =
			(unsigned char *)phys_to_virt(ept_lookup(m, gpa - off)) + off;

		if (to_guest)
			vmx_bcopy(host, buf, chunk);
		else
			vmx_bcopy(buf, host, chunk);
		gpa += chunk;
		buf += chunk;
		len -= chunk;
	}
	return 0;
}

int gmem_read(const struct ept *m, uint64_t gpa, void *dst, uint64_t len)
{
	return gmem_walk(m, gpa, dst, len, 0);
}

int gmem_write(const struct ept *m, uint64_t gpa, const void *src, uint64_t len)
{
	return gmem_walk(m, gpa, (unsigned char *)(uintptr_t)src, len, 1);
}

int gmem_page(const struct ept *m, uint64_t gpa, void **page)
{
	if (gpa & FRAME_MASK)
		return -ERR_INVAL;
	int err = gmem_check(m, gpa, FRAME_SIZE);

	if (err)
		return err;
	*page = phys_to_virt(ept_lookup(m, gpa));
	return 0;
}
