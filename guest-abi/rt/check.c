/* See check.h. */
#include "guest-abi/rt/check.h"
#include "guest-abi/rt/rt.h"
#include "guest-abi/rt/tmem.h" /* rt_errname */

static const char *name = "check";
static unsigned checks, failures;

void rt_check_begin(const char *who)
{
	name = who;
}

void rt_expect(const char *what, int64_t got, int64_t want)
{
	checks++;
	if (got == want)
		return;
	failures++;
	rt_printf("%s: FAIL %s: got %lld (%s), want %lld (%s)\n", name, what, (long long)got,
		  rt_errname(got), (long long)want, rt_errname(want));
}

void rt_expect_true(const char *what, bool ok)
{
	rt_expect(what, ok ? 0 : -1, 0);
}

int rt_check_end(void)
{
	if (failures) {
		rt_printf("%s: %u of %u checks FAILED\n", name, failures, checks);
		return 1;
	}
	rt_printf("%s: all %u checks passed\n", name, checks);
	return 0;
}
