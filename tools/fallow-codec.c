/* fallow-codec: the tmem LZ4 block codec on the command line, so any LZ4
 * implementation can check it.
 *
 *   fallow-codec compress          stdin -> raw LZ4 block on stdout
 *   fallow-codec decompress SIZE   raw LZ4 block on stdin -> at most SIZE
 *                                  bytes on stdout
 *
 * Exit status: 0 done, 1 corrupt input or I/O error, 2 usage. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/err.h"
#include "tmem/lz4.h"

#define READ_CHUNK 65536

static int usage(void)
{
	fprintf(stderr, "usage: fallow-codec compress | fallow-codec decompress SIZE\n");
	return 2;
}

/* All of stdin in one malloc'd buffer; NULL on error. */
static uint8_t *read_all(size_t *len)
{
	size_t cap = READ_CHUNK, n = 0;
	uint8_t *buf = malloc(cap);

	while (buf) {
		size_t got;

		if (n == cap) {
			uint8_t *bigger = cap > SIZE_MAX / 2 ? NULL : realloc(buf, cap * 2);

			if (!bigger) {
				free(buf);
				return NULL;
			}
			buf = bigger;
			cap *= 2;
		}
		got = fread(buf + n, 1, cap - n, stdin);
		n += got;
		if (got == 0) {
			if (ferror(stdin)) {
				free(buf);
				return NULL;
			}
			*len = n;
			return buf;
		}
	}
	return NULL;
}

static int write_all(const void *p, size_t n)
{
	return fwrite(p, 1, n, stdout) == n && fflush(stdout) == 0 ? 0 : 1;
}

static int compress(void)
{
	static struct lz4_state st;
	size_t n;
	uint8_t *in = read_all(&n), *out;
	long z;

	if (!in || n > LZ4_MAX_INPUT) {
		fprintf(stderr, "fallow-codec: cannot read input (or over %u bytes)\n",
			LZ4_MAX_INPUT);
		free(in);
		return 1;
	}
	out = malloc(LZ4_BOUND(n));
	z = out ? lz4_compress(&st, in, n, out, LZ4_BOUND(n)) : -ERR_NOMEM;
	free(in);
	if (z < 0) {
		fprintf(stderr, "fallow-codec: compress failed: %s\n", err_name((int)z));
		free(out);
		return 1;
	}
	int ret = write_all(out, (size_t)z);

	free(out);
	return ret;
}

static int decompress(const char *size_arg)
{
	char *end;
	unsigned long long cap;
	size_t n;
	uint8_t *in, *out;
	long got;

	errno = 0;
	cap = strtoull(size_arg, &end, 10);
	if (errno || end == size_arg || *end || size_arg[0] == '-' || cap > LZ4_MAX_INPUT)
		return usage();
	in = read_all(&n);
	out = malloc(cap ? cap : 1);
	if (!in || !out) {
		fprintf(stderr, "fallow-codec: out of memory or read error\n");
		free(in);
		free(out);
		return 1;
	}
	got = lz4_decompress(in, n, out, cap);
	free(in);
	if (got < 0) {
		fprintf(stderr, "fallow-codec: corrupt input (%s)\n", err_name((int)got));
		free(out);
		return 1;
	}
	int ret = write_all(out, (size_t)got);

	free(out);
	return ret;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "compress"))
		return compress();
	if (argc == 3 && !strcmp(argv[1], "decompress"))
		return decompress(argv[2]);
	return usage();
}
