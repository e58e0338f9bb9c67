#include "tmem/lz4.h"

#include <stdbool.h>

#include "lib/err.h"
#include "tmem/mem.h"

/* Format constants (LZ4 block format description). */
#define MIN_MATCH 4        /* shortest match the format encodes */
#define LAST_LITERALS 5    /* the last 5 bytes of a block are literals */
#define MF_LIMIT 12        /* the last match starts >= 12 bytes before the end */
#define MAX_DISTANCE 65535 /* offsets are 16 bits, 0 is invalid */
#define RUN_MASK 15        /* a length nibble of 15 continues in extra bytes */
#define TOKEN_SHIFT 4
#define LEN_BYTE_MAX 255   /* an extra length byte of 255 continues */

/* Compressor tuning: after 2^SKIP_TRIGGER misses in a row the search
 * steps over more bytes at a time, so incompressible data goes fast. */
#define SKIP_TRIGGER 6
#define HASH_MUL 2654435761u /* Knuth's multiplicative constant */

/* Wild copies move whole 8- or 16-byte chunks and may run past the end
 * of what they must copy by less than one chunk. */
#define WILD8 8
#define WILD16 16
/* A match with an offset below 16 is expanded with a period of at most 30
 * bytes; this much room past its end lets the chunked copy run free. */
#define PATTERN_SLACK 48
/* Long matches copy from at least FAR_PERIOD back once FAR_START bytes
 * (more than any such period) are written. */
#define FAR_PERIOD 64
#define FAR_START 128
/* The decoder's short-sequence path copies 16 literal bytes and 24 match
 * bytes blindly, so it needs this much input and output left. */
#define SHORT_IN 16
#define SHORT_OUT 40

/* How the table remembers positions. Inputs up to SMALL_INPUT bytes
 * (every page) keep 16-bit offsets from the block start in a table
 * cleared per call: half the size, and every entry is within a match's
 * reach, so there is no distance check. Longer inputs keep 32-bit
 * positions above a moving base (see lz4.h). */
enum table_mode { TABLE_OFF16, TABLE_POS32 };

#define SMALL_INPUT 65536u

/* Entries written by the previous call are at least this far below the
 * current base, so the distance check alone rejects them. */
#define BASE_GAP ((uint32_t)MAX_DISTANCE + 1)

/* Long inputs hash 5 bytes: across a long input the candidate that
 * shares the fifth byte too gives longer matches. */
#define HASH5_MUL 0x9E3779B97F4A7C15ull
#define HASH5_SHIFT 24 /* keeps the low 5 bytes, at the top */

static inline uint32_t hash_at(const uint8_t *p, enum table_mode mode)
{
	if (mode == TABLE_POS32)
		return (uint32_t)(((mem_load64(p) << HASH5_SHIFT) * HASH5_MUL) >>
				  (64 - LZ4_HASH_LOG));
	return (mem_load32(p) * HASH_MUL) >> (32 - LZ4_SMALL_HASH_LOG);
}

/* Returns this call's base and moves the state past it; clears the table
 * only when the 32-bit positions would wrap (and the first time). */
static uint32_t take_base(struct lz4_state *st, size_t n)
{
	uint32_t b = st->base;

	if (b < BASE_GAP || (uint64_t)b + n + BASE_GAP >= UINT32_MAX) {
		mem_zero(st->pos, sizeof(st->pos));
		b = BASE_GAP;
	}
	st->base = b + (uint32_t)n + BASE_GAP;
	return b;
}

/* Bytes equal at p and m, comparing up to (not including) limit. */
static inline size_t count_equal(const uint8_t *p, const uint8_t *m,
				 const uint8_t *limit)
{
	const uint8_t *start = p;

	while (p + sizeof(uint64_t) <= limit) {
		uint64_t x = mem_load64(p) ^ mem_load64(m);

		if (x)
			return (size_t)(p - start) + (size_t)(__builtin_ctzll(x) >> 3);
		p += sizeof(uint64_t);
		m += sizeof(uint64_t);
	}
	while (p < limit && *p == *m) {
		p++;
		m++;
	}
	return (size_t)(p - start);
}

