/* Follow-up mailboxes: code, derivation, messages, outbox and fetch answer.
 * The vectors are those of docs/followup.md (checked to be there), so the
 * page's JavaScript and these tools agree on the bytes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>

#include "sd_encode.h"
#include "sd_err.h"
#include "sd_file.h"
#include "sd_keys.h"
#include "sd_mailbox.h"
#include "sd_mem.h"
#include "sd_pad.h"
#include "sd_signed.h"

/* F = 00 01 .. 13; ack key from the Ed25519 seed 41 * 32; channel id
 * c0 c1 .. cf */
#define V_CODE "FU-AAAQ-EAYE-AUDA-OCAJ-BIFQ-YDIO-B4IB-CEQT"
#define V_SEED "ba60e015ccac6eead6dc1e973764eb761e23331976fdf19ca65992627aaad2da"
#define V_PK "0f180e61ff5d0767dc3e13ccef8a800ad21281a8d8ea48c99244fb359be24611"
#define V_ID "69a775e70ba07d31808bd2cdcc191ede"
#define V_ACK "db995fe25169d141cab9bbba92baa01f9f2e1ece7df4cb2ac05190f37fcc1f9d"
#define V_OTHER_ACK "2152f8d19b791d24453242e15f2eab6cb7cffa7b6a5ed30097960e069881db12"
#define V_TEXT "Which port did the parcel come through? \xe2\x80\x94 Merci."
/* signed by the ack key, with note.txt (text/plain) "hello\n" */
static const char v_sealed[] =
	"+cSeliorf0iKkCqfSRxeD1alPKsq9sQq9+OlaGDs/TiXdKUTbWlxzPQEC38b9/ks"
	"RwLAHjeKW5lmCMt9uP+LzhMiLXaqNaxb9XmKzRt7JOYVT0qkTH3bcVqZEmx2qR/9"
	"HUihlMGXbaq3f1MMGq8sU7SDElKmxjRUkM3p+ek0SwSliSpFEWbEN+ToHy8h1AD6"
	"EyKVe6+lR11TAhdalBQXgR5TMNmZ/ciriHdtGgJRXrVwUCdeeXFj8CgICr38kAWY"
	"4qhiQqEIgPN1WKv89MLZ5rfDpsg9tX5HQerA+DtYTSf0lCaCncpjeuLNkWbM8cB3"
	"4M4Ss6I5NJiCZreVuzdz+bQv2j1nz8uCh2mHYE6IIPRS/ZAqW2J+pUK6eehKgCLv"
	"17eQDtzjUo41SSiEdC+GhPVc+wLj86nyPan0Uo93mqvMVJT4w7+ldN7AayVky169"
	"H0/ME6wspIxVOtKprZ5SeilyS8LFtsMPkPZ0ZDrxghDY7IMAdhdrnwtQZKVWUa+4"
	"o7E73hMkZ2xOJucfTWwkl6q5r13+q/TSe0duMz9pw5M2/BWAepmcQxbmmy0Pvqs1"
	"tnop1Xt0M421yKppJMbVcdh0V2klA6DkS3Ov1EXQ3woDyuWVlFJJHRIEKVEYxAJy"
	"pvELewDiEpmSKpergSNiqRmOWewOkxlzx7yxp7WqwVQZ5j98og36TAwPCFQjQu/W"
	"e7//oMy5MSn9LJ3bDgBJKSUr8OMpIzHsB0a9btKdefmZ0jguJ1wFTAkCyXcJMawV"
	"cpvdfcGMeVkQT6l2y0yj92y3WIfKcb92nQSjg4I9/k3z+uoxq+WiLOam5UWJSqZt"
	"4a8yj4Xg5862pTtPPj5l15yuGIpL6NRWqu/Td11WsfcPBKpkgglct+ba9l89ZIYj"
	"6Zwa+2jpQG7izc/jtZ6co6YtbKpZrDl1yTeRVLoDRlQUqf03aPFuRBrLzZuirvMp"
	"tGKNVloIXhdZckuyxvbNKgY4ihXanX89XllQQH7cJdbVhXPbrQlRfXqDuGitjscF"
	"AaZmNu+KebHbVUElDCajaQW+r2ZSXv4VxN9uzHifTs/LazHzhzb3I5HEHp4MENlk"
	"y7rSefsl8ATKt+HgDHLylAddLAM0R5CISEkjX5tzGL3FjUh37rqFyfJv/GAgPKjG"
	"ucC0LgtWJt353MCi6yrGwDaTPJg5CjkWzyRwJo+CQaDqfjGcjnaoxc2uomF/7zj8"
	"EFjzqh97+NnR0HE60iM4VWY9KQLPgoF6cWnpWRyR6NSRb+J6Hkjp4apBpPRQNyfU"
	"AdPktunjB6vknCfK4Hd7Fsb3fi7Timn5KGFCKJkJDfbEPkW4uLmy1QA4S4x45kxt"
	"oSjPWBbjP/CvKkIWmnp4jN58gX7CUh67U9vcHfQBCi/135E/6jPv3zd/b/tDq6VI"
	"KfVLMX78SSDXpq0TAEt34w==";
