/* Control-register access exits. CR0/CR4 bits that VMX or the 64-bit
 * start convention fix are owned by the hypervisor (guest/host masks);
 * a guest write that would change one gets #GP. CR3 exits only when the
 * CPU forces CR3-load/store exiting on; then it is emulated. CR8 always
 * exits: the guest's TPR is a value in its vCPU or its vLAPIC, never the
 * host APIC's. */
#include "vcpu/exits.h"
#include "arch/x86_64/msr.h"
#include "dev/lapic.h"
#include "vmx/vmcs.h"
#include "vmx/vmcs_setup.h"

#define CR_QUAL_NUMBER_MASK 0xfull
#define CR_QUAL_TYPE_SHIFT 4
#define CR_QUAL_TYPE_MASK 0x3ull
#define CR_QUAL_REG_SHIFT 8
#define CR_QUAL_REG_MASK 0xfull
#define CR_ACCESS_MOV_TO 0
#define CR_ACCESS_MOV_FROM 1

/* A write to a masked CR: accepted only if every owned bit keeps the
 * value the guest reads (the shadow). */
static int write_masked(enum vmcs_field cr, enum vmcs_field shadow, uint64_t owned,
			uint64_t v)
{
	uint64_t cur_shadow = vmcs_read(shadow);
	uint64_t cur = vmcs_read(cr);

	if ((v ^ cur_shadow) & owned)
		return -1;
	vmcs_write(cr, (cur & owned) | (v & ~owned));
	vmcs_write(shadow, v);
	return 0;
}

/* Bits 63:4 of CR8 are reserved (#GP), as on the CPU. With a vLAPIC,
 * CR8 is its TPR's priority class. */
static int write_cr8(struct guest *g, uint64_t v)
{
	if (v & ~CR8_TPR_MASK)
		return -1;
	if (guest_lapic(g))
		lapic_set_cr8(guest_lapic(g), v);
	else
		g->vcpu.cr8 = v;
	return 0;
}

static uint64_t read_cr8(struct guest *g)
{
	return guest_lapic(g) ? lapic_cr8(guest_lapic(g)) : g->vcpu.cr8;
}

enum exit_action exit_cr_access(struct guest *g, const struct exit_info *e)
{
	unsigned crn = (unsigned)(e->qual & CR_QUAL_NUMBER_MASK);
	unsigned type = (unsigned)((e->qual >> CR_QUAL_TYPE_SHIFT) & CR_QUAL_TYPE_MASK);
	unsigned reg = (unsigned)((e->qual >> CR_QUAL_REG_SHIFT) & CR_QUAL_REG_MASK);
	int bad = 0;

	if (type == CR_ACCESS_MOV_TO && crn == 0)
		bad = write_masked(GUEST_CR0, CR0_READ_SHADOW, vmcs_cr0_owned(),
				   exit_gpr_get(&g->vcpu, reg));
	else if (type == CR_ACCESS_MOV_TO && crn == 4)
		bad = write_masked(GUEST_CR4, CR4_READ_SHADOW, vmcs_cr4_owned(),
				   exit_gpr_get(&g->vcpu, reg));
	else if (type == CR_ACCESS_MOV_TO && crn == 3)
		vmcs_write(GUEST_CR3, exit_gpr_get(&g->vcpu, reg));
	else if (type == CR_ACCESS_MOV_FROM && crn == 3)
		exit_gpr_set(&g->vcpu, reg, vmcs_read(GUEST_CR3));
	else if (type == CR_ACCESS_MOV_TO && crn == 8)
		bad = write_cr8(g, exit_gpr_get(&g->vcpu, reg));
	else if (type == CR_ACCESS_MOV_FROM && crn == 8)
		exit_gpr_set(&g->vcpu, reg, read_cr8(g));
	else
		bad = 1; /* CLTS/LMSW on owned bits */
	if (bad)
		exit_inject_gp();
	else
		exit_skip_instruction();
	return EXIT_RESUME;
}
