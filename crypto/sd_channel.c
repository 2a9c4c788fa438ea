#include "sd_channel.h"
#include "sd_encode.h"
#include "sd_err.h"
#include "sd_file.h"
#include "sd_signed.h"

#include <jansson.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define CHANNEL_FORMAT "sealdrop.channel/1"

struct sd_channel {
	uint8_t id[SD_CHANNEL_ID_BYTES];
	uint8_t authority[SD_PK_BYTES];
	uint8_t receipt_pk[SD_PK_BYTES];
	uint8_t ack_pk[SD_PK_BYTES];
	int has_ack;
	char issued[11];
	char expires[11];
	struct sd_recipient rcpt[SD_CHANNEL_MAX_RECIPIENTS];
	size_t n_rcpt;
	char *json;
	size_t jsonlen;
};

static json_t *
b64_string(const uint8_t *p, size_t n)
{
	char buf[SD_B64_LEN(64)];

	if (n > 64 || sd_b64_encode(buf, sizeof(buf), p, n) != SD_OK)
		return NULL;
	return json_string(buf);
}

static int
utf8_ok(const char *s)
{
	json_t *j = json_string(s);

	json_decref(j);
	return j != NULL;
}

static int
spec_ok(const struct sd_channel_spec *s)
{
	size_t i, stats = 0, details = 0;

	if (s->n_recipients == 0 || s->n_recipients > SD_CHANNEL_MAX_RECIPIENTS ||
	    !sd_date_valid(s->issued) || !sd_date_valid(s->expires) ||
	    strcmp(s->issued, s->expires) > 0)
		return 0;
	for (i = 0; i < s->n_recipients; i++) {
		size_t j;
		/* the loader refuses what is refused here: never sign a
		 * descriptor nobody can load */
		if (strnlen(s->recipients[i].label, SD_LABEL_MAX) == SD_LABEL_MAX ||
		    !utf8_ok(s->recipients[i].label))
			return 0;
		for (j = 0; j < i; j++)
			if (memcmp(s->recipients[j].pk, s->recipients[i].pk, SD_PK_BYTES) == 0)
				return 0;
		if (s->recipients[i].role == SD_ROLE_STATS)
			stats++;
		else if (s->recipients[i].role == SD_ROLE_DETAILS)
			details++;
		else
			return 0;
	}
	return stats > 0 && details > 0;
}

int
sd_channel_create(const sd_seckey *authority, const struct sd_channel_spec *s,
    char **json, size_t *jsonlen)
{
	json_t *body = NULL, *list = NULL, *r;
	char *text = NULL, idhex[2 * SD_KEY_ID_BYTES + 1];
	uint8_t id[SD_KEY_ID_BYTES];
	size_t i;
	int rc = SD_E_NOMEM;

	*json = NULL;
	if (sd_seckey_role(authority) != SD_ROLE_AUTHORITY)
		return SD_E_ROLE;
	if (!spec_ok(s))
		return SD_E_INVAL;
	if ((body = json_object()) == NULL || (list = json_array()) == NULL)
		goto out;
	for (i = 0; i < s->n_recipients; i++) {
		const struct sd_recipient *x = &s->recipients[i];
		sd_key_id(id, x->pk);
		sd_hex_encode(idhex, sizeof(idhex), id, sizeof(id));
		r = json_pack("{s:s, s:o, s:s, s:s}", "key_id", idhex,
		    "public_key", b64_string(x->pk, SD_PK_BYTES),
		    "role", sd_role_name(x->role), "label", x->label);
		if (r == NULL || json_array_append_new(list, r) != 0)
			goto out;
	}
	if (json_object_set_new(body, "issued", json_string(s->issued)) ||
	    json_object_set_new(body, "expires", json_string(s->expires)) ||
	    json_object_set(body, "recipients", list) ||
	    json_object_set_new(body, "receipt_key", b64_string(s->receipt_pk, SD_PK_BYTES)))
		goto out;
	if (s->has_ack && json_object_set_new(body, "ack_key",
	    b64_string(s->ack_pk, SD_PK_BYTES)))
		goto out;
	if ((text = json_dumps(body, JSON_COMPACT | JSON_PRESERVE_ORDER)) == NULL)
		goto out;
	rc = sd_signed_create(CHANNEL_FORMAT, "authority", authority,
	    (const uint8_t *)text, strlen(text), json, jsonlen);
out:
	free(text);
	json_decref(list);
	json_decref(body);
	return rc;
}

