#include "lib/uuid.h"

#include "lib/err.h"

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int uuid_parse(const char *s, size_t len, uint64_t *lo, uint64_t *hi)
{
	const unsigned half = UUID_HEX_DIGITS / 2;
	uint64_t w[2] = { 0, 0 }; /* hi, lo */
	unsigned n = 0;

	for (size_t i = 0; i < len; i++) {
		int d = hex_digit(s[i]);

		if (s[i] == '-' && n > 0 && n < UUID_HEX_DIGITS)
			continue;
		if (d < 0 || n == UUID_HEX_DIGITS)
			return -ERR_INVAL;
		w[n >= half] = (w[n >= half] << 4) | (uint64_t)d;
		n++;
	}
	if (n != UUID_HEX_DIGITS)
		return -ERR_INVAL;
	*hi = w[0];
	*lo = w[1];
	return 0;
}
