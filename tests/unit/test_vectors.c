/* Test vectors of docs/envelope.md and the negative vectors of
 * tests/vectors/. Randomness is replaced by a documented keystream so that
 * any implementation can reproduce the bytes:
 *
 *   stream = ChaCha20-IETF keystream, key = RNG_SEED, nonce = 0, counter 0
 *            (libsodium: randombytes_buf_deterministic(buf, n, RNG_SEED))
 *
 * consumed in this order: envelope_nonce (16), then per section: section key
 * (32), secretstream header (24), then for each recipient the ephemeral
 * X25519 secret key of crypto_box_seal (32).
 *
 * Run with "--write DIR" to (re)create the vector files. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>

#include "sd_channel.h"
#include "sd_encode.h"
#include "sd_envelope.h"
#include "sd_err.h"
#include "sd_file.h"
#include "sd_keys.h"
#include "sd_open.h"
#include "sd_signed.h"

#define RNG_SEED "sealdrop envelope test vector 01"
#define STREAM_MAX 4096

static uint8_t stream[STREAM_MAX];
static size_t stream_pos;
static int stream_on;

static const char *
det_name(void)
{
	return "sealdrop-test-vectors";
}

static uint32_t
det_random(void)
{
	uint32_t v;

	randombytes_buf(&v, sizeof(v));
	return v;
}

static void
det_buf(void *const buf, const size_t n)
{
	if (!stream_on) {
		/* libsodium's own start-up draws (its canary) are not part of
		 * the documented stream */
		memset(buf, 0x5a, n);
		return;
	}
	assert_true(stream_pos + n <= STREAM_MAX);
	memcpy(buf, stream + stream_pos, n);
	stream_pos += n;
}

static randombytes_implementation det_impl = {
	.implementation_name = det_name,
	.random = det_random,
	.stir = NULL,
	.uniform = NULL,
	.buf = det_buf,
	.close = NULL,
};

static void
stream_reset(void)
{
	randombytes_buf_deterministic(stream, sizeof(stream), (const uint8_t *)RNG_SEED);
	stream_pos = 0;
	stream_on = 1;
}

static const char STATS[] =
    "{\"schema\":\"sealdrop.report/1\",\"incident_ref\":\"000102030405060708090a0b0c0d0e0f\","
    "\"member_state\":\"DK\",\"organisation\":\"company\",\"sector\":\"C\","
    "\"size_class\":\"medium\",\"discovered\":\"2026-Q2\","
    "\"secret_types\":[\"technical.product_design\"],\"attack_vectors\":[\"malware\"],"
    "\"actor\":\"competitor\",\"actor_origin\":\"non_eu\",\"reported_to_police\":false}";
static const char DETAILS[] = "{\"narrative\":\"Test vector.\"}";
static const char ATT_META[] = "{\"name\":\"note.txt\",\"media_type\":\"text/plain\",\"size\":5}";

struct fixture {
	sd_seckey *authority, *other_authority, *receipt, *stats, *details;
	char *channel, *expired, *foreign;
	size_t channel_len, expired_len, foreign_len;
	uint8_t *env;
	size_t env_len;
};
static struct fixture F;

static sd_seckey *
fixed_key(enum sd_role role, uint8_t b)
{
	uint8_t raw[32];
	sd_seckey *k = NULL;

	memset(raw, b, sizeof(raw));
	assert_int_equal(sd_seckey_from_raw(role, raw, &k), SD_OK);
	return k;
}