/* the same mailbox, signed by the key of seed 42 * 32 */
static const char v_sealed_other[] =
	"dLDnhFliC5o+avZLEdeXxtAzQLsDthB8TYAvpApfbWeYRBrqQxED0Ari79Gvz1Oa"
	"+hsc07uSnW8BzFJVa9RsBXN3ZeqFp28XLeCCWUYc/+L/uX+Jl2xXmUCdD0YHOojR"
	"zvQvhhMtp2MmHgpUxtj8YmlxamdxV3FjNhkUo1dPqeb+PIxGFcsDzwdKvOEWV5yI"
	"xrQq3hoiP8/b8aQGdpCzJEllbsBo1rC4qi3iHp8HAmgFxuVUkbpH4sU3FBfCHdUa"
	"uB/zYi6xYFeg76cLX0D0shvfqMRSPfhBECqDMxK+x2PdyYDApfmcpHf2gjHY41DP"
	"ZGYPoITYdmVEZgFItE+0l8NiFm8FRynKDtb54LUUvkTN6UsuwuNJa7Mvn7jngxkw"
	"SGEAWC7EnKCwiE/k3XT72Voe0e5CSI1WrMOlHXSuQr+InxB7/iIOZn6H1fSC8H6c"
	"eP9OoRAzW7i7FHyfZ6cvU/8X40RBnB7zgCbIhw2ooRIP+2QTqHvlstG7SqI4/JZR"
	"sMa9hcW8EOFJllMOWgo4FVmn7xHevjcDa/s58wyMwg21biUDrXXbicPY7k2ITUSD"
	"zdlGE5+5KtlQZQR02B/r4IkVhsZF6B7vov8L9sjU20suPYG6/INIQ/IxnWl6QsT5"
	"WcJmCWCe8sCGzpsexHMSQrX+JAwiGeHUxLTx1virtm8gGlURXKUCM9nJ2L3rwcAh"
	"4w0CI9QwVFTf+tiyBsTEpUU4Uic3qFN/NEynT3QmrQj1KZIoYp0isT4X8xoANC1r"
	"O6galFjBDXXk2iNkEXz72qVzkENDWO/xyywyKUnbL0nNsXdkzGycCJDWnmd2mXJ0"
	"EkiBxfI1xHxek5wf2sE6shKUzZtuBS1WBXUznfwJOufg68dNZQQd7wNtXpDm7uJa"
	"faaVxHfNVYxEYtp1UBk1dBhkBAAZykJs5RP+N548vWA5p+XtulTSQfSBoSjUftWy"
	"2bDLfB8kj0/MFD7NajgNaMLmEWFhnJ1LKUVIaynWhf2xuxuyzpyLEiD/xNobAYJ8"
	"586KTz69anePMmZREVCidnvE6l4KSW/7grzTU89gTPJeXFmBSx4STlgo9ZhZy8hZ"
	"rWUTtHM08vVnxMvmEYLDyuqzB2TW67Lf6ySnHW/Mtm/+OoVGsLPucTSFJwPToT5R"
	"75sJ/h3QqfHtFHGlq/vt+OZoe8L+5k9vhdsXdY72tM6XCgZDG8LaRKKHNUvls/At"
	"Q5+C4b1mMHzE2N4wGg1vowd+2oVp3lJZwKJJyJVGgtFfHkavcBdbsCL/UQBci0vh"
	"nnCWMsrZV3DprwZZv/Caa4Dp0croplkU041Hro5L0jLvp7HRFTDzVhcxml5jhJ5O"
	"FqzR6hxPngh84C+DPNlCCF2HF7BWgJp7kJhzP9KnOec1W43yUOCHnDLrdovUJYUN"
	"25jPCTcuWwx6d+LoAhbEPA==";

static void
fixed_f(uint8_t f[SD_FOLLOWUP_BYTES])
{
	size_t i;

	for (i = 0; i < SD_FOLLOWUP_BYTES; i++)
		f[i] = (uint8_t)i;
}

static sd_seckey *
ack_key(uint8_t b)
{
	uint8_t raw[32];
	sd_seckey *k = NULL;

	memset(raw, b, sizeof(raw));
	assert_int_equal(sd_seckey_from_raw(SD_ROLE_ACK, raw, &k), SD_OK);
	return k;
}

