/* Margins, primary rules and protection levels. Every rule looks at the
 * totals per contributor, so contributions are merged by contributor id
 * first, in inner cells and in margins alike. */
#include <math.h>
#include <sodium.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "sd_err.h"
#include "sdc.h"
#include "sdc_impl.h"

int
sdc_contrib_cmp(const void *a, const void *b)
{
	const struct sdc_contrib *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

static int
cmp_desc(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x < y) - (x > y);
}

static void
contrib_release(struct sdc_cell *c)
{
	if (c->con != NULL) {
		sodium_memzero(c->con, c->capcon * sizeof(*c->con));
		free(c->con);
	}
	c->con = NULL;
	c->ncon = 0;
	c->capcon = 0;
}

/* One entry per contributor, in id order; sets value and ncontrib.
 * SD_E_RANGE when the cell would pass SDC_VALUE_MAX (a margin can, where
 * every inner cell stays below it). */
static int
contrib_merge(struct sdc_cell *c)
{
	size_t i = 0, k = 0;
	int64_t v = c->one.sum;
	int over = v < 0 || v > SDC_VALUE_MAX;

	if (c->ncon > 1)
		if (c->ncon > 1)
			qsort(c->con, c->ncon, sizeof(*c->con), sdc_contrib_cmp);
	for (i = 0; i < c->ncon; i++) {
		over |= __builtin_add_overflow(v, c->con[i].v, &v) ||
		    v > SDC_VALUE_MAX;
		if (k > 0 && c->con[k - 1].id == c->con[i].id)
			c->con[k - 1].v += c->con[i].v;
		else
			c->con[k++] = c->con[i];
	}
	c->ncon = k;
	c->value = v;
	c->ncontrib = k + c->one.n;
	return over ? SD_E_RANGE : SD_OK;
}

/* The sum of the single reports of inner cells, checked as it grows. */
static int
singles_merge_checked(struct sdc_singles *into, const struct sdc_singles *from)
{
	int64_t sum = 0;

	if (__builtin_add_overflow(into->sum, from->sum, &sum) ||
	    sum > SDC_VALUE_MAX)
		return SD_E_RANGE;
	sdc_singles_merge(into, from);
	return SD_OK;
}

/* A margin's contributors: those of the inner cells r0..r1 x c0..c1. */
static int
margin_gather(sdc_table *t, size_t cell, size_t r0, size_t r1, size_t c0,
    size_t c1)
{
	struct sdc_cell *m = &t->cell[cell];
	size_t r = 0, c = 0, n = 0;

	for (r = r0; r <= r1; r++)
		for (c = c0; c <= c1; c++) {
			n += t->cell[r * t->stride + c].ncon;
			if (singles_merge_checked(&m->one,
			    &t->cell[r * t->stride + c].one) != SD_OK)
				return SD_E_RANGE;
		}
	if (n == 0)
		return contrib_merge(m);
	m->con = calloc(n, sizeof(*m->con));
	if (m->con == NULL)
		return SD_E_NOMEM;
	m->capcon = n;
	for (r = r0; r <= r1; r++) {
		for (c = c0; c <= c1; c++) {
			const struct sdc_cell *x = &t->cell[r * t->stride + c];
			if (x->ncon == 0)
				continue;
			memcpy(m->con + m->ncon, x->con, x->ncon * sizeof(*x->con));
			m->ncon += x->ncon;
		}
	}
	return contrib_merge(m);
}

static int
margins_build(sdc_table *t)
{
	size_t r = 0, c = 0, nr = t->nrows, nc = t->ncols;
	int rc = SD_OK;

	for (c = 0; t->radd && c < nc && rc == SD_OK; c++)
		rc = margin_gather(t, nr * t->stride + c, 0, nr - 1, c, c);
	for (r = 0; t->cadd && r < nr && rc == SD_OK; r++)
		rc = margin_gather(t, r * t->stride + nc, r, r, 0, nc - 1);
	if (t->radd && t->cadd && rc == SD_OK)
		rc = margin_gather(t, nr * t->stride + nc, 0, nr - 1, 0, nc - 1);
	return rc;
}

