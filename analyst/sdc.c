/* The table behind the disclosure-control engine: cells, contributions,
 * accessors, and sdc_protect, which protects one table on its own as a
 * system of one table (sdc_sys.c). The method is described in
 * docs/disclosure-control.md. */
#include <math.h>
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sd_err.h"
#include "sdc.h"
#include "sdc_impl.h"
#include "sdc_sys.h"

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

int
sdc_params_valid(const struct sdc_params *p)
{
	if (p == NULL || p->threshold == 0)
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

	if (nrows == 0 || ncols == 0 || ncols > SDC_MAX_DIM ||
	    nrows > (rows_additive || cols_additive ? SDC_MAX_DIM :
	    SDC_MAX_ROWS) || (m != SDC_COUNT && m != SDC_MAGNITUDE))
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
		sodium_memzero(&c->one, sizeof(c->one));
	}
	free(t->cell);
	free(t->rel_start);
	free(t->rel_cell);
	free(t->rel_coef);
	free(t);
}

size_t
sdc_nrows(const sdc_table *t)
{
	return t == NULL ? 0 : t->nrows;
}

size_t
sdc_ncols(const sdc_table *t)
{
	return t == NULL ? 0 : t->ncols;
}

enum sdc_measure
sdc_measure_of(const sdc_table *t)
{
	return t == NULL ? SDC_COUNT : t->m;
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
sdc_singles_add(struct sdc_singles *s, int64_t v)
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
	int64_t sum = into->sum + from->sum;

	for (i = 0; i < from->ntop; i++)
		sdc_singles_add(into, from->top[i]);
	into->n = n;
	into->sum = sum;
}

/* Every inner cell, and so every margin, stays within SDC_VALUE_MAX: the
 * table refuses the addition that would pass it. */
static int
value_ok(sdc_table *t, size_t row, size_t col, int64_t value)
{
	struct sdc_cell *c = &t->cell[row * t->stride + col];

	if (value < 0 || value > SDC_VALUE_MAX)
		return 0;
	if (t->m == SDC_COUNT && value != 1)
		return 0;
	if (c->added > SDC_VALUE_MAX - value) {
		t->overflow = 1;
		return 0;
	}
	c->added += value;
	return 1;
}

