#include "astore.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sd_encode.h"
#include "sd_err.h"
#include "sd_file.h"

struct astore {
	sqlite3 *db;
};

struct astore_iter {
	sqlite3_stmt *st;
	int with_data;
};

/* One intake chain per intake store (its store_id; '' for batches written
 * before stores had one), and every row of every chain: an envelope sent to
 * two intake servers is kept once in envelopes but linked in both chains. */
#define CHAINS_SQL \
    "CREATE TABLE IF NOT EXISTS chains(id TEXT PRIMARY KEY," \
    "  tip_seq INTEGER NOT NULL, tip_chain BLOB NOT NULL," \
    "  channel_id TEXT NOT NULL);" \
    "CREATE TABLE IF NOT EXISTS links(chain TEXT NOT NULL," \
    "  seq INTEGER NOT NULL, receipt TEXT NOT NULL, hash BLOB NOT NULL," \
    "  PRIMARY KEY(chain, seq)) WITHOUT ROWID;"

static const char *const schema_sql =
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, "
    "  value TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS ingests("
    "  id INTEGER PRIMARY KEY, day TEXT NOT NULL, source TEXT NOT NULL,"
    "  channel_id TEXT NOT NULL, first_seq INTEGER, last_seq INTEGER,"
    "  added INTEGER NOT NULL, skipped INTEGER NOT NULL, refused TEXT);"
    "CREATE TABLE IF NOT EXISTS envelopes("
    "  seq INTEGER PRIMARY KEY, receipt TEXT NOT NULL UNIQUE,"
    "  day TEXT NOT NULL, envelope BLOB NOT NULL,"
    "  stats_end INTEGER NOT NULL, chain BLOB NOT NULL,"
    "  ingest INTEGER NOT NULL, acked INTEGER NOT NULL DEFAULT 0);"
    CHAINS_SQL;

int
astore_harden(struct sqlite3 *db)
{
	if (sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL) !=
	    SQLITE_OK ||
	    sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, NULL) !=
	    SQLITE_OK ||
	    sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_VIEW, 0, NULL) !=
	    SQLITE_OK ||
	    sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL) !=
	    SQLITE_OK)
		return SD_E_IO;
	sqlite3_limit(db, SQLITE_LIMIT_LENGTH, (int)SD_ENVELOPE_MAX + 4096);
	sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, 0);
	return SD_OK;
}

const char *
astore_errmsg(const astore *s)
{
	return s && s->db ? sqlite3_errmsg(s->db) : "cannot open";
}

static int
exec(astore *s, const char *sql)
{
	return sqlite3_exec(s->db, sql, NULL, NULL, NULL) == SQLITE_OK ?
	    SD_OK : SD_E_IO;
}

static int
prepare(astore *s, const char *sql, sqlite3_stmt **st)
{
	return sqlite3_prepare_v2(s->db, sql, -1, st, NULL) == SQLITE_OK ?
	    SD_OK : SD_E_IO;
}

static int meta_get(astore *s, const char *key, char *out, size_t cap,
    int *found);
static int meta_set(astore *s, const char *key, const char *value);

/* A store made before several intake chains were kept has one chain, that
 * of its tip in meta; its rows' seq are that chain's. It gets the chains
 * and links of that chain, under the id ''. */
