#include "review.h"

#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sd_encode.h"
#include "sd_err.h"

static const char *const review_sql =
    "CREATE TABLE IF NOT EXISTS reviews("
    "  seq INTEGER PRIMARY KEY, state TEXT, day TEXT, reason BLOB,"
    "  opened INTEGER NOT NULL DEFAULT 0);";

static int
ensure(sqlite3 *db)
{
	return sqlite3_exec(db, review_sql, NULL, NULL, NULL) == SQLITE_OK ?
	    SD_OK : SD_E_IO;
}

static int
has_table(sqlite3 *db, const char *name, int *yes)
{
	sqlite3_stmt *st = NULL;
	int rc = SD_E_IO, step;

	*yes = 0;
	if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type = "
	    "'table' AND name = ?1", -1, &st, NULL) != SQLITE_OK)
		return SD_E_IO;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW || step == SQLITE_DONE) {
		*yes = step == SQLITE_ROW;
		rc = SD_OK;
	}
	sqlite3_finalize(st);
	return rc;
}

const char *
review_state_name(enum review_state st)
{
	return st == REVIEW_ACCEPTED ? "accepted" : st == REVIEW_REJECTED ?
	    "rejected" : "not reviewed";
}

static enum review_state
state_of(const unsigned char *t)
{
	if (t == NULL)
		return REVIEW_NONE;
	if (strcmp((const char *)t, "accepted") == 0)
		return REVIEW_ACCEPTED;
	if (strcmp((const char *)t, "rejected") == 0)
		return REVIEW_REJECTED;
	return REVIEW_NONE;
}

int
review_set(astore *s, int64_t seq, enum review_state st, const char *reason,
    const sd_seckey *key)
{
	sqlite3 *db = astore_db(s);
	sqlite3_stmt *q = NULL;
	unsigned char *sealed = NULL;
	size_t len = reason ? strlen(reason) : 0;
	char today[11];
	int rc;

	if (st == REVIEW_NONE || len > REVIEW_REASON_MAX)
		return SD_E_INVAL;
	if ((rc = ensure(db)) != SD_OK)
		return rc;
	if (reason != NULL) {
		if ((sealed = malloc(len + crypto_box_SEALBYTES)) == NULL)
			return SD_E_NOMEM;
		crypto_box_seal(sealed, (const unsigned char *)reason, len,
		    sd_seckey_pk(key));
	}
	sd_today(today);
	rc = SD_E_IO;
	if (sqlite3_prepare_v2(db, "INSERT INTO reviews(seq, state, day, "
	    "reason, opened) VALUES(?1, ?2, ?3, ?4, 1) ON CONFLICT(seq) DO "
	    "UPDATE SET state = ?2, day = ?3, reason = ?4, opened = 1", -1, &q,
	    NULL) != SQLITE_OK)
		goto done;
	sqlite3_bind_int64(q, 1, seq);
	sqlite3_bind_text(q, 2, review_state_name(st), -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, today, -1, SQLITE_STATIC);
	if (sealed != NULL)
		sqlite3_bind_blob(q, 4, sealed, (int)(len + crypto_box_SEALBYTES),
		    SQLITE_STATIC);
	if (sqlite3_step(q) == SQLITE_DONE)
		rc = SD_OK;
done:
	sqlite3_finalize(q);
	free(sealed);
	return rc;
}

int
review_opened(astore *s, int64_t seq)
{
	sqlite3 *db = astore_db(s);
	sqlite3_stmt *q = NULL;
	int rc;

	if ((rc = ensure(db)) != SD_OK)
		return rc;
	if (sqlite3_prepare_v2(db, "INSERT INTO reviews(seq, opened) VALUES(?1, "
	    "1) ON CONFLICT(seq) DO UPDATE SET opened = 1", -1, &q, NULL) !=
	    SQLITE_OK)
		return SD_E_IO;
	sqlite3_bind_int64(q, 1, seq);
	rc = sqlite3_step(q) == SQLITE_DONE ? SD_OK : SD_E_IO;
	sqlite3_finalize(q);
	return rc;
}

static void
copy_text(sqlite3_stmt *q, int col, char *out, size_t cap)
{
	const unsigned char *t = sqlite3_column_text(q, col);

	snprintf(out, cap, "%s", t ? (const char *)t : "");
}

static void
row_of(sqlite3_stmt *q, struct review_row *r)
{
	memset(r, 0, sizeof(*r));
	r->seq = sqlite3_column_int64(q, 0);
	copy_text(q, 1, r->receipt, sizeof(r->receipt));
	copy_text(q, 2, r->day, sizeof(r->day));
	r->state = state_of(sqlite3_column_text(q, 3));
	copy_text(q, 4, r->reviewed, sizeof(r->reviewed));
	r->opened = sqlite3_column_int(q, 5) != 0;
}

