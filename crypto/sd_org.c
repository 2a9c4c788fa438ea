#include "sd_org.h"

#include <string.h>

#include <sodium.h>

#include "sd_encode.h"
#include "sd_err.h"

#define CHECK_BYTES 2
#define RAW_BYTES (SD_ORG_SECRET_BYTES + CHECK_BYTES)

static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";

void
sd_reporter_derive(char reporter[SD_REPORTER_HEX],
    const uint8_t secret[SD_ORG_SECRET_BYTES])
{
	uint8_t h[32];

	crypto_generichash(h, sizeof(h), (const uint8_t *)SD_REPORTER_LABEL,
	    strlen(SD_REPORTER_LABEL), secret, SD_ORG_SECRET_BYTES);
	sd_hex_encode(reporter, SD_REPORTER_HEX, h, sizeof(h));
	sodium_memzero(h, sizeof(h));
}

static void
check_bytes(uint8_t out[CHECK_BYTES], const uint8_t secret[SD_ORG_SECRET_BYTES])
{
	uint8_t h[32];

	crypto_generichash(h, sizeof(h), (const uint8_t *)SD_ORG_CODE_LABEL,
	    strlen(SD_ORG_CODE_LABEL), secret, SD_ORG_SECRET_BYTES);
	memcpy(out, h, CHECK_BYTES);
	sodium_memzero(h, sizeof(h));
}

void
sd_org_code_encode(char code[SD_ORG_CODE_LEN],
    const uint8_t secret[SD_ORG_SECRET_BYTES])
{
	uint8_t raw[RAW_BYTES];
	char b32[SD_B32_LEN(RAW_BYTES)];
	size_t i, o = 0;

	memcpy(raw, secret, SD_ORG_SECRET_BYTES);
	check_bytes(raw + SD_ORG_SECRET_BYTES, secret);
	sd_b32_encode(b32, sizeof(b32), raw, sizeof(raw));
	for (i = 0; i < SD_ORG_CODE_CHARS; i++) {
		if (i > 0 && i % SD_ORG_CODE_GROUP == 0)
			code[o++] = '-';
		code[o++] = b32[i];
	}
	code[o] = '\0';
	sodium_memzero(raw, sizeof(raw));
	sodium_memzero(b32, sizeof(b32));
}

static int
letter_value(char c)
{
	const char *p = NULL;

	if (c >= 'A' && c <= 'Z')
		c = (char)(c - 'A' + 'a');
	if (c == '\0' || (p = strchr(alphabet, c)) == NULL)
		return -1;
	return (int)(p - alphabet);
}

/* Base32 letters of text without separators into raw; the number of
 * letters, or -1 when a character is neither a letter nor a separator. */
static int
collect(const char *text, size_t len, uint8_t raw[RAW_BYTES])
{
	uint32_t acc = 0;
	size_t i, bits = 0, o = 0;
	int letters = 0, v;

	for (i = 0; i < len; i++) {
		if (text[i] == '-' || text[i] == ' ' || text[i] == '\t' ||
		    text[i] == '\r' || text[i] == '\n')
			continue;
		if ((v = letter_value(text[i])) < 0 ||
		    letters == SD_ORG_CODE_CHARS)
			return -1;
		letters++;
		acc = (acc << 5) | (uint32_t)v;
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			if (o < RAW_BYTES)
				raw[o++] = (uint8_t)(acc >> bits);
		}
	}
	/* the unused low bits of the last letter are zero in a real code */
	if (letters == SD_ORG_CODE_CHARS && (acc & ((1u << bits) - 1)) != 0)
		return -1;
	sodium_memzero(&acc, sizeof(acc));
	return letters;
}

int
sd_org_code_parse(const char *text, size_t len,
    uint8_t secret[SD_ORG_SECRET_BYTES])
{
	uint8_t raw[RAW_BYTES], check[CHECK_BYTES];
	int rc = SD_E_FORMAT;

	memset(raw, 0, sizeof(raw));
	if (text == NULL || len > SD_ORG_CODE_INPUT_MAX ||
	    collect(text, len, raw) != SD_ORG_CODE_CHARS)
		goto out;
	check_bytes(check, raw);
	if (sodium_memcmp(check, raw + SD_ORG_SECRET_BYTES, CHECK_BYTES) != 0) {
		rc = SD_E_SIGNATURE;
		goto out;
	}
	memcpy(secret, raw, SD_ORG_SECRET_BYTES);
	rc = SD_OK;
out:
	if (rc != SD_OK)
		sodium_memzero(secret, SD_ORG_SECRET_BYTES);
	sodium_memzero(raw, sizeof(raw));
	return rc;
}
