/* C entry: check the start-info page before trusting anything in it. */
#include "guest-abi/rt/rt.h"
#include "guest-abi/rt/pages.h"

static const struct fallow_start_info *start_info;

void rt_start(const struct fallow_start_info *si);

const struct fallow_start_info *rt_start_info(void)
{
	return start_info;
}

static const char *start_info_problem(const struct fallow_start_info *si)
{
	if ((uintptr_t)si != FALLOW_START_INFO_GPA)
		return "start-info pointer is not FALLOW_START_INFO_GPA";
	if (si->magic != FALLOW_START_MAGIC)
		return "bad start-info magic";
	if (si->abi_version != FALLOW_ABI_VERSION)
		return "ABI version differs from the one this guest was built for";
	if (si->size < sizeof(*si))
		return "start-info is shorter than this guest expects";
	if (si->free_start > si->ram_bytes || si->free_start % FALLOW_PAGE_SIZE)
		return "start-info free_start is outside RAM";
	return 0;
}

void rt_start(const struct fallow_start_info *si)
{
	const char *why = start_info_problem(si);

	if (why) {
		hc_console_write(why, strlen(why));
		hc_exit(-1);
	}
	start_info = si;
	pages_init(si->free_start, si->ram_bytes);
	hc_exit(guest_main(si));
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* Finds `key` as a whole word or the key of key=value; returns the char
 * after the key, or NULL. */
static const char *cmdline_find(const char *key)
{
	const char *p = start_info->cmdline;
	size_t n = strlen(key);

	while (*p) {
		while (is_space(*p))
			p++;
		if (!strncmp(p, key, n) && (p[n] == '\0' || p[n] == '=' ||
					    is_space(p[n])))
			return p + n;
		while (*p && !is_space(*p))
			p++;
	}
	return 0;
}

bool rt_cmdline_has(const char *word)
{
	return cmdline_find(word) != 0;
}

uint64_t rt_cmdline_u64(const char *key, uint64_t def)
{
	const char *p = cmdline_find(key);
	uint64_t v = 0;
	unsigned base = 10;

	if (!p || *p != '=')
		return def;
	p++;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	for (; *p && !is_space(*p); p++) {
		unsigned d;

		if (*p >= '0' && *p <= '9')
			d = (unsigned)(*p - '0');
		else if (base == 16 && *p >= 'a' && *p <= 'f')
			d = (unsigned)(*p - 'a' + 10);
		else if (base == 16 && *p >= 'A' && *p <= 'F')
			d = (unsigned)(*p - 'A' + 10);
		else
			return def;
		v = v * base + d;
	}
	return v;
}
