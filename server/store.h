/* The intake store: sealed envelopes in SQLite with the intake hash chain
 * (docs/intake-batch.md). One sd_store is used by one thread at a time; the
 * server gives it to its writer thread only. */
#ifndef SD_STORE_H
#define SD_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "sd_envelope.h"

#define SD_CHAIN_BYTES 32
#define SD_STORE_ID_BYTES 16   /* meta store_id: 32 hex digits */
#define SD_STORE_FORMAT "sealdrop.intake/1"
#define SD_BATCH_FORMAT "sealdrop.batch/1"
#define SD_ACK_FORMAT "sealdrop.ack/1"
#define SD_STORE_BUSY_MS 5000

typedef struct sd_store sd_store;

/* One envelope to store. day is today on the way in; for a duplicate it
 * becomes the day the envelope was first stored. */
struct sd_store_item {
	const uint8_t *env;
	size_t len;
	char receipt[SD_RECEIPT_LEN + 1];
	char day[11];
	int duplicate;
};

struct sd_store_stats {
	long long rows;          /* rows held */
	long long pending;       /* rows not exported yet */
	long long last_seq;
	long long exported_seq;
	long long purged;
};

struct sd_purge_result {
	size_t purged;           /* deleted now */
	size_t kept;             /* listed but never exported: kept */
	size_t already;          /* purged before */
	size_t unknown;          /* never stored here */
};

/* Open (creating when absent) with WAL, synchronous=FULL, secure_delete,
 * trusted_schema=OFF and defensive mode. */
int sd_store_open(const char *path, sd_store **out);
void sd_store_close(sd_store *s);
/* Lower SQLite's max_page_count (a full disk on demand, for tests). */
int sd_store_limit_pages(sd_store *s, long pages);
/* Record the channel being served: export names it in the batch, purge
 * takes acks signed by its ack key. ack_pk may be NULL. */
int sd_store_set_channel(sd_store *s, const uint8_t id[SD_CHANNEL_ID_BYTES],
    const uint8_t *ack_pk);

/* The channel the store was last served with and its ack key;
 * SD_E_INVAL when none or it has no ack key. */
int sd_store_current_ack(sd_store *s, uint8_t id[SD_CHANNEL_ID_BYTES],
    uint8_t ack_pk[32]);

/* Store n items in one transaction, durable when it returns SD_OK. On any
 * write error everything is rolled back and SD_E_IO returned. Duplicates
 * (also of purged rows) are not stored again. */
int sd_store_put(sd_store *s, struct sd_store_item *const *items, size_t n);
/* 1 when the last failure was another process holding the database (an
 * export or purge), not something about the rows */
int sd_store_busy(const sd_store *s);
/* The stored envelope (malloc'ed) and its day; SD_E_INVAL when absent. */
int sd_store_get(sd_store *s, const char *receipt, char day[11],
    uint8_t **env, size_t *len);
int sd_store_stats(sd_store *s, struct sd_store_stats *st);

/* Write the rows not exported yet to a new SQLite batch at out (refusing to
 * replace a file unless force), then mark them exported. *count gets the
 * number of rows; when it is 0, nothing was new and no file was written.
 * The chain is verified on the way. */
int sd_store_export(sd_store *s, const char *out, int force, size_t *count);
/* Check a signed ack against the channel's ack key and delete the listed
 * rows that were exported. Receipts kept are written to stderr. */
int sd_store_purge(sd_store *s, const char *doc, size_t len,
    struct sd_purge_result *res);

/* chain_next = BLAKE2b-256(chain_prev || receipt) */
void sd_chain_next(uint8_t next[SD_CHAIN_BYTES],
    const uint8_t prev[SD_CHAIN_BYTES], const char *receipt);

#endif
