#include "boot/options.h"

#include "lib/cmdline.h"
#include "vmx/sched.h"

/* The command line sits inside the multiboot2 information, which the
 * memory-map parser bounded; this only stops a missing NUL running on. */
#define KERNEL_CMDLINE_MAX 4096

enum { OPT_CONSOLE, OPT_SELFTEST, OPT_SLICE_US, OPT_STATS_INTERVAL, OPT_COUNT };
enum { CONSOLE_COM1, CONSOLE_E9 };
enum { SELFTEST_MM, SELFTEST_FAULT };

static const char *const console_choices[] = {
	[CONSOLE_COM1] = "com1", [CONSOLE_E9] = "e9", NULL
};
static const char *const selftest_choices[] = {
	[SELFTEST_MM] = "mm", [SELFTEST_FAULT] = "fault", NULL
};

static const struct cmdline_opt kernel_opts[OPT_COUNT] = {
	[OPT_CONSOLE] = { "console", CMDLINE_CHOICE, console_choices },
	[OPT_SELFTEST] = { "selftest", CMDLINE_CHOICE_LIST, selftest_choices },
	[OPT_SLICE_US] = { "slice_us", CMDLINE_UINT, NULL, SCHED_SLICE_US_MIN,
			   SCHED_SLICE_US_MAX },
	[OPT_STATS_INTERVAL] = { "stats_interval", CMDLINE_UINT, NULL, 0,
				 STATS_INTERVAL_MAX_S },
};

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
	return 0;
}
