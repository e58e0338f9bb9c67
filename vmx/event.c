/* See event.h. The VM-entry interruption-information field is written
 * here and nowhere else (vmcs_setup.c clears it once): its valid bit is
 * cleared by every VM exit (SDM 27.2.1), so at the next entry it says
 * whether a handler queued an exception during this exit. */
#include "vmx/event.h"
#include "arch/x86_64/msr.h"
#include "vmx/controls.h"
#include "vmx/vcpu.h"
#include "vmx/vmcs.h"
#include "vmx/vmx.h"

/* Bits 30:12 of the VM-entry interruption-information field are
 * reserved (SDM 24.8.3); the IDT-vectoring field has bit 12 undefined. */
#define ENTRY_INFO_RESERVED 0x7ffff000u

void event_inject_exception(unsigned vector, bool has_error, uint32_t error)
{
	uint32_t info = (vector & INTR_INFO_VECTOR_MASK) |
			(INTR_TYPE_HW_EXCEPTION << INTR_INFO_TYPE_SHIFT) | INTR_INFO_VALID;

	if (has_error) {
		info |= INTR_INFO_ERROR_VALID;
		vmcs_write(VM_ENTRY_EXCEPTION_ERROR_CODE, error);
	}
	vmcs_write(VM_ENTRY_INTR_INFO_FIELD, info);
}

/* Software interrupts and exceptions are redelivered with the length of
 * the instruction that raised them, which the exit reports (SDM 27.2.5),
 * so the return address on the guest's stack is past it again. */
static bool is_software(uint32_t info)
{
	unsigned type = INTR_INFO_TYPE(info);

	return type == INTR_TYPE_SW_INTERRUPT || type == INTR_TYPE_PRIV_SW_EXCEPTION ||
	       type == INTR_TYPE_SW_EXCEPTION;
}

void event_after_exit(struct vmx_vcpu *v)
{
	uint32_t info = (uint32_t)vmcs_read(IDT_VECTORING_INFO_FIELD);

	v->ev.reinject = 0;
	if (!(info & INTR_INFO_VALID))
		return;
	v->ev.reinject = info & ~ENTRY_INFO_RESERVED;
	v->ev.reinject_error = info & INTR_INFO_ERROR_VALID
				       ? (uint32_t)vmcs_read(IDT_VECTORING_ERROR_CODE) : 0;
	v->ev.reinject_len = is_software(info) ? (uint32_t)vmcs_read(VM_EXIT_INSTRUCTION_LEN) : 0;
}

static bool can_take_interrupt(void)
{
	return (vmcs_read(GUEST_RFLAGS) & RFLAGS_IF) &&
	       !(vmcs_read(GUEST_INTERRUPTIBILITY_INFO) &
		 (INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS));
}

/* Without the control (never seen) a waiting vector goes in at the
 * first entry after some other exit finds the guest interruptible. */
static void set_window(struct vmx_vcpu *v, bool on)
{
	if (v->ev.window == on || !vmx_cpu.intr_window)
		return;
	uint64_t proc = vmcs_read(CPU_BASED_VM_EXEC_CONTROL);

	vmcs_write(CPU_BASED_VM_EXEC_CONTROL, on ? proc | PROC_INTERRUPT_WINDOW_EXITING
						 : proc & ~(uint64_t)PROC_INTERRUPT_WINDOW_EXITING);
	v->ev.window = on;
	v->ev.windows += on;
}

static void reinject(struct vmx_vcpu *v)
{
	vmcs_write(VM_ENTRY_INTR_INFO_FIELD, v->ev.reinject);
	if (v->ev.reinject & INTR_INFO_ERROR_VALID)
		vmcs_write(VM_ENTRY_EXCEPTION_ERROR_CODE, v->ev.reinject_error);
	if (is_software(v->ev.reinject))
		vmcs_write(VM_ENTRY_INSTRUCTION_LEN, v->ev.reinject_len);
	v->ev.reinjected++;
}

void event_before_entry(struct vmx_vcpu *v, const struct event_irq *irq)
{
	bool busy = vmcs_read(VM_ENTRY_INTR_INFO_FIELD) & INTR_INFO_VALID;
	int vector = -1;

	/* An exit that interrupts a delivery is never one whose handler
	 * queues an exception (those are instruction exits); if both came,
	 * the exception would be the later event, so it wins. */
	if (v->ev.reinject && !busy)
		reinject(v);
	busy |= v->ev.reinject != 0;
	v->ev.reinject = 0;
	if (irq)
		vector = irq->pending(irq->ctx);
	if (vector >= 0 && !busy && can_take_interrupt()) {
		vmcs_write(VM_ENTRY_INTR_INFO_FIELD, (uint32_t)vector |
			   (INTR_TYPE_EXTERNAL << INTR_INFO_TYPE_SHIFT) | INTR_INFO_VALID);
		irq->accept(irq->ctx, (unsigned)vector);
		v->ev.injected++;
		vector = irq->pending(irq->ctx); /* only one of a higher class than the one in service */
	}
	set_window(v, vector >= 0);
}

bool event_pending(const struct vmx_vcpu *v, const struct event_irq *irq)
{
	if (v->ev.reinject)
		return true;
	return irq && irq->pending(irq->ctx) >= 0;
}
