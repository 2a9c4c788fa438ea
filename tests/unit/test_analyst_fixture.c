#include "test_analyst_fixture.h"

#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sd_envelope.h"
#include "sd_err.h"
#include "sd_schema.h"

static void
add(char *buf, size_t cap, size_t *o, const char *s)
{
	size_t n = strlen(s);

	if (*o + n < cap) {
		memcpy(buf + *o, s, n + 1);
		*o += n;
	}
}

static void
codes(char *buf, size_t cap, size_t *o, const char *field, uint32_t mask)
{
	const struct sd_field *f = sd_schema_field(SD_PART_STATS, field);
	char tmp[128];
	size_t i;
	int first = 1;

	snprintf(tmp, sizeof(tmp), ",\"%s\":[", field);
	add(buf, cap, o, tmp);
	for (i = 0; f != NULL && i < f->n_codes; i++) {
		if (!((mask >> i) & 1u))
			continue;
		snprintf(tmp, sizeof(tmp), "%s\"%s\"", first ? "" : ",",
		    f->codes[i].code);
		add(buf, cap, o, tmp);
		first = 0;
	}
	add(buf, cap, o, "]");
}

size_t
fx_stats_json(char *buf, size_t cap, const struct fx_rep *r)
{
	char tmp[512];
	size_t o = 0;

	buf[0] = '\0';
	snprintf(tmp, sizeof(tmp), "{\"schema\":\"sealdrop.report/1\","
	    "\"incident_ref\":\"%032x\"", r->ref);
	add(buf, cap, &o, tmp);
	if (r->reporter >= 0) {
		snprintf(tmp, sizeof(tmp), ",\"reporter\":\"%064x\"",
		    (unsigned)r->reporter + 1u);
		add(buf, cap, &o, tmp);
	}
	snprintf(tmp, sizeof(tmp), ",\"member_state\":\"%s\","
	    "\"organisation\":\"%s\",\"sector\":\"%s\",\"size_class\":\"%s\","
	    "\"discovered\":\"%s\"", r->ms, r->org ? r->org : "company",
	    r->sector, r->size, r->discovered);
	add(buf, cap, &o, tmp);
	codes(buf, cap, &o, "secret_types", r->secrets ? r->secrets : 1);
	codes(buf, cap, &o, "attack_vectors", r->vectors ? r->vectors : 1);
	snprintf(tmp, sizeof(tmp), ",\"actor\":\"%s\",\"actor_origin\":\"%s\"",
	    r->actor ? r->actor : "competitor",
	    r->origin ? r->origin : "unknown");
	add(buf, cap, &o, tmp);
	if (r->loss >= 0) {
		snprintf(tmp, sizeof(tmp), ",\"loss_eur\":%lld", r->loss);
		add(buf, cap, &o, tmp);
	}
	if (r->jobs >= 0) {
		snprintf(tmp, sizeof(tmp), ",\"jobs_at_risk\":%lld", r->jobs);
		add(buf, cap, &o, tmp);
	}
	snprintf(tmp, sizeof(tmp), ",\"reported_to_police\":%s}",
	    r->police ? "true" : "false");
	add(buf, cap, &o, tmp);
	return o;
}

uint8_t *
fx_seal(const sd_channel *ch, const char *stats, const char *details,
    const char *att_name, const uint8_t *att, size_t att_len, size_t *len)
{
	struct sd_section_in sec[3];
	uint8_t *env = NULL, *ap = NULL;
	size_t n = 0, ml = 0;
	char meta[512];

	sec[n].type = SD_SEC_STATS;
	sec[n].data = (const uint8_t *)stats;
	sec[n++].len = strlen(stats);
	if (details != NULL) {
		sec[n].type = SD_SEC_DETAILS;
		sec[n].data = (const uint8_t *)details;
		sec[n++].len = strlen(details);
	}
	if (att_name != NULL) {
		ml = (size_t)snprintf(meta, sizeof(meta), "{\"name\":\"%s\","
		    "\"media_type\":\"text/plain\",\"size\":%zu}", att_name,
		    att_len);
		if ((ap = malloc(4 + ml + att_len)) == NULL)
			return NULL;
		ap[0] = (uint8_t)ml;
		ap[1] = (uint8_t)(ml >> 8);
		ap[2] = 0;
		ap[3] = 0;
		memcpy(ap + 4, meta, ml);
		memcpy(ap + 4 + ml, att, att_len);
		sec[n].type = SD_SEC_ATTACHMENT;
		sec[n].data = ap;
		sec[n++].len = 4 + ml + att_len;
	}
	if (sd_envelope_seal(ch, sec, n, &env, len) != SD_OK)
		env = NULL;
	free(ap);
	return env;
}

