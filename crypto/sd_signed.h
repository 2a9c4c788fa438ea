/* Signed JSON documents: {"format": F, "body": b64(bytes), "signature":
 * b64(Ed25519(bytes)), "<keyfield>": b64(pk)}. The channel descriptor and the
 * purge ack are such documents. The signature is checked over the exact body
 * bytes before they are parsed. */
#ifndef SD_SIGNED_H
#define SD_SIGNED_H

#include <stddef.h>
#include <stdint.h>

#include "sd_keys.h"

#define SD_SIGNED_MAX (1024 * 1024)   /* whole document */

/* Sign body with k; *out is a malloc'ed NUL-terminated JSON text. */
int sd_signed_create(const char *format, const char *keyfield,
    const sd_seckey *k, const uint8_t *body, size_t bodylen, char **out,
    size_t *outlen);
/* Verify and return the body (malloc'ed, NUL-terminated). When pinned is
 * non-NULL the document's key must equal it (else SD_E_AUTHORITY); the
 * signer's key is copied to signer when non-NULL. */
int sd_signed_open(const char *format, const char *keyfield, const char *doc,
    size_t doclen, const uint8_t *pinned, uint8_t signer[SD_PK_BYTES],
    uint8_t **body, size_t *bodylen);

/* The same with another limit on the whole document (the body may take
 * half of it), for documents that carry attachments: follow-up messages
 * and outbox batches. The channel descriptor and the purge ack keep
 * SD_SIGNED_MAX through the two functions above. */
int sd_signed_create_max(const char *format, const char *keyfield,
    const sd_seckey *k, const uint8_t *body, size_t bodylen, size_t max,
    char **out, size_t *outlen);
int sd_signed_open_max(const char *format, const char *keyfield,
    const char *doc, size_t doclen, size_t max, const uint8_t *pinned,
    uint8_t signer[SD_PK_BYTES], uint8_t **body, size_t *bodylen);
/* The body of a well-formed document WITHOUT checking its signature, so
 * that a message which fails verification can be shown as not verified.
 * Never act on what it returns as if it were signed. */
int sd_signed_body_unverified(const char *format, const char *keyfield,
    const char *doc, size_t doclen, size_t max, uint8_t signer[SD_PK_BYTES],
    uint8_t **body, size_t *bodylen);

#endif
