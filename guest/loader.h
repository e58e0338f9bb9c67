/* Loading a guest: the loader its kind= picks (guest/load/ does the
 * arch-free work over a load target), and how its vCPU starts. */
#ifndef FALLOW_GUEST_LOADER_H
#define FALLOW_GUEST_LOADER_H

#include <stddef.h>
#include <stdint.h>
#include "guest/guest.h"
#include "vmx/vmcs_setup.h" /* struct guest_entry */
#include "guest/load/load.h"

/* The load target (guest/load/load.h) over g's RAM through gmem: the
 * one way a loader writes into a guest. */
struct load_target loader_target(struct guest *g);

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