static int
meta_put(sqlite3 *db, const char *k, const char *v)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(db, "INSERT INTO meta VALUES(?1, ?2)", -1, &st,
	    NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, k, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, v, -1, SQLITE_STATIC);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	sqlite3_finalize(st);
	return rc;
}

static int
row_put(sqlite3 *db, int64_t seq, const uint8_t *env, size_t len,
    uint8_t chain[32])
{
	char receipt[SD_RECEIPT_LEN + 1];
	crypto_generichash_state h;
	sqlite3_stmt *st = NULL;
	int rc;

	sd_receipt_id(receipt, env, len);
	crypto_generichash_init(&h, NULL, 0, 32);
	crypto_generichash_update(&h, chain, 32);
	crypto_generichash_update(&h, (const uint8_t *)receipt, SD_RECEIPT_LEN);
	crypto_generichash_final(&h, chain, 32);
	if (sqlite3_prepare_v2(db, "INSERT INTO envelopes VALUES(?1, ?2, "
	    "'2026-06-01', ?3, ?4, ?5)", -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, seq);
	sqlite3_bind_text(st, 2, receipt, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)len);
	sqlite3_bind_blob(st, 4, env, (int)len, SQLITE_STATIC);
	sqlite3_bind_blob(st, 5, chain, 32, SQLITE_TRANSIENT);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	sqlite3_finalize(st);
	return rc;
}

int
fx_batch_write(const char *path, const char *channel_hex,
    const uint8_t prev_chain[32], int64_t first_seq, uint8_t *const *envs,
    const size_t *lens, size_t n, uint8_t last_chain[32])
{
	sqlite3 *db = NULL;
	char hex[65], num[32];
	uint8_t chain[32];
	size_t i;
	int rc = -1;

	remove(path);
	if (sqlite3_open(path, &db) != SQLITE_OK ||
	    sqlite3_exec(db, "CREATE TABLE meta(key TEXT PRIMARY KEY, value "
	    "TEXT NOT NULL); CREATE TABLE envelopes(seq INTEGER PRIMARY KEY, "
	    "receipt TEXT NOT NULL UNIQUE, day TEXT NOT NULL, size INTEGER NOT "
	    "NULL, envelope BLOB NOT NULL, chain BLOB NOT NULL); BEGIN",
	    NULL, NULL, NULL) != SQLITE_OK)
		goto done;
	sodium_bin2hex(hex, sizeof(hex), prev_chain, 32);
	if (meta_put(db, "format", "sealdrop.batch/1") != 0 ||
	    meta_put(db, "channel_id", channel_hex) != 0 ||
	    meta_put(db, "prev_chain", hex) != 0)
		goto done;
	snprintf(num, sizeof(num), "%lld", (long long)first_seq);
	if (meta_put(db, "first_seq", num) != 0)
		goto done;
	snprintf(num, sizeof(num), "%lld", (long long)(first_seq + (int64_t)n -
	    1));
	if (meta_put(db, "last_seq", num) != 0)
		goto done;
	snprintf(num, sizeof(num), "%zu", n);
	if (meta_put(db, "count", num) != 0)
		goto done;
	memcpy(chain, prev_chain, 32);
	for (i = 0; i < n; i++)
		if (row_put(db, first_seq + (int64_t)i, envs[i], lens[i],
		    chain) != 0)
			goto done;
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto done;
	memcpy(last_chain, chain, 32);
	rc = 0;
done:
	sqlite3_close(db);
	return rc;
}

int
fx_sql(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	int rc = -1;

	if (sqlite3_open(path, &db) == SQLITE_OK &&
	    sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK)
		rc = 0;
	sqlite3_close(db);
	return rc;
}

uint64_t
fx_rand(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return x;
}
