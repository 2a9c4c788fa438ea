/* Tables released together, and with every earlier release in the ledger,
 * protected as one system of linked tables (docs/disclosure-control.md,
 * "Linked tables and the ledger"). The unknowns are the finest cells the
 * tables share: the cross-classification of the fields they use (Member
 * State, sector, ..., quarter of discovery, and the groups of reports that
 * arrived between releases), built per group of tables that share fields
 * (a junction tree), so that the system stays as small as the tables. */
#ifndef SD_ANALYST_LINKED_H
#define SD_ANALYST_LINKED_H

#include <stddef.h>
#include <stdint.h>

#include "cube.h"
#include "ledger.h"
#include "recs.h"
#include "sdc.h"

struct lk_table {
	struct dim rows, cols;
	struct cube_spec spec;   /* rows and cols point to the above */
	sdc_table *t;
	size_t rel;              /* LK_NEW, or the earlier release's index */
	int ok;                  /* a new table protected and audited */
	char title[160];
};

#define LK_NEW ((size_t)-1)
/* Earlier releases one system can take in (one bit each). */
#define LK_MAX_EARLIER 62

struct linked {
	const struct recset *rs;
	struct lk_table *tab;    /* the new tables first */
	size_t ntab, nnew, cap;
	const struct ledger_release *old;
	size_t nold;
	size_t rel[LK_MAX_EARLIER];   /* earlier releases taken in */
	size_t nrel;
	struct sdc_params par;
	struct sdc_audit_info info;   /* over every measure */
	int exact;                    /* every pattern came from the exact model */
	size_t fail_table;            /* after SD_E_CONFIDENTIAL: a new table to
	                               * leave out, or LK_NEW for none */
	char why[384];
};

void linked_init(struct linked *L, const struct recset *rs,
    const struct sdc_params *p);
void linked_free(struct linked *L);
/* A table of the release being made; t was built from L->rs with spec
 * (cube_build) and may have cells pinned. The linked set owns t after. */
int linked_add_new(struct linked *L, const struct cube_spec *spec,
    sdc_table *t, const char *title);
/* Take in the earlier releases that share reports or periods with the new
 * tables, rebuilt from the store's reports. SD_E_FORMAT, with why, when
 * the ledger does not match the store. */
int linked_add_ledger(struct linked *L, const struct ledger_release *old,
    size_t nold);
/* Protect the new tables. SD_OK with their statuses set and ok; or
 * SD_E_CONFIDENTIAL with why and fail_table; or another sd_err. */
int linked_protect(struct linked *L);

/* What a release writes to the ledger for new table i. */
int linked_ledger_table(const struct linked *L, size_t i,
    struct ledger_table *out);

#endif
