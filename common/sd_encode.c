#include "sd_encode.h"
#include "sd_err.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int
sd_b64_encode(char *out, size_t outcap, const uint8_t *in, size_t n)
{
	if (outcap < sodium_base64_encoded_len(n, sodium_base64_VARIANT_ORIGINAL))
		return SD_E_INVAL;
	sodium_bin2base64(out, outcap, in, n, sodium_base64_VARIANT_ORIGINAL);
	return SD_OK;
}

int
sd_b64_decode(uint8_t *out, size_t outcap, size_t *outlen, const char *in,
    size_t inlen)
{
	const char *end = NULL;
	size_t bin_len = 0;

	if (sodium_base642bin(out, outcap, in, inlen, NULL, &bin_len, &end,
	    sodium_base64_VARIANT_ORIGINAL) != 0 || end != in + inlen)
		return SD_E_INVAL;
	*outlen = bin_len;
	return SD_OK;
}

int
sd_hex_encode(char *out, size_t outcap, const uint8_t *in, size_t n)
{
	if (outcap < 2 * n + 1)
		return SD_E_INVAL;
	sodium_bin2hex(out, outcap, in, n);
	return SD_OK;
}

int
sd_hex_decode(uint8_t *out, size_t outcap, size_t *outlen, const char *in,
    size_t inlen)
{
	const char *end = NULL;
	size_t bin_len = 0;
	size_t i;

	/* lower case only: one spelling per value */
	for (i = 0; i < inlen; i++)
		if (!((in[i] >= '0' && in[i] <= '9') || (in[i] >= 'a' && in[i] <= 'f')))
			return SD_E_INVAL;
	if (sodium_hex2bin(out, outcap, in, inlen, NULL, &bin_len, &end) != 0 ||
	    end != in + inlen)
		return SD_E_INVAL;
	*outlen = bin_len;
	return SD_OK;
}

int
sd_b32_encode(char *out, size_t outcap, const uint8_t *in, size_t n)
{
	static const char alpha[] = "abcdefghijklmnopqrstuvwxyz234567";
	size_t i, o = 0;
	unsigned int acc = 0, bits = 0;

	if (outcap < SD_B32_LEN(n))
		return SD_E_INVAL;
	for (i = 0; i < n; i++) {
		acc = (acc << 8) | in[i];
		bits += 8;
		while (bits >= 5) {
			out[o++] = alpha[(acc >> (bits - 5)) & 31];
			bits -= 5;
		}
		acc &= (1u << bits) - 1;
	}
	if (bits > 0)
		out[o++] = alpha[(acc << (5 - bits)) & 31];
	out[o] = '\0';
	return SD_OK;
}

void
sd_today(char out[11])
{
	const char *env = getenv("SEALDROP_TODAY");
	time_t now;
	struct tm tm;

	static int warned;

	if (env && sd_date_valid(env)) {
		/* for tests; say so, so that it is never left set unnoticed */
		if (__atomic_exchange_n(&warned, 1, __ATOMIC_RELAXED) == 0)
			fprintf(stderr, "sealdrop: SEALDROP_TODAY is set: today is %s "
			    "(meant for tests only)\n", env);
		memcpy(out, env, 10);
		out[10] = '\0';
		return;
	}
	now = time(NULL);
	gmtime_r(&now, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

int
sd_date_valid(const char *s)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, m, d, i;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return 0;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 1970 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return 0;
	if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 0;
	return 1;
}

/* Length of the sequence that starts with lead byte c (0 when c cannot
 * start one), and the smallest code point of that length. */
static size_t
utf8_lead(uint8_t c, uint32_t *cp, uint32_t *min)
{
	if (c >= 0xC2 && c <= 0xDF) {
		*cp = c & 0x1Fu;
		*min = 0x80;
		return 2;
	}
	if (c >= 0xE0 && c <= 0xEF) {
		*cp = c & 0x0Fu;
		*min = 0x800;
		return 3;
	}
	if (c >= 0xF0 && c <= 0xF4) {
		*cp = c & 0x07u;
		*min = 0x10000;
		return 4;
	}
	return 0;
}

int
sd_utf8_valid(const uint8_t *s, size_t len, size_t *bad)
{
	size_t i = 0, k, n;
	uint32_t cp = 0, min = 0;

	while (i < len) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if ((n = utf8_lead(s[i], &cp, &min)) == 0 || len - i < n)
			goto fail;
		for (k = 1; k < n; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				goto fail;
			cp = (cp << 6) | (s[i + k] & 0x3Fu);
		}
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			goto fail;
		i += n;
	}
	return 1;
fail:
	if (bad != NULL)
		*bad = i;
	return 0;
}

void
sd_text_position(const uint8_t *s, size_t off, size_t *line, size_t *column)
{
	size_t i;

	*line = 1;
	*column = 1;
	for (i = 0; i < off; i++) {
		if (s[i] == '\n') {
			(*line)++;
			*column = 1;
		} else if ((s[i] & 0xC0) != 0x80) {
			(*column)++;
		}
	}
}