static int
get_key(const json_t *o, const char *name, uint8_t pk[SD_PK_BYTES])
{
	const json_t *v = json_object_get(o, name);
	size_t n = 0;
	uint8_t tmp[64];

	if (!json_is_string(v) || sd_b64_decode(tmp, sizeof(tmp), &n,
	    json_string_value(v), json_string_length(v)) != SD_OK || n != SD_PK_BYTES)
		return SD_E_FORMAT;
	memcpy(pk, tmp, SD_PK_BYTES);
	return SD_OK;
}

static int
get_date(const json_t *o, const char *name, char out[11])
{
	const json_t *v = json_object_get(o, name);

	if (!json_is_string(v) || !sd_date_valid(json_string_value(v)))
		return SD_E_FORMAT;
	memcpy(out, json_string_value(v), 11);
	return SD_OK;
}

static int
parse_recipient(const json_t *r, struct sd_recipient *x)
{
	const json_t *role = json_object_get(r, "role");
	const json_t *kid = json_object_get(r, "key_id");
	const json_t *label = json_object_get(r, "label");
	char idhex[2 * SD_KEY_ID_BYTES + 1];

	if (!json_is_object(r) || json_object_size(r) != 4 || !json_is_string(role) ||
	    !json_is_string(kid) || !json_is_string(label) ||
	    json_string_length(label) >= SD_LABEL_MAX ||
	    get_key(r, "public_key", x->pk) != SD_OK)
		return SD_E_FORMAT;
	x->role = sd_role_parse(json_string_value(role));
	if (!sd_role_is_box(x->role))
		return SD_E_FORMAT;
	sd_key_id(x->key_id, x->pk);
	sd_hex_encode(idhex, sizeof(idhex), x->key_id, SD_KEY_ID_BYTES);
	if (strcmp(idhex, json_string_value(kid)) != 0)
		return SD_E_FORMAT;
	memcpy(x->label, json_string_value(label), json_string_length(label) + 1);
	return SD_OK;
}

static int
parse_body(sd_channel *ch, const uint8_t *body, size_t len)
{
	json_t *o = NULL;
	const json_t *list;
	json_error_t jerr;
	size_t i, stats = 0, details = 0, known = 4;
	int rc = SD_E_FORMAT;

	o = json_loadb((const char *)body, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!json_is_object(o))
		goto out;
	list = json_object_get(o, "recipients");
	if (get_date(o, "issued", ch->issued) != SD_OK ||
	    get_date(o, "expires", ch->expires) != SD_OK ||
	    get_key(o, "receipt_key", ch->receipt_pk) != SD_OK ||
	    !json_is_array(list) || json_array_size(list) == 0 ||
	    json_array_size(list) > SD_CHANNEL_MAX_RECIPIENTS)
		goto out;
	if (json_object_get(o, "ack_key") != NULL) {
		if (get_key(o, "ack_key", ch->ack_pk) != SD_OK)
			goto out;
		ch->has_ack = 1;
		known++;
	}
	if (json_object_size(o) != known)
		goto out;              /* unknown members */
	for (i = 0; i < json_array_size(list); i++) {
		struct sd_recipient *x = &ch->rcpt[i];
		size_t j;
		if (parse_recipient(json_array_get(list, i), x) != SD_OK)
			goto out;
		for (j = 0; j < i; j++)
			if (memcmp(ch->rcpt[j].pk, x->pk, SD_PK_BYTES) == 0)
				goto out;
		if (x->role == SD_ROLE_STATS)
			stats++;
		else
			details++;
	}
	ch->n_rcpt = json_array_size(list);
	if (stats == 0 || details == 0)
		goto out;
	rc = SD_OK;
out:
	json_decref(o);
	return rc;
}

