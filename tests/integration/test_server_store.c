/* The intake store through the real server and its commands: the chain,
 * export then purge with an ack signed by a key made here, forged acks
 * refused, a full disk answered 503 with the store intact, and no code
 * that opens a sealed box in the binary. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>
#include <sqlite3.h>

#include "sd_encode.h"
#include "sd_envelope.h"
#include "sd_err.h"
#include "sd_file.h"
#include "sd_keys.h"
#include "sd_mem.h"
#include "sd_signed.h"
#include "server_harness.h"

#define KEYS "keys"
#define OCTETS "application/octet-stream"

static int setup(void **state)
{
	(void)state;
	h_make_keys(KEYS, "2099-12-31");
	return 0;
}

static void fresh(const char *path)
{
	char p[256];

	unlink(path);
	snprintf(p, sizeof(p), "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-journal", path);
	unlink(p);
}

static void post(const struct h_server *s, const sd_channel *ch, size_t extra,
    long want, char receipt[SD_RECEIPT_LEN + 1])
{
	struct h_resp r;
	uint8_t *env = NULL;
	size_t len = 0;

	h_envelope(ch, extra, &env, &len);
	h_http(s, "POST", "/api/v1/reports", OCTETS, env, len, NULL, &r);
	if (r.status != want)
		fail_msg("POST: status %ld, want %ld: %s", r.status, want,
		    r.body.data != NULL ? (const char *)r.body.data : "");
	if (receipt != NULL)
		sd_receipt_id(receipt, env, len);
	h_resp_free(&r);
	free(env);
}

static int server_cmd(const char *cmd, const char *a1, const char *v1,
    const char *a2, const char *v2, const char *log)
{
	char bin[512];
	char *argv[] = { bin, (char *)(uintptr_t)cmd, (char *)(uintptr_t)a1,
	    (char *)(uintptr_t)v1, (char *)(uintptr_t)a2,
	    (char *)(uintptr_t)v2, NULL };

	h_bin(bin, sizeof(bin), "server/sealdrop-server");
	return h_run(argv, NULL, log);
}

static char *batch_meta(sqlite3 *db, const char *key)
{
	sqlite3_stmt *st = NULL;
	char *v = NULL;

	assert_int_equal(sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE "
	    "key=?1", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	v = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return v;
}

/* Check the batch as the analyst will: meta, order, and every chain hash
 * from prev_chain on. Returns the last chain hash (hex) in last. */
static void check_batch(const char *path, long long first, long long count,
    const char *channel_hex, char last[65])
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	uint8_t chain[32];
	size_t n = 0;
	char *v = NULL;
	long long seq = first;
	crypto_generichash_state h;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY,
	    NULL), SQLITE_OK);
	v = batch_meta(db, "format");
	assert_string_equal(v, "sealdrop.batch/1");
	free(v);
	v = batch_meta(db, "channel_id");
	assert_string_equal(v, channel_hex);
	free(v);
	v = batch_meta(db, "count");
	assert_int_equal(strtoll(v, NULL, 10), count);
	free(v);
	v = batch_meta(db, "first_seq");
	assert_int_equal(strtoll(v, NULL, 10), first);
	free(v);
	v = batch_meta(db, "prev_chain");
	assert_int_equal(sd_hex_decode(chain, 32, &n, v, strlen(v)), SD_OK);
	free(v);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT seq, receipt, "
	    "envelope, chain FROM envelopes ORDER BY seq", -1, &st, NULL),
	    SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		char rid[SD_RECEIPT_LEN + 1];

		assert_int_equal(sqlite3_column_int64(st, 0), seq);
		sd_receipt_id(rid, sqlite3_column_blob(st, 2),
		    (size_t)sqlite3_column_bytes(st, 2));
		assert_string_equal(rid, sqlite3_column_text(st, 1));
		crypto_generichash_init(&h, NULL, 0, 32);
		crypto_generichash_update(&h, chain, 32);
		crypto_generichash_update(&h, (const uint8_t *)rid, 32);
		crypto_generichash_final(&h, chain, 32);
		assert_int_equal(sqlite3_column_bytes(st, 3), 32);
		assert_memory_equal(sqlite3_column_blob(st, 3), chain, 32);
		seq++;
	}
	assert_int_equal(seq - first, count);
	sqlite3_finalize(st);
	sqlite3_close(db);
	sd_hex_encode(last, 65, chain, 32);
}

