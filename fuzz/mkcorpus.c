/* Writes the binary seeds of fuzz/corpus/ from the keys and channel of
 * tests/vectors, with randomness replaced by a fixed ChaCha20 keystream so
 * that a run gives the same bytes every time:
 *
 *   fuzz_mkcorpus SOURCE_DIR      (writes SOURCE_DIR/fuzz/corpus/...)
 *
 * The text seeds (form posts, templates, catalogues, config files, channel
 * and ack bodies) are written by hand and kept as they are. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sd_channel.h"
#include "sd_encode.h"
#include "sd_envelope.h"
#include "sd_err.h"
#include "sd_file.h"
#include "sd_keys.h"
#include "sd_le.h"
#include "sd_mailbox.h"
#include "sd_pad.h"
#include "sd_signed.h"
#include "store.h"

#define PASS "fuzz"
#define TODAY "2026-06-01"

/* a step that cannot fail did: say where */
#define FAIL() fail_at(__LINE__)

static void
fail_at(int line)
{
	fprintf(stderr, "mkcorpus: the step at mkcorpus.c:%d failed\n", line);
	exit(1);
}

static char root[4096];
static uint8_t stream[1 << 20];
static size_t stream_pos;

static const char *
det_name(void)
{
	return "sealdrop-fuzz-corpus";
}

static void
det_buf(void *const buf, const size_t n)
{
	if (stream_pos + n > sizeof(stream)) {
		fprintf(stderr, "mkcorpus: keystream exhausted\n");
		FAIL();
	}
	memcpy(buf, stream + stream_pos, n);
	stream_pos += n;
}

static uint32_t
det_random(void)
{
	uint32_t v;

	det_buf(&v, sizeof(v));
	return v;
}

static randombytes_implementation det_impl = {
	.implementation_name = det_name,
	.random = det_random,
	.stir = NULL,
	.uniform = NULL,
	.buf = det_buf,
	.close = NULL,
};

static const char *
out_path(const char *dir, const char *name)
{
	static char p[8192];

	snprintf(p, sizeof(p), "%s/fuzz/corpus/%s", root, dir);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/fuzz/corpus/%s/%s", root, dir, name);
	return p;
}

static void
put(const char *dir, const char *name, const void *data, size_t len)
{
	if (sd_file_write(out_path(dir, name), data, len, 0644, 1) != SD_OK) {
		fprintf(stderr, "mkcorpus: cannot write %s/%s\n", dir, name);
		FAIL();
	}
}

static sd_seckey *
key(enum sd_role role, uint8_t b)
{
	uint8_t raw[32];
	sd_seckey *k = NULL;

	memset(raw, b, sizeof(raw));
	if (sd_seckey_from_raw(role, raw, &k) != SD_OK)
		FAIL();
	return k;
}

static sd_channel *
vector_channel(void)
{
	char p[8192];
	sd_channel *ch = NULL;
	sd_seckey *auth = key(SD_ROLE_AUTHORITY, 0x01);

	snprintf(p, sizeof(p), "%s/tests/vectors/channel.json", root);
	if (sd_channel_load_file(p, sd_seckey_pk(auth), TODAY, &ch) != SD_OK) {
		fprintf(stderr, "mkcorpus: cannot load %s\n", p);
		FAIL();
	}
	sd_seckey_free(auth);
	return ch;
}

static const char STATS[] =
    "{\"schema\":\"sealdrop.report/1\",\"incident_ref\":"
    "\"000102030405060708090a0b0c0d0e0f\",\"member_state\":\"DK\","
    "\"organisation\":\"company\",\"sector\":\"C\",\"size_class\":\"medium\","
    "\"discovered\":\"2026-Q1\",\"secret_types\":[\"technical.product_design\","
    "\"commercial.pricing\"],\"attack_vectors\":[\"malware\",\"social\"],"
    "\"actor\":\"competitor\",\"actor_origin\":\"non_eu\","
    "\"loss_eur\":250000,\"jobs_at_risk\":12,\"reported_to_police\":false}";
static const char DETAILS[] =
    "{\"narrative\":\"Designs were copied from the file server.\","
    "\"contact\":\"security@example.eu\",\"consent_law_enforcement\":true}";

