/* Hypercall dispatch: the second table. Each entry names the call and
 * who may make it; arguments are untrusted and every guest address goes
 * through gmem. Convention (ABI.md): RAX = number; RDI RSI RDX R10 R8 R9;
 * result in RAX. */
#include "hcall/hypercall.h"
#include "arch/x86_64/console.h"
#include "arch/x86_64/cpu.h"
#include "guest-abi/fallow_abi.h"
#include "lib/err.h"
#include "guest/clock.h"
#include "vmx/gmem.h"
#include "vmx/hv.h"
#include "guest/memcheck.h"

#define CONSOLE_CHUNK 128
/* The most one guest byte can queue: a whole `[name] ` line. */
#define CONSOLE_LINE_OUT (FALLOW_NAME_MAX + DEV_CONSOLE_LINE + 4)

enum hc_perm {
	HC_ANY_GUEST = 1, /* every guest; control calls will be narrower */
	HC_TMEM = 2,      /* guests with tmem (not tmem=off) */
};

struct hc_entry {
	hc_fn fn;
	const char *name;
	unsigned perm;
};

_Static_assert((int)ERR_NOSYS == (int)FALLOW_ENOSYS &&
		       (int)ERR_FROZEN == (int)FALLOW_EFROZEN &&
		       (int)ERR_NOMEM == (int)FALLOW_ENOMEM &&
		       (int)ERR_NOSPC == (int)FALLOW_ENOSPC &&
		       (int)ERR_NOENT == (int)FALLOW_ENOENT &&
		       (int)ERR_EXIST == (int)FALLOW_EEXIST &&
		       (int)ERR_BUSY == (int)FALLOW_EBUSY &&
		       (int)ERR_CORRUPT == (int)FALLOW_ECORRUPT &&
		       (int)ERR_FAULT == (int)FALLOW_EFAULT &&
		       (int)ERR_RANGE == (int)FALLOW_ERANGE &&
		       (int)ERR_INVAL == (int)FALLOW_EINVAL &&
		       (int)ERR_PERM == (int)FALLOW_EPERM,
	       "guest ABI error numbers must equal lib/err.h's");

static int64_t hc_abi_version(struct guest *g, const uint64_t *arg, enum exit_action *next)
{
	(void)g;
	(void)arg;
	(void)next;
	return FALLOW_ABI_VERSION;
}

static int64_t hc_abi_info(struct guest *g, const uint64_t *arg, enum exit_action *next)
{
	struct fallow_abi_info info = {
		.abi_version = FALLOW_ABI_VERSION,
		.hypercall_count = FALLOW_HC_COUNT,
		.ram_bytes = g->cfg.mem,
		.maxmem_bytes = g->cfg.maxmem,
		.guest_id = g->id,
		.weight = g->cfg.weight,
	};

	(void)next;
	if (arg[1] < sizeof(info))
		return -ERR_INVAL;
	int err = gmem_write(&g->ept, arg[0], &info, sizeof(info));

	return err ? err : (int64_t)FALLOW_ABI_VERSION;
}

/* Guest output is queued (arch/x86_64/console.h), never waited for here:
 * with too little room for one more forced line the call is cut short
 * and the guest waits its turn while the scheduler drains the ring. */
static int64_t hc_console_write(struct guest *g, const uint64_t *arg,
				enum exit_action *next)
{
	uint64_t gpa = arg[0], len = arg[1];
	char chunk[CONSOLE_CHUNK];

	(void)next;
	if (len > FALLOW_CONSOLE_MAX)
		return -ERR_RANGE;
	if (gmem_check(&g->ept, gpa, len))
		return -ERR_FAULT;
	for (uint64_t done = g->cont.done; done < len;) {
		uint64_t n = len - done < sizeof(chunk) ? len - done : sizeof(chunk);

		if (gmem_read(&g->ept, gpa + done, chunk, n))
			return -ERR_FAULT;
		for (uint64_t i = 0; i < n; i++, done++) {
			if (console_room() < CONSOLE_LINE_OUT) {
				g->cont.done = done;
				return -ERR_AGAIN;
			}
			dev_console_putc(g, chunk[i]);
		}
	}
	return (int64_t)len;
}

static int64_t hc_yield(struct guest *g, const uint64_t *arg, enum exit_action *next)
{
	(void)g;
	(void)arg;
	*next = EXIT_YIELD;
	return 0;
}

static int64_t hc_exit(struct guest *g, const uint64_t *arg, enum exit_action *next)
{
	guest_destroy(g, false, (int)arg[0]);
	*next = EXIT_GONE;
	return 0;
}

static int64_t hc_time(struct guest *g, const uint64_t *arg, enum exit_action *next)
{
	struct fallow_time t = { .tsc = rdtsc(), .tsc_hz = vmx_tsc_hz };

	(void)next;
	if (arg[1] < sizeof(t))
		return -ERR_INVAL;
	return gmem_write(&g->ept, arg[0], &t, sizeof(t));
}

/* The caller's CPU time so far, this turn included. */
static int64_t hc_cpu_time(struct guest *g, const uint64_t *arg, enum exit_action *next)
{
	(void)arg;
	(void)next;
	return (int64_t)(clock_cpu_ticks(g) & INT64_MAX);
}

