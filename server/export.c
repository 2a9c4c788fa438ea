/* Export of the rows not exported yet to an SQLite batch
 * (docs/intake-batch.md). The batch is written from a read snapshot of the
 * intake store, so the server keeps taking submissions meanwhile; the rows
 * are marked exported only once the batch file is durable under its name. */
#include "store_int.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "sd_encode.h"
#include "sd_err.h"

static const char batch_schema[] =
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE envelopes("
	" seq INTEGER PRIMARY KEY,"
	" receipt TEXT NOT NULL UNIQUE,"
	" day TEXT NOT NULL,"
	" size INTEGER NOT NULL,"
	" envelope BLOB NOT NULL,"
	" chain BLOB NOT NULL);";

struct batch {
	sqlite3 *db;
	sqlite3_stmt *ins;
	long long first_seq;
	long long last_seq;
	uint8_t prev_chain[SD_CHAIN_BYTES];
	uint8_t chain[SD_CHAIN_BYTES];
	size_t count;
};

static int batch_meta(struct batch *b, const char *key, const char *val)
{
	sqlite3_stmt *st = NULL;
	int rc = SD_E_IO;

	if (sqlite3_prepare_v2(b->db, "INSERT INTO meta(key,value) "
	    "VALUES(?1,?2)", -1, &st, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, val, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_DONE)
		rc = SD_OK;
out:
	sqlite3_finalize(st);
	return rc;
}

static int batch_open(struct batch *b, const char *path)
{
	if (sqlite3_open_v2(path, &b->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
		return SD_E_IO;
	if (sqlite3_db_config(b->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL) !=
	    SQLITE_OK)
		return SD_E_IO;
	if (sd_store_exec(b->db, "PRAGMA trusted_schema=OFF;"
	    "PRAGMA secure_delete=ON; PRAGMA synchronous=FULL;") != SD_OK ||
	    sd_store_exec(b->db, batch_schema) != SD_OK ||
	    sd_store_exec(b->db, "BEGIN") != SD_OK)
		return SD_E_IO;
	if (sqlite3_prepare_v2(b->db, "INSERT INTO envelopes(seq,receipt,day,"
	    "size,envelope,chain) VALUES(?1,?2,?3,?4,?5,?6)", -1, &b->ins,
	    NULL) != SQLITE_OK)
		return SD_E_IO;
	return SD_OK;
}

/* Copy one intake row, checking that it continues the chain. */
static int batch_row(struct batch *b, sqlite3_stmt *row)
{
	long long seq = sqlite3_column_int64(row, 0);
	const char *receipt = (const char *)sqlite3_column_text(row, 1);
	const void *chain = sqlite3_column_blob(row, 5);
	uint8_t want[SD_CHAIN_BYTES];
	int i;
	int rc;

	if (receipt == NULL || strlen(receipt) != SD_RECEIPT_LEN ||
	    sqlite3_column_bytes(row, 5) != SD_CHAIN_BYTES ||
	    seq != b->last_seq + 1) {
		fprintf(stderr, "sealdrop-server: export: intake row %lld is "
		    "out of sequence; the store was altered\n", seq);
		return SD_E_FORMAT;
	}
	sd_chain_next(want, b->chain, receipt);
	if (chain == NULL || sodium_memcmp(want, chain, SD_CHAIN_BYTES) != 0) {
		fprintf(stderr, "sealdrop-server: export: the chain hash of "
		    "intake row %lld does not match; the store was altered\n",
		    seq);
		return SD_E_FORMAT;
	}
	for (i = 0; i < 6; i++) {
		rc = sqlite3_bind_value(b->ins, i + 1,
		    sqlite3_column_value(row, i));
		if (rc != SQLITE_OK)
			return SD_E_IO;
	}
	rc = sqlite3_step(b->ins);
	sqlite3_reset(b->ins);
	if (rc != SQLITE_DONE)
		return SD_E_IO;
	memcpy(b->chain, want, SD_CHAIN_BYTES);
	if (b->count == 0)
		b->first_seq = seq;
	b->last_seq = seq;
	b->count++;
	return SD_OK;
}

static int batch_finish(struct batch *b, const char *channel_id,
    const char *store_id)
{
	char num[24];
	char hex[2 * SD_CHAIN_BYTES + 1];

	if (b->count == 0)
		b->first_seq = b->last_seq + 1;
	sd_hex_encode(hex, sizeof(hex), b->prev_chain, SD_CHAIN_BYTES);
	if (batch_meta(b, "format", SD_BATCH_FORMAT) != SD_OK ||
	    batch_meta(b, "channel_id", channel_id) != SD_OK ||
	    batch_meta(b, "store_id", store_id) != SD_OK ||
	    batch_meta(b, "prev_chain", hex) != SD_OK)
		return SD_E_IO;
	snprintf(num, sizeof(num), "%lld", b->first_seq);
	if (batch_meta(b, "first_seq", num) != SD_OK)
		return SD_E_IO;
	snprintf(num, sizeof(num), "%lld", b->last_seq);
	if (batch_meta(b, "last_seq", num) != SD_OK)
		return SD_E_IO;
	snprintf(num, sizeof(num), "%zu", b->count);
	if (batch_meta(b, "count", num) != SD_OK)
		return SD_E_IO;
	return sd_store_exec(b->db, "COMMIT");
}

static int copy_rows(sd_store *s, struct batch *b, long long from)
{
	sqlite3_stmt *st = NULL;
	int rc = SD_E_IO;
	int step;

	if (sqlite3_prepare_v2(s->db, "SELECT seq,receipt,day,size,envelope,"
	    "chain FROM envelopes WHERE seq>?1 ORDER BY seq", -1, &st,
	    NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_int64(st, 1, from);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		rc = batch_row(b, st);
		if (rc != SD_OK)
			goto out;
	}
	rc = step == SQLITE_DONE ? SD_OK : SD_E_IO;
out:
	sqlite3_finalize(st);
	return rc;
}

/* Snapshot read of the intake store into the batch at tmp. */
static int write_batch(sd_store *s, const char *tmp, struct batch *b)
{
	char channel_id[2 * SD_CHANNEL_ID_BYTES + 1];
	char store_id[2 * SD_STORE_ID_BYTES + 1];
	int rc;

	if (sd_store_exec(s->db, "BEGIN") != SD_OK)
		return SD_E_IO;
	rc = sd_store_meta_seq(s, "exported", &b->last_seq, b->prev_chain);
	if (rc != SD_OK)
		goto out;
	memcpy(b->chain, b->prev_chain, SD_CHAIN_BYTES);
	rc = sd_store_meta_get(s, "channel_id", channel_id,
	    sizeof(channel_id));
	if (rc == SD_E_INVAL) {
		fprintf(stderr, "sealdrop-server: export: this store has never "
		    "been served with a channel; start the server on it "
		    "first\n");
		rc = SD_E_FORMAT;
	}
	if (rc == SD_OK)
		rc = sd_store_meta_get(s, "store_id", store_id,
		    sizeof(store_id));
	if (rc != SD_OK)
		goto out;
	rc = batch_open(b, tmp);
	if (rc == SD_OK)
		rc = copy_rows(s, b, b->last_seq);
	if (rc == SD_OK)
		rc = batch_finish(b, channel_id, store_id);
out:
	sd_store_exec(s->db, "COMMIT");
	return rc;
}

static int sync_dir(const char *path)
{
	char dir[PATH_MAX];
	char *slash = NULL;
	int fd = -1;
	int rc = SD_E_IO;

	if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir))
		return SD_E_TOOBIG;
	slash = strrchr(dir, '/');
	if (slash == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0 && fsync(fd) == 0)
		rc = SD_OK;
	if (fd >= 0)
		close(fd);
	return rc;
}

static int publish(const char *tmp, const char *out, int force)
{
	if (force) {
		if (rename(tmp, out) != 0)
			return SD_E_IO;
	} else {
		/* link() refuses an existing name, unlike rename() */
		if (link(tmp, out) != 0)
			return errno == EEXIST ? SD_E_EXISTS : SD_E_IO;
		unlink(tmp);
	}
	return sync_dir(out);
}

/* Mark the exported rows, unless another export got there first. */
static int mark_exported(sd_store *s, const struct batch *b,
    long long from)
{
	uint8_t chain[SD_CHAIN_BYTES];
	char num[24];
	char hex[2 * SD_CHAIN_BYTES + 1];
	sqlite3_stmt *st = NULL;
	long long now = -1;
	int rc = SD_E_IO;

	if (sd_store_exec(s->db, "BEGIN IMMEDIATE") != SD_OK)
		return SD_E_IO;
	if (sd_store_meta_seq(s, "exported", &now, chain) != SD_OK)
		goto out;
	if (now != from) {
		fprintf(stderr, "sealdrop-server: export: another export ran "
		    "at the same time; run export again\n");
		rc = SD_E_INVAL;
		goto out;
	}
	if (sqlite3_prepare_v2(s->db, "UPDATE envelopes SET exported=1 "
	    "WHERE seq BETWEEN ?1 AND ?2", -1, &st, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_int64(st, 1, b->first_seq);
	sqlite3_bind_int64(st, 2, b->last_seq);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto out;
	snprintf(num, sizeof(num), "%lld", b->last_seq);
	sd_hex_encode(hex, sizeof(hex), b->chain, SD_CHAIN_BYTES);
	if (sd_store_meta_set(s, "exported_seq", num) != SD_OK ||
	    sd_store_meta_set(s, "exported_chain", hex) != SD_OK)
		goto out;
	rc = sd_store_exec(s->db, "COMMIT");
out:
	sqlite3_finalize(st);
	if (rc != SD_OK)
		sd_store_exec(s->db, "ROLLBACK");
	return rc;
}

int sd_store_export(sd_store *s, const char *out, int force, size_t *count)
{
	char tmp[PATH_MAX];
	struct batch b;
	long long from = 0;
	int fd = -1;
	int rc = SD_E_TOOBIG;

	memset(&b, 0, sizeof(b));
	*count = 0;
	tmp[0] = '\0';
	if (!force && access(out, F_OK) == 0) {
		rc = SD_E_EXISTS;
		goto out;
	}
	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", out) >= (int)sizeof(tmp))
		goto out;
	rc = SD_E_IO;
	fd = mkstemp(tmp);
	if (fd < 0) {
		tmp[0] = '\0';
		goto out;
	}
	close(fd);
	rc = write_batch(s, tmp, &b);
	from = b.last_seq - (long long)b.count;
	sqlite3_finalize(b.ins);
	b.ins = NULL;
	if (sqlite3_close(b.db) != SQLITE_OK && rc == SD_OK)
		rc = SD_E_IO;
	b.db = NULL;
	if (rc != SD_OK)
		goto out;
	/* nothing new: no empty batch to carry, nothing to mark */
	if (b.count == 0)
		goto out;
	rc = publish(tmp, out, force);
	if (rc != SD_OK)
		goto out;
	tmp[0] = '\0';
	rc = mark_exported(s, &b, from);
	if (rc != SD_OK) {
		unlink(out);
		goto out;
	}
	*count = b.count;
out:
	if (tmp[0] != '\0')
		unlink(tmp);
	sqlite3_finalize(b.ins);
	sqlite3_close(b.db);
	return rc;
}