static size_t
attachment(uint8_t *buf, size_t cap, const char *meta, const char *file)
{
	size_t ml = strlen(meta), fl = strlen(file);

	if (4 + ml + fl > cap)
		FAIL();
	buf[0] = (uint8_t)(ml & 0xff);
	buf[1] = (uint8_t)(ml >> 8 & 0xff);
	buf[2] = (uint8_t)(ml >> 16 & 0xff);
	buf[3] = (uint8_t)(ml >> 24 & 0xff);
	memcpy(buf + 4, meta, ml);
	memcpy(buf + 4 + ml, file, fl);
	return 4 + ml + fl;
}

/* Envelopes sealed to the vector channel. */
static void
envelopes(const sd_channel *ch, uint8_t **keep, size_t *keeplen)
{
	struct sd_section_in s[4];
	uint8_t att1[256], att2[256], *env = NULL, *big = NULL;
	size_t len = 0, bl = 70000, i;

	s[0].type = SD_SEC_STATS;
	s[0].data = (const uint8_t *)STATS;
	s[0].len = strlen(STATS);
	if (sd_envelope_seal(ch, s, 1, &env, &len) != SD_OK)
		FAIL();
	put("envelope", "stats-only.env", env, len);
	*keep = env;
	*keeplen = len;

	s[1].type = SD_SEC_DETAILS;
	s[1].data = (const uint8_t *)DETAILS;
	s[1].len = strlen(DETAILS);
	s[2].type = SD_SEC_ATTACHMENT;
	s[2].len = attachment(att1, sizeof(att1), "{\"name\":\"plan.txt\","
	    "\"media_type\":\"text/plain\",\"size\":5}", "plan\n");
	s[2].data = att1;
	s[3].type = SD_SEC_ATTACHMENT;
	s[3].len = attachment(att2, sizeof(att2), "{\"name\":\"../../x.sh\","
	    "\"media_type\":\"text/x-sh\",\"size\":0}", "");
	s[3].data = att2;
	if (sd_envelope_seal(ch, s, 4, &env, &len) != SD_OK)
		FAIL();
	put("envelope", "two-attachments.env", env, len);
	free(env);

	/* a details section of two chunks */
	if ((big = malloc(bl)) == NULL)
		FAIL();
	memcpy(big, "{\"narrative\":\"", 14);
	for (i = 14; i < bl - 2; i++)
		big[i] = (uint8_t)('a' + i % 26);
	memcpy(big + bl - 2, "\"}", 2);
	s[1].data = big;
	s[1].len = bl;
	if (sd_envelope_seal(ch, s, 2, &env, &len) != SD_OK)
		FAIL();
	put("envelope", "two-chunks.env", env, len);
	free(env);
	free(big);
}

/* Seeds of fuzz_sealed: flags:u8 | type:u8 | len:u16 | bytes. */
static size_t
sec(uint8_t *o, uint8_t flags, uint8_t type, const void *d, size_t n)
{
	o[0] = flags;
	o[1] = type;
	o[2] = (uint8_t)(n & 0xff);
	o[3] = (uint8_t)(n >> 8);
	memcpy(o + 4, d, n);
	return 4 + n;
}

static void
sealed(void)
{
	uint8_t b[4096], att[256], pad[16] = { 'x', 'y', 0x80 };
	size_t n;

	n = sec(b, 1, SD_SEC_STATS, STATS, strlen(STATS));
	put("sealed", "stats.bin", b, n);
	n += sec(b + n, 1, SD_SEC_DETAILS, DETAILS, strlen(DETAILS));
	put("sealed", "stats-details.bin", b, n);
	n += sec(b + n, 1, SD_SEC_ATTACHMENT, att, attachment(att, sizeof(att),
	    "{\"name\":\"a.pdf\",\"media_type\":\"application/pdf\",\"size\":3}",
	    "%PD"));
	put("sealed", "with-attachment.bin", b, n);
	/* padding written by hand: right, then with the marker misplaced */
	n = sec(b, 0, SD_SEC_STATS, pad, 3);
	put("sealed", "raw-padding.bin", b, n);
	pad[2] = 0x81;
	n = sec(b, 0, SD_SEC_STATS, pad, 3);
	put("sealed", "raw-bad-marker.bin", b, n);
	n = sec(b, 1, SD_SEC_ATTACHMENT, "\xff\xff\xff\x7f", 4);
	put("sealed", "attachment-first.bin", b, n);
}

