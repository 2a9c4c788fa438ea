#include "sd_keys.h"
#include "sd_encode.h"
#include "sd_err.h"
#include "sd_le.h"
#include "sd_file.h"
#include "sd_mem.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SK_MAGIC "SDK1"
#define SK_KDF_ARGON2ID13 1
#define SK_AEAD_XCHACHA20POLY1305 1
#define SK_SALT 16
#define SK_NONCE 24
#define SK_HDR 64                    /* magic..nonce */
#define SK_TAG 16
#define SK_CHECK 32
#define SK_MAX_PAYLOAD (SK_HDR + 64 + SK_TAG + SK_CHECK)
#define KEYFILE_MAX 4096
/* Bounds on stored KDF parameters: a key file is input too. */
#define SK_OPS_MAX crypto_pwhash_OPSLIMIT_SENSITIVE
#define SK_MEM_MAX ((uint64_t)crypto_pwhash_MEMLIMIT_SENSITIVE)

struct sd_seckey {
	enum sd_role role;
	size_t sklen;
	uint8_t pk[SD_PK_BYTES];
	uint8_t sk[64];
};

static const char *const role_names[] = {
	"none", "stats", "details", "authority", "ack", "receipt"
};

const char *
sd_role_name(enum sd_role r)
{
	if ((unsigned)r >= sizeof(role_names) / sizeof(role_names[0]))
		return "none";
	return role_names[r];
}

enum sd_role
sd_role_parse(const char *s)
{
	size_t i;

	for (i = 1; i < sizeof(role_names) / sizeof(role_names[0]); i++)
		if (strcmp(s, role_names[i]) == 0)
			return (enum sd_role)i;
	return SD_ROLE_NONE;
}

int
sd_role_is_box(enum sd_role r)
{
	return r == SD_ROLE_STATS || r == SD_ROLE_DETAILS;
}

static size_t
role_sklen(enum sd_role r)
{
	return sd_role_is_box(r) ? crypto_box_SECRETKEYBYTES :
	    crypto_sign_SECRETKEYBYTES;
}

void
sd_key_id(uint8_t id[SD_KEY_ID_BYTES], const uint8_t pk[SD_PK_BYTES])
{
	uint8_t h[32];

	crypto_generichash(h, sizeof(h), pk, SD_PK_BYTES, NULL, 0);
	memcpy(id, h, SD_KEY_ID_BYTES);
}

static void
kdf_params(enum sd_kdf_level l, uint64_t *ops, uint64_t *mem)
{
	switch (l) {
	case SD_KDF_INTERACTIVE:
		*ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
		*mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;
		break;
	case SD_KDF_SENSITIVE:
		*ops = crypto_pwhash_OPSLIMIT_SENSITIVE;
		*mem = crypto_pwhash_MEMLIMIT_SENSITIVE;
		break;
	case SD_KDF_MODERATE:
	default:
		*ops = crypto_pwhash_OPSLIMIT_MODERATE;
		*mem = crypto_pwhash_MEMLIMIT_MODERATE;
		break;
	}
}

/* A key file is "untrusted comment: ..." (optional) and one base64 line.
 * Writes the decoded payload; *comment points into text. */
static int
parse_keyfile(const char *text, size_t len, const char **comment,
    size_t *commentlen, uint8_t *out, size_t outcap, size_t *outlen)
{
	static const char pfx[] = "untrusted comment: ";
	const char *p = text, *end = text + len, *nl;

	*comment = NULL;
	*commentlen = 0;
	if (len >= sizeof(pfx) - 1 && memcmp(p, pfx, sizeof(pfx) - 1) == 0) {
		if ((nl = memchr(p, '\n', len)) == NULL)
			return SD_E_KEYFILE;
		*comment = p + sizeof(pfx) - 1;
		*commentlen = (size_t)(nl - *comment);
		p = nl + 1;
	}
	nl = memchr(p, '\n', (size_t)(end - p));
	if (nl == NULL)
		nl = end;
	else if (nl + 1 != end)
		return SD_E_KEYFILE;             /* more than one key line */
	if (nl > p && nl[-1] == '\r')
		nl--;
	if (sd_b64_decode(out, outcap, outlen, p, (size_t)(nl - p)) != SD_OK)
		return SD_E_KEYFILE;
	return SD_OK;
}

