#include "sd_open.h"
#include "sd_err.h"
#include "sd_mem.h"
#include "sd_pad.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define SS_ABYTES crypto_secretstream_xchacha20poly1305_ABYTES
#define SECTION_KEY crypto_secretstream_xchacha20poly1305_KEYBYTES
#define SEALED_KEY (SECTION_KEY + crypto_box_SEALBYTES)

static int
unseal_key(const struct sd_section_view *s, const sd_seckey *k, uint8_t *key)
{
	uint8_t id[SD_KEY_ID_BYTES];
	size_t i;

	sd_key_id(id, sd_seckey_pk(k));
	for (i = 0; i < s->n_recipients; i++) {
		const uint8_t *r = s->recipients + i * SD_ENV_RECIPIENT_LEN;
		if (memcmp(r, id, SD_KEY_ID_BYTES) != 0)
			continue;
		if (crypto_box_seal_open(key, r + SD_KEY_ID_BYTES, SEALED_KEY,
		    sd_seckey_pk(k), sd_seckey_sk(k)) != 0)
			return SD_E_UNSEAL;
		return SD_OK;
	}
	return SD_E_NO_KEY;
}

static int
pull_body(crypto_secretstream_xchacha20poly1305_state *st,
    const struct sd_envelope_view *v, const struct sd_section_view *s,
    uint8_t *plain)
{
	uint8_t ad[SD_ENV_HEADER_LEN + 1 + 2 + 255 * SD_ENV_RECIPIENT_LEN + 24 + 8];
	const uint8_t *c = s->body, *end = s->body + s->body_len;
	size_t clen;
	uint8_t tag;
	int first = 1;

	memcpy(ad, v->header, SD_ENV_HEADER_LEN);
	ad[SD_ENV_HEADER_LEN] = (uint8_t)s->index;
	memcpy(ad + SD_ENV_HEADER_LEN + 1, s->start, s->prefix_len);
	while (c < end) {
		clen = (size_t)(end - c) > SD_ENV_CHUNK_CT ? SD_ENV_CHUNK_CT :
		    (size_t)(end - c);
		if (crypto_secretstream_xchacha20poly1305_pull(st, plain, NULL, &tag,
		    c, clen, first ? ad : NULL,
		    first ? SD_ENV_HEADER_LEN + 1 + s->prefix_len : 0) != 0)
			return SD_E_DECRYPT;
		/* the last chunk is final, every other one a plain message */
		if (tag != (c + clen == end ?
		    crypto_secretstream_xchacha20poly1305_TAG_FINAL :
		    crypto_secretstream_xchacha20poly1305_TAG_MESSAGE))
			return SD_E_DECRYPT;
		first = 0;
		c += clen;
		plain += clen - SS_ABYTES;
	}
	return SD_OK;
}

int
sd_envelope_open_section_into(const struct sd_envelope_view *v, size_t idx,
    const sd_seckey *k, uint8_t *buf, size_t cap, size_t *plainlen)
{
	crypto_secretstream_xchacha20poly1305_state st;
	const struct sd_section_view *s;
	uint8_t key[SECTION_KEY];
	size_t chunks, padded, len = 0;
	int rc;

	*plainlen = 0;
	if (idx >= v->n_sections)
		return SD_E_INVAL;
	if (!sd_role_is_box(sd_seckey_role(k)))
		return SD_E_ROLE;
	s = &v->sec[idx];
	padded = s->padded;
	chunks = (padded + SD_ENV_CHUNK - 1) / SD_ENV_CHUNK;
	if (padded == 0 || s->body_len != padded + chunks * SS_ABYTES)
		return SD_E_INVAL;     /* not a view sd_envelope_parse made */
	if (cap < padded + 1)
		return SD_E_TOOBIG;
	if ((rc = unseal_key(s, k, key)) != SD_OK)
		goto out;
	if (crypto_secretstream_xchacha20poly1305_init_pull(&st, s->ss_header, key) != 0) {
		rc = SD_E_DECRYPT;
		goto out;
	}
	if ((rc = pull_body(&st, v, s, buf)) != SD_OK ||
	    (rc = sd_unpad(buf, padded, &len)) != SD_OK) {
		sodium_memzero(buf, padded);
		goto out;
	}
	buf[len] = '\0';
	*plainlen = len;
out:
	sodium_memzero(&st, sizeof(st));
	sodium_memzero(key, sizeof(key));
	return rc;
}

int
sd_envelope_open_section(const struct sd_envelope_view *v, size_t idx,
    const sd_seckey *k, uint8_t **plain, size_t *plainlen)
{
	uint8_t *p = NULL;
	size_t cap;
	int rc;

	*plain = NULL;
	*plainlen = 0;
	if (idx >= v->n_sections)
		return SD_E_INVAL;
	cap = v->sec[idx].padded + 1;
	if ((p = sd_secret_alloc(cap)) == NULL)
		return SD_E_NOMEM;
	if ((rc = sd_envelope_open_section_into(v, idx, k, p, cap, plainlen)) != SD_OK) {
		sd_secret_free(p);
		return rc;
	}
	*plain = p;
	return SD_OK;
}

int
sd_attachment_split(const uint8_t *plain, size_t len, const uint8_t **meta,
    size_t *metalen, const uint8_t **file, size_t *filelen)
{
	uint32_t m;

	if (len < 4)
		return SD_E_FORMAT;
	m = (uint32_t)plain[0] | (uint32_t)plain[1] << 8 |
	    (uint32_t)plain[2] << 16 | (uint32_t)plain[3] << 24;
	if (m == 0 || m > SD_ATTACHMENT_META_MAX || m > len - 4)
		return SD_E_FORMAT;
	*meta = plain + 4;
	*metalen = m;
	*file = plain + 4 + m;
	*filelen = len - 4 - m;
	return SD_OK;
}