/* Secret key files with the smallest KDF parameters libsodium allows. */
static void
key_payload(const sd_seckey *k, const char *pass, uint8_t *p, size_t *plen)
{
	uint8_t dk[32];
	size_t sk = sd_role_is_box(sd_seckey_role(k)) ? 32 : 64;

	memcpy(p, "SDK1", 4);
	p[4] = (uint8_t)sd_seckey_role(k);
	p[5] = 1;
	p[6] = 1;
	p[7] = 0;
	sd_put_u64(p + 8, crypto_pwhash_OPSLIMIT_MIN);
	sd_put_u64(p + 16, crypto_pwhash_MEMLIMIT_MIN);
	randombytes_buf(p + 24, 16 + 24);
	if (crypto_pwhash(dk, sizeof(dk), pass, strlen(pass), p + 24,
	    crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN,
	    crypto_pwhash_ALG_ARGON2ID13) != 0)
		FAIL();
	crypto_aead_xchacha20poly1305_ietf_encrypt(p + 64, NULL, sd_seckey_sk(k),
	    sk, p, 64, NULL, p + 40, dk);
	*plen = 64 + sk + 16 + 32;
	crypto_generichash(p + *plen - 32, 32, p, *plen - 32, NULL, 0);
}

static void
seckeys(void)
{
	static const struct { enum sd_role role; uint8_t b; const char *name; } ks[] = {
		{ SD_ROLE_STATS, 0x03, "stats" }, { SD_ROLE_DETAILS, 0x04, "details" },
		{ SD_ROLE_AUTHORITY, 0x01, "authority" }, { SD_ROLE_ACK, 0x05, "ack" },
		{ SD_ROLE_RECEIPT, 0x02, "receipt" },
	};
	uint8_t p[256];
	char text[512], name[64];
	size_t i, plen = 0, n;

	for (i = 0; i < sizeof(ks) / sizeof(ks[0]); i++) {
		sd_seckey *k = key(ks[i].role, ks[i].b);
		key_payload(k, i == 1 ? "not the passphrase" : PASS, p, &plen);
		n = (size_t)snprintf(text, sizeof(text), "untrusted comment: "
		    "sealdrop %s secret key\n", ks[i].name);
		sd_b64_encode(text + n, sizeof(text) - n, p, plen);
		n = strlen(text);
		text[n++] = '\n';
		snprintf(name, sizeof(name), "%s%s.key", ks[i].name,
		    i == 1 ? "-other-passphrase" : "");
		put("seckey", name, text, n);
		snprintf(name, sizeof(name), "%s.payload", ks[i].name);
		put("seckey", name, p, plen);
		sd_seckey_free(k);
	}
}

static void
acks(const sd_channel *ch, const char *receipt)
{
	sd_seckey *ack = key(SD_ROLE_ACK, 0x05), *other = key(SD_ROLE_ACK, 0x06);
	char body[512], idhex[33], *doc = NULL;
	size_t dl = 0;
	int n;

	sd_hex_encode(idhex, sizeof(idhex), sd_channel_id(ch), 16);
	n = snprintf(body, sizeof(body), "{\"channel_id\":\"%s\",\"receipts\":"
	    "[\"%s\",\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"]}", idhex, receipt);
	put("ack", "body.json", body, (size_t)n);
	if (sd_signed_create(SD_ACK_FORMAT, "ack_key", ack, (uint8_t *)body,
	    (size_t)n, &doc, &dl) != SD_OK)
		FAIL();
	put("ack", "ack.sig", doc, dl);
	free(doc);
	if (sd_signed_create(SD_ACK_FORMAT, "ack_key", other, (uint8_t *)body,
	    (size_t)n, &doc, &dl) != SD_OK)
		FAIL();
	put("ack", "other-key.sig", doc, dl);
	free(doc);
	sd_seckey_free(ack);
	sd_seckey_free(other);
}

