/* Guests that start after boot: start=after:SECONDS (once the guest
 * phase's clock reaches it) and start=manual (on the console's `start
 * NAME`). Either way a guest starts only when the frames it needs can be
 * had; until then it waits, and the console says once why. */
#ifndef FALLOW_GUEST_LAUNCH_H
#define FALLOW_GUEST_LAUNCH_H

#include <stdbool.h>
#include <stdint.h>
#include "guest/guest.h"

/* Frames a starting guest can get now: free frames plus those the
 * allocator can take back from ephemeral tmem. */
uint64_t launch_frames_obtainable(void);

/* Puts a configured guest with start != START_NOW in slot `g`, waiting. */
void launch_configure(struct guest *g, unsigned id, const struct boot_module *mod,
		      const struct guest_config *cfg);

/* Starts every waiting guest whose time has come by now_ms (the guest
 * phase's clock, read once for everything polled between two turns) and
 * whose memory can be had. Called between guest turns and while idle. */
void launch_poll(uint64_t now_ms);

/* The console's `start NAME`: the waiting guest starts as soon as its
 * memory can be had, whatever its start= said. 0, -ERR_EXIST (already
 * running) or -ERR_PERM (it has ended). */
int launch_request(struct guest *g);

/* How many guests are waiting to start. */
unsigned launch_waiting(void);

/* With no guest running: true when some waiting guest may still start
 * (its memory can be had: it waits for its time or the console). When
 * none can, says so for each and returns false: the guest phase ends. */
bool launch_any_can_start(void);

#endif
