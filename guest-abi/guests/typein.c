/* typein: reads what is typed for it through FALLOW_HC_CONSOLE_READ (the
 * console's `attach typein`) and prints each line back as
 * `typein: got 'LINE' (N bytes, C ctrl-a)`, control bytes shown as '.';
 * the line `quit` ends it. First it checks that hostile reads are refused
 * and that nothing arrives before the keyboard is attached. Exits 0 only
 * when every check passed. */
#include "guest-abi/rt/check.h"
#include "guest-abi/rt/rt.h"

#define LINE_MAX 80
#define CTRL_A 0x01
#define FAR_GPA (1ull << 40) /* far past any guest's RAM */
/* Reads before the keyboard is attached: none of them may get a byte. */
#define UNATTACHED_READS 50

static char buf[FALLOW_CONSOLE_MAX];
static char line[LINE_MAX];

static void hostile_reads(void)
{
	rt_expect("read longer than FALLOW_CONSOLE_MAX",
		  hc_console_read(buf, FALLOW_CONSOLE_MAX + 1), -FALLOW_ERANGE);
	rt_expect("read into a buffer past RAM",
		  fallow_hypercall3(FALLOW_HC_CONSOLE_READ, FAR_GPA, 16, 0), -FALLOW_EFAULT);
	rt_expect("read straddling the end of RAM",
		  fallow_hypercall3(FALLOW_HC_CONSOLE_READ,
				    rt_start_info()->ram_bytes - 8, 16, 0),
		  -FALLOW_EFAULT);
	rt_expect("zero-length read", hc_console_read(buf, 0), 0);
	int64_t got = 0;

	for (unsigned i = 0; i < UNATTACHED_READS; i++) {
		got |= hc_console_read(buf, sizeof(buf));
		hc_yield();
	}
	rt_expect("nothing typed before attach", got, 0);
}

static bool show(const char *s, unsigned n)
{
	char shown[LINE_MAX + 1];
	unsigned ctrl = 0;

	for (unsigned i = 0; i < n; i++) {
		ctrl += s[i] == CTRL_A;
		shown[i] = (s[i] >= ' ' && s[i] < 0x7f) ? s[i] : '.';
	}
	shown[n] = '\0';
	rt_printf("typein: got '%s' (%u bytes, %u ctrl-a)\n", shown, n, ctrl);
	return n == 4 && !memcmp(s, "quit", 4);
}

int guest_main(const struct fallow_start_info *si)
{
	unsigned len = 0;
	bool quit = false;

	(void)si;
	rt_check_begin("typein");
	hostile_reads();
	rt_printf("typein: ready\n");
	while (!quit) {
		int64_t n = hc_console_read(buf, sizeof(buf));

		if (n < 0) {
			rt_expect("read while waiting", n, 0);
			break;
		}
		if (!n)
			hc_yield();
		for (int64_t i = 0; i < n && !quit; i++) {
			char c = buf[i];

			if (c == '\r' || c == '\n') {
				quit = show(line, len);
				len = 0;
			} else if (len < LINE_MAX) {
				line[len++] = c;
			}
		}
	}
	return rt_check_end();
}