static void write_ack(const char *keyfile, const char *channel_hex,
    char receipts[][SD_RECEIPT_LEN + 1], size_t n, const char *out)
{
	char body[4096];
	size_t len;
	size_t i;
	sd_seckey *k = NULL;
	char *doc = NULL;
	size_t doclen = 0;

	len = (size_t)snprintf(body, sizeof(body), "{\"channel_id\":\"%s\","
	    "\"receipts\":[", channel_hex);
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(body + len, sizeof(body) - len,
		    "%s\"%s\"", i ? "," : "", receipts[i]);
	len += (size_t)snprintf(body + len, sizeof(body) - len, "]}");
	assert_int_equal(sd_seckey_load(keyfile, H_PASS, strlen(H_PASS), &k),
	    SD_OK);
	assert_int_equal(sd_signed_create("sealdrop.ack/1", "ack_key", k,
	    (const uint8_t *)body, len, &doc, &doclen), SD_OK);
	assert_int_equal(sd_file_write(out, doc, doclen, 0600, 1), SD_OK);
	free(doc);
	sd_seckey_free(k);
}

static void test_export_purge(void **state)
{
	struct h_server s;
	sd_channel *ch = h_channel(KEYS);
	char rc[5][SD_RECEIPT_LEN + 1];
	char chex[33];
	char last[65];
	char sql[256];
	struct h_resp r;
	uint8_t *env0 = NULL;
	size_t len0 = 0;
	size_t i;

	(void)state;
	sd_hex_encode(chex, sizeof(chex), sd_channel_id(ch), 16);
	fresh("ep.db");
	fresh("batch1.sqlite");
	fresh("batch2.sqlite");
	fresh("batch3.sqlite");
	assert_int_equal(h_start(&s, KEYS, "ep.db", NULL, NULL), 0);
	h_envelope(ch, 0, &env0, &len0);
	h_http(&s, "POST", "/api/v1/reports", OCTETS, env0, len0, NULL, &r);
	assert_int_equal(r.status, 201);
	h_resp_free(&r);
	sd_receipt_id(rc[0], env0, len0);
	for (i = 1; i < 3; i++)
		post(&s, ch, 0, 201, rc[i]);

	/* export while the server keeps serving */
	assert_int_equal(server_cmd("export", "--db", "ep.db", "--out",
	    "batch1.sqlite", "export1.log"), 0);
	check_batch("batch1.sqlite", 1, 3, chex, last);
	assert_int_equal(h_db_count("ep.db", "SELECT count(*) FROM envelopes "
	    "WHERE exported=1"), 3);
	/* never over an existing file */
	assert_int_not_equal(server_cmd("export", "--db", "ep.db", "--out",
	    "batch1.sqlite", "export1b.log"), 0);
	post(&s, ch, 0, 201, rc[3]);
	assert_int_equal(h_stop(&s), 0);

	/* the ack names the three exported rows and one never exported */
	write_ack(KEYS "/ack.key", chex, rc, 4, "ack.sig");
	assert_int_equal(server_cmd("purge", "--db", "ep.db", "--ack",
	    "ack.sig", "purge.log"), 0);
	assert_true(h_file_has("purge.log", rc[3]));   /* named as kept */
	assert_int_equal(h_db_count("ep.db", "SELECT count(*) FROM envelopes"),
	    1);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM envelopes WHERE "
	    "receipt='%s'", rc[3]);
	assert_int_equal(h_db_count("ep.db", sql), 1);

	/* the next batch continues the chain after the purged rows */
	assert_int_equal(server_cmd("export", "--db", "ep.db", "--out",
	    "batch2.sqlite", "export2.log"), 0);
	{
		sqlite3 *db = NULL;
		char *prev = NULL;

		assert_int_equal(sqlite3_open_v2("batch2.sqlite", &db,
		    SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
		prev = batch_meta(db, "prev_chain");
		assert_string_equal(prev, last);
		free(prev);
		sqlite3_close(db);
	}
	check_batch("batch2.sqlite", 4, 1, chex, last);
	/* nothing new: no empty batch, a message and exit status 3 */
	assert_int_equal(server_cmd("export", "--db", "ep.db", "--out",
	    "batch3.sqlite", "export3.log"), 3);
	assert_int_equal(access("batch3.sqlite", F_OK), -1);
	assert_true(h_file_has("export3.log", "nothing new since the last "
	    "export; no batch was written to batch3.sqlite"));
	assert_int_equal(h_db_count("ep.db", "SELECT value FROM meta WHERE "
	    "key='exported_seq'"), 4);

	/* a purged envelope sent again keeps its receipt and is not stored
	 * twice */
	assert_int_equal(h_start(&s, KEYS, "ep.db", NULL, NULL), 0);
	h_http(&s, "POST", "/api/v1/reports", OCTETS, env0, len0, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr((const char *)r.body.data, rc[0]));
	h_resp_free(&r);
	/* and the next batch still continues the chain */
	post(&s, ch, 0, 201, rc[4]);
	assert_int_equal(h_stop(&s), 0);
	assert_int_equal(h_db_count("ep.db", "SELECT count(*) FROM envelopes"),
	    2);
	fresh("batch4.sqlite");
	assert_int_equal(server_cmd("export", "--db", "ep.db", "--out",
	    "batch4.sqlite", "export4.log"), 0);
	{
		sqlite3 *db = NULL;
		char *prev = NULL;

		assert_int_equal(sqlite3_open_v2("batch4.sqlite", &db,
		    SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
		prev = batch_meta(db, "prev_chain");
		assert_string_equal(prev, last);
		free(prev);
		sqlite3_close(db);
	}
	check_batch("batch4.sqlite", 5, 1, chex, last);
	free(env0);
	sd_channel_free(ch);
}

static void expect_mode_0600(const char *path)
{
	struct stat st;

	if (stat(path, &st) != 0)
		fail_msg("%s is missing", path);
	if ((st.st_mode & 0777) != 0600)
		fail_msg("%s has mode %o, not 600", path,
		    (unsigned)(st.st_mode & 0777));
}

/* The intake store and its -wal and -shm are private even under umask 022,
 * where SQLite alone would make them 0644; so are export batches. */
static void test_store_files_private(void **state)
{
	struct h_server s;
	sd_channel *ch = h_channel(KEYS);
	mode_t old = umask(022);

	(void)state;
	fresh("private.db");
	fresh("private-batch.sqlite");
	assert_int_equal(h_start(&s, KEYS, "private.db", NULL, NULL), 0);
	post(&s, ch, 0, 201, NULL);
	/* while the server runs, the WAL and its index exist */
	expect_mode_0600("private.db");
	expect_mode_0600("private.db-wal");
	expect_mode_0600("private.db-shm");
	assert_int_equal(server_cmd("export", "--db", "private.db", "--out",
	    "private-batch.sqlite", "private-export.log"), 0);
	expect_mode_0600("private-batch.sqlite");
	assert_int_equal(h_stop(&s), 0);
	expect_mode_0600("private.db");
	/* the check itself sees a file SQLite made on its own */
	{
		sqlite3 *db = NULL;
		struct stat st;

		fresh("plain.db");
		assert_int_equal(sqlite3_open("plain.db", &db), SQLITE_OK);
		assert_int_equal(sqlite3_exec(db, "PRAGMA journal_mode=WAL; "
		    "CREATE TABLE t(x)", NULL, NULL, NULL), SQLITE_OK);
		assert_int_equal(stat("plain.db-wal", &st), 0);
		assert_int_equal(st.st_mode & 0777, 0644);
		sqlite3_close(db);
	}
	umask(old);
	sd_channel_free(ch);
}

static void test_forged_ack(void **state)
{
	struct h_server s;
	sd_channel *ch = h_channel(KEYS);
	char rc[1][SD_RECEIPT_LEN + 1];
	char chex[33];
	uint8_t *doc = NULL;
	size_t len = 0;
	char *p = NULL;

	(void)state;
	sd_hex_encode(chex, sizeof(chex), sd_channel_id(ch), 16);
	fresh("forge.db");
	fresh("forge.sqlite");
	assert_int_equal(h_start(&s, KEYS, "forge.db", NULL, NULL), 0);
	post(&s, ch, 0, 201, rc[0]);
	assert_int_equal(h_stop(&s), 0);
	assert_int_equal(server_cmd("export", "--db", "forge.db", "--out",
	    "forge.sqlite", "forge-export.log"), 0);

	/* signed by another key (the authority's) */
	write_ack(KEYS "/authority.key", chex, rc, 1, "forged.sig");
	assert_int_not_equal(server_cmd("purge", "--db", "forge.db", "--ack",
	    "forged.sig", "forged.log"), 0);
	assert_true(h_file_has("forged.log", "ack_key"));
	/* the right key, but the body altered after signing */
	write_ack(KEYS "/ack.key", chex, rc, 1, "tampered.sig");
	doc = h_read("tampered.sig", &len);
	assert_non_null(doc);
	p = strstr((char *)doc, "\"body\"");
	assert_non_null(p);
	p += strlen("\"body\": \"") + 8;
	*p = *p == 'A' ? 'B' : 'A';
	assert_int_equal(sd_file_write("tampered.sig", doc, len, 0600, 1),
	    SD_OK);
	free(doc);
	assert_int_not_equal(server_cmd("purge", "--db", "forge.db", "--ack",
	    "tampered.sig", "tampered.log"), 0);
	assert_int_equal(h_db_count("forge.db",
	    "SELECT count(*) FROM envelopes"), 1);
	sd_channel_free(ch);
}

/* SQLite's max_page_count stands in for a full disk. */
static void test_disk_full(void **state)
{
	static const char *const tiny[] = { "--test-max-pages", "40", NULL };
	struct h_server s;
	struct h_resp r;
	sd_channel *ch = h_channel(KEYS);
	uint8_t *env = NULL;
	size_t len = 0;
	int i;

	(void)state;
	fresh("full.db");
	assert_int_equal(h_start(&s, KEYS, "full.db", tiny, NULL), 0);
	h_envelope(ch, 0, &env, &len);
	h_http(&s, "POST", "/api/v1/reports", OCTETS, env, len, NULL, &r);
	assert_int_equal(r.status, 201);
	h_resp_free(&r);

	post(&s, ch, 400000, 503, NULL);
	for (i = 0; i < 3; i++)
		post(&s, ch, 200000, 503, NULL);
	/* reads and what is stored keep working */
	h_http(&s, "GET", "/healthz", NULL, NULL, 0, NULL, &r);
	assert_int_equal(r.status, 200);
	h_resp_free(&r);
	h_http(&s, "POST", "/api/v1/reports", OCTETS, env, len, NULL, &r);
	assert_int_equal(r.status, 200);
	h_assert_security_headers(&r);
	h_resp_free(&r);
	/* a small one still fits */
	post(&s, ch, 0, 201, NULL);
	assert_int_equal(h_stop(&s), 0);
	assert_int_equal(h_db_count("full.db", "SELECT count(*) FROM "
	    "pragma_integrity_check WHERE integrity_check='ok'"), 1);
	assert_int_equal(h_db_count("full.db",
	    "SELECT count(*) FROM envelopes"), 2);
	assert_int_equal(h_db_count("full.db",
	    "SELECT max(seq) FROM envelopes"), 2);
	free(env);
	sd_channel_free(ch);
}

/* The server binary holds no code that opens an envelope. It opens one
 * kind of box, a follow-up message sealed to a mailbox key derived from a
 * code the reporter types (PRODUCT.md section 8), and build_hardening
 * checks from the machine code that sd_msg_open is its only caller. */
static void test_no_open_symbols(void **state)
{
	static const char *const banned[] = {
		"crypto_box_open",
		"crypto_box_open_easy", "crypto_box_open_detached",
		"crypto_box_open_afternm", "crypto_box_open_easy_afternm",
		"crypto_secretstream_xchacha20poly1305_pull",
		"sd_open_", "sd_envelope_open",
	};
	char bin[512];
	char cmd[1200];
	uint8_t *out = NULL;
	size_t len = 0;
	size_t i;

	(void)state;
	h_bin(bin, sizeof(bin), "server/sealdrop-server");
	snprintf(cmd, sizeof(cmd), "nm -D --undefined-only '%s' > nm-dyn.txt "
	    "&& nm '%s' > nm-all.txt 2>&1", bin, bin);
	assert_int_equal(system(cmd), 0);
	out = h_read("nm-dyn.txt", &len);
	assert_non_null(out);
	/* the check would pass on an empty listing: it must see sealing */
	assert_non_null(strstr((char *)out, "crypto_box_seal"));
	for (i = 0; i < sizeof(banned) / sizeof(banned[0]); i++) {
		char *p = (char *)out;

		while ((p = strstr(p, banned[i])) != NULL) {
			/* the whole name only: crypto_box_open_easy has its own entry */
			assert_false(p[strlen(banned[i])] == '\n' ||
			    p[strlen(banned[i])] == '@');
			p++;
		}
	}
	free(out);
	out = h_read("nm-all.txt", &len);
	assert_non_null(out);
	assert_null(strstr((char *)out, " sd_open"));
	assert_null(strstr((char *)out, "_pull"));
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_export_purge, h_teardown),
		cmocka_unit_test_teardown(test_forged_ack, h_teardown),
		cmocka_unit_test_teardown(test_disk_full, h_teardown),
		cmocka_unit_test_teardown(test_store_files_private, h_teardown),
		cmocka_unit_test_teardown(test_no_open_symbols, h_teardown),
	};

	if (sd_crypto_init() != SD_OK)
		return 1;
	return cmocka_run_group_tests(tests, setup, h_teardown);
}
