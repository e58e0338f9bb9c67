/* Where the frames of disk overlays come from.
 *
 * By default, the frame allocator: the sectors a guest writes are RAM it
 * owns, competing with tmem and with the other guests. The kernel option
 * disk_store=SIZE sets SIZE of RAM aside when the guest phase begins to
 * stand in for the host's disk: overlays then take frames only from it, a
 * write that finds it empty fails with ENOSPC (a full disk), and the
 * machine the guests and tmem share is the rest. Experiments use it so
 * that "a 256 MiB machine" means what it says while the guests' disks
 * live in RAM.
 *
 * Frames in the store stay allocated (owned, by the hypervisor); a frame
 * lent to an overlay is counted in its guest's pages_owned as well, so
 * memcheck subtracts disk_store_lent(). */
#ifndef FALLOW_DEV_DISK_STORE_H
#define FALLOW_DEV_DISK_STORE_H

#include <stdint.h>
#include "mm/phys.h"

/* Sets `frames` aside (0: overlays use the frame allocator). 0, or
 * -ERR_NOMEM with nothing set aside when fewer frames are free. */
int disk_store_init(uint64_t frames);
/* Gives the store's frames back to the allocator; none may be lent. */
void disk_store_fini(void);

/* A zeroed frame for an overlay: 0 and *pa, -ERR_NOMEM (no store and no
 * free frame) or -ERR_NOSPC (the store is empty). */
int disk_store_get(paddr_t *pa);
/* Scrubs an overlay frame and takes it back. */
void disk_store_put(paddr_t pa);

uint64_t disk_store_frames(void); /* its size; 0 without a store */
uint64_t disk_store_lent(void);   /* of those, in overlays now */

#endif