static char *
make_channel(const sd_seckey *auth, const char *expires, size_t *len)
{
	struct sd_recipient r[2];
	struct sd_channel_spec spec;
	char *json = NULL;

	memset(r, 0, sizeof(r));
	memset(&spec, 0, sizeof(spec));
	r[0].role = SD_ROLE_STATS;
	memcpy(r[0].pk, sd_seckey_pk(F.stats), 32);
	memcpy(r[0].label, "EUIPO stats", 12);
	r[1].role = SD_ROLE_DETAILS;
	memcpy(r[1].pk, sd_seckey_pk(F.details), 32);
	memcpy(r[1].label, "EC3 details", 12);
	spec.recipients = r;
	spec.n_recipients = 2;
	memcpy(spec.receipt_pk, sd_seckey_pk(F.receipt), 32);
	memcpy(spec.issued, "2026-01-01", 11);
	memcpy(spec.expires, expires, 11);
	assert_int_equal(sd_channel_create(auth, &spec, &json, len), SD_OK);
	return json;
}

static void
build_fixture(void)
{
	uint8_t att[4 + sizeof(ATT_META) - 1 + 5];
	uint32_t ml = sizeof(ATT_META) - 1;
	struct sd_section_in in[3];
	sd_channel *ch = NULL;

	F.authority = fixed_key(SD_ROLE_AUTHORITY, 0x01);
	F.receipt = fixed_key(SD_ROLE_RECEIPT, 0x02);
	F.stats = fixed_key(SD_ROLE_STATS, 0x03);
	F.details = fixed_key(SD_ROLE_DETAILS, 0x04);
	F.other_authority = fixed_key(SD_ROLE_AUTHORITY, 0x05);
	F.channel = make_channel(F.authority, "2099-12-31", &F.channel_len);
	F.expired = make_channel(F.authority, "2026-03-31", &F.expired_len);
	F.foreign = make_channel(F.other_authority, "2099-12-31", &F.foreign_len);
	assert_int_equal(sd_channel_load(F.channel, F.channel_len,
	    sd_seckey_pk(F.authority), "2026-06-01", &ch), SD_OK);
	att[0] = (uint8_t)ml;
	att[1] = att[2] = att[3] = 0;
	memcpy(att + 4, ATT_META, ml);
	memcpy(att + 4 + ml, "hello", 5);
	in[0] = (struct sd_section_in){ SD_SEC_STATS, (const uint8_t *)STATS, sizeof(STATS) - 1 };
	in[1] = (struct sd_section_in){ SD_SEC_DETAILS, (const uint8_t *)DETAILS, sizeof(DETAILS) - 1 };
	in[2] = (struct sd_section_in){ SD_SEC_ATTACHMENT, att, sizeof(att) };
	stream_reset();
	assert_int_equal(sd_envelope_seal(ch, in, 3, &F.env, &F.env_len), SD_OK);
	/* 16 + 3 * (32 + 24 + 32) bytes of the stream */
	assert_int_equal(stream_pos, 16 + 3 * 88);
	stream_on = 0;
	sd_channel_free(ch);
}

/* Negative vectors: a name, the damage, and where it must be caught. */
enum op { OP_PARSE, OP_CHECK, OP_OPEN0, OP_OPEN1, OP_OPEN2 };
struct neg {
	const char *name;
	size_t off;        /* byte to flip (bit 0), or SIZE_MAX for none */
	long cut;          /* >0: truncate to this length; <0: append -cut zero bytes */
	enum op op;
	int want;
};

