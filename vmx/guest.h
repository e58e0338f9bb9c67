/* A guest: its configuration, memory (EPT), vCPU state and counters.
 * One vCPU per guest; every guest lives in the fixed table below. */
#ifndef FALLOW_VMX_GUEST_H
#define FALLOW_VMX_GUEST_H

#include <stdbool.h>
#include <stdint.h>
#include "guest-abi/fallow_abi.h"
#include "mm/memmap.h"
#include "vmx/ept.h"
#include "vmx/exit_reason.h"

#define GUEST_MAX 8
#define GUEST_CONSOLE_LINE 200 /* pending console bytes before a forced line */
#define GUEST_WEIGHT_MAX 1000u

/* General registers in the SDM's encoding order (exit qualifications name
 * registers by this index). The RSP slot is unused: RSP lives in the VMCS.
 * vmentry.c depends on this layout. */
enum gpr {
	GPR_RAX, GPR_RCX, GPR_RDX, GPR_RBX, GPR_RSP, GPR_RBP, GPR_RSI, GPR_RDI,
	GPR_R8, GPR_R9, GPR_R10, GPR_R11, GPR_R12, GPR_R13, GPR_R14, GPR_R15,
	GPR_COUNT
};

struct vcpu {
	uint64_t gpr[GPR_COUNT];
	uint64_t cr2;            /* not in the VMCS: switched by hand */
	uint64_t kernel_gs_base; /* shadowed MSR (see msr.c) */
	paddr_t vmcs;
	bool launched;
	uint16_t vpid;
};

enum guest_state {
	GUEST_EMPTY,    /* slot unused */
	GUEST_RUNNABLE,
	GUEST_DEAD,     /* exited or killed; frames already returned */
};

struct guest_config {
	char name[FALLOW_NAME_MAX];
	char cmdline[FALLOW_CMDLINE_MAX]; /* words for the guest */
	uint64_t mem;
	uint64_t maxmem;
	uint32_t weight;
};

struct guest {
	unsigned id;
	enum guest_state state;
	struct guest_config cfg;
	struct ept ept;
	struct vcpu vcpu;
	/* console forwarding: one line at a time, `[name] ` prefixed */
	char line[GUEST_CONSOLE_LINE];
	unsigned line_len;
	/* what the summary prints */
	int exit_status;
	bool killed;
	uint64_t pages_owned; /* RAM + EPT tables + VMCS, while alive */
	uint64_t exits[EXIT_REASON_COUNT];
	uint64_t exits_total;
	uint64_t hypercalls;
};

extern struct guest guests[GUEST_MAX];
extern uint64_t vmx_tsc_hz; /* TSC ticks per second, 0 if unknown */

/* Parses a module command line (GRUB's: the module path first) into
 * *cfg; without name= the file's base name is the name. 0, or a negative
 * ERR_* with a one-line reason in why[whylen]. */
int guest_config_parse(const char *line, struct guest_config *cfg, char *why,
		       size_t whylen);

/* Creates a guest from a module: memory, EPT, image, start state, VMCS.
 * Returns 0 or a negative ERR_* after printing the refusal line. */
int guest_create(struct guest *g, unsigned id, const struct boot_module *mod,
		 const struct guest_config *cfg);

/* Ends a guest: VMCS cleared, TLBs flushed, every frame scrubbed and
 * freed. `killed` and `status` go to the summary. */
void guest_destroy(struct guest *g, bool killed, int status);

/* Emits one byte of guest console output (hypercall or COM1). */
void guest_console_putc(struct guest *g, char c);
void guest_console_flush(struct guest *g);

/* Prints `vmx: guest NAME killed: ...` and destroys the guest. */
void guest_kill(struct guest *g, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
