/* What the aggregate commands (table, report) share: the rule parameters
 * from the command line, opening the store and the stats key, decrypting
 * every report once, and writing the output. */
#ifndef SD_ANALYST_QUERY_H
#define SD_ANALYST_QUERY_H

#include "astore.h"
#include "recs.h"
#include "sd_buf.h"
#include "sdc.h"

struct query {
	astore *s;
	sd_seckey *key;
	struct recset rs;
	struct dec_summary sum;
};

/* --threshold, --p, --nk (each may be NULL); errors are printed. */
int query_params(const char *cmd, const char *threshold, const char *p,
    const char *nk, struct sdc_params *out);
/* Open the store, load the stats key (passphrase asked once), decrypt and
 * validate every report, print the refusals. */
int query_load(const char *cmd, const char *store, const char *keypath,
    const char *passfile, struct query *q);
void query_free(struct query *q);
/* Write b to path (stdout when path is NULL or "-"); errors printed. */
int query_write(const char *cmd, const char *path, int force,
    const sd_buf *b);

#endif