#define S0 38
#define S0_SS (S0 + 2 + 88)
#define S0_BODY (S0_SS + 24 + 8)
#define S1 (S0_BODY + 1041)
#define S2 (S1 + 2 + 88 + 24 + 8 + 1041)
static const struct neg negs[] = {
	{ "flip-magic", 1, 0, OP_PARSE, SD_E_MAGIC },
	{ "flip-version", 4, 0, OP_PARSE, SD_E_VERSION },
	{ "flip-n-sections", 5, 0, OP_PARSE, SD_E_TRAILING },
	{ "flip-channel-id", 10, 0, OP_CHECK, SD_E_CHANNEL },
	{ "flip-nonce", 30, 0, OP_OPEN0, SD_E_DECRYPT },
	{ "flip-section-type", S0, 0, OP_PARSE, SD_E_SECTIONS },
	{ "flip-recipient-key-id", S0 + 2, 0, OP_OPEN0, SD_E_NO_KEY },
	{ "flip-recipient-key-id-check", S0 + 2, 0, OP_CHECK, SD_E_RECIPIENTS },
	{ "flip-sealed-key", S0 + 2 + 8 + 33, 0, OP_OPEN0, SD_E_UNSEAL },
	{ "flip-stream-header", S0_SS + 1, 0, OP_OPEN0, SD_E_DECRYPT },
	{ "flip-body-len", S0_SS + 24, 0, OP_PARSE, SD_E_LENGTH },
	{ "flip-stats-chunk", S0_BODY + 100, 0, OP_OPEN0, SD_E_DECRYPT },
	{ "flip-details-chunk", S1 + 2 + 88 + 24 + 8 + 5, 0, OP_OPEN1, SD_E_DECRYPT },
	{ "flip-attachment-chunk", S2 + 2 + 88 + 24 + 8 + 1040, 0, OP_OPEN2, SD_E_DECRYPT },
	{ "cut-in-header", SIZE_MAX, 20, OP_PARSE, SD_E_TRUNCATED },
	{ "cut-after-header", SIZE_MAX, S0, OP_PARSE, SD_E_TRUNCATED },
	{ "cut-in-recipients", SIZE_MAX, S0 + 50, OP_PARSE, SD_E_TRUNCATED },
	{ "cut-in-body", SIZE_MAX, S0_BODY + 10, OP_PARSE, SD_E_TRUNCATED },
	{ "cut-after-section-0", SIZE_MAX, S1, OP_PARSE, SD_E_TRUNCATED },
	{ "cut-last-byte", SIZE_MAX, -1, OP_PARSE, 0 },       /* filled in below */
	{ "trailing-byte", SIZE_MAX, -1, OP_PARSE, SD_E_TRAILING },
};

static void
apply(const struct neg *n, uint8_t **out, size_t *len)
{
	uint8_t *b = calloc(1, F.env_len + 16);

	memcpy(b, F.env, F.env_len);
	*len = F.env_len;
	if (n->off != SIZE_MAX)
		b[n->off] ^= 1;
	if (strcmp(n->name, "cut-last-byte") == 0)
		*len = F.env_len - 1;
	else if (n->cut > 0)
		*len = (size_t)n->cut;
	else if (n->cut < 0)
		*len = F.env_len + (size_t)(-n->cut);
	*out = b;
}

static int
run_op(const uint8_t *env, size_t len, enum op op)
{
	struct sd_envelope_view v;
	sd_channel *ch = NULL;
	uint8_t *plain = NULL;
	size_t pl;
	int rc;

	if ((rc = sd_envelope_parse(env, len, &v)) != SD_OK || op == OP_PARSE)
		return rc;
	assert_int_equal(sd_channel_load(F.channel, F.channel_len,
	    sd_seckey_pk(F.authority), "2026-06-01", &ch), SD_OK);
	rc = sd_envelope_check_channel(&v, ch);
	sd_channel_free(ch);
	if (op == OP_CHECK)
		return rc;
	rc = sd_envelope_open_section(&v, (size_t)(op - OP_OPEN0),
	    op == OP_OPEN0 ? F.stats : F.details, &plain, &pl);
	if (plain)
		sodium_free(plain);
	return rc;
}

static char *
vec_path(const char *dir, const char *name)
{
	static char p[4200];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return p;
}

static const char *
vec_dir(void)
{
	static char d[4000];
	const char *src = getenv("SD_SOURCE_DIR");

	snprintf(d, sizeof(d), "%s/tests/vectors", src ? src : ".");
	return d;
}

static void
expect_file(const char *name, const void *data, size_t len)
{
	uint8_t *f = NULL;
	size_t fl = 0;

	print_message("vector %s\n", name);
	assert_int_equal(sd_file_read(vec_path(vec_dir(), name), 1 << 20, &f, &fl), SD_OK);
	assert_int_equal(fl, len);
	assert_memory_equal(f, data, len);
	free(f);
}

