/* The intake host's side of the follow-up, on the real binaries and a real
 * store file: sealdrop-server messages takes an outbox batch signed by the
 * channel's ack key and nothing else (another key, a replay, a damaged or
 * cut document leave the store as it was), the export never carries the
 * messages, POST /api/v1/mailbox answers the same size whatever the id (and
 * in about the same time), refuses a malformed id and limits lookups, and
 * messages go once their retention has passed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>
#include <sqlite3.h>

#include "sd_encode.h"
#include "sd_err.h"
#include "sd_file.h"
#include "sd_keys.h"
#include "sd_mailbox.h"
#include "sd_mem.h"
#include "server_harness.h"

#define KEYS "mkeys"
#define OTHER "mkeys-other"
#define DB "mailbox.db"
#define OCTETS "application/octet-stream"

static int setup(void **state)
{
	(void)state;
	h_make_keys(KEYS, "2099-12-31");
	h_make_keys(OTHER, "2099-12-31");
	return 0;
}

static sd_seckey *load_key(const char *path)
{
	sd_seckey *k = NULL;

	assert_int_equal(sd_seckey_load(path, H_PASS, strlen(H_PASS), &k),
	    SD_OK);
	return k;
}

/* A mailbox of a fresh follow-up secret. */
static sd_mailbox *new_mailbox(uint8_t f[SD_FOLLOWUP_BYTES])
{
	sd_mailbox *mb = NULL;

	sd_followup_draw(f);
	assert_int_equal(sd_mailbox_derive(f, &mb), SD_OK);
	return mb;
}

/* An outbox batch written to path: one message of text to each mailbox. */
static void write_batch(const char *path, const char *ackpath,
    const sd_channel *ch, sd_mailbox *const *mbs, size_t n, const char *text,
    char batch_id[SD_MSG_ID_HEX])
{
	struct sd_outbox_item items[4];
	uint8_t *sealed[4];
	sd_seckey *ack = load_key(ackpath);
	char *doc = NULL;
	size_t i, len = 0;

	assert_true(n <= 4);
	for (i = 0; i < n; i++) {
		struct sd_msg_spec spec;

		memset(&spec, 0, sizeof(spec));
		spec.channel_id = sd_channel_id(ch);
		spec.text = text;
		spec.textlen = strlen(text);
		assert_int_equal(sd_msg_seal(ack, sd_mailbox_pk(mbs[i]), &spec,
		    NULL, &sealed[i], &items[i].len), SD_OK);
		items[i].sealed = sealed[i];
		memcpy(items[i].mailbox, sd_mailbox_id(mbs[i]),
		    SD_MAILBOX_ID_BYTES);
	}
	assert_int_equal(sd_outbox_create(ack, sd_channel_id(ch), NULL, items,
	    n, batch_id, &doc, &len), SD_OK);
	assert_int_equal(sd_file_write(path, doc, len, 0600, 1), SD_OK);
	for (i = 0; i < n; i++)
		free(sealed[i]);
	free(doc);
	sd_seckey_free(ack);
}