static sd_mailbox *
fixed_mailbox(void)
{
	uint8_t f[SD_FOLLOWUP_BYTES];
	sd_mailbox *mb = NULL;

	fixed_f(f);
	assert_int_equal(sd_mailbox_derive(f, &mb), SD_OK);
	return mb;
}

static void
unhex(const char *h, uint8_t *out, size_t n)
{
	size_t len = 0;

	assert_int_equal(sd_hex_decode(out, n, &len, h, strlen(h)), SD_OK);
	assert_int_equal(len, n);
}

static uint8_t *
unb64(const char *s, size_t *len)
{
	uint8_t *p = malloc(strlen(s));

	assert_non_null(p);
	assert_int_equal(sd_b64_decode(p, strlen(s), len, s, strlen(s)), SD_OK);
	return p;
}

static const uint8_t channel[16] = { 0xc0, 0xc1, 0xc2, 0xc3, 0xc4, 0xc5,
    0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xcb, 0xcc, 0xcd, 0xce, 0xcf };

static void
test_code(void **state)
{
	static const char *const good[] = { V_CODE,
	    "fu-aaaq-eaye-auda-ocaj-bifq-ydio-b4ib-ceqt",
	    "AAAQ-EAYE-AUDA-OCAJ-BIFQ-YDIO-B4IB-CEQT",
	    "  FU AAAQ EAYE AUDA OCAJ BIFQ YDIO B4IB CEQT\n",
	    "AAAQEAYEAUDAOCAJBIFQYDIOB4IBCEQT" };
	static const char *const bad[] = { "", "FU-", "FU-AAAQ",
	    "FU-AAAQ-EAYE-AUDA-OCAJ-BIFQ-YDIO-B4IB-CEQ",      /* 31 */
	    "FU-AAAQ-EAYE-AUDA-OCAJ-BIFQ-YDIO-B4IB-CEQTA",    /* 33 */
	    "FU-AAAQ-EAYE-AUDA-OCAJ-BIFQ-YDIO-B4IB-CEQ1",     /* not base32 */
	    "FU-AAAQ-EAYE-AUDA-OCAJ-BIFQ-YDIO-B4IB-CEQ0",
	    "FU-AAA-QEAYE-AUDA-OCAJ-BIFQ-YDIO-B4IB-CEQT",     /* groups */
	    "FU-AAAQ--EAYE-AUDA-OCAJ-BIFQ-YDIO-B4IB-CEQT",
	    "FU-AAAQ-EAYE-AUDA-OCAJ-BIFQ-YDIO-B4IB-CEQT-",
	    "FX-AAAQ-EAYE-AUDA-OCAJ-BIFQ-YDIO-B4IB-CEQT",
	    "FU-AAAQ-EAYE-AUDA-OCAJ-BIFQ-YDIO-B4IB-CEQT=" };
	uint8_t f[SD_FOLLOWUP_BYTES], want[SD_FOLLOWUP_BYTES];
	char code[SD_FOLLOWUP_CODE_CAP];
	size_t i;

	(void)state;
	fixed_f(want);
	sd_followup_format(code, want);
	assert_string_equal(code, V_CODE);
	assert_int_equal(strlen(code), SD_FOLLOWUP_CODE_CAP - 1);
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		memset(f, 0xff, sizeof(f));
		assert_int_equal(sd_followup_parse(good[i], strlen(good[i]), f),
		    SD_OK);
		assert_memory_equal(f, want, sizeof(f));
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(f, 0xff, sizeof(f));
		assert_int_equal(sd_followup_parse(bad[i], strlen(bad[i]), f),
		    SD_E_CODE);
		/* nothing of a half-read code stays */
		assert_true(sodium_is_zero(f, sizeof(f)));
	}
	assert_non_null(strstr(sd_strerror(SD_E_CODE), "follow-up code"));
	/* drawn codes read back to the same F */
	for (i = 0; i < 64; i++) {
		sd_followup_draw(want);
		sd_followup_format(code, want);
		assert_int_equal(sd_followup_parse(code, strlen(code), f), SD_OK);
		assert_memory_equal(f, want, sizeof(f));
	}
}

