/* hostile: feeds the hypervisor every kind of bad hypercall input and
 * checks each fails with the documented error, then that good calls still
 * work. Guest-physical space is [0, ram_bytes): every address outside it
 * (where the hypervisor or another guest lives in host-physical terms, the
 * local APIC, unmapped space, ranges straddling the end, wrapping ranges)
 * must give -FALLOW_EFAULT, oversized lengths -FALLOW_ERANGE, unknown
 * numbers -FALLOW_ENOSYS. Exits 0 only when every check passed. */
#include "guest-abi/rt/rt.h"

static unsigned checks, failures;

static void expect(const char *what, int64_t got, int64_t want)
{
	checks++;
	if (got == want)
		return;
	failures++;
	rt_printf("hostile: FAIL %s: got %lld, want %lld\n", what,
		  (long long)got, (long long)want);
}

static int64_t call(uint64_t nr, uint64_t a0, uint64_t a1)
{
	return fallow_hypercall3(nr, a0, a1, 0);
}

static void bad_numbers(void)
{
	const uint64_t nrs[] = { FALLOW_HC_COUNT, 0xffff, 1ull << 32,
				 0x8000000000000000ull, ~0ull };

	for (unsigned i = 0; i < sizeof(nrs) / sizeof(nrs[0]); i++)
		expect("unknown hypercall number", call(nrs[i], 0, 0),
		       -FALLOW_ENOSYS);
}

/* Addresses that are not the guest's: each must be refused whatever the
 * call that names it. */
static void bad_addresses(uint64_t ram)
{
	const struct { const char *what; uint64_t addr, len; } cases[] = {
		{ "first byte past RAM", ram, 1 },
		{ "straddling the end of RAM", ram - 8, 16 },
		{ "another guest's RAM (next 16 MiB)", ram + (16ull << 20), 64 },
		{ "hypervisor image (host 1 MiB + RAM)", ram + 0x100000, 64 },
		{ "local APIC page", 0xfee00000ull, 16 },
		{ "4 GiB", 1ull << 32, 16 },
		{ "unmapped 1 TiB", 1ull << 40, 16 },
		{ "kernel-half address", 0xffffffff80000000ull, 16 },
		{ "range wrapping past 2^64", ~0ull - 7, 16 },
	};

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		expect(cases[i].what, call(FALLOW_HC_CONSOLE_WRITE,
					   cases[i].addr, cases[i].len),
		       -FALLOW_EFAULT);
		expect(cases[i].what, call(FALLOW_HC_TIME, cases[i].addr,
					   sizeof(struct fallow_time)),
		       -FALLOW_EFAULT);
		expect(cases[i].what, call(FALLOW_HC_ABI_INFO, cases[i].addr,
					   sizeof(struct fallow_abi_info)),
		       -FALLOW_EFAULT);
	}
}

static void bad_lengths(void)
{
	static char buf[16] = "never printed\n";
	struct fallow_time t;

	expect("console length past the limit",
	       call(FALLOW_HC_CONSOLE_WRITE, (uintptr_t)buf, FALLOW_CONSOLE_MAX + 1),
	       -FALLOW_ERANGE);
	expect("console length 2^63",
	       call(FALLOW_HC_CONSOLE_WRITE, (uintptr_t)buf, 1ull << 63),
	       -FALLOW_ERANGE);
	expect("console length ~0", call(FALLOW_HC_CONSOLE_WRITE, (uintptr_t)buf, ~0ull),
	       -FALLOW_ERANGE);
	expect("time buffer too short",
	       call(FALLOW_HC_TIME, (uintptr_t)&t, sizeof(t) - 1), -FALLOW_EINVAL);
	expect("console length 0", call(FALLOW_HC_CONSOLE_WRITE, (uintptr_t)buf, 0), 0);
}

/* A refused write must not have written a byte: the last bytes of RAM
 * keep their marker after a straddling FALLOW_HC_TIME. */
static void no_partial_write(uint64_t ram)
{
	volatile uint64_t *last = (volatile uint64_t *)(uintptr_t)(ram - 8);

	*last = 0x1122334455667788ull;
	expect("straddling time write", call(FALLOW_HC_TIME, ram - 8,
					     sizeof(struct fallow_time)),
	       -FALLOW_EFAULT);
	expect("no partial write at the end of RAM",
	       *last == 0x1122334455667788ull, 1);
}

static void good_calls_still_work(void)
{
	struct fallow_time t0, t1;
	struct fallow_abi_info info;
	const char msg[] = "hostile: good calls still work\n";

	expect("abi version", hc_abi_version(), FALLOW_ABI_VERSION);
	expect("abi info", hc_abi_info(&info), FALLOW_ABI_VERSION);
	expect("abi info ram", info.ram_bytes == rt_start_info()->ram_bytes, 1);
	expect("time", hc_time(&t0), 0);
	expect("time again", hc_time(&t1), 0);
	expect("tsc moves forward", t1.tsc > t0.tsc, 1);
	expect("console write", hc_console_write(msg, sizeof(msg) - 1),
	       (int64_t)(sizeof(msg) - 1));
	expect("yield", hc_yield(), 0);
}

int guest_main(const struct fallow_start_info *si)
{
	bad_numbers();
	bad_addresses(si->ram_bytes);
	bad_lengths();
	no_partial_write(si->ram_bytes);
	good_calls_still_work();
	if (failures) {
		rt_printf("hostile: %u of %u checks FAILED\n", failures, checks);
		return 1;
	}
	rt_printf("hostile: all %u checks passed\n", checks);
	return 0;
}