static const struct hc_entry hc_table[FALLOW_HC_COUNT] = {
	[FALLOW_HC_ABI_VERSION] = { hc_abi_version, "abi-version", HC_ANY_GUEST },
	[FALLOW_HC_ABI_INFO] = { hc_abi_info, "abi-info", HC_ANY_GUEST },
	[FALLOW_HC_CONSOLE_WRITE] = { hc_console_write, "console-write", HC_ANY_GUEST },
	[FALLOW_HC_YIELD] = { hc_yield, "yield", HC_ANY_GUEST },
	[FALLOW_HC_EXIT] = { hc_exit, "exit", HC_ANY_GUEST },
	[FALLOW_HC_TIME] = { hc_time, "time", HC_ANY_GUEST },
	[FALLOW_HC_TMEM_NEW_POOL] = { hc_tmem_new_pool, "tmem-new-pool", HC_TMEM },
	[FALLOW_HC_TMEM_DESTROY_POOL] = { hc_tmem_destroy_pool, "tmem-destroy-pool", HC_TMEM },
	[FALLOW_HC_TMEM_PUT] = { hc_tmem_put, "tmem-put", HC_TMEM },
	[FALLOW_HC_TMEM_GET] = { hc_tmem_get, "tmem-get", HC_TMEM },
	[FALLOW_HC_TMEM_FLUSH_PAGE] = { hc_tmem_flush_page, "tmem-flush-page", HC_TMEM },
	[FALLOW_HC_TMEM_FLUSH_OBJECT] = { hc_tmem_flush_object, "tmem-flush-object", HC_TMEM },
	[FALLOW_HC_BALLOON_RELEASE] = { hc_balloon_release, "balloon-release", HC_ANY_GUEST },
	[FALLOW_HC_BALLOON_POPULATE] = { hc_balloon_populate, "balloon-populate", HC_ANY_GUEST },
	[FALLOW_HC_MEM_TARGET] = { hc_mem_target, "mem-target", HC_ANY_GUEST },
	[FALLOW_HC_MEM_POST] = { hc_mem_post, "mem-post", HC_ANY_GUEST },
	[FALLOW_HC_DISK_INFO] = { hc_disk_info, "disk-info", HC_ANY_GUEST },
	[FALLOW_HC_DISK_READ] = { hc_disk_read, "disk-read", HC_ANY_GUEST },
	[FALLOW_HC_DISK_WRITE] = { hc_disk_write, "disk-write", HC_ANY_GUEST },
	[FALLOW_HC_CPU_TIME] = { hc_cpu_time, "cpu-time", HC_ANY_GUEST },
	[FALLOW_HC_CONSOLE_READ] = { hc_console_read, "console-read", HC_ANY_GUEST },
};

/* tmem=off takes HC_TMEM away: every tmem call is -ERR_PERM. */
static int permitted(const struct guest *g, const struct hc_entry *h)
{
	unsigned held = HC_ANY_GUEST | (g->cfg.tmem ? HC_TMEM : 0u);

	return (h->perm & held) == h->perm;
}

_Static_assert(HC_CONT_ARGS == HC_ARGS, "a continuation keeps every argument");

/* The same VMCALL with the same registers as the call cut short: go on
 * with it. Anything else (an interrupt handler's own call, a guest that
 * changed its mind) starts afresh, which the restartable calls allow: a
 * destroy or flush finds the pages it already removed gone. */
static void cont_begin(struct guest *g, uint64_t rip, uint64_t nr, const uint64_t *arg)
{
	struct hc_cont *c = &g->cont;
	bool same = c->active && c->rip == rip && c->nr == nr;

	for (unsigned i = 0; same && i < HC_ARGS; i++)
		same = c->arg[i] == arg[i];
	if (same)
		return;
	c->rip = rip;
	c->nr = nr;
	for (unsigned i = 0; i < HC_ARGS; i++)
		c->arg[i] = arg[i];
	c->done = 0;
}

enum exit_action exit_vmcall(struct guest *g, const struct exit_info *e)
{
	uint64_t nr = g->vcpu.gpr[GPR_RAX];
	const uint64_t arg[HC_ARGS] = {
		g->vcpu.gpr[GPR_RDI], g->vcpu.gpr[GPR_RSI], g->vcpu.gpr[GPR_RDX],
		g->vcpu.gpr[GPR_R10], g->vcpu.gpr[GPR_R8], g->vcpu.gpr[GPR_R9],
	};
	enum exit_action next = EXIT_RESUME;
	int64_t ret;

	g->hypercalls++;
	/* Guest ring 0 only (ABI.md): VMCALL from its user code is #UD, as
	 * on a CPU outside VMX, and no handler sees it. */
	if (exit_guest_cpl() != 0) {
		g->hc_refused_user++;
		exit_inject_ud();
		return EXIT_RESUME;
	}
	cont_begin(g, e->rip, nr, arg);
	if (nr >= FALLOW_HC_COUNT || !hc_table[nr].fn)
		ret = -ERR_NOSYS;
	else if (!permitted(g, &hc_table[nr]))
		ret = -ERR_PERM;
	else
		ret = hc_table[nr].fn(g, arg, &next);
	memcheck_after_hypercall(nr < FALLOW_HC_COUNT ? hc_table[nr].name : 0);
	if (next == EXIT_GONE)
		return next;
	g->cont.active = ret == -ERR_AGAIN;
	if (g->cont.active) {
		/* Cut short: RIP and RAX stay, so the guest runs this VMCALL
		 * again once the others have had their turn. */
		g->hc_continued++;
		return EXIT_YIELD;
	}
	/* Past the VMCALL: a yield resumes after it. */
	exit_skip_instruction();
	g->vcpu.gpr[GPR_RAX] = (uint64_t)ret;
	return next;
}
