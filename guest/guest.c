/* Guest lifetime: creation from a module (devices, memory, EPT, image,
 * VMCS) and destruction with every frame scrubbed. The devices (dev/dev.h)
 * attach and detach by walking their table. */
#include "guest/guest.h"
#include <stdarg.h>
#include "dev/dev.h"
#include "lib/err.h"
#include "lib/fmt.h"
#include "mm/frame.h"
#include "guest/clock.h"
#include "vmx/gmem.h"
#include "vmx/hv.h"
#include "guest/launch.h"
#include "guest/loader.h"
#include "guest/tmem_client.h"
#include "vmx/vmcs.h"
#include "vmx/vmcs_setup.h"
#include "vmx/vmx.h"
#include "vmx/vmx_insn.h"

_Static_assert(MEMMAP_MAX_MODULES >= GUEST_MAX + DISK_IMAGE_MAX,
	       "a boot must be able to carry every guest and every disk image");

#define WHY_LEN 160
#define EPT_ENTRIES_PER_TABLE 512u
#define EPT_FIXED_TABLES 3u /* PML4, PDPT, PD at least */

struct guest guests[GUEST_MAX];

uint64_t vmx_tsc_hz; /* set by vmx_run_guests, passed in start-info */

static void refuse(const struct guest_config *cfg, const char *why)
{
	kprintf("vmx: guest %s refused: %s\n", cfg->name[0] ? cfg->name : "?", why);
}

uint64_t guest_frames_needed(uint64_t mem)
{
	uint64_t pages = mem / FRAME_SIZE;

	return pages + (pages + EPT_ENTRIES_PER_TABLE - 1) / EPT_ENTRIES_PER_TABLE +
	       EPT_FIXED_TABLES + GUEST_VMCS_PAGES;
}

uint64_t guest_charged_pages(const struct guest *g)
{
	return g->ept.ram_pages + g->persistent_pages;
}

void guest_recount(struct guest *g)
{
	g->pages_owned = g->ept.ram_pages + g->ept.table_pages + GUEST_VMCS_PAGES +
			 g->persistent_pages + dev_frames(g);
}

struct guest *guest_by_name(const char *name, size_t len)
{
	for (unsigned i = 0; i < GUEST_MAX; i++) {
		struct guest *g = &guests[i];

		if (g->state != GUEST_EMPTY && len < sizeof(g->cfg.name) &&
		    !strncmp(g->cfg.name, name, len) && !g->cfg.name[len])
			return g;
	}
	return 0;
}

/* Gives the guest `mem` bytes of zeroed frames, mapped 1:1 from GPA 0. */
static int give_memory(struct guest *g, char *why, size_t whylen)
{
	uint64_t need = guest_frames_needed(g->cfg.mem);
	uint64_t have = launch_frames_obtainable();

	if (need > have) {
		fmt_snprintf(why, whylen, "mem=%lluK needs %llu frames, only %llu free",
			     (unsigned long long)(g->cfg.mem >> 10),
			     (unsigned long long)need, (unsigned long long)have);
		return -ERR_NOMEM;
	}
	int err = ept_init(&g->ept, g->cfg.mem);

	for (uint64_t gpa = 0; !err && gpa < g->cfg.mem; gpa += FRAME_SIZE) {
		paddr_t pa = frame_alloc();

		if (pa == FRAME_NONE) {
			err = -ERR_NOMEM;
			break;
		}
		memset(phys_to_virt(pa), 0, FRAME_SIZE);
		err = ept_map(&g->ept, gpa, pa);
		if (err)
			ept_scrub_free(pa);
	}
	if (err)
		fmt_snprintf(why, whylen, "out of frames while mapping mem=%lluK (%s)",
			     (unsigned long long)(g->cfg.mem >> 10), err_name(err));
	return err;
}

static int load(struct guest *g, const struct boot_module *mod, char *why,
		size_t whylen)
{
	struct guest_entry entry;
	int err = loader_for(g->cfg.kind)->load(g, mod, &entry, why, whylen);

	if (err)
		return err;
	err = vmcs_setup(&g->vcpu, &g->ept, g->id, &entry);
	if (err)
		fmt_snprintf(why, whylen, "could not set up the VMCS (%s)", err_name(err));
	return err;
}

/* What the guest's kind can tell from the module and configuration
 * alone, before it is given memory. */
