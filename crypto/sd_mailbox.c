#include "sd_mailbox.h"
#include "sd_encode.h"
#include "sd_err.h"
#include "sd_le.h"
#include "sd_mem.h"
#include "sd_pad.h"
#include "sd_signed.h"

#include <jansson.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define SEED_CONTEXT "sealdrop-mailbox/1"
#define ID_CONTEXT "sealdrop-mailbox-id/1"
#define CODE_CHARS 32                   /* base32 of 20 bytes */
#define BLOB_HEADER 9                   /* "SDMB" | version | count */

static const char b32_alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

static void
put_u32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static uint32_t
get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static void
random_hex(char out[SD_MSG_ID_HEX])
{
	uint8_t r[SD_MSG_ID_BYTES];

	randombytes_buf(r, sizeof(r));
	sd_hex_encode(out, SD_MSG_ID_HEX, r, sizeof(r));
}

/* exactly 2n lower-case hex characters */
static int
hex_field(const json_t *v, uint8_t *out, size_t n)
{
	size_t len = 0;

	if (!json_is_string(v) || json_string_length(v) != 2 * n)
		return SD_E_FORMAT;
	if (sd_hex_decode(out, n, &len, json_string_value(v), 2 * n) != SD_OK ||
	    len != n)
		return SD_E_FORMAT;
	return SD_OK;
}

