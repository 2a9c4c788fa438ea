/* Envelope v1: round trips at every size boundary, and every kind of
 * damage failing with its own error. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>

#include "sd_envelope.h"
#include "sd_err.h"
#include "sd_mem.h"
#include "sd_open.h"
#include "sd_pad.h"
#include "sd_encode.h"
#include "sd_testkit.h"

static struct tk_channel T;   /* 2 stats, 2 details recipients */
static struct tk_channel U;   /* another channel */

static int
setup(void **state)
{
	(void)state;
	if (tk_channel_make(&T, 0x40, 2, 2) != SD_OK)
		return -1;
	return tk_channel_make(&U, 0x80, 1, 1) == SD_OK ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	tk_channel_free(&T);
	tk_channel_free(&U);
	return 0;
}

static void
test_pad_sizes(void **state)
{
	static const struct { size_t len, padded; } cases[] = {
		{ 0, 1024 }, { 1, 1024 }, { 1023, 1024 }, { 1024, 1088 },
		{ 1087, 1088 }, { 1088, 1152 }, { 65535, 65536 }, { 65536, 67584 },
		{ 65537, 67584 }, { 10 * 1024 * 1024, 10747904 },
	};
	uint8_t buf[2048];
	size_t i, len;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(sd_pad_size(cases[i].len), cases[i].padded);
	/* canonical unpadding */
	memset(buf, 'x', 500);
	sd_pad(buf, 500, 1024);
	assert_int_equal(sd_unpad(buf, 1024, &len), SD_OK);
	assert_int_equal(len, 500);
	memset(buf, 0, 1024);
	assert_int_equal(sd_unpad(buf, 1024, &len), SD_E_PADDING);      /* no marker */
	memset(buf, 'x', 1024);
	assert_int_equal(sd_unpad(buf, 1024, &len), SD_E_PADDING);      /* no zeros, no marker */
	memset(buf, 'x', 1088);
	sd_pad(buf, 500, 1088);       /* marker too early for 1088 bytes */
	assert_int_equal(sd_unpad(buf, 1088, &len), SD_E_PADDING);
}

static void
test_base32_receipt(void **state)
{
	char out[32];

	(void)state;
	/* RFC 4648 section 10, lower case, no padding */
	assert_int_equal(sd_b32_encode(out, sizeof(out), (const uint8_t *)"foobar", 6), SD_OK);
	assert_string_equal(out, "mzxw6ytboi");
	assert_int_equal(sd_b32_encode(out, sizeof(out), (const uint8_t *)"f", 1), SD_OK);
	assert_string_equal(out, "my");
}

#define NOATT ((size_t)-1)

static uint8_t *
seal3(const sd_channel *ch, size_t slen, size_t dlen, size_t alen, size_t *len)
{
	uint8_t *s = tk_pattern(slen, 1), *d = tk_pattern(dlen, 2);
	uint8_t *a = tk_pattern(alen == NOATT ? 0 : alen, 3);
	struct sd_section_in in[3] = {
		{ SD_SEC_STATS, s, slen }, { SD_SEC_DETAILS, d, dlen },
		{ SD_SEC_ATTACHMENT, a, alen },
	};
	uint8_t *env = NULL;

	assert_int_equal(sd_envelope_seal(ch, in, alen != NOATT ? 3 : 2, &env, len), SD_OK);
	free(s);
	free(d);
	free(a);
	return env;
}

static void
expect_open(const struct sd_envelope_view *v, size_t idx, const sd_seckey *k,
    size_t len, uint8_t salt)
{
	uint8_t *plain = NULL, *want = tk_pattern(len, salt);
	size_t plen = 0;

	assert_int_equal(sd_envelope_open_section(v, idx, k, &plain, &plen), SD_OK);
	assert_int_equal(plen, len);
	assert_memory_equal(plain, want, len);
	sd_secret_free(plain);
	free(want);
}

