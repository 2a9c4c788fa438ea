/* Purge of exported rows named in an ack signed by the channel's ack key
 * (docs/intake-batch.md). Rows never exported are kept whatever the ack
 * says, so a stolen ack key cannot destroy reports before the analysts
 * hold them. */
#include "store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "sd_encode.h"
#include "sd_err.h"
#include "sd_signed.h"

#define ACK_KEYFIELD "ack_key"

static int ack_key(sd_store *s, uint8_t pk[SD_PK_BYTES])
{
	char b64[SD_B64_LEN(SD_PK_BYTES) + 8];
	size_t n = 0;
	int rc;

	rc = sd_store_meta_get(s, "ack_key", b64, sizeof(b64));
	if (rc == SD_E_INVAL || (rc == SD_OK && b64[0] == '\0')) {
		fprintf(stderr, "sealdrop-server: purge: the channel served "
		    "with this store names no ack_key; publish a channel with "
		    "--ack-key and restart the server\n");
		return SD_E_FORMAT;
	}
	if (rc != SD_OK)
		return rc;
	if (sd_b64_decode(pk, SD_PK_BYTES, &n, b64, strlen(b64)) != SD_OK ||
	    n != SD_PK_BYTES)
		return SD_E_FORMAT;
	return SD_OK;
}

