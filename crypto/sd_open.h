/* Opening sections of an envelope: analyst side only. The intake server must
 * never link this (a test checks its binary). */
#ifndef SD_OPEN_H
#define SD_OPEN_H

#include <stddef.h>
#include <stdint.h>

#include "sd_envelope.h"
#include "sd_keys.h"

/* Open section idx of a parsed envelope with an X25519 secret key. On
 * success *plain is sd_secret_alloc'ed (free with sd_secret_free) and holds
 * *plainlen unpadded bytes followed by a NUL. SD_E_NO_KEY when the key is not
 * a recipient, SD_E_UNSEAL, SD_E_DECRYPT, SD_E_PADDING, SD_E_ROLE. */
int sd_envelope_open_section(const struct sd_envelope_view *v, size_t idx,
    const sd_seckey *key, uint8_t **plain, size_t *plainlen);

/* The same into buf (cap >= v->sec[idx].padded + 1 bytes), which the caller
 * allocates once in guarded memory and reuses: for opening many sections. */
int sd_envelope_open_section_into(const struct sd_envelope_view *v, size_t idx,
    const sd_seckey *key, uint8_t *buf, size_t cap, size_t *plainlen);

/* Split an attachment plaintext: meta_len:u32 | meta JSON | file bytes. */
int sd_attachment_split(const uint8_t *plain, size_t len, const uint8_t **meta,
    size_t *metalen, const uint8_t **file, size_t *filelen);

#endif
