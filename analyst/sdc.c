/* The table behind the disclosure-control engine and sdc_protect, which runs
 * primary rules, pattern choice and audit in that order. The method is
 * described in docs/disclosure-control.md. */
#include <glpk.h>
#include <math.h>
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sd_err.h"
#include "sdc.h"
#include "sdc_impl.h"

/* Audit attempts: the chosen pattern, then up to two heuristic repairs. */
#define SDC_AUDIT_ROUNDS 3

void
sdc_params_default(struct sdc_params *p)
{
	if (p == NULL)
		return;
	memset(p, 0, sizeof(*p));
	p->threshold = 3;
	p->p = 10.0;
	p->nk_n = 0;
	p->nk_k = 0.0;
	p->exact_max_cells = 60;
	p->freq_range = 10.0;
}

static int
cell_exists(size_t nrows, size_t ncols, int radd, int cadd, size_t r,
    size_t c)
{
	if (r > nrows || c > ncols)
		return 0;
	if (r == nrows && !radd)
		return 0;
	if (c == ncols && !cadd)
		return 0;
	return 1;
}

static size_t
relation_count(const sdc_table *t, size_t *entries)
{
	size_t n = 0;

	*entries = 0;
	if (t->cadd) {
		n += t->nrows + (t->radd ? 1 : 0);
		*entries += (t->nrows + (t->radd ? 1 : 0)) * (t->ncols + 1);
	}
	if (t->radd) {
		n += t->ncols + (t->cadd ? 1 : 0);
		*entries += (t->ncols + (t->cadd ? 1 : 0)) * (t->nrows + 1);
	}
	return n;
}

/* Each line along an additive dimension sums to its total: along a row
 * when columns are additive, along a column when rows are. */
static int
relations_build(sdc_table *t)
{
	size_t entries = 0, r = 0, c = 0, k = 0, e = 0;

	t->nrel = relation_count(t, &entries);
	t->rel_start = calloc(t->nrel + 1, sizeof(*t->rel_start));
	t->rel_cell = calloc(entries + 1, sizeof(*t->rel_cell));
	t->rel_coef = calloc(entries + 1, sizeof(*t->rel_coef));
	if (t->rel_start == NULL || t->rel_cell == NULL || t->rel_coef == NULL)
		return SD_E_NOMEM;
	for (r = 0; t->cadd && r < t->nrows + (t->radd ? 1 : 0); r++) {
		t->rel_start[k++] = e;
		for (c = 0; c <= t->ncols; c++, e++) {
			t->rel_cell[e] = r * t->stride + c;
			t->rel_coef[e] = c == t->ncols ? -1.0 : 1.0;
		}
	}
	for (c = 0; t->radd && c < t->ncols + (t->cadd ? 1 : 0); c++) {
		t->rel_start[k++] = e;
		for (r = 0; r <= t->nrows; r++, e++) {
			t->rel_cell[e] = r * t->stride + c;
			t->rel_coef[e] = r == t->nrows ? -1.0 : 1.0;
		}
	}
	t->rel_start[k] = e;
	return SD_OK;
}

sdc_table *
sdc_table_new(size_t nrows, size_t ncols, int rows_additive,
    int cols_additive, enum sdc_measure m)
{
	sdc_table *t = NULL;
	size_t r = 0, c = 0;

	if (nrows == 0 || ncols == 0 || nrows > SDC_MAX_DIM ||
	    ncols > SDC_MAX_DIM || (m != SDC_COUNT && m != SDC_MAGNITUDE))
		return NULL;
	t = calloc(1, sizeof(*t));
	if (t == NULL)
		goto fail;
	t->nrows = nrows;
	t->ncols = ncols;
	t->stride = ncols + 1;
	t->ncells = (nrows + 1) * t->stride;
	t->radd = rows_additive != 0;
	t->cadd = cols_additive != 0;
	t->m = m;
	t->method = "exact";
	t->cell = calloc(t->ncells, sizeof(*t->cell));
	if (t->cell == NULL)
		goto fail;
	for (r = 0; r <= nrows; r++) {
		for (c = 0; c <= ncols; c++) {
			struct sdc_cell *x = &t->cell[r * t->stride + c];
			x->exists = cell_exists(nrows, ncols, t->radd, t->cadd,
			    r, c);
			x->st = SDC_EMPTY;
		}
	}
	if (relations_build(t) != SD_OK)
		goto fail;
	return t;
fail:
	sdc_table_free(t);
	return NULL;
}

