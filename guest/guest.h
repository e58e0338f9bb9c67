/* A guest: its configuration, memory (EPT), vCPU state and counters.
 * One vCPU per guest; every guest lives in the fixed table below. */
#ifndef FALLOW_GUEST_GUEST_H
#define FALLOW_GUEST_GUEST_H

#include <stdbool.h>
#include <stdint.h>
#include "dev/lapic.h"
#include "guest-abi/fallow_abi.h"
#include "mm/memmap.h"
#include "dev/disk/disk.h"
#include "guest/config.h"
#include "vmx/ept.h"
#include "vmx/event.h"
#include "vmx/exit_reason.h"

/* Guest slots. Each running guest costs a VMCS, its EPT tables and its
 * share of this table; VPIDs are slot + 1, so any count below 65535
 * would do. 32 leaves room for a density run of more than 15 guests
 * beside image modules (the boot takes MEMMAP_MAX_MODULES modules). */
#define GUEST_MAX 32
#define GUEST_CONSOLE_LINE 200 /* pending console bytes before a forced line */

/* General registers in the SDM's encoding order (exit qualifications name
 * registers by this index). The RSP slot is unused: RSP lives in the VMCS.
 * vmentry.c depends on this layout. */
enum gpr {
	GPR_RAX, GPR_RCX, GPR_RDX, GPR_RBX, GPR_RSP, GPR_RBP, GPR_RSI, GPR_RDI,
	GPR_R8, GPR_R9, GPR_R10, GPR_R11, GPR_R12, GPR_R13, GPR_R14, GPR_R15,
	GPR_COUNT
};

/* The MSRs a 64-bit guest owns that the VMCS does not switch. */
struct vcpu_msrs {
	uint64_t kernel_gs_base; /* SWAPGS exchanges it with GS_BASE, no exit */
	uint64_t star, lstar, cstar, fmask; /* SYSCALL's selectors, targets, mask */
};

struct fpu_area;

/* What a guest can change without a VM exit and the VMCS does not hold.
 * vcpu_state_load puts it in the CPU at the start of the guest's turn and
 * vcpu_state_put saves it at the end (vmx/vcpu_state.c, the one place):
 * during the turn the CPU's registers are the truth, these the copy. */
struct vcpu_switched {
	uint64_t cr2;
	uint64_t dr[4];        /* DR0-DR3; DR7 is in the VMCS */
	uint64_t dr6;
	uint64_t xcr0;         /* set through XSETBV exits (vcpu/xsetbv.c) */
	struct vcpu_msrs msr;  /* WRMSR exits write them live (vcpu/msr.c) */
	struct fpu_area *fpu;  /* x87/SSE/AVX: the XSAVE (or FXSAVE) image */
};

struct vcpu {
	uint64_t gpr[GPR_COUNT];
	struct vcpu_switched sw;
	uint64_t cr8; /* the guest's TPR without a vLAPIC: CR8 accesses exit (vcpu/cr.c) */
	struct vcpu_events ev; /* vmx/event.c's */
	paddr_t vmcs;
	bool launched;
	uint16_t vpid;
};

enum guest_state {
	GUEST_EMPTY,    /* slot unused */
	GUEST_WAITING,  /* configured, not started yet (start=after: or manual) */
	GUEST_RUNNABLE,
	GUEST_DEAD,     /* exited or killed; frames already returned */
};

/* A hypercall cut short to bound its work (-ERR_AGAIN, hcall/hypercall.c):
 * the guest's RIP stays on its VMCALL and its turn ends; when it runs the
 * same VMCALL again with the same registers the handler goes on from
 * `done`, anything else starts afresh. */
#define HC_CONT_ARGS 6
struct hc_cont {
	bool active;
	uint64_t rip, nr;
	uint64_t arg[HC_CONT_ARGS];
	uint64_t done; /* the handler's progress: bytes, pages */
};

/* Pages a guest holds besides its RAM, EPT and disk overlay: the VMCS. */
#define GUEST_VMCS_PAGES 1u

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
	uint64_t pages_owned; /* RAM + EPT tables + VMCS + persistent + disk overlay, while alive */
	/* memory control: the console sets these, the balloon and tmem
	 * hypercalls read them */
	uint64_t target_pages;     /* console `target`; 0 = none set */
	uint64_t cap_pages;        /* console `cap` on tmem pages; 0 = none */
	bool frozen;               /* console `freeze`: tmem puts fail */
	uint64_t persistent_pages; /* persistent tmem frames charged here: data and metadata */
	struct fallow_mem_figures figures; /* last FALLOW_HC_MEM_POST */
	bool figures_posted;
	uint64_t released, populated; /* balloon pages, cumulative */
	/* delayed start: the module to load and what was last said */
	const struct boot_module *mod;
	bool start_requested;      /* `start NAME` for a manual guest */
	int wait_reason_said;      /* launch.c's last printed reason */
	uint64_t exits[EXIT_REASON_COUNT];
	uint64_t exits_total;
	uint64_t hypercalls;
	uint64_t hc_refused_user; /* VMCALLs from CPL > 0, refused with #UD */
	struct hc_cont cont;      /* the hypercall it is in the middle of */
	uint64_t hc_continued;    /* turns ended inside a bounded hypercall */
	struct disk disk;
	struct lapic lapic; /* live only with cfg.lapic: see guest_lapic() */
	/* time (guest/clock.h): a guest waiting for its disk, or halted
	 * until its vLAPIC timer fires, is not picked until the TSC
	 * reaches wake_tsc */
	uint64_t wake_tsc;
	uint64_t halts_slept; /* HLTs with IF=1 that slept until the vLAPIC timer */
	uint64_t cpu_ticks; /* TSC ticks in VMX non-root and its exits */
	uint64_t cpu_since; /* TSC at the current VM entry, 0 outside a turn */
	uint64_t exit_ms;   /* the guest phase's clock when it ended */
};

extern struct guest guests[GUEST_MAX];

/* The guest's vLAPIC, or NULL when it has none (lapic=off). */
static inline struct lapic *guest_lapic(struct guest *g)
{
	return g->cfg.lapic ? &g->lapic : 0;
}
extern uint64_t vmx_tsc_hz; /* TSC ticks per second, 0 if unknown */

/* Frames guest_create takes for a guest of `mem` bytes: RAM, EPT
 * tables, the VMCS. */
uint64_t guest_frames_needed(uint64_t mem);

/* Recomputes pages_owned from the EPT and the persistent charge: call
 * after anything maps, unmaps or charges a page. */
void guest_recount(struct guest *g);

/* RAM plus persistent pages: what maxmem bounds. */
uint64_t guest_charged_pages(const struct guest *g);

/* The guest named `name` (len bytes) in any state but empty, or NULL. */
struct guest *guest_by_name(const char *name, size_t len);

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
