/* The release ledger (PRODUCT.md section 7): everything released from the
 * analyst store, kept in analyst.db so that every later table or report is
 * audited together with it. A release is one output written for release
 * (a table, or the EU report with all its tables): its rule parameters,
 * the set of reports it covered (by their place in the intake chain), and
 * for every table its definition and every cell's status and published
 * value. The values of suppressed cells are not kept: they are worked out
 * again from the reports when needed, as is everything else the audit
 * needs. */
#ifndef SD_ANALYST_LEDGER_H
#define SD_ANALYST_LEDGER_H

#include <stddef.h>
#include <stdint.h>

#include "astore.h"
#include "sdc.h"

/* Sorted, disjoint ranges of intake sequence numbers. */
struct seqset {
	size_t n, cap;
	int64_t *lo, *hi;        /* inclusive */
};
void seqset_init(struct seqset *s);
void seqset_free(struct seqset *s);
/* seq must not be below any added before */
int seqset_add(struct seqset *s, int64_t seq);
int seqset_has(const struct seqset *s, int64_t seq);
size_t seqset_count(const struct seqset *s);

struct ledger_cell {
	uint32_t row, col;
	char status;             /* sdc_status letter */
	int64_t value;           /* when published */
};

#define LEDGER_NAME 32
struct ledger_table {
	char title[160];
	char rows[LEDGER_NAME], cols[LEDGER_NAME];   /* cols "" when none */
	char measure[LEDGER_NAME];
	char filters[512];       /* "dim=code+code;dim=code" */
	int period_set;
	unsigned period_from, period_to;
	unsigned rows_first, cols_first;             /* time dimensions */
	size_t rows_n, cols_n;
	struct ledger_cell *cell;
	size_t ncell;
};

struct ledger_release {
	int64_t id;
	char day[11];
	char kind[16];           /* "table" or "report" */
	char title[160];
	char period[32];         /* as given, "" for all periods */
	struct sdc_params par;
	struct seqset rec;
	struct ledger_table *tab;
	size_t ntab;
};

/* Every release, oldest first. A store without a ledger has none. */
int ledger_load(astore *s, struct ledger_release **out, size_t *n);
void ledger_free(struct ledger_release *r, size_t n);
/* What one release holds (not r itself). */
void ledger_free_one(struct ledger_release *r);
/* The id the next release gets. */
int ledger_next_id(astore *s, int64_t *id);
/* Record r (r->id from ledger_next_id) inside the caller's transaction. */
int ledger_put(astore *s, const struct ledger_release *r);

#endif