void
sdc_table_free(sdc_table *t)
{
	size_t i = 0;

	if (t == NULL)
		return;
	for (i = 0; t->cell != NULL && i < t->ncells; i++) {
		struct sdc_cell *c = &t->cell[i];
		if (c->con != NULL) {
			sodium_memzero(c->con, c->capcon * sizeof(*c->con));
			free(c->con);
		}
	}
	free(t->cell);
	free(t->rel_start);
	free(t->rel_cell);
	free(t->rel_coef);
	free(t);
}

/* Contributions are report data: grow by copying and wiping, never by a
 * realloc that could leave the old block readable. */
static int
contrib_grow(struct sdc_cell *c)
{
	struct sdc_contrib *n = NULL;
	size_t cap = c->capcon == 0 ? 4 : c->capcon * 2;

	if (cap < c->capcon || cap > SIZE_MAX / sizeof(*n))
		return SD_E_TOOBIG;
	n = calloc(cap, sizeof(*n));
	if (n == NULL)
		return SD_E_NOMEM;
	if (c->con != NULL) {
		memcpy(n, c->con, c->ncon * sizeof(*n));
		sodium_memzero(c->con, c->capcon * sizeof(*c->con));
		free(c->con);
	}
	c->con = n;
	c->capcon = cap;
	return SD_OK;
}

void
sdc_singles_add(struct sdc_singles *s, double v)
{
	size_t i;

	s->n++;
	s->sum += v;
	if (s->ntop == SDC_TOPK && v <= s->top[SDC_TOPK - 1])
		return;
	i = s->ntop < SDC_TOPK ? s->ntop++ : SDC_TOPK - 1;
	while (i > 0 && s->top[i - 1] < v) {
		s->top[i] = s->top[i - 1];
		i--;
	}
	s->top[i] = v;
}

void
sdc_singles_merge(struct sdc_singles *into, const struct sdc_singles *from)
{
	size_t i, n = into->n + from->n;
	double sum = into->sum + from->sum;

	for (i = 0; i < from->ntop; i++)
		sdc_singles_add(into, from->top[i]);
	into->n = n;
	into->sum = sum;
}

int
sdc_add_single(sdc_table *t, size_t row, size_t col, double value)
{
	if (t == NULL || row >= t->nrows || col >= t->ncols ||
	    !isfinite(value) || value < 0.0)
		return SD_E_INVAL;
	if (t->m == SDC_COUNT && value != 1.0)
		return SD_E_INVAL;
	sdc_singles_add(&t->cell[row * t->stride + col].one, value);
	t->audited = 0;
	return SD_OK;
}

/* Merge a cell's list by contributor in place, so a few contributors with
 * many reports take a few entries (the rules merge again anyway). */
static void
contrib_compact(struct sdc_cell *c)
{
	size_t i = 0, k = 0;

	qsort(c->con, c->ncon, sizeof(*c->con), sdc_contrib_cmp);
	for (i = 0; i < c->ncon; i++) {
		if (k > 0 && c->con[k - 1].id == c->con[i].id)
			c->con[k - 1].v += c->con[i].v;
		else
			c->con[k++] = c->con[i];
	}
	if (k < c->ncon)
		sodium_memzero(c->con + k, (c->ncon - k) * sizeof(*c->con));
	c->ncon = k;
}

int
sdc_add(sdc_table *t, size_t row, size_t col, uint32_t contributor,
    double value)
{
	struct sdc_cell *c = NULL;
	int rc = SD_OK;

	if (t == NULL || row >= t->nrows || col >= t->ncols ||
	    !isfinite(value) || value < 0.0)
		return SD_E_INVAL;
	if (t->m == SDC_COUNT && value != 1.0)
		return SD_E_INVAL;
	c = &t->cell[row * t->stride + col];
	if (c->ncon == c->capcon && c->capcon >= 64)
		contrib_compact(c);
	if (c->ncon * 4 >= c->capcon * 3 && (rc = contrib_grow(c)) != SD_OK)
		return rc;
	c->con[c->ncon].id = contributor;
	c->con[c->ncon].v = value;
	c->ncon++;
	t->audited = 0;
	return SD_OK;
}

