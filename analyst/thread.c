#include "thread.h"

#include <jansson.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sd_encode.h"
#include "sd_envelope.h"
#include "sd_err.h"
#include "sd_file.h"
#include "sd_mem.h"
#include "sd_open.h"
#include "sd_schema.h"

#define TAG_CONTEXT "sealdrop-analyst-thread/1"
/* What one outbox batch carries at most, so that its document stays well
 * inside SD_OUTBOX_MAX (base64 twice). */
#define OUTBOX_SEALED_BUDGET (SD_OUTBOX_MAX / 2)

static const char *const thread_sql =
    "CREATE TABLE IF NOT EXISTS fu_mailboxes("
    "  seq INTEGER PRIMARY KEY, tag BLOB NOT NULL, answer INTEGER NOT NULL,"
    "  in_reply_to TEXT);"
    "CREATE INDEX IF NOT EXISTS fu_mailboxes_tag ON fu_mailboxes(tag);"
    "CREATE TABLE IF NOT EXISTS fu_questions("
    "  id TEXT PRIMARY KEY, seq INTEGER NOT NULL, tag BLOB NOT NULL,"
    "  day TEXT NOT NULL, kept BLOB NOT NULL, sealed BLOB, mailbox BLOB,"
    "  batch TEXT, sent TEXT);";

static int
ensure(astore *s)
{
	return sqlite3_exec(astore_db(s), thread_sql, NULL, NULL, NULL) ==
	    SQLITE_OK ? SD_OK : SD_E_IO;
}

static int
have_tables(astore *s)
{
	sqlite3_stmt *q = NULL;
	int yes = 0;

	if (sqlite3_prepare_v2(astore_db(s), "SELECT count(*) FROM "
	    "sqlite_master WHERE type = 'table' AND name IN ('fu_mailboxes', "
	    "'fu_questions')", -1, &q, NULL) != SQLITE_OK)
		return 0;
	if (sqlite3_step(q) == SQLITE_ROW)
		yes = sqlite3_column_int(q, 0) == 2;
	sqlite3_finalize(q);
	return yes;
}

static void
tag_of(const sd_seckey *details, const uint8_t pk[SD_PK_BYTES],
    uint8_t tag[THREAD_TAG_BYTES])
{
	crypto_generichash_state st;

	crypto_generichash_init(&st, sd_seckey_sk(details), 32,
	    THREAD_TAG_BYTES);
	crypto_generichash_update(&st, (const uint8_t *)TAG_CONTEXT,
	    strlen(TAG_CONTEXT));
	crypto_generichash_update(&st, pk, SD_PK_BYTES);
	crypto_generichash_final(&st, tag, THREAD_TAG_BYTES);
	sodium_memzero(&st, sizeof(st));
}

void
thread_details_free(struct thread_details *d)
{
	if (d->text) {
		sodium_memzero(d->text, strlen(d->text));
		free(d->text);
	}
	memset(d, 0, sizeof(*d));
}

static void
parse_details(const uint8_t *plain, size_t len, struct thread_details *d)
{
	json_error_t jerr;
	json_t *o = json_loadb((const char *)plain, len, JSON_REJECT_DUPLICATES,
	    &jerr);
	const json_t *m, *v;
	size_t pklen = 0;

	if (!json_is_object(o))
		goto out;
	v = json_object_get(o, "schema");
	d->is_answer = json_is_string(v) &&
	    strcmp(json_string_value(v), SD_FOLLOWUP_SCHEMA_ID) == 0 &&
	    sd_schema_validate(SD_PART_FOLLOWUP_DETAILS, o, NULL, NULL) == 0;
	if (json_is_string(v) && !d->is_answer)
		goto out;               /* a broken answer places nothing */
	m = json_object_get(o, SD_DETAILS_MAILBOX);
	if (json_is_string(m) && sd_b64_decode(d->pk, sizeof(d->pk), &pklen,
	    json_string_value(m), json_string_length(m)) == SD_OK &&
	    pklen == SD_PK_BYTES)
		d->has_mailbox = 1;
	if (!d->is_answer)
		goto out;
	v = json_object_get(o, "in_reply_to");
	if (json_is_string(v))
		snprintf(d->in_reply_to, sizeof(d->in_reply_to), "%s",
		    json_string_value(v));
	v = json_object_get(o, "text");
	d->text = strdup(json_string_value(v));
out:
	json_decref(o);
}

