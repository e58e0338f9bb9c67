/* Command lines of the form `key=value flag key=a,b`: the kernel's and,
 * later, each guest module's. Two layers: a tokenizer that splits a line
 * into bounded key/value words, and a validator that checks the words
 * against a caller's table of known options. Every unknown or malformed
 * word is an error whose message names it; nothing is silently ignored. */
#ifndef FALLOW_LIB_CMDLINE_H
#define FALLOW_LIB_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CMDLINE_MAX_WORD 255    /* longer words are rejected, not cut */
#define CMDLINE_MAX_CHOICES 32  /* a choice list is a bit mask */
#define CMDLINE_ERR_LEN 160     /* enough for any message below */

/* One word, pointing into the line (not NUL-terminated). */
struct cmdline_word {
	const char *word;
	size_t word_len;
	const char *key;
	size_t key_len;
	const char *value; /* NULL when the word has no '=' */
	size_t value_len;
};

struct cmdline_iter {
	const char *p;
	const char *end;
};

/* Reads `line` up to its NUL or `limit` bytes, whichever comes first. */
void cmdline_iter_init(struct cmdline_iter *it, const char *line, size_t limit);

/* Returns 1 with the next word in *w, 0 at the end of the line,
 * -ERR_INVAL for a malformed word or -ERR_RANGE for an over-long one
 * (w->word and w->word_len still say which). */
int cmdline_next(struct cmdline_iter *it, struct cmdline_word *w);

/* The next whitespace-separated word with no key/value checks (console
 * commands): 1, or 0 at the end of the line. */
int cmdline_next_raw(struct cmdline_iter *it, const char **word, size_t *len);

/* Decimal digits with an optional K, M or G suffix, overflow checked:
 * 0, -ERR_INVAL or -ERR_RANGE. */
int cmdline_parse_size(const char *s, size_t len, uint64_t *bytes);

/* Decimal digits only, within [min, max]: 0 or -ERR_RANGE. */
int cmdline_parse_uint(const char *s, size_t len, uint64_t min, uint64_t max,
		       uint64_t *out);

enum cmdline_kind {
	CMDLINE_FLAG,        /* bare word, no value */
	CMDLINE_STRING,      /* key=VALUE, non-empty */
	CMDLINE_CHOICE,      /* key=ONE of choices */
	CMDLINE_CHOICE_LIST, /* key=A,B,... each one of choices */
	CMDLINE_SIZE,        /* key=N with optional K, M or G suffix */
	CMDLINE_UINT,        /* key=N, a whole number in [min, max] */
};

struct cmdline_opt {
	const char *name;
	enum cmdline_kind kind;
	const char *const *choices; /* NULL-terminated; CHOICE kinds only */
	uint64_t min, max;          /* UINT only: the accepted range */
};

/* What the validator found for one option of the table. */
struct cmdline_val {
	bool present;
	const char *str;  /* the raw value (STRING and all valued kinds) */
	size_t len;
	unsigned choice;  /* CHOICE: index into choices */
	uint32_t mask;    /* CHOICE and CHOICE_LIST: bit per chosen index */
	uint64_t size;    /* SIZE: bytes; UINT: the number */
};

/* Checks every word of `line` against opts[0..nopts) and fills vals[]
 * (one per option, zeroed first). Returns 0, or a negative ERR_* code with
 * a one-line message in err (at most errlen bytes, NUL-terminated). An
 * option may appear once. */
int cmdline_parse(const char *line, size_t limit, const struct cmdline_opt *opts,
		  unsigned nopts, struct cmdline_val *vals, char *err, size_t errlen);

#endif
