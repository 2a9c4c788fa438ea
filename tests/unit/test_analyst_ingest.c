/* Ingest of export batches: the chain, its continuity with the store, the
 * envelopes' structure and receipts; every refused batch leaves the store
 * as it was. Then decryption of what was stored, refusals included. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>
#include <sodium.h>
#include <sqlite3.h>

#include "astore.h"
#include "decrypt.h"
#include "ingest.h"
#include "recs.h"
#include "sd_err.h"
#include "sd_mem.h"
#include "sd_testkit.h"
#include "test_analyst_fixture.h"

#define N_ENV 12

struct fixture {
	struct tk_channel tk;
	char channel_hex[33];
	uint8_t *env[N_ENV + 2];
	size_t len[N_ENV + 2];
};

static const char *const ms_codes[] = { "BE", "DE", "FR", "IT" };

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct fx_rep r;
	char stats[2048];
	size_t i;

	assert_int_equal(sd_crypto_init(), SD_OK);
	assert_int_equal(tk_channel_make(&f->tk, 1, 1, 1), SD_OK);
	sodium_bin2hex(f->channel_hex, sizeof(f->channel_hex),
	    sd_channel_id(f->tk.ch), 16);
	for (i = 0; i < N_ENV; i++) {
		memset(&r, 0, sizeof(r));
		r.ref = (unsigned)i + 1;
		r.reporter = -1;
		r.ms = ms_codes[i % 4];
		r.sector = "C";
		r.size = "small";
		r.discovered = "2026-Q1";
		r.loss = (long long)i * 100;
		r.jobs = -1;
		fx_stats_json(stats, sizeof(stats), &r);
		f->env[i] = fx_seal(f->tk.ch, stats, "{\"narrative\":\"text\"}",
		    NULL, NULL, 0, &f->len[i]);
		assert_non_null(f->env[i]);
	}
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	size_t i;

	for (i = 0; i < N_ENV + 2; i++)
		free(f->env[i]);
	tk_channel_free(&f->tk);
	free(f);
	return 0;
}

static astore *
fresh_store(const char *path)
{
	char wal[256], shm[256];
	astore *s = NULL;

	snprintf(wal, sizeof(wal), "%s-wal", path);
	snprintf(shm, sizeof(shm), "%s-shm", path);
	remove(path);
	remove(wal);
	remove(shm);
	assert_int_equal(astore_open(path, ASTORE_CREATE, &s), SD_OK);
	return s;
}

static int64_t
count(astore *s)
{
	int64_t n = -1;

	assert_int_equal(astore_count(s, &n), SD_OK);
	return n;
}

static void
batch(struct fixture *f, const char *path, const uint8_t prev[32],
    int64_t first, size_t from, size_t n, uint8_t last[32])
{
	assert_int_equal(fx_batch_write(path, f->channel_hex, prev, first,
	    f->env + from, f->len + from, n, last), 0);
}


static void
set_store_id(const char *batch_path, const char *id)
{
	char sql[160];

	snprintf(sql, sizeof(sql), "INSERT OR REPLACE INTO meta VALUES("
	    "'store_id', '%s')", id);
	assert_int_equal(fx_sql(batch_path, sql), 0);
}

static int64_t
db_count(const char *db, const char *sql)
{
	sqlite3 *h = NULL;
	sqlite3_stmt *st = NULL;
	int64_t n = -1;

	assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(h);
	return n;
}

#define ID_A "0123456789abcdef0123456789abcdef"
#define ID_B "fedcba9876543210fedcba9876543210"

/* Two intake stores of one channel: each batch names its store, each store
 * is a chain of its own; an envelope both took is kept once. A store that
 * had batches before it had an id continues its chain under the id. */
