/* The analysts' review of ingested reports (PRODUCT.md sections 5 and 7):
 * whether a report has been opened, whether it was accepted or rejected,
 * and why (the reason is sealed to the details key of whoever reviewed,
 * so the store stays without plaintext), and the policy that says whether
 * tables and reports count accepted reports only. An open channel can be
 * fed fake reports to make a cell publishable and then subtract them: the
 * review is what answers that. */
#ifndef SD_ANALYST_REVIEW_H
#define SD_ANALYST_REVIEW_H

#include <stddef.h>
#include <stdint.h>

#include "astore.h"
#include "ledger.h"
#include "sd_keys.h"

enum review_state { REVIEW_NONE, REVIEW_ACCEPTED, REVIEW_REJECTED };

#define REVIEW_REASON_MAX 2000

/* Record the review of the report at seq (replacing an earlier one).
 * reason may be NULL; it is sealed to key's public key. */
int review_set(astore *s, int64_t seq, enum review_state st,
    const char *reason, const sd_seckey *key);
/* The report was opened (show, review). */
int review_opened(astore *s, int64_t seq);

struct review_row {
	int64_t seq;
	char receipt[SD_RECEIPT_LEN + 1];
	char day[11];
	enum review_state state;
	char reviewed[11];       /* day of the review, "" if none */
	int opened;
};
/* Every ingested report, in intake order, through fn (non-zero stops). */
int review_each(astore *s, int (*fn)(void *ctx, const struct review_row *r),
    void *ctx);
/* One report's review; the reason opened with key (NULL: not read).
 * *reason is malloc'ed or NULL. */
int review_get(astore *s, int64_t seq, const sd_seckey *key,
    struct review_row *out, char **reason);

/* The policy: 1 when only accepted reports count. */
int review_policy(astore *s, int *on);
int review_set_policy(astore *s, int on);
/* The reports accepted, as a set of sequence numbers. */
int review_accepted(astore *s, struct seqset *out);

const char *review_state_name(enum review_state st);

#endif
