/* Opening envelopes whose sealing is sound but whose plaintext is not: a
 * malicious submitter holds the channel's public keys and can seal anything.
 * The input describes the sections,
 *
 *   section = flags:u8 | type:u8 | len:u16 (little-endian) | bytes[len]
 *
 * up to seven of them. With bit 0 of flags the bytes are padded as the
 * format says; without it they are the padded plaintext itself (zeros
 * appended up to a padded size), so non-canonical padding reaches the
 * opener. The target seals them to the keys of tests/vectors and runs what
 * the analyst tool runs on the result. When every section is well-formed
 * and in order, the envelope must parse, pass the channel check and open to
 * exactly the bytes that were sealed. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "fuzz_common_open.h"
#include "sd_channel.h"
#include "sd_envelope.h"
#include "sd_err.h"
#include "sd_le.h"
#include "sd_mem.h"
#include "sd_open.h"
#include "sd_pad.h"

#define SS_HEADER crypto_secretstream_xchacha20poly1305_HEADERBYTES
#define SS_ABYTES crypto_secretstream_xchacha20poly1305_ABYTES
#define MAX_PADDED (256 * 1024)

struct sec {
	int canonical;
	uint8_t type;
	const uint8_t *plain;     /* as given */
	size_t len;
	uint8_t *padded;
	size_t plen;
};

static size_t
plain_max(uint8_t t)
{
	switch (t) {
	case SD_SEC_STATS: return SD_STATS_MAX;
	case SD_SEC_DETAILS: return SD_DETAILS_MAX;
	case SD_SEC_ATTACHMENT:
		return 4 + SD_ATTACHMENT_META_MAX + SD_ATTACHMENT_FILE_MAX;
	default: return 0;
	}
}

/* Split the input; returns the number of sections. */
static size_t
read_sections(const uint8_t *d, size_t n, struct sec *s)
{
	size_t k = 0, o = 0;

	while (k < SD_ENV_MAX_SECTIONS && n - o >= 4) {
		size_t len = (size_t)d[o + 2] | (size_t)d[o + 3] << 8;
		if (len > n - o - 4)
			len = n - o - 4;
		s[k].canonical = d[o] & 1;
		s[k].type = d[o + 1];
		s[k].plain = d + o + 4;
		s[k].len = len;
		if (s[k].canonical)
			s[k].plen = sd_pad_size(len);
		else
			s[k].plen = sd_pad_size(len > 0 ? len - 1 : 0);
		if (s[k].plen > MAX_PADDED)
			break;
		if ((s[k].padded = calloc(1, s[k].plen)) == NULL)
			abort();
		if (len > 0)
			memcpy(s[k].padded, s[k].plain, len);
		if (s[k].canonical)
			sd_pad(s[k].padded, len, s[k].plen);
		o += 4 + len;
		k++;
	}
	return k;
}

/* Would sd_envelope_parse take this list of sections? */
static int
well_formed(const struct sec *s, size_t n)
{
	size_t i, att = 0;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++) {
		if (!s[i].canonical || s[i].len > plain_max(s[i].type))
			return 0;
		if (i == 0 ? s[i].type != SD_SEC_STATS :
		    s[i].type == SD_SEC_DETAILS ? i != 1 :
		    s[i].type == SD_SEC_ATTACHMENT ? ++att > SD_ENV_MAX_ATTACHMENTS : 1)
			return 0;
	}
	return 1;
}

static size_t
body_len(size_t plen)
{
	return plen + (plen + SD_ENV_CHUNK - 1) / SD_ENV_CHUNK * SS_ABYTES;
}