static void
test_several_intake_stores(void **state)
{
	struct fixture *f = *state;
	uint8_t zero[32] = { 0 }, c1[32], c2[32], cb[32], cx[32];
	struct ingest_result r;
	astore *s = fresh_store("several.db");

	/* store A's first batch, before A had an id */
	batch(f, "a1.sqlite", zero, 1, 0, 6, c1);
	assert_int_equal(ingest_batch(s, "a1.sqlite", &r), SD_OK);
	assert_int_equal(r.added, 6);
	/* A's next batch carries its id: the chain is A's from now on */
	batch(f, "a2.sqlite", c1, 7, 6, 4, c2);
	set_store_id("a2.sqlite", ID_A);
	assert_int_equal(ingest_batch(s, "a2.sqlite", &r), SD_OK);
	assert_int_equal(r.added, 4);
	assert_int_equal(db_count("several.db", "SELECT count(*) FROM chains "
	    "WHERE id = ''"), 0);
	assert_int_equal(db_count("several.db", "SELECT count(*) FROM links "
	    "WHERE chain = '" ID_A "'"), 10);
	/* store B from its start: rows 1..4 are envelopes A also has, 5..6
	 * are new */
	assert_int_equal(fx_batch_write("b1.sqlite", f->channel_hex, zero, 1,
	    f->env + 6, f->len + 6, 6, cb), 0);
	set_store_id("b1.sqlite", ID_B);
	assert_int_equal(ingest_batch(s, "b1.sqlite", &r), SD_OK);
	assert_int_equal(r.added, 2);
	assert_int_equal(r.skipped, 4);
	assert_int_equal(count(s), 12);
	/* again, both: nothing new, nothing refused */
	assert_int_equal(ingest_batch(s, "b1.sqlite", &r), SD_OK);
	assert_int_equal(r.added, 0);
	assert_int_equal(r.skipped, 6);
	assert_int_equal(ingest_batch(s, "a2.sqlite", &r), SD_OK);
	assert_int_equal(r.skipped, 4);
	/* B's rows under A's id: refused, nothing changed */
	set_store_id("b1.sqlite", ID_A);
	assert_int_not_equal(ingest_batch(s, "b1.sqlite", &r), SD_OK);
	assert_non_null(strstr(r.refused, "differs from the row already "
	    "ingested"));
	assert_int_equal(count(s), 12);
	/* a batch of a third store that does not start its chain, with a
	 * prev_chain A never had: a chain of its own from there */
	memset(cx, 7, sizeof(cx));
	batch(f, "x.sqlite", cx, 3, 0, 2, c1);
	set_store_id("x.sqlite", "00000000000000000000000000000001");
	assert_int_equal(ingest_batch(s, "x.sqlite", &r), SD_OK);
	assert_int_equal(r.added, 0);
	assert_int_equal(r.skipped, 2);
	assert_int_equal(db_count("several.db", "SELECT count(*) FROM chains"),
	    3);
	astore_close(s);
}

/* A store written before several chains were kept is given them when it
 * is opened for writing: its chain continues, its rows stay known. */
static void
test_store_of_one_chain_migrates(void **state)
{
	struct fixture *f = *state;
	uint8_t zero[32] = { 0 }, c1[32], c2[32];
	struct ingest_result r;
	astore *s = fresh_store("old.db");

	batch(f, "o1.sqlite", zero, 1, 0, 6, c1);
	assert_int_equal(ingest_batch(s, "o1.sqlite", &r), SD_OK);
	astore_close(s);
	/* as an earlier version left it */
	assert_int_equal(fx_sql("old.db", "DROP TABLE links; DROP TABLE "
	    "chains; DELETE FROM meta WHERE key = 'chains'"), 0);
	assert_int_equal(astore_open("old.db", ASTORE_CREATE, &s), SD_OK);
	assert_int_equal(db_count("old.db", "SELECT count(*) FROM links WHERE "
	    "chain = ''"), 6);
	assert_int_equal(ingest_batch(s, "o1.sqlite", &r), SD_OK);
	assert_int_equal(r.added, 0);
	assert_int_equal(r.skipped, 6);
	batch(f, "o2.sqlite", c1, 7, 6, 6, c2);
	assert_int_equal(ingest_batch(s, "o2.sqlite", &r), SD_OK);
	assert_int_equal(r.added, 6);
	assert_int_equal(count(s), 12);
	astore_close(s);
}