static int
hex_str_ok(const char *s, size_t len, size_t n)
{
	size_t i;

	if (len != 2 * n)
		return 0;
	for (i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

static int
hex_ok(const json_t *v, size_t n)
{
	return json_is_string(v) &&
	    hex_str_ok(json_string_value(v), json_string_length(v), n);
}

/* --- follow-up code ------------------------------------------------------ */

void
sd_followup_draw(uint8_t f[SD_FOLLOWUP_BYTES])
{
	randombytes_buf(f, SD_FOLLOWUP_BYTES);
}

void
sd_followup_format(char out[SD_FOLLOWUP_CODE_CAP],
    const uint8_t f[SD_FOLLOWUP_BYTES])
{
	unsigned acc = 0, bits = 0;
	size_t i, o = 0, c = 0;

	memcpy(out, "FU", 2);
	o = 2;
	for (i = 0; i < SD_FOLLOWUP_BYTES; i++) {
		acc = (acc << 8) | f[i];
		bits += 8;
		while (bits >= 5) {
			if (c % 4 == 0)
				out[o++] = '-';
			out[o++] = b32_alpha[(acc >> (bits - 5)) & 31];
			bits -= 5;
			c++;
		}
		acc &= (1u << bits) - 1;
	}
	out[o] = '\0';
	sodium_memzero(&acc, sizeof(acc));
}

static int
b32_value(char ch)
{
	if (ch >= 'a' && ch <= 'z')
		ch = (char)(ch - 'a' + 'A');
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A';
	if (ch >= '2' && ch <= '7')
		return ch - '2' + 26;
	return -1;
}

static int
is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

int
sd_followup_parse(const char *code, size_t len, uint8_t f[SD_FOLLOWUP_BYTES])
{
	char digits[CODE_CHARS];
	size_t i = 0, end = len, n = 0, o = 0, k;
	unsigned acc = 0, bits = 0;
	int v, rc = SD_E_CODE;

	while (i < end && is_space(code[i]))
		i++;
	while (end > i && is_space(code[end - 1]))
		end--;
	/* "FU" then a separator; a code without it starts with its first group
	 * (base32 of F could itself begin with "FU", so the separator tells) */
	if (end - i >= 3 && (code[i] == 'F' || code[i] == 'f') &&
	    (code[i + 1] == 'U' || code[i + 1] == 'u') &&
	    (code[i + 2] == '-' || code[i + 2] == ' '))
		i += 3;
	for (; i < end; i++) {
		if (code[i] == '-' || code[i] == ' ') {
			/* separators only between groups of four */
			if (n == 0 || n % 4 != 0 || code[i - 1] == '-' ||
			    code[i - 1] == ' ')
				goto out;
			continue;
		}
		if (n == CODE_CHARS || (v = b32_value(code[i])) < 0)
			goto out;
		digits[n++] = (char)v;
	}
	if (n != CODE_CHARS || code[end - 1] == '-' || code[end - 1] == ' ')
		goto out;
	for (k = 0; k < CODE_CHARS; k++) {
		acc = (acc << 5) | (unsigned)digits[k];
		bits += 5;
		if (bits >= 8) {
			f[o++] = (uint8_t)(acc >> (bits - 8));
			bits -= 8;
			acc &= (1u << bits) - 1;
		}
	}
	rc = SD_OK;
out:
	if (rc != SD_OK)
		sodium_memzero(f, SD_FOLLOWUP_BYTES);
	sodium_memzero(digits, sizeof(digits));
	sodium_memzero(&acc, sizeof(acc));
	return rc;
}

/* --- mailbox keys -------------------------------------------------------- */

struct sd_mailbox {
	uint8_t sk[crypto_box_SECRETKEYBYTES];
	uint8_t pk[crypto_box_PUBLICKEYBYTES];
	uint8_t id[SD_MAILBOX_ID_BYTES];
};

void
sd_mailbox_seed(const uint8_t f[SD_FOLLOWUP_BYTES], uint8_t seed[32])
{
	crypto_generichash(seed, 32, (const uint8_t *)SEED_CONTEXT,
	    strlen(SEED_CONTEXT), f, SD_FOLLOWUP_BYTES);
}

void
sd_mailbox_id_of(const uint8_t pk[SD_PK_BYTES],
    uint8_t id[SD_MAILBOX_ID_BYTES])
{
	crypto_generichash_state st;
	uint8_t h[32];

	crypto_generichash_init(&st, NULL, 0, sizeof(h));
	crypto_generichash_update(&st, (const uint8_t *)ID_CONTEXT,
	    strlen(ID_CONTEXT));
	crypto_generichash_update(&st, pk, SD_PK_BYTES);
	crypto_generichash_final(&st, h, sizeof(h));
	memcpy(id, h, SD_MAILBOX_ID_BYTES);
}

int
sd_mailbox_derive(const uint8_t f[SD_FOLLOWUP_BYTES], sd_mailbox **out)
{
	sd_mailbox *mb;
	uint8_t *seed;

	*out = NULL;
	if ((mb = sd_secret_alloc(sizeof(*mb))) == NULL)
		return SD_E_NOMEM;
	if ((seed = sd_secret_alloc(crypto_box_SEEDBYTES)) == NULL) {
		sd_secret_free(mb);
		return SD_E_NOMEM;
	}
	sd_mailbox_seed(f, seed);
	crypto_box_seed_keypair(mb->pk, mb->sk, seed);
	sd_secret_free(seed);
	sd_mailbox_id_of(mb->pk, mb->id);
	*out = mb;
	return SD_OK;
}

void
sd_mailbox_free(sd_mailbox *mb)
{
	sd_secret_free(mb);
}

const uint8_t *
sd_mailbox_pk(const sd_mailbox *mb)
{
	return mb->pk;
}

const uint8_t *
sd_mailbox_id(const sd_mailbox *mb)
{
	return mb->id;
}

void
sd_mailbox_id_hex(const sd_mailbox *mb, char out[SD_MAILBOX_ID_HEX])
{
	sd_hex_encode(out, SD_MAILBOX_ID_HEX, mb->id, SD_MAILBOX_ID_BYTES);
}

/* --- messages ------------------------------------------------------------ */

struct sd_msg {
	int verified;
	const char *why;
	char id[SD_MSG_ID_HEX];
	char channel_id[SD_MSG_ID_HEX];
	char sent[11];
	char in_reply_to[SD_MSG_ID_HEX];
	int has_reply_to;
	char *text;
	size_t textlen;
	struct sd_msg_attachment att[SD_MSG_ATTACH_MAX];   /* views of own */
	struct {
		char *name, *media_type;
		uint8_t *data;
	} own[SD_MSG_ATTACH_MAX];
	size_t n_att;
};

static size_t
utf8_chars(const char *s, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return n;
}

int
sd_msg_name_ok(const char *name, size_t len)
{
	size_t i;

	if (len == 0 || len > SD_MSG_NAME_MAX ||
	    !sd_utf8_valid((const uint8_t *)name, len, NULL))
		return 0;
	if ((len == 1 && name[0] == '.') ||
	    (len == 2 && name[0] == '.' && name[1] == '.'))
		return 0;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c < 0x20 || c == 0x7f || c == '/' || c == '\\')
			return 0;
	}
	return 1;
}

