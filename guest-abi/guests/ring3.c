/* ring3: makes every hypercall from CPL 3 and checks each is refused the
 * way ABI.md says: #UD at the VMCALL, RAX untouched, no effect. The calls
 * carry arguments that would do harm if accepted (console output, a page
 * of this guest's RAM released, an exit with status 101, buffers that
 * would be overwritten, a tmem pool, a posted figure); afterwards the
 * page still holds its data and the buffers their fill. Then the same
 * guest, back in ring 0, still gets its calls served. The hypervisor
 * counts the refusals: the scenario reads hc_refused_user= in the
 * summary. Exits 0 only when every check passed. */
#include "guest-abi/rt/check.h"
#include "guest-abi/rt/rt.h"
#include "guest-abi/rt/trap.h"
#include "lib/fmt.h"

#define VMCALL_LEN 3u /* 0f 01 c1 */
#define VECTOR_UD 6u
#define FILL 0xa5u
#define WORDS_PER_PAGE (FALLOW_PAGE_SIZE / sizeof(uint64_t))
#define PAGE_MARK 0x72696e6733ull /* "ring3" */
#define EXTRA_NUMBERS 2u           /* past the table: refused the same way */

struct user_call {
	uint64_t nr, a[6];
	int64_t ret;
	uint64_t traps, vector, cs;
};

static const char leak[] = "ring3: LEAKED from CPL 3\n";
static struct fallow_abi_info info_buf;
static struct fallow_time time_buf;
static struct fallow_mem_figures figures = { .actual = 1, .minimum = 1 };
static uint64_t gfn_list[1];
static uint64_t *victim;
static struct user_call calls[FALLOW_HC_COUNT + EXTRA_NUMBERS];

static int64_t vmcall6(const uint64_t nr, const uint64_t *a)
{
	register uint64_t r10 __asm__("r10") = a[3];
	register uint64_t r8 __asm__("r8") = a[4];
	register uint64_t r9 __asm__("r9") = a[5];
	int64_t ret;

	__asm__ volatile("vmcall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a[0]), "S"(a[1]), "d"(a[2]), "r"(r10), "r"(r8), "r"(r9)
			 : "memory");
	return ret;
}

/* At CPL 3: no printing here, every hypercall is refused. */
static void user_body(void *arg)
{
	struct user_call *c = arg;

	for (unsigned i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		uint64_t before = rt_trap_count;

		rt_trap_last.vector = ~0ull;
		rt_trap_skip = VMCALL_LEN;
		c[i].ret = vmcall6(c[i].nr, c[i].a);
		rt_trap_skip = 0;
		c[i].traps = rt_trap_count - before;
		c[i].vector = rt_trap_last.vector;
		c[i].cs = rt_trap_last.cs;
	}
}

static uint64_t ptr(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

/* Each call with arguments it would act on from ring 0. */
static void plan_calls(void)
{
	for (unsigned i = 0; i < sizeof(calls) / sizeof(calls[0]); i++)
		calls[i] = (struct user_call){ .nr = i };
	calls[FALLOW_HC_COUNT].nr = FALLOW_HC_COUNT;
	calls[FALLOW_HC_COUNT + 1].nr = ~0ull;
	calls[FALLOW_HC_ABI_INFO].a[0] = ptr(&info_buf);
	calls[FALLOW_HC_ABI_INFO].a[1] = sizeof(info_buf);
	calls[FALLOW_HC_CONSOLE_WRITE].a[0] = ptr(leak);
	calls[FALLOW_HC_CONSOLE_WRITE].a[1] = sizeof(leak) - 1;
	calls[FALLOW_HC_EXIT].a[0] = 101;
	calls[FALLOW_HC_TIME].a[0] = ptr(&time_buf);
	calls[FALLOW_HC_TIME].a[1] = sizeof(time_buf);
	calls[FALLOW_HC_TMEM_NEW_POOL].a[0] = FALLOW_TMEM_PERSISTENT;
	calls[FALLOW_HC_TMEM_PUT].a[5] = ptr(victim);
	calls[FALLOW_HC_TMEM_GET].a[5] = ptr(victim);
	calls[FALLOW_HC_BALLOON_RELEASE].a[0] = ptr(gfn_list);
	calls[FALLOW_HC_BALLOON_RELEASE].a[1] = 1;
	calls[FALLOW_HC_MEM_POST].a[0] = ptr(&figures);
	calls[FALLOW_HC_MEM_POST].a[1] = sizeof(figures);
	calls[FALLOW_HC_DISK_READ].a[1] = 1;
	calls[FALLOW_HC_DISK_READ].a[2] = ptr(victim);
}

static bool filled(const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i] != FILL)
			return false;
	return true;
}

static bool victim_intact(void)
{
	for (unsigned w = 0; w < WORDS_PER_PAGE; w++)
		if (victim[w] != (PAGE_MARK ^ w))
			return false;
	return true;
}

static void check_calls(void)
{
	char what[96];

	for (unsigned i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		const struct user_call *c = &calls[i];

		fmt_snprintf(what, sizeof(what), "hypercall %lld from CPL 3: one trap",
			     (long long)c->nr);
		rt_expect(what, (int64_t)c->traps, 1);
		fmt_snprintf(what, sizeof(what), "hypercall %lld from CPL 3: #UD",
			     (long long)c->nr);
		rt_expect(what, (int64_t)c->vector, VECTOR_UD);
		fmt_snprintf(what, sizeof(what), "hypercall %lld from CPL 3: trapped at CPL 3",
			     (long long)c->nr);
		rt_expect(what, (int64_t)(c->cs & 3), 3);
		fmt_snprintf(what, sizeof(what), "hypercall %lld from CPL 3: RAX untouched",
			     (long long)c->nr);
		rt_expect(what, c->ret, (int64_t)c->nr);
	}
}

int guest_main(const struct fallow_start_info *si)
{
	(void)si;
	rt_check_begin("ring3");
	victim = page_alloc();
	if (!victim) {
		rt_printf("ring3: FAIL no page\n");
		return 1;
	}
	for (unsigned w = 0; w < WORDS_PER_PAGE; w++)
		victim[w] = PAGE_MARK ^ w;
	gfn_list[0] = ptr(victim) / FALLOW_PAGE_SIZE;
	memset(&info_buf, FILL, sizeof(info_buf));
	memset(&time_buf, FILL, sizeof(time_buf));
	plan_calls();
	rt_trap_init();
	rt_trap_user_pages();
	rt_user_run(user_body, calls);
	check_calls();
	rt_expect_true("abi-info buffer untouched", filled(&info_buf, sizeof(info_buf)));
	rt_expect_true("time buffer untouched", filled(&time_buf, sizeof(time_buf)));
	rt_expect_true("the page balloon-release named is still there, intact",
		       victim_intact());
	rt_printf("ring3: %u calls made from CPL 3\n", (unsigned)(sizeof(calls) / sizeof(calls[0])));
	/* Ring 0 again: served as ever. */
	rt_expect("abi-version from CPL 0", hc_abi_version(), FALLOW_ABI_VERSION);
	rt_expect("abi-info from CPL 0", hc_abi_info(&info_buf), FALLOW_ABI_VERSION);
	rt_expect("abi-info filled from CPL 0", info_buf.hypercall_count, FALLOW_HC_COUNT);
	return rt_check_end();
}
