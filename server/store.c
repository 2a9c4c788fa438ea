#include "store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "sd_encode.h"
#include "sd_err.h"
#include "sd_file.h"

static const char schema_sql[] =
	"CREATE TABLE IF NOT EXISTS meta("
	" key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS envelopes("
	" seq INTEGER PRIMARY KEY,"
	" receipt TEXT NOT NULL UNIQUE,"
	" day TEXT NOT NULL,"
	" size INTEGER NOT NULL,"
	" envelope BLOB NOT NULL,"
	" chain BLOB NOT NULL,"
	" exported INTEGER NOT NULL DEFAULT 0);"
	/* Receipts of purged rows stay, so that a resubmission after a purge
	 * still gets its first day and is not stored twice. */
	"CREATE TABLE IF NOT EXISTS purged("
	" receipt TEXT PRIMARY KEY, day TEXT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS channels("
	" channel_id TEXT PRIMARY KEY, ack_key TEXT);"
	/* Follow-up (docs/followup.md): sealed messages by mailbox id and the
	 * outbox batches taken. Nothing here names an envelope. Created in an
	 * existing store as well. */
	"CREATE TABLE IF NOT EXISTS mailbox_messages("
	" mailbox BLOB NOT NULL, sealed BLOB NOT NULL, expires TEXT NOT NULL);"
	"CREATE INDEX IF NOT EXISTS mailbox_messages_by_id"
	" ON mailbox_messages(mailbox);"
	"CREATE TABLE IF NOT EXISTS outbox_batches("
	" batch_id TEXT PRIMARY KEY);";

static const char zero_chain_hex[] =
	"0000000000000000000000000000000000000000000000000000000000000000";

void sd_chain_next(uint8_t next[SD_CHAIN_BYTES],
    const uint8_t prev[SD_CHAIN_BYTES], const char *receipt)
{
	crypto_generichash_state st;

	crypto_generichash_init(&st, NULL, 0, SD_CHAIN_BYTES);
	crypto_generichash_update(&st, prev, SD_CHAIN_BYTES);
	crypto_generichash_update(&st, (const unsigned char *)receipt,
	    SD_RECEIPT_LEN);
	crypto_generichash_final(&st, next, SD_CHAIN_BYTES);
}

int sd_store_exec(sqlite3 *db, const char *sql)
{
	return sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ?
	    SD_OK : SD_E_IO;
}

int sd_store_harden(sqlite3 *db)
{
	int on = 0;

	if (sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, &on) !=
	    SQLITE_OK || on != 1)
		return SD_E_IO;
	sqlite3_busy_timeout(db, SD_STORE_BUSY_MS);
	return sd_store_exec(db, "PRAGMA trusted_schema=OFF;"
	    "PRAGMA secure_delete=ON;"
	    "PRAGMA journal_mode=WAL;"
	    "PRAGMA synchronous=FULL;");
}