static void
test_derive(void **state)
{
	uint8_t f[SD_FOLLOWUP_BYTES], seed[32], want[32], id[16];
	char hex[SD_MAILBOX_ID_HEX];
	sd_mailbox *mb;

	(void)state;
	fixed_f(f);
	sd_mailbox_seed(f, seed);
	unhex(V_SEED, want, 32);
	assert_memory_equal(seed, want, 32);
	mb = fixed_mailbox();
	unhex(V_PK, want, 32);
	assert_memory_equal(sd_mailbox_pk(mb), want, 32);
	unhex(V_ID, want, 16);
	assert_memory_equal(sd_mailbox_id(mb), want, 16);
	sd_mailbox_id_hex(mb, hex);
	assert_string_equal(hex, V_ID);
	/* the analysts, who know only pk, reach the same id */
	sd_mailbox_id_of(sd_mailbox_pk(mb), id);
	assert_memory_equal(id, want, 16);
	sd_mailbox_free(mb);
	/* another F, another mailbox */
	f[0] ^= 1;
	assert_int_equal(sd_mailbox_derive(f, &mb), SD_OK);
	assert_memory_not_equal(sd_mailbox_id(mb), want, 16);
	sd_mailbox_free(mb);
}

static void
test_open_vectors(void **state)
{
	const struct sd_msg_attachment *a;
	uint8_t ack[32], *sealed;
	sd_mailbox *mb = fixed_mailbox(), *other;
	uint8_t f[SD_FOLLOWUP_BYTES];
	size_t len, tlen;
	sd_msg *m = NULL;

	(void)state;
	unhex(V_ACK, ack, 32);
	sealed = unb64(v_sealed, &len);
	assert_int_equal(sd_msg_open(mb, ack, sealed, len, &m), SD_OK);
	assert_true(sd_msg_verified(m));
	assert_null(sd_msg_why(m));
	assert_string_equal(sd_msg_id(m), "f5df865540284acb7126dd45fd34f696");
	assert_string_equal(sd_msg_sent(m), "2026-03-01");
	assert_string_equal(sd_msg_channel_id(m), "c0c1c2c3c4c5c6c7c8c9cacbcccdcecf");
	assert_string_equal(sd_msg_in_reply_to(m), "00112233445566778899aabbccddeeff");
	assert_string_equal(sd_msg_text(m, &tlen), V_TEXT);
	assert_int_equal(tlen, strlen(V_TEXT));
	assert_int_equal(sd_msg_n_attachments(m), 1);
	a = sd_msg_attachment(m, 0);
	assert_string_equal(a->name, "note.txt");
	assert_string_equal(a->media_type, "text/plain");
	assert_int_equal(a->len, 6);
	assert_memory_equal(a->data, "hello\n", 6);
	assert_null(sd_msg_attachment(m, 1));
	sd_msg_free(m);

	/* read against another channel's ack key: never from the analysts */
	unhex(V_OTHER_ACK, ack, 32);
	assert_int_equal(sd_msg_open(mb, ack, sealed, len, &m), SD_OK);
	assert_false(sd_msg_verified(m));
	assert_non_null(strstr(sd_msg_why(m), "ack key"));
	sd_msg_free(m);

	/* another mailbox cannot open it */
	fixed_f(f);
	f[19] ^= 0x80;
	assert_int_equal(sd_mailbox_derive(f, &other), SD_OK);
	assert_int_equal(sd_msg_open(other, ack, sealed, len, &m), SD_E_UNSEAL);
	assert_null(m);
	sd_mailbox_free(other);

	/* one flipped bit anywhere and it does not open */
	sealed[len / 2] ^= 4;
	assert_int_equal(sd_msg_open(mb, ack, sealed, len, &m), SD_E_UNSEAL);
	free(sealed);

	/* a message signed by another key: shown, never as verified */
	unhex(V_ACK, ack, 32);
	sealed = unb64(v_sealed_other, &len);
	assert_int_equal(sd_msg_open(mb, ack, sealed, len, &m), SD_OK);
	assert_false(sd_msg_verified(m));
	assert_string_equal(sd_msg_text(m, NULL), "Hello from someone else.");
	assert_null(sd_msg_in_reply_to(m));
	assert_int_equal(sd_msg_n_attachments(m), 0);
	sd_msg_free(m);
	unhex(V_OTHER_ACK, ack, 32);
	assert_int_equal(sd_msg_open(mb, ack, sealed, len, &m), SD_OK);
	assert_true(sd_msg_verified(m));
	sd_msg_free(m);
	free(sealed);
	sd_mailbox_free(mb);
}

static void
test_vectors_in_doc(void **state)
{
	const char *want[] = { V_CODE, V_SEED, V_PK, V_ID, V_ACK, V_OTHER_ACK,
	    v_sealed, v_sealed_other, "f5df865540284acb7126dd45fd34f696" };
	char path[1024];
	uint8_t *doc = NULL;
	size_t len = 0, i, o = 0;

	(void)state;
	snprintf(path, sizeof(path), "%s/docs/followup.md",
	    getenv("SD_SOURCE_DIR"));
	assert_int_equal(sd_file_read(path, 1 << 20, &doc, &len), SD_OK);
	/* the doc wraps long values over lines: compare without white space */
	for (i = 0; i < len; i++)
		if (doc[i] != ' ' && doc[i] != '\n' && doc[i] != '\t')
			doc[o++] = doc[i];
	doc[o] = '\0';
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (strstr((char *)doc, want[i]) == NULL)
			fail_msg("docs/followup.md lacks the vector %s", want[i]);
	free(doc);
}

