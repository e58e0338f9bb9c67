/* The command table, the splitting of a line into words and the argument
 * parsers handlers share (the same size and number syntax as the
 * command lines, through lib/cmdline). */
#include "ctl/ctl.h"
#include <stdarg.h>
#include "lib/cmdline.h"
#include "lib/err.h"
#include "lib/fmt.h"
#include "vmx/hv.h"
#include "guest/tmem_client.h"

#define QUOTE_MAX 40 /* characters of a bad word an error repeats */

static void cmd_help(const struct ctl_args *a);

static const struct ctl_cmd table[] = {
	{ "help", "help", "list the commands", cmd_help },
	{ "stats", "stats", "print the stats: lines now", ctl_cmd_stats },
	{ "guests", "guests", "list the guests and their settings", ctl_cmd_guests },
	{ "target", "target NAME SIZE", "set a guest's memory target (0: none)", ctl_cmd_target },
	{ "weight", "weight NAME N", "set a guest's tmem weight (1-1000)", ctl_cmd_weight },
	{ "cap", "cap NAME SIZE", "cap a guest's tmem pages (0: no cap)", ctl_cmd_cap },
	{ "freeze", "freeze NAME", "make a guest's tmem puts fail", ctl_cmd_freeze },
	{ "thaw", "thaw NAME", "let a frozen guest put again", ctl_cmd_thaw },
	{ "start", "start NAME", "start a waiting guest now", ctl_cmd_start },
	{ "kill", "kill NAME", "kill a guest", ctl_cmd_kill },
	{ "pools", "pools NAME", "list a guest's tmem pools", ctl_cmd_pools },
	{ "attach", "attach NAME", "type into a guest's console (Ctrl-A d: back)", ctl_cmd_attach },
};

#define NCOMMANDS (sizeof(table) / sizeof(table[0]))

static void cmd_help(const struct ctl_args *a)
{
	(void)a;
	for (unsigned i = 0; i < NCOMMANDS; i++)
		kprintf("ctl: help: %-18s %s\n", table[i].usage, table[i].help);
}

/* Words in a usage string: the name and one per argument. */
static unsigned usage_words(const char *usage)
{
	unsigned n = 0;

	for (const char *p = usage; *p; p++)
		if (*p != ' ' && (p == usage || p[-1] == ' '))
			n++;
	return n;
}

void ctl_error(const char *fmt, ...)
{
	va_list ap;

	kprintf("ctl: ");
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kprintf("\n");
}

static int quote_len(const struct ctl_word *w)
{
	return (int)(w->len < QUOTE_MAX ? w->len : QUOTE_MAX);
}

/* Splits into words. Returns false on too many words. */
static bool split(const char *line, size_t len, struct ctl_args *a)
{
	struct cmdline_iter it;
	struct ctl_word w;

	a->n = 0;
	cmdline_iter_init(&it, line, len);
	while (cmdline_next_raw(&it, &w.s, &w.len)) {
		if (a->n == CTL_WORDS_MAX)
			return false;
		a->w[a->n++] = w;
	}
	return true;
}

static const struct ctl_cmd *find(const struct ctl_word *w)
{
	for (unsigned i = 0; i < NCOMMANDS; i++)
		if (strlen(table[i].name) == w->len &&
		    !strncmp(table[i].name, w->s, w->len))
			return &table[i];
	return 0;
}

void ctl_exec(const char *line, size_t len)
{
	struct ctl_args a;
	bool fits = split(line, len, &a);

	if (!a.n)
		return;
	const struct ctl_cmd *c = find(&a.w[0]);

	if (!c) {
		ctl_error("unknown command '%.*s' (try help)", quote_len(&a.w[0]), a.w[0].s);
		return;
	}
	if (!fits || a.n != usage_words(c->usage)) {
		ctl_error("usage: %s", c->usage);
		return;
	}
	c->run(&a);
}

struct guest *ctl_guest(const struct ctl_word *w)
{
	struct guest *g = guest_by_name(w->s, w->len);

	if (!g)
		ctl_error("no guest named '%.*s'", quote_len(w), w->s);
	return g;
}

bool ctl_size(const struct ctl_word *w, uint64_t *bytes)
{
	if (!cmdline_parse_size(w->s, w->len, bytes))
		return true;
	ctl_error("bad size '%.*s' (a number with optional K, M or G)", quote_len(w), w->s);
	return false;
}

bool ctl_uint(const struct ctl_word *w, uint64_t min, uint64_t max,
	      const char *what, uint64_t *out)
{
	if (!cmdline_parse_uint(w->s, w->len, min, max, out))
		return true;
	ctl_error("bad %s '%.*s' (a whole number from %llu to %llu)", what, quote_len(w),
		  w->s, (unsigned long long)min, (unsigned long long)max);
	return false;
}
