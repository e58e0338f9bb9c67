/* Device models behind one ops table. A device is what a guest has
 * besides its CPU and RAM: the console (dev/console.c), the paravirtual
 * disk (dev/disk/device.c), the virtual x2APIC (dev/x2apic.c). Each one
 * says, in a struct dev_ops, how it joins a guest and leaves it, which
 * I/O ports and MSRs it answers, and what it adds to the guest's lines.
 *
 * Lifecycle walks the table: guest creation attaches every device in
 * table order (dev_attach_all), teardown detaches the attached ones in
 * reverse (dev_detach_all), so nothing in guest/ names a device to set
 * it up or release it. A device's per-guest state lives in struct guest
 * (declared in the device's own header); the table only holds code.
 *
 * Later: save/restore hooks beside attach/detach. */
#ifndef FALLOW_DEV_DEV_H
#define FALLOW_DEV_DEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct guest;

/* Ports [first, last] that a device answers (every port exits). A
 * request is routed by its first port; `size` is 1, 2 or 4 bytes. */
struct dev_ports {
	uint16_t first, last;
	/* IN: the value read, size bytes of it (the caller merges it into
	 * RAX as the CPU would). */
	uint64_t (*in)(struct guest *g, uint16_t port, unsigned size);
	/* OUT of the low `size` bytes of `value`. */
	void (*out)(struct guest *g, uint16_t port, unsigned size, uint64_t value);
};

/* MSRs [first, last] that a device answers. 0, or a negative ERR_* that
 * the caller turns into #GP. */
struct dev_msrs {
	uint32_t first, last;
	int (*rdmsr)(struct guest *g, uint32_t msr, uint64_t *out);
	int (*wrmsr)(struct guest *g, uint32_t msr, uint64_t value);
};

struct dev_ops {
	const char *name;
	/* Whether this guest gets the device (from its configuration);
	 * NULL: every guest does. */
	bool (*wanted)(const struct guest *g);
	/* Sets the device up for g, whose slot was just zeroed. 0, or a
	 * negative ERR_* with a one-line reason in why[whylen]. NULL: nothing
	 * to do. */
	int (*attach)(struct guest *g, char *why, size_t whylen);
	/* Releases what attach and the guest's life gave the device; what the
	 * summary prints of it stays. NULL: nothing to release. */
	void (*detach)(struct guest *g);
	const struct dev_ports *ports;
	unsigned nports;
	const struct dev_msrs *msrs;
	unsigned nmsrs;
	/* Frames the device holds for the guest, charged to it (pages_owned);
	 * NULL: none. */
	uint64_t (*frames)(const struct guest *g);
	/* Its words of the `started` line (" key=value", no newline); attached
	 * devices only. NULL: none. */
	void (*print_started)(const struct guest *g);
	/* Its counters on the guest's `stats:` and summary lines (" key=value",
	 * no newline): for every guest, attached or not, alive or dead, so the
	 * keys are always there. NULL: none. */
	void (*stats)(const struct guest *g);
};

/* The devices, in attach order. */
extern const struct dev_ops dev_console_ops;
extern const struct dev_ops dev_disk_ops;
extern const struct dev_ops dev_x2apic_ops;

/* Attaches, in table order, every device the guest wants: 0, or the first
 * failure's error and reason. The devices attached before it stay
 * attached: dev_detach_all releases them. */
int dev_attach_all(struct guest *g, char *why, size_t whylen);

/* Detaches the attached devices in reverse table order. */
void dev_detach_all(struct guest *g);

/* The frames the guest's attached devices hold. */
uint64_t dev_frames(const struct guest *g);

/* The attached devices' words of the `started` line, in table order. */
void dev_print_started(const struct guest *g);

/* Every device's counters, in table order. */
void dev_print_stats(const struct guest *g);

/* The range of an attached device that answers `port` / `msr`, or NULL. */
const struct dev_ports *dev_find_port(const struct guest *g, uint16_t port);
const struct dev_msrs *dev_find_msr(const struct guest *g, uint32_t msr);

#endif