static int
write_pub(const char *path, enum sd_role role, const uint8_t pk[SD_PK_BYTES],
    int force)
{
	char text[256], b64[SD_B64_LEN(SD_PK_BYTES)], idhex[2 * SD_KEY_ID_BYTES + 1];
	uint8_t id[SD_KEY_ID_BYTES];
	int n;

	sd_key_id(id, pk);
	sd_hex_encode(idhex, sizeof(idhex), id, sizeof(id));
	sd_b64_encode(b64, sizeof(b64), pk, SD_PK_BYTES);
	n = snprintf(text, sizeof(text),
	    "untrusted comment: sealdrop %s public key %s\n%s\n",
	    sd_role_name(role), idhex, b64);
	if (n < 0 || (size_t)n >= sizeof(text))
		return SD_E_INVAL;
	return sd_file_write(path, text, (size_t)n, 0644, force);
}

int
sd_pubkey_write(const char *path, enum sd_role role,
    const uint8_t pk[SD_PK_BYTES], int force)
{
	return write_pub(path, role, pk, force);
}

static int
derive(uint8_t key[32], const char *pass, size_t passlen, const uint8_t *salt,
    uint64_t ops, uint64_t mem)
{
	if (crypto_pwhash(key, 32, pass, passlen, salt, ops, (size_t)mem,
	    crypto_pwhash_ALG_ARGON2ID13) != 0)
		return SD_E_NOMEM;
	return SD_OK;
}

/* Encrypt k under pass and write it as a key file (0600). */
int
sd_seckey_write(const sd_seckey *k, const char *path, const char *pass,
    size_t passlen, enum sd_kdf_level kdf, int force)
{
	char *text = NULL, idhex[2 * SD_KEY_ID_BYTES + 1];
	uint8_t *payload = NULL, *key = NULL;
	uint8_t id[SD_KEY_ID_BYTES];
	uint64_t ops, mem;
	size_t plen, textcap, b64len;
	int rc = SD_E_NOMEM, n;

	if (passlen == 0)
		return SD_E_INVAL;
	plen = SK_HDR + k->sklen + SK_TAG + SK_CHECK;
	textcap = 256 + SD_B64_LEN(SK_MAX_PAYLOAD);
	if ((key = sd_secret_alloc(32)) == NULL ||
	    (payload = sd_secret_alloc(SK_MAX_PAYLOAD)) == NULL ||
	    (text = sd_secret_alloc(textcap)) == NULL)
		goto out;
	kdf_params(kdf, &ops, &mem);
	memcpy(payload, SK_MAGIC, 4);
	payload[4] = (uint8_t)k->role;
	payload[5] = SK_KDF_ARGON2ID13;
	payload[6] = SK_AEAD_XCHACHA20POLY1305;
	payload[7] = 0;
	sd_put_u64(payload + 8, ops);
	sd_put_u64(payload + 16, mem);
	randombytes_buf(payload + 24, SK_SALT);
	randombytes_buf(payload + 40, SK_NONCE);
	if ((rc = derive(key, pass, passlen, payload + 24, ops, mem)) != SD_OK)
		goto out;
	crypto_aead_xchacha20poly1305_ietf_encrypt(payload + SK_HDR, NULL, k->sk,
	    k->sklen, payload, SK_HDR, NULL, payload + 40, key);
	crypto_generichash(payload + plen - SK_CHECK, SK_CHECK, payload,
	    plen - SK_CHECK, NULL, 0);
	sd_key_id(id, k->pk);
	sd_hex_encode(idhex, sizeof(idhex), id, sizeof(id));
	n = snprintf(text, textcap, "untrusted comment: sealdrop %s secret key %s\n",
	    sd_role_name(k->role), idhex);
	if (n < 0 || (size_t)n >= textcap) {
		rc = SD_E_INVAL;
		goto out;
	}
	sd_b64_encode(text + n, textcap - (size_t)n, payload, plen);
	b64len = strlen(text);
	text[b64len++] = '\n';
	rc = sd_file_write(path, text, b64len, 0600, force);
out:
	sd_secret_free(key);
	sd_secret_free(payload);
	sd_secret_free(text);
	return rc;
}

