/* The analyst store (analyst.db): the envelopes of every ingested batch,
 * still sealed, with their place in the intake hash chain, and a log of the
 * ingests. Nothing in it is plaintext. */
#ifndef SD_ANALYST_ASTORE_H
#define SD_ANALYST_ASTORE_H

#include <stddef.h>
#include <stdint.h>

#include "sd_envelope.h"

#define ASTORE_FORMAT "sealdrop.analyst/1"
#define ASTORE_CHAIN_BYTES 32

typedef struct astore astore;
struct sqlite3;

/* Defences for every SQLite file the tool opens, the untrusted export
 * batches included: defensive mode, no trusted schema, no triggers or views,
 * a bound on the size of any value. */
int astore_harden(struct sqlite3 *db);

enum astore_mode {
	ASTORE_READ,     /* queries */
	ASTORE_WRITE,    /* ack marks */
	ASTORE_CREATE,   /* ingest: created when missing */
};

/* SD_OK; SD_E_IO when the file is missing or unreadable; SD_E_FORMAT when
 * it is not an analyst store. */
int astore_open(const char *path, enum astore_mode mode, astore **out);
void astore_close(astore *s);
/* SQLite's last message, for error lines */
const char *astore_errmsg(const astore *s);

/* End of an ingested chain: the last sequence number and chain hash, and
 * the channel of its last batch. astore_tip() gives that of the chain
 * ingested last (its channel_id is the store's current channel). */
struct astore_tip {
	int empty;
	int64_t seq;
	uint8_t chain[ASTORE_CHAIN_BYTES];
	char channel_id[2 * SD_CHANNEL_ID_BYTES + 1];
};
int astore_tip(astore *s, struct astore_tip *t);

int astore_begin(astore *s);
int astore_commit(astore *s);
void astore_rollback(astore *s);

struct astore_row {
	int64_t seq;             /* intake seq; the store numbers its own */
	char receipt[SD_RECEIPT_LEN + 1];
	char day[11];
	const uint8_t *envelope;
	size_t len;
	size_t stats_end;        /* bytes of header and stats section */
	uint8_t chain[ASTORE_CHAIN_BYTES];
};
int astore_has_receipt(astore *s, const char *receipt, int *found);
int astore_put(astore *s, const struct astore_row *row, int64_t ingest_id);
int astore_set_tip(astore *s, int64_t seq,
    const uint8_t chain[ASTORE_CHAIN_BYTES], const char *channel_id);

/* Several intake stores: each is a chain of its own, named by the store_id
 * of its batches ('' for batches without one). envelopes holds each
 * envelope once (receipts are content addresses); links holds every row of
 * every chain, with the intake seq and chain hash of that chain. */
int astore_chain_tip(astore *s, const char *chain_id, struct astore_tip *t);
/* Also moves the store's tip (astore_tip) to this chain's. */
int astore_set_chain_tip(astore *s, const char *chain_id, int64_t seq,
    const uint8_t chain[ASTORE_CHAIN_BYTES], const char *channel_id);
int astore_chain_rename(astore *s, const char *from, const char *to);
/* *found = 0 when the chain has no row with this intake seq */
int astore_link_at(astore *s, const char *chain_id, int64_t seq,
    char receipt[SD_RECEIPT_LEN + 1], uint8_t chain[ASTORE_CHAIN_BYTES],
    int *found);
/* row->seq is the intake seq, row->chain its hash in this chain */
int astore_link_put(astore *s, const char *chain_id,
    const struct astore_row *row);

/* Ingest log; refused is NULL for an accepted batch. */
int astore_log(astore *s, const char *source, const char *channel_id,
    int64_t first_seq, int64_t last_seq, size_t added, size_t skipped,
    const char *refused, int64_t *id);
int astore_log_update(astore *s, int64_t id, size_t added, size_t skipped);
int astore_count(astore *s, int64_t *n);

/* Streams rows in sequence order. */
typedef struct astore_iter astore_iter;
/* seq, receipt and the header + stats section of every envelope */
int astore_iter_stats(astore *s, astore_iter **it);
/* seq and receipt of every envelope (only those not yet acknowledged when
 * unacked) */
int astore_iter_receipts(astore *s, int unacked, astore_iter **it);
/* 1 with a row, 0 at the end, or a negative sd_err. data is NULL for
 * receipt iterators; it stays valid until the next call. */
int astore_iter_next(astore_iter *it, int64_t *seq,
    char receipt[SD_RECEIPT_LEN + 1], const uint8_t **data, size_t *len);
void astore_iter_free(astore_iter *it);

int astore_mark_acked(astore *s, int64_t upto_seq);
int astore_clear_acked(astore *s);

/* The database, for the modules that keep their own tables in the store
 * (ledger.c); and whether it was opened for writing. */
struct sqlite3 *astore_db(astore *s);
int astore_writable(const astore *s);

/* One envelope by its receipt or a unique prefix of at least 8 characters.
 * SD_OK; SD_E_INVAL when none matches; SD_E_FORMAT when several do.
 * *env is malloc'ed. */
struct astore_env {
	int64_t seq;
	char receipt[SD_RECEIPT_LEN + 1];
	char day[11];
	uint8_t *env;
	size_t len;
};
int astore_find(astore *s, const char *receipt_prefix, struct astore_env *e);

#endif