static void
cells_reset(sdc_table *t)
{
	size_t i = 0;

	for (i = 0; i < t->ncells; i++) {
		struct sdc_cell *c = &t->cell[i];
		size_t r = i / t->stride, col = i % t->stride;
		if (r == t->nrows || col == t->ncols) {
			contrib_release(c);
			memset(&c->one, 0, sizeof(c->one));
		}
		c->value = 0;
		c->ncontrib = 0;
		c->st = SDC_EMPTY;
		c->upl = 0.0;
		c->lpl = 0.0;
		c->lo = 0.0;
		c->hi = 0.0;
	}
}

/* The dominance rules on one magnitude cell, contributor totals sorted
 * largest first in x. Sets *p_bad / *nk_bad and their protection levels. */
static void
dominance(const double *x, size_t n, double total,
    const struct sdc_params *p, int *p_bad, double *p_lvl, int *nk_bad,
    double *nk_lvl)
{
	double x1 = n > 0 ? x[0] : 0.0, x2 = n > 1 ? x[1] : 0.0, top = 0.0;
	size_t i = 0;

	*p_lvl = p->p / 100.0 * x1 - (total - x1 - x2);
	*p_bad = p->p > 0.0 && total - x1 - x2 < p->p / 100.0 * x1;
	*nk_bad = 0;
	*nk_lvl = 0.0;
	if (p->nk_n == 0)
		return;
	for (i = 0; i < n && i < p->nk_n; i++)
		top += x[i];
	*nk_bad = top > p->nk_k / 100.0 * total;
	*nk_lvl = 100.0 / p->nk_k * top - total;
}

/* A count cell hidden by the frequency rule must be able to double
 * (upper = value) so that no contributor can tell how many reports the
 * others made, and must not be pinned from below (lower = 1 unit, which the
 * known minimum of 1 report makes 0 for a single report). */
static void
levels_count(struct sdc_cell *c)
{
	double v = (double)c->value;

	c->upl = v;
	c->lpl = v - 1.0 < 1.0 ? v - 1.0 : 1.0;
	if (c->lpl < 0.0)
		c->lpl = 0.0;
}

static int
rules_magnitude(struct sdc_cell *c, const struct sdc_params *p, int small)
{
	double *x = NULL, p_lvl = 0.0, nk_lvl = 0.0, up = 0.0;
	int p_bad = 0, nk_bad = 0;
	size_t i = 0;

	if (c->value > 0) {
		/* the rules read only the largest contributors: the listed
		 * ones and the largest single reports */
		size_t nx = c->ncon + c->one.ntop;
		x = calloc(nx, sizeof(*x));
		if (x == NULL)
			return SD_E_NOMEM;
		for (i = 0; i < c->ncon; i++)
			x[i] = (double)c->con[i].v;
		for (i = 0; i < c->one.ntop; i++)
			x[c->ncon + i] = (double)c->one.top[i];
		if (nx > 1)
			qsort(x, nx, sizeof(*x), cmp_desc);
		dominance(x, nx, (double)c->value, p, &p_bad, &p_lvl, &nk_bad,
		    &nk_lvl);
		sodium_memzero(x, nx * sizeof(*x));
		free(x);
	}
	if (small)
		c->st = SDC_SMALL;
	else if (p_bad)
		c->st = SDC_DOM_ONE;
	else if (nk_bad)
		c->st = p->nk_n == 1 ? SDC_DOM_ONE : p->nk_n == 2 ?
		    SDC_DOM_TWO : SDC_DOM_MANY;
	else
		return SD_OK;
	if (small)
		up = p->freq_range / 100.0 * (double)c->value;
	if (p_bad && p_lvl > up)
		up = p_lvl;
	if (nk_bad && nk_lvl > up)
		up = nk_lvl;
	/* never exact: at least one unit (values are whole euros or jobs) */
	c->upl = up > 1.0 ? up : 1.0;
	c->lpl = c->upl < (double)c->value ? c->upl : (double)c->value;
	return SD_OK;
}