int
sd_keygen(enum sd_role role, const char *base, const char *pass,
    size_t passlen, enum sd_kdf_level kdf, int force)
{
	char keypath[4096], pubpath[4096];
	sd_seckey *k = NULL;
	struct stat st;
	int rc;

	if (role == SD_ROLE_NONE || passlen == 0)
		return SD_E_INVAL;
	if ((size_t)snprintf(keypath, sizeof(keypath), "%s.key", base) >= sizeof(keypath) ||
	    (size_t)snprintf(pubpath, sizeof(pubpath), "%s.pub", base) >= sizeof(pubpath))
		return SD_E_INVAL;
	if (!force && (lstat(keypath, &st) == 0 || lstat(pubpath, &st) == 0))
		return SD_E_EXISTS;
	if ((k = sd_secret_alloc(sizeof(*k))) == NULL)
		return SD_E_NOMEM;
	k->role = role;
	k->sklen = role_sklen(role);
	if (sd_role_is_box(role))
		crypto_box_keypair(k->pk, k->sk);
	else
		crypto_sign_keypair(k->pk, k->sk);
	if ((rc = sd_seckey_write(k, keypath, pass, passlen, kdf, force)) == SD_OK &&
	    (rc = write_pub(pubpath, role, k->pk, force)) != SD_OK && !force)
		unlink(keypath);     /* no orphan secret key that blocks a re-run */
	sd_secret_free(k);
	return rc;
}

int
sd_seckey_load(const char *path, const char *pass, size_t passlen,
    sd_seckey **out)
{
	uint8_t *text = NULL, *key = NULL, *payload = NULL;
	uint8_t check[SK_CHECK];
	const char *comment;
	size_t len = 0, commentlen, plen = 0, sklen;
	uint64_t ops, mem;
	sd_seckey *k = NULL;
	enum sd_role role;
	int rc;

	*out = NULL;
	if ((rc = sd_file_read(path, KEYFILE_MAX, &text, &len)) != SD_OK)
		return rc == SD_E_TOOBIG ? SD_E_KEYFILE : rc;
	rc = SD_E_NOMEM;
	if ((payload = sd_secret_alloc(SK_MAX_PAYLOAD)) == NULL ||
	    (key = sd_secret_alloc(32)) == NULL ||
	    (k = sd_secret_alloc(sizeof(*k))) == NULL)
		goto fail;
	if ((rc = parse_keyfile((const char *)text, len, &comment, &commentlen,
	    payload, SK_MAX_PAYLOAD, &plen)) != SD_OK)
		goto fail;
	rc = SD_E_KEYFILE;
	if (plen == SD_PK_BYTES) {
		rc = SD_E_PUBKEY;           /* NAME.pub given for NAME.key */
		goto fail;
	}
	if (plen < SK_HDR + SK_TAG + SK_CHECK || memcmp(payload, SK_MAGIC, 4) != 0)
		goto fail;
	role = (enum sd_role)payload[4];
	if (role < SD_ROLE_STATS || role > SD_ROLE_RECEIPT)
		goto fail;
	sklen = role_sklen(role);
	if (plen != SK_HDR + sklen + SK_TAG + SK_CHECK)
		goto fail;
	crypto_generichash(check, sizeof(check), payload, plen - SK_CHECK, NULL, 0);
	if (sodium_memcmp(check, payload + plen - SK_CHECK, SK_CHECK) != 0)
		goto fail;
	ops = sd_get_u64(payload + 8);
	mem = sd_get_u64(payload + 16);
	if (payload[5] != SK_KDF_ARGON2ID13 || payload[6] != SK_AEAD_XCHACHA20POLY1305 ||
	    payload[7] != 0 || ops < crypto_pwhash_OPSLIMIT_MIN || ops > SK_OPS_MAX ||
	    mem < crypto_pwhash_MEMLIMIT_MIN || mem > SK_MEM_MAX)
		goto fail;
	if ((rc = derive(key, pass, passlen, payload + 24, ops, mem)) != SD_OK)
		goto fail;
	/* the checksum matched, so a failing tag means the passphrase */
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(k->sk, NULL, NULL,
	    payload + SK_HDR, sklen + SK_TAG, payload, SK_HDR, payload + 40, key) != 0) {
		rc = SD_E_PASSPHRASE;
		goto fail;
	}
	k->role = role;
	k->sklen = sklen;
	if (sd_role_is_box(role))
		crypto_scalarmult_base(k->pk, k->sk);
	else
		crypto_sign_ed25519_sk_to_pk(k->pk, k->sk);
	*out = k;
	k = NULL;
	rc = SD_OK;