static int
params_valid(const struct sdc_params *p)
{
	if (p == NULL)
		return 0;
	if (!isfinite(p->p) || p->p < 0.0 || p->p > 100.0)
		return 0;
	if (p->nk_n > SDC_TOPK)
		return 0;   /* the largest SDC_TOPK single reports are kept */
	if (p->nk_n > 0 && (!isfinite(p->nk_k) || p->nk_k <= 0.0 ||
	    p->nk_k > 100.0))
		return 0;
	if (!isfinite(p->freq_range) || p->freq_range < 0.0 ||
	    p->freq_range > 100.0)
		return 0;
	return 1;
}

static int
has_primary(const sdc_table *t)
{
	size_t i = 0;

	for (i = 0; i < t->ncells; i++)
		if (t->cell[i].exists && sdc_is_primary(t->cell[i].st))
			return 1;
	return 0;
}

static size_t
existing_cells(const sdc_table *t)
{
	size_t i = 0, n = 0;

	for (i = 0; i < t->ncells; i++)
		n += t->cell[i].exists ? 1 : 0;
	return n;
}

static int
choose_pattern(sdc_table *t, const struct sdc_params *p)
{
	int rc = SD_OK, solved = 0;

	t->method = "exact";
	if (!has_primary(t))
		return SD_OK;
	if (existing_cells(t) <= p->exact_max_cells) {
		rc = sdc_exact_run(t, &solved);
		if (rc != SD_OK || solved)
			return rc;
	}
	t->method = "heuristic";
	return sdc_heuristic_run(t);
}

/* A secondary cell that the audit pins to one value hides nothing: every
 * table consistent with the release has that value there, so publishing it
 * leaves every other interval as it was. */
static size_t
publish_exact_secondaries(sdc_table *t)
{
	size_t i = 0, n = 0;
	double tol = 1e-3 * sdc_tolerance(t);

	for (i = 0; i < t->ncells; i++) {
		struct sdc_cell *c = &t->cell[i];
		if (c->exists && c->st == SDC_SECONDARY && c->hi - c->lo <= tol) {
			c->st = SDC_FREE;
			n++;
		}
	}
	return n;
}

static int
audit_and_settle(sdc_table *t)
{
	int rc = SD_E_INVAL, round = 0;

	for (round = 0; round < SDC_AUDIT_ROUNDS; round++) {
		if (round > 0) {
			t->method = "heuristic";
			if ((rc = sdc_heuristic_run(t)) != SD_OK)
				return rc;
		}
		if ((rc = sdc_audit_run(t)) != SD_OK)
			return rc;
		if (publish_exact_secondaries(t) > 0 &&
		    (rc = sdc_audit_run(t)) != SD_OK)
			return rc;
		if ((rc = sdc_audit_check(t)) == SD_OK)
			return SD_OK;
	}
	return rc;
}

int
sdc_pin_published(sdc_table *t, size_t row, size_t col)
{
	if (t == NULL || row > t->nrows || col > t->ncols ||
	    !t->cell[row * t->stride + col].exists)
		return SD_E_INVAL;
	t->cell[row * t->stride + col].pinned = 1;
	t->audited = 0;
	return SD_OK;
}

static int
pinned_primary(const sdc_table *t)
{
	size_t i;

	for (i = 0; i < t->ncells; i++)
		if (t->cell[i].exists && t->cell[i].pinned &&
		    sdc_is_primary(t->cell[i].st))
			return 1;
	return 0;
}

int
sdc_protect(sdc_table *t, const struct sdc_params *p)
{
	int rc = SD_OK, term = 0;

	if (t == NULL || !params_valid(p))
		return SD_E_INVAL;
	t->audited = 0;
	term = glp_term_out(GLP_OFF);
	if ((rc = sdc_primary_run(t, p)) != SD_OK)
		goto done;
	if (pinned_primary(t)) {
		rc = SD_E_CONFIDENTIAL;
		goto done;
	}
	if ((rc = choose_pattern(t, p)) != SD_OK)
		goto done;
	if ((rc = audit_and_settle(t)) != SD_OK)
		goto done;
	t->audited = 1;
done:
	glp_term_out(term);
	return rc;
}

