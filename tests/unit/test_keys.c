/* Key files and channel descriptors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <sodium.h>

#include "sd_channel.h"
#include "sd_encode.h"
#include "sd_err.h"
#include "sd_file.h"
#include "sd_keys.h"
#include "sd_mem.h"
#include "sd_signed.h"
#include "sd_testkit.h"

#define PASS "correct horse battery staple"

static void
make_key(enum sd_role role, const char *base)
{
	char p[256];

	snprintf(p, sizeof(p), "%s.key", base);
	unlink(p);
	snprintf(p, sizeof(p), "%s.pub", base);
	unlink(p);
	assert_int_equal(sd_keygen(role, base, PASS, strlen(PASS), SD_KDF_INTERACTIVE, 0), SD_OK);
}

static void
test_keygen_load(void **state)
{
	static const enum sd_role roles[] = { SD_ROLE_STATS, SD_ROLE_DETAILS,
	    SD_ROLE_AUTHORITY, SD_ROLE_ACK, SD_ROLE_RECEIPT };
	struct stat st;
	sd_seckey *k = NULL;
	uint8_t pk[32];
	enum sd_role role;
	size_t i;

	(void)state;
	for (i = 0; i < 5; i++) {
		make_key(roles[i], "k");
		assert_int_equal(stat("k.key", &st), 0);
		assert_int_equal(st.st_mode & 0777, 0600);
		assert_int_equal(sd_seckey_load("k.key", PASS, strlen(PASS), &k), SD_OK);
		assert_int_equal(sd_seckey_role(k), roles[i]);
		assert_int_equal(sd_pubkey_load("k.pub", &role, pk), SD_OK);
		assert_int_equal(role, roles[i]);
		assert_memory_equal(pk, sd_seckey_pk(k), 32);
		sd_seckey_free(k);
	}
}

static void
test_no_overwrite(void **state)
{
	uint8_t *before = NULL, *after = NULL;
	size_t bl, al;

	(void)state;
	make_key(SD_ROLE_STATS, "once");
	assert_int_equal(sd_file_read("once.key", 4096, &before, &bl), SD_OK);
	assert_int_equal(sd_keygen(SD_ROLE_STATS, "once", PASS, strlen(PASS),
	    SD_KDF_INTERACTIVE, 0), SD_E_EXISTS);
	assert_int_equal(sd_file_read("once.key", 4096, &after, &al), SD_OK);
	assert_int_equal(bl, al);
	assert_memory_equal(before, after, bl);
	free(after);
	assert_int_equal(sd_keygen(SD_ROLE_STATS, "once", PASS, strlen(PASS),
	    SD_KDF_INTERACTIVE, 1), SD_OK);
	assert_int_equal(sd_file_read("once.key", 4096, &after, &al), SD_OK);
	assert_true(bl != al || memcmp(before, after, bl) != 0);
	free(before);
	free(after);
}

static void
test_wrong_passphrase_and_tampering(void **state)
{
	uint8_t *text = NULL;
	size_t len, i, line2;
	sd_seckey *k = NULL;

	(void)state;
	make_key(SD_ROLE_DETAILS, "t");
	assert_int_equal(sd_seckey_load("t.key", "wrong", 5, &k), SD_E_PASSPHRASE);
	assert_null(k);
	assert_int_equal(sd_file_read("t.key", 4096, &text, &len), SD_OK);
	line2 = (size_t)((uint8_t *)memchr(text, '\n', len) - text) + 1;
	/* change one base64 character in every position class of the payload */
	for (i = line2 + 2; i + 1 < len; i += 17) {
		uint8_t saved = text[i];
		text[i] = text[i] == 'A' ? 'B' : 'A';
		assert_int_equal(sd_file_write("tampered.key", text, len, 0600, 1), SD_OK);
		int rc = sd_seckey_load("tampered.key", PASS, strlen(PASS), &k);
		assert_true(rc == SD_E_KEYFILE);
		text[i] = saved;
	}
	/* truncated, extra line, not base64 */
	assert_int_equal(sd_file_write("tampered.key", text, len - 10, 0600, 1), SD_OK);
	assert_int_equal(sd_seckey_load("tampered.key", PASS, strlen(PASS), &k), SD_E_KEYFILE);
	assert_int_equal(sd_file_write("tampered.key", "hello\nworld\n", 12, 0600, 1), SD_OK);
	assert_int_equal(sd_seckey_load("tampered.key", PASS, strlen(PASS), &k), SD_E_KEYFILE);
	assert_int_equal(sd_seckey_load("does-not-exist.key", PASS, strlen(PASS), &k), SD_E_IO);
	free(text);
}