fail:
	sd_secret_free(k);
	sd_secret_free(key);
	sd_secret_free(payload);
	if (text) {
		sodium_memzero(text, len);
		free(text);
	}
	return rc;
}

int
sd_seckey_from_raw(enum sd_role role, const uint8_t raw[32], sd_seckey **out)
{
	sd_seckey *k;

	*out = NULL;
	if (role < SD_ROLE_STATS || role > SD_ROLE_RECEIPT)
		return SD_E_INVAL;
	if ((k = sd_secret_alloc(sizeof(*k))) == NULL)
		return SD_E_NOMEM;
	k->role = role;
	k->sklen = role_sklen(role);
	if (sd_role_is_box(role)) {
		memcpy(k->sk, raw, 32);
		crypto_scalarmult_base(k->pk, k->sk);
	} else
		crypto_sign_seed_keypair(k->pk, k->sk, raw);
	*out = k;
	return SD_OK;
}

void
sd_seckey_free(sd_seckey *k)
{
	sd_secret_free(k);
}

enum sd_role
sd_seckey_role(const sd_seckey *k)
{
	return k->role;
}

const uint8_t *
sd_seckey_pk(const sd_seckey *k)
{
	return k->pk;
}

const uint8_t *
sd_seckey_sk(const sd_seckey *k)
{
	return k->sk;
}

int
sd_seckey_sign(const sd_seckey *k, uint8_t sig[64], const uint8_t *m,
    size_t mlen)
{
	if (sd_role_is_box(k->role))
		return SD_E_ROLE;
	crypto_sign_detached(sig, NULL, m, mlen, k->sk);
	return SD_OK;
}

static enum sd_role
role_from_comment(const char *c, size_t n)
{
	static const char pfx[] = "sealdrop ";
	char word[16];
	size_t i = 0;

	if (c == NULL || n < sizeof(pfx) - 1 || memcmp(c, pfx, sizeof(pfx) - 1) != 0)
		return SD_ROLE_NONE;
	c += sizeof(pfx) - 1;
	n -= sizeof(pfx) - 1;
	while (i < n && i + 1 < sizeof(word) && c[i] != ' ') {
		word[i] = c[i];
		i++;
	}
	word[i] = '\0';
	return sd_role_parse(word);
}

int
sd_pubkey_load(const char *arg, enum sd_role *role, uint8_t pk[SD_PK_BYTES])
{
	uint8_t *text = NULL, raw[64];
	const char *comment, *colon, *b64 = arg;
	size_t len, commentlen, rawlen = 0;
	struct stat st;
	int rc;

	*role = SD_ROLE_NONE;
	if (stat(arg, &st) == 0) {
		if ((rc = sd_file_read(arg, KEYFILE_MAX, &text, &len)) != SD_OK)
			return rc;
		rc = parse_keyfile((const char *)text, len, &comment, &commentlen,
		    raw, sizeof(raw), &rawlen);
		if (rc == SD_OK && rawlen != SD_PK_BYTES)
			rc = SD_E_KEYFILE;
		if (rc == SD_OK) {
			*role = role_from_comment(comment, commentlen);
			memcpy(pk, raw, SD_PK_BYTES);
		}
		free(text);
		return rc;
	}
	if ((colon = strchr(arg, ':')) != NULL && (size_t)(colon - arg) < 16) {
		char word[16];
		memcpy(word, arg, (size_t)(colon - arg));
		word[colon - arg] = '\0';
		if ((*role = sd_role_parse(word)) == SD_ROLE_NONE)
			return SD_E_INVAL;
		b64 = colon + 1;
	}
	if (sd_b64_decode(raw, sizeof(raw), &rawlen, b64, strlen(b64)) != SD_OK ||
	    rawlen != SD_PK_BYTES)
		return SD_E_INVAL;
	memcpy(pk, raw, SD_PK_BYTES);
	return SD_OK;
}
