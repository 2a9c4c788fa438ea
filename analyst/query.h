/* What the aggregate commands (table, report) share: the rule parameters
 * from the command line, opening the store and the stats key, decrypting
 * every report once, and writing the output. */
#ifndef SD_ANALYST_QUERY_H
#define SD_ANALYST_QUERY_H

#include "astore.h"
#include "cube.h"
#include "recs.h"
#include "sd_buf.h"
#include "sdc.h"

/* The options every aggregate command takes; QUERY_OPTS lists them for
 * args_parse, so a rule option added here reaches table and report alike. */
struct query_opts {
	const char *store, *key, *passfile, *period, *out;
	const char *threshold, *p, *nk;
	int force;
};

#define QUERY_OPTS(q) \
	{ "store", 1, &(q)->store, NULL, NULL, NULL, 0 }, \
	{ "key", 1, &(q)->key, NULL, NULL, NULL, 0 }, \
	{ "passphrase-file", 1, &(q)->passfile, NULL, NULL, NULL, 0 }, \
	{ "period", 1, &(q)->period, NULL, NULL, NULL, 0 }, \
	{ "out", 1, &(q)->out, NULL, NULL, NULL, 0 }, \
	{ "force", 0, NULL, &(q)->force, NULL, NULL, 0 }, \
	{ "threshold", 1, &(q)->threshold, NULL, NULL, NULL, 0 }, \
	{ "p", 1, &(q)->p, NULL, NULL, NULL, 0 }, \
	{ "nk", 1, &(q)->nk, NULL, NULL, NULL, 0 }

struct query {
	astore *s;
	sd_seckey *key;
	struct recset rs;
	struct dec_summary sum;
	int review;              /* only accepted reports count */
	size_t accepted;         /* under the policy: reports accepted */
};

/* --threshold, --p, --nk (each may be NULL); errors are printed. */
int query_params(const char *cmd, const char *threshold, const char *p,
    const char *nk, struct sdc_params *out);
/* Open the store (for writing when the run records a release), load the
 * stats key (passphrase asked once), decrypt and validate every report,
 * print the refusals. */
int query_load(const char *cmd, const char *store, const char *keypath,
    const char *passfile, int writable, struct query *q);
/* --out must be in a directory that exists and can be written, and must
 * not exist unless --force: checked before any work. */
int query_check_out(const char *cmd, const char *path, int force);
/* "no reports in the store" or "... in the period P" into buf when no
 * report falls in period p (not set: any), so that a table's zeros are
 * not taken for figures; NULL when some report does. */
const char *query_empty_note(const struct query *q, const struct period *p,
    char *buf, size_t cap);
void query_free(struct query *q);
/* Write b to path (stdout when path is NULL or "-"); errors printed. */
int query_write(const char *cmd, const char *path, int force,
    const sd_buf *b);

#endif
