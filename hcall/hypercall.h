/* Hypercall handlers that live outside hcall/hypercall.c, one file per area
 * (hcall/balloon.c: ballooning and memory targets; hcall/tmem.c; hcall/disk.c). The table in
 * hypercall.c names them; each takes the calling guest, the six argument
 * registers (RDI RSI RDX R10 R8 R9, all hostile) and may set *next (yield,
 * gone); it returns the value for RAX: >= 0 or a negative ERR_*. */
#ifndef FALLOW_HCALL_HYPERCALL_H
#define FALLOW_HCALL_HYPERCALL_H

#include <stdint.h>
#include "guest/guest.h"
#include "vmx/exit.h"

#define HC_ARGS 6

/* A VMCALL exit: the CPL check, then the table in hypercall.c. */
enum exit_action exit_vmcall(struct guest *g, const struct exit_info *e);

typedef int64_t (*hc_fn)(struct guest *g, const uint64_t *arg,
			 enum exit_action *next);

int64_t hc_balloon_release(struct guest *g, const uint64_t *arg, enum exit_action *next);
int64_t hc_balloon_populate(struct guest *g, const uint64_t *arg, enum exit_action *next);
int64_t hc_mem_target(struct guest *g, const uint64_t *arg, enum exit_action *next);
int64_t hc_mem_post(struct guest *g, const uint64_t *arg, enum exit_action *next);
/* hcall/tmem.c: transcendent memory */
int64_t hc_tmem_new_pool(struct guest *g, const uint64_t *arg, enum exit_action *next);
int64_t hc_tmem_destroy_pool(struct guest *g, const uint64_t *arg, enum exit_action *next);
int64_t hc_tmem_put(struct guest *g, const uint64_t *arg, enum exit_action *next);
int64_t hc_tmem_get(struct guest *g, const uint64_t *arg, enum exit_action *next);
int64_t hc_tmem_flush_page(struct guest *g, const uint64_t *arg, enum exit_action *next);
int64_t hc_tmem_flush_object(struct guest *g, const uint64_t *arg, enum exit_action *next);
/* hcall/disk.c: the paravirtual disk */
int64_t hc_console_read(struct guest *g, const uint64_t *arg, enum exit_action *next);
int64_t hc_disk_info(struct guest *g, const uint64_t *arg, enum exit_action *next);
int64_t hc_disk_read(struct guest *g, const uint64_t *arg, enum exit_action *next);
int64_t hc_disk_write(struct guest *g, const uint64_t *arg, enum exit_action *next);

#endif
