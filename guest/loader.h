/* Loading a guest: its ELF image into guest RAM, the identity-map page
 * tables and the start-info page (the start convention of ABI.md). */
#ifndef FALLOW_GUEST_LOADER_H
#define FALLOW_GUEST_LOADER_H

#include <stddef.h>
#include <stdint.h>
#include "guest/guest.h"
#include "vmx/vmcs_setup.h" /* struct guest_entry */

struct guest_image {
	uint64_t entry;
	uint64_t start; /* lowest loaded guest-physical byte */
	uint64_t end;   /* first byte past the image */
};

/* Checks every ELF header field and segment bound of image[0..size)
 * against the guest's RAM, then copies the segments in. 0 or a negative
 * ERR_* with the reason in why. */
int loader_load_elf(struct guest *g, const void *image, uint64_t size,
		    struct guest_image *out, char *why, size_t whylen);

/* Writes the identity map at FALLOW_PAGE_TABLES_GPA; returns its CR3
 * value (the PML4's address) or a negative ERR_*. */
int64_t loader_build_page_tables(struct guest *g);

/* Writes the start-info page. 0 or a negative ERR_*. */
int loader_write_start_info(struct guest *g, const struct guest_image *img,
			    uint64_t tsc_hz);

/* A guest kind's loader (kind= on the module line picks one). */
struct guest_loader {
	const char *name;
	/* Checks the module against the configuration before the guest
	 * gets memory, so a bad one costs nothing. NULL: nothing to check
	 * early. 0 or a negative error with the reason in why. */
	int (*check)(const struct guest_config *cfg, const struct boot_module *mod,
		     char *why, size_t whylen);
	/* Writes the module into the guest's RAM and says how it starts. */
	int (*load)(struct guest *g, const struct boot_module *mod,
		    struct guest_entry *entry, char *why, size_t whylen);
};

const struct guest_loader *loader_for(enum guest_kind kind);

/* guest/loader_linux.c */
extern const struct guest_loader loader_linux;

#endif
