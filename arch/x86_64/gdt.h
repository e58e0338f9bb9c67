/* The hypervisor's GDT and TSS. The selectors are shared with the boot
 * code (boot/entry.S), which uses the same layout for its first GDT. */
#ifndef FALLOW_ARCH_GDT_H
#define FALLOW_ARCH_GDT_H

#define GDT_KERNEL_CS 0x08
#define GDT_KERNEL_DS 0x10
#define GDT_TSS 0x18 /* a 16-byte descriptor: two slots */

/* Interrupt stack table slots (1-based, as the IDT gate encodes them):
 * faults that may arrive on a broken stack get one of their own. */
#define IST_DOUBLE_FAULT 1
#define IST_NMI 2
#define IST_MACHINE_CHECK 3
#define IST_COUNT 3

#ifndef __ASSEMBLY__
#include <stdint.h>

/* Loads the GDT, reloads every segment register and loads TR. */
void gdt_init(void);

/* For VMCS host state later: where the GDT and TSS live. */
uint64_t gdt_base(void);
uint64_t gdt_tss_base(void);
#endif

#endif