static const struct sdc_cell *
cell_at(const sdc_table *t, size_t row, size_t col)
{
	if (t == NULL || row > t->nrows || col > t->ncols)
		return NULL;
	if (!t->cell[row * t->stride + col].exists)
		return NULL;
	return &t->cell[row * t->stride + col];
}

double
sdc_value(const sdc_table *t, size_t row, size_t col)
{
	const struct sdc_cell *c = cell_at(t, row, col);

	return c == NULL ? 0.0 : c->value;
}

size_t
sdc_contributors(const sdc_table *t, size_t row, size_t col)
{
	const struct sdc_cell *c = cell_at(t, row, col);

	return c == NULL ? 0 : c->ncontrib;
}

enum sdc_status
sdc_status(const sdc_table *t, size_t row, size_t col)
{
	const struct sdc_cell *c = cell_at(t, row, col);

	return c == NULL ? SDC_EMPTY : c->st;
}

int
sdc_has_cell(const sdc_table *t, size_t row, size_t col)
{
	return cell_at(t, row, col) != NULL;
}

void
sdc_interval(const sdc_table *t, size_t row, size_t col, double *lo,
    double *hi)
{
	const struct sdc_cell *c = cell_at(t, row, col);

	if (lo != NULL)
		*lo = c == NULL ? 0.0 : c->lo;
	if (hi != NULL)
		*hi = c == NULL ? 0.0 : c->hi;
}

const char *
sdc_method(const sdc_table *t)
{
	return t == NULL ? "exact" : t->method;
}

void
sdc_protection(const sdc_table *t, size_t row, size_t col, double *lower,
    double *upper)
{
	const struct sdc_cell *c = cell_at(t, row, col);
	int prim = c != NULL && sdc_is_primary(c->st);

	if (lower != NULL)
		*lower = prim ? c->lpl : 0.0;
	if (upper != NULL)
		*upper = prim ? c->upl : 0.0;
}

size_t
sdc_suppressed_count(const sdc_table *t)
{
	size_t i = 0, n = 0;

	for (i = 0; t != NULL && i < t->ncells; i++)
		if (t->cell[i].exists && sdc_is_suppressed(t->cell[i].st))
			n++;
	return n;
}

double
sdc_known_min(const sdc_table *t)
{
	return t->m == SDC_COUNT ? 1.0 : 0.0;
}

double
sdc_down_capacity(const sdc_table *t, size_t cell)
{
	double cap = t->cell[cell].value - sdc_known_min(t);

	return cap > 0.0 ? cap : 0.0;
}

double
sdc_weight(const sdc_table *t, size_t cell)
{
	return 1.0 + t->cell[cell].value / (t->cand_sum + 1.0);
}

double
sdc_tolerance(const sdc_table *t)
{
	return 1e-7 * t->scale;
}

int
sdc_collect_needs(const sdc_table *t, struct sdc_need **needs, size_t *n)
{
	struct sdc_need *v = NULL;
	size_t i = 0, k = 0;

	*needs = NULL;
	*n = 0;
	v = calloc(2 * t->ncells, sizeof(*v));
	if (v == NULL)
		return SD_E_NOMEM;
	for (i = 0; i < t->ncells; i++) {
		const struct sdc_cell *c = &t->cell[i];
		if (!c->exists || !sdc_is_primary(c->st))
			continue;
		if (c->upl > 0.0)
			v[k++] = (struct sdc_need){ i, 1, c->upl };
		if (c->lpl > 0.0)
			v[k++] = (struct sdc_need){ i, 0, c->lpl };
	}
	*needs = v;
	*n = k;
	return SD_OK;
}

int
sdc_candidate_index(const sdc_table *t, size_t **map, size_t *n)
{
	size_t *m = NULL;
	size_t i = 0, k = 0;

	*map = NULL;
	*n = 0;
	m = calloc(t->ncells, sizeof(*m));
	if (m == NULL)
		return SD_E_NOMEM;
	for (i = 0; i < t->ncells; i++)
		m[i] = sdc_is_candidate(&t->cell[i]) ? k++ : SIZE_MAX;
	*map = m;
	*n = k;
	return SD_OK;
}