static void
test_ingest_continue_and_dedup(void **state)
{
	struct fixture *f = *state;
	uint8_t zero[32] = { 0 }, c1[32], c2[32], c4[32];
	struct ingest_result r;
	astore *s = fresh_store("dedup.db");

	batch(f, "b1.sqlite", zero, 1, 0, 6, c1);
	assert_int_equal(ingest_batch(s, "b1.sqlite", &r), SD_OK);
	assert_int_equal(r.added, 6);
	assert_int_equal(r.skipped, 0);
	/* the same batch again: nothing new */
	assert_int_equal(ingest_batch(s, "b1.sqlite", &r), SD_OK);
	assert_int_equal(r.added, 0);
	assert_int_equal(r.skipped, 6);
	batch(f, "b2.sqlite", c1, 7, 6, 6, c2);
	assert_int_equal(ingest_batch(s, "b2.sqlite", &r), SD_OK);
	assert_int_equal(r.added, 6);
	assert_int_equal(count(s), 12);
	/* an overlapping export (rows 5..12) adds nothing and is accepted */
	batch(f, "b3.sqlite", zero, 1, 0, 12, c4);
	assert_memory_equal(c4, c2, 32);
	assert_int_equal(fx_sql("b3.sqlite", "DELETE FROM envelopes WHERE seq "
	    "< 5; UPDATE meta SET value = '5' WHERE key = 'first_seq'; UPDATE "
	    "meta SET value = '8' WHERE key = 'count'"), 0);
	{
		char hex[65];
		astore *tmp = NULL;
		char sql[256];
		uint8_t chain[32];
		char receipt[SD_RECEIPT_LEN + 1];
		int found = 0;

		(void)tmp;
		assert_int_equal(astore_link_at(s, "", 4, receipt, chain,
		    &found),
		    SD_OK);
		assert_true(found);
		sodium_bin2hex(hex, sizeof(hex), chain, 32);
		snprintf(sql, sizeof(sql), "UPDATE meta SET value = '%s' WHERE "
		    "key = 'prev_chain'", hex);
		assert_int_equal(fx_sql("b3.sqlite", sql), 0);
	}
	assert_int_equal(ingest_batch(s, "b3.sqlite", &r), SD_OK);
	assert_int_equal(r.added, 0);
	assert_int_equal(r.skipped, 8);
	assert_int_equal(count(s), 12);
	astore_close(s);
}

static void
refused(astore *s, const char *path, const char *expect)
{
	struct ingest_result r;
	int64_t before = count(s);

	assert_int_not_equal(ingest_batch(s, path, &r), SD_OK);
	if (strstr(r.refused, expect) == NULL)
		fail_msg("refusal '%s' does not say '%s'", r.refused, expect);
	assert_int_equal(count(s), before);
}

static void
test_tampered_chain(void **state)
{
	struct fixture *f = *state;
	uint8_t zero[32] = { 0 }, last[32];
	astore *s = fresh_store("chain.db");

	batch(f, "t1.sqlite", zero, 1, 0, 6, last);
	assert_int_equal(fx_sql("t1.sqlite", "UPDATE envelopes SET chain = "
	    "zeroblob(32) WHERE seq = 3"), 0);
	refused(s, "t1.sqlite", "chain hash of row seq 3");
	astore_close(s);
}