static int known_channel(sd_store *s, const char *id)
{
	sqlite3_stmt *st = NULL;
	int rc = SD_E_IO;

	if (sqlite3_prepare_v2(s->db, "SELECT 1 FROM channels WHERE "
	    "channel_id=?1", -1, &st, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		rc = SD_OK;
		break;
	case SQLITE_DONE:
		fprintf(stderr, "sealdrop-server: purge: the ack is for "
		    "channel %s, which this store never served\n", id);
		rc = SD_E_CHANNEL;
		break;
	default:
		break;
	}
out:
	sqlite3_finalize(st);
	return rc;
}

static int valid_receipt(const char *r)
{
	size_t i;

	if (strlen(r) != SD_RECEIPT_LEN)
		return 0;
	for (i = 0; i < SD_RECEIPT_LEN; i++) {
		if (!((r[i] >= 'a' && r[i] <= 'z') || (r[i] >= '2' &&
		    r[i] <= '7')))
			return 0;
	}
	return 1;
}

/* The body: exactly {"channel_id": hex, "receipts": [receipt, ...]}. */
static int parse_body(const uint8_t *body, size_t len, json_t **root,
    json_t **list, const char **channel)
{
	json_t *id = NULL;
	size_t i;

	*root = json_loadb((const char *)body, len, JSON_REJECT_DUPLICATES,
	    NULL);
	if (*root == NULL || !json_is_object(*root))
		goto bad;
	id = json_object_get(*root, "channel_id");
	*list = json_object_get(*root, "receipts");
	if (!json_is_string(id) || !json_is_array(*list) ||
	    json_object_size(*root) != 2 ||
	    json_string_length(id) != 2 * SD_CHANNEL_ID_BYTES)
		goto bad;
	for (i = 0; i < json_array_size(*list); i++) {
		json_t *r = json_array_get(*list, i);

		if (!json_is_string(r) || !valid_receipt(json_string_value(r)))
			goto bad;
	}
	*channel = json_string_value(id);
	return SD_OK;
bad:
	fprintf(stderr, "sealdrop-server: purge: the ack body is not "
	    "{\"channel_id\":hex,\"receipts\":[...]}; make it with "
	    "sealdrop-analyst ack\n");
	return SD_E_FORMAT;
}

/* 0 absent, 1 exported, 2 not exported, 3 purged before; <0 error */
static int row_state(sd_store *s, const char *receipt)
{
	sqlite3_stmt *st = NULL;
	int rc = SD_E_IO;

	if (sqlite3_prepare_v2(s->db, "SELECT exported, 0 FROM envelopes "
	    "WHERE receipt=?1 UNION ALL SELECT 1, 1 FROM purged WHERE "
	    "receipt=?1 LIMIT 1", -1, &st, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_text(st, 1, receipt, -1, SQLITE_STATIC);
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		if (sqlite3_column_int(st, 1))
			rc = 3;
		else
			rc = sqlite3_column_int(st, 0) ? 1 : 2;
		break;
	case SQLITE_DONE:
		rc = 0;
		break;
	default:
		break;
	}
out:
	sqlite3_finalize(st);
	return rc;
}

static int delete_row(sd_store *s, const char *receipt)
{
	int rc = SD_E_IO;

	if (sd_store_exec(s->db, "SAVEPOINT del") != SD_OK)
		return SD_E_IO;
	{
		sqlite3_stmt *st = NULL;

		if (sqlite3_prepare_v2(s->db, "INSERT INTO purged(receipt,day) "
		    "SELECT receipt, day FROM envelopes WHERE receipt=?1", -1,
		    &st, NULL) == SQLITE_OK) {
			sqlite3_bind_text(st, 1, receipt, -1, SQLITE_STATIC);
			if (sqlite3_step(st) == SQLITE_DONE)
				rc = SD_OK;
		}
		sqlite3_finalize(st);
		st = NULL;
		if (rc == SD_OK && sqlite3_prepare_v2(s->db, "DELETE FROM "
		    "envelopes WHERE receipt=?1", -1, &st, NULL) == SQLITE_OK) {
			sqlite3_bind_text(st, 1, receipt, -1, SQLITE_STATIC);
			if (sqlite3_step(st) != SQLITE_DONE)
				rc = SD_E_IO;
		}
		sqlite3_finalize(st);
	}
	sd_store_exec(s->db, rc == SD_OK ? "RELEASE del" :
	    "ROLLBACK TO del");
	return rc;
}

static int apply(sd_store *s, json_t *list, struct sd_purge_result *res)
{
	size_t i;
	int st;

	for (i = 0; i < json_array_size(list); i++) {
		const char *r = json_string_value(json_array_get(list, i));

		st = row_state(s, r);
		if (st < 0)
			return st;
		if (st == 0) {
			res->unknown++;
		} else if (st == 3) {
			res->already++;
		} else if (st == 2) {
			res->kept++;
			fprintf(stderr, "sealdrop-server: purge: kept %s: it was "
			    "never exported\n", r);
		} else {
			if (delete_row(s, r) != SD_OK)
				return SD_E_IO;
			res->purged++;
		}
	}
	return SD_OK;
}

int sd_store_purge(sd_store *s, const char *doc, size_t len,
    struct sd_purge_result *res)
{
	uint8_t pk[SD_PK_BYTES];
	uint8_t *body = NULL;
	size_t bodylen = 0;
	json_t *root = NULL;
	json_t *list = NULL;
	const char *channel = NULL;
	int rc;

	memset(res, 0, sizeof(*res));
	rc = ack_key(s, pk);
	if (rc != SD_OK)
		goto out;
	rc = sd_signed_open(SD_ACK_FORMAT, ACK_KEYFIELD, doc, len, pk, NULL,
	    &body, &bodylen);
	if (rc != SD_OK)
		goto out;
	rc = parse_body(body, bodylen, &root, &list, &channel);
	if (rc != SD_OK)
		goto out;
	rc = known_channel(s, channel);
	if (rc != SD_OK)
		goto out;
	rc = SD_E_IO;
	if (sd_store_exec(s->db, "BEGIN IMMEDIATE") != SD_OK)
		goto out;
	rc = apply(s, list, res);
	if (rc == SD_OK)
		rc = sd_store_exec(s->db, "COMMIT");
	if (rc != SD_OK) {
		sd_store_exec(s->db, "ROLLBACK");
		memset(res, 0, sizeof(*res));
		goto out;
	}
	/* secure_delete wiped the pages; copying the WAL back and truncating
	 * it removes the old page images there too. A server busy writing can
	 * keep that from finishing: say so, the next purge tries again. */
	{
		int log = 0, done = 0;
		if (sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_TRUNCATE,
		    &log, &done) != SQLITE_OK || log != done)
			fprintf(stderr, "sealdrop-server purge: the write-ahead log still "
			    "holds old pages (the server is busy); run purge again "
			    "later to clear them\n");
	}
out:
	json_decref(root);
	free(body);
	return rc;
}