static int
type_ok(const char *t, size_t len)
{
	size_t i;

	if (len == 0 || len > SD_MSG_TYPE_MAX)
		return 0;
	for (i = 0; i < len; i++)
		if (t[i] < 0x20 || t[i] > 0x7e)
			return 0;
	return 1;
}

static int
text_ok(const char *text, size_t len)
{
	return sd_utf8_valid((const uint8_t *)text, len, NULL) &&
	    memchr(text, '\0', len) == NULL &&
	    utf8_chars(text, len) <= SD_MSG_TEXT_MAX;
}

static int
spec_ok(const struct sd_msg_spec *s)
{
	size_t i, total = 0;

	if (s->channel_id == NULL || (s->text == NULL && s->textlen != 0) ||
	    !text_ok(s->text ? s->text : "", s->textlen) ||
	    s->n_attachments > SD_MSG_ATTACH_MAX ||
	    (s->sent && !sd_date_valid(s->sent)))
		return 0;
	if (s->in_reply_to && !hex_str_ok(s->in_reply_to, strlen(s->in_reply_to),
	    SD_MSG_ID_BYTES))
		return 0;
	for (i = 0; i < s->n_attachments; i++) {
		const struct sd_msg_attachment *a = &s->attachments[i];

		if (a->name == NULL || a->media_type == NULL ||
		    (a->data == NULL && a->len != 0) ||
		    !sd_msg_name_ok(a->name, strlen(a->name)) ||
		    !type_ok(a->media_type, strlen(a->media_type)) ||
		    a->len > SD_MSG_ATTACH_BYTES - total)
			return 0;
		total += a->len;
	}
	return 1;
}

static json_t *
b64_string(const uint8_t *p, size_t n)
{
	char *s;
	json_t *v;

	if ((s = malloc(SD_B64_LEN(n))) == NULL)
		return NULL;
	sd_b64_encode(s, SD_B64_LEN(n), p, n);
	v = json_string(s);
	free(s);
	return v;
}

static int
add(json_t *obj, const char *k, json_t *v)
{
	return v != NULL && json_object_set_new(obj, k, v) == 0 ? SD_OK :
	    SD_E_NOMEM;
}

static json_t *
msg_body(const struct sd_msg_spec *s, const uint8_t mailbox_pk[SD_PK_BYTES],
    const char *id)
{
	char ch[SD_MSG_ID_HEX], mb[SD_MAILBOX_ID_HEX], today[11];
	uint8_t mid[SD_MAILBOX_ID_BYTES];
	json_t *o, *arr, *a;
	size_t i;

	sd_hex_encode(ch, sizeof(ch), s->channel_id, 16);
	sd_mailbox_id_of(mailbox_pk, mid);
	sd_hex_encode(mb, sizeof(mb), mid, sizeof(mid));
	if (s->sent == NULL)
		sd_today(today);
	if ((o = json_object()) == NULL)
		return NULL;
	if (add(o, "format", json_string(SD_MSG_FORMAT)) ||
	    add(o, "id", json_string(id)) ||
	    add(o, "channel_id", json_string(ch)) ||
	    add(o, "mailbox", json_string(mb)) ||
	    add(o, "sent", json_string(s->sent ? s->sent : today)) ||
	    (s->in_reply_to &&
	    add(o, "in_reply_to", json_string(s->in_reply_to))) ||
	    add(o, "text", json_stringn(s->text ? s->text : "", s->textlen)))
		goto fail;
	if (s->n_attachments == 0)
		return o;
	if (add(o, "attachments", arr = json_array()) != SD_OK)
		goto fail;
	for (i = 0; i < s->n_attachments; i++) {
		const struct sd_msg_attachment *at = &s->attachments[i];

		if ((a = json_object()) == NULL || json_array_append_new(arr, a))
			goto fail;
		if (add(a, "name", json_string(at->name)) ||
		    add(a, "media_type", json_string(at->media_type)) ||
		    add(a, "data", b64_string(at->data ? at->data :
		    (const uint8_t *)"", at->len)))
			goto fail;
	}
	return o;
fail:
	json_decref(o);
	return NULL;
}

static char *
dump_compact(const json_t *obj, size_t *len)
{
	char *s = json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER);

	if (s)
		*len = strlen(s);
	return s;
}

static void
free_wiped(void *p, size_t len)
{
	if (p) {
		sodium_memzero(p, len);
		free(p);
	}
}

