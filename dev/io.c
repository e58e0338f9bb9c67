/* Port I/O from guests (every port exits through the I/O bitmaps). COM1's
 * data port is the guest's serial console, forwarded line by line; its
 * line-status register says "ready"; every other port reads as all ones
 * (nothing there) and swallows writes. */
#include "dev/io.h"
#include "guest-abi/fallow_abi.h"

#define IO_QUAL_SIZE_MASK 0x7ull /* bytes - 1 */
#define IO_QUAL_IN (1ull << 3)
#define IO_QUAL_STRING (1ull << 4)
#define IO_QUAL_PORT_SHIFT 16
#define COM1_LSR (FALLOW_COM1_PORT + 5)
#define LSR_THR_EMPTY 0x60u /* transmitter holding and shift registers empty */

static uint64_t read_port(uint16_t port, unsigned size)
{
	if (port == COM1_LSR && size == 1)
		return LSR_THR_EMPTY;
	return size == 4 ? 0xffffffffull : (1ull << (8 * size)) - 1;
}

enum exit_action exit_io(struct guest *g, const struct exit_info *e)
{
	unsigned size = (unsigned)(e->qual & IO_QUAL_SIZE_MASK) + 1;
	uint16_t port = (uint16_t)(e->qual >> IO_QUAL_PORT_SHIFT);

	if (e->qual & IO_QUAL_STRING) {
		guest_kill(g, "exit io: string I/O (INS/OUTS) on port 0x%x at RIP 0x%llx is not supported",
			   port, (unsigned long long)e->rip);
		return EXIT_GONE;
	}
	if (e->qual & IO_QUAL_IN) {
		uint64_t rax = g->vcpu.gpr[GPR_RAX];
		uint64_t v = read_port(port, size);

		/* IN to EAX zero-extends; to AL/AX it merges (SDM "IN"). */
		if (size == 4)
			rax = v;
		else
			rax = (rax & ~((1ull << (8 * size)) - 1)) | v;
		g->vcpu.gpr[GPR_RAX] = rax;
	} else if (port == FALLOW_COM1_PORT) {
		guest_console_putc(g, (char)g->vcpu.gpr[GPR_RAX]);
	}
	exit_skip_instruction();
	return EXIT_RESUME;
}
