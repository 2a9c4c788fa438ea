/* Storage faults with the real server: a disk that fills up and a file
 * system that turns read-only under it (a small tmpfs, where the test may
 * mount one; else the hidden --test-max-pages stands in for the full
 * disk). Each: 503, nothing acknowledged lost, the store intact, and
 * submissions taken again once the cause is gone. The database locked by
 * another process is in test_server_api (test_store_locked); memory for
 * bodies running out in test_server_attack (test_body_memory_out). */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "sd_envelope.h"
#include "sd_err.h"
#include "sd_mem.h"
#include "server_harness.h"

#define KEYS "keys"
#define OCTETS "application/octet-stream"
#define MNT "fs"
#define DB MNT "/intake.db"
#define MAX_ACKS 4096

static int mounted;

static int setup(void **state)
{
	(void)state;
	h_make_keys(KEYS, "2099-12-31");
	return 0;
}

static int teardown_all(void **state)
{
	h_teardown(state);
	if (mounted)
		umount2(MNT, MNT_DETACH);
	return 0;
}

/* A tmpfs of size bytes at MNT, writable by the server's user. */
static int mount_small(size_t size)
{
	char opts[64];

	mkdir(MNT, 0755);
	if (mounted)
		umount2(MNT, MNT_DETACH);
	mounted = 0;
	snprintf(opts, sizeof(opts), "size=%zu,mode=0755", size);
	if (mount("tmpfs", MNT, "tmpfs", 0, opts) != 0)
		return -1;
	mounted = 1;
	if (geteuid() == 0)
		h_give_dir(MNT, H_USER);
	return 0;
}

struct acks {
	char r[MAX_ACKS][SD_RECEIPT_LEN + 1];
	size_t n;
	unsigned long refused;     /* 503 */
};

/* Post a fresh envelope with extra attachment bytes; 201 is recorded. */
static long post(const struct h_server *s, const sd_channel *ch, size_t extra,
    struct acks *a)
{
	struct h_resp r;
	uint8_t *env = NULL;
	size_t len = 0;
	long st;

	h_envelope(ch, extra, &env, &len);
	h_http(s, "POST", "/api/v1/reports", OCTETS, env, len, NULL, &r);
	st = r.status;
	if (st == 201 && a->n < MAX_ACKS)
		sd_receipt_id(a->r[a->n++], env, len);
	else if (st == 503)
		a->refused++;
	else if (st != 201)
		fail_msg("POST: status %ld", st);
	if (st == 503)
		h_assert_security_headers(&r);
	h_resp_free(&r);
	free(env);
	return st;
}

static void assert_stored(const char *db, const struct acks *a)
{
	char sql[160];
	size_t i;

	for (i = 0; i < a->n; i++) {
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM envelopes "
		    "WHERE receipt='%s'", a->r[i]);
		if (h_db_count(db, sql) != 1)
			fail_msg("receipt %s given, not stored", a->r[i]);
	}
	assert_int_equal(h_db_count(db, "SELECT count(*) FROM "
	    "pragma_integrity_check WHERE integrity_check='ok'"), 1);
	h_assert_chain(db);
}

static void fill(const char *path, size_t n)
{
	static uint8_t junk[65536];
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	size_t done = 0;
	ssize_t w;

	assert_true(fd >= 0);
	while (done < n) {
		w = write(fd, junk, n - done < sizeof(junk) ? n - done :
		    sizeof(junk));
		if (w <= 0)
			break;
		done += (size_t)w;
	}
	close(fd);
}

static void test_disk_full(void **state)
{
	static struct acks a;
	static const char *const tiny[] = { "--test-max-pages", "60", NULL };
	struct h_server s;
	sd_channel *ch = h_channel(KEYS);
	const char *db = DB;
	int real = mount_small(4u << 20) == 0;
	int i;

	(void)state;
	memset(&a, 0, sizeof(a));
	if (!real) {
		print_message("cannot mount a tmpfs here: a full disk is "
		    "simulated with --test-max-pages\n");
		db = "full.db";
	}
	h_fresh_db(db);
	assert_int_equal(h_start(&s, KEYS, db, real ? NULL : tiny, NULL), 0);
	for (i = 0; i < 3; i++)
		assert_int_equal(post(&s, ch, 0, &a), 201);
	/* the rest of the disk goes to another file */
	if (real)
		fill(MNT "/filler", 4u << 20);
	/* large envelopes (spooled, then stored) until the disk refuses */
	for (i = 0; i < 40 && a.refused < 5; i++)
		post(&s, ch, 100000, &a);
	assert_true(a.refused >= 5);
	/* reads go on */
	{
		struct h_resp r;

		h_http(&s, "GET", "/healthz", NULL, NULL, 0, NULL, &r);
		assert_int_equal(r.status, 200);
		h_resp_free(&r);
	}
	if (real) {
		/* the cause goes away: space again */
		unlink(MNT "/filler");
		assert_int_equal(post(&s, ch, 100000, &a), 201);
		assert_int_equal(post(&s, ch, 0, &a), 201);
	} else {
		/* what is refused is the large row alone */
		assert_int_equal(post(&s, ch, 0, &a), 201);
	}
	print_message("disk full: %zu stored with a receipt, %lu answered 503, "
	    "taken again after the space came back: %s\n", a.n, a.refused,
	    real ? "yes" : "not tried (simulated)");
	assert_int_equal(h_stop(&s), 0);
	assert_stored(db, &a);
	sd_channel_free(ch);
}

