/* The Linux kind (kind=linux): guest/load/'s bzImage loader written over
 * the guest's RAM through gmem, the initrd taken from the image module
 * that initrd=NAME names, the command line from the module line's
 * pass-through words. Its refusals keep the loader's message, which
 * names the problem; the error code becomes the closest ERR_*. */
#include "guest/loader.h"
#include "guest/load/load.h"
#include "lib/err.h"
#include "lib/fmt.h"
#include "mm/phys.h"
#include "dev/disk/disk.h"

/* The 64-bit entry sets up its own stack before it uses one. */
#define LINUX_ENTRY_RSP 0
/* Linux handles its own exceptions from the first instruction on (the
 * decompressor maps memory on demand from its #PF handler): none exit. */
#define LINUX_EXCEPTIONS_NONE 0u

static int input(const struct guest_config *cfg, const struct boot_module *mod,
		 struct load_linux_input *in, char *why, size_t whylen)
{
	const struct disk_image *rd = NULL;
	size_t len = 0;

	if (cfg->initrd[0] && !(rd = disk_image_find(cfg->initrd))) {
		fmt_snprintf(why, whylen, "initrd=%s: no image module of that name", cfg->initrd);
		return -ERR_NOENT;
	}
	while (cfg->cmdline[len])
		len++;
	*in = (struct load_linux_input){
		.kernel = phys_to_virt(mod->start), .kernel_size = mod->end - mod->start,
		.initrd = rd ? rd->data : NULL, .initrd_size = rd ? rd->bytes : 0,
		.cmdline = cfg->cmdline, .cmdline_len = len,
	};
	return 0;
}

static int err_of(int load_err)
{
	switch (-load_err) {
	case 0:
		return 0;
	case LOAD_ERR_MEM:
	case LOAD_ERR_KERNEL_FIT:
	case LOAD_ERR_INITRD_FIT:
	case LOAD_ERR_CMDLINE_LONG:
		return -ERR_RANGE;
	case LOAD_ERR_WRITE:
		return -ERR_FAULT;
	default: /* what the image itself says is wrong */
		return -ERR_CORRUPT;
	}
}

static int check_linux(const struct guest_config *cfg, const struct boot_module *mod,
		       char *why, size_t whylen)
{
	struct load_linux_input in;
	struct load_plan plan;
	int err = input(cfg, mod, &in, why, whylen);

	return err ? err : err_of(load_linux_plan(cfg->mem, &in, &plan, why, whylen));
}

static int load_linux_guest(struct guest *g, const struct boot_module *mod,
			    struct guest_entry *e, char *why, size_t whylen)
{
	struct load_target t = loader_target(g);
	struct load_linux_input in;
	struct load_plan plan;
	int err = input(&g->cfg, mod, &in, why, whylen);

	if (err || (err = err_of(load_linux(&t, &in, &plan, why, whylen))))
		return err;
	*e = (struct guest_entry){
		.rip = plan.entry, .rsp = LINUX_ENTRY_RSP, .rsi = plan.boot_params,
		.cr3 = plan.cr3, .gdt_base = plan.gdt_base, .gdt_limit = plan.gdt_limit,
		.cs = plan.cs, .ds = plan.ds, .exception_bitmap = LINUX_EXCEPTIONS_NONE,
	};
	return 0;
}

const struct guest_loader loader_linux = { "linux", check_linux, load_linux_guest };
