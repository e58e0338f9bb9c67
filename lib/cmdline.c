#include "lib/cmdline.h"

#include "lib/err.h"
#include "lib/fmt.h"

/* How much of an offending word an error message quotes. */
#define QUOTE_MAX 40

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool is_key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
	       c == '-' || c == '.';
}

/* Printable ASCII other than space and '='. */
static bool is_value_char(char c)
{
	return c > ' ' && c < 0x7f && c != '=';
}

void cmdline_iter_init(struct cmdline_iter *it, const char *line, size_t limit)
{
	size_t n = 0;

	while (line && n < limit && line[n])
		n++;
	it->p = line;
	it->end = line ? line + n : line;
}

/* Splits w->word at its first '=' and checks the characters of each side. */
static int split_word(struct cmdline_word *w)
{
	size_t i = 0;

	while (i < w->word_len && w->word[i] != '=')
		i++;
	w->key = w->word;
	w->key_len = i;
	w->value = i < w->word_len ? w->word + i + 1 : NULL;
	w->value_len = w->value ? w->word_len - i - 1 : 0;
	if (w->key_len == 0)
		return -ERR_INVAL;
	for (size_t k = 0; k < w->key_len; k++)
		if (!is_key_char(w->key[k]))
			return -ERR_INVAL;
	for (size_t k = 0; k < w->value_len; k++)
		if (!is_value_char(w->value[k]))
			return -ERR_INVAL;
	return 0;
}

int cmdline_next_raw(struct cmdline_iter *it, const char **word, size_t *len)
{
	while (it->p < it->end && is_space(*it->p))
		it->p++;
	if (it->p >= it->end)
		return 0;
	*word = it->p;
	while (it->p < it->end && !is_space(*it->p))
		it->p++;
	*len = (size_t)(it->p - *word);
	return 1;
}

int cmdline_next(struct cmdline_iter *it, struct cmdline_word *w)
{
	*w = (struct cmdline_word){ 0 };
	if (!cmdline_next_raw(it, &w->word, &w->word_len))
		return 0;
	if (w->word_len > CMDLINE_MAX_WORD)
		return -ERR_RANGE;
	int rc = split_word(w);

	return rc ? rc : 1;
}

/* A printable, bounded copy of s for quoting in a message. */
static void quote(char *dst, size_t dstlen, const char *s, size_t len)
{
	size_t n = len < QUOTE_MAX ? len : QUOTE_MAX;
	size_t i;

	for (i = 0; i < n && i + 1 < dstlen; i++)
		dst[i] = (s[i] >= ' ' && s[i] < 0x7f) ? s[i] : '?';
	if (len > n && i + 4 <= dstlen) /* three dots and the NUL */
		for (int k = 0; k < 3; k++)
			dst[i++] = '.';
	dst[i] = '\0';
}

static int fail(char *err, size_t errlen, int code, const char *what,
		const struct cmdline_word *w, const char *detail)
{
	char q[QUOTE_MAX + 4];

	quote(q, sizeof(q), w->word, w->word_len);
	fmt_snprintf(err, errlen, "%s '%s'%s", what, q, detail);
	return code;
}

static bool span_eq(const char *s, size_t len, const char *z)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (z[i] != s[i])
			return false;
	return z[i] == '\0';
}

static int find_choice(const char *const *choices, const char *s, size_t len)
{
	for (int i = 0; choices[i] && i < CMDLINE_MAX_CHOICES; i++)
		if (span_eq(s, len, choices[i]))
			return i;
	return -1;
}

/* "a, b, c" for the error message. */
static void list_choices(char *dst, size_t dstlen, const char *const *choices)
{
	size_t used = 0;

	dst[0] = '\0';
	for (int i = 0; choices[i] && i < CMDLINE_MAX_CHOICES && used < dstlen; i++)
		used += fmt_snprintf(dst + used, dstlen - used, "%s%s",
				     i ? ", " : "", choices[i]);
}

static int parse_choices(const struct cmdline_opt *opt, const struct cmdline_word *w,
			 struct cmdline_val *v, char *err, size_t errlen)
{
	const char *p = w->value;
	const char *end = w->value + w->value_len;

	while (p <= end) {
		const char *q = p;

		while (q < end && *q != ',')
			q++;
		int idx = find_choice(opt->choices, p, (size_t)(q - p));

		if (idx < 0 || (opt->kind == CMDLINE_CHOICE && q != end)) {
			char allowed[CMDLINE_ERR_LEN / 2];
			char detail[CMDLINE_ERR_LEN / 2 + 16];

			list_choices(allowed, sizeof(allowed), opt->choices);
			fmt_snprintf(detail, sizeof(detail), " (allowed: %s%s)", allowed,
				     opt->kind == CMDLINE_CHOICE_LIST ? ", comma-separated" : "");
			return fail(err, errlen, -ERR_INVAL, "bad value in", w, detail);
		}
		v->choice = (unsigned)idx;
		v->mask |= (uint32_t)1 << idx;
		p = q + 1;
	}
	return 0;
}