int
sd_channel_load(const char *json, size_t len,
    const uint8_t authority[SD_PK_BYTES], const char *today, sd_channel **out)
{
	sd_channel *ch = NULL;
	uint8_t *body = NULL;
	size_t bodylen = 0;
	uint8_t h[32];
	char now[11];
	int rc;

	*out = NULL;
	if (authority == NULL)
		return SD_E_INVAL;
	if ((ch = calloc(1, sizeof(*ch))) == NULL)
		return SD_E_NOMEM;
	/* the signature is checked over the exact body bytes first; nothing
	 * of an unverified body is parsed */
	if ((rc = sd_signed_open(CHANNEL_FORMAT, "authority", json, len, authority,
	    ch->authority, &body, &bodylen)) != SD_OK)
		goto fail;
	if ((rc = parse_body(ch, body, bodylen)) != SD_OK)
		goto fail;
	if (today == NULL) {
		sd_today(now);
		today = now;
	}
	if (strcmp(today, ch->expires) > 0) {
		rc = SD_E_EXPIRED;
		goto fail;
	}
	/* the first 16 bytes of BLAKE2b-256, which is not BLAKE2b-128 */
	crypto_generichash(h, sizeof(h), body, bodylen, NULL, 0);
	memcpy(ch->id, h, SD_CHANNEL_ID_BYTES);
	rc = SD_E_NOMEM;
	if ((ch->json = malloc(len + 1)) == NULL)
		goto fail;
	memcpy(ch->json, json, len);
	ch->json[len] = '\0';
	ch->jsonlen = len;
	free(body);
	*out = ch;
	return SD_OK;
fail:
	free(body);
	sd_channel_free(ch);
	return rc;
}

int
sd_channel_load_file(const char *path, const uint8_t authority[SD_PK_BYTES],
    const char *today, sd_channel **out)
{
	uint8_t *text = NULL;
	size_t len = 0;
	int rc;

	*out = NULL;
	if ((rc = sd_file_read(path, SD_SIGNED_MAX, &text, &len)) != SD_OK)
		return rc;
	rc = sd_channel_load((const char *)text, len, authority, today, out);
	free(text);
	return rc;
}

void
sd_channel_free(sd_channel *ch)
{
	if (ch == NULL)
		return;
	free(ch->json);
	free(ch);
}

const uint8_t *sd_channel_id(const sd_channel *ch) { return ch->id; }
const uint8_t *sd_channel_authority(const sd_channel *ch) { return ch->authority; }
const uint8_t *sd_channel_receipt_pk(const sd_channel *ch) { return ch->receipt_pk; }
const uint8_t *sd_channel_ack_pk(const sd_channel *ch) { return ch->has_ack ? ch->ack_pk : NULL; }
const char *sd_channel_issued(const sd_channel *ch) { return ch->issued; }
const char *sd_channel_expires(const sd_channel *ch) { return ch->expires; }

const char *
sd_channel_json(const sd_channel *ch, size_t *len)
{
	if (len)
		*len = ch->jsonlen;
	return ch->json;
}

const struct sd_recipient *
sd_channel_recipients(const sd_channel *ch, size_t *n)
{
	*n = ch->n_rcpt;
	return ch->rcpt;
}

size_t
sd_channel_count_role(const sd_channel *ch, enum sd_role role)
{
	size_t i, c = 0;

	for (i = 0; i < ch->n_rcpt; i++)
		if (ch->rcpt[i].role == role)
			c++;
	return c;
}