/* A signed document sealed to mb as a sealer who bends the rules would. */
static uint8_t *
seal_doc(const sd_seckey *k, const sd_mailbox *mb, const char *body,
    size_t *len)
{
	char *doc = NULL;
	size_t doclen = 0, padded;
	uint8_t *buf, *out;

	assert_int_equal(sd_signed_create_max(SD_MSG_FORMAT, "ack_key", k,
	    (const uint8_t *)body, strlen(body), SD_MSG_SIGNED_MAX, &doc,
	    &doclen), SD_OK);
	padded = sd_pad_size(doclen);
	buf = calloc(1, padded);
	out = malloc(padded + crypto_box_SEALBYTES);
	assert_true(buf && out);
	memcpy(buf, doc, doclen);
	sd_pad(buf, doclen, padded);
	assert_int_equal(crypto_box_seal(out, buf, padded, sd_mailbox_pk(mb)), 0);
	*len = padded + crypto_box_SEALBYTES;
	free(buf);
	free(doc);
	return out;
}

static void
test_open_checks(void **state)
{
	sd_seckey *k = ack_key(0x41);
	sd_mailbox *mb = fixed_mailbox();
	uint8_t *sealed;
	size_t len;
	sd_msg *m = NULL;

	(void)state;
	/* correctly signed, but for another mailbox */
	sealed = seal_doc(k, mb, "{\"format\":\"sealdrop.message/1\","
	    "\"id\":\"0123456789abcdef0123456789abcdef\","
	    "\"channel_id\":\"c0c1c2c3c4c5c6c7c8c9cacbcccdcecf\","
	    "\"mailbox\":\"00000000000000000000000000000000\","
	    "\"sent\":\"2026-03-01\",\"text\":\"moved\"}", &len);
	assert_int_equal(sd_msg_open(mb, sd_seckey_pk(k), sealed, len, &m), SD_OK);
	assert_false(sd_msg_verified(m));
	assert_non_null(strstr(sd_msg_why(m), "mailbox"));
	sd_msg_free(m);
	free(sealed);
	/* fields the format does not have, or a bad date: not a message */
	sealed = seal_doc(k, mb, "{\"format\":\"sealdrop.message/1\","
	    "\"id\":\"0123456789abcdef0123456789abcdef\","
	    "\"channel_id\":\"c0c1c2c3c4c5c6c7c8c9cacbcccdcecf\","
	    "\"mailbox\":\"" V_ID "\",\"sent\":\"2026-03-01\",\"text\":\"x\","
	    "\"urgent\":true}", &len);
	assert_int_equal(sd_msg_open(mb, sd_seckey_pk(k), sealed, len, &m),
	    SD_E_FORMAT);
	free(sealed);
	sealed = seal_doc(k, mb, "{\"format\":\"sealdrop.message/1\","
	    "\"id\":\"0123456789abcdef0123456789abcdef\","
	    "\"channel_id\":\"c0c1c2c3c4c5c6c7c8c9cacbcccdcecf\","
	    "\"mailbox\":\"" V_ID "\",\"sent\":\"2026-02-30\",\"text\":\"x\"}",
	    &len);
	assert_int_equal(sd_msg_open(mb, sd_seckey_pk(k), sealed, len, &m),
	    SD_E_FORMAT);
	free(sealed);
	/* the same, well formed: verified */
	sealed = seal_doc(k, mb, "{\"format\":\"sealdrop.message/1\","
	    "\"id\":\"0123456789abcdef0123456789abcdef\","
	    "\"channel_id\":\"c0c1c2c3c4c5c6c7c8c9cacbcccdcecf\","
	    "\"mailbox\":\"" V_ID "\",\"sent\":\"2026-02-28\",\"text\":\"x\"}",
	    &len);
	assert_int_equal(sd_msg_open(mb, sd_seckey_pk(k), sealed, len, &m), SD_OK);
	assert_true(sd_msg_verified(m));
	sd_msg_free(m);
	free(sealed);
	/* too short to be a sealed message */
	assert_int_equal(sd_msg_open(mb, sd_seckey_pk(k), (const uint8_t *)"x", 1,
	    &m), SD_E_FORMAT);
	sd_mailbox_free(mb);
	sd_seckey_free(k);
}

