/* The intake API of the real sealdrop-server over real HTTP: every route and
 * status, receipts and idempotent resubmission, the security headers on
 * every response, the limits, and a drain on SIGTERM. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>
#include <time.h>
#include <jansson.h>
#include <sodium.h>

#include "sd_encode.h"
#include "sd_envelope.h"
#include "sd_err.h"
#include "sd_keys.h"
#include "sd_mem.h"
#include "server_harness.h"

#define KEYS "keys"
#define DAY "2026-05-04"
#define OCTETS "application/octet-stream"

static const char *const day_env[] = { "SEALDROP_TODAY=" DAY, NULL };

static int setup(void **state)
{
	(void)state;
	h_make_keys(KEYS, "2099-12-31");
	return 0;
}

/* Parse a 201/200 body and check the receipt against the envelope and the
 * signature against the receipt key of the channel. */
static void check_receipt(const struct h_resp *r, const uint8_t *env,
    size_t len, const char *day, const sd_channel *ch)
{
	char want[SD_RECEIPT_LEN + 1];
	char msg[128];
	uint8_t sig[64];
	size_t siglen = 0;
	json_t *j = NULL;
	const char *receipt = NULL;
	const char *sigb64 = NULL;
	int n;

	j = json_loadb((const char *)r->body.data, r->body.len, 0, NULL);
	assert_non_null(j);
	receipt = json_string_value(json_object_get(j, "receipt"));
	sigb64 = json_string_value(json_object_get(j, "signature"));
	assert_non_null(receipt);
	assert_non_null(sigb64);
	sd_receipt_id(want, env, len);
	assert_string_equal(receipt, want);
	assert_string_equal(json_string_value(json_object_get(j, "day")), day);
	assert_int_equal(sd_b64_decode(sig, sizeof(sig), &siglen, sigb64,
	    strlen(sigb64)), SD_OK);
	assert_int_equal(siglen, 64);
	n = sd_receipt_message(msg, sizeof(msg), receipt, day);
	assert_true(n > 0);
	assert_int_equal(crypto_sign_verify_detached(sig, (const uint8_t *)msg,
	    strlen(msg), sd_channel_receipt_pk(ch)), 0);
	json_decref(j);
}

/* One request without a body: its status and the security headers. */
static void expect_status(const struct h_server *s, const char *method,
    const char *path, long status)
{
	struct h_resp r;

	h_http(s, method, path, NULL, NULL, 0, NULL, &r);
	if (r.status != status)
		fail_msg("%s %s: %ld, expected %ld", method, path, r.status, status);
	h_assert_security_headers(&r);
	h_resp_free(&r);
}

static void test_routes(void **state)
{
	struct h_server s;
	struct h_resp r;
	size_t len = 0;
	uint8_t *file = NULL;
	char v[256];

	(void)state;
	h_fresh_db("routes.db");
	assert_int_equal(h_start(&s, KEYS, "routes.db", NULL, NULL), 0);

	expect_status(&s, "GET", "/healthz", 200);

	/* the descriptor exactly as the authority signed it */
	h_http(&s, "GET", "/api/v1/channel", NULL, NULL, 0, NULL, &r);
	assert_int_equal(r.status, 200);
	h_assert_security_headers(&r);
	file = h_read(KEYS "/channel.json", &len);
	assert_non_null(file);
	assert_int_equal(r.body.len, len);
	assert_memory_equal(r.body.data, file, len);
	assert_non_null(h_header(&r, "Content-Type", v, sizeof(v)));
	assert_string_equal(v, "application/json");
	free(file);
	h_resp_free(&r);

	expect_status(&s, "GET", "/no/such/page", 404);

	expect_status(&s, "GET", "/static/../../etc/passwd", 404);
	/* a %00 must not cut the name short */
	expect_status(&s, "GET", "/static/sealdrop.css%00.js", 404);
	expect_status(&s, "GET", "/static/sealdrop.css", 200);

	h_http(&s, "DELETE", "/api/v1/reports", NULL, NULL, 0, NULL, &r);
	assert_int_equal(r.status, 405);
	h_assert_security_headers(&r);
	assert_non_null(h_header(&r, "Allow", v, sizeof(v)));
	assert_string_equal(v, "POST");
	h_resp_free(&r);

	h_http(&s, "POST", "/healthz", OCTETS, "x", 1, NULL, &r);
	assert_int_equal(r.status, 405);
	h_assert_security_headers(&r);
	h_resp_free(&r);

	expect_status(&s, "GET", "/api/v1/reports", 405);

	expect_status(&s, "HEAD", "/healthz", 200);

	assert_int_equal(h_stop(&s), 0);
}