static inline uint8_t *put_length(uint8_t *op, size_t len)
{
	while (len >= LEN_BYTE_MAX) {
		*op++ = LEN_BYTE_MAX;
		len -= LEN_BYTE_MAX;
	}
	*op++ = (uint8_t)len;
	return op;
}

/* Bytes a literal run or match length needs beyond its token nibble. */
static inline size_t length_bytes(size_t len)
{
	return len >= RUN_MASK ? (len - RUN_MASK) / LEN_BYTE_MAX + 1 : 0;
}

static inline void wild_copy8(uint8_t *d, const uint8_t *s, size_t n)
{
	uint8_t *e = d + n;

	do {
		mem_copy8(d, s);
		d += WILD8;
		s += WILD8;
	} while (d < e);
}

/* Writes one sequence: literals [lit, lit+litlen), then a match of ml
 * bytes at offset off. Returns the new output position or NULL when it
 * would not fit (with room for the literal wild copy). */
static uint8_t *emit_sequence(uint8_t *op, const uint8_t *oend,
			      const uint8_t *lit, size_t litlen,
			      size_t off, size_t ml)
{
	size_t need = 1 + length_bytes(litlen) + litlen + 2 +
		      length_bytes(ml - MIN_MATCH) + WILD8;
	uint8_t *token = op++;
	uint8_t t;

	if (need > (size_t)(oend - token))
		return NULL;
	if (litlen >= RUN_MASK) {
		t = RUN_MASK << TOKEN_SHIFT;
		op = put_length(op, litlen - RUN_MASK);
	} else {
		t = (uint8_t)(litlen << TOKEN_SHIFT);
	}
	if (litlen) {
		wild_copy8(op, lit, litlen);
		op += litlen;
	}
	op[0] = (uint8_t)off;
	op[1] = (uint8_t)(off >> 8);
	op += 2;
	ml -= MIN_MATCH;
	if (ml >= RUN_MASK) {
		t |= RUN_MASK;
		op = put_length(op, ml - RUN_MASK);
	} else {
		t |= (uint8_t)ml;
	}
	*token = t;
	return op;
}

/* The final sequence: literals only, copied exactly. */
static long emit_last(uint8_t *op, const uint8_t *oend, uint8_t *ostart,
		      const uint8_t *lit, size_t litlen)
{
	size_t need = 1 + length_bytes(litlen) + litlen;

	if (need > (size_t)(oend - op))
		return -ERR_NOSPC;
	if (litlen >= RUN_MASK) {
		*op++ = RUN_MASK << TOKEN_SHIFT;
		op = put_length(op, litlen - RUN_MASK);
	} else {
		*op++ = (uint8_t)(litlen << TOKEN_SHIFT);
	}
	if (litlen)
		mem_copy(op, lit, litlen);
	return (long)(op + litlen - ostart);
}

/* Remembers position ip under hash h and returns what the entry held
 * before: an earlier position with that hash that is within reach, or
 * NULL. Callers still compare the bytes. */
static inline __attribute__((always_inline)) const uint8_t *
table_swap(struct lz4_state *st, enum table_mode mode, uint32_t h,
	   const uint8_t *src, uint32_t base, const uint8_t *ip)
{
	if (mode == TABLE_OFF16) {
		const uint8_t *cand = src + st->off[h];

		st->off[h] = (uint16_t)(ip - src);
		return cand;
	}
	uint32_t cur = base + (uint32_t)(ip - src);
	uint32_t prev = st->pos[h];

	st->pos[h] = cur;
	return cur - prev <= MAX_DISTANCE ? src + (prev - base) : NULL;
}

static inline __attribute__((always_inline)) void
table_set(struct lz4_state *st, enum table_mode mode, const uint8_t *src,
	  uint32_t base, const uint8_t *p)
{
	uint32_t h = hash_at(p, mode);

	if (mode == TABLE_OFF16)
		st->off[h] = (uint16_t)(p - src);
	else
		st->pos[h] = base + (uint32_t)(p - src);
}

/* Whether the 4 bytes at cand (if any) equal those at ip. */
static inline bool same4(const uint8_t *cand, const uint8_t *ip)
{
	return cand && mem_load32(cand) == mem_load32(ip);
}

