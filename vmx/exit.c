/* See exit.h: reading an exit out of the current VMCS, and the few things
 * every handler may do to the guest's state. */
#include "vmx/exit.h"
#include "arch/x86_64/exception.h"
#include "arch/x86_64/msr.h"
#include "vmx/event.h"
#include "vmx/vmcs.h"

#define AR_DPL_SHIFT 5
#define AR_DPL_MASK 0x3u

void exit_read(struct exit_info *e)
{
	*e = (struct exit_info){
		.reason = (uint32_t)vmcs_read(VM_EXIT_REASON),
		.rip = vmcs_read(GUEST_RIP),
	};
}

uint64_t exit_qualification(void)
{
	return vmcs_read(EXIT_QUALIFICATION);
}

void exit_read_exception(struct exit_exception *x)
{
	uint32_t info = (uint32_t)vmcs_read(VM_EXIT_INTR_INFO);
	uint32_t orig = (uint32_t)vmcs_read(IDT_VECTORING_INFO_FIELD);

	*x = (struct exit_exception){ .nmi = INTR_INFO_TYPE(info) == INTR_TYPE_NMI };
	if (x->nmi)
		return;
	x->vector = info & INTR_INFO_VECTOR_MASK;
	x->error = info & INTR_INFO_ERROR_VALID ? vmcs_read(VM_EXIT_INTR_ERROR_CODE) : 0;
	x->in_delivery = orig & INTR_INFO_VALID;
	if (!x->in_delivery)
		return;
	x->orig_vector = orig & INTR_INFO_VECTOR_MASK;
	x->orig_error = orig & INTR_INFO_ERROR_VALID ? vmcs_read(IDT_VECTORING_ERROR_CODE) : 0;
}

uint64_t exit_guest_physical(void)
{
	return vmcs_read(GUEST_PHYSICAL_ADDRESS);
}

bool exit_guest_if(void)
{
	return vmcs_read(GUEST_RFLAGS) & RFLAGS_IF;
}

/* The emulated instruction retires, and with it any blocking by STI or
 * MOV SS, which lasts for one instruction only (SDM 24.4.2): `sti; hlt`
 * must be interruptible after the HLT. */
void exit_skip_instruction(void)
{
	uint64_t blocking = vmcs_read(GUEST_INTERRUPTIBILITY_INFO);

	vmcs_write(GUEST_RIP, vmcs_read(GUEST_RIP) + vmcs_read(VM_EXIT_INSTRUCTION_LEN));
	if (blocking & (INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS))
		vmcs_write(GUEST_INTERRUPTIBILITY_INFO,
			   blocking & ~(uint64_t)(INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS));
}

void exit_inject_gp(void)
{
	event_inject_exception(VECTOR_GP, true, 0);
}

void exit_inject_ud(void)
{
	event_inject_exception(VECTOR_UD, false, 0);
}

/* The CPL is SS.DPL (SDM vol. 3, 24.4.1); CS.DPL is not, for conforming
 * code segments. */
unsigned exit_guest_cpl(void)
{
	return (unsigned)(vmcs_read(GUEST_SS_AR_BYTES) >> AR_DPL_SHIFT) & AR_DPL_MASK;
}

uint64_t exit_gpr_get(const struct vmx_vcpu *v, unsigned reg)
{
	return reg == GPR_RSP ? vmcs_read(GUEST_RSP) : v->gpr[reg % GPR_COUNT];
}

void exit_gpr_set(struct vmx_vcpu *v, unsigned reg, uint64_t val)
{
	if (reg == GPR_RSP)
		vmcs_write(GUEST_RSP, val);
	else
		v->gpr[reg % GPR_COUNT] = val;
}
