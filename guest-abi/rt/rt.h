/* The Fallow guest runtime: what every shipped guest links with. It
 * parses the start-info page, prints through the console hypercall,
 * hands out pages of the guest's RAM and wraps every hypercall. A guest
 * provides `int guest_main(const struct fallow_start_info *si)`; its
 * return value becomes the exit status. */
#ifndef FALLOW_GUEST_RT_H
#define FALLOW_GUEST_RT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "guest-abi/fallow_abi.h"

int guest_main(const struct fallow_start_info *si);

/* ------------------------------------------------------------ hypercalls
 * Raw VMCALL with up to three arguments (RDI RSI RDX); the full six-register
 * convention is in fallow_abi.h. */
static inline int64_t fallow_hypercall3(uint64_t nr, uint64_t a0, uint64_t a1,
					uint64_t a2)
{
	int64_t ret;

	__asm__ volatile("vmcall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a0), "S"(a1), "d"(a2)
			 : "memory");
	return ret;
}

int64_t hc_abi_version(void);
int64_t hc_abi_info(struct fallow_abi_info *out);
int64_t hc_console_write(const void *buf, uint64_t len);
int64_t hc_console_read(void *buf, uint64_t len);
int64_t hc_yield(void);
__attribute__((noreturn)) void hc_exit(int status);
int64_t hc_time(struct fallow_time *out);
int64_t hc_balloon_release(const uint64_t *gfns, uint64_t count);
int64_t hc_balloon_populate(const uint64_t *gfns, uint64_t count);
int64_t hc_mem_target(void);
int64_t hc_mem_post(const struct fallow_mem_figures *f);

/* ------------------------------------------------------------ start info */
const struct fallow_start_info *rt_start_info(void);
/* True when the command line holds `word` as a whole word (or word=...). */
bool rt_cmdline_has(const char *word);
/* Value of key=N (decimal or 0x hex) on the command line, else `def`. */
uint64_t rt_cmdline_u64(const char *key, uint64_t def);

/* ------------------------------------------------------------ console
 * Line-buffered: a line reaches the hypervisor when it ends or fills. */
void rt_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void rt_flush(void);

/* ------------------------------------------------------------ pages
 * Every page of RAM from start-info's free_start up to ram_bytes, less
 * the pages the balloon driver (balloon.h) released; when none is left,
 * page_alloc populates released pages again first. */
void *page_alloc(void);           /* NULL when none is left */
void page_free(void *page);
uint64_t page_free_count(void);   /* pages obtainable without the balloon */
uint64_t page_used_count(void);   /* handed out by page_alloc, not freed */

/* Maps one 2 MiB guest-virtual page to the same guest-physical address in
 * the identity map (for probing addresses past RAM). 0 or -FALLOW_ENOMEM. */
int rt_map_2m(uint64_t addr);

/* ------------------------------------------------------------ misc */
static inline uint64_t rt_rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

#include "arch/x86_64/string.h" /* the hypervisor's mem and str functions */

#endif
