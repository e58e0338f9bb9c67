/* The IDT: a gate for each of the 32 exception vectors, all leading to
 * exception_handle() (arch/x86_64/exception.c) through isr.S. */
#ifndef FALLOW_ARCH_IDT_H
#define FALLOW_ARCH_IDT_H

#define IDT_EXCEPTIONS 32

#ifndef __ASSEMBLY__
void idt_init(void);
#endif

#endif