int
sd_msg_seal(const sd_seckey *ack, const uint8_t mailbox_pk[SD_PK_BYTES],
    const struct sd_msg_spec *spec, char id[SD_MSG_ID_HEX], uint8_t **sealed,
    size_t *sealedlen)
{
	char mid[SD_MSG_ID_HEX];
	char *bodytext = NULL, *doc = NULL;
	size_t bodylen = 0, doclen = 0, padded;
	uint8_t *buf = NULL, *out = NULL;
	json_t *body = NULL;
	int rc;

	*sealed = NULL;
	if (sd_seckey_role(ack) != SD_ROLE_ACK)
		return SD_E_ROLE;
	if (!spec_ok(spec))
		return SD_E_INVAL;
	random_hex(mid);
	rc = SD_E_NOMEM;
	if ((body = msg_body(spec, mailbox_pk, mid)) == NULL ||
	    (bodytext = dump_compact(body, &bodylen)) == NULL)
		goto out;
	if ((rc = sd_signed_create_max(SD_MSG_FORMAT, SD_MSG_KEYFIELD, ack,
	    (const uint8_t *)bodytext, bodylen, SD_MSG_SIGNED_MAX, &doc,
	    &doclen)) != SD_OK)
		goto out;
	rc = SD_E_TOOBIG;
	if (doclen > SD_MSG_SIGNED_MAX || (padded = sd_pad_size(doclen)) == 0 ||
	    padded + crypto_box_SEALBYTES > SD_MSG_SEALED_MAX)
		goto out;
	rc = SD_E_NOMEM;
	if ((buf = malloc(padded)) == NULL ||
	    (out = malloc(padded + crypto_box_SEALBYTES)) == NULL)
		goto out;
	memcpy(buf, doc, doclen);
	sd_pad(buf, doclen, padded);
	if (crypto_box_seal(out, buf, padded, mailbox_pk) != 0) {
		rc = SD_E_INVAL;   /* a public key of low order */
		goto out;
	}
	*sealed = out;
	*sealedlen = padded + crypto_box_SEALBYTES;
	out = NULL;
	if (id)
		memcpy(id, mid, SD_MSG_ID_HEX);
	rc = SD_OK;
out:
	free(out);
	free_wiped(buf, buf ? padded : 0);
	free_wiped(doc, doclen);
	free_wiped(bodytext, bodylen);
	json_decref(body);
	return rc;
}

static int
copy_str(const json_t *v, char *out, size_t cap)
{
	if (!json_is_string(v) || json_string_length(v) >= cap)
		return SD_E_FORMAT;
	memcpy(out, json_string_value(v), json_string_length(v) + 1);
	return SD_OK;
}

static int
parse_attachments(sd_msg *m, const json_t *arr)
{
	size_t i, total = 0, dlen;
	const json_t *a, *n, *t, *d;

	if (!json_is_array(arr) || json_array_size(arr) > SD_MSG_ATTACH_MAX)
		return SD_E_FORMAT;
	json_array_foreach(arr, i, a) {
		struct sd_msg_attachment *at = &m->att[i];
		uint8_t *data;
		char *name, *type;

		n = json_object_get(a, "name");
		t = json_object_get(a, "media_type");
		d = json_object_get(a, "data");
		if (!json_is_object(a) || json_object_size(a) != 3 ||
		    !json_is_string(n) || !json_is_string(t) || !json_is_string(d) ||
		    !sd_msg_name_ok(json_string_value(n), json_string_length(n)) ||
		    !type_ok(json_string_value(t), json_string_length(t)) ||
		    json_string_length(d) / 4 * 3 > SD_MSG_ATTACH_BYTES - total + 2)
			return SD_E_FORMAT;
		if ((data = malloc(json_string_length(d) / 4 * 3 + 1)) == NULL)
			return SD_E_NOMEM;
		m->own[i].data = data;
		at->data = data;
		m->n_att = i + 1;
		if (sd_b64_decode(data, json_string_length(d) / 4 * 3 + 1, &dlen,
		    json_string_value(d), json_string_length(d)) != SD_OK ||
		    dlen > SD_MSG_ATTACH_BYTES - total)
			return SD_E_FORMAT;
		at->len = dlen;
		total += dlen;
		if ((name = m->own[i].name = strdup(json_string_value(n))) == NULL ||
		    (type = m->own[i].media_type =
		    strdup(json_string_value(t))) == NULL)
			return SD_E_NOMEM;
		at->name = name;
		at->media_type = type;
	}
	return SD_OK;
}