static void test_submit_and_resubmit(void **state)
{
	struct h_server s;
	struct h_resp r;
	sd_channel *ch = h_channel(KEYS);
	uint8_t *env = NULL;
	size_t len = 0;
	const char *const later[] = { "SEALDROP_TODAY=2026-05-09", NULL };
	char receipt[SD_RECEIPT_LEN + 1];
	char sql[256];

	(void)state;
	h_fresh_db("submit.db");
	assert_int_equal(h_start(&s, KEYS, "submit.db", NULL, day_env), 0);
	h_envelope(ch, 0, &env, &len);

	h_http(&s, "POST", "/api/v1/reports", OCTETS, env, len, NULL, &r);
	assert_int_equal(r.status, 201);
	h_assert_security_headers(&r);
	check_receipt(&r, env, len, DAY, ch);
	h_resp_free(&r);

	/* stored once, with its day and size, sealed as received */
	sd_receipt_id(receipt, env, len);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM envelopes WHERE "
	    "receipt='%s' AND day='" DAY "' AND size=%zu AND seq=1 AND "
	    "length(chain)=32 AND exported=0", receipt, len);
	assert_int_equal(h_db_count("submit.db", sql), 1);

	h_http(&s, "POST", "/api/v1/reports", OCTETS, env, len, NULL, &r);
	assert_int_equal(r.status, 200);
	check_receipt(&r, env, len, DAY, ch);
	h_resp_free(&r);
	assert_int_equal(h_db_count("submit.db",
	    "SELECT count(*) FROM envelopes"), 1);
	assert_int_equal(h_stop(&s), 0);

	/* days later the same envelope still gets the day it was stored */
	assert_int_equal(h_start(&s, KEYS, "submit.db", NULL, later), 0);
	h_http(&s, "POST", "/api/v1/reports", OCTETS, env, len, NULL, &r);
	assert_int_equal(r.status, 200);
	check_receipt(&r, env, len, DAY, ch);
	h_resp_free(&r);
	assert_int_equal(h_stop(&s), 0);
	free(env);
	sd_channel_free(ch);
}

static void expect_400(const struct h_server *s, const uint8_t *b, size_t n,
    const char *why)
{
	struct h_resp r;

	h_http(s, "POST", "/api/v1/reports", OCTETS, b, n, NULL, &r);
	if (r.status != 400)
		fail_msg("%s: status %ld, not 400", why, r.status);
	h_assert_security_headers(&r);
	assert_true(r.body.len > 0 && r.body.len < 300);
	h_resp_free(&r);
}

static void test_malformed(void **state)
{
	struct h_server s;
	sd_channel *ch = h_channel(KEYS);
	uint8_t *env = NULL;
	uint8_t *bad = NULL;
	size_t len = 0;

	(void)state;
	h_fresh_db("bad.db");
	assert_int_equal(h_start(&s, KEYS, "bad.db", NULL, NULL), 0);
	h_envelope(ch, 0, &env, &len);
	bad = malloc(len + 1);
	assert_non_null(bad);

	expect_400(&s, (const uint8_t *)"not an envelope", 15, "junk");
	expect_400(&s, env, 0, "empty body");
	expect_400(&s, env, len - 1, "truncated");
	memcpy(bad, env, len);
	bad[len] = 0;
	expect_400(&s, bad, len + 1, "trailing byte");
	bad[6] ^= 1;   /* channel_id */
	expect_400(&s, bad, len, "another channel");
	memcpy(bad, env, len);
	bad[4] = 2;    /* version */
	expect_400(&s, bad, len, "version");
	memcpy(bad, env, len);
	bad[SD_ENV_HEADER_LEN + 2] ^= 0x80;   /* first recipient key id */
	expect_400(&s, bad, len, "recipient");
	assert_int_equal(h_db_count("bad.db", "SELECT count(*) FROM envelopes"),
	    0);
	assert_int_equal(h_stop(&s), 0);
	free(bad);
	free(env);
	sd_channel_free(ch);
}

