/* VMCS contents (SDM vol. 3, chapter 24; checks in chapter 26). */
#include "vmx/vmcs_setup.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/msr.h"
#include "lib/err.h"
#include "mm/frame.h"
#include "vmx/ept.h"
#include "vmx/hv.h"
#include "vmx/vcpu_state.h"
#include "vmx/vmcs.h"
#include "vmx/vmentry.h"
#include "vmx/vmx.h"
#include "vmx/vmx_insn.h"

#define PAT_POWER_ON 0x0007040600070406ull

/* Segment access rights (SDM 24.4.1): type, S, DPL, P, AVL, L, D/B, G. */
#define AR_CODE64 0xa09bu   /* execute/read accessed, present, L=1, G=1 */
#define AR_DATA 0xc093u     /* read/write accessed, present, D/B=1, G=1 */
#define AR_TSS64_BUSY 0x8bu /* 64-bit busy TSS, present */
#define AR_UNUSABLE 0x10000u
#define SEG_LIMIT_FLAT 0xffffffffu
#define TSS_LIMIT_MIN 0x67u
#define GUEST_TR_SEL 0x18u /* TR is never reloaded from a guest's GDT at entry */
#define VMCS_LINK_NONE (~0ull)

struct desc_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

uint64_t vmcs_cr0_owned(void)
{
	return CR0_PE | CR0_PG | CR0_NE | vmx_cpu.cr0_fixed0 | ~vmx_cpu.cr0_fixed1;
}

uint64_t vmcs_cr4_owned(void)
{
	return CR4_PAE | CR4_VMXE | vmx_cpu.cr4_fixed0 | ~vmx_cpu.cr4_fixed1;
}

static uint16_t read_tr(void)
{
	uint16_t tr;

	__asm__ volatile("str %0" : "=rm"(tr));
	return tr;
}

static uint64_t read_idt_base(void)
{
	struct desc_ptr idt;

	__asm__ volatile("sidt %0" : "=m"(idt));
	return idt.base;
}

static void setup_controls(const struct vmx_vcpu *v, const struct ept *ept,
			   uint32_t exception_bitmap)
{
	const struct vmx_controls *c = &vmx_cpu.ctl;

	vmcs_write(PIN_BASED_VM_EXEC_CONTROL, c->pin);
	vmcs_write(CPU_BASED_VM_EXEC_CONTROL, c->proc);
	vmcs_write(SECONDARY_VM_EXEC_CONTROL, c->proc2);
	vmcs_write(VM_EXIT_CONTROLS, c->exit);
	vmcs_write(VM_ENTRY_CONTROLS, c->entry);
	/* The loader says which (ELF guests: all; Linux: none). */
	vmcs_write(EXCEPTION_BITMAP, exception_bitmap);
	vmcs_write(PAGE_FAULT_ERROR_CODE_MASK, 0);
	vmcs_write(PAGE_FAULT_ERROR_CODE_MATCH, 0);
	vmcs_write(CR3_TARGET_COUNT, 0);
	vmcs_write(VM_EXIT_MSR_STORE_COUNT, 0);
	vmcs_write(VM_EXIT_MSR_LOAD_COUNT, 0);
	vmcs_write(VM_ENTRY_MSR_LOAD_COUNT, 0);
	vmcs_write(VM_ENTRY_INTR_INFO_FIELD, 0);
	vmcs_write(IO_BITMAP_A, vmx_cpu.io_bitmap_a);
	vmcs_write(IO_BITMAP_B, vmx_cpu.io_bitmap_b);
	vmcs_write(MSR_BITMAP, vmx_cpu.msr_bitmap);
	vmcs_write(EPT_POINTER, ept_pointer(ept));
	vmcs_write(VIRTUAL_PROCESSOR_ID, v->vpid);
	vmcs_write(CR0_GUEST_HOST_MASK, vmcs_cr0_owned());
	vmcs_write(CR4_GUEST_HOST_MASK, vmcs_cr4_owned());
	vmcs_write(TSC_OFFSET, 0);
}

/* The hypervisor as it runs now: what a VM exit restores. */
static void setup_host_state(void)
{
	vmcs_write(HOST_CR0, read_cr0());
	vmcs_write(HOST_CR3, read_cr3());
	vmcs_write(HOST_CR4, read_cr4());
	vmcs_write(HOST_CS_SELECTOR, GDT_KERNEL_CS);
	vmcs_write(HOST_SS_SELECTOR, GDT_KERNEL_DS);
	vmcs_write(HOST_DS_SELECTOR, GDT_KERNEL_DS);
	vmcs_write(HOST_ES_SELECTOR, GDT_KERNEL_DS);
	vmcs_write(HOST_FS_SELECTOR, GDT_KERNEL_DS);
	vmcs_write(HOST_GS_SELECTOR, GDT_KERNEL_DS);
	vmcs_write(HOST_TR_SELECTOR, read_tr());
	vmcs_write(HOST_FS_BASE, rdmsr(MSR_FS_BASE));
	vmcs_write(HOST_GS_BASE, rdmsr(MSR_GS_BASE));
	vmcs_write(HOST_TR_BASE, gdt_tss_base());
	vmcs_write(HOST_GDTR_BASE, gdt_base());
	vmcs_write(HOST_IDTR_BASE, read_idt_base());
	vmcs_write(HOST_IA32_SYSENTER_CS, 0);
	vmcs_write(HOST_IA32_SYSENTER_ESP, 0);
	vmcs_write(HOST_IA32_SYSENTER_EIP, 0);
	vmcs_write(HOST_IA32_EFER, rdmsr(MSR_IA32_EFER));
	vmcs_write(HOST_RIP, (uint64_t)(uintptr_t)vmx_exit_entry);
	/* HOST_RSP is written by vmx_enter before every entry. */
}

