/* Ingest of one export batch of the intake server (docs/intake-batch.md).
 * A batch is taken whole or not at all: its meta, its chain of hashes, its
 * continuity with what the store already holds and the structure of every
 * envelope are checked before the transaction that stores it commits. */
#ifndef SD_ANALYST_INGEST_H
#define SD_ANALYST_INGEST_H

#include <stddef.h>
#include <stdint.h>

#include "astore.h"

#define INGEST_BATCH_FORMAT "sealdrop.batch/1"

struct ingest_result {
	char channel_id[2 * SD_CHANNEL_ID_BYTES + 1];
	int64_t first_seq, last_seq;
	size_t rows;            /* rows in the batch */
	size_t added;           /* new envelopes stored */
	size_t skipped;         /* already in the store */
	char store_id[33];      /* the intake store's id; "" in old batches */
	int new_chain;          /* the first batch taken from that store */
	char refused[320];      /* why the batch was refused; "" if taken */
};

/* SD_OK when the batch was taken (added + skipped == rows). When it is
 * refused: SD_E_FORMAT (or another sd_err) with res->refused saying why,
 * and nothing from it stored. SD_E_IO with res->refused set when the store
 * itself fails. */
int ingest_batch(astore *s, const char *path, struct ingest_result *res);

#endif
