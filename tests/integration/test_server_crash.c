/* Crashes and shutdowns under load, with the real server on loopback:
 *   - a load of distinct envelopes while the server is SIGKILLed at random
 *     moments and restarted, 24 times: every receipt a client was given
 *     is stored, the chain verifies, integrity_check is ok, and export and
 *     sealdrop-analyst ingest accept the store;
 *   - SIGTERM under load: requests in flight finish, new connections are
 *     refused, exit 0, nothing acknowledged is lost. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <sodium.h>
#include <sqlite3.h>

#include "sd_err.h"
#include "sd_mem.h"
#include "server_harness.h"

#define KEYS "keys"
#define KILLS 24
#define CONNS 16

static const char *const fast[] = { "--rate", "0", "--per-ip-limit", "0",
    NULL };

static int setup(void **state)
{
	(void)state;
	signal(SIGPIPE, SIG_IGN);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	h_make_keys(KEYS, "2099-12-31");
	return 0;
}

/* Every acknowledged receipt is a row of the store. */
static void assert_acks_stored(const char *db, const struct h_load *l)
{
	sqlite3 *h = NULL;
	sqlite3_stmt *st = NULL;
	size_t i;

	assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(h, "SELECT count(*) FROM "
	    "envelopes WHERE receipt=?1", -1, &st, NULL), SQLITE_OK);
	for (i = 0; i < l->n_acks; i++) {
		sqlite3_bind_text(st, 1, l->acks[i].receipt, -1, SQLITE_STATIC);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		if (sqlite3_column_int(st, 0) != 1)
			fail_msg("receipt %s was given but is not stored",
			    l->acks[i].receipt);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	sqlite3_close(h);
}

static void assert_integrity(const char *db)
{
	assert_int_equal(h_db_count(db, "SELECT count(*) FROM "
	    "pragma_integrity_check WHERE integrity_check='ok'"), 1);
	h_assert_chain(db);
}

static void export_and_ingest(const char *db, long long rows)
{
	char server[512], analyst[512];
	char *exp[] = { server, h_s("export"), h_s("--db"), (char *)(uintptr_t)db,
	    h_s("--out"), h_s("crash-batch.sqlite"), NULL };
	char *ing[] = { analyst, h_s("ingest"), h_s("--store"),
	    h_s("crash-analyst.db"), h_s("crash-batch.sqlite"), NULL };

	h_bin(server, sizeof(server), "server/sealdrop-server");
	h_bin(analyst, sizeof(analyst), "analyst/sealdrop-analyst");
	h_fresh_db("crash-batch.sqlite");
	h_fresh_db("crash-analyst.db");
	assert_int_equal(h_run(exp, NULL, "crash-export.log"), 0);
	assert_int_equal(h_db_count("crash-batch.sqlite",
	    "SELECT count(*) FROM envelopes"), rows);
	assert_int_equal(h_run(ing, NULL, "crash-ingest.log"), 0);
	assert_int_equal(h_db_count("crash-analyst.db",
	    "SELECT count(*) FROM envelopes"), rows);
}

static void test_sigkill_under_load(void **state)
{
	struct h_server s;
	struct h_load l;
	sd_channel *ch = h_channel(KEYS);
	long long rows;
	unsigned long cut = 0;
	int st = 0;
	int k;

	(void)state;
	memset(&l, 0, sizeof(l));
	h_fresh_db("crash.db");
	for (k = 0; k < KILLS; k++) {
		assert_int_equal(h_start(&s, KEYS, "crash.db", fast, NULL), 0);
		h_load_start(&l, &s, ch, CONNS);
		/* 100 ms to 1.1 s into the load: mid-batch, mid-commit,
		 * mid-answer, wherever it falls */
		usleep(100000 + randombytes_uniform(1000000));
		assert_int_equal(kill(s.pid, SIGKILL), 0);
		assert_int_equal(waitpid(s.pid, &st, 0), s.pid);
		assert_true(WIFSIGNALED(st));
		h_reaped(&s);
		h_load_stop(&l);
		cut += l.cut;
		assert_int_equal(l.wrong, 0);
		/* after every crash, what was acknowledged is there */
		assert_acks_stored("crash.db", &l);
	}
	rows = h_db_count("crash.db", "SELECT count(*) FROM envelopes");
	print_message("%d kills: %zu receipts given, %lld rows stored, %lu "
	    "requests cut by the kills\n", KILLS, l.n_acks, rows, cut);
	assert_true(l.n_acks > 100);
	/* rows committed just before a kill may have lost their answer */
	assert_true(rows >= (long long)l.n_acks);
	assert_integrity("crash.db");
	export_and_ingest("crash.db", rows);
	h_load_free(&l);
	sd_channel_free(ch);
}

static void test_sigterm_under_load(void **state)
{
	struct h_server s;
	struct h_load l;
	struct h_resp r;
	sd_channel *ch = h_channel(KEYS);
	uint64_t t_term;
	size_t i;
	size_t before = 0;
	int status;

	(void)state;
	memset(&l, 0, sizeof(l));
	h_fresh_db("term.db");
	assert_int_equal(h_start(&s, KEYS, "term.db", fast, NULL), 0);
	h_load_start(&l, &s, ch, CONNS);
	usleep(1500000);
	t_term = h_now_ms();
	assert_int_equal(kill(s.pid, SIGTERM), 0);
	/* the load goes on against the stopping server */
	status = h_stop(&s);
	usleep(300000);
	h_load_stop(&l);
	assert_int_equal(status, 0);
	/* after the exit, new connections are refused */
	assert_true(l.refused > 0);
	h_http(&s, "GET", "/healthz", NULL, NULL, 0, NULL, &r);
	assert_int_equal(r.status, 0);
	h_resp_free(&r);
	/* no request that began before SIGTERM was cut off: each got its
	 * receipt */
	if (l.cut > 0)
		assert_true(l.cut_first_started >= t_term);
	for (i = 0; i < l.n_acks; i++)
		if (l.acks[i].started_ms < t_term)
			before++;
	print_message("SIGTERM under load: %zu receipts (%zu for requests "
	    "begun before the signal), %lu answered 503 while it drained, "
	    "%lu cut after it, %lu connections refused, exit %d\n", l.n_acks,
	    before, l.other, l.cut, l.refused, status);
	assert_true(before > 0);
	/* a request begun after the signal is refused (503), never stored */
	for (i = 0; i < l.n_acks; i++)
		assert_true(l.acks[i].started_ms < t_term + 500);
	assert_int_equal(l.wrong, 0);
	assert_acks_stored("term.db", &l);
	assert_int_equal(h_db_count("term.db", "SELECT count(*) FROM "
	    "envelopes"), (long long)l.n_acks);
	assert_integrity("term.db");
	h_load_free(&l);
	sd_channel_free(ch);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_sigkill_under_load, h_teardown),
		cmocka_unit_test_teardown(test_sigterm_under_load, h_teardown),
	};

	if (sd_crypto_init() != SD_OK)
		return 1;
	return cmocka_run_group_tests(tests, setup, h_teardown);
}
