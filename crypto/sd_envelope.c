#include "sd_envelope.h"
#include "sd_err.h"
#include "sd_le.h"
#include "sd_mem.h"
#include "sd_pad.h"
#include "sd_encode.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SS_HEADER crypto_secretstream_xchacha20poly1305_HEADERBYTES
#define SS_ABYTES crypto_secretstream_xchacha20poly1305_ABYTES
#define SECTION_KEY crypto_secretstream_xchacha20poly1305_KEYBYTES
#define SEALED_KEY (SECTION_KEY + crypto_box_SEALBYTES)
#define AD_MAX (SD_ENV_HEADER_LEN + 1 + 2 + 255 * SD_ENV_RECIPIENT_LEN + SS_HEADER + 8)

enum sd_role
sd_section_reader(enum sd_section_type t)
{
	return t == SD_SEC_STATS ? SD_ROLE_STATS : SD_ROLE_DETAILS;
}

uint64_t
sd_body_len(size_t padded)
{
	uint64_t chunks = ((uint64_t)padded + SD_ENV_CHUNK - 1) / SD_ENV_CHUNK;

	return (uint64_t)padded + chunks * SS_ABYTES;
}

static size_t
plain_max(enum sd_section_type t)
{
	switch (t) {
	case SD_SEC_STATS: return SD_STATS_MAX;
	case SD_SEC_DETAILS: return SD_DETAILS_MAX;
	case SD_SEC_ATTACHMENT:
		return 4 + SD_ATTACHMENT_META_MAX + SD_ATTACHMENT_FILE_MAX;
	}
	return 0;
}

/* Stats first, details (optional) second, then attachments. */
static int
order_ok(size_t idx, enum sd_section_type t, size_t *attachments)
{
	if (idx == 0)
		return t == SD_SEC_STATS;
	if (t == SD_SEC_DETAILS)
		return idx == 1;
	if (t == SD_SEC_ATTACHMENT)
		return ++*attachments <= SD_ENV_MAX_ATTACHMENTS;
	return 0;
}

/* Additional data of a section's first chunk: the header, the section's
 * index and its own bytes from type through body_len. */
static size_t
first_ad(uint8_t *ad, const uint8_t *header, size_t idx, const uint8_t *sec,
    size_t prefix_len)
{
	memcpy(ad, header, SD_ENV_HEADER_LEN);
	ad[SD_ENV_HEADER_LEN] = (uint8_t)idx;
	memcpy(ad + SD_ENV_HEADER_LEN + 1, sec, prefix_len);
	return SD_ENV_HEADER_LEN + 1 + prefix_len;
}

/* Encrypt one section's padded plaintext into body, chunk by chunk. Whole
 * chunks of plaintext are encrypted where they are; only the chunk that
 * holds the padding is assembled, in scratch (guarded memory). */
static void
push_body(crypto_secretstream_xchacha20poly1305_state *st, const uint8_t *ad,
    size_t adlen, const uint8_t *data, size_t len, size_t padded, uint8_t *body,
    uint8_t *scratch)
{
	const uint8_t *m;
	size_t off = 0, n, have;

	while (off < padded) {
		n = padded - off > SD_ENV_CHUNK ? SD_ENV_CHUNK : padded - off;
		if (off + n <= len)
			m = data + off;
		else {
			have = off < len ? len - off : 0;
			memcpy(scratch, data + off, have);
			memset(scratch + have, 0, n - have);
			if (off <= len)
				scratch[len - off] = 0x80;
			m = scratch;
		}
		crypto_secretstream_xchacha20poly1305_push(st, body, NULL, m, n,
		    off == 0 ? ad : NULL, off == 0 ? adlen : 0,
		    off + n == padded ? crypto_secretstream_xchacha20poly1305_TAG_FINAL :
		    crypto_secretstream_xchacha20poly1305_TAG_MESSAGE);
		if (m == scratch)
			sodium_memzero(scratch, n);
		body += n + SS_ABYTES;
		off += n;
	}
}

/* Guarded memory costs system calls (mmap, mprotect, and a TLB flush on
 * every core when it is released), more than sealing a report. Each thread
 * that seals keeps one guarded block for the section key and the padded
 * last chunk, wiped after every use and released when the thread ends. */
#define WORKSPACE (SECTION_KEY + SD_ENV_CHUNK)

static pthread_key_t ws_key;
static pthread_once_t ws_once = PTHREAD_ONCE_INIT;
static int ws_ready;

static void
ws_release(void *p)
{
	sd_secret_free(p);
}

/* the main thread's block is not released by the key's destructor */
static void
ws_release_main(void)
{
	void *p = pthread_getspecific(ws_key);

	if (p != NULL) {
		pthread_setspecific(ws_key, NULL);
		sd_secret_free(p);
	}
}

static void
ws_init(void)
{
	ws_ready = pthread_key_create(&ws_key, ws_release) == 0 &&
	    atexit(ws_release_main) == 0;
}

