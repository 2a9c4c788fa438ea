#include "recs.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "ledger.h"
#include "sd_err.h"

/* Open-addressing map from a 16-byte digest to a 32-bit value. Digests,
 * not the pseudonyms themselves, are kept; at 128 bits a collision between
 * two different keys is not a practical concern. */
#define RMAP_KEY 16

struct rslot {
	uint8_t key[RMAP_KEY];
	uint32_t val;
	uint32_t used;
};

struct rmap {
	struct rslot *s;
	size_t cap;              /* power of two */
	size_t n;
};

static struct rmap *
rmap_new(void)
{
	struct rmap *m = calloc(1, sizeof(*m));

	if (m == NULL)
		return NULL;
	m->cap = 1024;
	if ((m->s = calloc(m->cap, sizeof(*m->s))) == NULL) {
		free(m);
		return NULL;
	}
	return m;
}

static void
rmap_free(struct rmap *m)
{
	if (m == NULL)
		return;
	sodium_memzero(m->s, m->cap * sizeof(*m->s));
	free(m->s);
	free(m);
}

static size_t
rmap_pos(const struct rmap *m, const uint8_t key[RMAP_KEY])
{
	uint64_t h;

	memcpy(&h, key, sizeof(h));
	return (size_t)h & (m->cap - 1);
}

static struct rslot *
rmap_slot(struct rmap *m, const uint8_t key[RMAP_KEY])
{
	size_t i = rmap_pos(m, key);

	while (m->s[i].used && memcmp(m->s[i].key, key, RMAP_KEY) != 0)
		i = (i + 1) & (m->cap - 1);
	return &m->s[i];
}

static int
rmap_grow(struct rmap *m)
{
	struct rmap n;
	struct rslot *d;
	size_t i;

	n.cap = m->cap * 2;
	n.n = m->n;
	if ((n.s = calloc(n.cap, sizeof(*n.s))) == NULL)
		return SD_E_NOMEM;
	for (i = 0; i < m->cap; i++) {
		if (!m->s[i].used)
			continue;
		d = rmap_slot(&n, m->s[i].key);
		*d = m->s[i];
	}
	sodium_memzero(m->s, m->cap * sizeof(*m->s));
	free(m->s);
	*m = n;
	return SD_OK;
}

/* Look up key; when absent insert it with val, when present return its
 * value in *old and replace it with val if replace. */
static int
rmap_get_put(struct rmap *m, const uint8_t key[RMAP_KEY], uint32_t val,
    int replace, uint32_t *old, int *found)
{
	struct rslot *s;
	int rc;

	if ((m->n + 1) * 2 > m->cap && (rc = rmap_grow(m)) != SD_OK)
		return rc;
	s = rmap_slot(m, key);
	*found = (int)s->used;
	if (s->used) {
		*old = s->val;
		if (replace)
			s->val = val;
		return SD_OK;
	}
	memcpy(s->key, key, RMAP_KEY);
	s->val = val;
	s->used = 1;
	m->n++;
	return SD_OK;
}

void
recset_init(struct recset *rs)
{
	memset(rs, 0, sizeof(*rs));
	randombytes_buf(rs->hkey, sizeof(rs->hkey));
}

static void
ref_key(const struct recset *rs, const struct sd_report *r,
    uint8_t key[RMAP_KEY])
{
	crypto_generichash_state h;
	uint8_t tag = r->has_reporter ? 1 : 0;

	crypto_generichash_init(&h, rs->hkey, sizeof(rs->hkey), RMAP_KEY);
	crypto_generichash_update(&h, &tag, 1);
	if (r->has_reporter)
		crypto_generichash_update(&h, r->reporter,
		    sizeof(r->reporter));
	crypto_generichash_update(&h, r->incident_ref,
	    sizeof(r->incident_ref));
	crypto_generichash_final(&h, key, RMAP_KEY);
}

static int
contributor_of(struct recset *rs, const struct sd_report *r, uint32_t *id)
{
	uint8_t key[RMAP_KEY];
	uint32_t old = 0;
	int found = 0, rc;

	if (rs->contributors == UINT32_MAX)
		return SD_E_TOOBIG;
	if (!r->has_reporter) {
		*id = rs->contributors++;
		return SD_OK;
	}
	crypto_generichash(key, RMAP_KEY, r->reporter, sizeof(r->reporter),
	    rs->hkey, sizeof(rs->hkey));
	if ((rc = rmap_get_put(rs->by_reporter, key, rs->contributors, 0,
	    &old, &found)) != SD_OK)
		return rc;
	if (found) {
		*id = old;
		return SD_OK;
	}
	*id = rs->contributors++;
	return SD_OK;
}

