#include "arch/x86_64/idt.h"

#include <stdint.h>
#include "arch/x86_64/exception.h"
#include "arch/x86_64/gdt.h"

/* 64-bit interrupt gate, present, DPL 0 (SDM vol. 3A, 6.14.1). */
#define GATE_INTERRUPT_PRESENT 0x8e
#define IDT_ENTRIES 256

struct idt_gate {
	uint16_t offset_lo;
	uint16_t selector;
	uint8_t ist;
	uint8_t type;
	uint16_t offset_mid;
	uint32_t offset_hi;
	uint32_t reserved;
} __attribute__((packed));

struct idt_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

/* isr.S: one entry stub per exception vector. */
extern const uint64_t isr_stub_table[IDT_EXCEPTIONS];

static struct idt_gate idt[IDT_ENTRIES] __attribute__((aligned(16)));

static uint8_t ist_for(unsigned vec)
{
	switch (vec) {
	case VECTOR_DF: return IST_DOUBLE_FAULT;
	case VECTOR_NMI: return IST_NMI;
	case VECTOR_MC: return IST_MACHINE_CHECK;
	default: return 0;
	}
}

void idt_init(void)
{
	struct idt_ptr ptr = { sizeof(idt) - 1, (uint64_t)(uintptr_t)idt };

	for (unsigned v = 0; v < IDT_EXCEPTIONS; v++) {
		uint64_t off = isr_stub_table[v];

		idt[v] = (struct idt_gate){
			.offset_lo = (uint16_t)off,
			.selector = GDT_KERNEL_CS,
			.ist = ist_for(v),
			.type = GATE_INTERRUPT_PRESENT,
			.offset_mid = (uint16_t)(off >> 16),
			.offset_hi = (uint32_t)(off >> 32),
		};
	}
	__asm__ volatile("lidt %0" : : "m"(ptr) : "memory");
}