static void
test_seal_limits(void **state)
{
	sd_seckey *k = ack_key(0x41), *notack = NULL;
	sd_mailbox *mb = fixed_mailbox();
	struct sd_msg_attachment att[6];
	struct sd_msg_spec s = { channel, NULL, "hi", 2, NULL, 0, NULL };
	uint8_t raw[32], *sealed = NULL, *big;
	char *text, today[11], id[SD_MSG_ID_HEX];
	size_t len, i, tlen;
	sd_msg *m = NULL;

	(void)state;
	/* today's date when none is given, an id of 32 hex */
	assert_int_equal(sd_msg_seal(k, sd_mailbox_pk(mb), &s, id, &sealed, &len),
	    SD_OK);
	assert_int_equal(len, 1024 + crypto_box_SEALBYTES);
	assert_int_equal(sd_msg_open(mb, sd_seckey_pk(k), sealed, len, &m), SD_OK);
	sd_today(today);
	assert_string_equal(sd_msg_sent(m), today);
	assert_string_equal(sd_msg_id(m), id);
	sd_msg_free(m);
	free(sealed);

	/* 100,000 characters of three bytes each fit; one more does not */
	tlen = 3 * SD_MSG_TEXT_MAX;
	text = malloc(tlen + 3);
	for (i = 0; i < tlen + 3; i += 3)
		memcpy(text + i, "\xe2\x82\xac", 3);
	s.text = text;
	s.textlen = tlen;
	assert_int_equal(sd_msg_seal(k, sd_mailbox_pk(mb), &s, NULL, &sealed,
	    &len), SD_OK);
	assert_int_equal(sd_msg_open(mb, sd_seckey_pk(k), sealed, len, &m), SD_OK);
	assert_int_equal(strlen(sd_msg_text(m, NULL)), tlen);
	sd_msg_free(m);
	free(sealed);
	s.textlen = tlen + 3;
	assert_int_equal(sd_msg_seal(k, sd_mailbox_pk(mb), &s, NULL, &sealed,
	    &len), SD_E_INVAL);
	s.textlen = 3;
	s.text = "\xff\xfe!";     /* not UTF-8 */
	assert_int_equal(sd_msg_seal(k, sd_mailbox_pk(mb), &s, NULL, &sealed,
	    &len), SD_E_INVAL);
	free(text);
	s.text = "hi";
	s.textlen = 2;

	/* 4 MiB of attachments in all: more than sd_signed's 1 MiB */
	big = malloc(SD_MSG_ATTACH_BYTES + 1);
	for (i = 0; i < SD_MSG_ATTACH_BYTES + 1; i++)
		big[i] = (uint8_t)(i * 7);
	for (i = 0; i < 6; i++) {
		att[i].name = "part.bin";
		att[i].media_type = "application/octet-stream";
		att[i].data = big;
		att[i].len = SD_MSG_ATTACH_BYTES / 5;
	}
	att[4].len = SD_MSG_ATTACH_BYTES - 4 * att[0].len;
	s.attachments = att;
	s.n_attachments = 5;
	assert_int_equal(sd_msg_seal(k, sd_mailbox_pk(mb), &s, NULL, &sealed,
	    &len), SD_OK);
	assert_true(len > SD_SIGNED_MAX && len <= SD_MSG_SEALED_MAX);
	assert_int_equal(sd_msg_open(mb, sd_seckey_pk(k), sealed, len, &m), SD_OK);
	assert_true(sd_msg_verified(m));
	assert_int_equal(sd_msg_n_attachments(m), 5);
	assert_int_equal(sd_msg_attachment(m, 4)->len, att[4].len);
	assert_memory_equal(sd_msg_attachment(m, 4)->data, big, att[4].len);
	sd_msg_free(m);
	free(sealed);
	att[4].len++;                           /* one byte over */
	assert_int_equal(sd_msg_seal(k, sd_mailbox_pk(mb), &s, NULL, &sealed,
	    &len), SD_E_INVAL);
	att[4].len = 1;
	s.n_attachments = 6;                    /* one too many */
	assert_int_equal(sd_msg_seal(k, sd_mailbox_pk(mb), &s, NULL, &sealed,
	    &len), SD_E_INVAL);
	s.n_attachments = 1;
	att[0].len = 1;
	{
		static const char *const names[] = { "", ".", "..", "a/b",
		    "..\\x", "tab\there", "\xc3(" };

		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
			att[0].name = names[i];
			assert_int_equal(sd_msg_seal(k, sd_mailbox_pk(mb), &s, NULL,
			    &sealed, &len), SD_E_INVAL);
		}
	}
	att[0].name = "ok.bin";
	s.in_reply_to = "0123";                 /* not an id */
	assert_int_equal(sd_msg_seal(k, sd_mailbox_pk(mb), &s, NULL, &sealed,
	    &len), SD_E_INVAL);
	s.in_reply_to = NULL;
	free(big);

	/* only an ack key signs messages */
	memset(raw, 7, sizeof(raw));
	assert_int_equal(sd_seckey_from_raw(SD_ROLE_RECEIPT, raw, &notack), SD_OK);
	assert_int_equal(sd_msg_seal(notack, sd_mailbox_pk(mb), &s, NULL, &sealed,
	    &len), SD_E_ROLE);
	sd_seckey_free(notack);
	sd_mailbox_free(mb);
	sd_seckey_free(k);
}