static void
test_round_trip_sizes(void **state)
{
	static const size_t sizes[] = { 0, 1, 1023, 1024, 65535, 65536, 65537 };
	struct sd_envelope_view v;
	uint8_t *env;
	size_t i, j, len;

	(void)state;
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		size_t s = sizes[i] > SD_STATS_MAX ? SD_STATS_MAX : sizes[i];
		env = seal3(T.ch, s, sizes[i], sizes[i], &len);
		assert_int_equal(sd_envelope_parse(env, len, &v), SD_OK);
		assert_int_equal(sd_envelope_check_channel(&v, T.ch), SD_OK);
		assert_int_equal(v.n_sections, 3);
		for (j = 0; j < 2; j++) {
			expect_open(&v, 0, T.stats[j], s, 1);
			expect_open(&v, 1, T.details[j], sizes[i], 2);
			expect_open(&v, 2, T.details[j], sizes[i], 3);
		}
		/* a key reads only the sections of its role */
		uint8_t *p = NULL;
		size_t pl;
		assert_int_equal(sd_envelope_open_section(&v, 1, T.stats[0], &p, &pl), SD_E_NO_KEY);
		assert_int_equal(sd_envelope_open_section(&v, 0, T.details[0], &p, &pl), SD_E_NO_KEY);
		assert_null(p);
		free(env);
	}
}

static void
test_multi_chunk_attachments(void **state)
{
	struct sd_section_in in[7];
	struct sd_envelope_view v;
	uint8_t *bufs[7], *env = NULL;
	size_t lens[7] = { 300, 5000, 3 * 1024 * 1024 + 7, 1, 0, 65536 * 2, 200000 };
	size_t i, len;

	(void)state;
	for (i = 0; i < 7; i++) {
		bufs[i] = tk_pattern(lens[i], (uint8_t)(10 + i));
		in[i].type = i == 0 ? SD_SEC_STATS : i == 1 ? SD_SEC_DETAILS : SD_SEC_ATTACHMENT;
		in[i].data = bufs[i];
		in[i].len = lens[i];
	}
	assert_int_equal(sd_envelope_seal(T.ch, in, 7, &env, &len), SD_OK);
	assert_int_equal(sd_envelope_parse(env, len, &v), SD_OK);
	expect_open(&v, 0, T.stats[1], lens[0], 10);
	for (i = 1; i < 7; i++)
		expect_open(&v, i, T.details[1], lens[i], (uint8_t)(10 + i));
	free(env);
	for (i = 0; i < 7; i++)
		free(bufs[i]);
}

static void
test_seal_refuses_bad_sections(void **state)
{
	uint8_t x[4] = { 1, 2, 3, 4 }, *env = NULL, *big;
	size_t len;
	struct sd_section_in wrong_first[1] = { { SD_SEC_DETAILS, x, 4 } };
	struct sd_section_in details_late[3] = {
		{ SD_SEC_STATS, x, 4 }, { SD_SEC_ATTACHMENT, x, 4 }, { SD_SEC_DETAILS, x, 4 } };
	struct sd_section_in six_att[7] = {
		{ SD_SEC_STATS, x, 4 }, { SD_SEC_ATTACHMENT, x, 4 }, { SD_SEC_ATTACHMENT, x, 4 },
		{ SD_SEC_ATTACHMENT, x, 4 }, { SD_SEC_ATTACHMENT, x, 4 },
		{ SD_SEC_ATTACHMENT, x, 4 }, { SD_SEC_ATTACHMENT, x, 4 } };
	struct sd_section_in toobig[1] = { { SD_SEC_STATS, NULL, SD_STATS_MAX + 1 } };

	(void)state;
	assert_int_equal(sd_envelope_seal(T.ch, wrong_first, 1, &env, &len), SD_E_SECTIONS);
	assert_int_equal(sd_envelope_seal(T.ch, details_late, 3, &env, &len), SD_E_SECTIONS);
	assert_int_equal(sd_envelope_seal(T.ch, six_att, 7, &env, &len), SD_E_SECTIONS);
	big = calloc(1, SD_STATS_MAX + 1);
	toobig[0].data = big;
	assert_int_equal(sd_envelope_seal(T.ch, toobig, 1, &env, &len), SD_E_TOOBIG);
	assert_int_equal(sd_envelope_seal(T.ch, toobig, 0, &env, &len), SD_E_SECTIONS);
	assert_null(env);
	free(big);
}

/* Offsets of the regions of the envelope made by seal3(T, 100, 70000, 10):
 * 2 stats and 2 details recipients per section. */
#define SEC0 SD_ENV_HEADER_LEN
#define SEC0_RCPT (SEC0 + 2)
#define SEC0_SS (SEC0_RCPT + 2 * SD_ENV_RECIPIENT_LEN)
#define SEC0_LEN (SEC0_SS + 24)
#define SEC0_BODY (SEC0_LEN + 8)
#define SEC1 (SEC0_BODY + 1024 + 17)
#define SEC1_BODY (SEC1 + 2 + 2 * SD_ENV_RECIPIENT_LEN + 24 + 8)