/* The body of a message, strictly: exactly the fields of the format. */
static int
parse_body(sd_msg *m, const uint8_t *body, size_t len, uint8_t mailbox[16])
{
	static const char *const known[] = { "format", "id", "channel_id",
	    "mailbox", "sent", "in_reply_to", "text", "attachments" };
	const char *key;
	const json_t *v, *t;
	json_t *o;
	json_error_t jerr;
	size_t i;
	int rc = SD_E_FORMAT;

	o = json_loadb((const char *)body, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!json_is_object(o))
		goto out;
	json_object_foreach(o, key, v) {
		for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
			if (strcmp(key, known[i]) == 0)
				break;
		if (i == sizeof(known) / sizeof(known[0]))
			goto out;
	}
	v = json_object_get(o, "format");
	if (!json_is_string(v) || strcmp(json_string_value(v), SD_MSG_FORMAT))
		goto out;
	if (!hex_ok(json_object_get(o, "id"), SD_MSG_ID_BYTES) ||
	    !hex_ok(json_object_get(o, "channel_id"), 16) ||
	    hex_field(json_object_get(o, "mailbox"), mailbox, 16) != SD_OK ||
	    copy_str(json_object_get(o, "id"), m->id, sizeof(m->id)) ||
	    copy_str(json_object_get(o, "channel_id"), m->channel_id,
	    sizeof(m->channel_id)) ||
	    copy_str(json_object_get(o, "sent"), m->sent, sizeof(m->sent)) ||
	    !sd_date_valid(m->sent))
		goto out;
	if ((v = json_object_get(o, "in_reply_to")) != NULL) {
		if (!hex_ok(v, SD_MSG_ID_BYTES) ||
		    copy_str(v, m->in_reply_to, sizeof(m->in_reply_to)))
			goto out;
		m->has_reply_to = 1;
	}
	t = json_object_get(o, "text");
	if (!json_is_string(t) ||
	    !text_ok(json_string_value(t), json_string_length(t)))
		goto out;
	rc = SD_E_NOMEM;
	if ((m->text = malloc(json_string_length(t) + 1)) == NULL)
		goto out;
	m->textlen = json_string_length(t);
	memcpy(m->text, json_string_value(t), m->textlen + 1);
	rc = SD_OK;
	if ((v = json_object_get(o, "attachments")) != NULL)
		rc = parse_attachments(m, v);
out:
	json_decref(o);
	return rc;
}

int
sd_msg_open(const sd_mailbox *mb, const uint8_t ack_pk[SD_PK_BYTES],
    const uint8_t *sealed, size_t len, sd_msg **out)
{
	uint8_t signer[SD_PK_BYTES], mailbox[16];
	uint8_t *buf = NULL, *body = NULL;
	size_t plen = 0, doclen = 0, bodylen = 0;
	sd_msg *m = NULL;
	int rc;

	*out = NULL;
	if (len < SD_MSG_SEALED_MIN)
		return SD_E_FORMAT;
	if (len > SD_MSG_SEALED_MAX)
		return SD_E_TOOBIG;
	plen = len - crypto_box_SEALBYTES;
	if ((buf = malloc(plen)) == NULL || (m = calloc(1, sizeof(*m))) == NULL) {
		rc = SD_E_NOMEM;
		goto out;
	}
	rc = SD_E_UNSEAL;
	if (crypto_box_seal_open(buf, sealed, len, mb->pk, mb->sk) != 0)
		goto out;
	if ((rc = sd_unpad(buf, plen, &doclen)) != SD_OK)
		goto out;
	m->verified = 1;
	rc = sd_signed_open_max(SD_MSG_FORMAT, SD_MSG_KEYFIELD, (char *)buf,
	    doclen, SD_MSG_SIGNED_MAX, NULL, signer, &body, &bodylen);
	if (rc == SD_E_SIGNATURE) {
		m->verified = 0;
		m->why = "its signature does not verify";
		rc = sd_signed_body_unverified(SD_MSG_FORMAT, SD_MSG_KEYFIELD,
		    (char *)buf, doclen, SD_MSG_SIGNED_MAX, signer, &body,
		    &bodylen);
	}
	if (rc != SD_OK)
		goto out;
	if ((rc = parse_body(m, body, bodylen, mailbox)) != SD_OK)
		goto out;
	if (m->verified && sodium_memcmp(signer, ack_pk, SD_PK_BYTES) != 0) {
		m->verified = 0;
		m->why = "it is signed by another key than the channel's ack key";
	}
	if (m->verified && sodium_memcmp(mailbox, mb->id, 16) != 0) {
		m->verified = 0;
		m->why = "it is addressed to another mailbox";
	}
	*out = m;
	m = NULL;
out:
	sd_msg_free(m);
	free_wiped(body, bodylen);
	free_wiped(buf, buf ? plen : 0);
	return rc;
}