/* The fixed vector is reproduced byte for byte. */
static void
test_valid_vector(void **state)
{
	(void)state;
	expect_file("channel.json", F.channel, F.channel_len);
	expect_file("valid.env", F.env, F.env_len);
}

/* ... and the hex in docs/envelope.md is the same bytes. */
static void
test_docs_hex(void **state)
{
	char path[4096], *hex = NULL, *p, *end;
	uint8_t *doc = NULL, *bin = NULL;
	size_t dl = 0, hl = 0, bl = 0;
	const char *src = getenv("SD_SOURCE_DIR");

	(void)state;
	snprintf(path, sizeof(path), "%s/docs/envelope.md", src ? src : ".");
	assert_int_equal(sd_file_read(path, 1 << 20, &doc, &dl), SD_OK);
	p = strstr((char *)doc, "<!-- vector valid.env -->");
	assert_non_null(p);
	p = strstr(p, "```\n");
	assert_non_null(p);
	p += 4;
	end = strstr(p, "```");
	assert_non_null(end);
	hex = malloc((size_t)(end - p) + 1);
	for (; p < end; p++)
		if (*p != '\n')
			hex[hl++] = *p;
	bin = malloc(hl / 2 + 1);
	assert_int_equal(sd_hex_decode(bin, hl / 2 + 1, &bl, hex, hl), SD_OK);
	assert_int_equal(bl, F.env_len);
	assert_memory_equal(bin, F.env, bl);
	free(hex);
	free(bin);
	free(doc);
}

static void
test_vector_opens(void **state)
{
	struct sd_envelope_view v;
	uint8_t *plain = NULL;
	size_t pl;

	(void)state;
	assert_int_equal(sd_envelope_parse(F.env, F.env_len, &v), SD_OK);
	assert_int_equal(sd_envelope_open_section(&v, 0, F.stats, &plain, &pl), SD_OK);
	assert_int_equal(pl, sizeof(STATS) - 1);
	assert_memory_equal(plain, STATS, pl);
	sodium_free(plain);
	assert_int_equal(sd_envelope_open_section(&v, 1, F.details, &plain, &pl), SD_OK);
	assert_memory_equal(plain, DETAILS, pl);
	sodium_free(plain);
	assert_int_equal(sd_envelope_open_section(&v, 2, F.details, &plain, &pl), SD_OK);
	assert_memory_equal(plain + pl - 5, "hello", 5);
	sodium_free(plain);
}

static void
test_negative_vectors(void **state)
{
	char name[128];
	uint8_t *f = NULL, *want;
	size_t i, fl, wl;

	(void)state;
	for (i = 0; i < sizeof(negs) / sizeof(negs[0]); i++) {
		snprintf(name, sizeof(name), "%s.env", negs[i].name);
		apply(&negs[i], &want, &wl);
		expect_file(name, want, wl);
		free(want);
		assert_int_equal(sd_file_read(vec_path(vec_dir(), name), 1 << 20, &f, &fl), SD_OK);
		int expected = strcmp(negs[i].name, "cut-last-byte") == 0 ?
		    SD_E_TRUNCATED : negs[i].want;
		assert_int_equal(run_op(f, fl, negs[i].op), expected);
		free(f);
	}
}

static void
test_channel_vectors(void **state)
{
	sd_channel *ch = NULL;
	uint8_t *f = NULL;
	size_t fl;

	(void)state;
	expect_file("channel-expired.json", F.expired, F.expired_len);
	expect_file("channel-other-authority.json", F.foreign, F.foreign_len);
	assert_int_equal(sd_file_read(vec_path(vec_dir(), "channel-expired.json"), 1 << 20,
	    &f, &fl), SD_OK);
	assert_int_equal(sd_channel_load((char *)f, fl, sd_seckey_pk(F.authority),
	    "2026-06-01", &ch), SD_E_EXPIRED);
	free(f);
	assert_int_equal(sd_file_read(vec_path(vec_dir(), "channel-other-authority.json"),
	    1 << 20, &f, &fl), SD_OK);
	assert_int_equal(sd_channel_load((char *)f, fl, sd_seckey_pk(F.authority),
	    "2026-06-01", &ch), SD_E_AUTHORITY);
	free(f);
	assert_null(ch);
}

