/* The guest's balloon driver and self-ballooning (guest-abi/ABI.md,
 * "Ballooning"). The balloon takes free pages from the runtime's page
 * allocator and releases them to the hypervisor; populating puts them
 * back. Self-ballooning sets the balloon every interval from the guest's
 * committed memory. */
#ifndef FALLOW_GUEST_RT_BALLOON_H
#define FALLOW_GUEST_RT_BALLOON_H

#include <stdbool.h>
#include <stdint.h>
#include "guest-abi/fallow_abi.h"

/* ------------------------------------------------------------ balloon */

/* Sets up the record of released pages (a bitmap taken from the page
 * allocator). 0, or -FALLOW_ENOMEM. The others do nothing before it. */
int balloon_init(void);

/* Releases up to n free pages; returns how many went. Fewer when the
 * allocator has no more free pages or the hypervisor refused one. */
uint64_t balloon_release(uint64_t n);

/* Populates up to n released pages again (they go back to the page
 * allocator, zeroed); returns how many came. Fewer when the balloon holds
 * fewer or the hypervisor has no frame (-FALLOW_ENOMEM) or the guest is at
 * maxmem (-FALLOW_ENOSPC). */
uint64_t balloon_populate(uint64_t n);

/* Releases or populates towards `pages` of RAM held; returns the pages
 * held afterwards. */
uint64_t balloon_set_actual(uint64_t pages);

uint64_t balloon_ram_pages(void); /* RAM at start, in pages */
uint64_t balloon_actual(void);    /* RAM pages held now */
uint64_t balloon_held(void);      /* pages released and not populated */

/* ------------------------------------------------------------ self-ballooning
 * Every constant is an option word on the guest's command line. */
struct sb_options {
	uint64_t interval_us; /* sb_interval_us=: time between steps */
	uint64_t down;        /* sb_down=: close 1/down of a gap downwards per step */
	uint64_t up;          /* sb_up=: close 1/up of a gap upwards (1: at once) */
	uint64_t reserve_kb;  /* sb_reserve_kb=: headroom above committed */
	uint64_t floor_kb;    /* sb_floor_kb=: floor = floor_kb + RAM / floor_div */
	uint64_t floor_div;   /* sb_floor_div= */
};

#define SB_INTERVAL_US_DEFAULT 1000000u /* one second */
#define SB_DOWN_DEFAULT 8u              /* down slowly ... */
#define SB_UP_DEFAULT 1u                /* ... up fast */
#define SB_RESERVE_KB_DEFAULT 512u
#define SB_FLOOR_KB_DEFAULT 1024u
#define SB_FLOOR_DIV_DEFAULT 8u

/* Reads the options, sets up the balloon. 0 or -FALLOW_ENOMEM. */
int sb_init(void);

/* One step now: target = committed + reserve approached with hysteresis,
 * never below the floor; a console target, when set, replaces it (but
 * not below the floor). Moves the balloon and posts the figures. */
void sb_step(void);

/* sb_step when the interval has passed since the last step; true if it
 * stepped. Call it from the guest's loops. */
bool sb_poll(void);

const struct sb_options *sb_options(void);
/* The last step's figures (also posted to the hypervisor). */
const struct fallow_mem_figures *sb_figures(void);
/* Pages in use: image and low pages plus what page_alloc handed out. */
uint64_t sb_committed(void);
uint64_t sb_floor(void);

#endif