static int
rules_apply(sdc_table *t, struct sdc_cell *c, const struct sdc_params *p)
{
	int small = c->ncontrib < p->threshold;

	if (c->ncontrib == 0) {
		c->st = SDC_EMPTY;
		return SD_OK;
	}
	c->st = SDC_FREE;
	if (t->m == SDC_MAGNITUDE)
		return rules_magnitude(c, p, small);
	if (small) {
		c->st = SDC_SMALL;
		levels_count(c);
	}
	return SD_OK;
}

/* Empty cells are published as 0, so in a count table an attacker knows
 * a total is at least the number of non-empty cells under it. No pattern
 * can hide more than that from below; the lower protection stops there. */
static size_t
nonempty_under(const sdc_table *t, size_t r, size_t c)
{
	size_t r0 = r == t->nrows ? 0 : r, r1 = r == t->nrows ? r - 1 : r;
	size_t c0 = c == t->ncols ? 0 : c, c1 = c == t->ncols ? c - 1 : c;
	size_t i = 0, j = 0, n = 0;

	for (i = r0; i <= r1; i++)
		for (j = c0; j <= c1; j++)
			n += t->cell[i * t->stride + j].ncontrib > 0;
	return n;
}

static void
levels_floor(sdc_table *t)
{
	size_t i = 0;

	for (i = 0; i < t->ncells; i++) {
		struct sdc_cell *c = &t->cell[i];
		double room = 0.0;
		if (!c->exists || !sdc_is_primary(c->st))
			continue;
		room = (double)c->value - sdc_known_min(t->m) *
		    (double)nonempty_under(t, i / t->stride, i % t->stride);
		if (room < 0.0)
			room = 0.0;
		if (c->lpl > room)
			c->lpl = room;
	}
}

int
sdc_primary_run(sdc_table *t, const struct sdc_params *p)
{
	size_t r = 0, c = 0, i = 0;
	int rc = SD_OK;

	cells_reset(t);
	for (r = 0; r < t->nrows && rc == SD_OK; r++)
		for (c = 0; c < t->ncols && rc == SD_OK; c++)
			rc = contrib_merge(&t->cell[r * t->stride + c]);
	if (rc != SD_OK || (rc = margins_build(t)) != SD_OK)
		return rc;
	for (i = 0; i < t->ncells && rc == SD_OK; i++)
		if (t->cell[i].exists)
			rc = rules_apply(t, &t->cell[i], p);
	levels_floor(t);
	return rc;
}

int
sdc_rules_group(const sdc_table *t, const size_t *cells, size_t n,
    const struct sdc_params *p, struct sdc_cell *out)
{
	size_t i, k = 0, total = 0, nonempty = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	out->exists = 1;
	for (i = 0; i < n; i++) {
		total += t->cell[cells[i]].ncon;
		nonempty += t->cell[cells[i]].ncontrib > 0;
	}
	if (total > 0 && (out->con = calloc(total, sizeof(*out->con))) == NULL)
		return SD_E_NOMEM;
	out->capcon = total;
	for (i = 0; i < n; i++) {
		const struct sdc_cell *c = &t->cell[cells[i]];
		if (c->ncon > 0)
			memcpy(out->con + k, c->con, c->ncon * sizeof(*c->con));
		k += c->ncon;
		if ((rc = singles_merge_checked(&out->one, &c->one)) != SD_OK)
			return rc;
	}
	out->ncon = k;
	if ((rc = contrib_merge(out)) != SD_OK ||
	    (rc = rules_apply((sdc_table *)(uintptr_t)t, out, p)) != SD_OK)
		return rc;
	if (sdc_is_primary(out->st) && t->m == SDC_COUNT) {
		double room = (double)out->value - (double)nonempty;
		if (room < 0.0)
			room = 0.0;
		if (out->lpl > room)
			out->lpl = room;
	}
	return SD_OK;
}