/* Key files kept as vectors: passphrase "vector". */
static void
test_keyfile_vectors(void **state)
{
	sd_seckey *k = NULL;

	(void)state;
	assert_int_equal(sd_seckey_load(vec_path(vec_dir(), "stats.key"), "vector", 6, &k), SD_OK);
	assert_int_equal(sd_seckey_role(k), SD_ROLE_STATS);
	sd_seckey_free(k);
	k = NULL;
	assert_int_equal(sd_seckey_load(vec_path(vec_dir(), "stats.key"), "vectors", 7, &k),
	    SD_E_PASSPHRASE);
	assert_int_equal(sd_seckey_load(vec_path(vec_dir(), "stats-tampered.key"), "vector", 6,
	    &k), SD_E_KEYFILE);
	assert_null(k);
}

static int
write_all(const char *dir)
{
	char name[128], *key = NULL;
	uint8_t *b, *text = NULL;
	size_t i, l, tl;

	sd_file_write(vec_path(dir, "channel.json"), F.channel, F.channel_len, 0644, 1);
	sd_file_write(vec_path(dir, "channel-expired.json"), F.expired, F.expired_len, 0644, 1);
	sd_file_write(vec_path(dir, "channel-other-authority.json"), F.foreign,
	    F.foreign_len, 0644, 1);
	sd_file_write(vec_path(dir, "valid.env"), F.env, F.env_len, 0644, 1);
	for (i = 0; i < sizeof(negs) / sizeof(negs[0]); i++) {
		snprintf(name, sizeof(name), "%s.env", negs[i].name);
		apply(&negs[i], &b, &l);
		sd_file_write(vec_path(dir, name), b, l, 0644, 1);
		free(b);
	}
	/* the fixed recipient keys as key files, for the command-line tests */
	if (sd_seckey_write(F.stats, vec_path(dir, "vector-stats.key"), "vector", 6,
	    SD_KDF_INTERACTIVE, 1) != SD_OK ||
	    sd_seckey_write(F.details, vec_path(dir, "vector-details.key"), "vector", 6,
	    SD_KDF_INTERACTIVE, 1) != SD_OK ||
	    sd_pubkey_write(vec_path(dir, "vector-authority.pub"), SD_ROLE_AUTHORITY,
	    sd_seckey_pk(F.authority), 1) != SD_OK)
		return 1;
	key = strdup(vec_path(dir, "stats"));
	if (sd_keygen(SD_ROLE_STATS, key, "vector", 6, SD_KDF_INTERACTIVE, 1) != SD_OK)
		return 1;
	sd_file_read(vec_path(dir, "stats.key"), 4096, &text, &tl);
	text[tl - 20] = text[tl - 20] == 'A' ? 'B' : 'A';   /* one character of the payload */
	sd_file_write(vec_path(dir, "stats-tampered.key"), text, tl, 0600, 1);
	free(text);
	free(key);
	/* hex for docs/envelope.md, 64 characters a line */
	for (i = 0; i < F.env_len; i++)
		printf("%02x%s", F.env[i], (i + 1) % 32 == 0 ? "\n" : "");
	printf("\n");
	return 0;
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_vector),
		cmocka_unit_test(test_docs_hex),
		cmocka_unit_test(test_vector_opens),
		cmocka_unit_test(test_negative_vectors),
		cmocka_unit_test(test_channel_vectors),
		cmocka_unit_test(test_keyfile_vectors),
	};

	randombytes_set_implementation(&det_impl);
	if (sodium_init() < 0)
		return 1;
	build_fixture();
	if (argc == 3 && strcmp(argv[1], "--write") == 0)
		return write_all(argv[2]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
