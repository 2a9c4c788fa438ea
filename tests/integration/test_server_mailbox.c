/* The intake host's side of the follow-up, on the real binaries and a real
 * store file: sealdrop-server messages takes an outbox batch signed by the
 * channel's ack key and nothing else (another key, a replay, a damaged or
 * cut document leave the store as it was), the export never carries the
 * messages, POST /api/v1/mailbox answers the same size whatever the id (and
 * in about the same time), refuses a malformed id and limits lookups,
 * messages go once their retention has passed, and the follow-up page
 * without JavaScript shows a mailbox's messages for its code (verified or
 * marked not), the same page for a wrong code as for an empty mailbox, and
 * stores an answer, leaving no code or plaintext on the intake host. */
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

/* An outbox batch written to path, signed by the key at batchkey: one
 * message of text (with atts) to each mailbox, signed by the key at
 * msgkey. msg_id (may be NULL) gets the id of the first message. */
static void write_batch_of(const char *path, const char *batchkey,
    const char *msgkey, const sd_channel *ch, sd_mailbox *const *mbs,
    size_t n, const char *text, const struct sd_msg_attachment *atts,
    size_t n_atts, char batch_id[SD_MSG_ID_HEX], char msg_id[SD_MSG_ID_HEX])
{
	struct sd_outbox_item items[4];
	uint8_t *sealed[4];
	sd_seckey *ack = load_key(batchkey), *signer = load_key(msgkey);
	char *doc = NULL;
	size_t i, len = 0;

	assert_true(n <= 4);
	for (i = 0; i < n; i++) {
		struct sd_msg_spec spec;

		memset(&spec, 0, sizeof(spec));
		spec.channel_id = sd_channel_id(ch);
		spec.text = text;
		spec.textlen = strlen(text);
		spec.attachments = atts;
		spec.n_attachments = n_atts;
		assert_int_equal(sd_msg_seal(signer, sd_mailbox_pk(mbs[i]), &spec,
		    i == 0 ? msg_id : NULL, &sealed[i], &items[i].len), SD_OK);
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
	sd_seckey_free(signer);
	sd_seckey_free(ack);
}

/* An outbox batch written to path: one message of text to each mailbox. */
static void write_batch(const char *path, const char *ackpath,
    const sd_channel *ch, sd_mailbox *const *mbs, size_t n, const char *text,
    char batch_id[SD_MSG_ID_HEX])
{
	write_batch_of(path, ackpath, ackpath, ch, mbs, n, text, NULL, 0,
	    batch_id, NULL);
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

/* --- the follow-up page without JavaScript ------------------------------ */

#define URLENC "application/x-www-form-urlencoded"
#define Q_CANARY "CANARYQUESTION5521"
#define A_CANARY "CANARYANSWER5521"

static const char *const page_flags[] = { "--log-requests",
    "--mailbox-ip-rate", "0", "--mailbox-rate", "0", NULL };

/* POST /followup?lang=en with body (a C string). */
static void post_followup(const struct h_server *s, const char *body,
    struct h_resp *r)
{
	h_http(s, "POST", "/followup?lang=en", URLENC, body, strlen(body),
	    NULL, r);
}

static void post_code(const struct h_server *s, const char *code,
    struct h_resp *r)
{
	char body[128];

	snprintf(body, sizeof(body), "code=%s", code);
	post_followup(s, body, r);
}

static void page_has(const struct h_resp *r, const char *what)
{
	if (r->body.data == NULL ||
	    strstr((const char *)r->body.data, what) == NULL)
		fail_msg("status %ld: the page lacks %s", r->status, what);
}

static void page_lacks(const struct h_resp *r, const char *what)
{
	if (r->body.data != NULL &&
	    strstr((const char *)r->body.data, what) != NULL)
		fail_msg("status %ld: the page has %s", r->status, what);
}

static size_t occurrences(const struct h_resp *r, const char *what)
{
	const char *p = (const char *)r->body.data;
	size_t n = 0;

	while (p != NULL && (p = strstr(p, what)) != NULL) {
		n++;
		p += strlen(what);
	}
	return n;
}

static void code_of(const uint8_t f[SD_FOLLOWUP_BYTES],
    char code[SD_FOLLOWUP_CODE_CAP])
{
	sd_followup_format(code, f);
}

/* The mailbox of the code gets a question from the analysts (with a file)
 * and one signed by another key; the messages are taken as the operator
 * takes them. *qid gets the question's id. */
static void put_questions(const sd_channel *ch, sd_mailbox *mb,
    char qid[SD_MSG_ID_HEX])
{
	static const uint8_t hello[] = "hello\n";
	const struct sd_msg_attachment att = { "note.txt", "text/plain", hello,
		6 };
	char bid[SD_MSG_ID_HEX];

	write_batch_of("q.sig", KEYS "/ack.key", KEYS "/ack.key", ch, &mb, 1,
	    "Which port? " Q_CANARY "\nSecond <b>line</b>", &att, 1, bid, qid);
	assert_int_equal(run_messages("q.sig", NULL, NULL), 0);
	write_batch_of("x.sig", KEYS "/ack.key", OTHER "/ack.key", ch, &mb, 1,
	    "Hello from someone else.", NULL, 0, bid, NULL);
	assert_int_equal(run_messages("x.sig", NULL, NULL), 0);
}

static void test_followup_form(void **state)
{
	struct h_server s;
	struct h_resp r;

	(void)state;
	serve_once();
	assert_int_equal(h_start(&s, KEYS, DB, page_flags, NULL), 0);
	h_http(&s, "GET", "/followup?lang=en", NULL, NULL, 0, NULL, &r);
	assert_int_equal(r.status, 200);
	h_assert_security_headers(&r);
	page_has(&r, "<form method=\"post\" action=\"/followup?lang=en\"");
	page_has(&r, "<input type=\"text\" class=\"input-code\" id=\"code\" "
	    "name=\"code\" autocomplete=\"off\" spellcheck=\"false\" "
	    "autocapitalize=\"characters\"");
	page_has(&r, "<label class=\"label\" for=\"code\">Follow-up code");
	page_has(&r, "It is on the receipt of your report");
	page_has(&r, "deleted 90 days after");
	page_lacks(&r, "code=");
	page_lacks(&r, "FU-AAA");
	/* where the code goes, said for both modes; the page's script takes
	 * the form over when the scripts are installed */
	page_has(&r, "<p class=\"mode-nojs\">Without JavaScript, the code "
	    "goes to this service, which opens the messages in memory");
	page_has(&r, "<p class=\"mode-js\" hidden>The code stays in this "
	    "browser");
	{
		char path[512];

		snprintf(path, sizeof(path), "%s/templates/static/vendor/"
		    "node_modules/libsodium/dist/modules-esm/libsodium.mjs",
		    getenv("SD_SOURCE_DIR"));
		if (access(path, R_OK) == 0) {
			page_has(&r, "<script type=\"module\" src=\"/static/js/"
			    "sealdrop-followup-page.js\"></script>");
			page_has(&r, " data-sd=\"{&quot;ui&quot;:");
			page_has(&r, "<template id=\"fu-parts\">");
		} else {
			page_lacks(&r, "<script");
			page_lacks(&r, "<template");
		}
	}
	/* the language menu stays on this page */
	page_has(&r, "href=\"/followup?lang=de\"");
	h_resp_free(&r);
	h_http(&s, "GET", "/followup?lang=de", NULL, NULL, 0, NULL, &r);
	assert_int_equal(r.status, 200);
	page_has(&r, "<html lang=\"de\">");
	h_resp_free(&r);
	assert_int_equal(h_stop(&s), 0);
	/* another retention, said as it is */
	{
		static const char *const days[] = { "--message-retention", "30",
		    NULL };

		assert_int_equal(h_start(&s, KEYS, DB, days, NULL), 0);
		h_http(&s, "GET", "/followup", NULL, NULL, 0, NULL, &r);
		page_has(&r, "deleted 30 days after");
		h_resp_free(&r);
		assert_int_equal(h_stop(&s), 0);
	}
}

static void test_followup_messages(void **state)
{
	uint8_t f[2][SD_FOLLOWUP_BYTES], wrongf[SD_FOLLOWUP_BYTES];
	char code[SD_FOLLOWUP_CODE_CAP], empty_code[SD_FOLLOWUP_CODE_CAP];
	char wrong_code[SD_FOLLOWUP_CODE_CAP], qid[SD_MSG_ID_HEX], hidden[128];
	char typed[SD_FOLLOWUP_CODE_CAP];
	sd_mailbox *mb[2];
	sd_channel *ch = h_channel(KEYS);
	struct h_server s;
	struct h_resp r, empty, wrong;
	size_t i;

	(void)state;
	serve_once();
	mb[0] = new_mailbox(f[0]);
	mb[1] = new_mailbox(f[1]);
	sd_followup_draw(wrongf);
	code_of(f[0], code);
	code_of(f[1], empty_code);
	code_of(wrongf, wrong_code);
	put_questions(ch, mb[0], qid);
	assert_int_equal(h_start(&s, KEYS, DB, page_flags, NULL), 0);

	/* the code as a reader may type it: lower case, no FU- */
	snprintf(typed, sizeof(typed), "%s", code + 3);
	for (i = 0; typed[i] != '\0'; i++)
		if (typed[i] >= 'A' && typed[i] <= 'Z')
			typed[i] = (char)(typed[i] - 'A' + 'a');
	post_code(&s, typed, &r);
	assert_int_equal(r.status, 200);
	h_assert_security_headers(&r);
	page_has(&r, "Which port? " Q_CANARY "\nSecond &lt;b&gt;line&lt;/b&gt;");
	page_lacks(&r, "<b>line");
	page_has(&r, "From the analysts (verified)");
	page_has(&r, "Sent on");
	page_has(&r, "<code>note.txt</code> (6 bytes)");
	page_has(&r, "Hello from someone else.");
	page_has(&r, "Not verified: this message may not come from the "
	    "analysts.");
	assert_int_equal(occurrences(&r, "From the analysts (verified)"), 1);
	assert_int_equal(occurrences(&r, "Not verified:"), 1);
	/* an answer form under the verified message only, with the code
	 * hidden in it: in no link, no action */
	assert_int_equal(occurrences(&r, "name=\"in_reply_to\""), 1);
	snprintf(hidden, sizeof(hidden), "name=\"in_reply_to\" value=\"%s\"",
	    qid);
	page_has(&r, hidden);
	snprintf(hidden, sizeof(hidden), "<input type=\"hidden\" name=\"code\" "
	    "value=\"%s\">", code);
	assert_int_equal(occurrences(&r, code), occurrences(&r, hidden));
	assert_int_equal(occurrences(&r, hidden), 1);
	page_has(&r, "Seal and send the answer");
	/* the messages opened on the server: no script on that page */
	page_lacks(&r, "<script");
	page_lacks(&r, "data-sd=");
	h_resp_free(&r);

	/* a wrong code and an empty mailbox: the same page */
	post_code(&s, empty_code, &empty);
	post_code(&s, wrong_code, &wrong);
	assert_int_equal(empty.status, 200);
	assert_int_equal(wrong.status, empty.status);
	page_has(&empty, "No messages for this code");
	assert_int_equal(wrong.body.len, empty.body.len);
	assert_memory_equal(wrong.body.data, empty.body.data, empty.body.len);
	h_resp_free(&empty);
	h_resp_free(&wrong);

	/* not a code: the form again, the message at the field */
	{
		static const char *const bad[] = { "FU-ABCD",
		    "FU-AAAQ-EAYE-AUDA-OCAJ-BIFQ-YDIO-B4IB-CEQ1", "" };

		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			post_code(&s, bad[i], &r);
			assert_int_equal(r.status, 400);
			h_assert_security_headers(&r);
			page_has(&r, "This is not a follow-up code.");
			page_has(&r, "aria-invalid=\"true\"");
			page_has(&r, "<title>Error: ");
			h_resp_free(&r);
		}
	}
	post_followup(&s, "nothing=here", &r);
	assert_int_equal(r.status, 400);
	h_resp_free(&r);
	assert_int_equal(h_stop(&s), 0);
	sd_mailbox_free(mb[0]);
	sd_mailbox_free(mb[1]);
	sd_channel_free(ch);
}

static void assert_file_lacks(const char *path, const char *const *canary,
    size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (h_file_has(path, canary[i]))
			fail_msg("%s contains %s", path, canary[i]);
}

static void open_out_has(const char *what)
{
	if (!h_file_has("open.out", what))
		fail_msg("the opened answer lacks %s", what);
}

static void test_followup_answer(void **state)
{
	static const char *const pass_env[] = {
		"SEALDROP_PASSPHRASE=" H_PASS, NULL
	};
	uint8_t f[SD_FOLLOWUP_BYTES];
	char code[SD_FOLLOWUP_CODE_CAP], qid[SD_MSG_ID_HEX], body[512];
	char receipt[64], want[160], analyst[512], pk64[SD_B64_LEN(32)];
	sd_mailbox *mb = new_mailbox(f);
	sd_channel *ch = h_channel(KEYS);
	const char *canary[4];
	struct h_server s;
	struct h_resp r;
	long long before;

	(void)state;
	serve_once();
	code_of(f, code);
	put_questions(ch, mb, qid);
	assert_int_equal(h_start(&s, KEYS, DB, page_flags, NULL), 0);
	before = h_db_count(DB, "SELECT count(*) FROM envelopes");

	/* an empty answer: the messages again, the message at the answer */
	snprintf(body, sizeof(body), "code=%s&in_reply_to=%s&text=+%%0D%%0A",
	    code, qid);
	post_followup(&s, body, &r);
	assert_int_equal(r.status, 400);
	page_has(&r, "This field cannot be empty.");
	page_has(&r, Q_CANARY);
	h_resp_free(&r);
	assert_int_equal(h_db_count(DB, "SELECT count(*) FROM envelopes"),
	    before);
	/* an answer without the message it answers, or to a bad id */
	snprintf(body, sizeof(body), "code=%s&text=Hi", code);
	post_followup(&s, body, &r);
	assert_int_equal(r.status, 400);
	h_resp_free(&r);
	snprintf(body, sizeof(body), "code=%s&in_reply_to=xyz&text=Hi", code);
	post_followup(&s, body, &r);
	assert_int_equal(r.status, 400);
	h_resp_free(&r);

	snprintf(body, sizeof(body), "code=%s&in_reply_to=%s&text=Through+"
	    "Antwerp.+" A_CANARY "%%0D%%0ASecond+line.", code, qid);
	post_followup(&s, body, &r);
	assert_int_equal(r.status, 200);
	h_assert_security_headers(&r);
	page_has(&r, "Your answer has been received");
	page_lacks(&r, A_CANARY);
	page_lacks(&r, code);
	assert_int_equal(h_db_count(DB, "SELECT count(*) FROM envelopes"),
	    before + 1);
	h_last_envelope(DB, "answer.env", receipt, sizeof(receipt));
	page_has(&r, receipt);
	h_resp_free(&r);

	/* the analysts open it as an answer sealdrop-submit would send */
	h_bin(analyst, sizeof(analyst), "analyst/sealdrop-analyst");
	{
		char *argv[] = { analyst, h_s("open"), h_s("--key"),
		    h_s(KEYS "/details.key"), h_s("answer.env"), NULL };

		assert_int_equal(h_run(argv, pass_env, "open.out"), 0);
	}
	assert_int_equal(sd_b64_encode(pk64, sizeof(pk64), sd_mailbox_pk(mb),
	    32), SD_OK);
	open_out_has("\"schema\": \"sealdrop.followup/1\"");
	snprintf(want, sizeof(want), "\"mailbox\": \"%s\"", pk64);
	open_out_has(want);
	snprintf(want, sizeof(want), "\"in_reply_to\": \"%s\"", qid);
	open_out_has(want);
	open_out_has("Through Antwerp. " A_CANARY "\\nSecond line.");

	/* nothing of the code, the question or the answer on the intake
	 * host, with the request log on */
	canary[0] = code;
	canary[1] = code + 3;
	canary[2] = Q_CANARY;
	canary[3] = A_CANARY;
	assert_file_lacks(DB, canary, 4);
	assert_file_lacks(DB "-wal", canary, 4);
	assert_int_equal(h_stop(&s), 0);
	assert_file_lacks(DB, canary, 4);
	assert_file_lacks(DB "-wal", canary, 4);
	assert_file_lacks(s.log, canary, 4);
	assert_true(h_file_has(s.log, "POST /followup 200"));
	sd_mailbox_free(mb);
	sd_channel_free(ch);
}

/* A lookup through the page counts as a fetch does. */
/* A rotation to a channel with another ack key: messages the analysts
 * signed with the previous channel's ack key are verified while that
 * channel is served as the previous one, and only then. */
static void test_followup_rotation(void **state)
{
	static const char *const both[] = { "--channel", KEYS "/rotated.json",
	    "--previous-channel", KEYS "/channel.json", "--mailbox-ip-rate", "0",
	    "--mailbox-rate", "0", NULL };
	static const char *const only_new[] = { "--channel",
	    KEYS "/rotated.json", "--mailbox-ip-rate", "0", "--mailbox-rate",
	    "0", NULL };
	static const char *const pass_env[] = { "SEALDROP_PASSPHRASE=" H_PASS,
	    NULL };
	uint8_t f[SD_FOLLOWUP_BYTES];
	char code[SD_FOLLOWUP_CODE_CAP], bid[SD_MSG_ID_HEX], analyst[512];
	sd_channel *ch = h_channel(KEYS);
	sd_mailbox *mb = new_mailbox(f);
	struct h_server s;
	struct h_resp r;

	(void)state;
	serve_once();
	h_bin(analyst, sizeof(analyst), "analyst/sealdrop-analyst");
	{
		char *argv[] = { analyst, h_s("channel"), h_s("--authority"),
		    h_s(KEYS "/authority.key"), h_s("--recipient"),
		    h_s(KEYS "/stats.pub"), h_s("--recipient"),
		    h_s(KEYS "/details.pub"), h_s("--receipt-key"),
		    h_s(KEYS "/receipt.pub"), h_s("--ack-key"),
		    h_s(OTHER "/ack.pub"), h_s("--expires"), h_s("2099-12-31"),
		    h_s("--out"), h_s(KEYS "/rotated.json"), h_s("--force"),
		    NULL };

		assert_int_equal(h_run(argv, pass_env, "rotated.log"), 0);
	}
	write_batch_of("old.sig", KEYS "/ack.key", KEYS "/ack.key", ch, &mb, 1,
	    "Signed before the rotation.", NULL, 0, bid, NULL);
	assert_int_equal(run_messages("old.sig", NULL, NULL), 0);
	sd_followup_format(code, f);

	assert_int_equal(h_start(&s, KEYS, DB, both, NULL), 0);
	post_code(&s, code, &r);
	assert_int_equal(r.status, 200);
	page_has(&r, "Signed before the rotation.");
	page_has(&r, "From the analysts (verified)");
	page_lacks(&r, "Not verified:");
	h_resp_free(&r);
	/* the page's script gets the previous channel to check for itself */
	h_http(&s, "GET", "/followup?lang=en", NULL, NULL, 0, NULL, &r);
	if (strstr((const char *)r.body.data, "<script") != NULL)
		page_has(&r, "&quot;previous&quot;:&quot;{");
	h_resp_free(&r);
	assert_int_equal(h_stop(&s), 0);

	assert_int_equal(h_start(&s, KEYS, DB, only_new, NULL), 0);
	post_code(&s, code, &r);
	assert_int_equal(r.status, 200);
	page_has(&r, "Signed before the rotation.");
	page_has(&r, "Not verified:");
	page_has(&r, "signed by another key than the channel&#39;s ack key");
	page_lacks(&r, "From the analysts (verified)");
	h_resp_free(&r);
	h_http(&s, "GET", "/followup?lang=en", NULL, NULL, 0, NULL, &r);
	page_lacks(&r, "&quot;previous&quot;");
	h_resp_free(&r);
	assert_int_equal(h_stop(&s), 0);
	sd_mailbox_free(mb);
	sd_channel_free(ch);
}

static void test_followup_rate_limit(void **state)
{
	static const char *const per_ip[] = { "--mailbox-ip-rate", "1",
	    "--mailbox-ip-burst", "3", NULL };
	struct h_server s;
	struct h_resp r;
	int i;

	(void)state;
	serve_once();
	assert_int_equal(h_start(&s, KEYS, DB, per_ip, NULL), 0);
	fetch(&s, NULL, "00112233445566778899aabbccddeeff", &r);
	assert_int_equal(r.status, 200);
	h_resp_free(&r);
	for (i = 0; i < 2; i++) {
		post_code(&s, "FU-AAAQ-EAYE-AUDA-OCAJ-BIFQ-YDIO-B4IB-CEQT", &r);
		assert_int_equal(r.status, 200);
		h_resp_free(&r);
	}
	post_code(&s, "FU-AAAQ-EAYE-AUDA-OCAJ-BIFQ-YDIO-B4IB-CEQT", &r);
	assert_int_equal(r.status, 429);
	h_assert_security_headers(&r);
	h_resp_free(&r);
	fetch(&s, NULL, "00112233445566778899aabbccddeeff", &r);
	assert_int_equal(r.status, 429);
	h_resp_free(&r);
	/* the form itself is no lookup */
	h_http(&s, "GET", "/followup", NULL, NULL, 0, NULL, &r);
	assert_int_equal(r.status, 200);
	h_resp_free(&r);
	assert_int_equal(h_stop(&s), 0);
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
		cmocka_unit_test_teardown(test_followup_form, h_teardown),
		cmocka_unit_test_teardown(test_followup_messages, h_teardown),
		cmocka_unit_test_teardown(test_followup_answer, h_teardown),
		cmocka_unit_test_teardown(test_followup_rate_limit, h_teardown),
		cmocka_unit_test_teardown(test_followup_rotation, h_teardown),
	};

	if (sd_crypto_init() != SD_OK)
		return 1;
	return cmocka_run_group_tests(tests, setup, NULL);
}