/* The greedy compressor, built once per table mode so each loop carries
 * only its own bookkeeping. n > MF_LIMIT. */
static inline __attribute__((always_inline)) long
compress_block(struct lz4_state *st, const uint8_t *src, size_t n,
	       uint8_t *dst, size_t cap, enum table_mode mode)
{
	const uint8_t *ip = src, *anchor = src, *iend = src + n;
	const uint8_t *search_limit = iend - MF_LIMIT; /* last match start */
	const uint8_t *match_limit = iend - LAST_LITERALS;
	uint8_t *op = dst;
	const uint8_t *oend = dst + cap;
	uint32_t base = 0;

	if (mode == TABLE_OFF16)
		mem_zero(st->off, sizeof(st->off));
	else
		base = take_base(st, n);
	table_set(st, mode, src, base, ip++);
	for (;;) {
		const uint8_t *cand, *next = ip;
		unsigned attempts = 1u << SKIP_TRIGGER;
		uint32_t h = hash_at(next, mode);

		/* Search forward, stepping faster the longer nothing matches.
		 * The next position is hashed before this one's candidate is
		 * checked so the two table accesses overlap. */
		do {
			ip = next;
			next += attempts++ >> SKIP_TRIGGER;
			if (next > search_limit)
				goto last;
			cand = table_swap(st, mode, h, src, base, ip);
			h = hash_at(next, mode);
		} while (!same4(cand, ip));
		while (ip > anchor && cand > src && ip[-1] == cand[-1]) {
			ip--;
			cand--;
		}
		/* Emit, then keep emitting while the very next position
		 * matches too (no literals in between). */
		for (;;) {
			size_t ml = MIN_MATCH + count_equal(ip + MIN_MATCH,
						cand + MIN_MATCH, match_limit);

			op = emit_sequence(op, oend, anchor, (size_t)(ip - anchor),
					   (size_t)(ip - cand), ml);
			if (!op)
				return -ERR_NOSPC;
			ip += ml;
			anchor = ip;
			if (ip > search_limit)
				goto last;
			table_set(st, mode, src, base, ip - 2);
			cand = table_swap(st, mode, hash_at(ip, mode), src, base, ip);
			if (!same4(cand, ip))
				break;
		}
		ip++;
	}
last:
	return emit_last(op, oend, dst, anchor, (size_t)(iend - anchor));
}

long lz4_compress(struct lz4_state *st, const void *srcv, size_t n,
		  void *dstv, size_t cap)
{
	if (n > LZ4_MAX_INPUT)
		return -ERR_INVAL;
	if (n <= MF_LIMIT)
		return emit_last(dstv, (uint8_t *)dstv + cap, dstv, srcv, n);
	if (n <= SMALL_INPUT)
		return compress_block(st, srcv, n, dstv, cap, TABLE_OFF16);
	return compress_block(st, srcv, n, dstv, cap, TABLE_POS32);
}

/* Reads the extra bytes of a length whose nibble was 15. */
static inline bool read_length(const uint8_t **pp, const uint8_t *end,
			       size_t *len)
{
	const uint8_t *p = *pp;
	size_t l = *len;
	unsigned b;

	do {
		if (p >= end)
			return false;
		b = *p++;
		l += b;
	} while (b == LEN_BYTE_MAX);
	*pp = p;
	*len = l;
	return true;
}

/* Copies an ml-byte match from off bytes back. The caller has checked
 * that [op, op+ml) is inside the output and off reaches no further back
 * than its start; room is what the output has left from op. */
