#include "lib/fmt.h"

#include <stdbool.h>
#include <stdint.h>

/* Enough digits for a 64-bit value in octal (22) with room to spare. */
#define FMT_NUM_BUF 24
#define FMT_PAD_CHUNK 16

enum fmt_len { LEN_INT, LEN_CHAR, LEN_SHORT, LEN_LONG, LEN_LLONG, LEN_SIZE };

/* One conversion specification, as parsed from the format string. */
struct fmt_spec {
	bool left;
	bool zero;
	int width;     /* 0: none */
	int precision; /* -1: none */
	enum fmt_len len;
	char conv;
};

struct fmt_out {
	fmt_sink_fn sink;
	void *ctx;
	size_t count;
};

static void emit(struct fmt_out *o, const char *s, size_t len)
{
	if (len) {
		o->sink(o->ctx, s, len);
		o->count += len;
	}
}

static void emit_repeat(struct fmt_out *o, char c, size_t n)
{
	char chunk[FMT_PAD_CHUNK];

	for (size_t i = 0; i < sizeof(chunk); i++)
		chunk[i] = c;
	while (n) {
		size_t k = n < sizeof(chunk) ? n : sizeof(chunk);

		emit(o, chunk, k);
		n -= k;
	}
}

static size_t str_len_bounded(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

/* Emits prefix + zeros + body, padded to the spec's width. */
static void emit_padded(struct fmt_out *o, const struct fmt_spec *sp,
			const char *prefix, size_t prefix_len, size_t zeros,
			const char *body, size_t body_len)
{
	size_t used = prefix_len + zeros + body_len;
	size_t pad = (size_t)sp->width > used ? (size_t)sp->width - used : 0;

	if (!sp->left && !sp->zero)
		emit_repeat(o, ' ', pad);
	emit(o, prefix, prefix_len);
	if (!sp->left && sp->zero)
		emit_repeat(o, '0', pad);
	emit_repeat(o, '0', zeros);
	emit(o, body, body_len);
	if (sp->left)
		emit_repeat(o, ' ', pad);
}

static void emit_number(struct fmt_out *o, const struct fmt_spec *sp,
			uint64_t mag, bool negative, unsigned base,
			const char *prefix)
{
	const char *digits = sp->conv == 'X' ? "0123456789ABCDEF"
					     : "0123456789abcdef";
	char buf[FMT_NUM_BUF];
	size_t n = 0;
	size_t zeros = 0;
	size_t plen = 0;
	char pre[3];

	/* C's rule: precision 0 and value 0 print no digits. */
	if (mag || sp->precision != 0) {
		do {
			buf[sizeof(buf) - 1 - n++] = digits[mag % base];
			mag /= base;
		} while (mag);
	}
	if (sp->precision >= 0 && (size_t)sp->precision > n)
		zeros = (size_t)sp->precision - n;
	if (negative)
		pre[plen++] = '-';
	for (; *prefix; prefix++)
		pre[plen++] = *prefix;
	/* An explicit precision turns zero padding off, as in C. */
	struct fmt_spec s = *sp;
	if (sp->precision >= 0)
		s.zero = false;
	emit_padded(o, &s, pre, plen, zeros, buf + sizeof(buf) - n, n);
}

static int64_t fetch_signed(enum fmt_len len, va_list *ap)
{
	switch (len) {
	case LEN_CHAR: return (signed char)va_arg(*ap, int);
	case LEN_SHORT: return (short)va_arg(*ap, int);
	case LEN_LONG: return va_arg(*ap, long);
	case LEN_LLONG: return va_arg(*ap, long long);
	case LEN_SIZE: return (int64_t)va_arg(*ap, size_t);
	default: return va_arg(*ap, int);
	}
}

static uint64_t fetch_unsigned(enum fmt_len len, va_list *ap)
{
	switch (len) {
	case LEN_CHAR: return (unsigned char)va_arg(*ap, unsigned);
	case LEN_SHORT: return (unsigned short)va_arg(*ap, unsigned);
	case LEN_LONG: return va_arg(*ap, unsigned long);
	case LEN_LLONG: return va_arg(*ap, unsigned long long);
	case LEN_SIZE: return va_arg(*ap, size_t);
	default: return va_arg(*ap, unsigned);
	}
}

/* Reads digits or '*' at *pp into *out; false when there are none. */
static bool parse_count(const char **pp, va_list *ap, int *out)
{
	const char *p = *pp;
	int v = 0;

	if (*p == '*') {
		*pp = p + 1;
		*out = va_arg(*ap, int);
		return true;
	}
	if (*p < '0' || *p > '9')
		return false;
	for (; *p >= '0' && *p <= '9'; p++)
		if (v < INT32_MAX / 10 - 1) /* saturate rather than overflow */
			v = v * 10 + (*p - '0');
	*pp = p;
	*out = v;
	return true;
}

/* Parses the specification after '%'; returns the pointer past it. */
static const char *parse_spec(const char *p, struct fmt_spec *sp, va_list *ap)
{
	*sp = (struct fmt_spec){ .precision = -1 };
	for (;; p++) {
		if (*p == '-')
			sp->left = true;
		else if (*p == '0')
			sp->zero = true;
		else
			break;
	}
	if (parse_count(&p, ap, &sp->width) && sp->width < 0) {
		/* C's rule: a negative '*' width means left align. */
		sp->left = true;
		sp->width = sp->width == INT32_MIN ? 0 : -sp->width;
	}
	if (*p == '.') {
		p++;
		/* A bare '.' is precision 0; a negative '*' means none. */
		if (!parse_count(&p, ap, &sp->precision))
			sp->precision = 0;
		if (sp->precision < 0)
			sp->precision = -1;
	}
	if (p[0] == 'h')
		sp->len = p[1] == 'h' ? LEN_CHAR : LEN_SHORT;
	else if (p[0] == 'l')
		sp->len = p[1] == 'l' ? LEN_LLONG : LEN_LONG;
	else if (p[0] == 'z')
		sp->len = LEN_SIZE;
	if (sp->len == LEN_CHAR || sp->len == LEN_LLONG)
		p += 2;
	else if (sp->len != LEN_INT)
		p++;
	sp->conv = *p;
	return *p ? p + 1 : p;
}

static void convert(struct fmt_out *o, const struct fmt_spec *sp,
		    const char *start, const char *end, va_list *ap)
{
	switch (sp->conv) {
	case 'd':
	case 'i': {
		int64_t v = fetch_signed(sp->len, ap);
		uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

		emit_number(o, sp, mag, v < 0, 10, "");
		break;
	}
	case 'u': emit_number(o, sp, fetch_unsigned(sp->len, ap), false, 10, ""); break;
	case 'x':
	case 'X': emit_number(o, sp, fetch_unsigned(sp->len, ap), false, 16, ""); break;
	case 'o': emit_number(o, sp, fetch_unsigned(sp->len, ap), false, 8, ""); break;
	case 'p': {
		struct fmt_spec s = *sp;

		s.conv = 'x';
		emit_number(o, &s, (uintptr_t)va_arg(*ap, void *), false, 16, "0x");
		break;
	}
	case 's': {
		const char *s = va_arg(*ap, const char *);
		struct fmt_spec plain = *sp;

		if (!s)
			s = "(null)";
		plain.zero = false;
		emit_padded(o, &plain, "", 0, 0, s,
			    str_len_bounded(s, sp->precision < 0 ? SIZE_MAX
								 : (size_t)sp->precision));
		break;
	}
	case 'c': {
		char c = (char)va_arg(*ap, int);
		struct fmt_spec plain = *sp;

		plain.zero = false;
		emit_padded(o, &plain, "", 0, 0, &c, 1);
		break;
	}
	case '%': emit(o, "%", 1); break;
	default: emit(o, start, (size_t)(end - start)); break;
	}
}

size_t fmt_vformat(fmt_sink_fn sink, void *ctx, const char *fmt, va_list ap)
{
	struct fmt_out o = { .sink = sink, .ctx = ctx };
	va_list aq;

	va_copy(aq, ap);
	while (*fmt) {
		const char *pct = fmt;

		while (*pct && *pct != '%')
			pct++;
		emit(&o, fmt, (size_t)(pct - fmt));
		if (!*pct)
			break;
		struct fmt_spec sp;
		const char *next = parse_spec(pct + 1, &sp, &aq);

		convert(&o, &sp, pct, next, &aq);
		fmt = next;
	}
	va_end(aq);
	return o.count;
}

size_t fmt_format(fmt_sink_fn sink, void *ctx, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = fmt_vformat(sink, ctx, fmt, ap);
	va_end(ap);
	return n;
}

struct fmt_buf {
	char *buf;
	size_t size; /* room for bytes, NUL excluded */
	size_t used;
};

static void buf_sink(void *ctx, const char *s, size_t len)
{
	struct fmt_buf *b = ctx;

	for (size_t i = 0; i < len && b->used < b->size; i++)
		b->buf[b->used++] = s[i];
}

size_t fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct fmt_buf b = { .buf = buf, .size = size ? size - 1 : 0 };
	size_t n = fmt_vformat(buf_sink, &b, fmt, ap);

	if (size)
		buf[b.used] = '\0';
	return n;
}

size_t fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