void
sd_msg_free(sd_msg *m)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < m->n_att; i++) {
		/* the names are the analysts' plaintext as much as the text */
		if (m->own[i].name != NULL)
			free_wiped(m->own[i].name, strlen(m->own[i].name));
		if (m->own[i].media_type != NULL)
			free_wiped(m->own[i].media_type,
			    strlen(m->own[i].media_type));
		free_wiped(m->own[i].data, m->att[i].len);
	}
	free_wiped(m->text, m->textlen);
	sodium_memzero(m, sizeof(*m));
	free(m);
}

int
sd_msg_verified(const sd_msg *m)
{
	return m->verified;
}

const char *
sd_msg_why(const sd_msg *m)
{
	return m->verified ? NULL : m->why;
}

const char *
sd_msg_id(const sd_msg *m)
{
	return m->id;
}

const char *
sd_msg_channel_id(const sd_msg *m)
{
	return m->channel_id;
}

const char *
sd_msg_sent(const sd_msg *m)
{
	return m->sent;
}

const char *
sd_msg_in_reply_to(const sd_msg *m)
{
	return m->has_reply_to ? m->in_reply_to : NULL;
}

const char *
sd_msg_text(const sd_msg *m, size_t *len)
{
	if (len)
		*len = m->textlen;
	return m->text;
}

size_t
sd_msg_n_attachments(const sd_msg *m)
{
	return m->n_att;
}

const struct sd_msg_attachment *
sd_msg_attachment(const sd_msg *m, size_t i)
{
	return i < m->n_att ? &m->att[i] : NULL;
}

/* --- outbox batch -------------------------------------------------------- */

struct sd_outbox {
	char batch_id[SD_MSG_ID_HEX];
	uint8_t channel_id[16];
	char created[11];
	uint8_t signer[SD_PK_BYTES];
	struct sd_outbox_item *items;
	uint8_t **own;          /* the items' sealed bytes */
	size_t n;
};

static int
item_size_ok(size_t len)
{
	return len >= SD_MSG_SEALED_MIN && len <= SD_MSG_SEALED_MAX;
}

int
sd_outbox_create(const sd_seckey *ack, const uint8_t *channel_id,
    const char *created, const struct sd_outbox_item *items, size_t n,
    char batch_id[SD_MSG_ID_HEX], char **doc, size_t *doclen)
{
	char bid[SD_MSG_ID_HEX], ch[SD_MSG_ID_HEX], mb[SD_MAILBOX_ID_HEX];
	char today[11];
	size_t *order = NULL, i, j, t, textlen = 0;
	json_t *o = NULL, *arr, *it;
	char *text = NULL;
	int rc = SD_E_INVAL;

	*doc = NULL;
	if (sd_seckey_role(ack) != SD_ROLE_ACK)
		return SD_E_ROLE;
	if (n > SD_OUTBOX_ITEMS_MAX || (created && !sd_date_valid(created)))
		return SD_E_INVAL;
	for (i = 0; i < n; i++)
		if (!item_size_ok(items[i].len))
			return SD_E_INVAL;
	if (created == NULL)
		sd_today(today);
	random_hex(bid);
	sd_hex_encode(ch, sizeof(ch), channel_id, 16);
	rc = SD_E_NOMEM;
	if ((order = malloc((n ? n : 1) * sizeof(*order))) == NULL)
		goto out;
	/* Fisher-Yates: the order says nothing of when a message was written */
	for (i = 0; i < n; i++)
		order[i] = i;
	for (i = n; i > 1; i--) {
		j = randombytes_uniform((uint32_t)i);
		t = order[i - 1];
		order[i - 1] = order[j];
		order[j] = t;
	}
	if ((o = json_object()) == NULL ||
	    add(o, "format", json_string(SD_OUTBOX_FORMAT)) ||
	    add(o, "batch_id", json_string(bid)) ||
	    add(o, "channel_id", json_string(ch)) ||
	    add(o, "created", json_string(created ? created : today)) ||
	    add(o, "messages", arr = json_array()))
		goto out;
	for (i = 0; i < n; i++) {
		const struct sd_outbox_item *x = &items[order[i]];

		sd_hex_encode(mb, sizeof(mb), x->mailbox, SD_MAILBOX_ID_BYTES);
		if ((it = json_object()) == NULL ||
		    json_array_append_new(arr, it) ||
		    add(it, "mailbox", json_string(mb)) ||
		    add(it, "sealed", b64_string(x->sealed, x->len)))
			goto out;
	}
	if ((text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER)) == NULL)
		goto out;
	textlen = strlen(text);
	if ((rc = sd_signed_create_max(SD_OUTBOX_FORMAT, SD_MSG_KEYFIELD, ack,
	    (const uint8_t *)text, textlen, SD_OUTBOX_MAX, doc, doclen)) != SD_OK)
		goto out;
	if (batch_id)
		memcpy(batch_id, bid, SD_MSG_ID_HEX);