int sd_store_meta_get(sd_store *s, const char *key, char *out, size_t cap)
{
	sqlite3_stmt *st = NULL;
	const unsigned char *v = NULL;
	int rc = SD_E_IO;

	if (sqlite3_prepare_v2(s->db, "SELECT value FROM meta WHERE key=?1",
	    -1, &st, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		v = sqlite3_column_text(st, 0);
		if (v == NULL || strlen((const char *)v) >= cap) {
			rc = SD_E_FORMAT;
			goto out;
		}
		snprintf(out, cap, "%s", (const char *)v);
		rc = SD_OK;
		break;
	case SQLITE_DONE:
		rc = SD_E_INVAL;
		break;
	default:
		break;
	}
out:
	sqlite3_finalize(st);
	return rc;
}

int sd_store_meta_set(sd_store *s, const char *key, const char *val)
{
	int rc = SD_E_IO;

	sqlite3_bind_text(s->set_meta, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(s->set_meta, 2, val, -1, SQLITE_STATIC);
	if (sqlite3_step(s->set_meta) == SQLITE_DONE)
		rc = SD_OK;
	sqlite3_reset(s->set_meta);
	sqlite3_clear_bindings(s->set_meta);
	return rc;
}

int sd_store_meta_seq(sd_store *s, const char *key, long long *seq,
    uint8_t chain[SD_CHAIN_BYTES])
{
	char name[32];
	char val[2 * SD_CHAIN_BYTES + 1];
	char *end = NULL;
	size_t n = 0;
	int rc;

	snprintf(name, sizeof(name), "%s_seq", key);
	rc = sd_store_meta_get(s, name, val, sizeof(val));
	if (rc != SD_OK)
		return rc == SD_E_INVAL ? SD_E_FORMAT : rc;
	*seq = strtoll(val, &end, 10);
	if (end == val || *end != '\0' || *seq < 0)
		return SD_E_FORMAT;
	snprintf(name, sizeof(name), "%s_chain", key);
	rc = sd_store_meta_get(s, name, val, sizeof(val));
	if (rc != SD_OK)
		return rc == SD_E_INVAL ? SD_E_FORMAT : rc;
	if (sd_hex_decode(chain, SD_CHAIN_BYTES, &n, val, strlen(val)) !=
	    SD_OK || n != SD_CHAIN_BYTES)
		return SD_E_FORMAT;
	return SD_OK;
}

static int init_meta(sd_store *s)
{
	char fmt[64];
	int rc;

	rc = sd_store_meta_get(s, "format", fmt, sizeof(fmt));
	if (rc == SD_OK)
		return strcmp(fmt, SD_STORE_FORMAT) == 0 ? SD_OK : SD_E_FORMAT;
	if (rc != SD_E_INVAL)
		return rc;
	if (sd_store_exec(s->db, "BEGIN IMMEDIATE") != SD_OK)
		return SD_E_IO;
	rc = SD_E_IO;
	if (sd_store_meta_set(s, "format", SD_STORE_FORMAT) == SD_OK &&
	    sd_store_meta_set(s, "last_seq", "0") == SD_OK &&
	    sd_store_meta_set(s, "last_chain", zero_chain_hex) == SD_OK &&
	    sd_store_meta_set(s, "exported_seq", "0") == SD_OK &&
	    sd_store_meta_set(s, "exported_chain", zero_chain_hex) == SD_OK)
		rc = sd_store_exec(s->db, "COMMIT");
	if (rc != SD_OK)
		sd_store_exec(s->db, "ROLLBACK");
	return rc;
}

/* A random id per intake store, carried in its batches: the analysts'
 * store follows each store's chain by it (several intake servers, one
 * channel). A store made before ids gets one the first time it is opened. */
static int init_store_id(sd_store *s)
{
	char hex[2 * SD_STORE_ID_BYTES + 1];
	uint8_t id[SD_STORE_ID_BYTES];
	int rc;

	rc = sd_store_meta_get(s, "store_id", hex, sizeof(hex));
	if (rc != SD_E_INVAL)
		return rc;
	randombytes_buf(id, sizeof(id));
	if (sd_hex_encode(hex, sizeof(hex), id, sizeof(id)) != SD_OK)
		return SD_E_INVAL;
	return sd_store_meta_set(s, "store_id", hex);
}

static int prepare(sd_store *s)
{
	if (sqlite3_prepare_v3(s->db,
	    "SELECT day FROM envelopes WHERE receipt=?1 UNION ALL "
	    "SELECT day FROM purged WHERE receipt=?1 LIMIT 1", -1,
	    SQLITE_PREPARE_PERSISTENT, &s->find, NULL) != SQLITE_OK)
		return SD_E_IO;
	if (sqlite3_prepare_v3(s->db,
	    "INSERT INTO envelopes(seq,receipt,day,size,envelope,chain) "
	    "VALUES(?1,?2,?3,?4,?5,?6)", -1, SQLITE_PREPARE_PERSISTENT,
	    &s->insert, NULL) != SQLITE_OK)
		return SD_E_IO;
	if (sqlite3_prepare_v3(s->db,
	    "INSERT OR REPLACE INTO meta(key,value) VALUES(?1,?2)", -1,
	    SQLITE_PREPARE_PERSISTENT, &s->set_meta, NULL) != SQLITE_OK)
		return SD_E_IO;
	return SD_OK;
}

int sd_store_open(const char *path, sd_store **out)
{
	sd_store *s = NULL;
	int rc = SD_E_NOMEM;

	*out = NULL;
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		goto fail;
	rc = SD_E_IO;
	/* created 0600 here, so that its -wal and -shm are too */
	if (sd_file_create_private(path) != SD_OK ||
	    sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
		goto fail;
	if (sd_store_harden(s->db) != SD_OK ||
	    sd_store_exec(s->db, schema_sql) != SD_OK ||
	    prepare(s) != SD_OK)
		goto fail;
	rc = init_meta(s);
	if (rc == SD_OK)
		rc = init_store_id(s);
	if (rc != SD_OK)
		goto fail;
	rc = sd_store_meta_seq(s, "last", &s->last_seq, s->last_chain);
	if (rc != SD_OK)
		goto fail;
	*out = s;
	return SD_OK;
fail:
	sd_store_close(s);
	return rc;
}

void sd_store_close(sd_store *s)
{
	if (s == NULL)
		return;
	sqlite3_finalize(s->find);
	sqlite3_finalize(s->insert);
	sqlite3_finalize(s->set_meta);
	sqlite3_close(s->db);
	sodium_memzero(s, sizeof(*s));
	free(s);
}

int sd_store_limit_pages(sd_store *s, long pages)
{
	char sql[64];

	snprintf(sql, sizeof(sql), "PRAGMA max_page_count=%ld", pages);
	return sd_store_exec(s->db, sql);
}

int sd_store_set_channel(sd_store *s, const uint8_t id[SD_CHANNEL_ID_BYTES],
    const uint8_t *ack_pk)
{
	char idhex[2 * SD_CHANNEL_ID_BYTES + 1];
	char ack[SD_B64_LEN(SD_PK_BYTES)];
	sqlite3_stmt *st = NULL;
	int rc = SD_E_IO;

	sd_hex_encode(idhex, sizeof(idhex), id, SD_CHANNEL_ID_BYTES);
	ack[0] = '\0';
	if (ack_pk != NULL)
		sd_b64_encode(ack, sizeof(ack), ack_pk, SD_PK_BYTES);
	if (sd_store_exec(s->db, "BEGIN IMMEDIATE") != SD_OK)
		return SD_E_IO;
	if (sqlite3_prepare_v2(s->db, "INSERT OR REPLACE INTO "
	    "channels(channel_id,ack_key) VALUES(?1,?2)", -1, &st, NULL) !=
	    SQLITE_OK)
		goto out;
	sqlite3_bind_text(st, 1, idhex, -1, SQLITE_STATIC);
	if (ack_pk != NULL)
		sqlite3_bind_text(st, 2, ack, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE ||
	    sd_store_meta_set(s, "channel_id", idhex) != SD_OK ||
	    sd_store_meta_set(s, "ack_key", ack) != SD_OK)
		goto out;
	rc = sd_store_exec(s->db, "COMMIT");
out:
	sqlite3_finalize(st);
	if (rc != SD_OK)
		sd_store_exec(s->db, "ROLLBACK");
	return rc;
}

int sd_store_current_ack(sd_store *s, uint8_t id[SD_CHANNEL_ID_BYTES],
    uint8_t ack_pk[32])
{
	char idhex[2 * SD_CHANNEL_ID_BYTES + 8];
	char ack[SD_B64_LEN(32) + 8];
	size_t n = 0, m = 0;

	if (sd_store_meta_get(s, "channel_id", idhex, sizeof(idhex)) !=
	    SD_OK || sd_store_meta_get(s, "ack_key", ack, sizeof(ack)) !=
	    SD_OK)
		return SD_E_INVAL;
	if (sd_hex_decode(id, SD_CHANNEL_ID_BYTES, &n, idhex,
	    strlen(idhex)) != SD_OK || n != SD_CHANNEL_ID_BYTES ||
	    sd_b64_decode(ack_pk, 32, &m, ack, strlen(ack)) != SD_OK ||
	    m != 32)
		return SD_E_INVAL;
	return SD_OK;
}

/* 1 when found (day filled), 0 when absent, SD_E_IO on error */
static int find_day(sd_store *s, const char *receipt, char day[11])
{
	const unsigned char *d = NULL;
	int rc = SD_E_IO;

	sqlite3_bind_text(s->find, 1, receipt, SD_RECEIPT_LEN, SQLITE_STATIC);
	switch (sqlite3_step(s->find)) {
	case SQLITE_ROW:
		d = sqlite3_column_text(s->find, 0);
		if (d != NULL && strlen((const char *)d) == 10) {
			memcpy(day, d, 11);
			rc = 1;
		}
		break;
	case SQLITE_DONE:
		rc = 0;
		break;
	default:
		break;
	}
	sqlite3_reset(s->find);
	sqlite3_clear_bindings(s->find);
	return rc;
}

static int insert_row(sd_store *s, struct sd_store_item *it, long long seq,
    const uint8_t chain[SD_CHAIN_BYTES])
{
	int rc = SD_E_IO;

	sqlite3_bind_int64(s->insert, 1, seq);
	sqlite3_bind_text(s->insert, 2, it->receipt, SD_RECEIPT_LEN,
	    SQLITE_STATIC);
	sqlite3_bind_text(s->insert, 3, it->day, 10, SQLITE_STATIC);
	sqlite3_bind_int64(s->insert, 4, (sqlite3_int64)it->len);
	sqlite3_bind_blob64(s->insert, 5, it->env, it->len, SQLITE_STATIC);
	sqlite3_bind_blob(s->insert, 6, chain, SD_CHAIN_BYTES, SQLITE_STATIC);
	if (sqlite3_step(s->insert) == SQLITE_DONE)
		rc = SD_OK;
	sqlite3_reset(s->insert);
	sqlite3_clear_bindings(s->insert);
	return rc;
}

static int put_rows(sd_store *s, struct sd_store_item *const *items,
    size_t n, long long *seq, uint8_t chain[SD_CHAIN_BYTES])
{
	char seqtxt[24];
	char chainhex[2 * SD_CHAIN_BYTES + 1];
	size_t i;
	int found;

	for (i = 0; i < n; i++) {
		found = find_day(s, items[i]->receipt, items[i]->day);
		if (found < 0)
			return SD_E_IO;
		items[i]->duplicate = found;
		if (found)
			continue;
		sd_chain_next(chain, chain, items[i]->receipt);
		(*seq)++;
		if (insert_row(s, items[i], *seq, chain) != SD_OK)
			return SD_E_IO;
	}
	snprintf(seqtxt, sizeof(seqtxt), "%lld", *seq);
	sd_hex_encode(chainhex, sizeof(chainhex), chain, SD_CHAIN_BYTES);
	if (sd_store_meta_set(s, "last_seq", seqtxt) != SD_OK ||
	    sd_store_meta_set(s, "last_chain", chainhex) != SD_OK)
		return SD_E_IO;
	return SD_OK;
}

static int locked(sqlite3 *db)
{
	int e = sqlite3_errcode(db) & 0xff;

	return e == SQLITE_BUSY || e == SQLITE_LOCKED;
}

int sd_store_put(sd_store *s, struct sd_store_item *const *items, size_t n)
{
	uint8_t chain[SD_CHAIN_BYTES];
	long long seq = 0;

	s->busy = 0;
	if (sd_store_exec(s->db, "BEGIN IMMEDIATE") != SD_OK) {
		s->busy = locked(s->db);
		return SD_E_IO;
	}
	/* the head is read inside the transaction: it is the truth even if
	 * another process wrote */
	if (sd_store_meta_seq(s, "last", &seq, chain) != SD_OK ||
	    put_rows(s, items, n, &seq, chain) != SD_OK ||
	    sd_store_exec(s->db, "COMMIT") != SD_OK) {
		s->busy = locked(s->db);
		/* the in-memory head stays at the last committed row */
		sd_store_exec(s->db, "ROLLBACK");
		return SD_E_IO;
	}
	s->last_seq = seq;
	memcpy(s->last_chain, chain, SD_CHAIN_BYTES);
	return SD_OK;
}

int sd_store_busy(const sd_store *s)
{
	return s->busy;
}

int sd_store_get(sd_store *s, const char *receipt, char day[11],
    uint8_t **env, size_t *len)
{
	sqlite3_stmt *st = NULL;
	const void *blob = NULL;
	int n;
	int rc = SD_E_IO;

	*env = NULL;
	*len = 0;
	if (sqlite3_prepare_v2(s->db, "SELECT day, envelope FROM envelopes "
	    "WHERE receipt=?1", -1, &st, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_text(st, 1, receipt, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		rc = rc == SQLITE_DONE ? SD_E_INVAL : SD_E_IO;
		goto out;
	}
	snprintf(day, 11, "%s", (const char *)sqlite3_column_text(st, 0));
	blob = sqlite3_column_blob(st, 1);
	n = sqlite3_column_bytes(st, 1);
	rc = SD_E_NOMEM;
	*env = malloc(n > 0 ? (size_t)n : 1);
	if (*env == NULL)
		goto out;
	if (n > 0)
		memcpy(*env, blob, (size_t)n);
	*len = (size_t)n;
	rc = SD_OK;
out:
	sqlite3_finalize(st);
	return rc;
}

static int count_rows(sd_store *s, const char *sql, long long *out)
{
	sqlite3_stmt *st = NULL;
	int rc = SD_E_IO;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW) {
		*out = sqlite3_column_int64(st, 0);
		rc = SD_OK;
	}
	sqlite3_finalize(st);
	return rc;
}

int sd_store_stats(sd_store *s, struct sd_store_stats *st)
{
	uint8_t chain[SD_CHAIN_BYTES];

	memset(st, 0, sizeof(*st));
	if (count_rows(s, "SELECT count(*) FROM envelopes", &st->rows) != SD_OK ||
	    count_rows(s, "SELECT count(*) FROM envelopes WHERE exported=0",
	    &st->pending) != SD_OK ||
	    count_rows(s, "SELECT count(*) FROM purged", &st->purged) != SD_OK)
		return SD_E_IO;
	if (sd_store_meta_seq(s, "last", &st->last_seq, chain) != SD_OK ||
	    sd_store_meta_seq(s, "exported", &st->exported_seq, chain) != SD_OK)
		return SD_E_IO;
	return SD_OK;
}