static int
migrate_chains(astore *s)
{
	char done[8], seqs[32], chain[2 * ASTORE_CHAIN_BYTES + 1];
	char channel[2 * SD_CHANNEL_ID_BYTES + 1];
	uint8_t hash[ASTORE_CHAIN_BYTES];
	sqlite3_stmt *st = NULL;
	int f = 0, f1 = 0, f2 = 0, f3 = 0, rc;
	size_t n = 0;

	if ((rc = meta_get(s, "chains", done, sizeof(done), &f)) != SD_OK)
		return rc;
	if (f)
		return SD_OK;
	if (exec(s, "BEGIN IMMEDIATE") != SD_OK)
		return SD_E_IO;
	rc = SD_E_IO;
	if (exec(s, CHAINS_SQL) != SD_OK ||
	    exec(s, "INSERT OR IGNORE INTO links SELECT '', seq, receipt, "
	    "chain FROM envelopes") != SD_OK)
		goto fail;
	if ((rc = meta_get(s, "tip_seq", seqs, sizeof(seqs), &f1)) != SD_OK ||
	    (rc = meta_get(s, "tip_chain", chain, sizeof(chain), &f2)) !=
	    SD_OK ||
	    (rc = meta_get(s, "channel_id", channel, sizeof(channel), &f3)) !=
	    SD_OK)
		goto fail;
	if (f1 && f2) {
		rc = SD_E_FORMAT;
		if (sd_hex_decode(hash, sizeof(hash), &n, chain,
		    strlen(chain)) != SD_OK || n != sizeof(hash))
			goto fail;
		rc = SD_E_IO;
		if (prepare(s, "INSERT OR IGNORE INTO chains VALUES('', ?1, "
		    "?2, ?3)", &st) != SD_OK)
			goto fail;
		sqlite3_bind_int64(st, 1, strtoll(seqs, NULL, 10));
		sqlite3_bind_blob(st, 2, hash, sizeof(hash), SQLITE_STATIC);
		sqlite3_bind_text(st, 3, f3 ? channel : "", -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			goto fail;
	}
	if (meta_set(s, "chains", "1") != SD_OK ||
	    exec(s, "COMMIT") != SD_OK)
		goto fail;
	sqlite3_finalize(st);
	return SD_OK;
fail:
	sqlite3_finalize(st);
	(void)exec(s, "ROLLBACK");
	return rc;
}

/* A new store gets its format mark; an existing file must carry it. */
static int
check_format(astore *s, enum astore_mode mode)
{
	sqlite3_stmt *st = NULL;
	int rc = SD_E_FORMAT, step;

	if (mode == ASTORE_CREATE) {
		if (exec(s, schema_sql) != SD_OK ||
		    exec(s, "INSERT OR IGNORE INTO meta VALUES('format', '"
		    ASTORE_FORMAT "')") != SD_OK)
			return SD_E_IO;
	}
	if (prepare(s, "SELECT value FROM meta WHERE key = 'format'", &st) !=
	    SD_OK)
		goto done;
	step = sqlite3_step(st);
	if (step == SQLITE_ROW && sqlite3_column_text(st, 0) != NULL &&
	    strcmp((const char *)sqlite3_column_text(st, 0),
	    ASTORE_FORMAT) == 0)
		rc = SD_OK;
done:
	sqlite3_finalize(st);
	return rc;
}

int
astore_open(const char *path, enum astore_mode mode, astore **out)
{
	astore *s = NULL;
	int flags, rc = SD_E_IO;

	*out = NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return SD_E_NOMEM;
	flags = mode == ASTORE_READ ? SQLITE_OPEN_READONLY :
	    SQLITE_OPEN_READWRITE;
	/* created 0600 first, so that its -wal and -shm are too */
	if (mode == ASTORE_CREATE && sd_file_create_private(path) != SD_OK)
		goto done;
	if (mode == ASTORE_CREATE)
		flags |= SQLITE_OPEN_CREATE;
	if (sqlite3_open_v2(path, &s->db, flags | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK)
		goto done;
	if (astore_harden(s->db) != SD_OK)
		goto done;
	sqlite3_busy_timeout(s->db, 5000);
	if (mode != ASTORE_READ &&
	    (exec(s, "PRAGMA journal_mode=WAL") != SD_OK ||
	    exec(s, "PRAGMA synchronous=FULL") != SD_OK))
		goto done;
	if ((rc = check_format(s, mode)) != SD_OK)
		goto done;
	if (mode != ASTORE_READ && (rc = migrate_chains(s)) != SD_OK)
		goto done;
	*out = s;
	s = NULL;
done:
	astore_close(s);
	return rc;
}

void
astore_close(astore *s)
{
	if (s == NULL)
		return;
	sqlite3_close(s->db);
	free(s);
}

static int
meta_get(astore *s, const char *key, char *out, size_t cap, int *found)
{
	sqlite3_stmt *st = NULL;
	int rc = SD_E_IO, step;
	const unsigned char *v;

	*found = 0;
	out[0] = '\0';
	if (prepare(s, "SELECT value FROM meta WHERE key = ?1", &st) != SD_OK)
		goto done;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	step = sqlite3_step(st);
	if (step == SQLITE_DONE) {
		rc = SD_OK;
		goto done;
	}
	if (step != SQLITE_ROW || (v = sqlite3_column_text(st, 0)) == NULL)
		goto done;
	if ((size_t)sqlite3_column_bytes(st, 0) >= cap) {
		rc = SD_E_FORMAT;
		goto done;
	}
	memcpy(out, v, (size_t)sqlite3_column_bytes(st, 0) + 1);
	*found = 1;
	rc = SD_OK;
done:
	sqlite3_finalize(st);
	return rc;
}

static int
meta_set(astore *s, const char *key, const char *value)
{
	sqlite3_stmt *st = NULL;
	int rc = SD_E_IO;

	if (prepare(s, "INSERT OR REPLACE INTO meta VALUES(?1, ?2)", &st) !=
	    SD_OK)
		goto done;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_DONE)
		rc = SD_OK;
done:
	sqlite3_finalize(st);
	return rc;
}

int
astore_tip(astore *s, struct astore_tip *t)
{
	char seqs[32], chain[2 * ASTORE_CHAIN_BYTES + 1];
	int f1 = 0, f2 = 0, f3 = 0, rc;
	size_t n = 0;
	char *end = NULL;

	memset(t, 0, sizeof(*t));
	t->empty = 1;
	if ((rc = meta_get(s, "tip_seq", seqs, sizeof(seqs), &f1)) != SD_OK ||
	    (rc = meta_get(s, "tip_chain", chain, sizeof(chain), &f2)) !=
	    SD_OK ||
	    (rc = meta_get(s, "channel_id", t->channel_id,
	    sizeof(t->channel_id), &f3)) != SD_OK)
		return rc;
	if (!f1 || !f2)
		return SD_OK;
	t->seq = strtoll(seqs, &end, 10);
	if (end == seqs || *end != '\0' ||
	    sd_hex_decode(t->chain, sizeof(t->chain), &n, chain,
	    strlen(chain)) != SD_OK || n != ASTORE_CHAIN_BYTES)
		return SD_E_FORMAT;
	t->empty = 0;
	return SD_OK;
}

int
astore_set_tip(astore *s, int64_t seq, const uint8_t chain[ASTORE_CHAIN_BYTES],
    const char *channel_id)
{
	char seqs[32], hex[2 * ASTORE_CHAIN_BYTES + 1];
	int rc;

	snprintf(seqs, sizeof(seqs), "%lld", (long long)seq);
	if ((rc = sd_hex_encode(hex, sizeof(hex), chain, ASTORE_CHAIN_BYTES)) !=
	    SD_OK)
		return rc;
	if ((rc = meta_set(s, "tip_seq", seqs)) != SD_OK ||
	    (rc = meta_set(s, "tip_chain", hex)) != SD_OK)
		return rc;
	return meta_set(s, "channel_id", channel_id);
}

int
astore_chain_tip(astore *s, const char *chain_id, struct astore_tip *t)
{
	sqlite3_stmt *st = NULL;
	const unsigned char *ch;
	int rc = SD_E_IO, step;

	memset(t, 0, sizeof(*t));
	t->empty = 1;
	if (prepare(s, "SELECT tip_seq, tip_chain, channel_id FROM chains "
	    "WHERE id = ?1", &st) != SD_OK)
		goto done;
	sqlite3_bind_text(st, 1, chain_id, -1, SQLITE_STATIC);
	step = sqlite3_step(st);
	if (step == SQLITE_DONE) {
		rc = SD_OK;
		goto done;
	}
	if (step != SQLITE_ROW)
		goto done;
	rc = SD_E_FORMAT;
	ch = sqlite3_column_text(st, 2);
	if (sqlite3_column_bytes(st, 1) != ASTORE_CHAIN_BYTES || ch == NULL ||
	    (size_t)sqlite3_column_bytes(st, 2) >= sizeof(t->channel_id))
		goto done;
	t->seq = sqlite3_column_int64(st, 0);
	memcpy(t->chain, sqlite3_column_blob(st, 1), ASTORE_CHAIN_BYTES);
	memcpy(t->channel_id, ch, (size_t)sqlite3_column_bytes(st, 2) + 1);
	t->empty = 0;
	rc = SD_OK;
done:
	sqlite3_finalize(st);
	return rc;
}

int
astore_set_chain_tip(astore *s, const char *chain_id, int64_t seq,
    const uint8_t chain[ASTORE_CHAIN_BYTES], const char *channel_id)
{
	sqlite3_stmt *st = NULL;
	int rc = SD_E_IO;

	if (prepare(s, "INSERT OR REPLACE INTO chains VALUES(?1, ?2, ?3, ?4)",
	    &st) != SD_OK)
		goto done;
	sqlite3_bind_text(st, 1, chain_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, seq);
	sqlite3_bind_blob(st, 3, chain, ASTORE_CHAIN_BYTES, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, channel_id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto done;
	/* the store's tip is that of the chain ingested last */
	rc = astore_set_tip(s, seq, chain, channel_id);
done:
	sqlite3_finalize(st);
	return rc;
}

int
astore_chain_rename(astore *s, const char *from, const char *to)
{
	sqlite3_stmt *st = NULL;
	int rc = SD_E_IO;
	int i;
	static const char *const sql[] = {
		"UPDATE chains SET id = ?2 WHERE id = ?1",
		"UPDATE links SET chain = ?2 WHERE chain = ?1",
	};

	for (i = 0; i < 2; i++) {
		if (prepare(s, sql[i], &st) != SD_OK)
			return SD_E_IO;
		sqlite3_bind_text(st, 1, from, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, to, -1, SQLITE_STATIC);
		rc = sqlite3_step(st) == SQLITE_DONE ? SD_OK : SD_E_IO;
		sqlite3_finalize(st);
		st = NULL;
		if (rc != SD_OK)
			return rc;
	}
	return SD_OK;
}

int
astore_link_at(astore *s, const char *chain_id, int64_t seq,
    char receipt[SD_RECEIPT_LEN + 1], uint8_t chain[ASTORE_CHAIN_BYTES],
    int *found)
{
	sqlite3_stmt *st = NULL;
	int rc = SD_E_IO, step;

	*found = 0;
	if (prepare(s, "SELECT receipt, hash FROM links WHERE chain = ?1 AND "
	    "seq = ?2", &st) != SD_OK)
		goto done;
	sqlite3_bind_text(st, 1, chain_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, seq);
	step = sqlite3_step(st);
	if (step == SQLITE_DONE) {
		rc = SD_OK;
		goto done;
	}
	if (step != SQLITE_ROW ||
	    sqlite3_column_bytes(st, 0) != SD_RECEIPT_LEN ||
	    sqlite3_column_bytes(st, 1) != ASTORE_CHAIN_BYTES)
		goto done;
	memcpy(receipt, sqlite3_column_text(st, 0), SD_RECEIPT_LEN + 1);
	memcpy(chain, sqlite3_column_blob(st, 1), ASTORE_CHAIN_BYTES);
	*found = 1;
	rc = SD_OK;
done:
	sqlite3_finalize(st);
	return rc;
}

int
astore_link_put(astore *s, const char *chain_id,
    const struct astore_row *row)
{
	sqlite3_stmt *st = NULL;
	int rc = SD_E_IO;

	if (prepare(s, "INSERT INTO links VALUES(?1, ?2, ?3, ?4)", &st) !=
	    SD_OK)
		goto done;
	sqlite3_bind_text(st, 1, chain_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, row->seq);
	sqlite3_bind_text(st, 3, row->receipt, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 4, row->chain, ASTORE_CHAIN_BYTES,
	    SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_DONE)
		rc = SD_OK;
done:
	sqlite3_finalize(st);
	return rc;
}

int
astore_begin(astore *s)
{
	return exec(s, "BEGIN IMMEDIATE");
}

int
astore_commit(astore *s)
{
	return exec(s, "COMMIT");
}

void
astore_rollback(astore *s)
{
	if (!sqlite3_get_autocommit(s->db))
		(void)exec(s, "ROLLBACK");
}

int
astore_has_receipt(astore *s, const char *receipt, int *found)
{
	sqlite3_stmt *st = NULL;
	int rc = SD_E_IO, step;

	*found = 0;
	if (prepare(s, "SELECT 1 FROM envelopes WHERE receipt = ?1", &st) !=
	    SD_OK)
		goto done;
	sqlite3_bind_text(st, 1, receipt, -1, SQLITE_STATIC);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW || step == SQLITE_DONE) {
		*found = step == SQLITE_ROW;
		rc = SD_OK;
	}
done:
	sqlite3_finalize(st);
	return rc;
}

int
astore_put(astore *s, const struct astore_row *row, int64_t ingest_id)
{
	/* seq is the store's own order of arrival: several intake chains
	 * each have their own seq, kept in links */
	static const char sql[] = "INSERT INTO envelopes(seq, receipt, day, "
	    "envelope, stats_end, chain, ingest) VALUES(NULL,?2,?3,?4,?5,?6,"
	    "?7)";
	sqlite3_stmt *st = NULL;
	int rc = SD_E_IO;

	if (prepare(s, sql, &st) != SD_OK)
		goto done;
	sqlite3_bind_text(st, 2, row->receipt, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, row->day, -1, SQLITE_STATIC);
	sqlite3_bind_blob64(st, 4, row->envelope, row->len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)row->stats_end);
	sqlite3_bind_blob(st, 6, row->chain, ASTORE_CHAIN_BYTES,
	    SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, ingest_id);
	if (sqlite3_step(st) == SQLITE_DONE)
		rc = SD_OK;
done:
	sqlite3_finalize(st);
	return rc;
}