static int check(const struct guest_config *cfg, const struct boot_module *mod,
		 char *why, size_t whylen)
{
	const struct guest_loader *l = loader_for(cfg->kind);

	return l->check ? l->check(cfg, mod, why, whylen) : 0;
}

static void release(struct guest *g)
{
	tmem_glue_guest_end(g); /* its persistent and ephemeral pages go */
	dev_detach_all(g);      /* a disk's overlay frames go, a console's line shows */
	if (g->vcpu.vmcs != FRAME_NONE) {
		if (vmx_vmclear(g->vcpu.vmcs))
			panic("vmx: VMCLEAR failed for guest %s", g->cfg.name);
		ept_scrub_free(g->vcpu.vmcs);
		g->vcpu.vmcs = FRAME_NONE;
	}
	if (g->ept.pml4 != FRAME_NONE) {
		vmx_flush_ept(ept_pointer(&g->ept));
		ept_destroy(&g->ept);
	}
	if (g->vcpu.vpid)
		vmx_flush_vpid(g->vcpu.vpid);
}

static const char *on_off(bool on)
{
	return on ? "on" : "off";
}

/* The rest of the `started` line: what devices and tmem the guest has. */
static void print_devices_and_tmem(const struct guest *g)
{
	dev_print_started(g);
	if (g->cfg.tmem)
		kprintf(" tmem=on dedup=%s compress=%s\n",
			g->cfg.tmem_dedup_shared ? "shared" : on_off(g->cfg.tmem_dedup),
			on_off(g->cfg.tmem_compress));
	else
		kprintf(" tmem=off\n");
}

int guest_create(struct guest *g, unsigned id, const struct boot_module *mod,
		 const struct guest_config *cfg)
{
	char why[WHY_LEN];
	int err;
	/* What the console set while the guest waited to start survives. */
	uint64_t target = g->target_pages, cap = g->cap_pages;
	bool frozen = g->frozen;

	*g = (struct guest){ .id = id, .cfg = *cfg, .mod = mod, .target_pages = target,
			     .cap_pages = cap, .frozen = frozen };
	g->vcpu.vpid = (uint16_t)(id + 1); /* VPID 0 is the host's */
	if ((err = check(cfg, mod, why, sizeof(why))) ||
	    (err = dev_attach_all(g, why, sizeof(why))) ||
	    (err = give_memory(g, why, sizeof(why))) ||
	    (err = load(g, mod, why, sizeof(why))) ||
	    (err = tmem_glue_guest_start(g, why, sizeof(why)))) {
		release(g);
		g->state = GUEST_EMPTY;
		refuse(cfg, why);
		return err;
	}
	guest_recount(g);
	g->state = GUEST_RUNNABLE;
	kprintf("vmx: guest %s started: mem=%lluK maxmem=%lluK weight=%u pages=%llu vpid=%u",
		cfg->name, (unsigned long long)(cfg->mem >> 10),
		(unsigned long long)(cfg->maxmem >> 10), cfg->weight,
		(unsigned long long)g->pages_owned, g->vcpu.vpid);
	print_devices_and_tmem(g);
	return 0;
}

static void print_running(void)
{
	unsigned n = 0;

	for (unsigned i = 0; i < GUEST_MAX; i++)
		if (guests[i].state == GUEST_RUNNABLE)
			n++;
	kprintf(" (%u still running%s", n, n ? ":" : "");
	for (unsigned i = 0; i < GUEST_MAX; i++)
		if (guests[i].state == GUEST_RUNNABLE)
			kprintf(" %s", guests[i].cfg.name);
	kprintf(")\n");
}

void guest_destroy(struct guest *g, bool killed, int status)
{
	release(g); /* the console's last part line shows first */
	g->exit_ms = clock_ms();
	g->killed = killed;
	g->exit_status = status;
	g->state = GUEST_DEAD;
	if (killed)
		kprintf("vmx: guest %s killed, frames scrubbed and freed", g->cfg.name);
	else
		kprintf("vmx: guest %s exited with status %d", g->cfg.name, status);
	print_running();
}

void guest_kill(struct guest *g, const char *fmt, ...)
{
	char msg[WHY_LEN];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	dev_console_flush(g); /* the guest's last words before the reason */
	kprintf("vmx: guest %s killed: %s\n", g->cfg.name, msg);
	guest_destroy(g, true, -1);
}
