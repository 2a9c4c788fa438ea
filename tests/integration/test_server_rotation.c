/* Channel rotation: while a new channel is served, envelopes sealed to the
 * previous one are still taken until it expires, and only then. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "sd_err.h"
#include "sd_keys.h"
#include "sd_mem.h"
#include "server_harness.h"

#define KEYS "keys"

static const char *const pass_env[] = { "SEALDROP_PASSPHRASE=" H_PASS, NULL };

static int setup(void **state)
{
	char analyst[512];

	(void)state;
	/* a scratch directory may hold the stores of an earlier run */
	h_fresh_db("rot.db");
	h_fresh_db("norot.db");
	h_fresh_db("late.db");
	/* the old channel expires mid-2027; the new one is the same keys,
	 * re-signed with a later expiry (so another channel_id) */
	h_make_keys(KEYS, "2027-06-30");
	h_bin(analyst, sizeof(analyst), "analyst/sealdrop-analyst");
	char *argv[] = { analyst, h_s("channel"), h_s("--authority"),
	    h_s(KEYS "/authority.key"), h_s("--recipient"), h_s(KEYS "/stats.pub"),
	    h_s("--recipient"), h_s(KEYS "/details.pub"), h_s("--receipt-key"),
	    h_s(KEYS "/receipt.pub"), h_s("--ack-key"), h_s(KEYS "/ack.pub"),
	    h_s("--expires"), h_s("2099-12-31"), h_s("--out"), h_s(KEYS "/new.json"),
	    h_s("--force"), NULL };
	return h_run(argv, pass_env, "channel-new.log") == 0 ? 0 : -1;
}

static sd_channel *load(const char *path)
{
	uint8_t pk[SD_PK_BYTES];
	enum sd_role role;
	sd_channel *ch = NULL;

	assert_int_equal(sd_pubkey_load(KEYS "/authority.pub", &role, pk), SD_OK);
	assert_int_equal(sd_channel_load_file(path, pk, NULL, &ch), SD_OK);
	return ch;
}

static long post(const struct h_server *s, const sd_channel *ch)
{
	struct h_resp r;
	uint8_t *env = NULL;
	size_t len = 0;
	long status;

	h_envelope(ch, 0, &env, &len);
	h_http(s, "POST", "/api/v1/reports", "application/octet-stream", env, len,
	    NULL, &r);
	status = r.status;
	h_resp_free(&r);
	free(env);
	return status;
}

static void test_previous_channel_accepted(void **state)
{
	static const char *const flags[] = { "--channel", KEYS "/new.json",
		"--previous-channel", KEYS "/channel.json", NULL };
	sd_channel *old = load(KEYS "/channel.json"), *cur = load(KEYS "/new.json");
	struct h_server s;
	struct h_resp r;
	size_t len = 0;
	uint8_t *served;

	(void)state;
	assert_int_equal(h_start(&s, KEYS, "rot.db", flags, NULL), 0);
	assert_int_equal(post(&s, cur), 201);
	assert_int_equal(post(&s, old), 201);
	/* what is served is the new channel, byte for byte */
	h_http(&s, "GET", "/api/v1/channel", NULL, NULL, 0, NULL, &r);
	served = h_read(KEYS "/new.json", &len);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.body.len, len);
	assert_memory_equal(r.body.data, served, len);
	h_resp_free(&r);
	free(served);
	assert_int_equal(h_stop(&s), 0);
	assert_int_equal(h_db_count("rot.db", "SELECT count(*) FROM envelopes"), 2);
	sd_channel_free(old);
	sd_channel_free(cur);
}

static void test_without_previous_refused(void **state)
{
	static const char *const flags[] = { "--channel", KEYS "/new.json", NULL };
	sd_channel *old = load(KEYS "/channel.json");
	struct h_server s;

	(void)state;
	assert_int_equal(h_start(&s, KEYS, "norot.db", flags, NULL), 0);
	assert_int_equal(post(&s, old), 400);
	assert_int_equal(h_stop(&s), 0);
	sd_channel_free(old);
}

static void test_expired_previous_refused(void **state)
{
	static const char *const flags[] = { "--channel", KEYS "/new.json",
		"--previous-channel", KEYS "/channel.json", NULL };
	static const char *const later[] = { "SEALDROP_TODAY=2027-07-01", NULL };
	struct h_server s;

	(void)state;
	assert_int_not_equal(h_start(&s, KEYS, "late.db", flags, later), 0);
	assert_true(h_file_has(s.log, "channel.json has expired"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_previous_channel_accepted, h_teardown),
		cmocka_unit_test_teardown(test_without_previous_refused, h_teardown),
		cmocka_unit_test_teardown(test_expired_previous_refused, h_teardown),
	};

	if (sd_crypto_init() != SD_OK)
		return 1;
	return cmocka_run_group_tests(tests, setup, NULL);
}
