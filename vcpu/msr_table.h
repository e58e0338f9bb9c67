/* The MSRs a guest may reach, as data: for each MSR (or range) its name,
 * what RDMSR and WRMSR do, and where the value lives. Every MSR access
 * exits (the bitmap is all ones); vcpu/msr.c looks the MSR up here and
 * acts on the entry, and an MSR that has no entry gets #GP, as on a CPU
 * without it. Arch-free and host-tested (tests/unit/test_msr_table.c);
 * guest-abi/ABI.md "Other instructions" is the same list in words.
 *
 * One table serves every guest kind: ELF and Linux guests see the same
 * MSRs. The vLAPIC's entries are there only for a guest with one
 * (lapic=on); without it those MSRs #GP like any other. */
#ifndef FALLOW_VCPU_MSR_TABLE_H
#define FALLOW_VCPU_MSR_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* IA32_BIOS_SIGN_ID (SDM vol. 4 table 2-2; vol. 3A "Microcode Update
 * Facilities", "Determining the Signature"): software
 * writes 0, executes CPUID leaf 1 and reads the microcode update
 * signature in bits 63:32, 0 meaning "no update loaded". A virtual CPU
 * has no microcode of its own to report, and the host's revision is not
 * the guest's business: reads are 0 and writes are dropped. Linux reads
 * it at boot (intel_get_microcode_revision, with unchecked accesses that
 * warn on #GP). Named here rather than in arch/x86_64/msr.h because
 * the guests' table is its only user. */
#define MSR_IA32_BIOS_SIGN_ID 0x8bu

/* Where the value lives. */
enum msr_home {
	MSR_HOME_VMCS,   /* a guest-state field of the VMCS (entry->vmcs_field) */
	MSR_HOME_BUNDLE, /* the per-vCPU bundle (struct vcpu_msrs): the MSR itself,
			  * loaded with the guest's value during its turn */
	MSR_HOME_LAPIC,  /* the vLAPIC (dev/lapic.c), which refuses what an x2APIC would */
	MSR_HOME_FIXED,  /* a constant (entry->value) */
	MSR_HOME_TSC,    /* computed at the read: the TSC, which guests share with the host */
};

enum msr_read {
	MSR_READ_GP,   /* #GP */
	MSR_READ_HOME, /* the value at its home */
};

enum msr_write {
	MSR_WRITE_GP,      /* #GP */
	MSR_WRITE_CHECKED, /* stored at its home if entry->check accepts the value, else #GP */
	MSR_WRITE_SAME,    /* only the fixed value itself, which changes nothing; else #GP */
	MSR_WRITE_IGNORED, /* any value is accepted and dropped */
	MSR_WRITE_HOME,    /* the home decides (the vLAPIC) */
};

/* What a stored value must satisfy (MSR_WRITE_CHECKED). They are the
 * CPU's own #GP conditions, or stricter, so a value written to the MSR
 * itself never faults in the hypervisor. */
enum msr_check {
	MSR_CHECK_NONE,
	MSR_CHECK_EFER,      /* only SCE, LME, LMA, NXE, and LME and LMA set: long mode stays */
	MSR_CHECK_CANONICAL, /* an address: canonical with 48 bits */
	MSR_CHECK_LOW32,     /* bits 63:32 reserved (FMASK) */
};

struct msr_entry {
	uint32_t first, last; /* the MSRs, inclusive; first == last for one */
	const char *name;     /* the SDM's name */
	enum msr_read read;
	enum msr_write write;
	enum msr_home home;
	enum msr_check check;
	uint32_t vmcs_field;  /* MSR_HOME_VMCS: enum vmcs_field */
	uint64_t value;       /* MSR_HOME_FIXED */
};

/* The entry for `msr` in a guest with (lapic) or without a vLAPIC, or
 * NULL: #GP for both RDMSR and WRMSR. */
const struct msr_entry *msr_lookup(uint32_t msr, bool lapic);

/* Whether a write of `v` may be stored (entry->write == MSR_WRITE_CHECKED). */
bool msr_value_ok(const struct msr_entry *e, uint64_t v);

/* The whole table, for tests and listings. */
extern const struct msr_entry msr_table[];
extern const size_t msr_table_len;

#endif