static uint8_t *
ws_get(void)
{
	uint8_t *p;

	if (pthread_once(&ws_once, ws_init) != 0 || !ws_ready)
		return NULL;
	if ((p = pthread_getspecific(ws_key)) != NULL)
		return p;
	if ((p = sd_secret_alloc(WORKSPACE)) != NULL &&
	    pthread_setspecific(ws_key, p) != 0) {
		sd_secret_free(p);
		p = NULL;
	}
	return p;
}

static uint8_t *
seal_section(const sd_channel *ch, const uint8_t *header, size_t idx,
    const struct sd_section_in *s, uint8_t *p, uint8_t *key, uint8_t *scratch,
    int *rc)
{
	const struct sd_recipient *r;
	crypto_secretstream_xchacha20poly1305_state st;
	uint8_t ad[AD_MAX], *start = p;
	size_t nr, i, padded = sd_pad_size(s->len), prefix;
	enum sd_role reader = sd_section_reader(s->type);

	r = sd_channel_recipients(ch, &nr);
	/* randomness is drawn in this order: key, stream header, then one
	 * ephemeral key per recipient (docs/envelope.md) */
	randombytes_buf(key, SECTION_KEY);
	*p++ = (uint8_t)s->type;
	*p++ = (uint8_t)sd_channel_count_role(ch, reader);
	prefix = 2 + (size_t)start[1] * SD_ENV_RECIPIENT_LEN + SS_HEADER + 8;
	crypto_secretstream_xchacha20poly1305_init_push(&st,
	    start + 2 + (size_t)start[1] * SD_ENV_RECIPIENT_LEN, key);
	*rc = SD_OK;
	for (i = 0; i < nr; i++) {
		if (r[i].role != reader)
			continue;
		memcpy(p, r[i].key_id, SD_KEY_ID_BYTES);
		if (crypto_box_seal(p + SD_KEY_ID_BYTES, key, SECTION_KEY, r[i].pk) != 0) {
			*rc = SD_E_INVAL;
			goto out;
		}
		p += SD_ENV_RECIPIENT_LEN;
	}
	p += SS_HEADER;
	sd_put_u64(p, sd_body_len(padded));
	p += 8;
	first_ad(ad, header, idx, start, prefix);
	push_body(&st, ad, SD_ENV_HEADER_LEN + 1 + prefix, s->data, s->len, padded,
	    p, scratch);
	p += sd_body_len(padded);
out:
	sodium_memzero(&st, sizeof(st));
	sodium_memzero(key, SECTION_KEY);
	return *rc == SD_OK ? p : NULL;
}

int
sd_envelope_seal(const sd_channel *ch, const struct sd_section_in *sec,
    size_t n, uint8_t **out, size_t *outlen)
{
	uint8_t *buf = NULL, *p, *secret = NULL;
	size_t i, total = SD_ENV_HEADER_LEN, attachments = 0, nr;
	int rc = SD_E_INVAL;

	*out = NULL;
	*outlen = 0;
	if (n == 0 || n > SD_ENV_MAX_SECTIONS)
		return SD_E_SECTIONS;
	for (i = 0; i < n; i++) {
		if (!order_ok(i, sec[i].type, &attachments))
			return SD_E_SECTIONS;
		if (sec[i].len > plain_max(sec[i].type))
			return SD_E_TOOBIG;
		nr = sd_channel_count_role(ch, sd_section_reader(sec[i].type));
		if (nr == 0 || nr > 255)
			return SD_E_RECIPIENTS;
		total += 2 + nr * SD_ENV_RECIPIENT_LEN + SS_HEADER + 8 +
		    sd_body_len(sd_pad_size(sec[i].len));
	}
	if (total > SD_ENVELOPE_MAX)
		return SD_E_TOOBIG;
	if ((buf = malloc(total)) == NULL || (secret = ws_get()) == NULL) {
		free(buf);
		return SD_E_NOMEM;
	}
	memcpy(buf, SD_ENV_MAGIC, 4);
	buf[4] = SD_ENV_VERSION;
	buf[5] = (uint8_t)n;
	memcpy(buf + 6, sd_channel_id(ch), SD_CHANNEL_ID_BYTES);
	randombytes_buf(buf + 22, SD_ENV_NONCE_BYTES);
	p = buf + SD_ENV_HEADER_LEN;
	for (i = 0; i < n; i++)
		if ((p = seal_section(ch, buf, i, &sec[i], p, secret,
		    secret + SECTION_KEY, &rc)) == NULL)
			goto fail;
	*out = buf;
	*outlen = total;
	return SD_OK;
fail:
	free(buf);
	return rc;
}

/* A body length is valid when it is the ciphertext of a canonical padded
 * length: P = 1024, or P > 1024 with padme(P) == P. */
static int
body_len_ok(uint64_t body_len, enum sd_section_type t, size_t *padded)
{
	uint64_t chunks = (body_len + SD_ENV_CHUNK_CT - 1) / SD_ENV_CHUNK_CT;
	uint64_t p;

	if (chunks == 0 || body_len < chunks * SS_ABYTES)
		return 0;
	p = body_len - chunks * SS_ABYTES;
	if (p <= (chunks - 1) * SD_ENV_CHUNK || p > chunks * SD_ENV_CHUNK)
		return 0;
	if (p > sd_pad_size(plain_max(t)))
		return 0;
	if (p != 1024 && (p < 1024 || sd_pad_size((size_t)p - 1) != p))
		return 0;
	*padded = (size_t)p;
	return 1;
}

