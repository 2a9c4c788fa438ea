/* sealdrop-submit against the real intake server on 127.0.0.1, with the relay
 * in between where a test needs a dropped connection, a busy server, or a
 * server that hands out another channel. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>
#include <sqlite3.h>

#include "sd_encode.h"
#include "sd_envelope.h"
#include "sd_err.h"
#include "sd_keys.h"
#include "sd_mem.h"
#include "sd_open.h"
#include "submit_harness.h"

#define DB "intake.db"
#define EXPIRES "2090-01-01"

static struct h_server server;
static char xdg_env[PATH_MAX + 32];
static char home_env[PATH_MAX + 32];
static char log_path[PATH_MAX + 64];

static const char report_json[] =
	"{\"member_state\":\"DE\",\"organisation\":\"company\",\"sector\":\"C\","
	"\"size_class\":\"medium\",\"discovered\":\"2025-Q2\","
	"\"secret_types\":[\"technical.source_code\"],"
	"\"attack_vectors\":[\"hacking\",\"social\"],\"actor\":\"competitor\","
	"\"actor_origin\":\"non_eu\",\"loss_eur\":250000,\"jobs_at_risk\":12,"
	"\"reported_to_police\":true,"
	"\"narrative\":\"Design files copied by a phishing intruder\"}";

static int
setup(void **state)
{
	char cwd[PATH_MAX];

	(void)state;
	if (sd_crypto_init() != SD_OK || getcwd(cwd, sizeof(cwd)) == NULL)
		return -1;
	snprintf(xdg_env, sizeof(xdg_env), "XDG_DATA_HOME=%s/xdg", cwd);
	snprintf(home_env, sizeof(home_env), "HOME=%s", cwd);
	snprintf(log_path, sizeof(log_path), "%s/xdg/sealdrop/receipts.log", cwd);
	unlink(DB);
	unlink(DB "-wal");
	unlink(DB "-shm");
	h_make_world(EXPIRES);
	h_write("report.json", report_json, strlen(report_json));
	h_server_start(&server, DB, "channel.json");
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	h_server_stop(&server);
	return 0;
}

/* sealdrop-submit --server URL --authority A.pub [extra...] FILE */
static void
submit_file(struct h_run *r, const char *url, const char *authority,
    const char *const extra[], const char *today, const char *file)
{
	const char *argv[40];
	char tenv[64];
	const char *env[] = { xdg_env, home_env, NULL, NULL };
	size_t k = 0, i;

	argv[k++] = h_bin("submitter/sealdrop-submit");
	argv[k++] = "--server";
	argv[k++] = url;
	argv[k++] = "--authority";
	argv[k++] = authority;
	argv[k++] = "--retry-wait";
	argv[k++] = "0.05";
	for (i = 0; extra != NULL && extra[i] != NULL && k < 36; i++)
		argv[k++] = extra[i];
	argv[k++] = file;
	argv[k] = NULL;
	if (today != NULL) {
		snprintf(tenv, sizeof(tenv), "SEALDROP_TODAY=%s", today);
		env[2] = tenv;
	}
	h_run(r, argv, env, NULL);
}

static void
submit(struct h_run *r, const char *url, const char *authority,
    const char *const extra[], const char *today)
{
	submit_file(r, url, authority, extra, today, "report.json");
}

static void
expect_receipt(const struct h_run *r, char receipt[SD_RECEIPT_LEN + 1])
{
	char day[16], sig64[128], msg[128];
	uint8_t sig[64], pk[SD_PK_BYTES];
	size_t siglen = 0;
	enum sd_role role;

	if (r->status != 0)
		fail_msg("sealdrop-submit exited %d: %s", r->status, r->err);
	assert_int_equal(h_field(r->out, "receipt", receipt, SD_RECEIPT_LEN + 1), 0);
	assert_int_equal(strlen(receipt), SD_RECEIPT_LEN);
	assert_int_equal(h_field(r->out, "day", day, sizeof(day)), 0);
	assert_int_equal(h_field(r->out, "signature", sig64, sizeof(sig64)), 0);
	/* what the company keeps must prove the submission on its own */
	assert_int_equal(sd_pubkey_load("receipt.pub", &role, pk), SD_OK);
	assert_int_equal(sd_b64_decode(sig, sizeof(sig), &siglen, sig64,
	    strlen(sig64)), SD_OK);
	assert_int_equal(siglen, 64);
	assert_true(sd_receipt_message(msg, sizeof(msg), receipt, day) > 0);
	assert_int_equal(crypto_sign_verify_detached(sig, (const uint8_t *)msg,
	    strlen(msg), pk), 0);
}