out:
	free(text);
	json_decref(o);
	free(order);
	return rc;
}

static int
outbox_items(sd_outbox *ob, const json_t *arr)
{
	const json_t *it, *s;
	size_t i, cap, len;
	uint8_t *data;

	if (!json_is_array(arr) || json_array_size(arr) > SD_OUTBOX_ITEMS_MAX)
		return SD_E_FORMAT;
	if (json_array_size(arr) == 0)
		return SD_OK;
	if ((ob->items = calloc(json_array_size(arr), sizeof(*ob->items))) == NULL ||
	    (ob->own = calloc(json_array_size(arr), sizeof(*ob->own))) == NULL)
		return SD_E_NOMEM;
	json_array_foreach(arr, i, it) {
		s = json_object_get(it, "sealed");
		if (!json_is_object(it) || json_object_size(it) != 2 ||
		    hex_field(json_object_get(it, "mailbox"), ob->items[i].mailbox,
		    SD_MAILBOX_ID_BYTES) != SD_OK || !json_is_string(s) ||
		    json_string_length(s) / 4 * 3 > SD_MSG_SEALED_MAX + 2)
			return SD_E_FORMAT;
		cap = json_string_length(s) / 4 * 3 + 1;
		if ((data = malloc(cap)) == NULL)
			return SD_E_NOMEM;
		ob->own[i] = data;
		ob->items[i].sealed = data;
		ob->n = i + 1;
		if (sd_b64_decode(data, cap, &len, json_string_value(s),
		    json_string_length(s)) != SD_OK || !item_size_ok(len))
			return SD_E_FORMAT;
		ob->items[i].len = len;
	}
	return SD_OK;
}

int
sd_outbox_verify(const char *doc, size_t len, const uint8_t *ack_pks,
    size_t n_ack, sd_outbox **out)
{
	sd_outbox *ob = NULL;
	uint8_t *body = NULL;
	size_t bodylen = 0, i;
	json_t *o = NULL;
	json_error_t jerr;
	const json_t *v;
	int rc;

	*out = NULL;
	if ((ob = calloc(1, sizeof(*ob))) == NULL)
		return SD_E_NOMEM;
	if ((rc = sd_signed_open_max(SD_OUTBOX_FORMAT, SD_MSG_KEYFIELD, doc, len,
	    SD_OUTBOX_MAX, NULL, ob->signer, &body, &bodylen)) != SD_OK)
		goto out;
	rc = SD_E_AUTHORITY;
	for (i = 0; i < n_ack; i++)
		if (sodium_memcmp(ob->signer, ack_pks + i * SD_PK_BYTES,
		    SD_PK_BYTES) == 0)
			break;
	if (i == n_ack)
		goto out;
	rc = SD_E_FORMAT;
	o = json_loadb((const char *)body, bodylen, JSON_REJECT_DUPLICATES, &jerr);
	if (!json_is_object(o) || json_object_size(o) != 5)
		goto out;
	v = json_object_get(o, "format");
	if (!json_is_string(v) || strcmp(json_string_value(v), SD_OUTBOX_FORMAT) ||
	    !hex_ok(json_object_get(o, "batch_id"), SD_MSG_ID_BYTES) ||
	    copy_str(json_object_get(o, "batch_id"), ob->batch_id,
	    sizeof(ob->batch_id)) ||
	    hex_field(json_object_get(o, "channel_id"), ob->channel_id, 16) ||
	    copy_str(json_object_get(o, "created"), ob->created,
	    sizeof(ob->created)) || !sd_date_valid(ob->created))
		goto out;
	if ((rc = outbox_items(ob, json_object_get(o, "messages"))) != SD_OK)
		goto out;
	*out = ob;
	ob = NULL;
out:
	json_decref(o);
	free(body);
	sd_outbox_free(ob);
	return rc;
}