static uint8_t *
seal(const struct sec *s, size_t n, size_t *outlen)
{
	const sd_seckey *st = fz_key(SD_ROLE_STATS, FZ_STATS_BYTE);
	const sd_seckey *de = fz_key(SD_ROLE_DETAILS, FZ_DETAILS_BYTE);
	crypto_secretstream_xchacha20poly1305_state ss;
	uint8_t key[32], ad[SD_ENV_HEADER_LEN + 1 + 2 + SD_ENV_RECIPIENT_LEN + SS_HEADER + 8];
	size_t total = SD_ENV_HEADER_LEN, i, off, prefix = 2 + SD_ENV_RECIPIENT_LEN + SS_HEADER + 8;
	uint8_t *buf, *p;

	for (i = 0; i < n; i++)
		total += prefix + body_len(s[i].plen);
	if ((buf = malloc(total)) == NULL)
		abort();
	memcpy(buf, SD_ENV_MAGIC, 4);
	buf[4] = SD_ENV_VERSION;
	buf[5] = (uint8_t)n;
	memcpy(buf + 6, sd_channel_id(fz_vector_channel()), SD_CHANNEL_ID_BYTES);
	memset(buf + 22, 0x5a, SD_ENV_NONCE_BYTES);
	p = buf + SD_ENV_HEADER_LEN;
	for (i = 0; i < n; i++) {
		const sd_seckey *k = s[i].type == SD_SEC_STATS ? st : de;
		uint8_t *start = p;
		randombytes_buf(key, sizeof(key));
		p[0] = s[i].type;
		p[1] = 1;
		sd_key_id(p + 2, sd_seckey_pk(k));
		if (crypto_box_seal(p + 2 + SD_KEY_ID_BYTES, key, sizeof(key),
		    sd_seckey_pk(k)) != 0)
			abort();
		p += 2 + SD_ENV_RECIPIENT_LEN;
		crypto_secretstream_xchacha20poly1305_init_push(&ss, p, key);
		p += SS_HEADER;
		sd_put_u64(p, body_len(s[i].plen));
		p += 8;
		memcpy(ad, buf, SD_ENV_HEADER_LEN);
		ad[SD_ENV_HEADER_LEN] = (uint8_t)i;
		memcpy(ad + SD_ENV_HEADER_LEN + 1, start, prefix);
		for (off = 0; off < s[i].plen; off += SD_ENV_CHUNK) {
			size_t c = s[i].plen - off > SD_ENV_CHUNK ? SD_ENV_CHUNK :
			    s[i].plen - off;
			crypto_secretstream_xchacha20poly1305_push(&ss, p, NULL,
			    s[i].padded + off, c, off == 0 ? ad : NULL,
			    off == 0 ? sizeof(ad) : 0, off + c == s[i].plen ?
			    crypto_secretstream_xchacha20poly1305_TAG_FINAL :
			    crypto_secretstream_xchacha20poly1305_TAG_MESSAGE);
			p += c + SS_ABYTES;
		}
	}
	if ((size_t)(p - buf) != total)
		abort();
	*outlen = total;
	return buf;
}

/* A well-formed envelope opens to what was sealed. */
static void
round_trip(const struct sd_envelope_view *v, const struct sec *s, size_t n)
{
	const sd_seckey *st = fz_key(SD_ROLE_STATS, FZ_STATS_BYTE);
	const sd_seckey *de = fz_key(SD_ROLE_DETAILS, FZ_DETAILS_BYTE);
	uint8_t *plain = NULL;
	size_t i, len = 0;

	for (i = 0; i < n; i++) {
		if (sd_envelope_open_section(v, i, s[i].type == SD_SEC_STATS ? st : de,
		    &plain, &len) != SD_OK || len != s[i].len ||
		    (len > 0 && memcmp(plain, s[i].plain, len) != 0))
			abort();
		sd_secret_free(plain);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sec s[SD_ENV_MAX_SECTIONS];
	struct sd_envelope_view v;
	size_t n, i, envlen = 0, first_len = 0;
	uint8_t *env;
	int ok;

	fz_init();
	memset(s, 0, sizeof(s));
	n = read_sections(data, size, s);
	if (n == 0)
		return 0;
	env = seal(s, n, &envlen);
	ok = well_formed(s, n);
	if (sd_envelope_parse(env, envlen, &v) == SD_OK) {
		if (sd_envelope_check_channel(&v, fz_vector_channel()) != SD_OK)
			abort();
		if (ok)
			round_trip(&v, s, n);
		fz_open_all(&v);
	} else if (ok)
		abort();
	if (sd_envelope_parse_first(env, envlen, &v, &first_len) == SD_OK)
		fz_open_stats_prefix(env, first_len);
	free(env);
	for (i = 0; i < n; i++)
		free(s[i].padded);
	return 0;
}
