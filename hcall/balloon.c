/* Ballooning and memory targets (guest-abi/ABI.md, "Ballooning"). A guest
 * hands back RAM pages it does not use (release) and asks for them again
 * (populate); the console's target and the guest's own figures travel
 * through the last two calls. Every gfn is checked against the guest's
 * RAM and its EPT before anything changes. */
#include "hcall/hypercall.h"
#include "guest-abi/fallow_abi.h"
#include "lib/err.h"
#include "mm/frame.h"
#include "vmx/gmem.h"
#include "vmx/hv.h"
#include "vmx/vmx.h"
#include "guest/tmem_client.h"

/* The whole list is copied in before any entry is acted on, so a list
 * that names its own pages reads the same as any other. One CPU handles
 * one hypercall at a time: static buffers are enough. */
static uint64_t gfns[FALLOW_BALLOON_BATCH_MAX];
static paddr_t unmapped[FALLOW_BALLOON_BATCH_MAX];

static int read_list(const struct guest *g, uint64_t gpa, uint64_t count)
{
	if (count > FALLOW_BALLOON_BATCH_MAX)
		return -ERR_RANGE;
	return gmem_read(&g->ept, gpa, gfns, count * sizeof(gfns[0]));
}

static uint64_t ram_pages(const struct guest *g)
{
	return g->cfg.mem / FRAME_SIZE;
}

static int release_problem(const struct guest *g, uint64_t gfn)
{
	if (gfn >= ram_pages(g))
		return -ERR_RANGE;
	if (gfn < FALLOW_BALLOON_FIRST_GFN)
		return -ERR_PERM; /* start-info and boot page tables */
	if (ept_lookup(&g->ept, gfn * FRAME_SIZE) == FRAME_NONE)
		return -ERR_NOENT; /* never there, or released already */
	return 0;
}

/* @pre the guest is not running (it made this call): no CPU can use a
 * stale translation between the unmap and the INVEPT. */
int64_t hc_balloon_release(struct guest *g, const uint64_t *arg, enum exit_action *next)
{
	uint64_t count = arg[1], n;
	int err = read_list(g, arg[0], count);

	(void)next;
	if (err)
		return err;
	for (n = 0; n < count; n++) {
		err = release_problem(g, gfns[n]);
		if (err)
			break;
		unmapped[n] = ept_unmap(&g->ept, gfns[n] * FRAME_SIZE);
	}
	if (!n)
		return err;
	/* Translations cached for the old mappings go before any frame can
	 * be handed to someone else. */
	vmx_flush_ept(ept_pointer(&g->ept));
	for (uint64_t i = 0; i < n; i++)
		ept_scrub_free(unmapped[i]);
	g->released += n;
	guest_recount(g);
	tmem_glue_configure(g); /* less RAM: a higher persistent limit */
	return (int64_t)n;
}

static int populate_problem(const struct guest *g, uint64_t gfn)
{
	if (gfn >= ram_pages(g))
		return -ERR_RANGE;
	if (ept_lookup(&g->ept, gfn * FRAME_SIZE) != FRAME_NONE)
		return -ERR_EXIST;
	if (guest_charged_pages(g) >= g->cfg.maxmem / FRAME_SIZE)
		return -ERR_NOSPC;
	return 0;
}

static int populate_one(struct guest *g, uint64_t gfn)
{
	paddr_t pa = frame_alloc();

	if (pa == FRAME_NONE)
		return -ERR_NOMEM;
	vmx_bzero(phys_to_virt(pa), FRAME_SIZE);
	int err = ept_map(&g->ept, gfn * FRAME_SIZE, pa);

	if (err)
		ept_scrub_free(pa);
	return err;
}

int64_t hc_balloon_populate(struct guest *g, const uint64_t *arg, enum exit_action *next)
{
	uint64_t count = arg[1], n;
	int err = read_list(g, arg[0], count);

	(void)next;
	if (err)
		return err;
	for (n = 0; n < count; n++) {
		err = populate_problem(g, gfns[n]);
		if (!err)
			err = populate_one(g, gfns[n]);
		if (err)
			break;
	}
	g->populated += n;
	guest_recount(g); /* an EPT table may have been added even on error */
	if (n)
		tmem_glue_configure(g); /* more RAM: a lower persistent limit */
	return n ? (int64_t)n : err;
}

int64_t hc_mem_target(struct guest *g, const uint64_t *arg, enum exit_action *next)
{
	(void)arg;
	(void)next;
	return (int64_t)g->target_pages;
}

int64_t hc_mem_post(struct guest *g, const uint64_t *arg, enum exit_action *next)
{
	struct fallow_mem_figures f;

	(void)next;
	if (arg[1] < sizeof(f))
		return -ERR_INVAL;
	int err = gmem_read(&g->ept, arg[0], &f, sizeof(f));

	if (err)
		return err;
	g->figures = f; /* the guest's claims: shown, never trusted */
	g->figures_posted = true;
	return 0;
}