static void
test_submission_arrives(void **state)
{
	char receipt[SD_RECEIPT_LEN + 1];
	struct h_run r;
	struct stat st;
	char *log = NULL;

	(void)state;
	submit(&r, server.url, "A.pub", NULL, NULL);
	expect_receipt(&r, receipt);
	assert_int_equal(h_db_rows(DB, receipt), 1);
	/* the local log: one line with the receipt, private, no content */
	assert_int_equal(stat(log_path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	log = h_read(log_path, NULL);
	assert_non_null(strstr(log, receipt));
	assert_non_null(strstr(log, server.url));
	assert_null(strstr(log, "phishing"));
	assert_null(strstr(log, "competitor"));
	free(log);
	h_run_free(&r);
}

/* Send through a relay that disturbs the first answers; the submitter
 * resends the same bytes (posts) times in all and one row is stored. */
static void
retried_and_stored_once(struct h_relay *relay, unsigned posts)
{
	char receipt[SD_RECEIPT_LEN + 1];
	int before = h_db_rows(DB, NULL);
	struct h_run r;

	h_relay_start(relay);
	submit(&r, relay->url, "A.pub", NULL, NULL);
	h_relay_stop(relay);
	expect_receipt(&r, receipt);
	assert_int_equal(relay->n_posts, posts);
	assert_int_equal(relay->posts_differ, 0);
	assert_int_equal(h_db_rows(DB, receipt), 1);
	assert_int_equal(h_db_rows(DB, NULL), before + 1);
	h_run_free(&r);
}

static void
test_retry_after_dropped_answer(void **state)
{
	/* the server stored the first copy; the resent one is the same bytes,
	 * so the server answers with the same receipt and stores nothing new */
	struct h_relay relay = { .upstream_port = server.port, .drop_posts = 1 };

	(void)state;
	retried_and_stored_once(&relay, 2);
}

static void
test_retry_after_busy(void **state)
{
	struct h_relay relay = { .upstream_port = server.port, .refuse_posts = 2 };

	(void)state;
	retried_and_stored_once(&relay, 3);
}

static void
test_gives_up_after_retries(void **state)
{
	struct h_relay relay = { .upstream_port = server.port, .refuse_posts = 99 };
	const char *extra[] = { "--retries", "2", NULL };
	int before = h_db_rows(DB, NULL);
	struct h_run r;

	(void)state;
	h_relay_start(&relay);
	submit(&r, relay.url, "A.pub", extra, NULL);
	h_relay_stop(&relay);
	assert_int_equal(r.status, 3);
	assert_int_equal(relay.n_posts, 3);
	assert_non_null(strstr(r.err, "503"));
	assert_int_equal(h_db_rows(DB, NULL), before);
	h_run_free(&r);
}

static void
test_unreachable_server(void **state)
{
	const char *extra[] = { "--retries", "1", NULL };
	char url[64];
	struct h_run r;

	(void)state;
	snprintf(url, sizeof(url), "http://127.0.0.1:%u", h_free_port());
	submit(&r, url, "A.pub", extra, NULL);
	assert_int_equal(r.status, 3);
	assert_non_null(strstr(r.err, "nothing was sent"));
	h_run_free(&r);
}

/* Refusals: exit 2, and the server got nothing. */
static void
expect_refused(struct h_run *r, int before, const char *why)
{
	if (r->status != 2)
		fail_msg("expected exit 2, got %d: %s", r->status, r->err);
	assert_non_null(strstr(r->err, why));
	assert_non_null(strstr(r->err, "nothing was sent"));
	assert_int_equal(h_db_rows(DB, NULL), before);
	h_run_free(r);
}

static void
test_refuses_other_authority(void **state)
{
	int before = h_db_rows(DB, NULL);
	struct h_run r;

	(void)state;
	submit(&r, server.url, "B.pub", NULL, NULL);
	expect_refused(&r, before, "another authority");
}

static void
test_refuses_expired_channel(void **state)
{
	int before = h_db_rows(DB, NULL);
	struct h_run r;

	(void)state;
	submit(&r, server.url, "A.pub", NULL, "2090-06-01");
	expect_refused(&r, before, "expired");
}

static void
test_refuses_substituted_channel(void **state)
{
	struct h_relay relay = { .upstream_port = server.port };
	int before = h_db_rows(DB, NULL);
	size_t len = 0;
	char *ch = h_read("channel_b.json", &len);
	struct h_run r;

	(void)state;
	relay.channel = ch;
	relay.channel_len = len;
	h_relay_start(&relay);
	submit(&r, relay.url, "A.pub", NULL, NULL);
	h_relay_stop(&relay);
	assert_int_equal(relay.n_gets, 1);
	assert_int_equal(relay.n_posts, 0);
	expect_refused(&r, before, "another authority");
	free(ch);
}

static void
test_refuses_tampered_channel(void **state)
{
	struct h_relay relay = { .upstream_port = server.port };
	size_t len = 0, i;
	char *ch = h_read("channel.json", &len), *body;
	struct h_run r;

	(void)state;
	/* flip one character of the signed body, keep the signature */
	body = strstr(ch, "\"body\"");
	assert_non_null(body);
	body = strchr(body + 6, '"');
	assert_non_null(body);
	i = 10;
	body[i] = body[i] == 'A' ? 'B' : 'A';
	relay.channel = ch;
	relay.channel_len = len;
	h_relay_start(&relay);
	submit(&r, relay.url, "A.pub", NULL, NULL);
	h_relay_stop(&relay);
	assert_int_equal(relay.n_posts, 0);
	assert_int_equal(r.status, 2);
	h_run_free(&r);
	free(ch);
}

static void
test_refuses_other_channel_than_pinned_file(void **state)
{
	const char *extra[] = { "--channel", "channel_other.json", NULL };
	int before = h_db_rows(DB, NULL);
	struct h_run r;

	(void)state;
	/* same authority, but not the channel the user holds */
	h_make_channel("A", "2089-12-31", "channel_other.json");
	submit(&r, server.url, "A.pub", extra, NULL);
	expect_refused(&r, before, "another channel");
}

static void
test_accepts_same_channel_as_pinned_file(void **state)
{
	const char *extra[] = { "--channel", "channel.json", NULL };
	char receipt[SD_RECEIPT_LEN + 1];
	struct h_run r;

	(void)state;
	submit(&r, server.url, "A.pub", extra, NULL);
	expect_receipt(&r, receipt);
	assert_int_equal(h_db_rows(DB, receipt), 1);
	h_run_free(&r);
}

static void
test_refuses_forged_receipt(void **state)
{
	struct h_relay relay = { 0 };
	sd_seckey *other = NULL;
	size_t len = 0;
	char *ch = h_read("channel.json", &len);
	struct h_run r;

	(void)state;
	assert_int_equal(sd_seckey_load("other_receipt.key", H_PASS,
	    strlen(H_PASS), &other), SD_OK);
	relay.channel = ch;
	relay.channel_len = len;
	relay.signer = other;
	h_relay_start(&relay);
	submit(&r, relay.url, "A.pub", NULL, NULL);
	h_relay_stop(&relay);
	assert_int_equal(relay.n_posts, 1);
	assert_int_equal(r.status, 3);
	assert_non_null(strstr(r.err, "does not verify"));
	assert_null(strstr(r.out, "receipt:"));
	h_run_free(&r);
	sd_seckey_free(other);
	free(ch);
}

static void
test_refuses_receipt_of_other_envelope(void **state)
{
	struct h_relay relay = { 0 };
	size_t len = 0;
	char *ch = h_read("channel.json", &len);
	struct h_run r;

	(void)state;
	relay.channel = ch;
	relay.channel_len = len;
	relay.post_answer = "{\"receipt\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\","
	    "\"day\":\"2026-01-01\",\"signature\":\"AAAA\"}";
	h_relay_start(&relay);
	submit(&r, relay.url, "A.pub", NULL, NULL);
	h_relay_stop(&relay);
	assert_int_equal(r.status, 3);
	assert_non_null(strstr(r.err, "not that of the report sent"));
	h_run_free(&r);
	free(ch);
}

static void
make_file(const char *name, size_t size)
{
	uint8_t *buf = malloc(size ? size : 1);

	assert_non_null(buf);
	randombytes_buf(buf, size);
	h_write(name, buf, size);
	free(buf);
}

static void
test_attachments_within_limits(void **state)
{
	const char *extra[] = { "--attach", "a.pdf", "--attach", "b.txt",
		"--attach", "c.bin", "--attach", "d.png", "--attach", "big.zip",
		NULL };
	char receipt[SD_RECEIPT_LEN + 1];
	struct h_run r;

	(void)state;
	make_file("a.pdf", 1000);
	make_file("b.txt", 0);
	make_file("c.bin", 70000);
	make_file("d.png", 65536);
	make_file("big.zip", SD_ATTACHMENT_FILE_MAX);
	submit(&r, server.url, "A.pub", extra, NULL);
	expect_receipt(&r, receipt);
	assert_int_equal(h_db_rows(DB, receipt), 1);
	h_run_free(&r);
}

static void
test_attachments_over_limits(void **state)
{
	const char *six[] = { "--attach", "a.pdf", "--attach", "b.txt",
		"--attach", "c.bin", "--attach", "d.png", "--attach", "a.pdf",
		"--attach", "b.txt", NULL };
	const char *big[] = { "--attach", "a.pdf", "--attach", "huge.iso", NULL };
	int before;
	struct h_run r;

	(void)state;
	make_file("a.pdf", 1000);
	make_file("b.txt", 10);
	make_file("c.bin", 10);
	make_file("d.png", 10);
	make_file("huge.iso", SD_ATTACHMENT_FILE_MAX + 1);
	before = h_db_rows(DB, NULL);
	submit(&r, server.url, "A.pub", six, NULL);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "at most 5 files"));
	h_run_free(&r);
	submit(&r, server.url, "A.pub", big, NULL);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "huge.iso"));
	assert_non_null(strstr(r.err, "10 MiB"));
	h_run_free(&r);
	assert_int_equal(h_db_rows(DB, NULL), before);
}

