/* Internals shared by store.c, export.c and purge.c only. */
#ifndef SD_STORE_INT_H
#define SD_STORE_INT_H

#include <sqlite3.h>

#include "store.h"

struct sd_store {
	sqlite3 *db;
	sqlite3_stmt *find;          /* day of a stored or purged receipt */
	sqlite3_stmt *insert;
	sqlite3_stmt *set_meta;
	long long last_seq;
	uint8_t last_chain[SD_CHAIN_BYTES];
	int busy;                    /* the last put failed on a lock */
};

int sd_store_exec(sqlite3 *db, const char *sql);
/* meta values; get returns SD_E_INVAL when the key is absent */
int sd_store_meta_get(sd_store *s, const char *key, char *out, size_t cap);
int sd_store_meta_set(sd_store *s, const char *key, const char *val);
int sd_store_meta_seq(sd_store *s, const char *key, long long *seq,
    uint8_t chain[SD_CHAIN_BYTES]);
/* Apply the pragmas every connection of ours gets. */
int sd_store_harden(sqlite3 *db);

#endif