struct damage {
	const char *what;
	size_t off;
	int parse, check, open_idx, open;   /* expected results */
	int key;                            /* 0: stats[0], 1: details[0], 2: stats[1] */
};

static void
test_flipped_bits(void **state)
{
	const struct damage cases[] = {
		{ "magic", 0, SD_E_MAGIC, 0, 0, 0, 0 },
		{ "version", 4, SD_E_VERSION, 0, 0, 0, 0 },
		{ "n_sections", 5, SD_E_TRAILING, 0, 0, 0, 0 },
		{ "channel_id", 6, SD_OK, SD_E_CHANNEL, 0, SD_E_DECRYPT, 0 },
		{ "envelope_nonce", 22, SD_OK, SD_OK, 0, SD_E_DECRYPT, 0 },
		{ "section type", SEC0, SD_E_SECTIONS, 0, 0, 0, 0 },
		{ "recipient key_id", SEC0_RCPT, SD_OK, SD_E_RECIPIENTS, 0, SD_E_NO_KEY, 0 },
		{ "sealed key", SEC0_RCPT + 8 + 40, SD_OK, SD_OK, 0, SD_E_UNSEAL, 0 },
		{ "sealed key, other recipient", SEC0_RCPT + 8 + 40, SD_OK, SD_OK, 0, SD_E_DECRYPT, 2 },
		{ "stream header", SEC0_SS + 3, SD_OK, SD_OK, 0, SD_E_DECRYPT, 0 },
		{ "body_len", SEC0_LEN, SD_E_LENGTH, 0, 0, 0, 0 },
		{ "stats chunk", SEC0_BODY + 500, SD_OK, SD_OK, 0, SD_E_DECRYPT, 0 },
		{ "stats chunk tag", SEC1 - 1, SD_OK, SD_OK, 0, SD_E_DECRYPT, 0 },
		{ "details chunk 0", SEC1_BODY + 10, SD_OK, SD_OK, 1, SD_E_DECRYPT, 1 },
		{ "details chunk 1", SEC1_BODY + SD_ENV_CHUNK_CT + 10, SD_OK, SD_OK, 1, SD_E_DECRYPT, 1 },
	};
	const sd_seckey *keys[3] = { T.stats[0], T.details[0], T.stats[1] };
	struct sd_envelope_view v;
	uint8_t *env, *plain;
	size_t i, len, plen;

	(void)state;
	env = seal3(T.ch, 100, 70000, 10, &len);
	assert_int_equal(SEC1_BODY + SD_ENV_CHUNK_CT + 10 < len, 1);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct damage *c = &cases[i];
		env[c->off] ^= 0x01;
		print_message("damage: %s\n", c->what);
		assert_int_equal(sd_envelope_parse(env, len, &v), c->parse);
		if (c->parse == SD_OK) {
			assert_int_equal(sd_envelope_check_channel(&v, T.ch), c->check);
			plain = NULL;
			assert_int_equal(sd_envelope_open_section(&v, (size_t)c->open_idx,
			    keys[c->key], &plain, &plen), c->open);
			assert_null(plain);
		}
		env[c->off] ^= 0x01;
	}
	/* undamaged again: everything opens */
	assert_int_equal(sd_envelope_parse(env, len, &v), SD_OK);
	expect_open(&v, 1, T.details[0], 70000, 2);
	free(env);
}

static void
test_truncation_and_trailing(void **state)
{
	const size_t cuts[] = { 0, 3, 4, 37, SEC0, SEC0 + 1, SEC0_RCPT + 50, SEC0_SS,
	    SEC0_LEN + 4, SEC0_BODY, SEC0_BODY + 1040, SEC1, SEC1_BODY + 70000 };
	struct sd_envelope_view v;
	uint8_t *env, *longer;
	size_t i, len;

	(void)state;
	env = seal3(T.ch, 100, 70000, 10, &len);
	for (i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		int want = cuts[i] < 4 ? SD_E_MAGIC : SD_E_TRUNCATED;
		assert_int_equal(sd_envelope_parse(env, cuts[i], &v), want);
	}
	assert_int_equal(sd_envelope_parse(env, len - 1, &v), SD_E_TRUNCATED);
	longer = malloc(len + 1);
	memcpy(longer, env, len);
	longer[len] = 0;
	assert_int_equal(sd_envelope_parse(longer, len + 1, &v), SD_E_TRAILING);
	free(longer);
	free(env);
}

