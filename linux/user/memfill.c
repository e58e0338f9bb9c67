/* fallow-memfill MIB [PASSES [KEEP WAITFILE]]: a Linux user process that
 * takes MIB MiB of anonymous memory, writes a pattern (a function of the
 * page's number and the word's place in it) into every word, then reads
 * all of it back PASSES times (default 2). With more MiB than RAM, Linux
 * swaps pages out and back in (through frontswap first, under Fallow).
 * Prints one line: "memfill: MIB MiB, PAGES pages, PASSES passes, BAD bad
 * pages" and exits 0 when no page was wrong, 1 otherwise (2: bad
 * arguments or no memory).
 * With KEEP and WAITFILE (linux-frontswap-shrink), after writing it
 * unmaps all but the first KEEP MiB (the first written, so the first
 * swapped out), prints "memfill: holding KEEP MiB of MIB", waits until
 * WAITFILE exists (polling every 100 ms) and then checks the KEEP MiB
 * it held; the last line counts those.
 * Built static, without libc, by linux/mkinitramfs.sh. */
#define SYS_WRITE 1
#define SYS_MMAP 9
#define SYS_MUNMAP 11
#define SYS_ACCESS 21
#define SYS_NANOSLEEP 35
#define SYS_EXIT 60
#define PROT_RW 3        /* PROT_READ | PROT_WRITE */
#define MAP_PRIVATE_ANON 0x22
#define PAGE_WORDS 512   /* 4 KiB of 8-byte words */
#define MIB_PAGES 256
#define DEFAULT_PASSES 2
#define GOLDEN 0x9E3779B97F4A7C15ul
#define F_OK 0
#define POLL_NS 100000000l /* WAITFILE's poll: 100 ms */

typedef unsigned long u64;

static long sys3(long nr, long a, long b, long c)
{
	long r;
	__asm__ volatile("syscall" : "=a"(r) : "a"(nr), "D"(a), "S"(b), "d"(c)
			 : "rcx", "r11", "memory");
	return r;
}

static long sys6(long nr, long a, long b, long c, long d, long e, long f)
{
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	long r;
	__asm__ volatile("syscall" : "=a"(r)
			 : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return r;
}

static u64 word(u64 page, u64 i)
{
	u64 z = (page * PAGE_WORDS + i) * GOLDEN;
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ul;
	return z ^ (z >> 31);
}

static u64 number(const char *s)
{
	u64 n = 0;
	while (s && *s >= '0' && *s <= '9')
		n = n * 10 + (u64)(*s++ - '0');
	return n;
}

static char *put(char *p, const char *s)
{
	while (*s)
		*p++ = *s++;
	return p;
}

static char *put_number(char *p, u64 n)
{
	char digits[24];
	int k = 0;
	do
		digits[k++] = (char)('0' + n % 10);
	while ((n /= 10) != 0);
	while (k)
		*p++ = digits[--k];
	return p;
}

__attribute__((noreturn, used)) void memfill_main(long *sp);
__asm__(".globl _start\n_start:\n\tmov %rsp, %rdi\n\tand $-16, %rsp\n\tcall memfill_main\n\tud2\n");

void memfill_main(long *sp)
{
	char **argv = (char **)(sp + 1);
	u64 mib = sp[0] > 1 ? number(argv[1]) : 0;
	u64 passes = sp[0] > 2 ? number(argv[2]) : DEFAULT_PASSES;
	u64 keep = sp[0] > 4 ? number(argv[3]) : mib;
	const char *waitfile = sp[0] > 4 ? argv[4] : 0;
	u64 pages = mib * MIB_PAGES, bad = 0, p, i, pass;
	u64 *mem;
	char line[128], *e;
	long pause[2] = { 0, POLL_NS };

	if (!pages)
		sys3(SYS_EXIT, 2, 0, 0);
	mem = (u64 *)sys6(SYS_MMAP, 0, (long)(pages * PAGE_WORDS * 8), PROT_RW,
			  MAP_PRIVATE_ANON, -1, 0);
	if ((long)mem < 0)
		sys3(SYS_EXIT, 2, 0, 0);
	for (p = 0; p < pages; p++)
		for (i = 0; i < PAGE_WORDS; i++)
			mem[p * PAGE_WORDS + i] = word(p, i);
	if (waitfile) {
		if (!keep || keep > mib)
			sys3(SYS_EXIT, 2, 0, 0);
		if (keep < mib)
			sys3(SYS_MUNMAP, (long)(mem + keep * MIB_PAGES * PAGE_WORDS),
			     (long)((mib - keep) * MIB_PAGES * PAGE_WORDS * 8), 0);
		e = put(line, "memfill: holding ");
		e = put_number(e, keep);
		e = put(e, " MiB of ");
		e = put_number(e, mib);
		e = put(e, "\n");
		sys3(SYS_WRITE, 1, (long)line, e - line);
		while (sys3(SYS_ACCESS, (long)waitfile, F_OK, 0) != 0)
			sys3(SYS_NANOSLEEP, (long)pause, 0, 0);
		mib = keep;
		pages = keep * MIB_PAGES;
	}
	for (pass = 0; pass < passes; pass++)
		for (p = 0; p < pages; p++)
			for (i = 0; i < PAGE_WORDS; i++)
				if (mem[p * PAGE_WORDS + i] != word(p, i)) {
					bad++;
					break;
				}
	e = put(line, "memfill: ");
	e = put_number(e, mib);
	e = put(e, " MiB, ");
	e = put_number(e, pages);
	e = put(e, " pages, ");
	e = put_number(e, passes);
	e = put(e, " passes, ");
	e = put_number(e, bad);
	e = put(e, " bad pages\n");
	sys3(SYS_WRITE, 1, (long)line, e - line);
	sys3(SYS_EXIT, bad ? 1 : 0, 0, 0);
	__builtin_unreachable();
}
