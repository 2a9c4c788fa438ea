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

#include <sodium.h>

#include "sd_encode.h"
#include "sd_envelope.h"
#include "sd_err.h"
#include "sd_keys.h"
#include "sd_mem.h"
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

/* sealdrop-submit --server URL --authority A.pub [extra...] report.json */
static void
submit(struct h_run *r, const char *url, const char *authority,
    const char *const extra[], const char *today)
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
	argv[k++] = "report.json";
	argv[k] = NULL;
	if (today != NULL) {
		snprintf(tenv, sizeof(tenv), "SEALDROP_TODAY=%s", today);
		env[2] = tenv;
	}
	h_run(r, argv, env, NULL);
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
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
