/* Control adjustment: desired bits, plus the CPU's must-be-one bits,
 * minus nothing we need. A required control the CPU cannot enable is a
 * clear refusal naming it, never a VM-entry failure later. */
#include "vmx/controls.h"
#include "lib/err.h"
#include "vmx/hv.h"

struct control_bit {
	uint32_t bit;
	const char *name;
	int required; /* 0: used when allowed, harmless when not */
};

static const struct control_bit pin_bits[] = {
	{ PIN_EXTERNAL_INTERRUPT_EXITING, "external-interrupt exiting", 1 },
	{ PIN_NMI_EXITING, "NMI exiting", 1 },
	{ PIN_ACTIVATE_PREEMPTION_TIMER, "VMX-preemption timer", 1 },
};

static const struct control_bit proc_bits[] = {
	{ PROC_HLT_EXITING, "HLT exiting", 1 },
	{ PROC_MWAIT_EXITING, "MWAIT exiting", 0 },
	/* The host's performance counters and APIC TPR are not the guest's. */
	{ PROC_RDPMC_EXITING, "RDPMC exiting", 1 },
	{ PROC_CR8_LOAD_EXITING, "CR8-load exiting", 1 },
	{ PROC_CR8_STORE_EXITING, "CR8-store exiting", 1 },
	{ PROC_USE_IO_BITMAPS, "use I/O bitmaps", 1 },
	{ PROC_USE_MSR_BITMAPS, "use MSR bitmaps", 1 },
	{ PROC_MONITOR_EXITING, "MONITOR exiting", 0 },
	{ PROC_SECONDARY_CONTROLS, "activate secondary controls", 1 },
};

static const struct control_bit proc2_bits[] = {
	{ PROC2_ENABLE_EPT, "enable EPT", 1 },
	{ PROC2_ENABLE_VPID, "enable VPID", 1 },
};

/* DR7 and IA32_DEBUGCTL are the guest's through the VMCS (an exit
 * always leaves DR7 at 0x400 for the host). */
static const struct control_bit exit_bits[] = {
	{ EXIT_SAVE_DEBUG_CONTROLS, "save debug controls", 1 },
	{ EXIT_HOST_ADDR_SPACE_SIZE, "host address-space size", 1 },
	{ EXIT_LOAD_IA32_EFER, "load IA32_EFER on exit", 1 },
};

static const struct control_bit entry_bits[] = {
	{ ENTRY_LOAD_DEBUG_CONTROLS, "load debug controls", 1 },
	{ ENTRY_IA32E_MODE_GUEST, "IA-32e mode guest", 1 },
	{ ENTRY_LOAD_IA32_EFER, "load IA32_EFER on entry", 1 },
};

#define NBITS(a) (sizeof(a) / sizeof((a)[0]))

static int adjust(const char *word, const struct control_bit *bits, unsigned n,
		  struct vmx_allowed allowed, uint32_t *out)
{
	uint32_t value = allowed.allowed0;

	for (unsigned i = 0; i < n; i++) {
		if (allowed.allowed1 & bits[i].bit) {
			value |= bits[i].bit;
		} else if (bits[i].required) {
			kprintf("vmx: the CPU does not allow the %s control (%s controls allowed-1 0x%08x)\n",
				bits[i].name, word, allowed.allowed1);
			return -ERR_NOSYS;
		}
	}
	/* A must-be-one bit outside allowed-1 would be a contradictory MSR. */
	if (value & ~allowed.allowed1) {
		kprintf("vmx: %s controls: allowed-0 0x%08x not within allowed-1 0x%08x\n",
			word, allowed.allowed0, allowed.allowed1);
		return -ERR_NOSYS;
	}
	*out = value;
	return 0;
}

int vmx_controls_compute(const struct vmx_control_caps *caps,
			 struct vmx_controls *out)
{
	int err;

	if ((err = adjust("pin-based", pin_bits, NBITS(pin_bits), caps->pin, &out->pin)) ||
	    (err = adjust("processor-based", proc_bits, NBITS(proc_bits), caps->proc,
			  &out->proc)) ||
	    (err = adjust("secondary processor-based", proc2_bits, NBITS(proc2_bits),
			  caps->proc2, &out->proc2)) ||
	    (err = adjust("VM-exit", exit_bits, NBITS(exit_bits), caps->exit, &out->exit)) ||
	    (err = adjust("VM-entry", entry_bits, NBITS(entry_bits), caps->entry,
			  &out->entry)))
		return err;
	return 0;
}

static struct vmx_allowed split(uint64_t msr)
{
	return (struct vmx_allowed){ .allowed0 = (uint32_t)msr,
				     .allowed1 = (uint32_t)(msr >> 32) };
}

void vmx_control_caps_from(const struct vmx_caps *caps, struct vmx_control_caps *out)
{
	out->pin = split(caps->pinbased);
	out->proc = split(caps->procbased);
	/* The secondary controls have no allowed-0 bits (SDM A.3.3). */
	out->proc2 = split(caps->procbased2);
	out->proc2.allowed0 = 0;
	out->exit = split(caps->exit);
	out->entry = split(caps->entry);
}