static void test_limits(void **state)
{
	static const char *const small[] = {
		"--max-envelope", "8192", "--rate", "1", "--burst", "3", NULL
	};
	struct h_server s;
	struct h_resp r;
	sd_channel *ch = h_channel(KEYS);
	uint8_t *env = NULL;
	uint8_t *big = NULL;
	size_t len = 0;
	size_t biglen = 0;

	(void)state;
	h_fresh_db("limits.db");
	assert_int_equal(h_start(&s, KEYS, "limits.db", small, NULL), 0);
	h_envelope(ch, 0, &env, &len);
	h_envelope(ch, 20000, &big, &biglen);

	/* refused from Content-Length, before the body is read */
	h_http(&s, "POST", "/api/v1/reports", OCTETS, big, biglen, NULL, &r);
	assert_int_equal(r.status, 413);
	h_assert_security_headers(&r);
	h_resp_free(&r);
	/* without Content-Length: counted while reading */
	h_http(&s, "POST", "/api/v1/reports", OCTETS, big, biglen,
	    "Transfer-Encoding: chunked", &r);
	assert_int_equal(r.status, 413);
	h_assert_security_headers(&r);
	h_resp_free(&r);

	/* a length no body can have is too large, never "unknown" */
	h_http(&s, "POST", "/api/v1/reports", OCTETS, env, len,
	    "Content-Length: 18446744073709551615", &r);
	assert_int_equal(r.status, 413);
	h_assert_security_headers(&r);
	h_resp_free(&r);

	/* burst 3 (one token went to the chunked post), then 429 */
	h_http(&s, "POST", "/api/v1/reports", OCTETS, env, len, NULL, &r);
	assert_int_equal(r.status, 201);
	h_resp_free(&r);
	h_http(&s, "POST", "/api/v1/reports", OCTETS, env, len, NULL, &r);
	assert_int_equal(r.status, 200);
	h_resp_free(&r);
	h_http(&s, "POST", "/api/v1/reports", OCTETS, env, len, NULL, &r);
	assert_int_equal(r.status, 429);
	h_assert_security_headers(&r);
	h_resp_free(&r);
	/* reads are not rate limited */
	h_http(&s, "GET", "/healthz", NULL, NULL, 0, NULL, &r);
	assert_int_equal(r.status, 200);
	h_resp_free(&r);
	assert_int_equal(h_db_count("limits.db",
	    "SELECT count(*) FROM envelopes"), 1);
	assert_int_equal(h_stop(&s), 0);
	free(env);
	free(big);
	sd_channel_free(ch);
}

static int connect_to(unsigned port)
{
	struct sockaddr_in a;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	return fd;
}

/* A request half sent when SIGTERM comes still gets its receipt, and the
 * server then exits 0. */
static void test_sigterm_drains(void **state)
{
	struct h_server s;
	sd_channel *ch = h_channel(KEYS);
	uint8_t *env = NULL;
	size_t len = 0;
	char head[256];
	char resp[2048];
	ssize_t got;
	size_t half;
	int fd;
	int n;
	pid_t pid;

	(void)state;
	h_fresh_db("drain.db");
	assert_int_equal(h_start(&s, KEYS, "drain.db", NULL, NULL), 0);
	h_envelope(ch, 3000, &env, &len);
	fd = connect_to(s.port);
	n = snprintf(head, sizeof(head), "POST /api/v1/reports HTTP/1.1\r\n"
	    "Host: 127.0.0.1\r\nContent-Type: " OCTETS "\r\n"
	    "Content-Length: %zu\r\n\r\n", len);
	assert_int_equal(write(fd, head, (size_t)n), n);
	half = len / 2;
	assert_int_equal(write(fd, env, half), (ssize_t)half);
	usleep(200000);
	pid = s.pid;
	assert_int_equal(kill(pid, SIGTERM), 0);
	usleep(300000);
	/* while it drains, a new connection is refused */
	{
		struct sockaddr_in a;
		int fd2 = socket(AF_INET, SOCK_STREAM, 0);

		assert_true(fd2 >= 0);
		memset(&a, 0, sizeof(a));
		a.sin_family = AF_INET;
		a.sin_port = htons((uint16_t)s.port);
		a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		assert_int_not_equal(connect(fd2, (struct sockaddr *)&a,
		    sizeof(a)), 0);
		assert_int_equal(errno, ECONNREFUSED);
		close(fd2);
	}
	assert_int_equal(write(fd, env + half, len - half),
	    (ssize_t)(len - half));
	got = read(fd, resp, sizeof(resp) - 1);
	assert_true(got > 12);
	resp[got] = '\0';
	assert_memory_equal(resp, "HTTP/1.1 201", 12);
	close(fd);
	assert_int_equal(h_stop(&s), 0);
	assert_int_equal(h_db_count("drain.db",
	    "SELECT count(*) FROM envelopes"), 1);
	free(env);
	sd_channel_free(ch);
}

/* Bodies held in memory are bounded for all connections together: past
 * the budget a body that may not be spooled is answered 503 and the server
 * keeps serving; a sealed API body goes to the spool instead, within its
 * own budget. */
