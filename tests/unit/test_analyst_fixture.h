/* Test fixture of the analyst tests: report texts with known contents,
 * sealed envelopes, and export batches written exactly as
 * docs/intake-batch.md describes them. */
#ifndef TEST_ANALYST_FIXTURE_H
#define TEST_ANALYST_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include "sd_channel.h"

struct fx_rep {
	unsigned ref;            /* incident_ref derived from it */
	int reporter;            /* -1: none; else pseudonym derived from it */
	const char *ms, *org, *sector, *size, *discovered;
	uint32_t secrets;        /* bit i = code i of secret_types */
	uint32_t vectors;
	const char *actor, *origin;
	long long loss;          /* -1: absent */
	long long jobs;          /* -1: absent */
	int police;
};

/* The stats JSON of r into buf; returns its length. */
size_t fx_stats_json(char *buf, size_t cap, const struct fx_rep *r);

/* Seal stats (and details when not NULL, and one attachment when
 * att_name is not NULL) to ch; malloc'ed envelope. */
uint8_t *fx_seal(const sd_channel *ch, const char *stats,
    const char *details, const char *att_name, const uint8_t *att,
    size_t att_len, size_t *len);

/* An export batch of n envelopes starting at first_seq after prev_chain;
 * last_chain receives the chain hash of the last row (prev_chain when n is
 * 0). Returns 0 on success. */
int fx_batch_write(const char *path, const char *channel_hex,
    const uint8_t prev_chain[32], int64_t first_seq, uint8_t *const *envs,
    const size_t *lens, size_t n, uint8_t last_chain[32]);

/* Run an SQL statement on a file (to tamper with a batch). */
int fx_sql(const char *path, const char *sql);

/* xorshift, for reproducible synthetic data */
uint64_t fx_rand(uint64_t *state);

#endif
