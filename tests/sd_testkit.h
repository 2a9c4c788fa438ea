/* Helpers shared by the crypto tests: fixed keys and channels in memory. */
#ifndef SD_TESTKIT_H
#define SD_TESTKIT_H

#include <stddef.h>
#include <stdint.h>

#include "sd_channel.h"
#include "sd_keys.h"

struct tk_channel {
	sd_channel *ch;
	sd_seckey *authority;
	sd_seckey *receipt;
	sd_seckey *stats[4];
	sd_seckey *details[4];
	size_t n_stats, n_details;
	char *json;
	size_t jsonlen;
};

/* Keys made from the byte seed+i; a channel of n_stats stats and n_details
 * details recipients (stats first), valid 2026-01-01 .. 2099-12-31. */
int tk_channel_make(struct tk_channel *t, uint8_t seed, size_t n_stats,
    size_t n_details);
void tk_channel_free(struct tk_channel *t);
/* a deterministic byte pattern of len bytes */
uint8_t *tk_pattern(size_t len, uint8_t salt);

#endif