static void setup_segment(enum vmcs_field sel, uint16_t value, enum vmcs_field base,
			  enum vmcs_field limit, uint32_t lim, enum vmcs_field ar,
			  uint32_t rights)
{
	vmcs_write(sel, value);
	vmcs_write(base, 0);
	vmcs_write(limit, lim);
	vmcs_write(ar, rights);
}

static void setup_guest_segments(const struct guest_entry *e)
{
	setup_segment(GUEST_CS_SELECTOR, e->cs, GUEST_CS_BASE, GUEST_CS_LIMIT,
		      SEG_LIMIT_FLAT, GUEST_CS_AR_BYTES, AR_CODE64);
	setup_segment(GUEST_SS_SELECTOR, e->ds, GUEST_SS_BASE, GUEST_SS_LIMIT,
		      SEG_LIMIT_FLAT, GUEST_SS_AR_BYTES, AR_DATA);
	setup_segment(GUEST_DS_SELECTOR, e->ds, GUEST_DS_BASE, GUEST_DS_LIMIT,
		      SEG_LIMIT_FLAT, GUEST_DS_AR_BYTES, AR_DATA);
	setup_segment(GUEST_ES_SELECTOR, e->ds, GUEST_ES_BASE, GUEST_ES_LIMIT,
		      SEG_LIMIT_FLAT, GUEST_ES_AR_BYTES, AR_DATA);
	setup_segment(GUEST_FS_SELECTOR, e->ds, GUEST_FS_BASE, GUEST_FS_LIMIT,
		      SEG_LIMIT_FLAT, GUEST_FS_AR_BYTES, AR_DATA);
	setup_segment(GUEST_GS_SELECTOR, e->ds, GUEST_GS_BASE, GUEST_GS_LIMIT,
		      SEG_LIMIT_FLAT, GUEST_GS_AR_BYTES, AR_DATA);
	setup_segment(GUEST_TR_SELECTOR, GUEST_TR_SEL, GUEST_TR_BASE, GUEST_TR_LIMIT,
		      TSS_LIMIT_MIN, GUEST_TR_AR_BYTES, AR_TSS64_BUSY);
	setup_segment(GUEST_LDTR_SELECTOR, 0, GUEST_LDTR_BASE, GUEST_LDTR_LIMIT, 0,
		      GUEST_LDTR_AR_BYTES, AR_UNUSABLE);
	vmcs_write(GUEST_GDTR_BASE, e->gdt_base);
	vmcs_write(GUEST_GDTR_LIMIT, e->gdt_limit);
	vmcs_write(GUEST_IDTR_BASE, 0);
	vmcs_write(GUEST_IDTR_LIMIT, 0);
}

static void setup_guest_state(const struct guest_entry *e)
{
	uint64_t cr0 = ((CR0_PE | CR0_ET | CR0_NE | CR0_PG) | vmx_cpu.cr0_fixed0) &
		       vmx_cpu.cr0_fixed1;
	uint64_t cr4 = ((CR4_PAE | CR4_VMXE) | vmx_cpu.cr4_fixed0) & vmx_cpu.cr4_fixed1;

	vmcs_write(GUEST_CR0, cr0);
	vmcs_write(CR0_READ_SHADOW, cr0);
	vmcs_write(GUEST_CR3, e->cr3);
	vmcs_write(GUEST_CR4, cr4);
	/* The guest sees CR4.VMXE clear: it is ours, not the guest's. */
	vmcs_write(CR4_READ_SHADOW, cr4 & ~CR4_VMXE);
	vmcs_write(GUEST_IA32_EFER, EFER_LME | EFER_LMA);
	vmcs_write(GUEST_IA32_PAT, PAT_POWER_ON);
	vmcs_write(GUEST_IA32_DEBUGCTL, 0);
	vmcs_write(GUEST_DR7, DR7_INIT);
	vmcs_write(GUEST_RFLAGS, RFLAGS_RESERVED1);
	vmcs_write(GUEST_RSP, e->rsp);
	vmcs_write(GUEST_RIP, e->rip);
	vmcs_write(GUEST_PENDING_DBG_EXCEPTIONS, 0);
	vmcs_write(GUEST_INTERRUPTIBILITY_INFO, 0);
	vmcs_write(GUEST_ACTIVITY_STATE, 0);
	vmcs_write(GUEST_SYSENTER_CS, 0);
	vmcs_write(GUEST_SYSENTER_ESP, 0);
	vmcs_write(GUEST_SYSENTER_EIP, 0);
	vmcs_write(VMCS_LINK_POINTER, VMCS_LINK_NONE);
	setup_guest_segments(e);
}

int vmcs_setup(struct vmx_vcpu *v, const struct ept *ept, unsigned slot,
	       const struct guest_entry *entry)
{
	paddr_t vmcs = frame_alloc();

	if (vmcs == FRAME_NONE)
		return -ERR_NOMEM;
	memset(phys_to_virt(vmcs), 0, FRAME_SIZE);
	*(uint32_t *)phys_to_virt(vmcs) = vmx_cpu.revision;
	v->vmcs = vmcs; /* the owner's page count has it (GUEST_VMCS_PAGES) */
	if (vmx_vmclear(vmcs) || vmx_vmptrld(vmcs))
		return -ERR_BUSY;
	setup_controls(v, ept, entry->exception_bitmap);
	setup_host_state();
	setup_guest_state(entry);
	vcpu_state_init(v, slot);
	v->gpr[GPR_RDI] = entry->rdi;
	v->gpr[GPR_RSI] = entry->rsi;
	return 0;
}