/* Export batches of an intake store: the first (seq 1) and the next two
 * (seq 2..3). */
static void
batches(const sd_channel *ch, const uint8_t *env0, size_t len0)
{
	struct sd_section_in s[1];
	struct sd_store_item it[3], *items[3];
	char dir[] = "/tmp/sealdrop-mkcorpus-XXXXXX", db[256], out[256];
	uint8_t *env[2] = { NULL, NULL };
	size_t count = 0, i, len[2];
	sd_store *st = NULL;
	uint8_t *data = NULL;
	size_t dlen = 0;
	static const char *const names[] = { "first.sqlite", "next.sqlite",
	    "empty.sqlite" };

	if (mkdtemp(dir) == NULL)
		FAIL();
	snprintf(db, sizeof(db), "%s/intake.db", dir);
	if (sd_store_open(db, &st) != SD_OK ||
	    sd_store_set_channel(st, sd_channel_id(ch), NULL) != SD_OK)
		FAIL();
	s[0].type = SD_SEC_STATS;
	s[0].data = (const uint8_t *)STATS;
	s[0].len = strlen(STATS);
	for (i = 0; i < 2; i++)
		if (sd_envelope_seal(ch, s, 1, &env[i], &len[i]) != SD_OK)
			FAIL();
	memset(it, 0, sizeof(it));
	it[0].env = env0;
	it[0].len = len0;
	it[1].env = env[0];
	it[1].len = len[0];
	it[2].env = env[1];
	it[2].len = len[1];
	for (i = 0; i < 3; i++) {
		sd_receipt_id(it[i].receipt, it[i].env, it[i].len);
		memcpy(it[i].day, TODAY, 11);
		items[i] = &it[i];
	}
	for (i = 0; i < 3; i++) {
		if (i < 2 && sd_store_put(st, items + (i ? 1 : 0), i ? 2 : 1) != SD_OK)
			FAIL();
		snprintf(out, sizeof(out), "%s/%s", dir, names[i]);
		if (sd_store_export(st, out, 1, &count) != SD_OK)
			FAIL();
		/* export writes no empty batch any more; the seed of one, as
		 * earlier versions wrote it, is kept as it is */
		if (count == 0)
			continue;
		if (sd_file_read(out, 1 << 20, &data, &dlen) != SD_OK)
			FAIL();
		put("batch", names[i], data, dlen);
		free(data);
		unlink(out);
	}
	sd_store_close(st);
	snprintf(out, sizeof(out), "%s/intake.db-wal", dir);
	unlink(out);
	snprintf(out, sizeof(out), "%s/intake.db-shm", dir);
	unlink(out);
	unlink(db);
	rmdir(dir);
	free(env[0]);
	free(env[1]);
}

/* Seeds of the follow-up: a message body, an answer of a mailbox lookup
 * holding one message and an empty one (fuzz_message, whose mailbox has the
 * code of twenty 0x07 bytes), an outbox batch with its body, and one signed
 * by another key (fuzz_outbox). */
