#include "boot/options.h"

#include "lib/cmdline.h"
#include "dev/disk/model.h"
#include "sched/sched.h"

/* The command line sits inside the multiboot2 information, which the
 * memory-map parser bounded; this only stops a missing NUL running on. */
#define KERNEL_CMDLINE_MAX 4096

enum {
	OPT_CONSOLE, OPT_SELFTEST, OPT_SLICE_US, OPT_STATS_INTERVAL,
	OPT_DISK_SEEK_US, OPT_DISK_SECTOR_NS, OPT_DISK_QUEUE, OPT_DISK_WAIT,
	OPT_DISK_STORE, OPT_COUNT
};
enum { CONSOLE_COM1, CONSOLE_E9 };
enum { SELFTEST_MM, SELFTEST_FAULT };
enum { QUEUE_SHARED, QUEUE_PRIVATE };
enum { WAIT_SKIP, WAIT_SPIN };

static const char *const console_choices[] = {
	[CONSOLE_COM1] = "com1", [CONSOLE_E9] = "e9", NULL
};
static const char *const selftest_choices[] = {
	[SELFTEST_MM] = "mm", [SELFTEST_FAULT] = "fault", NULL
};

static const char *const queue_choices[] = {
	[QUEUE_SHARED] = "shared", [QUEUE_PRIVATE] = "private", NULL
};
static const char *const wait_choices[] = {
	[WAIT_SKIP] = "skip", [WAIT_SPIN] = "spin", NULL
};

static const struct cmdline_opt kernel_opts[OPT_COUNT] = {
	[OPT_CONSOLE] = { "console", CMDLINE_CHOICE, console_choices },
	[OPT_SELFTEST] = { "selftest", CMDLINE_CHOICE_LIST, selftest_choices },
	[OPT_SLICE_US] = { "slice_us", CMDLINE_UINT, NULL, SCHED_SLICE_US_MIN,
			   SCHED_SLICE_US_MAX },
	[OPT_STATS_INTERVAL] = { "stats_interval", CMDLINE_UINT, NULL, 0,
				 STATS_INTERVAL_MAX_S },
	[OPT_DISK_SEEK_US] = { "disk_seek_us", CMDLINE_UINT, NULL, 0, DISK_SEEK_US_MAX },
	[OPT_DISK_SECTOR_NS] = { "disk_sector_ns", CMDLINE_UINT, NULL, 0,
				 DISK_SECTOR_NS_MAX },
	[OPT_DISK_QUEUE] = { "disk_queue", CMDLINE_CHOICE, queue_choices },
	[OPT_DISK_WAIT] = { "disk_wait", CMDLINE_CHOICE, wait_choices },
	[OPT_DISK_STORE] = { "disk_store", CMDLINE_SIZE, NULL, 0, 0 },
};

static struct disk_model_params disk_model(const struct cmdline_val *v)
{
	return (struct disk_model_params){
		.seek_us = v[OPT_DISK_SEEK_US].present ? v[OPT_DISK_SEEK_US].size
						       : DISK_SEEK_US_DEFAULT,
		.sector_ns = v[OPT_DISK_SECTOR_NS].present ? v[OPT_DISK_SECTOR_NS].size
							   : DISK_SECTOR_NS_DEFAULT,
		.private_queue = v[OPT_DISK_QUEUE].present &&
				 v[OPT_DISK_QUEUE].choice == QUEUE_PRIVATE,
		.spin = v[OPT_DISK_WAIT].present && v[OPT_DISK_WAIT].choice == WAIT_SPIN,
	};
}

int options_parse(const char *line, struct kernel_options *o, char *err, size_t errlen)
{
	struct cmdline_val v[OPT_COUNT];
	int rc = cmdline_parse(line, KERNEL_CMDLINE_MAX, kernel_opts, OPT_COUNT, v,
			       err, errlen);

	*o = (struct kernel_options){ 0 };
	if (rc)
		return rc;
	o->console_e9 = v[OPT_CONSOLE].present && v[OPT_CONSOLE].choice == CONSOLE_E9;
	o->selftest_mm = v[OPT_SELFTEST].mask & (1u << SELFTEST_MM);
	o->selftest_fault = v[OPT_SELFTEST].mask & (1u << SELFTEST_FAULT);
	o->slice_us = v[OPT_SLICE_US].present ? v[OPT_SLICE_US].size : SCHED_SLICE_US_DEFAULT;
	o->stats_interval_s = v[OPT_STATS_INTERVAL].size; /* 0 when absent: off */
	o->disk = disk_model(v);
	o->disk_store_bytes = v[OPT_DISK_STORE].size; /* 0 when absent: none */
	return 0;
}
