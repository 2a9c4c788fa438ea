/* The organisation code of PRODUCT.md section 9 and the reporter pseudonym
 * derived from it. An organisation keeps one random 32-byte secret; every
 * sealer (the CLI, the browser, the server for a form post without
 * JavaScript) derives the same pseudonym from it:
 *
 *   reporter = hex of BLAKE2b-256(key = secret, message = "sealdrop.reporter/1")
 *
 * so that analysts count one organisation once without learning which one
 * it is. The code is how a person carries the secret: base32 (RFC 4648, lower
 * case) of the secret and two check bytes, in 11 groups of 5 letters joined
 * by '-'. The check bytes are the first two of BLAKE2b-256(key = secret,
 * message = "sealdrop.orgcode/1"); they catch a mistyped code before it
 * silently becomes another organisation's pseudonym. */
#ifndef SD_ORG_H
#define SD_ORG_H

#include <stddef.h>
#include <stdint.h>

#define SD_ORG_SECRET_BYTES 32
#define SD_REPORTER_LABEL "sealdrop.reporter/1"
#define SD_ORG_CODE_LABEL "sealdrop.orgcode/1"
#define SD_REPORTER_HEX 65          /* 64 hex digits and the NUL */
#define SD_ORG_CODE_CHARS 55        /* base32 of 34 bytes */
#define SD_ORG_CODE_GROUP 5
#define SD_ORG_CODE_LEN 66          /* 55 letters, 10 dashes and the NUL */
/* Longest text a parser looks at: a code with generous spacing. */
#define SD_ORG_CODE_INPUT_MAX 200

void sd_reporter_derive(char reporter[SD_REPORTER_HEX],
    const uint8_t secret[SD_ORG_SECRET_BYTES]);

/* The code of a secret. */
void sd_org_code_encode(char code[SD_ORG_CODE_LEN],
    const uint8_t secret[SD_ORG_SECRET_BYTES]);

/* The secret of a code as a person may type it: upper or lower case, with
 * or without the dashes, spaces anywhere. SD_OK; SD_E_FORMAT when it is not
 * a code (wrong length or letters); SD_E_SIGNATURE when the check bytes do
 * not match (a typing mistake). secret is wiped on failure. */
int sd_org_code_parse(const char *text, size_t len,
    uint8_t secret[SD_ORG_SECRET_BYTES]);

#endif
