/* libFuzzer target: the LZ4 decompressor on arbitrary bytes. It must
 * reject or decode without touching memory outside its buffers (ASan
 * watches: the output buffer is exactly the capacity given), and what it
 * decodes must survive a compress/decompress round trip. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tmem/lz4.h"

#define OUT_CAP 65536

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct lz4_state st;
	/* The first byte picks the capacity so short outputs are hit too. */
	size_t cap = size ? (size_t)data[0] * 257 % OUT_CAP : 0;
	uint8_t *in = malloc(size ? size : 1), *out = malloc(cap ? cap : 1);
	long n;

	memcpy(in, data, size);
	n = lz4_decompress(size ? in + 1 : in, size ? size - 1 : 0, out, cap);
	if (n > 0) {
		size_t zcap = LZ4_BOUND((size_t)n);
		uint8_t *z = malloc(zcap), *back = malloc((size_t)n);
		long zn = lz4_compress(&st, out, (size_t)n, z, zcap);

		if (zn <= 0 || lz4_decompress(z, (size_t)zn, back, (size_t)n) != n ||
		    memcmp(back, out, (size_t)n))
			abort();
		free(z);
		free(back);
	}
	free(in);
	free(out);
	return 0;
}
