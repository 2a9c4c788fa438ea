#include "mailbox.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <sqlite3.h>

#include "sd_encode.h"
#include "sd_err.h"
#include "store_int.h"

struct sd_mbox {
	pthread_mutex_t mu;
	sqlite3 *db;
	sqlite3_stmt *select;
};

int sd_mbox_open(const char *path, sd_mbox **out)
{
	sd_mbox *m = NULL;
	int rc = SD_E_NOMEM;

	*out = NULL;
	m = calloc(1, sizeof(*m));
	if (m == NULL)
		return rc;
	pthread_mutex_init(&m->mu, NULL);
	rc = SD_E_IO;
	if (sqlite3_open_v2(path, &m->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
	    sd_store_harden(m->db) != SD_OK ||
	    sqlite3_prepare_v3(m->db, "SELECT sealed FROM mailbox_messages "
	    "WHERE mailbox=?1 AND expires>?2 LIMIT ?3", -1,
	    SQLITE_PREPARE_PERSISTENT, &m->select, NULL) != SQLITE_OK)
		goto fail;
	*out = m;
	return SD_OK;
fail:
	sd_mbox_close(m);
	return rc;
}

void sd_mbox_close(sd_mbox *m)
{
	if (m == NULL)
		return;
	sqlite3_finalize(m->select);
	sqlite3_close(m->db);
	pthread_mutex_destroy(&m->mu);
	free(m);
}

int sd_mbox_id_parse(const char *s, size_t len,
    uint8_t id[SD_MAILBOX_ID_BYTES])
{
	char low[2 * SD_MAILBOX_ID_BYTES];
	size_t i, n = 0;

	if (len != sizeof(low))
		return SD_E_INVAL;
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (c >= 'A' && c <= 'F')
			c = (char)(c - 'A' + 'a');
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return SD_E_INVAL;
		low[i] = c;
	}
	if (sd_hex_decode(id, SD_MAILBOX_ID_BYTES, &n, low, len) != SD_OK ||
	    n != SD_MAILBOX_ID_BYTES)
		return SD_E_INVAL;
	return SD_OK;
}

/* 1 when the batch id was taken before, 0 when not, SD_E_IO */
static int taken_before(sqlite3 *db, const char *batch_id)
{
	sqlite3_stmt *st = NULL;
	int rc = SD_E_IO;

	if (sqlite3_prepare_v2(db, "SELECT 1 FROM outbox_batches WHERE "
	    "batch_id=?1", -1, &st, NULL) != SQLITE_OK)
		return rc;
	sqlite3_bind_text(st, 1, batch_id, -1, SQLITE_STATIC);
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		rc = 1;
		break;
	case SQLITE_DONE:
		rc = 0;
		break;
	default:
		break;
	}
	sqlite3_finalize(st);
	return rc;
}

