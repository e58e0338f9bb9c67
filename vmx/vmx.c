/* Entering and leaving VMX operation (SDM vol. 3, 23.7 "Enabling and
 * Entering VMX Operation"). */
#include "vmx/vmx.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/msr.h"
#include "lib/err.h"
#include "mm/frame.h"
#include "vmx/ept.h"
#include "vmx/hv.h"
#include "vmx/vmx_insn.h"

#define VMX_MISC_PREEMPT_SHIFT_MASK 0x1full
#define EPT_CAP_INVEPT_SINGLE (1ull << 25)
#define VPID_CAP_INVVPID_SINGLE (1ull << 41)
#define BITMAP_ALL_EXIT 0xff

struct vmx_cpu vmx_cpu;

static paddr_t alloc_filled(int byte)
{
	paddr_t pa = frame_alloc();

	if (pa != FRAME_NONE)
		memset(phys_to_virt(pa), byte, FRAME_SIZE);
	return pa;
}

static void free_if(paddr_t *pa)
{
	if (*pa != FRAME_NONE)
		ept_scrub_free(*pa);
	*pa = FRAME_NONE;
}

static void free_regions(void)
{
	free_if(&vmx_cpu.vmxon_region);
	free_if(&vmx_cpu.msr_bitmap);
	free_if(&vmx_cpu.io_bitmap_a);
	free_if(&vmx_cpu.io_bitmap_b);
}

/* FEATURE_CONTROL must be locked with "VMX outside SMX" on; firmware
 * normally does it, and an unlocked MSR is ours to set. */
static int enable_feature_control(void)
{
	uint64_t fc = rdmsr(MSR_IA32_FEATURE_CONTROL);

	if (!(fc & FEATURE_CONTROL_LOCKED)) {
		fc |= FEATURE_CONTROL_LOCKED | FEATURE_CONTROL_VMX_OUTSIDE_SMX;
		wrmsr(MSR_IA32_FEATURE_CONTROL, fc);
	}
	if (!(fc & FEATURE_CONTROL_VMX_OUTSIDE_SMX)) {
		kprintf("vmx: VT-x is disabled by firmware (IA32_FEATURE_CONTROL 0x%llx)\n",
			(unsigned long long)fc);
		return -ERR_PERM;
	}
	return 0;
}

static int alloc_regions(void)
{
	vmx_cpu.vmxon_region = alloc_filled(0);
	vmx_cpu.msr_bitmap = alloc_filled(BITMAP_ALL_EXIT);
	vmx_cpu.io_bitmap_a = alloc_filled(BITMAP_ALL_EXIT);
	vmx_cpu.io_bitmap_b = alloc_filled(BITMAP_ALL_EXIT);
	if (vmx_cpu.vmxon_region == FRAME_NONE || vmx_cpu.msr_bitmap == FRAME_NONE ||
	    vmx_cpu.io_bitmap_a == FRAME_NONE || vmx_cpu.io_bitmap_b == FRAME_NONE) {
		free_regions();
		kprintf("vmx: no free frames for the VMXON region and bitmaps\n");
		return -ERR_NOMEM;
	}
	*(uint32_t *)phys_to_virt(vmx_cpu.vmxon_region) = vmx_cpu.revision;
	return 0;
}

int vmx_on(const struct vmx_caps *caps)
{
	struct vmx_control_caps cc;
	int err;

	vmx_control_caps_from(caps, &cc);
	if ((err = vmx_controls_compute(&cc, &vmx_cpu.ctl)))
		return err;
	vmx_cpu.revision = (uint32_t)(caps->basic & VMX_BASIC_REVISION_MASK);
	vmx_cpu.cr0_fixed0 = caps->cr0_fixed0;
	vmx_cpu.cr0_fixed1 = caps->cr0_fixed1;
	vmx_cpu.cr4_fixed0 = caps->cr4_fixed0;
	vmx_cpu.cr4_fixed1 = caps->cr4_fixed1;
	vmx_cpu.preempt_shift = (unsigned)(caps->misc & VMX_MISC_PREEMPT_SHIFT_MASK);
	vmx_cpu.intr_window = cc.proc.allowed1 & PROC_INTERRUPT_WINDOW_EXITING;
	vmx_cpu.invept_single = caps->ept_vpid_cap & EPT_CAP_INVEPT_SINGLE;
	vmx_cpu.invvpid_single = caps->ept_vpid_cap & VPID_CAP_INVVPID_SINGLE;
	if ((err = enable_feature_control()) || (err = alloc_regions()))
		return err;
	/* CR0 and CR4 must hold the fixed bits before VMXON (SDM 23.8). */
	vmx_cpu.saved_cr4 = read_cr4();
	write_cr0((read_cr0() | caps->cr0_fixed0) & caps->cr0_fixed1);
	write_cr4((read_cr4() | caps->cr4_fixed0 | CR4_VMXE) & caps->cr4_fixed1);
	if (vmx_vmxon(vmx_cpu.vmxon_region)) {
		write_cr4(vmx_cpu.saved_cr4);
		free_regions();
		kprintf("vmx: VMXON failed (CR0 0x%llx CR4 0x%llx)\n",
			(unsigned long long)read_cr0(), (unsigned long long)read_cr4());
		return -ERR_BUSY;
	}
	vmx_cpu.on = true;
	return 0;
}

void vmx_off(void)
{
	if (!vmx_cpu.on)
		return;
	if (vmx_vmxoff())
		panic("vmx: VMXOFF failed");
	write_cr4(vmx_cpu.saved_cr4 & ~CR4_VMXE);
	vmx_cpu.on = false;
	free_regions();
}

void vmx_flush_ept(uint64_t eptp)
{
	int err = vmx_cpu.invept_single ? vmx_invept(INVEPT_SINGLE_CONTEXT, eptp)
					: vmx_invept(INVEPT_ALL_CONTEXT, 0);

	if (err)
		panic("vmx: INVEPT failed for EPTP 0x%llx", (unsigned long long)eptp);
}

void vmx_flush_vpid(uint16_t vpid)
{
	int err = vmx_cpu.invvpid_single ? vmx_invvpid(INVVPID_SINGLE_CONTEXT, vpid)
					 : vmx_invvpid(INVVPID_ALL_CONTEXT, 0);

	if (err)
		panic("vmx: INVVPID failed for VPID %u", vpid);
}
