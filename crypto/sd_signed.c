#include "sd_signed.h"
#include "sd_encode.h"
#include "sd_err.h"

#include <jansson.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

int
sd_signed_create(const char *format, const char *keyfield, const sd_seckey *k,
    const uint8_t *body, size_t bodylen, char **out, size_t *outlen)
{
	return sd_signed_create_max(format, keyfield, k, body, bodylen,
	    SD_SIGNED_MAX, out, outlen);
}

int
sd_signed_create_max(const char *format, const char *keyfield,
    const sd_seckey *k, const uint8_t *body, size_t bodylen, size_t max,
    char **out, size_t *outlen)
{
	uint8_t sig[crypto_sign_BYTES];
	char sig64[SD_B64_LEN(crypto_sign_BYTES)], pk64[SD_B64_LEN(SD_PK_BYTES)];
	char *body64 = NULL;
	json_t *doc = NULL;
	int rc;

	*out = NULL;
	if (bodylen > max / 2)
		return SD_E_TOOBIG;
	if ((rc = sd_seckey_sign(k, sig, body, bodylen)) != SD_OK)
		return rc;
	if ((body64 = malloc(SD_B64_LEN(bodylen))) == NULL)
		return SD_E_NOMEM;
	sd_b64_encode(body64, SD_B64_LEN(bodylen), body, bodylen);
	sd_b64_encode(sig64, sizeof(sig64), sig, sizeof(sig));
	sd_b64_encode(pk64, sizeof(pk64), sd_seckey_pk(k), SD_PK_BYTES);
	rc = SD_E_NOMEM;
	doc = json_pack("{s:s, s:s, s:s, s:s}", "format", format, "body", body64,
	    "signature", sig64, keyfield, pk64);
	if (doc == NULL)
		goto out;
	if ((*out = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER)) == NULL)
		goto out;
	*outlen = strlen(*out);
	rc = SD_OK;
out:
	json_decref(doc);
	free(body64);
	return rc;
}

static int
get_b64(const json_t *doc, const char *name, uint8_t *out, size_t cap,
    size_t *len)
{
	const json_t *v = json_object_get(doc, name);

	if (!json_is_string(v))
		return SD_E_FORMAT;
	return sd_b64_decode(out, cap, len, json_string_value(v),
	    json_string_length(v)) == SD_OK ? SD_OK : SD_E_FORMAT;
}

/* verify = 0 only for sd_signed_body_unverified() */
static int
signed_open(const char *format, const char *keyfield, const char *doctext,
    size_t doclen, size_t max, int verify, const uint8_t *pinned,
    uint8_t signer[SD_PK_BYTES], uint8_t **body, size_t *bodylen)
{
	uint8_t pk[64], sig[crypto_sign_BYTES + 1];
	uint8_t *b = NULL;
	size_t pklen = 0, siglen = 0, blen = 0;
	const json_t *f;
	json_t *doc = NULL;
	json_error_t jerr;
	int rc = SD_E_FORMAT;

	*body = NULL;
	if (doclen > max)
		return SD_E_TOOBIG;
	doc = json_loadb(doctext, doclen, JSON_REJECT_DUPLICATES, &jerr);
	if (!json_is_object(doc) || json_object_size(doc) != 4)
		goto out;
	f = json_object_get(doc, "format");
	if (!json_is_string(f) || strcmp(json_string_value(f), format) != 0)
		goto out;
	if (get_b64(doc, keyfield, pk, sizeof(pk), &pklen) != SD_OK ||
	    pklen != SD_PK_BYTES ||
	    get_b64(doc, "signature", sig, sizeof(sig), &siglen) != SD_OK ||
	    siglen != crypto_sign_BYTES)
		goto out;
	if (pinned && sodium_memcmp(pk, pinned, SD_PK_BYTES) != 0) {
		rc = SD_E_AUTHORITY;
		goto out;
	}
	f = json_object_get(doc, "body");
	if (!json_is_string(f))
		goto out;
	rc = SD_E_NOMEM;
	if ((b = malloc(json_string_length(f) + 1)) == NULL)
		goto out;
	rc = SD_E_FORMAT;
	if (sd_b64_decode(b, json_string_length(f) + 1, &blen,
	    json_string_value(f), json_string_length(f)) != SD_OK)
		goto out;
	if (verify && crypto_sign_verify_detached(sig, b, blen, pk) != 0) {
		rc = SD_E_SIGNATURE;
		goto out;
	}
	b[blen] = '\0';
	if (signer)
		memcpy(signer, pk, SD_PK_BYTES);
	*body = b;
	*bodylen = blen;
	b = NULL;
	rc = SD_OK;
out:
	free(b);
	json_decref(doc);
	return rc;
}

int
sd_signed_open(const char *format, const char *keyfield, const char *doc,
    size_t doclen, const uint8_t *pinned, uint8_t signer[SD_PK_BYTES],
    uint8_t **body, size_t *bodylen)
{
	return signed_open(format, keyfield, doc, doclen, SD_SIGNED_MAX, 1,
	    pinned, signer, body, bodylen);
}

int
sd_signed_open_max(const char *format, const char *keyfield, const char *doc,
    size_t doclen, size_t max, const uint8_t *pinned,
    uint8_t signer[SD_PK_BYTES], uint8_t **body, size_t *bodylen)
{
	return signed_open(format, keyfield, doc, doclen, max, 1, pinned,
	    signer, body, bodylen);
}

int
sd_signed_body_unverified(const char *format, const char *keyfield,
    const char *doc, size_t doclen, size_t max, uint8_t signer[SD_PK_BYTES],
    uint8_t **body, size_t *bodylen)
{
	return signed_open(format, keyfield, doc, doclen, max, 0, NULL, signer,
	    body, bodylen);
}