static void
test_moved_and_reordered_sections(void **state)
{
	struct sd_envelope_view va, vb;
	uint8_t *a, *b, *p = NULL;
	size_t la, lb, pl;
	struct sd_section_in in[4];
	uint8_t *x = tk_pattern(100, 1), *y = tk_pattern(2000, 2);
	uint8_t *att1 = tk_pattern(3000, 3), *att2 = tk_pattern(3000, 4);
	size_t s2, s3, slen;

	(void)state;
	/* the details section of b put into a, at the same offset */
	a = seal3(T.ch, 100, 2000, NOATT, &la);
	b = seal3(T.ch, 100, 2000, NOATT, &lb);
	assert_int_equal(la, lb);
	assert_int_equal(sd_envelope_parse(a, la, &va), SD_OK);
	assert_int_equal(sd_envelope_parse(b, lb, &vb), SD_OK);
	memcpy(a + (va.sec[1].start - a), vb.sec[1].start, la - (size_t)(va.sec[1].start - a));
	assert_int_equal(sd_envelope_parse(a, la, &va), SD_OK);
	assert_int_equal(sd_envelope_check_channel(&va, T.ch), SD_OK);
	assert_int_equal(sd_envelope_open_section(&va, 1, T.details[0], &p, &pl), SD_E_DECRYPT);
	free(a);
	free(b);

	/* two attachments of equal size swapped */
	in[0] = (struct sd_section_in){ SD_SEC_STATS, x, 100 };
	in[1] = (struct sd_section_in){ SD_SEC_DETAILS, y, 2000 };
	in[2] = (struct sd_section_in){ SD_SEC_ATTACHMENT, att1, 3000 };
	in[3] = (struct sd_section_in){ SD_SEC_ATTACHMENT, att2, 3000 };
	assert_int_equal(sd_envelope_seal(T.ch, in, 4, &a, &la), SD_OK);
	assert_int_equal(sd_envelope_parse(a, la, &va), SD_OK);
	s2 = (size_t)(va.sec[2].start - a);
	s3 = (size_t)(va.sec[3].start - a);
	slen = s3 - s2;
	b = malloc(slen);
	memcpy(b, a + s2, slen);
	memmove(a + s2, a + s3, slen);
	memcpy(a + s3, b, slen);
	assert_int_equal(sd_envelope_parse(a, la, &va), SD_OK);
	assert_int_equal(sd_envelope_open_section(&va, 2, T.details[0], &p, &pl), SD_E_DECRYPT);
	assert_int_equal(sd_envelope_open_section(&va, 3, T.details[0], &p, &pl), SD_E_DECRYPT);
	free(a);
	free(b);
	free(x);
	free(y);
	free(att1);
	free(att2);
}

static void
test_other_channel_and_keys(void **state)
{
	struct sd_envelope_view v;
	uint8_t *env, *p = NULL;
	size_t len, pl;
	sd_seckey *sign = NULL;
	uint8_t raw[32];

	(void)state;
	env = seal3(U.ch, 10, 10, NOATT, &len);
	assert_int_equal(sd_envelope_parse(env, len, &v), SD_OK);
	assert_int_equal(sd_envelope_check_channel(&v, T.ch), SD_E_CHANNEL);
	assert_int_equal(sd_envelope_check_channel(&v, U.ch), SD_OK);
	/* a key of another channel is not a recipient */
	assert_int_equal(sd_envelope_open_section(&v, 0, T.stats[0], &p, &pl), SD_E_NO_KEY);
	memset(raw, 7, sizeof(raw));
	assert_int_equal(sd_seckey_from_raw(SD_ROLE_ACK, raw, &sign), SD_OK);
	assert_int_equal(sd_envelope_open_section(&v, 0, sign, &p, &pl), SD_E_ROLE);
	assert_int_equal(sd_envelope_open_section(&v, 5, U.stats[0], &p, &pl), SD_E_INVAL);
	expect_open(&v, 0, U.stats[0], 10, 1);
	sd_seckey_free(sign);
	free(env);
}