int
thread_read(const struct astore_env *e, const sd_seckey *details,
    struct thread_details *d)
{
	struct sd_envelope_view v;
	uint8_t *plain = NULL;
	size_t i, len = 0;
	int rc;

	memset(d, 0, sizeof(*d));
	if ((rc = sd_envelope_parse(e->env, e->len, &v)) != SD_OK)
		return rc;
	for (i = 0; i < v.n_sections; i++)
		if (v.sec[i].type == SD_SEC_DETAILS)
			break;
	if (i == v.n_sections)
		return SD_E_NO_KEY;
	if ((rc = sd_envelope_open_section(&v, i, details, &plain, &len)) !=
	    SD_OK)
		return rc;
	parse_details(plain, len, d);
	sd_secret_free(plain);
	return SD_OK;
}

int
thread_record(astore *s, int64_t seq, const sd_seckey *details,
    const struct thread_details *d)
{
	uint8_t tag[THREAD_TAG_BYTES];
	sqlite3_stmt *q = NULL;
	int rc;

	if (!d->has_mailbox || !astore_writable(s))
		return SD_OK;
	if ((rc = ensure(s)) != SD_OK)
		return rc;
	tag_of(details, d->pk, tag);
	if (sqlite3_prepare_v2(astore_db(s), "INSERT OR REPLACE INTO "
	    "fu_mailboxes(seq, tag, answer, in_reply_to) VALUES(?1, ?2, ?3, ?4)",
	    -1, &q, NULL) != SQLITE_OK)
		return SD_E_IO;
	sqlite3_bind_int64(q, 1, seq);
	sqlite3_bind_blob(q, 2, tag, sizeof(tag), SQLITE_TRANSIENT);
	sqlite3_bind_int(q, 3, d->is_answer);
	if (d->in_reply_to[0])
		sqlite3_bind_text(q, 4, d->in_reply_to, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(q) == SQLITE_DONE ? SD_OK : SD_E_IO;
	sqlite3_finalize(q);
	return rc;
}

int
thread_record_env(astore *s, const struct astore_env *e,
    const sd_seckey *details)
{
	struct thread_details d;
	int rc = thread_read(e, details, &d);

	if (rc == SD_OK)
		rc = thread_record(s, e->seq, details, &d);
	else
		rc = SD_OK;     /* no details, or another key's: nothing known */
	thread_details_free(&d);
	return rc;
}

static int64_t
recorded_upto(astore *s)
{
	sqlite3_stmt *q = NULL;
	int64_t v = 0;

	if (sqlite3_prepare_v2(astore_db(s), "SELECT value FROM meta WHERE key = "
	    "'fu_recorded_upto'", -1, &q, NULL) != SQLITE_OK)
		return 0;
	if (sqlite3_step(q) == SQLITE_ROW)
		v = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return v;
}

int
thread_catch_up(astore *s, const sd_seckey *details, int all)
{
	sqlite3_stmt *q = NULL;
	struct astore_env e;
	int64_t last = 0;
	char sql[96];
	int rc = SD_OK;

	if (!astore_writable(s))
		return SD_OK;
	if (sqlite3_prepare_v2(astore_db(s), "SELECT seq, receipt FROM envelopes "
	    "WHERE seq > ?1 ORDER BY seq", -1, &q, NULL) != SQLITE_OK)
		return SD_E_IO;
	sqlite3_bind_int64(q, 1, all ? 0 : recorded_upto(s));
	while (rc == SD_OK && sqlite3_step(q) == SQLITE_ROW) {
		memset(&e, 0, sizeof(e));
		last = sqlite3_column_int64(q, 0);
		if (astore_find(s, (const char *)sqlite3_column_text(q, 1), &e) ==
		    SD_OK)
			rc = thread_record_env(s, &e, details);
		free(e.env);
	}
	sqlite3_finalize(q);
	if (rc == SD_OK && last > 0) {
		snprintf(sql, sizeof(sql), "INSERT OR REPLACE INTO meta VALUES("
		    "'fu_recorded_upto', '%lld')", (long long)last);
		rc = sqlite3_exec(astore_db(s), sql, NULL, NULL, NULL) ==
		    SQLITE_OK ? SD_OK : SD_E_IO;
	}
	return rc;
}

int
thread_queue(astore *s, int64_t seq, const sd_seckey *details,
    const uint8_t pk[SD_PK_BYTES], const char *id, const uint8_t *sealed,
    size_t len, const char *text, size_t textlen)
{
	uint8_t tag[THREAD_TAG_BYTES], mid[SD_MAILBOX_ID_BYTES], *kept = NULL;
	sqlite3_stmt *q = NULL;
	char today[11];
	int rc;

	if ((rc = ensure(s)) != SD_OK)
		return rc;
	if ((kept = malloc(textlen + crypto_box_SEALBYTES)) == NULL)
		return SD_E_NOMEM;
	crypto_box_seal(kept, (const uint8_t *)text, textlen,
	    sd_seckey_pk(details));
	tag_of(details, pk, tag);
	sd_mailbox_id_of(pk, mid);
	sd_today(today);
	rc = SD_E_IO;
	if (sqlite3_prepare_v2(astore_db(s), "INSERT INTO fu_questions(id, seq, "
	    "tag, day, kept, sealed, mailbox) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	    -1, &q, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_text(q, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(q, 2, seq);
	sqlite3_bind_blob(q, 3, tag, sizeof(tag), SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 4, today, -1, SQLITE_TRANSIENT);
	sqlite3_bind_blob(q, 5, kept, (int)(textlen + crypto_box_SEALBYTES),
	    SQLITE_TRANSIENT);
	sqlite3_bind_blob(q, 6, sealed, (int)len, SQLITE_TRANSIENT);
	sqlite3_bind_blob(q, 7, mid, sizeof(mid), SQLITE_TRANSIENT);
	if (sqlite3_step(q) == SQLITE_DONE)
		rc = SD_OK;
out:
	sqlite3_finalize(q);
	free(kept);
	return rc;
}

/* --- outbox -------------------------------------------------------------- */

struct waiting {
	char (*ids)[SD_MSG_ID_HEX];
	struct sd_outbox_item *items;
	uint8_t **own;
	size_t n, cap, left;
};

static void
waiting_free(struct waiting *w)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		free(w->own[i]);
	free(w->own);
	free(w->items);
	free(w->ids);
	memset(w, 0, sizeof(*w));
}

static int
waiting_load(astore *s, struct waiting *w)
{
	sqlite3_stmt *q = NULL;
	size_t used = 0, len;
	int rc = SD_OK, step;

	if (sqlite3_prepare_v2(astore_db(s), "SELECT id, mailbox, sealed FROM "
	    "fu_questions WHERE sent IS NULL ORDER BY day, id", -1, &q, NULL) !=
	    SQLITE_OK)
		return SD_E_IO;
	while ((step = sqlite3_step(q)) == SQLITE_ROW) {
		len = (size_t)sqlite3_column_bytes(q, 2);
		if (w->n == SD_OUTBOX_ITEMS_MAX || used + len >
		    OUTBOX_SEALED_BUDGET || sqlite3_column_bytes(q, 1) !=
		    SD_MAILBOX_ID_BYTES) {
			w->left++;
			continue;
		}
		if (w->n == w->cap) {
			size_t c = w->cap ? 2 * w->cap : 16;
			void *a = realloc(w->ids, c * sizeof(*w->ids));

			if (a == NULL) {
				rc = SD_E_NOMEM;
				break;
			}
			w->ids = a;
			if ((a = realloc(w->items, c * sizeof(*w->items))) == NULL) {
				rc = SD_E_NOMEM;
				break;
			}
			w->items = a;
			if ((a = realloc(w->own, c * sizeof(*w->own))) == NULL) {
				rc = SD_E_NOMEM;
				break;
			}
			w->own = a;
			w->cap = c;
		}
		if ((w->own[w->n] = malloc(len ? len : 1)) == NULL) {
			rc = SD_E_NOMEM;
			break;
		}
		memcpy(w->own[w->n], sqlite3_column_blob(q, 2), len);
		snprintf(w->ids[w->n], SD_MSG_ID_HEX, "%s",
		    (const char *)sqlite3_column_text(q, 0));
		memcpy(w->items[w->n].mailbox, sqlite3_column_blob(q, 1),
		    SD_MAILBOX_ID_BYTES);
		w->items[w->n].sealed = w->own[w->n];
		w->items[w->n].len = len;
		w->n++;
		used += len;
	}
	if (rc == SD_OK && step != SQLITE_DONE)
		rc = SD_E_IO;
	sqlite3_finalize(q);
	return rc;
}

static int
mark_sent(astore *s, const struct waiting *w, const char *batch)
{
	sqlite3_stmt *q = NULL;
	char today[11];
	size_t i;
	int rc = SD_OK;

	sd_today(today);
	if (sqlite3_prepare_v2(astore_db(s), "UPDATE fu_questions SET sent = ?1, "
	    "batch = ?2, sealed = NULL, mailbox = NULL WHERE id = ?3", -1, &q,
	    NULL) != SQLITE_OK)
		return SD_E_IO;
	for (i = 0; i < w->n && rc == SD_OK; i++) {
		sqlite3_bind_text(q, 1, today, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(q, 2, batch, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(q, 3, w->ids[i], -1, SQLITE_TRANSIENT);
		if (sqlite3_step(q) != SQLITE_DONE || sqlite3_changes(
		    astore_db(s)) != 1)
			rc = SD_E_IO;
		sqlite3_reset(q);
	}
	sqlite3_finalize(q);
	return rc;
}

int
thread_outbox(astore *s, const sd_seckey *ack, const char *path, int force,
    size_t *n, size_t *left, char batch_id[SD_MSG_ID_HEX])
{
	struct astore_tip tip;
	struct waiting w;
	uint8_t ch[16];
	char *doc = NULL;
	size_t doclen = 0, chlen = 0;
	int rc;

	*n = *left = 0;
	memset(&w, 0, sizeof(w));
	if (!have_tables(s))
		return SD_OK;
	if ((rc = astore_tip(s, &tip)) != SD_OK)
		return rc;
	if (tip.empty || sd_hex_decode(ch, sizeof(ch), &chlen, tip.channel_id,
	    strlen(tip.channel_id)) != SD_OK || chlen != sizeof(ch))
		return SD_E_FORMAT;
	if ((rc = astore_begin(s)) != SD_OK)
		return rc;
	if ((rc = waiting_load(s, &w)) != SD_OK || w.n == 0)
		goto out;
	if ((rc = sd_outbox_create(ack, ch, NULL, w.items, w.n, batch_id, &doc,
	    &doclen)) != SD_OK ||
	    (rc = mark_sent(s, &w, batch_id)) != SD_OK)
		goto out;
	/* the file first: if it cannot be written, nothing is marked sent */
	if ((rc = sd_file_write(path, doc, doclen, 0600, force)) != SD_OK)
		goto out;
	if ((rc = astore_commit(s)) != SD_OK) {
		unlink(path);
		goto out;
	}
	*n = w.n;
	*left = w.left;
	w.left = 0;
out:
	if (rc != SD_OK || *n == 0)
		astore_rollback(s);
	if (rc == SD_OK && *n == 0)
		*left = w.left;
	free(doc);
	waiting_free(&w);
	return rc;
}

/* --- reading threads ----------------------------------------------------- */

static size_t
count(astore *s, const char *sql, int64_t seq)
{
	sqlite3_stmt *q = NULL;
	size_t n = 0;

	if (sqlite3_prepare_v2(astore_db(s), sql, -1, &q, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_int64(q, 1, seq);
	if (sqlite3_step(q) == SQLITE_ROW)
		n = (size_t)sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return n;
}

int
thread_info(astore *s, int64_t seq, struct thread_info *ti)
{
	sqlite3_stmt *q = NULL;

	memset(ti, 0, sizeof(*ti));
	if (!have_tables(s))
		return SD_OK;
	if (sqlite3_prepare_v2(astore_db(s), "SELECT answer, (SELECT min(r.seq) "
	    "FROM fu_mailboxes r WHERE r.tag = m.tag AND r.answer = 0) FROM "
	    "fu_mailboxes m WHERE m.seq = ?1", -1, &q, NULL) != SQLITE_OK)
		return SD_E_IO;
	sqlite3_bind_int64(q, 1, seq);
	if (sqlite3_step(q) == SQLITE_ROW) {
		ti->known = ti->has_mailbox = 1;
		ti->is_answer = sqlite3_column_int(q, 0);
		ti->answer_to = ti->is_answer ? sqlite3_column_int64(q, 1) : 0;
	}
	sqlite3_finalize(q);
	if (!ti->known || ti->is_answer)
		return SD_OK;
	ti->questions = count(s, "SELECT count(*) FROM fu_questions WHERE tag = "
	    "(SELECT tag FROM fu_mailboxes WHERE seq = ?1)", seq);
	ti->waiting = count(s, "SELECT count(*) FROM fu_questions WHERE sent IS "
	    "NULL AND tag = (SELECT tag FROM fu_mailboxes WHERE seq = ?1)", seq);
	ti->answers = count(s, "SELECT count(*) FROM fu_mailboxes WHERE answer = "
	    "1 AND tag = (SELECT tag FROM fu_mailboxes WHERE seq = ?1)", seq);
	return SD_OK;
}

static void
print_question(sqlite3_stmt *q, const sd_seckey *details,
    void (*print_text)(const char *))
{
	const uint8_t *b = sqlite3_column_blob(q, 2);
	size_t n = (size_t)sqlite3_column_bytes(q, 2);
	const unsigned char *sent = sqlite3_column_text(q, 3);
	char *text = NULL;

	printf("\nQuestion %s, written %s, %s%s\n", sqlite3_column_text(q, 0),
	    sqlite3_column_text(q, 1), sent ? "sent in the outbox of " :
	    "waiting for the outbox", sent ? (const char *)sent : "");
	if (b != NULL && n >= crypto_box_SEALBYTES &&
	    (text = calloc(1, n - crypto_box_SEALBYTES + 1)) != NULL &&
	    crypto_box_seal_open((uint8_t *)text, b, n, sd_seckey_pk(details),
	    sd_seckey_sk(details)) == 0) {
		print_text(text);
		printf("\n");
		sodium_memzero(text, n - crypto_box_SEALBYTES);
	} else
		printf("(its text is sealed to another details key)\n");
	free(text);
}

static void
print_answer(astore *s, sqlite3_stmt *q, const sd_seckey *details,
    void (*print_text)(const char *))
{
	struct astore_env e;
	struct thread_details d;
	const unsigned char *receipt = sqlite3_column_text(q, 0);

	memset(&e, 0, sizeof(e));
	printf("\nAnswer %s, received %s", receipt, sqlite3_column_text(q, 1));
	if (sqlite3_column_text(q, 2))
		printf(", to question %s", sqlite3_column_text(q, 2));
	printf("\n");
	if (astore_find(s, (const char *)receipt, &e) == SD_OK &&
	    thread_read(&e, details, &d) == SD_OK && d.is_answer) {
		print_text(d.text ? d.text : "");
		printf("\n");
		thread_details_free(&d);
	} else
		printf("(does not open with this details key)\n");
	free(e.env);
}

int
thread_print(astore *s, int64_t seq, const sd_seckey *details,
    void (*print_text)(const char *))
{
	struct thread_info ti;
	sqlite3_stmt *q = NULL;
	int rc;

	if ((rc = thread_info(s, seq, &ti)) != SD_OK)
		return rc;
	printf("\n== Follow-up ==\n");
	if (!ti.known) {
		printf("No follow-up mailbox (the reporter's tool did not give "
		    "one).\n");
		return SD_OK;
	}
	if (ti.is_answer) {
		printf("This is an answer of a reporter%s.\n", ti.answer_to ?
		    "; its thread is under the report it answers" : ", to a "
		    "report not recorded yet (run list --key)");
		if (ti.answer_to == 0)
			return SD_OK;
		seq = ti.answer_to;
	}
	printf("%zu question%s (%zu waiting for the outbox), %zu answer%s.\n",
	    ti.questions, ti.questions == 1 ? "" : "s", ti.waiting, ti.answers,
	    ti.answers == 1 ? "" : "s");
	if (sqlite3_prepare_v2(astore_db(s), "SELECT id, day, kept, sent FROM "
	    "fu_questions WHERE tag = (SELECT tag FROM fu_mailboxes WHERE seq = "
	    "?1) ORDER BY day, rowid", -1, &q, NULL) != SQLITE_OK)
		return SD_E_IO;
	sqlite3_bind_int64(q, 1, seq);
	while (sqlite3_step(q) == SQLITE_ROW)
		print_question(q, details, print_text);
	sqlite3_finalize(q);
	if (sqlite3_prepare_v2(astore_db(s), "SELECT e.receipt, e.day, "
	    "m.in_reply_to FROM fu_mailboxes m JOIN envelopes e ON e.seq = "
	    "m.seq WHERE m.answer = 1 AND m.tag = (SELECT tag FROM fu_mailboxes "
	    "WHERE seq = ?1) ORDER BY m.seq", -1, &q, NULL) != SQLITE_OK)
		return SD_E_IO;
	sqlite3_bind_int64(q, 1, seq);
	while (sqlite3_step(q) == SQLITE_ROW)
		print_answer(s, q, details, print_text);
	sqlite3_finalize(q);
	return SD_OK;
}