int
astore_log(astore *s, const char *source, const char *channel_id,
    int64_t first_seq, int64_t last_seq, size_t added, size_t skipped,
    const char *refused, int64_t *id)
{
	static const char sql[] = "INSERT INTO ingests(day, source, "
	    "channel_id, first_seq, last_seq, added, skipped, refused) "
	    "VALUES(?1,?2,?3,?4,?5,?6,?7,?8)";
	sqlite3_stmt *st = NULL;
	char today[11];
	int rc = SD_E_IO;

	sd_today(today);
	if (prepare(s, sql, &st) != SD_OK)
		goto done;
	sqlite3_bind_text(st, 1, today, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, source, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, channel_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, first_seq);
	sqlite3_bind_int64(st, 5, last_seq);
	sqlite3_bind_int64(st, 6, (sqlite3_int64)added);
	sqlite3_bind_int64(st, 7, (sqlite3_int64)skipped);
	if (refused != NULL)
		sqlite3_bind_text(st, 8, refused, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 8);
	if (sqlite3_step(st) == SQLITE_DONE) {
		rc = SD_OK;
		if (id != NULL)
			*id = sqlite3_last_insert_rowid(s->db);
	}
done:
	sqlite3_finalize(st);
	return rc;
}

int
astore_log_update(astore *s, int64_t id, size_t added, size_t skipped)
{
	sqlite3_stmt *st = NULL;
	int rc = SD_E_IO;

	if (prepare(s, "UPDATE ingests SET added = ?2, skipped = ?3 "
	    "WHERE id = ?1", &st) != SD_OK)
		goto done;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)added);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)skipped);
	if (sqlite3_step(st) == SQLITE_DONE)
		rc = SD_OK;
