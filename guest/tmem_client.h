/* The hypervisor's one tmem (tmem/tmem.h) and what ties it to the rest:
 * its platform is the frame allocator, each guest is one tmem client
 * (client id = guest slot), the allocator reclaims ephemeral frames
 * through it when the free list runs dry, and after every tmem operation
 * the frame allocator hears how many frames are freeable and each guest
 * how many persistent frames, data and metadata, it is charged for, so
 * free + freeable + owned == total and memcheck's per-guest accounting
 * both hold.
 *
 * A guest's client is configured from the guest: weight = its weight,
 * ephemeral cap = the console's cap (0: none), persistent limit = maxmem
 * minus the RAM it holds now, so RAM + persistent pages never exceed
 * maxmem. Shared-pool grants come from `shared=UUID` words on its module
 * command line (README.md, "Guests"). */
#ifndef FALLOW_GUEST_TMEM_CLIENT_H
#define FALLOW_GUEST_TMEM_CLIENT_H

#include <stddef.h>
#include <stdint.h>
#include "tmem/tmem.h"
#include "guest/guest.h"

/* Module command-line word that grants a shared-pool UUID. */
#define TMEM_GRANT_KEY "shared="

/* The instance, for the hypercall handlers and console lines. NULL
 * before the first guest starts. */
struct tmem *tmem_glue(void);

/* Creates the guest's client (after its RAM is mapped) and grants its
 * shared= UUIDs. 0, or a negative ERR_* with a one-line reason in why;
 * on error no client exists. */
int tmem_glue_guest_start(struct guest *g, char *why, size_t whylen);

/* Destroys the guest's client: its persistent and ephemeral pages go,
 * its frames go back. Nothing if it has none. Only a first bounded step
 * is taken here; tmem_glue_poll does the rest. */
void tmem_glue_guest_end(struct guest *g);

/* Between turns and while idle: one bounded step of tmem's background
 * work (ending clients of gone guests, sweeping evicted blobs' pages).
 * True while some is left. */
bool tmem_glue_poll(void);

/* Pushes the guest's weight, cap and persistent limit to its client
 * (after the console changes them, or a balloon call its RAM). Changes
 * no charge: nothing to sync after it. */
void tmem_glue_configure(struct guest *g);

/* Once at the end of every tmem call for `g` (the tmem hypercalls,
 * hcall/tmem.c; NULL: none in particular, as after a reclaim): the
 * guest's persistent charge and pages_owned, and the allocator's
 * freeable count. Hypercalls that do not enter tmem do not pay for it. */
void tmem_glue_sync(struct guest *g);

/* Frames tmem holds that no guest is charged for: ephemeral data and
 * its metadata, spares and pool records (memcheck's "uncharged"). */
uint64_t tmem_glue_uncharged_frames(void);

/* Frames the allocator can take back from tmem now (freeable). */
uint64_t tmem_glue_freeable(void);

/* Gives every frame back once the guest phase is over. */
void tmem_glue_fini(void);

/* Console output (ctl/tmem.c). The stats pieces print
 * ` key=value` pairs with no newline, to append to a `stats:` line. */
void tmem_glue_stats_global(void);
void tmem_glue_stats_guest(const struct guest *g);
/* A `tmem: ephemeral order: ...` line ranking the running guests by
 * ephemeral pages held (with weights), after the stats lines. */
void tmem_glue_stats_order(void);
/* `pools NAME`: one `pool: ...` line per pool the guest holds, then a
 * `pools: guest=NAME count=N frozen=0|1` line. */
void tmem_glue_print_pools(const struct guest *g);
struct ctl_args;
/* The console handler (ctl/ctl.h's table names it). */
void ctl_cmd_pools(const struct ctl_args *a);

#endif
