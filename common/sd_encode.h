/* Text encodings used by the formats: base64 (RFC 4648, with padding),
 * lower-case hex, and lower-case unpadded base32 for receipt ids. */
#ifndef SD_ENCODE_H
#define SD_ENCODE_H

#include <stddef.h>
#include <stdint.h>

/* Each encoder writes a NUL-terminated string; out must hold
 * SD_B64_LEN(n) / 2n+1 / SD_B32_LEN(n) bytes. Returns SD_OK or SD_E_INVAL. */
#define SD_B64_LEN(n) ((((n) + 2) / 3) * 4 + 1)
#define SD_B32_LEN(n) ((((n) * 8) + 4) / 5 + 1)

int sd_b64_encode(char *out, size_t outcap, const uint8_t *in, size_t n);
/* Strict: exactly the canonical encoding, no whitespace. */
int sd_b64_decode(uint8_t *out, size_t outcap, size_t *outlen,
    const char *in, size_t inlen);
int sd_hex_encode(char *out, size_t outcap, const uint8_t *in, size_t n);
int sd_hex_decode(uint8_t *out, size_t outcap, size_t *outlen,
    const char *in, size_t inlen);
int sd_b32_encode(char *out, size_t outcap, const uint8_t *in, size_t n);

/* 1 when s[0..len) is well-formed UTF-8 (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF), else 0 with *bad (may be NULL) the
 * offset of the first byte that is not. */
int sd_utf8_valid(const uint8_t *s, size_t len, size_t *bad);
/* For a message about s[off]: its line (from 1) and column (characters
 * from 1) in s, whose bytes before off are well-formed UTF-8. */
void sd_text_position(const uint8_t *s, size_t off, size_t *line,
    size_t *column);

/* Today's UTC date as "YYYY-MM-DD" (out holds 11 bytes). SEALDROP_TODAY in
 * the environment overrides it, so tests can move the clock. */
void sd_today(char out[11]);
/* 1 when s is a real calendar date "YYYY-MM-DD", else 0 */
int sd_date_valid(const char *s);

#endif