static void
test_signed_limit_kept(void **state)
{
	sd_seckey *k = ack_key(0x41);
	size_t n = SD_SIGNED_MAX, len = 0;
	uint8_t *body = calloc(1, n), *out = NULL;
	char *doc = NULL;

	(void)state;
	memset(body, 'a', n);
	/* channel descriptors and purge acks keep the 1 MiB limit */
	assert_int_equal(sd_signed_create("sealdrop.ack/1", "ack_key", k, body, n,
	    &doc, &len), SD_E_TOOBIG);
	assert_int_equal(sd_signed_create_max("sealdrop.ack/1", "ack_key", k, body,
	    n, 4 * SD_SIGNED_MAX, &doc, &len), SD_OK);
	assert_true(len > SD_SIGNED_MAX);
	assert_int_equal(sd_signed_open("sealdrop.ack/1", "ack_key", doc, len,
	    NULL, NULL, &out, &n), SD_E_TOOBIG);
	assert_int_equal(sd_signed_open_max("sealdrop.ack/1", "ack_key", doc, len,
	    4 * SD_SIGNED_MAX, sd_seckey_pk(k), NULL, &out, &n), SD_OK);
	free(out);
	free(doc);
	free(body);
	sd_seckey_free(k);
}

static void
test_outbox(void **state)
{
	sd_seckey *k = ack_key(0x41), *k2 = ack_key(0x42);
	struct sd_outbox_item items[8];
	uint8_t pks[64], *sealed[8];
	char *doc = NULL, bid[SD_MSG_ID_HEX];
	size_t len, i, j, tries, moved = 0;
	sd_outbox *ob = NULL;

	(void)state;
	for (i = 0; i < 8; i++) {
		sealed[i] = malloc(SD_MSG_SEALED_MIN + i);
		memset(sealed[i], (int)i, SD_MSG_SEALED_MIN + i);
		memset(items[i].mailbox, (int)(0x10 + i), 16);
		items[i].sealed = sealed[i];
		items[i].len = SD_MSG_SEALED_MIN + i;
	}
	memcpy(pks, sd_seckey_pk(k2), 32);
	memcpy(pks + 32, sd_seckey_pk(k), 32);
	for (tries = 0; tries < 3; tries++) {
		assert_int_equal(sd_outbox_create(k, channel, "2026-03-04", items, 8,
		    bid, &doc, &len), SD_OK);
		/* a previous channel's key still verifies when given */
		assert_int_equal(sd_outbox_verify(doc, len, pks, 2, &ob), SD_OK);
		assert_string_equal(sd_outbox_batch_id(ob), bid);
		assert_memory_equal(sd_outbox_channel_id(ob), channel, 16);
		assert_string_equal(sd_outbox_created(ob), "2026-03-04");
		assert_memory_equal(sd_outbox_signer(ob), sd_seckey_pk(k), 32);
		assert_int_equal(sd_outbox_count(ob), 8);
		/* every message once, with its mailbox */
		for (i = 0; i < 8; i++) {
			const struct sd_outbox_item *it = sd_outbox_item(ob, i);

			j = it->len - SD_MSG_SEALED_MIN;
			assert_true(j < 8);
			assert_memory_equal(it->mailbox, items[j].mailbox, 16);
			assert_memory_equal(it->sealed, sealed[j], it->len);
			if (j != i)
				moved++;
		}
		sd_outbox_free(ob);
		/* signed by another key than the pinned one */
		assert_int_equal(sd_outbox_verify(doc, len, pks, 1, &ob),
		    SD_E_AUTHORITY);
		assert_null(ob);
		free(doc);
	}
	/* random order: 3 batches of 8 all in written order is 1 in 6e13 */
	assert_true(moved > 0);
	/* any change breaks the signature */
	assert_int_equal(sd_outbox_create(k, channel, NULL, items, 2, NULL, &doc,
	    &len), SD_OK);
	{
		char *b = strstr(doc, "\"body\": \"") + 12;

		*b = *b == 'A' ? 'B' : 'A';
	}
	assert_int_equal(sd_outbox_verify(doc, len, pks + 32, 1, &ob),
	    SD_E_SIGNATURE);
	free(doc);
	/* an empty batch is a batch; a sealed item too short is refused */
	assert_int_equal(sd_outbox_create(k, channel, NULL, items, 0, NULL, &doc,
	    &len), SD_OK);
	assert_int_equal(sd_outbox_verify(doc, len, pks + 32, 1, &ob), SD_OK);
	assert_int_equal(sd_outbox_count(ob), 0);
	sd_outbox_free(ob);
	free(doc);
	items[0].len = SD_MSG_SEALED_MIN - 1;
	assert_int_equal(sd_outbox_create(k, channel, NULL, items, 1, NULL, &doc,
	    &len), SD_E_INVAL);
	/* a message document is not a batch */
	assert_int_equal(sd_signed_create_max(SD_MSG_FORMAT, "ack_key", k,
	    (const uint8_t *)"{}", 2, SD_OUTBOX_MAX, &doc, &len), SD_OK);
	assert_int_equal(sd_outbox_verify(doc, len, pks + 32, 1, &ob),
	    SD_E_FORMAT);
	free(doc);
	for (i = 0; i < 8; i++)
		free(sealed[i]);
	sd_seckey_free(k);
	sd_seckey_free(k2);
}