static int
parse_header(const uint8_t *buf, size_t len, struct sd_envelope_view *v)
{
	memset(v, 0, sizeof(*v));
	if (len > SD_ENVELOPE_MAX)
		return SD_E_TOOBIG;
	if (len < 4 || memcmp(buf, SD_ENV_MAGIC, 4) != 0)
		return SD_E_MAGIC;
	if (len < SD_ENV_HEADER_LEN)
		return SD_E_TRUNCATED;
	if (buf[4] != SD_ENV_VERSION)
		return SD_E_VERSION;
	v->header = buf;
	v->n_sections = buf[5];
	v->channel_id = buf + 6;
	v->nonce = buf + 22;
	if (v->n_sections == 0 || v->n_sections > SD_ENV_MAX_SECTIONS)
		return SD_E_SECTIONS;
	return SD_OK;
}

/* Section i at *off; advances *off past it. */
static int
parse_section(const uint8_t *buf, size_t len, size_t *off, size_t i,
    size_t *attachments, struct sd_section_view *s)
{
	size_t o = *off;

	if (len - o < 2)
		return SD_E_TRUNCATED;
	s->index = i;
	s->start = buf + o;
	s->type = (enum sd_section_type)buf[o];
	s->n_recipients = buf[o + 1];
	if (!order_ok(i, s->type, attachments) || s->n_recipients == 0)
		return SD_E_SECTIONS;
	s->prefix_len = 2 + (size_t)s->n_recipients * SD_ENV_RECIPIENT_LEN +
	    SS_HEADER + 8;
	if (len - o < s->prefix_len)
		return SD_E_TRUNCATED;
	s->recipients = buf + o + 2;
	s->ss_header = s->recipients + (size_t)s->n_recipients * SD_ENV_RECIPIENT_LEN;
	s->body_len = sd_get_u64(s->ss_header + SS_HEADER);
	if (!body_len_ok(s->body_len, s->type, &s->padded))
		return SD_E_LENGTH;
	o += s->prefix_len;
	if (len - o < s->body_len)
		return SD_E_TRUNCATED;
	s->body = buf + o;
	*off = o + (size_t)s->body_len;
	return SD_OK;
}

int
sd_envelope_parse(const uint8_t *buf, size_t len, struct sd_envelope_view *v)
{
	size_t off = SD_ENV_HEADER_LEN, i, attachments = 0;
	int rc;

	if ((rc = parse_header(buf, len, v)) != SD_OK)
		return rc;
	for (i = 0; i < v->n_sections; i++)
		if ((rc = parse_section(buf, len, &off, i, &attachments,
		    &v->sec[i])) != SD_OK)
			return rc;
	if (off != len)
		return SD_E_TRAILING;
	return SD_OK;
}

int
sd_envelope_parse_first(const uint8_t *buf, size_t len,
    struct sd_envelope_view *v, size_t *first_len)
{
	size_t off = SD_ENV_HEADER_LEN, attachments = 0;
	int rc;

	if ((rc = parse_header(buf, len, v)) != SD_OK ||
	    (rc = parse_section(buf, len, &off, 0, &attachments, &v->sec[0])) != SD_OK)
		return rc;
	if (first_len)
		*first_len = off;
	return SD_OK;
}

int
sd_envelope_check_channel(const struct sd_envelope_view *v,
    const sd_channel *ch)
{
	const struct sd_recipient *r;
	size_t i, j, k, nr;
	enum sd_role reader;

	if (sodium_memcmp(v->channel_id, sd_channel_id(ch), SD_CHANNEL_ID_BYTES) != 0)
		return SD_E_CHANNEL;
	r = sd_channel_recipients(ch, &nr);
	for (i = 0; i < v->n_sections; i++) {
		const struct sd_section_view *s = &v->sec[i];
		reader = sd_section_reader(s->type);
		if (s->n_recipients != sd_channel_count_role(ch, reader))
			return SD_E_RECIPIENTS;
		for (j = 0, k = 0; j < nr; j++) {
			if (r[j].role != reader)
				continue;
			if (memcmp(s->recipients + k * SD_ENV_RECIPIENT_LEN,
			    r[j].key_id, SD_KEY_ID_BYTES) != 0)
				return SD_E_RECIPIENTS;
			k++;
		}
	}
	return SD_OK;
}

void
sd_receipt_id(char out[SD_RECEIPT_LEN + 1], const uint8_t *env, size_t len)
{
	uint8_t h[32];

	crypto_generichash(h, sizeof(h), env, len, NULL, 0);
	sd_b32_encode(out, SD_RECEIPT_LEN + 1, h, SD_RECEIPT_BYTES);
}

int
sd_receipt_message(char *out, size_t cap, const char *receipt, const char *day)
{
	int n = snprintf(out, cap, "sealdrop-receipt/1 %s %s", receipt, day);

	return n < 0 || (size_t)n >= cap ? SD_E_INVAL : n;
}
