/* The VMCS accessor: VMREAD/VMWRITE with the failure flags checked. */
#include "vmx/vmcs.h"
#include "vmx/hv.h"

uint64_t vmcs_read(enum vmcs_field field)
{
	uint64_t value;
	uint8_t ok;

	__asm__ volatile("vmread %2, %0; seta %1"
			 : "=rm"(value), "=qm"(ok)
			 : "r"((uint64_t)field)
			 : "cc");
	if (!ok)
		panic("vmx: VMREAD of field 0x%04x failed", (unsigned)field);
	return value;
}

void vmcs_write(enum vmcs_field field, uint64_t value)
{
	uint8_t ok;

	__asm__ volatile("vmwrite %1, %2; seta %0"
			 : "=qm"(ok)
			 : "rm"(value), "r"((uint64_t)field)
			 : "cc");
	if (!ok) {
		uint64_t err = 0;

		/* The error number is only valid after VMfailValid. */
		__asm__ volatile("vmread %1, %0" : "=r"(err)
				 : "r"((uint64_t)VM_INSTRUCTION_ERROR) : "cc");
		panic("vmx: VMWRITE of field 0x%04x = 0x%llx failed (VM-instruction error %llu)",
		      (unsigned)field, (unsigned long long)value,
		      (unsigned long long)err);
	}
}