static inline void copy_match(uint8_t *op, size_t off, size_t ml, size_t room)
{
	const uint8_t *m = op - off;
	/* Chunked copies run past what they must write, so near the end of
	 * the output only a prefix goes fast and the rest byte by byte. */
	size_t fast = room >= ml + PATTERN_SLACK ? ml
		      : room > PATTERN_SLACK ? room - PATTERN_SLACK : 0;
	size_t i = 0;

	if (fast >= WILD16) {
		/* The output repeats with period off, so also with any
		 * multiple of it. Lay down one period of at least 16 bytes,
		 * copy 16-byte chunks from that far back, and once enough is
		 * written, from a period of 64 or more, so each chunk reads
		 * bytes stored several chunks ago rather than the last one. */
		size_t period = off, far;

		if (off < WILD16) {
			while (period < WILD16)
				period += off;
			if (off >= WILD8) {
				mem_copy8(op, m);
				mem_copy8(op + WILD8, m + WILD8);
				i = WILD16;
			}
			for (; i < period; i++)
				op[i] = m[i];
		}
		for (; i < fast && i < FAR_START; i += WILD16)
			mem_copy16(op + i, op + i - period);
		if (i < fast) {
			for (far = period; far < FAR_PERIOD;)
				far += period;
			for (; i < fast; i += WILD16)
				mem_copy16(op + i, op + i - far);
		}
	}
	for (; i < ml; i++)
		op[i] = m[i];
}

/* Offset and match length of a sequence, checked against the output
 * and copied. Returns the new output position or NULL when corrupt.
 * Inlined into both callers: out of line it cost 5-10% of decode speed. */
static inline __attribute__((always_inline)) uint8_t *
finish_match(const uint8_t **pip, const uint8_t *iend, uint8_t *op,
	     uint8_t *ostart, uint8_t *oend, size_t off, size_t ml)
{
	if (off == 0 || off > (size_t)(op - ostart))
		return NULL;
	if (ml == RUN_MASK && !read_length(pip, iend, &ml))
		return NULL;
	ml += MIN_MATCH;
	if (ml > (size_t)(oend - op))
		return NULL;
	copy_match(op, off, ml, (size_t)(oend - op));
	return op + ml;
}

long lz4_decompress(const void *srcv, size_t srclen, void *dstv, size_t cap)
{
	const uint8_t *ip = srcv, *iend = ip + srclen;
	uint8_t *op = dstv, *ostart = dstv, *oend = op + cap;

	for (;;) {
		if (ip >= iend)
			return -ERR_CORRUPT;
		unsigned token = *ip++;
		size_t lit = token >> TOKEN_SHIFT, off;

		/* Short sequences far from both ends: fixed-size copies, no
		 * loops. The literals cannot end the block here because at
		 * least SHORT_IN bytes of input remain. */
		if (lit < RUN_MASK && (size_t)(iend - ip) >= SHORT_IN &&
		    (size_t)(oend - op) >= SHORT_OUT) {
			size_t ml = token & RUN_MASK;

			mem_copy16(op, ip);
			op += lit;
			ip += lit;
			off = (size_t)ip[0] | (size_t)ip[1] << 8;
			ip += 2;
			if (ml < RUN_MASK && off >= WILD8 &&
			    off <= (size_t)(op - ostart)) {
				const uint8_t *m = op - off;

				mem_copy8(op, m);
				mem_copy8(op + WILD8, m + WILD8);
				mem_copy8(op + 2 * WILD8, m + 2 * WILD8);
				op += ml + MIN_MATCH;
				continue;
			}
			op = finish_match(&ip, iend, op, ostart, oend, off, ml);
			if (!op)
				return -ERR_CORRUPT;
			continue;
		}

		if (lit == RUN_MASK && !read_length(&ip, iend, &lit))
			return -ERR_CORRUPT;
		size_t in_left = (size_t)(iend - ip), out_left = (size_t)(oend - op);

		if (lit > in_left || lit > out_left)
			return -ERR_CORRUPT;
		if (in_left - lit >= WILD16 && out_left - lit >= WILD16) {
			uint8_t *e = op + lit;
			const uint8_t *s = ip;
			uint8_t *d = op;

			while (d < e) {
				mem_copy16(d, s);
				d += WILD16;
				s += WILD16;
			}
		} else if (lit) {
			mem_copy(op, ip, lit);
		}
		ip += lit;
		op += lit;
		if (ip == iend)
			return (long)(op - ostart);

		if (iend - ip < 2)
			return -ERR_CORRUPT;
		off = (size_t)ip[0] | (size_t)ip[1] << 8;
		ip += 2;
		op = finish_match(&ip, iend, op, ostart, oend, off,
				  token & RUN_MASK);
		if (!op)
			return -ERR_CORRUPT;
	}
}