static int store_batch(sqlite3 *db, const sd_outbox *ob, const char *expires)
{
	sqlite3_stmt *st = NULL;
	size_t i;
	int rc = SD_E_IO;

	if (sqlite3_prepare_v2(db, "INSERT INTO outbox_batches(batch_id) "
	    "VALUES(?1)", -1, &st, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_text(st, 1, sd_outbox_batch_id(ob), -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto out;
	sqlite3_finalize(st);
	st = NULL;
	if (sqlite3_prepare_v2(db, "INSERT INTO mailbox_messages(mailbox,"
	    "sealed,expires) VALUES(?1,?2,?3)", -1, &st, NULL) != SQLITE_OK)
		goto out;
	for (i = 0; i < sd_outbox_count(ob); i++) {
		const struct sd_outbox_item *it = sd_outbox_item(ob, i);

		sqlite3_bind_blob(st, 1, it->mailbox, SD_MAILBOX_ID_BYTES,
		    SQLITE_STATIC);
		sqlite3_bind_blob64(st, 2, it->sealed, it->len, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, expires, 10, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			goto out;
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
	}
	rc = SD_OK;
out:
	sqlite3_finalize(st);
	return rc;
}

/* today + days, by SQLite's calendar */
static int expiry_day(sqlite3 *db, unsigned days, char out[11])
{
	char today[11], mod[32];
	sqlite3_stmt *st = NULL;
	const unsigned char *d;
	int rc = SD_E_IO;

	sd_today(today);
	snprintf(mod, sizeof(mod), "+%u days", days);
	if (sqlite3_prepare_v2(db, "SELECT date(?1,?2)", -1, &st, NULL) !=
	    SQLITE_OK)
		return rc;
	sqlite3_bind_text(st, 1, today, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, mod, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW &&
	    (d = sqlite3_column_text(st, 0)) != NULL &&
	    strlen((const char *)d) == 10) {
		memcpy(out, d, 11);
		rc = SD_OK;
	}
	sqlite3_finalize(st);
	return rc;
}

int sd_mbox_take(sd_mbox *m, const char *doc, size_t len,
    const struct sd_mbox_signer *signers, size_t n_signers,
    unsigned retention_days, struct sd_mbox_taken *res)
{
	uint8_t pks[2 * SD_PK_BYTES];
	sd_outbox *ob = NULL;
	const struct sd_mbox_signer *who = NULL;
	size_t i;
	int rc;

	memset(res, 0, sizeof(*res));
	if (n_signers == 0 || n_signers > 2)
		return SD_E_INVAL;
	for (i = 0; i < n_signers; i++)
		memcpy(pks + i * SD_PK_BYTES, signers[i].ack_pk, SD_PK_BYTES);
	rc = sd_outbox_verify(doc, len, pks, n_signers, &ob);
	if (rc != SD_OK)
		return rc;
	for (i = 0; i < n_signers && who == NULL; i++) {
		if (memcmp(sd_outbox_signer(ob), signers[i].ack_pk,
		    SD_PK_BYTES) == 0)
			who = &signers[i];
	}
	rc = SD_E_CHANNEL;
	if (who == NULL || memcmp(sd_outbox_channel_id(ob), who->channel_id,
	    SD_CHANNEL_ID_BYTES) != 0)
		goto out;
	snprintf(res->batch_id, sizeof(res->batch_id), "%s",
	    sd_outbox_batch_id(ob));
	pthread_mutex_lock(&m->mu);
	rc = expiry_day(m->db, retention_days, res->expires);
	if (rc == SD_OK)
		rc = sd_store_exec(m->db, "BEGIN IMMEDIATE");
	if (rc == SD_OK) {
		rc = taken_before(m->db, res->batch_id);
		if (rc == 1)
			rc = SD_E_EXISTS;
		else if (rc == 0)
			rc = store_batch(m->db, ob, res->expires);
		if (rc == SD_OK)
			rc = sd_store_exec(m->db, "COMMIT");
		if (rc != SD_OK)
			sd_store_exec(m->db, "ROLLBACK");
	}
	pthread_mutex_unlock(&m->mu);
	if (rc == SD_OK)
		res->count = sd_outbox_count(ob);
out:
	sd_outbox_free(ob);
	return rc;
}

static void free_refs(struct sd_sealed_ref *refs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free((void *)(uintptr_t)refs[i].data);
	free(refs);
}

int sd_mbox_fetch(sd_mbox *m, const uint8_t id[SD_MAILBOX_ID_BYTES],
    uint8_t **blob, size_t *len)
{
	struct sd_sealed_ref *refs = NULL;
	char today[11];
	size_t n = 0;
	int step, rc = SD_E_IO;

	*blob = NULL;
	*len = 0;
	sd_today(today);
	refs = calloc(SD_MBOX_BLOB_ITEMS_MAX, sizeof(*refs));
	if (refs == NULL)
		return SD_E_NOMEM;
	pthread_mutex_lock(&m->mu);
	sqlite3_bind_blob(m->select, 1, id, SD_MAILBOX_ID_BYTES,
	    SQLITE_STATIC);
	sqlite3_bind_text(m->select, 2, today, 10, SQLITE_STATIC);
	sqlite3_bind_int(m->select, 3, SD_MBOX_BLOB_ITEMS_MAX);
	while ((step = sqlite3_step(m->select)) == SQLITE_ROW) {
		const void *d = sqlite3_column_blob(m->select, 0);
		size_t dl = (size_t)sqlite3_column_bytes(m->select, 0);
		uint8_t *copy = malloc(dl > 0 ? dl : 1);

		if (copy == NULL)
			break;
		if (dl > 0)
			memcpy(copy, d, dl);
		refs[n].data = copy;
		refs[n].len = dl;
		n++;
	}
	sqlite3_reset(m->select);
	sqlite3_clear_bindings(m->select);
	pthread_mutex_unlock(&m->mu);
	if (step != SQLITE_DONE)
		goto out;
	rc = sd_mbox_blob_build(refs, n, blob, len);
out:
	free_refs(refs, n);
	return rc;
}

int sd_mbox_expire(sd_mbox *m, size_t *deleted)
{
	sqlite3_stmt *st = NULL;
	char today[11];
	int rc = SD_E_IO;

	sd_today(today);
	pthread_mutex_lock(&m->mu);
	if (sqlite3_prepare_v2(m->db, "DELETE FROM mailbox_messages WHERE "
	    "expires<=?1", -1, &st, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_text(st, 1, today, 10, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_DONE) {
		rc = SD_OK;
		if (deleted != NULL)
			*deleted = (size_t)sqlite3_changes(m->db);
	}
out:
	sqlite3_finalize(st);
	pthread_mutex_unlock(&m->mu);
	return rc;
}
