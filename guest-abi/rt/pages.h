/* The page allocator's side doors, for the runtime only: start-up and
 * the balloon driver, which takes free pages away to release them and
 * gives populated ones back without either counting as the guest's use. */
#ifndef FALLOW_GUEST_RT_PAGES_H
#define FALLOW_GUEST_RT_PAGES_H

#include <stdint.h>

void pages_init(uint64_t start, uint64_t end);

/* A free page for the balloon, never refilled from it; NULL when none. */
void *page_take(void);

/* A page the balloon holds no longer (populated again, or never released). */
void page_give(void *page);

/* Pages the balloon gives back when the allocator runs dry: how many it
 * made free (balloon.c; 0 when the balloon holds none or the hypervisor
 * refused). */
uint64_t balloon_refill(void);

#endif