/* Decimal digits with an optional K/M/G suffix, overflow checked. */
int cmdline_parse_size(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;
	size_t i = 0;
	unsigned shift = 0;

	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
		uint64_t d = (uint64_t)(s[i] - '0');

		if (v > (UINT64_MAX - d) / 10)
			return -ERR_RANGE;
		v = v * 10 + d;
	}
	if (i == 0)
		return -ERR_INVAL;
	if (i + 1 == len) {
		switch (s[i]) {
		case 'K': case 'k': shift = 10; break;
		case 'M': case 'm': shift = 20; break;
		case 'G': case 'g': shift = 30; break;
		default: return -ERR_INVAL;
		}
		i++;
	}
	if (i != len)
		return -ERR_INVAL;
	if (v > (UINT64_MAX >> shift))
		return -ERR_RANGE;
	*out = v << shift;
	return 0;
}

int cmdline_parse_uint(const char *s, size_t len, uint64_t min, uint64_t max,
		       uint64_t *out)
{
	bool digits_only = len > 0;
	uint64_t v;

	for (size_t i = 0; i < len; i++)
		digits_only = digits_only && s[i] >= '0' && s[i] <= '9';
	if (!digits_only || cmdline_parse_size(s, len, &v) || v < min || v > max)
		return -ERR_RANGE;
	*out = v;
	return 0;
}

static int parse_uint(const struct cmdline_opt *opt, const struct cmdline_word *w,
		      struct cmdline_val *v, char *err, size_t errlen)
{
	char range[64];

	if (!cmdline_parse_uint(w->value, w->value_len, opt->min, opt->max, &v->size))
		return 0;
	fmt_snprintf(range, sizeof(range), " (a whole number from %llu to %llu)",
		     (unsigned long long)opt->min, (unsigned long long)opt->max);
	return fail(err, errlen, -ERR_RANGE, "bad number in", w, range);
}

static int apply(const struct cmdline_opt *opt, const struct cmdline_word *w,
		 struct cmdline_val *v, char *err, size_t errlen)
{
	if (v->present)
		return fail(err, errlen, -ERR_EXIST, "option given twice:", w, "");
	v->present = true;
	if (opt->kind == CMDLINE_FLAG) {
		if (w->value)
			return fail(err, errlen, -ERR_INVAL, "option takes no value:", w, "");
		return 0;
	}
	if (!w->value || w->value_len == 0)
		return fail(err, errlen, -ERR_INVAL, "option needs a value:", w, "");
	v->str = w->value;
	v->len = w->value_len;
	switch (opt->kind) {
	case CMDLINE_CHOICE:
	case CMDLINE_CHOICE_LIST:
		return parse_choices(opt, w, v, err, errlen);
	case CMDLINE_SIZE:
		if (cmdline_parse_size(w->value, w->value_len, &v->size))
			return fail(err, errlen, -ERR_INVAL, "bad size in", w,
				    " (a number with optional K, M or G)");
		return 0;
	case CMDLINE_UINT:
		return parse_uint(opt, w, v, err, errlen);
	default:
		return 0;
	}
}

int cmdline_parse(const char *line, size_t limit, const struct cmdline_opt *opts,
		  unsigned nopts, struct cmdline_val *vals, char *err, size_t errlen)
{
	struct cmdline_iter it;
	struct cmdline_word w;
	int rc;

	if (errlen)
		err[0] = '\0';
	for (unsigned i = 0; i < nopts; i++)
		vals[i] = (struct cmdline_val){ 0 };
	cmdline_iter_init(&it, line, limit);
	while ((rc = cmdline_next(&it, &w)) > 0) {
		unsigned i;

		for (i = 0; i < nopts; i++)
			if (span_eq(w.key, w.key_len, opts[i].name))
				break;
		if (i == nopts) {
			char q[QUOTE_MAX + 4];

			quote(q, sizeof(q), w.key, w.key_len);
			fmt_snprintf(err, errlen, "unknown option '%s'", q);
			return -ERR_NOENT;
		}
		rc = apply(&opts[i], &w, &vals[i], err, errlen);
		if (rc)
			return rc;
	}
	if (rc == -ERR_RANGE) {
		char detail[48];

		fmt_snprintf(detail, sizeof(detail), " (%zu bytes, at most %d)",
			     w.word_len, CMDLINE_MAX_WORD);
		return fail(err, errlen, rc, "option too long:", &w, detail);
	}
	if (rc < 0)
		return fail(err, errlen, rc, "malformed option", &w, "");
	return 0;
}