int
sdc_add_single(sdc_table *t, size_t row, size_t col, int64_t value)
{
	if (t == NULL || row >= t->nrows || col >= t->ncols)
		return SD_E_INVAL;
	if (!value_ok(t, row, col, value))
		return t->overflow ? SD_E_RANGE : SD_E_INVAL;
	sdc_singles_add(&t->cell[row * t->stride + col].one, value);
	t->audited = 0;
	t->prepared = 0;
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
    int64_t value)
{
	struct sdc_cell *c = NULL;
	int rc = SD_OK;

	if (t == NULL || row >= t->nrows || col >= t->ncols)
		return SD_E_INVAL;
	if (!value_ok(t, row, col, value))
		return t->overflow ? SD_E_RANGE : SD_E_INVAL;
	c = &t->cell[row * t->stride + col];
	if (c->ncon == c->capcon && c->capcon >= 64)
		contrib_compact(c);
	if (c->ncon * 4 >= c->capcon * 3 && (rc = contrib_grow(c)) != SD_OK)
		return rc;
	c->con[c->ncon].id = contributor;
	c->con[c->ncon].v = value;
	c->ncon++;
	t->audited = 0;
	t->prepared = 0;
	return SD_OK;
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

int
sdc_prepare(sdc_table *t, const struct sdc_params *p)
{
	int rc;

	if (t == NULL || !sdc_params_valid(p))
		return SD_E_INVAL;
	if (t->overflow)
		return SD_E_RANGE;
	t->audited = 0;
	memset(&t->info, 0, sizeof(t->info));
	if ((rc = sdc_primary_run(t, p)) != SD_OK)
		return rc;
	t->prepared = 1;
	return SD_OK;
}

static int
status_letter(enum sdc_status st)
{
	return st == SDC_FREE || st == SDC_EMPTY || st == SDC_SECONDARY ||
	    sdc_is_primary(st);
}

int
sdc_set_status(sdc_table *t, size_t row, size_t col, enum sdc_status st)
{
	struct sdc_cell *c;

	if (t == NULL || !t->prepared || row > t->nrows || col > t->ncols ||
	    !status_letter(st))
		return SD_E_INVAL;
	c = &t->cell[row * t->stride + col];
	if (!c->exists)
		return SD_E_INVAL;
	c->st = st;
	return SD_OK;
}

/* A table on its own: its cells and its margins' relations are the whole
 * system, and its contributors (listed ones and the summaries of single
 * reports) are the attackers. */
struct own_src {
	const sdc_table *t;
	size_t base;
};

static int
own_attackers(void *ctx, sdc_sys *s, const unsigned char *relevant);

int
sdc_protect(sdc_table *t, const struct sdc_params *p)
{
	sdc_sys *s = NULL;
	struct own_src src;
	size_t base = 0;
	int rc;

	if ((rc = sdc_prepare(t, p)) != SD_OK)
		return rc;
	if ((s = sdc_sys_new(t->m)) == NULL)
		return SD_E_NOMEM;
	if ((rc = sdc_sys_add_table(s, t, 1, &base)) != SD_OK ||
	    (rc = sdc_sys_add_table_relations(s, base, t)) != SD_OK)
		goto done;
	src.t = t;
	src.base = base;
	sdc_sys_set_attackers(s, own_attackers, &src);
	rc = sdc_sys_protect(s, p);
	t->method = sdc_sys_method(s);
	t->info = *sdc_sys_info(s);
	if (rc == SD_OK)
		t->audited = 1;
done:
	sdc_sys_free(s);
	return rc;
}

/* The cells a contribution to inner cell i also reaches: its margins. */
static size_t
cells_of_inner(const sdc_table *t, size_t i, size_t out[4])
{
	size_t r = i / t->stride, c = i % t->stride, n = 0;

	out[n++] = i;
	if (t->cadd)
		out[n++] = r * t->stride + t->ncols;
	if (t->radd)
		out[n++] = t->nrows * t->stride + c;
	if (t->radd && t->cadd)
		out[n++] = t->nrows * t->stride + t->ncols;
	return n;
}

struct triple {
	uint32_t id;
	size_t cell;
	int64_t v;
};

static int
triple_cmp(const void *a, const void *b)
{
	const struct triple *x = a, *y = b;

	if (x->id != y->id)
		return (x->id > y->id) - (x->id < y->id);
	return (x->cell > y->cell) - (x->cell < y->cell);
}

/* Listed contributors: every (contributor, cell) of the table, inner cells
 * and margins, grouped by contributor. */
static int
listed_attackers(sdc_sys *s, const sdc_table *t, size_t base,
    const unsigned char *rel)
{
	struct triple *tr = NULL;
	size_t *var = NULL, n = 0, i, k, a, b;
	int64_t *own = NULL;
	unsigned char *alone = NULL;
	int rc = SD_E_NOMEM;

	for (i = 0; i < t->ncells; i++)
		n += t->cell[i].exists ? t->cell[i].ncon : 0;
	if (n == 0)
		return SD_OK;
	tr = calloc(n, sizeof(*tr));
	var = calloc(n, sizeof(*var));
	own = calloc(n, sizeof(*own));
	alone = calloc(n, 1);
	if (tr == NULL || var == NULL || own == NULL || alone == NULL)
		goto done;
	for (i = 0, k = 0; i < t->ncells; i++) {
		const struct sdc_cell *c = &t->cell[i];
		size_t j;
		if (!c->exists)
			continue;
		for (j = 0; j < c->ncon; j++)
			tr[k++] = (struct triple){ c->con[j].id, i, c->con[j].v };
	}
	qsort(tr, n, sizeof(*tr), triple_cmp);
	rc = SD_OK;
	for (a = 0; a < n && rc == SD_OK; a = b) {
		int any = 0;
		for (b = a; b < n && tr[b].id == tr[a].id; b++) {
			const struct sdc_cell *c = &t->cell[tr[b].cell];
			var[b - a] = base + tr[b].cell;
			own[b - a] = tr[b].v;
			alone[b - a] = c->ncontrib == 1;
			any |= rel[base + tr[b].cell];
		}
		if (any)
			rc = sdc_sys_add_attacker(s, b - a, var, own, alone);
	}
done:
	if (tr != NULL)
		sodium_memzero(tr, n * sizeof(*tr));
	if (own != NULL)
		sodium_memzero(own, n * sizeof(*own));
	free(tr);
	free(var);
	free(own);
	free(alone);
	return rc;
}

/* Single reports: one group per inner cell. With a non-additive dimension
 * a report is in several cells of one line of the other, but those lines
 * share no relation, so what it knows of one line says nothing of the
 * others and each cell's group stands alone. */
static int
single_attackers(sdc_sys *s, const sdc_table *t, size_t base,
    const unsigned char *rel)
{
	size_t r, c, cells[4], var[4], n, k;
	unsigned char alone[4];
	int rc = SD_OK;

	for (r = 0; r < t->nrows && rc == SD_OK; r++) {
		for (c = 0; c < t->ncols && rc == SD_OK; c++) {
			size_t i = r * t->stride + c;
			const struct sdc_cell *x = &t->cell[i];
			if (x->one.n == 0)
				continue;
			int any = 0;
			n = cells_of_inner(t, i, cells);
			for (k = 0; k < n; k++) {
				var[k] = base + cells[k];
				alone[k] = x->one.n == 1 &&
				    t->cell[cells[k]].ncontrib == 1;
				any |= rel[var[k]];
			}
			if (any)
				rc = sdc_sys_add_singles(s, n, var, alone, x->one.top,
			    x->one.ntop, x->one.n);
		}
	}
	return rc;
}

static int
own_attackers(void *ctx, sdc_sys *s, const unsigned char *relevant)
{
	const struct own_src *o = ctx;
	int rc = listed_attackers(s, o->t, o->base, relevant);

	return rc != SD_OK ? rc : single_attackers(s, o->t, o->base, relevant);
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

int64_t
sdc_value(const sdc_table *t, size_t row, size_t col)
{
	const struct sdc_cell *c = cell_at(t, row, col);

	return c == NULL ? 0 : c->value;
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

const struct sdc_audit_info *
sdc_info(const sdc_table *t)
{
	return t == NULL ? NULL : &t->info;
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

int
sdc_is_primary_status(enum sdc_status st)
{
	return sdc_is_primary(st);
}

double
sdc_known_min(enum sdc_measure m)
{
	return m == SDC_COUNT ? 1.0 : 0.0;
}
