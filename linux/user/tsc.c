/* fallow-tsc LABEL: prints "FALLOW-TSC: LABEL N", N the TSC now. /init
 * runs it first thing and last thing before power-off, so `make
 * bench-linux` reads the same clock bare and under Fallow: Bochs's TSC
 * counts emulated time from power-on, and Fallow gives its guests the
 * host's TSC (no offset, vmx/vmcs_setup.c). Static, without libc, built
 * by linux/mkinitramfs.sh like fallow-vmcall. */
#define SYS_WRITE 1 /* x86_64 Linux */
#define SYS_EXIT 60
#define STDOUT 1
#define LINE_MAX_BYTES 128
#define PREFIX "FALLOW-TSC: "

__attribute__((noreturn)) void tsc_main(long *sp);

/* The kernel enters with argc at (%rsp) and argv after it. */
__asm__(".globl _start\n"
	"_start:\n"
	"\tmov %rsp, %rdi\n"
	"\tand $-16, %rsp\n"
	"\tcall tsc_main\n"
	"\tud2\n");

static unsigned long long rdtsc_now(void)
{
	unsigned lo, hi;

	/* lfence: the reading is not taken before the work ahead of it */
	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi)::"memory");
	return ((unsigned long long)hi << 32) | lo;
}

static long sys3(long nr, long a, long b, long c)
{
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a), "S"(b), "d"(c)
			 : "rcx", "r11", "memory");
	return ret;
}

void tsc_main(long *sp)
{
	unsigned long long t = rdtsc_now();
	const char *label = sp[0] > 1 ? (const char *)sp[2] : "now";
	char line[LINE_MAX_BYTES], digits[24];
	unsigned n = 0, d = 0;

	for (const char *p = PREFIX; *p; p++)
		line[n++] = *p;
	for (; *label && n < LINE_MAX_BYTES - sizeof(digits) - 2; label++)
		line[n++] = *label;
	line[n++] = ' ';
	do {
		digits[d++] = (char)('0' + t % 10);
		t /= 10;
	} while (t);
	while (d)
		line[n++] = digits[--d];
	line[n++] = '\n';
	sys3(SYS_WRITE, STDOUT, (long)line, (long)n);
	sys3(SYS_EXIT, 0, 0, 0);
	__builtin_unreachable();
}