static int
grow_recs(struct recset *rs)
{
	size_t ncap;
	struct arec *n;

	if (rs->n < rs->cap)
		return SD_OK;
	ncap = rs->cap ? rs->cap * 2 : 4096;
	if (ncap > UINT32_MAX || (n = realloc(rs->r, ncap * sizeof(*n))) ==
	    NULL)
		return SD_E_NOMEM;
	rs->r = n;
	rs->cap = ncap;
	return SD_OK;
}

static void
compact(const struct sd_report *r, uint32_t contributor, struct arec *a)
{
	memset(a, 0, sizeof(*a));
	a->loss_eur = r->loss_eur;
	a->jobs_at_risk = r->jobs_at_risk;
	a->contributor = contributor;
	a->single = !r->has_reporter;
	a->secret_types = r->secret_types;
	a->attack_vectors = r->attack_vectors;
	a->year = r->discovered_year;
	a->quarter = r->discovered_quarter;
	a->member_state = r->member_state;
	a->organisation = r->organisation;
	a->sector = r->sector;
	a->size_class = r->size_class;
	a->actor = r->actor;
	a->actor_origin = r->actor_origin;
	a->police = r->reported_to_police;
}

int
recset_add(struct recset *rs, int64_t seq, const struct sd_report *r)
{
	uint8_t key[RMAP_KEY];
	uint32_t old = 0, contributor = 0;
	int found = 0, rc;

	if ((rs->by_ref == NULL && (rs->by_ref = rmap_new()) == NULL) ||
	    (rs->by_reporter == NULL &&
	    (rs->by_reporter = rmap_new()) == NULL))
		return SD_E_NOMEM;
	if ((rc = grow_recs(rs)) != SD_OK)
		return rc;
	ref_key(rs, r, key);
	if ((rc = rmap_get_put(rs->by_ref, key, (uint32_t)rs->n, 1, &old,
	    &found)) != SD_OK)
		return rc;
	if (found) {
		rs->r[old].replaced = 1;
		rs->replaced++;
	}
	if ((rc = contributor_of(rs, r, &contributor)) != SD_OK)
		return rc;
	compact(r, contributor, &rs->r[rs->n]);
	rs->r[rs->n++].seq = seq;
	return SD_OK;
}

int
recset_finish(struct recset *rs)
{
	size_t i, j = 0;
	struct arec *n;

	rmap_free(rs->by_ref);
	rmap_free(rs->by_reporter);
	rs->by_ref = NULL;
	rs->by_reporter = NULL;
	if (rs->replaced > 0) {
		if ((rs->old = calloc(rs->replaced, sizeof(*rs->old))) == NULL)
			return SD_E_NOMEM;
		for (i = 0; i < rs->n; i++)
			if (rs->r[i].replaced)
				rs->old[rs->nold++] = rs->r[i];
	}
	for (i = 0; i < rs->n; i++)
		if (!rs->r[i].replaced)
			rs->r[j++] = rs->r[i];
	if (j < rs->n)
		sodium_memzero(rs->r + j, (rs->n - j) * sizeof(*rs->r));
	rs->n = j;
	if (j > 0 && j < rs->cap &&
	    (n = realloc(rs->r, j * sizeof(*n))) != NULL) {
		rs->r = n;
		rs->cap = j;
	}
	return SD_OK;
}

void
recset_free(struct recset *rs)
{
	rmap_free(rs->by_ref);
	rmap_free(rs->by_reporter);
	if (rs->r != NULL)
		sodium_memzero(rs->r, rs->cap * sizeof(*rs->r));
	if (rs->old != NULL)
		sodium_memzero(rs->old, rs->nold * sizeof(*rs->old));
	free(rs->r);
	free(rs->old);
	recset_init(rs);
}

struct sink_ctx {
	struct recset *rs;
	const struct seqset *only;
};

static int
sink(void *ctx, int64_t seq, const char *receipt, const struct sd_report *r)
{
	struct sink_ctx *c = ctx;

	(void)receipt;
	if (c->only != NULL && !seqset_has(c->only, seq))
		return SD_OK;
	return recset_add(c->rs, seq, r);
}

int
recset_load(astore *s, const sd_seckey *key, const char *today,
    unsigned nthreads, const struct seqset *only, struct recset *rs,
    struct dec_summary *sum)
{
	struct sink_ctx c = { rs, only };
	int rc;

	recset_init(rs);
	if ((rc = dec_run(s, key, today, nthreads, sink, &c, sum)) != SD_OK) {
		recset_free(rs);
		return rc;
	}
	if ((rc = recset_finish(rs)) != SD_OK)
		recset_free(rs);
	return rc;
}