/* The stats section of a stored envelope, opened with the stats key. */
static json_t *
stored_stats(const char *receipt)
{
	struct sd_envelope_view v;
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	sd_seckey *k = NULL;
	uint8_t *env = NULL, *plain = NULL;
	size_t len = 0, plen = 0;
	json_t *doc = NULL;

	assert_int_equal(sqlite3_open_v2(DB, &db, SQLITE_OPEN_READONLY, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT envelope FROM envelopes "
	    "WHERE receipt = ?1", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, receipt, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	len = (size_t)sqlite3_column_bytes(st, 0);
	env = malloc(len);
	assert_non_null(env);
	memcpy(env, sqlite3_column_blob(st, 0), len);
	sqlite3_finalize(st);
	sqlite3_close(db);
	assert_int_equal(sd_envelope_parse(env, len, &v), SD_OK);
	assert_int_equal(sd_seckey_load("stats.key", H_PASS, strlen(H_PASS), &k),
	    SD_OK);
	assert_int_equal(sd_envelope_open_section(&v, 0, k, &plain, &plen),
	    SD_OK);
	doc = json_loadb((const char *)plain, plen, 0, NULL);
	assert_non_null(doc);
	sd_secret_free(plain);
	sd_seckey_free(k);
	free(env);
	return doc;
}

static const char *
member(json_t *doc, const char *key)
{
	return json_string_value(json_object_get(doc, key));
}

/* report.json with one number changed: a corrected version */
static void
corrected(const char *file, const char *loss, const char *extra_member)
{
	char text[sizeof(report_json) + 128];
	const char *at = strstr(report_json, "250000");

	assert_non_null(at);
	snprintf(text, sizeof(text), "%.*s%s%s%s", (int)(at - report_json),
	    report_json, loss, extra_member ? extra_member : "",
	    at + strlen("250000"));
	h_write(file, text, strlen(text));
}

static void
expect_input_error(struct h_run *r, int before, const char *a,
    const char *b)
{
	if (r->status != 1)
		fail_msg("expected exit 1, got %d: %s", r->status, r->err);
	if (strstr(r->err, a) == NULL || (b != NULL && strstr(r->err, b) == NULL))
		fail_msg("the message does not name '%s'%s%s: %s", a,
		    b ? " and " : "", b ? b : "", r->err);
	assert_int_equal(h_db_rows(DB, NULL), before);
	h_run_free(r);
}

/* --update RECEIPT sends a corrected version with the same incident_ref and
 * reporter pseudonym, taken from the receipt log, with no hex to copy. */
static void
test_update_by_receipt(void **state)
{
	const char *init[] = { h_bin("submitter/sealdrop-submit"), "init",
		"--org-secret", "upd.secret", "--force", NULL };
	const char *with_secret[] = { "--org-secret", "upd.secret", NULL };
	const char *env[] = { xdg_env, home_env, NULL };
	char r1[SD_RECEIPT_LEN + 1], r2[SD_RECEIPT_LEN + 1];
	char r3[SD_RECEIPT_LEN + 1], prefix[16], line[256], corrects[64];
	const char *upd[] = { "--update", r1, NULL };
	json_t *a, *b, *c;
	struct h_run r;
	char *log;
	size_t i;

	(void)state;
	h_run(&r, init, env, NULL);
	assert_int_equal(r.status, 0);
	h_run_free(&r);
	submit(&r, server.url, "A.pub", with_secret, NULL);
	expect_receipt(&r, r1);
	h_run_free(&r);

	/* the correction: no --org-secret, no --incident-ref */
	corrected("fixed.json", "300000", NULL);
	submit_file(&r, server.url, "A.pub", upd, NULL, "fixed.json");
	expect_receipt(&r, r2);
	assert_int_equal(h_field(r.out, "corrects", corrects, sizeof(corrects)),
	    0);
	assert_string_equal(corrects, r1);
	h_run_free(&r);
	a = stored_stats(r1);
	b = stored_stats(r2);
	assert_non_null(member(a, "reporter"));
	assert_string_equal(member(a, "incident_ref"), member(b, "incident_ref"));
	assert_string_equal(member(a, "reporter"), member(b, "reporter"));
	assert_int_equal(json_integer_value(json_object_get(b, "loss_eur")),
	    300000);
	/* the log keeps the incident and the pseudonym of each */
	log = h_read(log_path, NULL);
	snprintf(line, sizeof(line), "\t%s\t%s\tFU-", member(b, "incident_ref"),
	    member(b, "reporter"));
	assert_non_null(strstr(strstr(log, r2), line));
	free(log);

	/* a correction of the correction, by a prefix typed in capitals */
	for (i = 0; i < 10; i++)
		prefix[i] = (char)(r2[i] >= 'a' ? r2[i] - 32 : r2[i]);
	prefix[10] = '\0';
	upd[1] = prefix;
	corrected("fixed2.json", "310000", NULL);
	submit_file(&r, server.url, "A.pub", upd, NULL, "fixed2.json");
	expect_receipt(&r, r3);
	h_run_free(&r);
	c = stored_stats(r3);
	assert_string_equal(member(a, "incident_ref"), member(c, "incident_ref"));
	assert_string_equal(member(a, "reporter"), member(c, "reporter"));
	json_decref(a);
	json_decref(b);
	json_decref(c);
}

static void
test_update_refusals(void **state)
{
	const char *old_line = "oooooooooooooooooooooooooooooooo\t2025-01-01\t"
	    "c2ln\thttp://127.0.0.1:1\t00000000000000000000000000000000\n";
	char r1[SD_RECEIPT_LEN + 1];
	const char *upd[] = { "--update", r1, NULL, NULL };
	const char *absent[] = { "--update", "qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq",
		NULL };
	const char *old[] = { "--receipts", "old.log", "--update",
		"oooooooooooooooooooooooooooooooo", NULL };
	const char *nolog[] = { "--receipts", "none.log", "--update",
		"oooooooooooooooooooooooooooooooo", NULL };
	const char *with_secret[] = { "--org-secret", "upd.secret", NULL };
	int before;
	struct h_run r;

	(void)state;
	submit(&r, server.url, "A.pub", with_secret, NULL);
	expect_receipt(&r, r1);
	h_run_free(&r);
	before = h_db_rows(DB, NULL);

	/* report.json names another incident */
	corrected("other.json", "1", ",\"incident_ref\":"
	    "\"ffffffffffffffffffffffffffffffff\"");
	submit_file(&r, server.url, "A.pub", upd, NULL, "other.json");
	expect_input_error(&r, before, "incident_ref", r1);
	/* a receipt the log does not hold */
	submit(&r, server.url, "A.pub", absent, NULL);
	expect_input_error(&r, before, "no report with this receipt",
	    "receipts.log");
	/* no log at all */
	unlink("none.log");
	submit(&r, server.url, "A.pub", nolog, NULL);
	expect_input_error(&r, before, "no receipt log at", "none.log");
	/* a line of an older version: found, but without its incident */
	h_write("old.log", old_line, strlen(old_line));
	submit(&r, server.url, "A.pub", old, NULL);
	expect_input_error(&r, before, "earlier version", "--incident-ref");
	/* the pseudonym cannot be dropped or changed */
	upd[2] = "--anonymous";
	submit(&r, server.url, "A.pub", upd, NULL);
	expect_input_error(&r, before, "--anonymous", r1);
	upd[2] = NULL;
	{
		const char *init[] = { h_bin("submitter/sealdrop-submit"), "init",
			"--org-secret", "other.secret", "--force", NULL };
		const char *env[] = { xdg_env, home_env, NULL };
		const char *other[] = { "--update", r1, "--org-secret",
			"other.secret", NULL };

		h_run(&r, init, env, NULL);
		assert_int_equal(r.status, 0);
		h_run_free(&r);
		submit(&r, server.url, "A.pub", other, NULL);
		expect_input_error(&r, before, "--org-secret", "another reporter");
	}
	/* a receipt too short to look up */
	upd[1] = "abc";
	submit(&r, server.url, "A.pub", upd, NULL);
	expect_input_error(&r, before, "--update takes the receipt", NULL);
}

/* A report sent without a pseudonym is corrected without one, even where
 * an organisation secret now exists. */
static void
test_update_keeps_anonymous(void **state)
{
	const char *init[] = { h_bin("submitter/sealdrop-submit"), "init",
		"--force", NULL };
	const char *env[] = { xdg_env, home_env, NULL };
	const char *anon[] = { "--anonymous", NULL };
	char r1[SD_RECEIPT_LEN + 1], r2[SD_RECEIPT_LEN + 1], secret[PATH_MAX + 64];
	const char *upd[] = { "--update", r1, NULL };
	json_t *a, *b;
	struct h_run r;

	(void)state;
	submit(&r, server.url, "A.pub", anon, NULL);
	expect_receipt(&r, r1);
	h_run_free(&r);
	h_run(&r, init, env, NULL);
	assert_int_equal(r.status, 0);
	h_run_free(&r);
	corrected("fixed3.json", "42", NULL);
	submit_file(&r, server.url, "A.pub", upd, NULL, "fixed3.json");
	expect_receipt(&r, r2);
	h_run_free(&r);
	a = stored_stats(r1);
	b = stored_stats(r2);
	assert_null(json_object_get(a, "reporter"));
	assert_null(json_object_get(b, "reporter"));
	assert_string_equal(member(a, "incident_ref"), member(b, "incident_ref"));
	json_decref(a);
	json_decref(b);
	/* later tests send without a pseudonym, as before */
	snprintf(secret, sizeof(secret), "%s", log_path);
	memcpy(strrchr(secret, '/') + 1, "org.secret", sizeof("org.secret"));
	assert_int_equal(unlink(secret), 0);
}

static void
test_plain_http_only_to_loopback(void **state)
{
	struct h_run r;

	(void)state;
	submit(&r, "http://intake.example.org", "A.pub", NULL, NULL);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "https"));
	h_run_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_submission_arrives),
		cmocka_unit_test(test_retry_after_dropped_answer),
		cmocka_unit_test(test_retry_after_busy),
		cmocka_unit_test(test_gives_up_after_retries),
		cmocka_unit_test(test_unreachable_server),
		cmocka_unit_test(test_refuses_other_authority),
		cmocka_unit_test(test_refuses_expired_channel),
		cmocka_unit_test(test_refuses_substituted_channel),
		cmocka_unit_test(test_refuses_tampered_channel),
		cmocka_unit_test(test_refuses_other_channel_than_pinned_file),
		cmocka_unit_test(test_accepts_same_channel_as_pinned_file),
		cmocka_unit_test(test_refuses_forged_receipt),
		cmocka_unit_test(test_refuses_receipt_of_other_envelope),
		cmocka_unit_test(test_attachments_within_limits),
		cmocka_unit_test(test_attachments_over_limits),
		cmocka_unit_test(test_plain_http_only_to_loopback),
		cmocka_unit_test(test_update_by_receipt),
		cmocka_unit_test(test_update_refusals),
		cmocka_unit_test(test_update_keeps_anonymous),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