done:
	sqlite3_finalize(st);
	return rc;
}

int
astore_count(astore *s, int64_t *n)
{
	sqlite3_stmt *st = NULL;
	int rc = SD_E_IO;

	*n = 0;
	if (prepare(s, "SELECT count(*) FROM envelopes", &st) != SD_OK)
		goto done;
	if (sqlite3_step(st) == SQLITE_ROW) {
		*n = sqlite3_column_int64(st, 0);
		rc = SD_OK;
	}
done:
	sqlite3_finalize(st);
	return rc;
}

static int
iter_new(astore *s, const char *sql, int with_data, astore_iter **it)
{
	astore_iter *i = NULL;

	*it = NULL;
	if ((i = calloc(1, sizeof(*i))) == NULL)
		return SD_E_NOMEM;
	if (prepare(s, sql, &i->st) != SD_OK) {
		free(i);
		return SD_E_IO;
	}
	i->with_data = with_data;
	*it = i;
	return SD_OK;
}

int
astore_iter_stats(astore *s, astore_iter **it)
{
	/* Only the header and the stats section leave the file: the rest of
	 * an envelope (details, attachments) is never read for statistics. */
	return iter_new(s, "SELECT seq, receipt, substr(envelope, 1, "
	    "stats_end) FROM envelopes ORDER BY seq", 1, it);
}