void
sd_outbox_free(sd_outbox *o)
{
	size_t i;

	if (o == NULL)
		return;
	for (i = 0; i < o->n; i++)
		free(o->own[i]);
	free(o->own);
	free(o->items);
	free(o);
}

const char *
sd_outbox_batch_id(const sd_outbox *o)
{
	return o->batch_id;
}

const uint8_t *
sd_outbox_channel_id(const sd_outbox *o)
{
	return o->channel_id;
}

const char *
sd_outbox_created(const sd_outbox *o)
{
	return o->created;
}

const uint8_t *
sd_outbox_signer(const sd_outbox *o)
{
	return o->signer;
}

size_t
sd_outbox_count(const sd_outbox *o)
{
	return o->n;
}

const struct sd_outbox_item *
sd_outbox_item(const sd_outbox *o, size_t i)
{
	return i < o->n ? &o->items[i] : NULL;
}

/* --- fetch answer -------------------------------------------------------- */

size_t
sd_mbox_blob_size(size_t content)
{
	if (content <= SD_MBOX_BLOB_MIN)
		return SD_MBOX_BLOB_MIN;
	return sd_padme(content);
}

int
sd_mbox_blob_build(const struct sd_sealed_ref *items, size_t n,
    uint8_t **out, size_t *outlen)
{
	size_t content = BLOB_HEADER, size, i, o;
	uint8_t *b;

	*out = NULL;
	if (n > SD_MBOX_BLOB_ITEMS_MAX)
		return SD_E_TOOBIG;
	for (i = 0; i < n; i++) {
		if (!item_size_ok(items[i].len))
			return SD_E_INVAL;
		content += 4 + items[i].len;
	}
	if ((size = sd_mbox_blob_size(content)) == 0)
		return SD_E_TOOBIG;
	if ((b = calloc(1, size)) == NULL)
		return SD_E_NOMEM;
	memcpy(b, "SDMB", 4);
	b[4] = 1;
	put_u32(b + 5, (uint32_t)n);
	o = BLOB_HEADER;
	for (i = 0; i < n; i++) {
		put_u32(b + o, (uint32_t)items[i].len);
		memcpy(b + o + 4, items[i].data, items[i].len);
		o += 4 + items[i].len;
	}
	*out = b;
	*outlen = size;
	return SD_OK;
}

int
sd_mbox_blob_parse(const uint8_t *blob, size_t len,
    struct sd_sealed_ref **items, size_t *n)
{
	struct sd_sealed_ref *r = NULL;
	size_t count, i, o = BLOB_HEADER, l;

	*items = NULL;
	*n = 0;
	if (len < BLOB_HEADER || memcmp(blob, "SDMB", 4) != 0 || blob[4] != 1)
		return SD_E_FORMAT;
	count = get_u32(blob + 5);
	if (count > SD_MBOX_BLOB_ITEMS_MAX)
		return SD_E_FORMAT;
	if (count && (r = calloc(count, sizeof(*r))) == NULL)
		return SD_E_NOMEM;
	for (i = 0; i < count; i++) {
		if (len - o < 4)
			goto bad;
		l = get_u32(blob + o);
		if (!item_size_ok(l) || len - o - 4 < l)
			goto bad;
		r[i].data = blob + o + 4;
		r[i].len = l;
		o += 4 + l;
	}
	if (len != sd_mbox_blob_size(o))
		goto bad;
	for (i = o; i < len; i++)
		if (blob[i] != 0)
			goto bad;
	*items = r;
	*n = count;
	return SD_OK;
bad:
	free(r);
	return SD_E_FORMAT;
}
