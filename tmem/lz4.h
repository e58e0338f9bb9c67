/* An LZ4 block-format codec (the raw block format, no frame header),
 * written from the format description so any LZ4 implementation can read
 * what it writes and the reverse.
 *
 * The compressor is the classic greedy one: a hash table of 4-byte
 * sequences remembers where each was last seen, and a hit within 64 KiB
 * becomes a match; the search steps faster the longer it misses. Inputs
 * up to 64 KiB (pages) keep 16-bit offsets in a table cleared per call.
 * Longer inputs keep 32-bit positions in a table reused across calls
 * without clearing it: every call moves a base value so that entries left
 * by earlier calls look further away than any match may reach.
 *
 * The decompressor treats its input as hostile: every length and offset
 * is checked against both buffers, and corrupt input is rejected with
 * -ERR_CORRUPT before anything is read or written out of range. */
#ifndef FALLOW_TMEM_LZ4_H
#define FALLOW_TMEM_LZ4_H

#include <stddef.h>
#include <stdint.h>

/* Long inputs: 16384 32-bit positions (64 KiB). */
#define LZ4_HASH_LOG 14
#define LZ4_HASH_SIZE (1u << LZ4_HASH_LOG)
/* Short inputs: 4096 16-bit offsets (8 KiB), cleared per call. Measured
 * on pages against 2048 and 8192 entries: as fast, 0.2% larger output
 * than 8192, and half the clearing, which dominates for pages that
 * compress to almost nothing. */
#define LZ4_SMALL_HASH_LOG 12
#define LZ4_SMALL_HASH_SIZE (1u << LZ4_SMALL_HASH_LOG)
/* Largest input the compressor takes (the format's own limit). */
#define LZ4_MAX_INPUT 0x7E000000u

/* Worst-case compressed size of n input bytes. */
#define LZ4_BOUND(n) ((n) + (n) / 255 + 16)

/* Compressor state: one table per input class, kept apart so neither
 * can mistake the other's entries for its own, plus the base that ages
 * the long-input entries. Zero-initialised is a valid starting state.
 * Not shared between threads. */
struct lz4_state {
	uint32_t pos[LZ4_HASH_SIZE];       /* long inputs: base + offset */
	uint16_t off[LZ4_SMALL_HASH_SIZE]; /* short inputs: offset, this call's */
	uint32_t base;
};

/* Compresses n bytes into dst (capacity cap). Returns the compressed size,
 * -ERR_NOSPC when the output would not fit in cap (the caller then stores
 * the data raw), -ERR_INVAL when n exceeds LZ4_MAX_INPUT. A cap of at
 * least LZ4_BOUND(n) never fails for lack of space. */
long lz4_compress(struct lz4_state *st, const void *src, size_t n,
		  void *dst, size_t cap);

/* Decompresses one block of srclen bytes into dst (capacity cap).
 * Returns the decompressed size, or -ERR_CORRUPT when the block is
 * malformed or would not fit in cap. */
long lz4_decompress(const void *src, size_t srclen, void *dst, size_t cap);

#endif
