/* The reports of one query after replacement, in the compact form the
 * tables need (PRODUCT.md section 7): a later report with the same
 * (reporter, incident_ref) replaces the earlier one; the contributor is the
 * reporter pseudonym when there is one, else the report itself. Neither the
 * pseudonym nor the incident reference is kept: each record holds only the
 * coded fields and a contributor number. */
#ifndef SD_ANALYST_RECS_H
#define SD_ANALYST_RECS_H

#include <stddef.h>
#include <stdint.h>

#include "decrypt.h"
#include "sd_schema.h"

struct arec {
	int64_t seq;             /* place in the intake chain */
	int64_t loss_eur;        /* -1 when not given */
	int64_t jobs_at_risk;    /* -1 when not given */
	uint32_t contributor;
	uint32_t secret_types;   /* bit i = code i */
	uint32_t attack_vectors;
	uint16_t year;           /* discovered */
	uint8_t quarter;         /* 1..4 */
	uint8_t member_state, organisation, sector, size_class;
	uint8_t actor, actor_origin, police;
	uint8_t replaced;
	uint8_t single;          /* no pseudonym: the report is its own contributor */
};

struct rmap;

struct recset {
	struct arec *r;           /* the reports after replacement */
	size_t n, cap;
	size_t replaced;          /* earlier versions replaced */
	/* the replaced versions, in intake order: earlier releases may have
	 * counted them */
	struct arec *old;
	size_t nold;
	uint32_t contributors;    /* distinct contributors seen */
	struct rmap *by_ref;      /* (reporter, incident_ref) -> record */
	struct rmap *by_reporter; /* reporter -> contributor */
	/* keys the maps' hash: submitters choose reporter and incident_ref, and
	 * must not be able to aim them at one bucket */
	uint8_t hkey[32];
};

void recset_init(struct recset *rs);
/* Add a report that comes after every report added before (in intake
 * order, seq ascending); it replaces an earlier one with the same key. */
int recset_add(struct recset *rs, int64_t seq, const struct sd_report *r);
/* Move replaced records to old and drop the maps; the set is read-only
 * afterwards. */
int recset_finish(struct recset *rs);
void recset_free(struct recset *rs);

/* Decrypt every stored report and build the set (finished): of the
 * reports whose sequence is in only, when only is not NULL (the accepted
 * ones, under the review policy). */
struct seqset;
int recset_load(astore *s, const sd_seckey *stats_key, const char *today,
    unsigned nthreads, const struct seqset *only, struct recset *rs,
    struct dec_summary *sum);

#endif