static void
test_blob(void **state)
{
	struct sd_sealed_ref in[3], *out = NULL;
	uint8_t *a = malloc(SD_MSG_SEALED_MIN), *b = malloc(70000), *blob = NULL;
	size_t len, n;

	(void)state;
	memset(a, 0xaa, SD_MSG_SEALED_MIN);
	memset(b, 0xbb, 70000);
	/* empty, one short message: the same size */
	assert_int_equal(sd_mbox_blob_build(NULL, 0, &blob, &len), SD_OK);
	assert_int_equal(len, 65536);
	assert_memory_equal(blob, "SDMB\x01\x00\x00\x00\x00", 9);
	assert_int_equal(sd_mbox_blob_parse(blob, len, &out, &n), SD_OK);
	assert_int_equal(n, 0);
	free(blob);
	in[0].data = a;
	in[0].len = SD_MSG_SEALED_MIN;
	assert_int_equal(sd_mbox_blob_build(in, 1, &blob, &len), SD_OK);
	assert_int_equal(len, 65536);
	assert_int_equal(sd_mbox_blob_parse(blob, len, &out, &n), SD_OK);
	assert_int_equal(n, 1);
	assert_int_equal(out[0].len, SD_MSG_SEALED_MIN);
	assert_memory_equal(out[0].data, a, SD_MSG_SEALED_MIN);
	free(out);
	/* a non-zero byte in the padding, a cut, an extension: refused */
	blob[len - 1] = 1;
	assert_int_equal(sd_mbox_blob_parse(blob, len, &out, &n), SD_E_FORMAT);
	blob[len - 1] = 0;
	assert_int_equal(sd_mbox_blob_parse(blob, len - 1, &out, &n), SD_E_FORMAT);
	blob[5] = 2;                            /* count past the content */
	assert_int_equal(sd_mbox_blob_parse(blob, len, &out, &n), SD_E_FORMAT);
	blob[5] = 1;
	blob[9] = 0xff;                         /* item length */
	blob[12] = 0xff;
	assert_int_equal(sd_mbox_blob_parse(blob, len, &out, &n), SD_E_FORMAT);
	blob[0] = 'X';
	assert_int_equal(sd_mbox_blob_parse(blob, len, &out, &n), SD_E_FORMAT);
	free(blob);
	/* past 64 KiB: padme of the content */
	in[1].data = b;
	in[1].len = 70000;
	in[2] = in[0];
	assert_int_equal(sd_mbox_blob_build(in, 3, &blob, &len), SD_OK);
	assert_int_equal(len, sd_padme(9 + 3 * 4 + 2 * SD_MSG_SEALED_MIN + 70000));
	assert_true(len > 65536);
	assert_int_equal(sd_mbox_blob_parse(blob, len, &out, &n), SD_OK);
	assert_int_equal(n, 3);
	assert_int_equal(out[1].len, 70000);
	assert_memory_equal(out[1].data, b, 70000);
	assert_memory_equal(out[2].data, a, SD_MSG_SEALED_MIN);
	free(out);
	free(blob);
	free(a);
	free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_code),
		cmocka_unit_test(test_derive),
		cmocka_unit_test(test_open_vectors),
		cmocka_unit_test(test_vectors_in_doc),
		cmocka_unit_test(test_open_checks),
		cmocka_unit_test(test_seal_limits),
		cmocka_unit_test(test_signed_limit_kept),
		cmocka_unit_test(test_outbox),
		cmocka_unit_test(test_blob),
	};

	if (sd_crypto_init() != SD_OK)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
