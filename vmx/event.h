/* Events into the guest (SDM vol. 3C 24.8.3 "VM-Entry Controls for Event
 * Injection", 27.2.4 "Information for VM Exits During Event Delivery",
 * 26.6 "Event Injection"). One function on the entry path decides what
 * the next VM entry delivers; exit handlers and devices only ask for it:
 * an exception raised by a handler, an event whose delivery an exit
 * interrupted, a vector pending in the guest's interrupt controller (a
 * device above vmx/, asked through struct event_irq). */
#ifndef FALLOW_VMX_EVENT_H
#define FALLOW_VMX_EVENT_H

#include <stdbool.h>
#include <stdint.h>

struct vmx_vcpu;

/* The interruption-information format, shared by the VM-entry
 * interruption-information field, the VM-exit interruption information
 * and the IDT-vectoring information (SDM 24.8.3, 24.9.2, 24.9.3). */
#define INTR_INFO_VECTOR_MASK 0xffu
#define INTR_INFO_TYPE_SHIFT 8
#define INTR_INFO_TYPE_MASK 0x7u
#define INTR_INFO_ERROR_VALID (1u << 11)
#define INTR_INFO_NMI_UNBLOCKING (1u << 12) /* exit fields only; reserved on entry */
#define INTR_INFO_VALID (1u << 31)
#define INTR_TYPE_EXTERNAL 0u
#define INTR_TYPE_NMI 2u
#define INTR_TYPE_HW_EXCEPTION 3u
#define INTR_TYPE_SW_INTERRUPT 4u         /* INT n */
#define INTR_TYPE_PRIV_SW_EXCEPTION 5u    /* INT1 */
#define INTR_TYPE_SW_EXCEPTION 6u         /* INT3, INTO */
#define INTR_INFO_TYPE(info) (((info) >> INTR_INFO_TYPE_SHIFT) & INTR_INFO_TYPE_MASK)

/* Guest interruptibility state (SDM 24.4.2, table 24-3). */
#define INTERRUPTIBILITY_STI (1u << 0)
#define INTERRUPTIBILITY_MOV_SS (1u << 1)

/* What event.c keeps per vCPU between an exit and the next entry. */
struct vcpu_events {
	uint32_t reinject;       /* IDT-vectoring information, 0: nothing to redeliver */
	uint32_t reinject_error; /* its error code, when INTR_INFO_ERROR_VALID */
	uint32_t reinject_len;   /* instruction length, for software events */
	bool window;             /* interrupt-window exiting is on in the VMCS */
	uint64_t injected;       /* vLAPIC vectors delivered, reinjections, windows */
	uint64_t reinjected, windows;
};

/* Where a vCPU's external interrupts come from: its interrupt controller,
 * a device model above vmx/ (dev/lapic.c), brought up to date by the
 * caller before it hands this over. pending: the highest vector the guest
 * may take now, or -1; accept: that vector is being delivered. */
struct event_irq {
	int (*pending)(void *ctx);
	void (*accept)(void *ctx, unsigned vector);
	void *ctx;
};

/* Queues a hardware exception for the next VM entry of the current VMCS
 * (an exit handler refusing an instruction: #GP, #UD). */
void event_inject_exception(unsigned vector, bool has_error, uint32_t error);

/* Right after a VM exit: an event the exit interrupted is kept for
 * redelivery. */
void event_after_exit(struct vmx_vcpu *v);

/* Right before a VM entry: redelivers an interrupted event, or leaves a
 * queued exception, or injects irq's (NULL: none) highest pending vector
 * when the guest can take an interrupt (RFLAGS.IF=1, no blocking by STI
 * or MOV SS); interrupt-window exiting is on exactly while a vector waits
 * that could not go in. */
void event_before_entry(struct vmx_vcpu *v, const struct event_irq *irq);

/* True when the guest has something to take at its next entry: an
 * interrupted event or a vector of irq (NULL: none) it may accept. */
bool event_pending(const struct vmx_vcpu *v, const struct event_irq *irq);

#endif
