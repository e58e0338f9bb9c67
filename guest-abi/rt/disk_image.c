/* The content formula of tools/mkimage.py's files (guest-abi/ABI.md,
 * "Disk image format"): each 64-byte line is indentation and words from
 * a fixed vocabulary chosen by a hash of (seed, line number), padded
 * with spaces and ended by a newline. Text-like, so it compresses the
 * way source does; a function of its position, so any page can be
 * checked alone. */
#include "guest-abi/rt/disk.h"
#include "guest-abi/rt/rt.h"

#define GOLDEN 0x9e3779b97f4a7c15ull
#define MIX1 0xbf58476d1ce4e5b9ull
#define MIX2 0x94d049bb133111ebull
#define INDENT_BITS 2u
#define INDENT_WIDTH 4u
#define WORD_BITS 5u
#define WORD_MASK (DISK_IMAGE_WORDS - 1u)
#define HASH_BITS 64u

static const char *const words[DISK_IMAGE_WORDS] = {
	"int", "return", "if", "else", "for", "while", "struct", "static",
	"const", "void", "unsigned", "char", "uint64_t", "size_t", "NULL", "sizeof",
	"{", "}", "(", ");", "=", "==", "+", "->",
	"0;", "1;", "err", "page", "frame", "count", "guest", "tmem",
};

/* splitmix64's finaliser. */
static uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * MIX1;
	z = (z ^ (z >> 27)) * MIX2;
	return z ^ (z >> 31);
}

void disk_image_line(uint64_t seed, uint64_t n, char out[DISK_IMAGE_LINE])
{
	uint64_t h = mix64(seed + n * GOLDEN);
	unsigned len = (unsigned)(h & ((1u << INDENT_BITS) - 1)) * INDENT_WIDTH;
	unsigned bits = HASH_BITS - INDENT_BITS;

	memset(out, ' ', DISK_IMAGE_LINE);
	h >>= INDENT_BITS;
	for (; bits >= WORD_BITS; bits -= WORD_BITS, h >>= WORD_BITS) {
		const char *w = words[h & WORD_MASK];
		size_t wl = strlen(w);

		if (len + wl + 1 > DISK_IMAGE_LINE - 1)
			break;
		memcpy(out + len, w, wl);
		len += (unsigned)wl + 1; /* the space after it is already there */
	}
	out[DISK_IMAGE_LINE - 1] = '\n';
}

uint64_t disk_image_check(const struct disk_image_file *f, uint64_t off,
			  const void *buf, uint64_t len)
{
	const char *b = buf;
	char line[DISK_IMAGE_LINE];

	for (uint64_t i = 0; i < len; i += DISK_IMAGE_LINE) {
		uint64_t at = off + i;
		uint64_t n = len - i < DISK_IMAGE_LINE ? len - i : DISK_IMAGE_LINE;

		if (at < f->bytes)
			disk_image_line(f->seed, at / DISK_IMAGE_LINE, line);
		for (uint64_t k = 0; k < n; k++) {
			char want = at + k < f->bytes ? line[k] : 0;

			if (b[i + k] != want)
				return at + k;
		}
	}
	return UINT64_MAX;
}
