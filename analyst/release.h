/* One release: the tables of a `table` or `report` run, protected together
 * and with every earlier release in the ledger, then written and recorded
 * in one step (PRODUCT.md section 7). A draft (--no-ledger) is protected
 * on its own, neither checked against nor recorded in the ledger, and says
 * so on its face. */
#ifndef SD_ANALYST_RELEASE_H
#define SD_ANALYST_RELEASE_H

#include <stddef.h>
#include <stdint.h>

#include "ledger.h"
#include "linked.h"
#include "query.h"
#include "sd_buf.h"

struct release {
	struct linked L;
	struct ledger_release *old;
	size_t nold;
	int draft;
	int64_t id;              /* the id it gets when recorded; 0 for a draft */
	char idtext[48];         /* "7", or the draft mark, for the outputs */
	char kind[16];
	char title[160];
	char period[32];
	size_t dropped;          /* tables left out of a report */
};

/* The words every draft output carries. */
#define RELEASE_DRAFT "DRAFT, not for release"

int release_open(struct release *R, struct query *q,
    const struct sdc_params *p, int draft, const char *kind,
    const char *title, const char *period, const char *cmd);
void release_free(struct release *R);
/* Build a table of the release from the query's reports (time codes, pins
 * by the caller through pin_total). SD_OK and *index of it. */
int release_add(struct release *R, const struct query *q,
    struct cube_spec *spec, const char *title, int pin_total,
    size_t *index, const char *cmd);
/* Protect every table. With drop, a table that cannot be protected is
 * left out (named on stderr) and the rest protected again; without, the
 * release fails with the reason. */
int release_protect(struct release *R, int drop, const char *cmd);
/* The protected table i as the outputs see it. */
void release_ptable(const struct release *R, size_t i, struct ptable *pt);
/* Record the release in the ledger and write b to path in one step: if
 * either fails, neither happens. */
int release_commit(struct release *R, struct query *q, const char *path,
    int force, const sd_buf *b, const char *cmd);

#endif