/* A file system that is read-only when the server starts (a read-only
 * remount cannot happen under a process that writes, so this is when an
 * operator meets it): the server refuses with a message that says so,
 * changes nothing, and serves once the file system is writable again. */
static void test_read_only(void **state)
{
	static struct acks a;
	struct h_server s;
	sd_channel *ch = h_channel(KEYS);
	long long before;
	int i;

	(void)state;
	memset(&a, 0, sizeof(a));
	if (mount_small(16u << 20) != 0) {
		print_message("cannot mount a tmpfs here: no read-only file "
		    "system to try\n");
		skip();
	}
	h_fresh_db(DB);
	assert_int_equal(h_start(&s, KEYS, DB, NULL, NULL), 0);
	for (i = 0; i < 3; i++)
		assert_int_equal(post(&s, ch, 0, &a), 201);
	assert_int_equal(h_stop(&s), 0);
	before = h_db_count(DB, "SELECT count(*) FROM envelopes");
	assert_int_equal(mount("tmpfs", MNT, "tmpfs", MS_REMOUNT | MS_RDONLY,
	    NULL), 0);
	assert_int_not_equal(h_start(&s, KEYS, DB, NULL, NULL), 0);
	assert_true(h_file_has(s.log, "read-only"));
	assert_int_equal(mount("tmpfs", MNT, "tmpfs", MS_REMOUNT, NULL), 0);
	assert_int_equal(h_db_count(DB, "SELECT count(*) FROM envelopes"),
	    before);
	assert_int_equal(h_start(&s, KEYS, DB, NULL, NULL), 0);
	for (i = 0; i < 3; i++)
		assert_int_equal(post(&s, ch, 0, &a), 201);
	print_message("read-only file system at start: refused, %zu stored "
	    "before and after\n", a.n);
	assert_int_equal(h_stop(&s), 0);
	assert_stored(DB, &a);
	assert_int_equal(h_db_count(DB, "SELECT count(*) FROM envelopes"),
	    (long long)a.n);
	sd_channel_free(ch);
}

static int chattr(const char *flag, const char *path)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "chattr %s '%s' 2>/dev/null", flag, path);
	return system(cmd);
}

/* The store's files turn read-only under the running server (the
 * immutable attribute refuses writes even through descriptors already
 * open, as a file system gone read-only does): 503, nothing acknowledged
 * lost, and taken again once the files are writable. */
static void test_read_only_running(void **state)
{
	static struct acks a;
	struct h_server s;
	sd_channel *ch = h_channel(KEYS);
	int i;

	(void)state;
	memset(&a, 0, sizeof(a));
	h_fresh_db("ro.db");
	assert_int_equal(h_start(&s, KEYS, "ro.db", NULL, NULL), 0);
	for (i = 0; i < 3; i++)
		assert_int_equal(post(&s, ch, 0, &a), 201);
	if (chattr("+i", "ro.db-wal") != 0) {
		assert_int_equal(h_stop(&s), 0);
		print_message("chattr +i is not available here (needs root "
		    "and ext4): a store turning read-only is not tried\n");
		sd_channel_free(ch);
		skip();
	}
	assert_int_equal(chattr("+i", "ro.db"), 0);
	for (i = 0; i < 4; i++) {
		long st = post(&s, ch, 0, &a);

		if (st != 503) {
			chattr("-i", "ro.db-wal");
			chattr("-i", "ro.db");
			fail_msg("a read-only store answered %ld", st);
		}
	}
	assert_int_equal(chattr("-i", "ro.db-wal"), 0);
	assert_int_equal(chattr("-i", "ro.db"), 0);
	for (i = 0; i < 3; i++)
		assert_int_equal(post(&s, ch, 0, &a), 201);
	print_message("store read-only while serving: %lu answered 503, %zu "
	    "stored, taken again once writable\n", a.refused, a.n);
	assert_int_equal(h_stop(&s), 0);
	assert_stored("ro.db", &a);
	assert_int_equal(h_db_count("ro.db", "SELECT count(*) FROM envelopes"),
	    (long long)a.n);
	sd_channel_free(ch);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_disk_full, h_teardown),
		cmocka_unit_test_teardown(test_read_only, h_teardown),
		cmocka_unit_test_teardown(test_read_only_running, h_teardown),
	};

	if (sd_crypto_init() != SD_OK)
		return 1;
	return cmocka_run_group_tests(tests, setup, teardown_all);
}