int
astore_iter_receipts(astore *s, int unacked, astore_iter **it)
{
	return iter_new(s, unacked ?
	    "SELECT seq, receipt FROM envelopes WHERE acked = 0 ORDER BY seq" :
	    "SELECT seq, receipt FROM envelopes ORDER BY seq", 0, it);
}

int
astore_iter_next(astore_iter *it, int64_t *seq,
    char receipt[SD_RECEIPT_LEN + 1], const uint8_t **data, size_t *len)
{
	int step = sqlite3_step(it->st);

	if (step == SQLITE_DONE)
		return 0;
	if (step != SQLITE_ROW ||
	    sqlite3_column_bytes(it->st, 1) != SD_RECEIPT_LEN)
		return SD_E_IO;
	*seq = sqlite3_column_int64(it->st, 0);
	memcpy(receipt, sqlite3_column_text(it->st, 1), SD_RECEIPT_LEN + 1);
	if (data != NULL)
		*data = NULL;
	if (len != NULL)
		*len = 0;
	if (it->with_data && data != NULL && len != NULL) {
		*data = sqlite3_column_blob(it->st, 2);
		*len = (size_t)sqlite3_column_bytes(it->st, 2);
	}
	return 1;
}

void
astore_iter_free(astore_iter *it)
{
	if (it == NULL)
		return;
	sqlite3_finalize(it->st);
	free(it);
}