/* A digest of every row of the follow-up tables. */
static void tables_digest(uint8_t out[32])
{
	static const char *const q[] = {
		"SELECT mailbox, sealed, expires FROM mailbox_messages "
		"ORDER BY rowid",
		"SELECT batch_id, NULL, NULL FROM outbox_batches ORDER BY rowid",
	};
	crypto_generichash_state hs;
	sqlite3 *db = NULL;
	size_t i;

	crypto_generichash_init(&hs, NULL, 0, 32);
	assert_int_equal(sqlite3_open_v2(DB, &db, SQLITE_OPEN_READONLY, NULL),
	    SQLITE_OK);
	for (i = 0; i < 2; i++) {
		sqlite3_stmt *st = NULL;
		int c;

		assert_int_equal(sqlite3_prepare_v2(db, q[i], -1, &st, NULL),
		    SQLITE_OK);
		while (sqlite3_step(st) == SQLITE_ROW) {
			for (c = 0; c < 3; c++) {
				int n = sqlite3_column_bytes(st, c);
				uint8_t len8[4] = { (uint8_t)n,
				    (uint8_t)(n >> 8), (uint8_t)(n >> 16),
				    (uint8_t)(n >> 24) };

				crypto_generichash_update(&hs, len8, 4);
				if (n > 0)
					crypto_generichash_update(&hs,
					    sqlite3_column_blob(st, c),
					    (size_t)n);
			}
		}
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	crypto_generichash_final(&hs, out, 32);
}

/* sealdrop-server messages; the exit status, its output in messages.out */
static int run_messages(const char *in, const char *const env[],
    const char *retention)
{
	char bin[512];
	char *argv[] = { bin, h_s("messages"), h_s("--db"), h_s(DB),
	    h_s("--in"), h_s(in), h_s("--message-retention"),
	    h_s(retention != NULL ? retention : "90"), NULL };

	h_bin(bin, sizeof(bin), "server/sealdrop-server");
	return h_run(argv, env, "messages.out");
}

static void assert_out_has(const char *needle)
{
	if (!h_file_has("messages.out", needle)) {
		size_t len = 0;
		uint8_t *t = h_read("messages.out", &len);

		fail_msg("messages.out lacks '%s': %.*s", needle, (int)len,
		    t != NULL ? (const char *)t : "");
	}
}

/* A refused batch: exit status 1, one line naming why, the tables as they
 * were. */
static void assert_refused(const char *in, const char *why)
{
	uint8_t before[32], after[32];

	tables_digest(before);
	assert_int_equal(run_messages(in, NULL, NULL), 1);
	assert_out_has(why);
	tables_digest(after);
	assert_memory_equal(before, after, 32);
}

/* The store knows the channel once the server has served it. */
static void serve_once(void)
{
	struct h_server s;

	h_fresh_db(DB);
	assert_int_equal(h_start(&s, KEYS, DB, NULL, NULL), 0);
	assert_int_equal(h_stop(&s), 0);
}

static void flip_copy(const char *from, const char *to, size_t at_frac,
    int cut)
{
	size_t len = 0;
	uint8_t *d = h_read(from, &len);

	assert_non_null(d);
	if (cut)
		len = len * at_frac / 100;
	else
		d[len * at_frac / 100] ^= 0x04;
	assert_int_equal(sd_file_write(to, d, len, 0600, 1), SD_OK);
	free(d);
}

static void test_messages_command(void **state)
{
	uint8_t f[2][SD_FOLLOWUP_BYTES];
	sd_mailbox *mb[2];
	sd_channel *ch = h_channel(KEYS);
	char bid[SD_MSG_ID_HEX], bid2[SD_MSG_ID_HEX];

	(void)state;
	serve_once();
	mb[0] = new_mailbox(f[0]);
	mb[1] = new_mailbox(f[1]);
	write_batch("outbox.sig", KEYS "/ack.key", ch, mb, 2, "question one",
	    bid);
	write_batch("forged.sig", OTHER "/ack.key", ch, mb, 2, "forged", bid2);
	flip_copy("outbox.sig", "flipped.sig", 50, 0);
	flip_copy("outbox.sig", "cut.sig", 70, 1);

	/* refused before anything is taken, and after */
	assert_refused("forged.sig", "signed by a key other than the channel's");
	assert_refused("flipped.sig", "nothing was taken");
	assert_refused("cut.sig", "nothing was taken");
	assert_int_equal(h_db_count(DB, "SELECT count(*) FROM "
	    "mailbox_messages"), 0);

	assert_int_equal(run_messages("outbox.sig", NULL, NULL), 0);
	assert_out_has("took 2 messages");
	assert_out_has(bid);
	assert_int_equal(h_db_count(DB, "SELECT count(*) FROM "
	    "mailbox_messages"), 2);
	assert_int_equal(h_db_count(DB, "SELECT count(*) FROM outbox_batches"),
	    1);

	assert_refused("outbox.sig", "taken before");
	assert_refused("forged.sig", "signed by a key other than the channel's");
	assert_refused("flipped.sig", "nothing was taken");
	assert_refused("cut.sig", "nothing was taken");

	/* nothing in the tables names an envelope: only ids, sealed bytes,
	 * days */
	assert_int_equal(h_db_count(DB, "SELECT count(*) FROM "
	    "pragma_table_info('mailbox_messages')"), 3);
	assert_int_equal(h_db_count(DB, "SELECT count(*) FROM "
	    "pragma_table_info('outbox_batches')"), 1);

	/* --channel with its authority works as well; another authority's
	 * channel is refused */
	{
		char bin[512], bid3[SD_MSG_ID_HEX];
		char *argv[] = { bin, h_s("messages"), h_s("--db"), h_s(DB),
		    h_s("--in"), h_s("again.sig"), h_s("--channel"),
		    h_s(KEYS "/channel.json"), h_s("--authority"),
		    h_s(KEYS "/authority.pub"), NULL };
		char *bad[] = { bin, h_s("messages"), h_s("--db"), h_s(DB),
		    h_s("--in"), h_s("again.sig"), h_s("--channel"),
		    h_s(KEYS "/channel.json"), h_s("--authority"),
		    h_s(OTHER "/authority.pub"), NULL };

		h_bin(bin, sizeof(bin), "server/sealdrop-server");
		write_batch("again.sig", KEYS "/ack.key", ch, mb, 1, "two",
		    bid3);
		assert_int_not_equal(h_run(bad, NULL, "messages.out"), 0);
		assert_int_equal(h_run(argv, NULL, "messages.out"), 0);
		assert_out_has("took 1 message ");
	}
	sd_mailbox_free(mb[0]);
	sd_mailbox_free(mb[1]);
	sd_channel_free(ch);
}

/* The export batch has envelopes only. */
static void test_export_never_carries_messages(void **state)
{
	struct h_server s;
	struct h_resp r;
	uint8_t f[SD_FOLLOWUP_BYTES], *env = NULL;
	sd_mailbox *mb = new_mailbox(f);
	sd_channel *ch = h_channel(KEYS);
	char bid[SD_MSG_ID_HEX], bin[512];
	char *argv[] = { bin, h_s("export"), h_s("--db"), h_s(DB), h_s("--out"),
	    h_s("mbatch.sqlite"), h_s("--force"), NULL };
	size_t len = 0;

	(void)state;
	serve_once();
	write_batch("outbox.sig", KEYS "/ack.key", ch, &mb, 1,
	    "canary-question-export", bid);
	assert_int_equal(run_messages("outbox.sig", NULL, NULL), 0);
	assert_int_equal(h_start(&s, KEYS, DB, NULL, NULL), 0);
	h_envelope(ch, 0, &env, &len);
	h_http(&s, "POST", "/api/v1/reports", OCTETS, env, len, NULL, &r);
	assert_int_equal(r.status, 201);
	h_resp_free(&r);
	free(env);
	assert_int_equal(h_stop(&s), 0);
	h_bin(bin, sizeof(bin), "server/sealdrop-server");
	unlink("mbatch.sqlite");
	assert_int_equal(h_run(argv, NULL, "export.out"), 0);
	assert_int_equal(h_db_count("mbatch.sqlite", "SELECT count(*) FROM "
	    "sqlite_master WHERE name LIKE '%mailbox%' OR name LIKE "
	    "'%outbox%'"), 0);
	assert_int_equal(h_db_count("mbatch.sqlite", "SELECT count(*) FROM "
	    "envelopes"), 1);
	assert_false(h_file_has("mbatch.sqlite", bid));
	sd_mailbox_free(mb);
	sd_channel_free(ch);
}

static void fetch(const struct h_server *s, const sd_mailbox *mb,
    const char *idhex, struct h_resp *r)
{
	char id[SD_MAILBOX_ID_HEX];

	if (mb != NULL) {
		sd_mailbox_id_hex(mb, id);
		idhex = id;
	}
	h_http(s, "POST", "/api/v1/mailbox", "text/plain", idhex,
	    strlen(idhex), NULL, r);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* median time of n fetches of one id */
static uint64_t median_fetch(const struct h_server *s, const char *idhex,
    size_t n)
{
	uint64_t *t = calloc(n, sizeof(*t)), m;
	size_t i;

	assert_non_null(t);
	for (i = 0; i < n; i++) {
		struct h_resp r;
		uint64_t t0 = now_ns();

		h_http(s, "POST", "/api/v1/mailbox", "text/plain", idhex,
		    strlen(idhex), NULL, &r);
		t[i] = now_ns() - t0;
		assert_int_equal(r.status, 200);
		h_resp_free(&r);
	}
	qsort(t, n, sizeof(*t), cmp_u64);
	m = t[n / 2];
	free(t);
	return m;
}

static void test_fetch(void **state)
{
	static const char *const extra[] = { "--mailbox-ip-rate", "0",
	    "--mailbox-rate", "0", NULL };
	uint8_t f[3][SD_FOLLOWUP_BYTES];
	sd_mailbox *mb[3];
	sd_channel *ch = h_channel(KEYS);
	struct h_server s;
	struct h_resp full, empty, wrong, r;
	struct sd_sealed_ref *items = NULL;
	char bid[SD_MSG_ID_HEX], idhex[SD_MAILBOX_ID_HEX];
	char wrongid[SD_MAILBOX_ID_HEX];
	uint8_t rnd[SD_MAILBOX_ID_BYTES];
	size_t n = 0, i;
	sd_msg *m = NULL;
	const char *text;
	uint64_t t_wrong, t_full;

	(void)state;
	serve_once();
	for (i = 0; i < 3; i++)
		mb[i] = new_mailbox(f[i]);
	/* mailbox 0 gets a short message; mailbox 1 stays empty */
	write_batch("outbox.sig", KEYS "/ack.key", ch, mb, 1, "short", bid);
	assert_int_equal(run_messages("outbox.sig", NULL, NULL), 0);
	assert_int_equal(h_start(&s, KEYS, DB, extra, NULL), 0);
	randombytes_buf(rnd, sizeof(rnd));
	sd_hex_encode(wrongid, sizeof(wrongid), rnd, sizeof(rnd));

	fetch(&s, mb[0], NULL, &full);
	fetch(&s, mb[1], NULL, &empty);
	fetch(&s, NULL, wrongid, &wrong);
	assert_int_equal(full.status, 200);
	assert_int_equal(empty.status, 200);
	assert_int_equal(wrong.status, 200);
	h_assert_security_headers(&full);
	h_assert_security_headers(&wrong);
	{
		char ct[64];

		assert_string_equal(h_header(&full, "Content-Type", ct,
		    sizeof(ct)), OCTETS);
	}
	assert_int_equal(full.body.len, SD_MBOX_BLOB_MIN);
	assert_int_equal(empty.body.len, full.body.len);
	assert_int_equal(wrong.body.len, full.body.len);

	/* what came back opens with the mailbox's key and is the analysts' */
	assert_int_equal(sd_mbox_blob_parse(full.body.data, full.body.len,
	    &items, &n), SD_OK);
	assert_int_equal(n, 1);
	assert_int_equal(sd_msg_open(mb[0], sd_channel_ack_pk(ch),
	    items[0].data, items[0].len, &m), SD_OK);
	assert_true(sd_msg_verified(m));
	text = sd_msg_text(m, &n);
	assert_int_equal(n, 5);
	assert_memory_equal(text, "short", 5);
	sd_msg_free(m);
	free(items);
	assert_int_equal(sd_mbox_blob_parse(wrong.body.data, wrong.body.len,
	    &items, &n), SD_OK);
	assert_int_equal(n, 0);
	free(items);
	h_resp_free(&full);
	h_resp_free(&empty);
	h_resp_free(&wrong);

	/* upper case is the same id; anything else is 400 */
	sd_mailbox_id_hex(mb[0], idhex);
	for (i = 0; idhex[i] != '\0'; i++)
		if (idhex[i] >= 'a' && idhex[i] <= 'f')
			idhex[i] = (char)(idhex[i] - 'a' + 'A');
	fetch(&s, NULL, idhex, &r);
	assert_int_equal(r.status, 200);
	h_resp_free(&r);
	{
		static const char *const bad[] = { "", "abc",
		    "0123456789abcdef0123456789abcdeg",
		    "0123456789abcdef0123456789abcdef0",
		    "FU-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA" };

		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			fetch(&s, NULL, bad[i], &r);
			assert_int_equal(r.status, 400);
			h_assert_security_headers(&r);
			h_resp_free(&r);
		}
	}

	/* a wrong id and a present one take the same path: their medians
	 * over 200 fetches each stay within a factor of 3 */
	sd_mailbox_id_hex(mb[0], idhex);
	(void)median_fetch(&s, idhex, 20);       /* warm */
	t_full = median_fetch(&s, idhex, 200);
	t_wrong = median_fetch(&s, wrongid, 200);
	print_message("median fetch: present %llu us, wrong %llu us\n",
	    (unsigned long long)(t_full / 1000),
	    (unsigned long long)(t_wrong / 1000));
	assert_true(t_full < 3 * t_wrong);
	assert_true(t_wrong < 3 * t_full);
	assert_int_equal(h_stop(&s), 0);
	for (i = 0; i < 3; i++)
		sd_mailbox_free(mb[i]);
	sd_channel_free(ch);
}

static void test_rate_limits(void **state)
{
	static const char *const per_ip[] = { "--mailbox-ip-rate", "1",
	    "--mailbox-ip-burst", "3", NULL };
	static const char *const all[] = { "--mailbox-ip-rate", "0",
	    "--mailbox-rate", "1", "--mailbox-burst", "4", NULL };
	const char *const *sets[] = { per_ip, all };
	const size_t allowed[] = { 3, 4 };
	struct h_server s;
	struct h_resp r;
	size_t k, i;

	(void)state;
	for (k = 0; k < 2; k++) {
		serve_once();
		assert_int_equal(h_start(&s, KEYS, DB, sets[k], NULL), 0);
		for (i = 0; i < allowed[k]; i++) {
			fetch(&s, NULL, "00112233445566778899aabbccddeeff", &r);
			assert_int_equal(r.status, 200);
			h_resp_free(&r);
		}
		fetch(&s, NULL, "00112233445566778899aabbccddeeff", &r);
		assert_int_equal(r.status, 429);
		h_assert_security_headers(&r);
		h_resp_free(&r);
		/* reports are not held back by the lookups' limit */
		h_http(&s, "GET", "/healthz", NULL, NULL, 0, NULL, &r);
		assert_int_equal(r.status, 200);
		h_resp_free(&r);
		assert_int_equal(h_stop(&s), 0);
	}
}

static void test_retention(void **state)
{
	static const char *const day0[] = { "SEALDROP_TODAY=2026-01-10", NULL };
	static const char *const day89[] = { "SEALDROP_TODAY=2026-04-09", NULL };
	static const char *const day90[] = { "SEALDROP_TODAY=2026-04-10", NULL };
	static const char *const fast[] = { "--test-expire-interval", "1",
	    NULL };
	uint8_t f[SD_FOLLOWUP_BYTES];
	sd_mailbox *mb = new_mailbox(f);
	sd_channel *ch = h_channel(KEYS);
	struct h_server s;
	struct h_resp r;
	struct sd_sealed_ref *items = NULL;
	char bid[SD_MSG_ID_HEX];
	size_t n = 0;
	int i;

	(void)state;
	serve_once();
	write_batch("outbox.sig", KEYS "/ack.key", ch, &mb, 1, "kept", bid);
	assert_int_equal(run_messages("outbox.sig", day0, "90"), 0);
	assert_out_has("kept until 2026-04-10");
	assert_int_equal(h_db_count(DB, "SELECT count(*) FROM mailbox_messages "
	    "WHERE expires='2026-04-10'"), 1);

	/* the day before: still there and fetched */
	assert_int_equal(h_start(&s, KEYS, DB, NULL, day89), 0);
	fetch(&s, mb, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(sd_mbox_blob_parse(r.body.data, r.body.len, &items,
	    &n), SD_OK);
	assert_int_equal(n, 1);
	free(items);
	h_resp_free(&r);
	assert_int_equal(h_stop(&s), 0);
	assert_int_equal(h_db_count(DB, "SELECT count(*) FROM "
	    "mailbox_messages"), 1);

	/* the day it expires: deleted as the server starts */
	assert_int_equal(h_start(&s, KEYS, DB, NULL, day90), 0);
	fetch(&s, mb, NULL, &r);
	assert_int_equal(sd_mbox_blob_parse(r.body.data, r.body.len, &items,
	    &n), SD_OK);
	assert_int_equal(n, 0);
	free(items);
	h_resp_free(&r);
	assert_int_equal(h_stop(&s), 0);
	assert_int_equal(h_db_count(DB, "SELECT count(*) FROM "
	    "mailbox_messages"), 0);

	/* and while it runs: a message kept 0 days goes at the next sweep */
	assert_int_equal(h_start(&s, KEYS, DB, fast, day0), 0);
	write_batch("outbox0.sig", KEYS "/ack.key", ch, &mb, 1, "gone", bid);
	assert_int_equal(run_messages("outbox0.sig", day0, "0"), 0);
	for (i = 0; i < 50 && h_db_count(DB, "SELECT count(*) FROM "
	    "mailbox_messages") != 0; i++)
		usleep(100000);
	assert_int_equal(h_db_count(DB, "SELECT count(*) FROM "
	    "mailbox_messages"), 0);
	assert_int_equal(h_stop(&s), 0);
	sd_mailbox_free(mb);
	sd_channel_free(ch);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_messages_command, h_teardown),
		cmocka_unit_test_teardown(test_export_never_carries_messages,
		    h_teardown),
		cmocka_unit_test_teardown(test_fetch, h_teardown),
		cmocka_unit_test_teardown(test_rate_limits, h_teardown),
		cmocka_unit_test_teardown(test_retention, h_teardown),
	};

	if (sd_crypto_init() != SD_OK)
		return 1;
	return cmocka_run_group_tests(tests, setup, NULL);
}