/* The same bytes are stored once: the receipt is a function of the bytes. */
static void
test_receipt(void **state)
{
	char r1[SD_RECEIPT_LEN + 1], r2[SD_RECEIPT_LEN + 1], msg[128];
	uint8_t *env;
	size_t len;

	(void)state;
	env = seal3(T.ch, 10, 10, NOATT, &len);
	sd_receipt_id(r1, env, len);
	sd_receipt_id(r2, env, len);
	assert_string_equal(r1, r2);
	assert_int_equal(strlen(r1), SD_RECEIPT_LEN);
	assert_int_equal(strspn(r1, "abcdefghijklmnopqrstuvwxyz234567"), SD_RECEIPT_LEN);
	env[len - 1] ^= 1;
	sd_receipt_id(r2, env, len);
	assert_string_not_equal(r1, r2);
	assert_true(sd_receipt_message(msg, sizeof(msg), r1, "2026-11-23") > 0);
	assert_int_equal(strncmp(msg, "sealdrop-receipt/1 ", 19), 0);
	assert_string_equal(msg + 19 + SD_RECEIPT_LEN, " 2026-11-23");
	free(env);
}

/* Re-encrypt section 0 of env as a sealer would, with the chunk tags and
 * padded plaintext given: what a wrong implementation might produce. */
static void
reseal_stats(uint8_t *env, size_t len, const sd_seckey *k, const uint8_t *padded,
    size_t plen, unsigned char first_tag)
{
	struct sd_envelope_view v;
	crypto_secretstream_xchacha20poly1305_state st;
	uint8_t key[32], ad[38 + 1 + 2 + 2 * 88 + 24 + 8];
	uint8_t *body;
	size_t n0 = plen > SD_ENV_CHUNK ? SD_ENV_CHUNK : plen;

	assert_int_equal(sd_envelope_parse(env, len, &v), SD_OK);
	assert_int_equal(v.sec[0].padded, plen);
	assert_int_equal(crypto_box_seal_open(key, v.sec[0].recipients + 8, 80,
	    sd_seckey_pk(k), sd_seckey_sk(k)), 0);
	body = env + (v.sec[0].body - env);
	crypto_secretstream_xchacha20poly1305_init_push(&st, env + (v.sec[0].ss_header - env), key);
	memcpy(ad, env, 38);
	ad[38] = 0;
	memcpy(ad + 39, v.sec[0].start, v.sec[0].prefix_len);
	crypto_secretstream_xchacha20poly1305_push(&st, body, NULL, padded, n0, ad,
	    39 + v.sec[0].prefix_len, plen > n0 ? first_tag :
	    crypto_secretstream_xchacha20poly1305_TAG_FINAL);
	if (plen > n0)
		crypto_secretstream_xchacha20poly1305_push(&st, body + n0 + 17, NULL,
		    padded + n0, plen - n0, NULL, 0,
		    crypto_secretstream_xchacha20poly1305_TAG_FINAL);
}

static void
test_chunk_tags_and_padding(void **state)
{
	struct sd_envelope_view v;
	struct sd_section_in in[2];
	uint8_t *s = tk_pattern(SD_STATS_MAX, 9), *d = tk_pattern(10, 8), *env = NULL;
	uint8_t *padded, *plain = NULL;
	size_t len, pl, plen = sd_pad_size(SD_STATS_MAX);

	(void)state;
	in[0] = (struct sd_section_in){ SD_SEC_STATS, s, SD_STATS_MAX };
	in[1] = (struct sd_section_in){ SD_SEC_DETAILS, d, 10 };
	assert_int_equal(sd_envelope_seal(T.ch, in, 2, &env, &len), SD_OK);
	padded = malloc(plen);
	memcpy(padded, s, SD_STATS_MAX);
	sd_pad(padded, SD_STATS_MAX, plen);
	/* a correct re-encryption opens: the helper is right */
	reseal_stats(env, len, T.stats[0], padded, plen,
	    crypto_secretstream_xchacha20poly1305_TAG_MESSAGE);
	assert_int_equal(sd_envelope_parse(env, len, &v), SD_OK);
	assert_int_equal(sd_envelope_open_section(&v, 0, T.stats[0], &plain, &pl), SD_OK);
	assert_int_equal(pl, SD_STATS_MAX);
	sd_secret_free(plain);
	plain = NULL;
	/* a first chunk tagged REKEY, or FINAL before the end, is refused */
	reseal_stats(env, len, T.stats[0], padded, plen,
	    crypto_secretstream_xchacha20poly1305_TAG_REKEY);
	assert_int_equal(sd_envelope_open_section(&v, 0, T.stats[0], &plain, &pl), SD_E_DECRYPT);
	reseal_stats(env, len, T.stats[0], padded, plen,
	    crypto_secretstream_xchacha20poly1305_TAG_FINAL);
	assert_int_equal(sd_envelope_open_section(&v, 0, T.stats[0], &plain, &pl), SD_E_DECRYPT);
	/* authentic but badly padded: no marker, or a marker too early */
	memset(padded, 0, plen);
	reseal_stats(env, len, T.stats[0], padded, plen,
	    crypto_secretstream_xchacha20poly1305_TAG_MESSAGE);
	assert_int_equal(sd_envelope_open_section(&v, 0, T.stats[0], &plain, &pl), SD_E_PADDING);
	memset(padded, 'x', plen);
	sd_pad(padded, 100, plen);
	reseal_stats(env, len, T.stats[0], padded, plen,
	    crypto_secretstream_xchacha20poly1305_TAG_MESSAGE);
	assert_int_equal(sd_envelope_open_section(&v, 0, T.stats[0], &plain, &pl), SD_E_PADDING);
	assert_null(plain);
	free(padded);
	free(env);
	free(s);
	free(d);
}