int
astore_mark_acked(astore *s, int64_t upto_seq)
{
	sqlite3_stmt *st = NULL;
	int rc = SD_E_IO;

	if (prepare(s, "UPDATE envelopes SET acked = 1 WHERE acked = 0 AND "
	    "seq <= ?1", &st) != SD_OK)
		goto done;
	sqlite3_bind_int64(st, 1, upto_seq);
	if (sqlite3_step(st) == SQLITE_DONE)
		rc = SD_OK;
done:
	sqlite3_finalize(st);
	return rc;
}

int
astore_clear_acked(astore *s)
{
	return exec(s, "UPDATE envelopes SET acked = 0");
}

static int
valid_prefix(const char *p)
{
	size_t i, n = strlen(p);

	if (n < 8 || n > SD_RECEIPT_LEN)
		return 0;
	for (i = 0; i < n; i++)
		if (!((p[i] >= 'a' && p[i] <= 'z') ||
		    (p[i] >= '2' && p[i] <= '7')))
			return 0;
	return 1;
}

static int
copy_env(sqlite3_stmt *st, struct astore_env *e)
{
	size_t n = (size_t)sqlite3_column_bytes(st, 3);

	if (sqlite3_column_bytes(st, 1) != SD_RECEIPT_LEN ||
	    sqlite3_column_bytes(st, 2) != 10 || n == 0)
		return SD_E_FORMAT;
	e->seq = sqlite3_column_int64(st, 0);
	memcpy(e->receipt, sqlite3_column_text(st, 1), SD_RECEIPT_LEN + 1);
	memcpy(e->day, sqlite3_column_text(st, 2), 11);
	if ((e->env = malloc(n)) == NULL)
		return SD_E_NOMEM;
	memcpy(e->env, sqlite3_column_blob(st, 3), n);
	e->len = n;
	return SD_OK;
}

int
astore_find(astore *s, const char *prefix, struct astore_env *e)
{
	sqlite3_stmt *st = NULL;
	int rc = SD_E_IO, step;

	memset(e, 0, sizeof(*e));
	if (!valid_prefix(prefix))
		return SD_E_INVAL;
	if (prepare(s, "SELECT seq, receipt, day, envelope FROM envelopes "
	    "WHERE substr(receipt, 1, ?2) = ?1 LIMIT 2", &st) != SD_OK)
		goto done;
	sqlite3_bind_text(st, 1, prefix, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, (int)strlen(prefix));
	step = sqlite3_step(st);
	if (step == SQLITE_DONE) {
		rc = SD_E_INVAL;
		goto done;
	}
	if (step != SQLITE_ROW)
		goto done;
	if ((rc = copy_env(st, e)) != SD_OK)
		goto done;
	if (sqlite3_step(st) == SQLITE_ROW) {
		free(e->env);
		memset(e, 0, sizeof(*e));
		rc = SD_E_FORMAT;
	}
done:
	sqlite3_finalize(st);
	return rc;
}

struct sqlite3 *
astore_db(astore *s)
{
	return s == NULL ? NULL : s->db;
}

int
astore_writable(const astore *s)
{
	return s != NULL && !sqlite3_db_readonly(s->db, "main");
}