static void test_inflight_budget(void **state)
{
	static const char *const tight[] = { "--max-inflight", "8192",
	    "--max-spool", "0", NULL };
	static const char *const spooled[] = { "--max-inflight", "8192",
	    "--max-spool", "30000", NULL };
	struct h_server s;
	struct h_resp r;
	sd_channel *ch = h_channel(KEYS);
	uint8_t *env = NULL, *big = NULL, *bigger = NULL;
	size_t len = 0, biglen = 0, biggerlen = 0;

	(void)state;
	h_fresh_db("inflight.db");
	assert_int_equal(h_start(&s, KEYS, "inflight.db", tight, NULL), 0);
	h_envelope(ch, 0, &env, &len);
	h_envelope(ch, 20000, &big, &biglen);
	h_envelope(ch, 40000, &bigger, &biggerlen);
	h_http(&s, "POST", "/api/v1/reports", OCTETS, big, biglen, NULL, &r);
	assert_int_equal(r.status, 503);
	h_assert_security_headers(&r);
	h_resp_free(&r);
	/* the budget is given back: a small envelope is taken afterwards */
	h_http(&s, "POST", "/api/v1/reports", OCTETS, env, len, NULL, &r);
	assert_int_equal(r.status, 201);
	h_resp_free(&r);
	h_http(&s, "POST", "/api/v1/reports", OCTETS, env, len, NULL, &r);
	assert_int_equal(r.status, 200);
	h_resp_free(&r);
	assert_int_equal(h_stop(&s), 0);

	/* with a spool the large one is taken from disk; one over the spool's
	 * budget is 503, and nothing of either stays in the directory */
	assert_int_equal(h_start(&s, KEYS, "inflight.db", spooled, NULL), 0);
	h_http(&s, "POST", "/api/v1/reports", OCTETS, big, biglen, NULL, &r);
	assert_int_equal(r.status, 201);
	h_resp_free(&r);
	h_http(&s, "POST", "/api/v1/reports", OCTETS, bigger, biggerlen, NULL,
	    &r);
	assert_int_equal(r.status, 503);
	h_resp_free(&r);
	h_http(&s, "POST", "/api/v1/reports", OCTETS, big, biglen, NULL, &r);
	assert_int_equal(r.status, 200);
	h_resp_free(&r);
	assert_int_equal(h_stop(&s), 0);
	assert_int_equal(system("ls -a | grep -q '^\\.spool-'"), 256);
	assert_int_equal(h_db_count("inflight.db",
	    "SELECT count(*) FROM envelopes"), 2);
	free(env);
	free(big);
	free(bigger);
	sd_channel_free(ch);
}

/* While another process holds the store (an export, a purge), a submission
 * is answered 503 after one busy wait, not after one per queued row; the
 * next one, after the lock is gone, is stored. */
static void test_store_locked(void **state)
{
	struct h_server s;
	struct h_resp r;
	sd_channel *ch = h_channel(KEYS);
	uint8_t *env = NULL;
	size_t len = 0;
	sqlite3 *db = NULL;
	struct timespec t0, t1;

	(void)state;
	h_fresh_db("locked.db");
	assert_int_equal(h_start(&s, KEYS, "locked.db", NULL, NULL), 0);
	/* one stored before the lock: it must come through untouched */
	h_envelope(ch, 0, &env, &len);
	h_http(&s, "POST", "/api/v1/reports", OCTETS, env, len, NULL, &r);
	assert_int_equal(r.status, 201);
	h_resp_free(&r);
	free(env);
	h_envelope(ch, 0, &env, &len);
	assert_int_equal(sqlite3_open("locked.db", &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL),
	    SQLITE_OK);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	h_http(&s, "POST", "/api/v1/reports", OCTETS, env, len, NULL, &r);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_int_equal(r.status, 503);
	h_resp_free(&r);
	assert_true(t1.tv_sec - t0.tv_sec < 9);
	assert_int_equal(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	h_http(&s, "POST", "/api/v1/reports", OCTETS, env, len, NULL, &r);
	assert_int_equal(r.status, 201);
	h_resp_free(&r);
	assert_int_equal(h_stop(&s), 0);
	/* nothing lost, nothing half-written */
	assert_int_equal(h_db_count("locked.db",
	    "SELECT count(*) FROM envelopes"), 2);
	assert_int_equal(h_db_count("locked.db", "SELECT count(*) FROM "
	    "pragma_integrity_check WHERE integrity_check='ok'"), 1);
	h_assert_chain("locked.db");
	free(env);
	sd_channel_free(ch);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_routes, h_teardown),
		cmocka_unit_test_teardown(test_submit_and_resubmit, h_teardown),
		cmocka_unit_test_teardown(test_malformed, h_teardown),
		cmocka_unit_test_teardown(test_limits, h_teardown),
		cmocka_unit_test_teardown(test_sigterm_drains, h_teardown),
		cmocka_unit_test_teardown(test_inflight_budget, h_teardown),
		cmocka_unit_test_teardown(test_store_locked, h_teardown),
	};

	if (sd_crypto_init() != SD_OK)
		return 1;
	return cmocka_run_group_tests(tests, setup, h_teardown);
}
