/* Padding of section plaintext (PRODUCT.md section 3): 0x80 then zeros up to
 * P = 1024 for short inputs, else padme(len + 1). */
#ifndef SD_PAD_H
#define SD_PAD_H

#include <stddef.h>
#include <stdint.h>

/* padme(l) itself (l >= 2), for other padded blobs; 0 on overflow */
size_t sd_padme(size_t l);
/* padded size P for a plaintext of len bytes; 0 on overflow */
size_t sd_pad_size(size_t len);
/* pad in place: buf holds len plaintext bytes and has room for
 * sd_pad_size(len). */
void sd_pad(uint8_t *buf, size_t len, size_t padded);
/* Canonical unpadding: the marker must be where sd_pad_size() puts the
 * end for that length. SD_OK with *len set, or SD_E_PADDING. */
int sd_unpad(const uint8_t *buf, size_t padded, size_t *len);

#endif