static void
test_gap(void **state)
{
	struct fixture *f = *state;
	uint8_t zero[32] = { 0 }, last[32];
	astore *s = fresh_store("gap.db");

	batch(f, "g1.sqlite", zero, 1, 0, 6, last);
	assert_int_equal(fx_sql("g1.sqlite", "DELETE FROM envelopes WHERE "
	    "seq = 4"), 0);
	refused(s, "g1.sqlite", "gap");
	batch(f, "g2.sqlite", zero, 1, 0, 6, last);
	assert_int_equal(fx_sql("g2.sqlite", "DELETE FROM envelopes WHERE "
	    "seq = 6"), 0);
	refused(s, "g2.sqlite", "rows are missing");
	astore_close(s);
}

static void
flip_byte(const char *path, int64_t seq)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	uint8_t *copy = NULL;
	int n;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT envelope FROM "
	    "envelopes WHERE seq = ?1", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, seq);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	n = sqlite3_column_bytes(st, 0);
	copy = malloc((size_t)n);
	memcpy(copy, sqlite3_column_blob(st, 0), (size_t)n);
	sqlite3_finalize(st);
	copy[n - 5] ^= 0x01;
	assert_int_equal(sqlite3_prepare_v2(db, "UPDATE envelopes SET "
	    "envelope = ?1 WHERE seq = ?2", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_blob(st, 1, copy, n, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, seq);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	sqlite3_close(db);
	free(copy);
}

static void
test_modified_envelope(void **state)
{
	struct fixture *f = *state;
	uint8_t zero[32] = { 0 }, last[32];
	astore *s = fresh_store("mod.db");

	batch(f, "m1.sqlite", zero, 1, 0, 6, last);
	flip_byte("m1.sqlite", 2);
	refused(s, "m1.sqlite", "does not match its receipt");
	batch(f, "m2.sqlite", zero, 1, 0, 6, last);
	assert_int_equal(fx_sql("m2.sqlite", "UPDATE envelopes SET envelope = "
	    "x'53445250', size = 4 WHERE seq = 5"), 0);
	refused(s, "m2.sqlite", "malformed");
	astore_close(s);
}

static void
test_not_continuing(void **state)
{
	struct fixture *f = *state;
	uint8_t zero[32] = { 0 }, other[32], c1[32], last[32];
	struct ingest_result r;
	astore *s = fresh_store("cont.db");

	batch(f, "c1.sqlite", zero, 1, 0, 6, c1);
	assert_int_equal(ingest_batch(s, "c1.sqlite", &r), SD_OK);
	/* the right seq but another chain before it */
	memset(other, 0x42, sizeof(other));
	batch(f, "c2.sqlite", other, 7, 6, 6, last);
	refused(s, "c2.sqlite", "does not continue");
	/* a later batch while one is missing */
	batch(f, "c3.sqlite", c1, 9, 6, 4, last);
	refused(s, "c3.sqlite", "batches in between");
	/* the store is unchanged and still takes the right batch */
	batch(f, "c4.sqlite", c1, 7, 6, 6, last);
	assert_int_equal(ingest_batch(s, "c4.sqlite", &r), SD_OK);
	assert_int_equal(r.added, 6);
	astore_close(s);
}

static void
test_bad_batches(void **state)
{
	struct fixture *f = *state;
	uint8_t zero[32] = { 0 }, last[32];
	FILE *fp;
	astore *s = fresh_store("bad.db");

	batch(f, "f1.sqlite", zero, 1, 0, 3, last);
	assert_int_equal(fx_sql("f1.sqlite", "UPDATE meta SET value = "
	    "'sealdrop.batch/9' WHERE key = 'format'"), 0);
	refused(s, "f1.sqlite", "batch format");
	batch(f, "f2.sqlite", zero, 1, 0, 3, last);
	assert_int_equal(fx_sql("f2.sqlite", "UPDATE meta SET value = 'zz' "
	    "WHERE key = 'prev_chain'"), 0);
	refused(s, "f2.sqlite", "prev_chain");
	fp = fopen("f3.sqlite", "w");
	assert_non_null(fp);
	fputs("this is not a database at all, not even close to one\n", fp);
	fclose(fp);
	refused(s, "f3.sqlite", "batch");
	refused(s, "does-not-exist.sqlite", "cannot open");

	/* a batch is untrusted SQLite: only the format's tables and columns */
	batch(f, "f4.sqlite", zero, 1, 0, 3, last);
	assert_int_equal(fx_sql("f4.sqlite", "ALTER TABLE envelopes ADD COLUMN "
	    "extra TEXT"), 0);
	refused(s, "f4.sqlite", "not an export batch");
	batch(f, "f5.sqlite", zero, 1, 0, 3, last);
	assert_int_equal(fx_sql("f5.sqlite", "CREATE TABLE sneaky(x)"), 0);
	refused(s, "f5.sqlite", "not an export batch");
	batch(f, "f6.sqlite", zero, 1, 0, 3, last);
	assert_int_equal(fx_sql("f6.sqlite", "UPDATE meta SET value = '"
	    "0101010101010101010101010101010101010101010101010101010101010101' "
	    "WHERE key = 'prev_chain'"), 0);
	refused(s, "f6.sqlite", "prev_chain");
	astore_close(s);
}

/* Reading a batch writes nothing beside it (no -wal or -shm on the medium
 * it came on). */
static void
test_batch_left_untouched(void **state)
{
	struct fixture *f = *state;
	uint8_t zero[32] = { 0 }, last[32];
	struct ingest_result r;
	astore *s = fresh_store("untouched.db");
	FILE *fp;

	batch(f, "u1.sqlite", zero, 1, 0, 4, last);
	assert_int_equal(fx_sql("u1.sqlite", "PRAGMA journal_mode=WAL"), 0);
	assert_int_equal(ingest_batch(s, "u1.sqlite", &r), SD_OK);
	assert_int_equal(r.added, 4);
	assert_null(fp = fopen("u1.sqlite-wal", "r"));
	assert_null(fp = fopen("u1.sqlite-shm", "r"));
	astore_close(s);
}

static void
test_first_batch_mid_chain(void **state)
{
	struct fixture *f = *state;
	uint8_t prev[32], last[32];
	struct ingest_result r;
	astore *s = fresh_store("mid.db");

	memset(prev, 0x11, sizeof(prev));
	batch(f, "mid.sqlite", prev, 40, 0, 4, last);
	assert_int_equal(ingest_batch(s, "mid.sqlite", &r), SD_OK);
	assert_int_equal(r.added, 4);
	astore_close(s);
}

struct seen {
	size_t n;
	int64_t last_seq;
	int ordered;
};

static int
sink(void *ctx, int64_t seq, const char *receipt, const struct sd_report *r)
{
	struct seen *s = ctx;

	(void)receipt;
	(void)r;
	if (seq <= s->last_seq)
		s->ordered = 0;
	s->last_seq = seq;
	s->n++;
	return 0;
}

static void
test_decrypt_and_refusals(void **state)
{
	struct fixture *f = *state;
	struct tk_channel other;
	struct fx_rep rep;
	struct ingest_result r;
	struct dec_summary sum;
	struct recset rs;
	struct seen seen = { 0, 0, 1 };
	char stats[2048];
	uint8_t zero[32] = { 0 }, last[32];
	astore *s = fresh_store("dec.db");
	size_t i;

	memset(&rep, 0, sizeof(rep));
	rep.ref = 99;
	rep.reporter = -1;
	rep.ms = "BE";
	rep.sector = "Z";                 /* not a NACE section */
	rep.size = "small";
	rep.discovered = "2026-Q1";
	rep.loss = rep.jobs = -1;
	fx_stats_json(stats, sizeof(stats), &rep);
	f->env[N_ENV] = fx_seal(f->tk.ch, stats, NULL, NULL, NULL, 0,
	    &f->len[N_ENV]);
	assert_int_equal(tk_channel_make(&other, 77, 1, 1), SD_OK);
	rep.sector = "C";
	fx_stats_json(stats, sizeof(stats), &rep);
	f->env[N_ENV + 1] = fx_seal(other.ch, stats, NULL, NULL, NULL, 0,
	    &f->len[N_ENV + 1]);
	tk_channel_free(&other);
	batch(f, "d1.sqlite", zero, 1, 0, N_ENV + 2, last);
	assert_int_equal(ingest_batch(s, "d1.sqlite", &r), SD_OK);
	assert_int_equal(dec_run(s, f->tk.stats[0], "2026-06-01", 3, sink,
	    &seen, &sum), SD_OK);
	dec_summary_print(&sum, "test", stderr);
	assert_int_equal(seen.n, N_ENV);
	assert_true(seen.ordered);
	assert_int_equal(sum.total, N_ENV + 2);
	assert_int_equal(sum.refused, 2);
	assert_int_equal(sum.n_reasons, 2);
	for (i = 0; i < sum.n_reasons; i++)
		assert_true(strstr(sum.reason[i].why, "sector") != NULL ||
		    strstr(sum.reason[i].why, "not sealed to this") != NULL);
	/* the same set whatever the number of threads */
	for (i = 1; i <= 4; i++) {
		assert_int_equal(recset_load(s, f->tk.stats[0], "2026-06-01",
		    (unsigned)i, NULL, &rs, &sum), SD_OK);
		assert_int_equal(rs.n, N_ENV);
		assert_int_equal(rs.r[5].loss_eur, 500);
		recset_free(&rs);
	}
	/* a details key opens no stats section */
	assert_int_equal(recset_load(s, f->tk.details[0], "2026-06-01", 2, NULL,
	    &rs, &sum), SD_OK);
	assert_int_equal(rs.n, 0);
	assert_int_equal(sum.refused, N_ENV + 2);
	recset_free(&rs);
	astore_close(s);
}

/* Answers of reporters (sealdrop.followup/1) travel in the same batches
 * but are no reports: they never reach a record set, a table or a report,
 * and are not counted as refused either. */
static void
test_followups_never_count(void **state)
{
	struct fixture *f = *state;
	uint8_t *envs[N_ENV + 2], zero[32] = { 0 }, last[32];
	size_t lens[N_ENV + 2], i;
	struct ingest_result r;
	struct dec_summary sum;
	struct recset rs, base;
	struct seen seen = { 0, 0, 1 };
	astore *s = fresh_store("fu.db"), *s0 = fresh_store("fu0.db");

	for (i = 0; i < N_ENV; i++) {
		envs[i] = f->env[i];
		lens[i] = f->len[i];
	}
	for (i = 0; i < 2; i++) {
		envs[N_ENV + i] = fx_seal(f->tk.ch,
		    "{\"schema\":\"sealdrop.followup/1\"}",
		    "{\"schema\":\"sealdrop.followup/1\",\"mailbox\":"
		    "\"DxgOYf9dB2fcPhPM74qACtISgajY6kjJkkT7NZviRhE=\","
		    "\"text\":\"an answer\"}", NULL, NULL, 0, &lens[N_ENV + i]);
		assert_non_null(envs[N_ENV + i]);
	}
	/* the answers in the middle of the chain */
	{
		uint8_t *t = envs[4];
		size_t tl = lens[4];

		envs[4] = envs[N_ENV];
		lens[4] = lens[N_ENV];
		envs[N_ENV] = t;
		lens[N_ENV] = tl;
	}
	assert_int_equal(fx_batch_write("fu.sqlite", f->channel_hex, zero, 1,
	    envs, lens, N_ENV + 2, last), 0);
	assert_int_equal(ingest_batch(s, "fu.sqlite", &r), SD_OK);
	assert_int_equal(r.added, N_ENV + 2);
	assert_int_equal(dec_run(s, f->tk.stats[0], "2026-06-01", 2, sink,
	    &seen, &sum), SD_OK);
	assert_int_equal(seen.n, N_ENV);
	assert_int_equal(sum.total, N_ENV + 2);
	assert_int_equal(sum.followups, 2);
	assert_int_equal(sum.refused, 0);
	/* the record set is that of the reports alone */
	assert_int_equal(fx_batch_write("fu0.sqlite", f->channel_hex, zero, 1,
	    f->env, f->len, N_ENV, last), 0);
	assert_int_equal(ingest_batch(s0, "fu0.sqlite", &r), SD_OK);
	assert_int_equal(recset_load(s, f->tk.stats[0], "2026-06-01", 2, NULL,
	    &rs, &sum), SD_OK);
	assert_int_equal(recset_load(s0, f->tk.stats[0], "2026-06-01", 2, NULL,
	    &base, &sum), SD_OK);
	assert_int_equal(rs.n, N_ENV);
	assert_int_equal(rs.n, base.n);
	{
		/* the same reports (in another order: one answer's place moved
		 * a report to the end) */
		int64_t a = 0, b = 0;

		for (i = 0; i < rs.n; i++) {
			a += rs.r[i].loss_eur * 131 + rs.r[i].member_state;
			b += base.r[i].loss_eur * 131 + base.r[i].member_state;
		}
		assert_int_equal(a, b);
	}
	recset_free(&rs);
	recset_free(&base);
	free(envs[4]);                  /* the two answers */
	free(envs[N_ENV + 1]);
	astore_close(s);
	astore_close(s0);
}

static void
test_store_refuses_foreign_file(void **state)
{
	astore *s = NULL;

	(void)state;
	assert_int_equal(fx_sql("foreign.db", "CREATE TABLE IF NOT EXISTS "
	    "x(a)"), 0);
	assert_int_equal(astore_open("foreign.db", ASTORE_READ, &s),
	    SD_E_FORMAT);
	assert_null(s);
	assert_int_not_equal(astore_open("missing.db", ASTORE_READ, &s),
	    SD_OK);
}

static void
expect_mode_0600(const char *path)
{
	struct stat st;

	if (stat(path, &st) != 0)
		fail_msg("%s is missing", path);
	if ((st.st_mode & 0777) != 0600)
		fail_msg("%s has mode %o, not 600", path,
		    (unsigned)(st.st_mode & 0777));
}

/* A new store and its -wal and -shm are private even under umask 022,
 * where SQLite alone would make them 0644. */
static void
test_store_files_private(void **state)
{
	struct fixture *f = *state;
	uint8_t zero[32] = { 0 }, last[32];
	struct ingest_result r;
	mode_t old = umask(022);
	astore *s = fresh_store("private.db");

	batch(f, "p1.sqlite", zero, 1, 0, 3, last);
	assert_int_equal(ingest_batch(s, "p1.sqlite", &r), SD_OK);
	assert_int_equal(r.added, 3);
	/* while the store is open, the WAL and its index exist */
	expect_mode_0600("private.db");
	expect_mode_0600("private.db-wal");
	expect_mode_0600("private.db-shm");
	astore_close(s);
	expect_mode_0600("private.db");
	umask(old);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ingest_continue_and_dedup),
		cmocka_unit_test(test_several_intake_stores),
		cmocka_unit_test(test_store_of_one_chain_migrates),
		cmocka_unit_test(test_tampered_chain),
		cmocka_unit_test(test_gap),
		cmocka_unit_test(test_modified_envelope),
		cmocka_unit_test(test_not_continuing),
		cmocka_unit_test(test_bad_batches),
		cmocka_unit_test(test_first_batch_mid_chain),
		cmocka_unit_test(test_decrypt_and_refusals),
		cmocka_unit_test(test_followups_never_count),
		cmocka_unit_test(test_store_refuses_foreign_file),
		cmocka_unit_test(test_batch_left_untouched),
		cmocka_unit_test(test_store_files_private),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
