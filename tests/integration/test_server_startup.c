/* Start-up of the real sealdrop-server: it refuses a channel of another
 * authority, an expired channel and a receipt key the channel does not
 * name; it reads a config file; keygen makes the receipt key. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "sd_err.h"
#include "sd_mem.h"
#include "server_harness.h"

#define KEYS "keys"

static int setup(void **state)
{
	(void)state;
	h_make_keys(KEYS, "2099-12-31");
	return 0;
}

static void test_wrong_authority(void **state)
{
	struct h_server s;

	(void)state;
	/* the ack key stands in for another authority */
	rename(KEYS "/authority.pub", KEYS "/authority.pub.real");
	assert_int_equal(link(KEYS "/ack.pub", KEYS "/authority.pub"), 0);
	assert_int_not_equal(h_start(&s, KEYS, "start.db", NULL, NULL), 0);
	unlink(KEYS "/authority.pub");
	rename(KEYS "/authority.pub.real", KEYS "/authority.pub");
	assert_true(h_file_has(s.log, "not signed by the authority"));
	assert_int_equal(h_start(&s, KEYS, "start.db", NULL, NULL), 0);
	assert_int_equal(h_stop(&s), 0);
}

static void test_expired_channel(void **state)
{
	static const char *const future[] = { "SEALDROP_TODAY=2100-01-01",
		NULL };
	struct h_server s;

	(void)state;
	assert_int_not_equal(h_start(&s, KEYS, "start.db", NULL, future), 0);
	assert_true(h_file_has(s.log, "expired"));
}

static void test_wrong_receipt_key(void **state)
{
	static const char *const other[] = { "--receipt-key", KEYS "/ack.key",
		NULL };
	struct h_server s;

	(void)state;
	assert_int_not_equal(h_start(&s, KEYS, "start.db", other, NULL), 0);
	assert_true(h_file_has(s.log, "receipt key"));
}

static void test_bad_flags(void **state)
{
	static const char *const bad[] = { "--rate", "lots", NULL };
	static const char *const unknown[] = { "--colour", "blue", NULL };
	struct h_server s;

	(void)state;
	assert_int_not_equal(h_start(&s, KEYS, "start.db", bad, NULL), 0);
	assert_true(h_file_has(s.log, "--rate"));
	assert_int_not_equal(h_start(&s, KEYS, "start.db", unknown, NULL), 0);
	assert_true(h_file_has(s.log, "colour"));
}

static void test_config_file(void **state)
{
	static const char *const cfg[] = { "--config", "server.conf", NULL };
	struct h_server s;
	struct h_resp r;
	FILE *f = fopen("server.conf", "w");

	(void)state;
	assert_non_null(f);
	/* the file's listen and rate; the command line's db and keys */
	fprintf(f, "# test configuration\nlisten = 127.0.0.1:0\n"
	    "rate = 1\nburst = 1\n\nmax-batch = 16\n");
	fclose(f);
	assert_int_equal(h_start(&s, KEYS, "start.db", cfg, NULL), 0);
	h_http(&s, "POST", "/api/v1/reports", "application/octet-stream", "x",
	    1, NULL, &r);
	assert_int_equal(r.status, 400);
	h_resp_free(&r);
	h_http(&s, "POST", "/api/v1/reports", "application/octet-stream", "x",
	    1, NULL, &r);
	assert_int_equal(r.status, 429);
	h_resp_free(&r);
	assert_int_equal(h_stop(&s), 0);
}

static void test_keygen(void **state)
{
	static const char *const env[] = { "SEALDROP_PASSPHRASE=" H_PASS,
		NULL };
	char bin[512];
	char *argv[] = { bin, h_s("keygen"), h_s("--out"),
	    h_s("rk"), h_s("--kdf"), h_s("interactive"), NULL, NULL };
	char *help[] = { bin, h_s("--help"), NULL };
	struct stat st;

	(void)state;
	h_bin(bin, sizeof(bin), "server/sealdrop-server");
	unlink("rk.key");
	unlink("rk.pub");
	assert_int_equal(h_run(argv, env, "keygen1.log"), 0);
	assert_int_equal(stat("rk.key", &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(stat("rk.pub", &st), 0);
	assert_true(h_file_has("rk.pub", "receipt"));
	/* never over an existing key without --force */
	assert_int_not_equal(h_run(argv, env, "keygen2.log"), 0);
	assert_true(h_file_has("keygen2.log", "--force"));
	argv[6] = h_s("--force");
	assert_int_equal(h_run(argv, env, "keygen3.log"), 0);
	assert_int_equal(h_run(help, NULL, "help.log"), 0);
	assert_true(h_file_has("help.log", "usage: sealdrop-server"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_wrong_authority, h_teardown),
		cmocka_unit_test_teardown(test_expired_channel, h_teardown),
		cmocka_unit_test_teardown(test_wrong_receipt_key, h_teardown),
		cmocka_unit_test_teardown(test_bad_flags, h_teardown),
		cmocka_unit_test_teardown(test_config_file, h_teardown),
		cmocka_unit_test_teardown(test_keygen, h_teardown),
	};

	if (sd_crypto_init() != SD_OK)
		return 1;
	return cmocka_run_group_tests(tests, setup, h_teardown);
}
