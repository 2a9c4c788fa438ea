/* Export batches as `sealdrop-analyst ingest` opens them: an SQLite file
 * that comes from the online intake host, ingested into a fresh analyst
 * store in memory with every check ingest makes (SQLite defences, the
 * shape of the tables, quick_check, the meta, the chain, each envelope's
 * structure and receipt).
 *
 * An input is the file's bytes, written to a scratch file. An input that
 * starts with "SQL\n" is instead run as SQL on a new database file (a few
 * statements only: no PRAGMA, ATTACH or VACUUM, a bound on the work), which
 * is then ingested: random bytes rarely make a valid SQLite file, and this
 * reaches ingest's own checks of the meta and the rows with files SQLite
 * accepts. The .sql seeds of corpus/batch/ are the .sqlite ones as
 * `sqlite3 .dump` writes them.
 *
 * With an odd input length the store first holds the seed batch
 * corpus/batch/first.sqlite, so that the checks of continuity with earlier
 * batches are reached too. Checks: a refused batch leaves the store's chain
 * as it was and says why; a batch taken accounts for every one of its
 * rows. */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "astore.h"
#include "fuzz.h"
#include "ingest.h"
#include "sd_err.h"

#define SQL_STEPS 200000     /* virtual machine steps, in units of 1000 */

static int
allow(void *ctx, int action, const char *a, const char *b, const char *db,
    const char *trigger)
{
	(void)ctx; (void)a; (void)b; (void)db; (void)trigger;
	switch (action) {
	case SQLITE_CREATE_TABLE: case SQLITE_CREATE_INDEX: case SQLITE_INSERT:
	case SQLITE_UPDATE: case SQLITE_DELETE: case SQLITE_READ:
	case SQLITE_SELECT: case SQLITE_FUNCTION: case SQLITE_TRANSACTION:
	case SQLITE_DROP_TABLE: case SQLITE_DROP_INDEX: case SQLITE_ALTER_TABLE:
	case SQLITE_SAVEPOINT: case SQLITE_RECURSIVE:
		return SQLITE_OK;
	default:
		return SQLITE_DENY;
	}
}

static int
progress(void *ctx)
{
	int *left = ctx;

	return --*left <= 0;
}

/* A database file made by running the input's SQL; NULL if none. */
static const char *
from_sql(const uint8_t *data, size_t size)
{
	const char *path = fz_path("sql.sqlite");
	char *sql = fz_strdup(data + 4, size - 4);
	sqlite3 *db = NULL;
	int left = SQL_STEPS;

	unlink(path);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
	    NULL) != SQLITE_OK ||
	    sqlite3_exec(db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF",
	    NULL, NULL, NULL) != SQLITE_OK) {
		sqlite3_close(db);
		free(sql);
		return NULL;
	}
	sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, 0);
	sqlite3_limit(db, SQLITE_LIMIT_LENGTH, 1 << 20);
	sqlite3_set_authorizer(db, allow, NULL);
	sqlite3_progress_handler(db, 1000, progress, &left);
	(void)sqlite3_exec(db, sql, NULL, NULL, NULL);
	sqlite3_close(db);
	free(sql);
	return path;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ingest_result res;
	struct astore_tip before, after;
	astore *s = NULL;
	const char *path;
	int rc;

	fz_init();
	memset(&before, 0, sizeof(before));
	memset(&after, 0, sizeof(after));
	if (size >= 4 && memcmp(data, "SQL\n", 4) == 0)
		path = from_sql(data, size);
	else
		path = fz_file("batch.sqlite", data, size);
	if (path == NULL)
		return 0;
	if (astore_open(":memory:", ASTORE_CREATE, &s) != SD_OK)
		abort();
	if (size % 2 == 1 && ingest_batch(s, fz_source("fuzz/corpus/batch/"
	    "first.sqlite"), &res) != SD_OK)
		abort();
	if (astore_tip(s, &before) != SD_OK)
		abort();
	rc = ingest_batch(s, path, &res);
	if (astore_tip(s, &after) != SD_OK)
		abort();
	if (rc == SD_OK) {
		if (res.added + res.skipped != res.rows || res.refused[0] != '\0')
			abort();
	} else if (res.refused[0] == '\0' || res.added != 0 ||
	    after.empty != before.empty || after.seq != before.seq ||
	    memcmp(after.chain, before.chain, sizeof(after.chain)) != 0)
		abort();
	astore_close(s);
	return 0;
}