static void
test_pubkey_forms(void **state)
{
	sd_seckey *k = NULL;
	uint8_t pk[32];
	char b64[SD_B64_LEN(32)], arg[80];
	enum sd_role role;

	(void)state;
	make_key(SD_ROLE_STATS, "p");
	assert_int_equal(sd_seckey_load("p.key", PASS, strlen(PASS), &k), SD_OK);
	sd_b64_encode(b64, sizeof(b64), sd_seckey_pk(k), 32);
	assert_int_equal(sd_pubkey_load(b64, &role, pk), SD_OK);
	assert_int_equal(role, SD_ROLE_NONE);
	assert_memory_equal(pk, sd_seckey_pk(k), 32);
	snprintf(arg, sizeof(arg), "stats:%s", b64);
	assert_int_equal(sd_pubkey_load(arg, &role, pk), SD_OK);
	assert_int_equal(role, SD_ROLE_STATS);
	assert_int_equal(sd_pubkey_load("bogus:AAAA", &role, pk), SD_E_INVAL);
	assert_int_equal(sd_pubkey_load("AAAA", &role, pk), SD_E_INVAL);
	b64[5] = '!';
	assert_int_equal(sd_pubkey_load(b64, &role, pk), SD_E_INVAL);
	sd_seckey_free(k);
}

static void
test_channel_verify(void **state)
{
	struct tk_channel t, other;
	sd_channel *ch = NULL;
	const struct sd_recipient *r;
	char *copy;
	size_t n;

	(void)state;
	assert_int_equal(tk_channel_make(&t, 0x10, 1, 2), SD_OK);
	assert_int_equal(tk_channel_make(&other, 0x60, 1, 1), SD_OK);
	r = sd_channel_recipients(t.ch, &n);
	assert_int_equal(n, 3);
	assert_int_equal(r[0].role, SD_ROLE_STATS);
	assert_int_equal(sd_channel_count_role(t.ch, SD_ROLE_DETAILS), 2);
	assert_memory_equal(sd_channel_receipt_pk(t.ch), sd_seckey_pk(t.receipt), 32);
	assert_null(sd_channel_ack_pk(t.ch));
	assert_string_equal(sd_channel_expires(t.ch), "2099-12-31");
	/* pinned to another authority */
	assert_int_equal(sd_channel_load(t.json, t.jsonlen, sd_seckey_pk(other.authority),
	    "2026-06-01", &ch), SD_E_AUTHORITY);
	/* expired */
	assert_int_equal(sd_channel_load(t.json, t.jsonlen, sd_seckey_pk(t.authority),
	    "2100-01-01", &ch), SD_E_EXPIRED);
	assert_int_equal(sd_channel_load(t.json, t.jsonlen, sd_seckey_pk(t.authority),
	    "2099-12-31", &ch), SD_OK);
	sd_channel_free(ch);
	ch = NULL;
	/* a signature that does not match: one body character changed */
	copy = strdup(t.json);
	char *b = strstr(copy, "\"body\": \"") + 9 + 20;
	*b = *b == 'A' ? 'B' : 'A';
	assert_int_equal(sd_channel_load(copy, strlen(copy), sd_seckey_pk(t.authority),
	    "2026-06-01", &ch), SD_E_SIGNATURE);
	free(copy);
	assert_int_equal(sd_channel_load("{}", 2, sd_seckey_pk(t.authority), NULL, &ch),
	    SD_E_FORMAT);
	assert_int_equal(sd_channel_load("nope", 4, sd_seckey_pk(t.authority), NULL, &ch),
	    SD_E_FORMAT);
	assert_null(ch);
	tk_channel_free(&t);
	tk_channel_free(&other);
}

/* A body with unknown members or a wrong key_id is refused even when it is
 * signed by the pinned authority. */
static void
test_channel_body_strict(void **state)
{
	struct tk_channel t;
	sd_channel *ch = NULL;
	char body[1024], b64[SD_B64_LEN(32)], *doc = NULL;
	size_t i, doclen;

	(void)state;
	assert_int_equal(tk_channel_make(&t, 0x20, 1, 1), SD_OK);
	sd_b64_encode(b64, sizeof(b64), sd_seckey_pk(t.receipt), 32);
	for (i = 0; i < 3; i++) {
		/* no recipients; an impossible date; a key_id not of its key */
		if (i == 0)
			snprintf(body, sizeof(body), "{\"issued\":\"2026-01-01\",\"expires\":"
			    "\"2099-12-31\",\"recipients\":[],\"receipt_key\":\"%s\"}", b64);
		else
			snprintf(body, sizeof(body), "{\"issued\":\"2026-01-01\",\"expires\":"
			    "\"%s\",\"recipients\":[{\"key_id\":\"0000000000000000\","
			    "\"public_key\":\"%s\",\"role\":\"stats\",\"label\":\"x\"}],"
			    "\"receipt_key\":\"%s\"}", i == 1 ? "2099-13-31" : "2099-12-31",
			    b64, b64);
		assert_int_equal(sd_signed_create("sealdrop.channel/1", "authority",
		    t.authority, (const uint8_t *)body, strlen(body), &doc, &doclen), SD_OK);
		assert_int_equal(sd_channel_load(doc, doclen, sd_seckey_pk(t.authority),
		    "2026-06-01", &ch), SD_E_FORMAT);
		free(doc);
	}
	tk_channel_free(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keygen_load),
		cmocka_unit_test(test_no_overwrite),
		cmocka_unit_test(test_wrong_passphrase_and_tampering),
		cmocka_unit_test(test_pubkey_forms),
		cmocka_unit_test(test_channel_verify),
		cmocka_unit_test(test_channel_body_strict),
	};

	if (sd_crypto_init() != SD_OK)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
