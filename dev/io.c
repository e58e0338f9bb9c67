/* Port I/O from guests (every port exits through the I/O bitmaps), routed
 * by port to the attached device whose range holds it (dev/dev.h): COM1
 * is the console's. A port no device has reads as all ones (nothing
 * there) and swallows writes. */
#include "dev/dev.h"
#include "dev/io.h"
#include "vmx/exit.h"

#define IO_QUAL_SIZE_MASK 0x7ull /* bytes - 1 */
#define IO_QUAL_IN (1ull << 3)
#define IO_QUAL_STRING (1ull << 4)
#define IO_QUAL_PORT_SHIFT 16

static uint64_t all_ones(unsigned size)
{
	return size == 4 ? 0xffffffffull : (1ull << (8 * size)) - 1;
}

enum exit_action exit_io(struct guest *g, const struct exit_info *e)
{
	unsigned size = (unsigned)(e->qual & IO_QUAL_SIZE_MASK) + 1;
	uint16_t port = (uint16_t)(e->qual >> IO_QUAL_PORT_SHIFT);
	const struct dev_ports *dev = dev_find_port(g, port);

	if (e->qual & IO_QUAL_STRING) {
		guest_kill(g, "exit io: string I/O (INS/OUTS) on port 0x%x at RIP 0x%llx is not supported",
			   port, (unsigned long long)e->rip);
		return EXIT_GONE;
	}
	if (e->qual & IO_QUAL_IN) {
		uint64_t rax = g->vcpu.gpr[GPR_RAX];
		uint64_t v = dev ? dev->in(g, port, size) & all_ones(size) : all_ones(size);

		/* IN to EAX zero-extends; to AL/AX it merges (SDM "IN"). */
		if (size == 4)
			rax = v;
		else
			rax = (rax & ~((1ull << (8 * size)) - 1)) | v;
		g->vcpu.gpr[GPR_RAX] = rax;
	} else if (dev) {
		dev->out(g, port, size, g->vcpu.gpr[GPR_RAX] & all_ones(size));
	}
	exit_skip_instruction();
	return EXIT_RESUME;
}