int
review_each(astore *s, int (*fn)(void *ctx, const struct review_row *r),
    void *ctx)
{
	sqlite3 *db = astore_db(s);
	sqlite3_stmt *q = NULL;
	struct review_row r;
	int rc = SD_OK, step, yes = 0;

	if ((rc = has_table(db, "reviews", &yes)) != SD_OK)
		return rc;
	if (sqlite3_prepare_v2(db, yes ? "SELECT e.seq, e.receipt, e.day, "
	    "r.state, r.day, r.opened FROM envelopes e LEFT JOIN reviews r ON "
	    "r.seq = e.seq ORDER BY e.seq" : "SELECT seq, receipt, day, NULL, "
	    "NULL, 0 FROM envelopes ORDER BY seq", -1, &q, NULL) != SQLITE_OK)
		return SD_E_IO;
	while (rc == SD_OK && (step = sqlite3_step(q)) == SQLITE_ROW) {
		row_of(q, &r);
		rc = fn(ctx, &r);
	}
	if (rc == SD_OK && step != SQLITE_DONE)
		rc = SD_E_IO;
	sqlite3_finalize(q);
	return rc;
}

int
review_get(astore *s, int64_t seq, const sd_seckey *key,
    struct review_row *out, char **reason)
{
	sqlite3 *db = astore_db(s);
	sqlite3_stmt *q = NULL;
	int rc = SD_OK, yes = 0;

	*reason = NULL;
	memset(out, 0, sizeof(*out));
	out->seq = seq;
	if ((rc = has_table(db, "reviews", &yes)) != SD_OK || !yes)
		return rc;
	if (sqlite3_prepare_v2(db, "SELECT seq, '', '', state, day, opened, "
	    "reason FROM reviews WHERE seq = ?1", -1, &q, NULL) != SQLITE_OK)
		return SD_E_IO;
	sqlite3_bind_int64(q, 1, seq);
	if (sqlite3_step(q) == SQLITE_ROW) {
		const unsigned char *b = sqlite3_column_blob(q, 6);
		size_t n = (size_t)sqlite3_column_bytes(q, 6);
		row_of(q, out);
		if (key != NULL && b != NULL && n >= crypto_box_SEALBYTES &&
		    n - crypto_box_SEALBYTES <= REVIEW_REASON_MAX &&
		    (*reason = calloc(1, n - crypto_box_SEALBYTES + 1)) != NULL &&
		    crypto_box_seal_open((unsigned char *)*reason, b, n,
		    sd_seckey_pk(key), sd_seckey_sk(key)) != 0) {
			free(*reason);
			*reason = NULL;
		}
	}
	sqlite3_finalize(q);
	return rc;
}

int
review_policy(astore *s, int *on)
{
	sqlite3 *db = astore_db(s);
	sqlite3_stmt *q = NULL;

	*on = 0;
	if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = "
	    "'review_policy'", -1, &q, NULL) != SQLITE_OK)
		return SD_E_IO;
	if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_text(q, 0) != NULL)
		*on = strcmp((const char *)sqlite3_column_text(q, 0), "on") == 0;
	sqlite3_finalize(q);
	return SD_OK;
}

int
review_set_policy(astore *s, int on)
{
	sqlite3 *db = astore_db(s);

	return sqlite3_exec(db, on ? "INSERT OR REPLACE INTO meta VALUES("
	    "'review_policy', 'on')" : "INSERT OR REPLACE INTO meta VALUES("
	    "'review_policy', 'off')", NULL, NULL, NULL) == SQLITE_OK ? SD_OK :
	    SD_E_IO;
}

int
review_accepted(astore *s, struct seqset *out)
{
	sqlite3 *db = astore_db(s);
	sqlite3_stmt *q = NULL;
	int rc = SD_OK, yes = 0, step;

	seqset_init(out);
	if ((rc = has_table(db, "reviews", &yes)) != SD_OK || !yes)
		return rc;
	if (sqlite3_prepare_v2(db, "SELECT seq FROM reviews WHERE state = "
	    "'accepted' ORDER BY seq", -1, &q, NULL) != SQLITE_OK)
		return SD_E_IO;
	while (rc == SD_OK && (step = sqlite3_step(q)) == SQLITE_ROW)
		rc = seqset_add(out, sqlite3_column_int64(q, 0));
	if (rc == SD_OK && step != SQLITE_DONE)
		rc = SD_E_IO;
	sqlite3_finalize(q);
	return rc;
}
