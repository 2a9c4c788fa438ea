/* Decryption of the stats sections of every stored envelope, in memory, on
 * all cores. Rows stream from the store in batches to worker threads; each
 * worker opens the stats section, validates it with the shared schema and
 * keeps only the compact struct sd_report. Answers of reporters
 * (sealdrop.followup/1) are counted apart and never reach the sink. Results come back to the caller's
 * thread in sequence order, so what the caller builds from them does not
 * depend on the number of threads. Refused reports are counted by reason,
 * never dropped silently. */
#ifndef SD_ANALYST_DECRYPT_H
#define SD_ANALYST_DECRYPT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "astore.h"
#include "sd_keys.h"
#include "sd_schema.h"

#define DEC_MAX_REASONS 24
#define DEC_EXAMPLES 3
#define DEC_WHY_LEN 200

struct dec_reason {
	char why[DEC_WHY_LEN];
	size_t count;
	size_t n_examples;
	char example[DEC_EXAMPLES][SD_RECEIPT_LEN + 1];
};

struct dec_summary {
	size_t total;            /* envelopes read */
	size_t opened;           /* valid reports handed to the sink */
	size_t refused;
	size_t foreign;          /* of the refused: sealed to another key */
	size_t followups;        /* answers of reporters: not reports at all */
	size_t n_reasons;
	struct dec_reason reason[DEC_MAX_REASONS];
	size_t other;            /* refused for reasons beyond the table */
};

/* Called on the calling thread in sequence order for each valid report.
 * A non-zero return stops the run with that code. */
typedef int (*dec_sink)(void *ctx, int64_t seq, const char *receipt,
    const struct sd_report *r);

/* today bounds "discovered" (NULL: sd_today()). SD_OK even when reports
 * were refused (see sum); an sd_err when the store cannot be read. */
int dec_run(astore *s, const sd_seckey *stats_key, const char *today,
    unsigned nthreads, dec_sink sink, void *ctx, struct dec_summary *sum);

/* The refusals, one line per reason, on f. */
void dec_summary_print(const struct dec_summary *sum, const char *cmd,
    FILE *f);

/* A view of the header and section 0 of an envelope prefix (what the store
 * keeps for statistics). SD_OK or SD_E_FORMAT. */
int dec_stats_view(const uint8_t *p, size_t len, struct sd_envelope_view *v);

#endif
