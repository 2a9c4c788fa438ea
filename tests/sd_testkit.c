#include "sd_testkit.h"
#include "sd_err.h"

#include <stdlib.h>
#include <string.h>

static int
raw_key(enum sd_role role, uint8_t b, sd_seckey **k)
{
	uint8_t raw[32];

	memset(raw, b, sizeof(raw));
	return sd_seckey_from_raw(role, raw, k);
}

int
tk_channel_make(struct tk_channel *t, uint8_t seed, size_t n_stats,
    size_t n_details)
{
	struct sd_recipient r[8];
	struct sd_channel_spec spec;
	size_t i, n = 0;
	int rc;

	memset(t, 0, sizeof(*t));
	memset(&spec, 0, sizeof(spec));
	memset(r, 0, sizeof(r));
	if ((rc = raw_key(SD_ROLE_AUTHORITY, seed, &t->authority)) != SD_OK ||
	    (rc = raw_key(SD_ROLE_RECEIPT, (uint8_t)(seed + 1), &t->receipt)) != SD_OK)
		return rc;
	for (i = 0; i < n_stats; i++, n++) {
		if ((rc = raw_key(SD_ROLE_STATS, (uint8_t)(seed + 16 + i), &t->stats[i])) != SD_OK)
			return rc;
		r[n].role = SD_ROLE_STATS;
		memcpy(r[n].pk, sd_seckey_pk(t->stats[i]), 32);
		memcpy(r[n].label, "stats", 6);
	}
	for (i = 0; i < n_details; i++, n++) {
		if ((rc = raw_key(SD_ROLE_DETAILS, (uint8_t)(seed + 32 + i), &t->details[i])) != SD_OK)
			return rc;
		r[n].role = SD_ROLE_DETAILS;
		memcpy(r[n].pk, sd_seckey_pk(t->details[i]), 32);
		memcpy(r[n].label, "details", 8);
	}
	t->n_stats = n_stats;
	t->n_details = n_details;
	spec.recipients = r;
	spec.n_recipients = n;
	memcpy(spec.receipt_pk, sd_seckey_pk(t->receipt), 32);
	memcpy(spec.issued, "2026-01-01", 11);
	memcpy(spec.expires, "2099-12-31", 11);
	if ((rc = sd_channel_create(t->authority, &spec, &t->json, &t->jsonlen)) != SD_OK)
		return rc;
	return sd_channel_load(t->json, t->jsonlen, sd_seckey_pk(t->authority),
	    "2026-06-01", &t->ch);
}

void
tk_channel_free(struct tk_channel *t)
{
	size_t i;

	sd_channel_free(t->ch);
	sd_seckey_free(t->authority);
	sd_seckey_free(t->receipt);
	for (i = 0; i < 4; i++) {
		sd_seckey_free(t->stats[i]);
		sd_seckey_free(t->details[i]);
	}
	free(t->json);
	memset(t, 0, sizeof(*t));
}

uint8_t *
tk_pattern(size_t len, uint8_t salt)
{
	uint8_t *p = malloc(len ? len : 1);
	size_t i;

	for (i = 0; p && i < len; i++)
		p[i] = (uint8_t)((i * 131u + salt) ^ (i >> 8));
	return p;
}