static void
followups(const sd_channel *ch)
{
	static const struct sd_msg_attachment att[] = {
		{ "question.txt", "text/plain", (const uint8_t *)"hello", 5 },
	};
	sd_seckey *ack = key(SD_ROLE_ACK, 0x05), *other = key(SD_ROLE_ACK, 0x06);
	uint8_t f[SD_FOLLOWUP_BYTES], *sealed = NULL, *blob = NULL;
	uint8_t *body = NULL;
	size_t sl = 0, bl = 0, dl = 0, bodylen = 0;
	char idhex[33], mbhex[SD_MAILBOX_ID_HEX], *doc = NULL, text[1024];
	struct sd_msg_spec spec;
	struct sd_sealed_ref ref;
	struct sd_outbox_item item;
	sd_mailbox *mb = NULL;
	int n;

	memset(f, 0x07, sizeof(f));
	if (sd_mailbox_derive(f, &mb) != SD_OK)
		FAIL();
	sd_hex_encode(idhex, sizeof(idhex), sd_channel_id(ch), 16);
	sd_mailbox_id_hex(mb, mbhex);
	n = snprintf(text, sizeof(text), "{\"format\":\"sealdrop.message/1\","
	    "\"id\":\"00112233445566778899aabbccddeeff\",\"channel_id\":"
	    "\"%s\",\"mailbox\":\"%s\",\"sent\":\"" TODAY "\","
	    "\"in_reply_to\":\"ffeeddccbbaa99887766554433221100\","
	    "\"text\":\"Which product line was it?\",\"attachments\":[{"
	    "\"name\":\"q.txt\",\"media_type\":\"text/plain\",\"data\":"
	    "\"aGVsbG8=\"}]}", idhex, mbhex);
	put("message", "body.json", text, (size_t)n);
	memset(&spec, 0, sizeof(spec));
	spec.channel_id = sd_channel_id(ch);
	spec.text = "Which product line was it?";
	spec.textlen = strlen(spec.text);
	spec.attachments = att;
	spec.n_attachments = 1;
	spec.sent = TODAY;
	if (sd_msg_seal(ack, sd_mailbox_pk(mb), &spec, NULL, &sealed, &sl) !=
	    SD_OK)
		FAIL();
	ref.data = sealed;
	ref.len = sl;
	if (sd_mbox_blob_build(&ref, 1, &blob, &bl) != SD_OK)
		FAIL();
	put("message", "answer-one.bin", blob, bl);
	free(blob);
	if (sd_mbox_blob_build(NULL, 0, &blob, &bl) != SD_OK)
		FAIL();
	put("message", "answer-empty.bin", blob, bl);
	free(blob);
	memcpy(item.mailbox, sd_mailbox_id(mb), SD_MAILBOX_ID_BYTES);
	item.sealed = sealed;
	item.len = sl;
	if (sd_outbox_create(ack, sd_channel_id(ch), TODAY, &item, 1, NULL, &doc,
	    &dl) != SD_OK)
		FAIL();
	put("outbox", "outbox.sig", doc, dl);
	if (sd_signed_open_max(SD_OUTBOX_FORMAT, SD_MSG_KEYFIELD, doc, dl,
	    SD_MSG_SIGNED_MAX, NULL, NULL, &body, &bodylen) != SD_OK)
		FAIL();
	put("outbox", "body.json", body, bodylen);
	free(doc);
	if (sd_outbox_create(other, sd_channel_id(ch), TODAY, &item, 1, NULL,
	    &doc, &dl) != SD_OK)
		FAIL();
	put("outbox", "other-key.sig", doc, dl);
	free(doc);
	free(body);
	free(sealed);
	sd_mailbox_free(mb);
	sd_seckey_free(ack);
	sd_seckey_free(other);
}

int
main(int argc, char **argv)
{
	sd_channel *ch;
	uint8_t *env0 = NULL;
	size_t len0 = 0;
	char receipt[SD_RECEIPT_LEN + 1], path[8192];
	uint8_t *valid = NULL;
	size_t vlen = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: fuzz_mkcorpus SOURCE_DIR\n");
		return 2;
	}
	snprintf(root, sizeof(root), "%s", argv[1]);
	randombytes_buf_deterministic(stream, sizeof(stream),
	    (const uint8_t *)"sealdrop fuzz corpus seeds 0001");
	if (randombytes_set_implementation(&det_impl) != 0 || sodium_init() < 0)
		return 1;
	sd_file_init();
	setenv("SEALDROP_TODAY", TODAY, 1);
	ch = vector_channel();
	envelopes(ch, &env0, &len0);
	sealed();
	seckeys();
	/* the envelope fuzz_ack keeps in its store */
	snprintf(path, sizeof(path), "%s/tests/vectors/valid.env", root);
	if (sd_file_read(path, 1 << 20, &valid, &vlen) != SD_OK)
		return 1;
	sd_receipt_id(receipt, valid, vlen);
	free(valid);
	acks(ch, receipt);
	batches(ch, env0, len0);
	followups(ch);
	free(env0);
	sd_channel_free(ch);
	printf("mkcorpus: seeds written under %s/fuzz/corpus\n", root);
	return 0;
}