/* The analyst reads only the header and the stats section of each stored
 * envelope, and opens thousands into one reused buffer. */
static void
test_parse_first_and_open_into(void **state)
{
	struct sd_envelope_view full, first;
	uint8_t *a, *b, *buf;
	size_t la, lb, end = 0, pl, cap;

	(void)state;
	a = seal3(T.ch, 700, 70000, 10, &la);
	b = seal3(T.ch, 5000, 10, NOATT, &lb);
	assert_int_equal(sd_envelope_parse(a, la, &full), SD_OK);
	assert_int_equal(sd_envelope_parse_first(a, la, &first, &end), SD_OK);
	assert_int_equal(end, (size_t)(full.sec[1].start - a));
	assert_int_equal(sd_envelope_parse_first(a, end, &first, NULL), SD_OK);
	assert_int_equal(first.sec[0].body_len, full.sec[0].body_len);
	assert_int_equal(sd_envelope_parse_first(a, end - 1, &first, NULL), SD_E_TRUNCATED);
	a[4] ^= 1;
	assert_int_equal(sd_envelope_parse_first(a, end, &first, NULL), SD_E_VERSION);
	a[4] ^= 1;
	assert_int_equal(sd_envelope_parse_first(a, end, &first, NULL), SD_OK);

	cap = sd_pad_size(SD_STATS_MAX) + 1;
	buf = sd_secret_alloc(cap);
	assert_int_equal(sd_envelope_open_section_into(&first, 0, T.stats[0], buf, 100, &pl),
	    SD_E_TOOBIG);
	assert_int_equal(sd_envelope_open_section_into(&first, 0, T.stats[0], buf, cap, &pl), SD_OK);
	assert_int_equal(pl, 700);
	uint8_t *want = tk_pattern(5000, 1);
	assert_int_equal(sd_envelope_parse_first(b, lb, &first, NULL), SD_OK);
	assert_int_equal(sd_envelope_open_section_into(&first, 0, T.stats[1], buf, cap, &pl), SD_OK);
	assert_int_equal(pl, 5000);
	assert_memory_equal(buf, want, 5000);
	assert_int_equal(sd_envelope_open_section_into(&first, 0, T.details[0], buf, cap, &pl),
	    SD_E_NO_KEY);
	sd_secret_free(buf);
	free(want);
	free(a);
	free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pad_sizes),
		cmocka_unit_test(test_base32_receipt),
		cmocka_unit_test(test_round_trip_sizes),
		cmocka_unit_test(test_multi_chunk_attachments),
		cmocka_unit_test(test_seal_refuses_bad_sections),
		cmocka_unit_test(test_flipped_bits),
		cmocka_unit_test(test_truncation_and_trailing),
		cmocka_unit_test(test_moved_and_reordered_sections),
		cmocka_unit_test(test_other_channel_and_keys),
		cmocka_unit_test(test_receipt),
		cmocka_unit_test(test_chunk_tags_and_padding),
		cmocka_unit_test(test_parse_first_and_open_into),
	};

	if (sd_crypto_init() != SD_OK)
		return 1;
	return cmocka_run_group_tests(tests, setup, teardown);
}
