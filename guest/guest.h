/* A guest: its configuration, memory (EPT), vCPU state and counters.
 * One vCPU per guest; every guest lives in the fixed table below. */
#ifndef FALLOW_GUEST_GUEST_H
#define FALLOW_GUEST_GUEST_H

#include <stdbool.h>
#include <stdint.h>
#include "dev/console.h"
#include "dev/lapic.h"
#include "guest-abi/fallow_abi.h"
#include "mm/memmap.h"
#include "dev/disk/disk.h"
#include "guest/config.h"
#include "vmx/ept.h"
#include "vmx/event.h"
#include "vmx/exit_reason.h"
#include "vmx/vcpu.h"

/* Guest slots. Each running guest costs a VMCS, its EPT tables and its
 * share of this table; VPIDs are slot + 1, so any count below 65535
 * would do. 32 leaves room for a density run of more than 15 guests
 * beside image modules (the boot takes MEMMAP_MAX_MODULES modules). */
#define GUEST_MAX 32
_Static_assert(GUEST_MAX <= VMX_VCPU_MAX, "a vCPU save area per guest slot");

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

/* Pages a guest holds besides its RAM, EPT and devices' frames: the VMCS. */
#define GUEST_VMCS_PAGES 1u

struct guest {
	unsigned id;
	enum guest_state state;
	struct guest_config cfg;
	struct ept ept;
	struct vmx_vcpu vcpu;
	/* devices (dev/dev.h): bit i set while the table's device i is
	 * attached; their per-guest state: console here, disk and lapic below */
	uint32_t dev_attached;
	struct dev_console console; /* COM1 and hypercall output, by the line */
	/* what the summary prints */
	int exit_status;
	bool killed;
	uint64_t pages_owned; /* RAM + EPT tables + VMCS + persistent + device frames, while alive */
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
	bool wake_on_timer;   /* wake_tsc is its vLAPIC deadline (HLT), not a disk's */
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

/* Prints `vmx: guest NAME killed: ...` and destroys the guest. */
void guest_kill(struct guest *g, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
