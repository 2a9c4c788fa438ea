/* Linked tables and the ledger (docs/disclosure-control.md).
 *
 * Every table of the system (the new release's, the earlier releases'
 * that share reports or periods with it, and, as zeros only, the empty
 * cells of tables of the other measures) is a set of cells over fields:
 * the schema's dimensions, the quarter of discovery, and the coverage of a
 * report (which releases counted it: the reports that arrived between two
 * releases, or that replaced an earlier version, differ there). Each field
 * is split into the coarsest classes that every code set a table uses is
 * a union of. A table's fields form an edge of a hypergraph; when it is
 * acyclic, a junction tree of its largest edges (the cliques) represents
 * every table exactly: the unknowns are each clique's cells over its
 * fields' classes, neighbouring cliques agree on the fields they share,
 * and a report's multi-valued field enters as counts of inclusion (at
 * most the clique cell's reports, together at least as many). A cyclic
 * hypergraph is made acyclic by merging its cycle into one clique. */
#include "linked.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sd_err.h"
#include "sdc_sys.h"

#define NF 11
#define F_TIME 9
#define F_K 10
#define CS_WORDS 8
#define CS_BITS (64 * CS_WORDS)
/* Unknowns one system may have; beyond, the release cannot be audited. */
#define LK_MAX_VARS 150000
/* Quarters from the first year the schema allows. */
#define Q_BASE ((unsigned)CUBE_YEAR_MIN * 4)
#define Q_CODES ((size_t)(CUBE_YEAR_MAX - CUBE_YEAR_MIN + 1) * 4)
/* Cells one report can count in, over every table and clique. */
#define LK_MAX_ENTRIES 4096

static const char *const field_names[9] = {
	"member_state", "organisation", "sector", "size_class", "secret_types",
	"attack_vectors", "actor", "actor_origin", "reported_to_police",
};

struct cset {
	uint64_t w[CS_WORDS];
};

static void
cs_clear(struct cset *s)
{
	memset(s, 0, sizeof(*s));
}

static void
cs_set(struct cset *s, size_t i)
{
	if (i < CS_BITS)
		s->w[i / 64] |= (uint64_t)1 << (i % 64);
}

static int
cs_has(const struct cset *s, size_t i)
{
	return i < CS_BITS && (s->w[i / 64] >> (i % 64)) & 1u;
}

static void
cs_fill(struct cset *s, size_t n)
{
	size_t i;

	cs_clear(s);
	for (i = 0; i < n; i++)
		cs_set(s, i);
}

static void
cs_and(struct cset *a, const struct cset *b)
{
	size_t i;

	for (i = 0; i < CS_WORDS; i++)
		a->w[i] &= b->w[i];
}

/* What a table, or one of its cells, keeps of each field. */
struct restr {
	struct cset set[NF];     /* single-valued fields, time, coverage */
	int incl[NF];            /* multi-valued fields: the code, or -1 */
};

struct field {
	size_t ncode;
	int multi;
	int *cls;                /* code -> class, -1 outside every table */
	size_t ncls;
};

struct clique {
	uint32_t fields;
	int f[NF];               /* its single-valued fields, ascending */
	size_t nf;
	size_t stride[NF];
	int multi;               /* its multi-valued field, or -1 */
	size_t m;
	size_t nbase;
	size_t var0;
	/* its unknowns as the cells of a table of one column, t(b) then
	 * v(b, j): the primary rules apply to them as to any cell, so that a
	 * group of reports that the releases reveal between them (those that
	 * arrived between two releases, say) is protected like a cell */
	sdc_table *t;
};

/* One measure's system. */
struct msys {
	struct linked *L;
	enum cube_measure m;
	size_t *tab;             /* into L->tab */
	int *zero;               /* only its empty cells take part */
	uint32_t *edge;
	size_t *cq_of;
	size_t *base;
	struct restr *tr;        /* each table's own restriction */
	size_t n;
	struct field fld[NF];
	uint64_t *kmask;         /* coverage classes */
	size_t nk;
	struct clique *cq;
	size_t ncq;
	size_t (*tree)[2];       /* junction tree edges */
	size_t ntree;
	sdc_sys *sys;
};

#define WHY(L, ...) snprintf((L)->why, sizeof((L)->why), __VA_ARGS__)

void
linked_init(struct linked *L, const struct recset *rs,
    const struct sdc_params *p)
{
	memset(L, 0, sizeof(*L));
	L->rs = rs;
	L->par = *p;
	L->fail_table = LK_NEW;
	L->exact = 1;
}

void
linked_free(struct linked *L)
{
	size_t i;

	for (i = 0; i < L->ntab; i++)
		sdc_table_free(L->tab[i].t);
	free(L->tab);
	memset(L, 0, sizeof(*L));
}

static void dim_fix(struct dim *d);

/* A table's spec points at the table's own copies of its dimensions, and
 * a time dimension's codes at its own generated ones: after the array
 * moves, every table is pointed at itself again. */
static void
tab_repoint(struct lk_table *t)
{
	t->spec.rows = &t->rows;
	if (t->spec.cols != NULL)
		t->spec.cols = &t->cols;
	dim_fix(&t->rows);
	dim_fix(&t->cols);
}

static struct lk_table *
tab_push(struct linked *L)
{
	size_t i;

	if (L->ntab == L->cap) {
		size_t cap = L->cap ? L->cap * 2 : 16;
		struct lk_table *n = realloc(L->tab, cap * sizeof(*n));
		if (n == NULL)
			return NULL;
		L->tab = n;
		L->cap = cap;
		for (i = 0; i < L->ntab; i++)
			tab_repoint(&L->tab[i]);
	}
	memset(&L->tab[L->ntab], 0, sizeof(L->tab[0]));
	return &L->tab[L->ntab++];
}

/* Copy a spec with its dimensions into t, pointing at t's copies. */
static void
spec_copy(struct lk_table *t, const struct cube_spec *spec)
{
	t->spec = *spec;
	t->rows = *spec->rows;
	t->spec.rows = &t->rows;
	if (spec->cols != NULL) {
		t->cols = *spec->cols;
		t->spec.cols = &t->cols;
	}
}

/* dims keep pointers into their own generated codes: repoint them after a
 * copy */
static void
dim_fix(struct dim *d)
{
	size_t i;

	if (!d->is_time)
		return;
	for (i = 0; i < d->n; i++) {
		d->code[i] = d->gen[i];
		d->clabel[i] = d->gen[i];
	}
}

int
linked_add_new(struct linked *L, const struct cube_spec *spec, sdc_table *t,
    const char *title)
{
	struct lk_table *x;

	if (L->ntab != L->nnew)
		return SD_E_INVAL;
	if ((x = tab_push(L)) == NULL)
		return SD_E_NOMEM;
	spec_copy(x, spec);
	dim_fix(&x->rows);
	dim_fix(&x->cols);
	x->t = t;
	x->rel = LK_NEW;
	snprintf(x->title, sizeof(x->title), "%s", title);
	L->nnew++;
	return SD_OK;
}

/* ---- earlier releases ---- */

static void
span_of(const struct cube_spec *s, unsigned *from, unsigned *to)
{
	*from = s->period.set ? s->period.from : 0;
	*to = s->period.set ? s->period.to : UINT32_MAX;
}

static void
ltab_span(const struct ledger_table *t, unsigned *from, unsigned *to)
{
	*from = t->period_set ? t->period_from : 0;
	*to = t->period_set ? t->period_to : UINT32_MAX;
}

/* The earlier releases whose periods overlap the new tables', and those
 * that overlap them, and so on. */
static int
select_releases(struct linked *L)
{
	unsigned char *in = NULL;
	unsigned lo = UINT32_MAX, hi = 0, a, b;
	size_t i, k;
	int grew = 1;

	if (L->nold == 0)
		return SD_OK;
	if ((in = calloc(L->nold, 1)) == NULL)
		return SD_E_NOMEM;
	for (i = 0; i < L->nnew; i++) {
		span_of(&L->tab[i].spec, &a, &b);
		lo = a < lo ? a : lo;
		hi = b > hi ? b : hi;
	}
	while (grew) {
		grew = 0;
		for (i = 0; i < L->nold; i++) {
			const struct ledger_release *r = &L->old[i];
			if (in[i])
				continue;
			for (k = 0; k < r->ntab && !in[i]; k++) {
				ltab_span(&r->tab[k], &a, &b);
				if (a <= hi && b >= lo) {
					in[i] = 1;
					grew = 1;
					lo = a < lo ? a : lo;
					hi = b > hi ? b : hi;
				}
			}
		}
	}
	for (i = 0; i < L->nold; i++) {
		if (!in[i])
			continue;
		if (L->nrel == LK_MAX_EARLIER) {
			free(in);
			snprintf(L->why, sizeof(L->why), "more than %d earlier "
			    "releases cover these periods; the audit cannot take "
			    "them all in", LK_MAX_EARLIER);
			return SD_E_TOOBIG;
		}
		L->rel[L->nrel++] = i;
	}
	free(in);
	return SD_OK;
}

static int
spec_from_ledger(struct lk_table *x, const struct ledger_table *t)
{
	char one[160], why_[160];
	const char *p = t->filters;

	memset(&x->spec, 0, sizeof(x->spec));
	if (dim_lookup(t->rows, &x->rows) != SD_OK ||
	    (t->cols[0] != '\0' && dim_lookup(t->cols, &x->cols) != SD_OK) ||
	    measure_parse(t->measure, &x->spec.measure) != SD_OK)
		return SD_E_FORMAT;
	if (x->rows.is_time &&
	    cube_time_set(&x->rows, t->rows_first, t->rows_n) != SD_OK)
		return SD_E_FORMAT;
	if (t->cols[0] != '\0' && x->cols.is_time &&
	    cube_time_set(&x->cols, t->cols_first, t->cols_n) != SD_OK)
		return SD_E_FORMAT;
	x->spec.rows = &x->rows;
	x->spec.cols = t->cols[0] != '\0' ? &x->cols : NULL;
	if (t->period_set) {
		x->spec.period.set = 1;
		x->spec.period.from = t->period_from;
		x->spec.period.to = t->period_to;
	}
	/* "dim=code+code;dim=code" back into filters */
	while (*p != '\0') {
		const char *semi = strchr(p, ';'), *eq, *c;
		size_t len = semi ? (size_t)(semi - p) : strlen(p);
		char name[64];
		if (len == 0 || len >= sizeof(one))
			return SD_E_FORMAT;
		memcpy(one, p, len);
		one[len] = '\0';
		if ((eq = strchr(one, '=')) == NULL ||
		    (size_t)(eq - one) >= sizeof(name))
			return SD_E_FORMAT;
		snprintf(name, sizeof(name), "%.*s", (int)(eq - one), one);
		for (c = eq + 1; *c != '\0';) {
			const char *plus = strchr(c, '+');
			size_t cl = plus ? (size_t)(plus - c) : strlen(c);
			char f[160];
			snprintf(f, sizeof(f), "%s=%.*s", name, (int)cl, c);
			if (cube_filter_add(&x->spec, f, why_, sizeof(why_)) !=
			    SD_OK)
				return SD_E_FORMAT;
			c += cl + (plus ? 1 : 0);
		}
		p += len + (semi ? 1 : 0);
	}
	return SD_OK;
}

static size_t
stride_of(const struct lk_table *x)
{
	return (x->spec.cols ? x->cols.n : 1) + 1;
}

/* Rebuild an earlier table from the reports that release counted, with
 * that release's rules, and put back the statuses it published. */
static int
build_old(struct linked *L, struct lk_table *x, const struct ledger_release *r,
    const struct ledger_table *lt)
{
	const struct recset *rs = L->rs;
	size_t i, k, stride;
	int rc;

	if ((rc = cube_table_new(&x->spec, &x->t)) != SD_OK)
		return rc;
	for (i = 0; i < rs->n + rs->nold; i++) {
		const struct arec *a = i < rs->n ? &rs->r[i] : &rs->old[i - rs->n];
		if (!seqset_has(&r->rec, a->seq))
			continue;
		if ((rc = cube_add(x->t, &x->spec, a)) != SD_OK)
			return rc;
	}
	if ((rc = sdc_prepare(x->t, &r->par)) != SD_OK)
		return rc;
	stride = stride_of(x);
	for (k = 0; k < lt->ncell; k++) {
		const struct ledger_cell *c = &lt->cell[k];
		if (c->row > sdc_nrows(x->t) || c->col >= stride ||
		    sdc_set_status(x->t, c->row, c->col,
		    (enum sdc_status)c->status) != SD_OK)
			return SD_E_FORMAT;
		/* what it published must be what the reports still give */
		if (c->value >= 0 && sdc_value(x->t, c->row, c->col) != c->value)
			return SD_E_FORMAT;
	}
	return SD_OK;
}

int
linked_add_ledger(struct linked *L, const struct ledger_release *old,
    size_t nold)
{
	size_t i, k;
	int rc;

	L->old = old;
	L->nold = nold;
	if ((rc = select_releases(L)) != SD_OK)
		return rc;
	for (i = 0; i < L->nrel; i++) {
		const struct ledger_release *r = &old[L->rel[i]];
		for (k = 0; k < r->ntab; k++) {
			struct lk_table *x = tab_push(L);
			if (x == NULL)
				return SD_E_NOMEM;
			x->rel = L->rel[i];
			snprintf(x->title, sizeof(x->title), "%s", r->tab[k].title);
			if ((rc = spec_from_ledger(x, &r->tab[k])) != SD_OK ||
			    (rc = build_old(L, x, r, &r->tab[k])) != SD_OK) {
				char id[32];
				snprintf(id, sizeof(id), "%lld", (long long)r->id);
				WHY(L, "release %s in the ledger does not match the "
				    "reports in the store (the store was changed or "
				    "the ledger damaged); nothing can be released "
				    "until that is resolved", id);
				return rc == SD_E_NOMEM ? rc : SD_E_FORMAT;
			}
		}
	}
	return SD_OK;
}

/* ---- one measure's system ---- */

/* The bit of the release a table belongs to in a coverage mask. */
static unsigned
bit_of(const struct linked *L, const struct lk_table *x)
{
	size_t k;

	if (x->rel == LK_NEW)
		return 0;
	for (k = 0; k < L->nrel; k++)
		if (L->rel[k] == x->rel)
			return (unsigned)k + 1;
	return 63;
}

static const struct arec *
rec_at(const struct linked *L, size_t i, uint64_t *mask)
{
	const struct recset *rs = L->rs;
	const struct arec *a = i < rs->n ? &rs->r[i] : &rs->old[i - rs->n];
	size_t k;

	*mask = i < rs->n ? 1u : 0u;
	for (k = 0; k < L->nrel; k++)
		if (seqset_has(&L->old[L->rel[k]].rec, a->seq))
			*mask |= (uint64_t)1 << (k + 1);
	return a;
}

static size_t
nrec(const struct linked *L)
{
	return L->rs->n + L->rs->nold;
}

static int
kmask_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* The coverage classes: the distinct masks of the reports in play. */
static int
coverage_classes(struct msys *ms)
{
	const struct linked *L = ms->L;
	size_t i, n = 0, cap = 8;
	uint64_t *k = malloc(cap * sizeof(*k)), mask;

	if (k == NULL)
		return SD_E_NOMEM;
	for (i = 0; i < nrec(L); i++) {
		size_t j;
		(void)rec_at(L, i, &mask);
		if (mask == 0)
			continue;
		for (j = 0; j < n && k[j] != mask; j++)
			;
		if (j < n)
			continue;
		if (n == 64) {
			free(k);
			WHY(ms->L, "%s", "the reports fall into too many groups "
			    "between earlier releases to be audited together");
			return SD_E_TOOBIG;
		}
		if (n == cap) {
			uint64_t *g = realloc(k, 2 * cap * sizeof(*k));
			if (g == NULL) {
				free(k);
				return SD_E_NOMEM;
			}
			k = g;
			cap *= 2;
		}
		k[n++] = mask;
	}
	if (n > 1)
		qsort(k, n, sizeof(*k), kmask_cmp);
	ms->kmask = k;
	ms->nk = n;
	return SD_OK;
}

static size_t
kclass(const struct msys *ms, uint64_t mask)
{
	size_t lo = 0, hi = ms->nk;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ms->kmask[mid] < mask)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int
field_of_dim(const struct dim *d)
{
	return d->is_time ? F_TIME : (int)d->field;
}

/* What table x keeps of every field, before its rows and columns. */
static int
table_restr(struct msys *ms, const struct lk_table *x, struct restr *r)
{
	const struct cube_spec *s = &x->spec;
	unsigned bit = bit_of(ms->L, x);
	size_t f, k, i;

	for (f = 0; f < NF; f++) {
		cs_fill(&r->set[f], ms->fld[f].ncode);
		r->incl[f] = -1;
	}
	if (s->period.set) {
		cs_clear(&r->set[F_TIME]);
		for (i = s->period.from; i <= s->period.to; i++)
			cs_set(&r->set[F_TIME], i - Q_BASE);
	}
	for (k = 0; k < s->n_filters; k++) {
		const struct filter *fl = &s->filter[k];
		struct cset c;
		cs_clear(&c);
		if (fl->field == DF_QUARTER || fl->field == DF_YEAR) {
			for (i = 0; i < fl->n; i++) {
				unsigned q0 = fl->field == DF_YEAR ? fl->v[i] * 4 :
				    fl->v[i], q;
				for (q = q0; q < q0 + (fl->field == DF_YEAR ? 4u : 1u);
				    q++)
					cs_set(&c, q - Q_BASE);
			}
			cs_and(&r->set[F_TIME], &c);
			continue;
		}
		if (cube_field_multi(fl->field)) {
			if (fl->n != 1 || r->incl[fl->field] >= 0 ||
			    field_of_dim(&x->rows) == (int)fl->field ||
			    (s->cols != NULL &&
			    field_of_dim(&x->cols) == (int)fl->field)) {
				WHY(ms->L, "the filter %s names several codes of a "
				    "field where a report can give several answers; "
				    "such a table cannot be audited with other "
				    "releases (give one code, or make a draft with "
				    "--no-ledger)", fl->text);
				return SD_E_INVAL;
			}
			r->incl[fl->field] = (int)fl->v[0];
			continue;
		}
		for (i = 0; i < fl->n; i++)
			cs_set(&c, fl->v[i]);
		cs_and(&r->set[fl->field], &c);
	}
	cs_clear(&r->set[F_K]);
	for (i = 0; i < ms->nk; i++)
		if ((ms->kmask[i] >> bit) & 1u)
			cs_set(&r->set[F_K], i);
	return SD_OK;
}

/* The code set of row i of dimension d. */
static void
line_set(const struct dim *d, size_t i, struct cset *c)
{
	cs_clear(c);
	if (d->field == DF_YEAR) {
		unsigned q;
		for (q = 0; q < 4; q++)
			cs_set(c, ((unsigned)d->first + (unsigned)i) * 4 + q -
			    Q_BASE);
	} else if (d->field == DF_QUARTER) {
		cs_set(c, (unsigned)d->first + (unsigned)i - Q_BASE);
	} else {
		cs_set(c, i);
	}
}

/* Cell (row, col) of table x: its restriction of every field. */
static void
cell_restr(const struct msys *ms, size_t t, size_t row, size_t col,
    struct restr *r)
{
	const struct lk_table *x = &ms->L->tab[ms->tab[t]];
	struct cset c;
	int f;

	*r = ms->tr[t];
	if (row < x->rows.n) {
		f = field_of_dim(&x->rows);
		if (x->rows.multi) {
			r->incl[f] = (int)row;
		} else {
			line_set(&x->rows, row, &c);
			cs_and(&r->set[f], &c);
		}
	}
	if (x->spec.cols != NULL && col < x->cols.n) {
		f = field_of_dim(&x->cols);
		if (x->cols.multi) {
			r->incl[f] = (int)col;
		} else {
			line_set(&x->cols, col, &c);
			cs_and(&r->set[f], &c);
		}
	}
}

static int
field_setup(struct msys *ms)
{
	size_t f;
	struct dim d;

	for (f = 0; f < NF; f++) {
		struct field *x = &ms->fld[f];
		if (f < 9) {
			if (dim_lookup(field_names[f], &d) != SD_OK)
				return SD_E_INVAL;
			x->ncode = d.n;
			x->multi = d.multi;
		} else if (f == F_TIME) {
			x->ncode = Q_CODES;
		} else {
			x->ncode = ms->nk;
		}
		if ((x->cls = calloc(x->ncode + 1, sizeof(*x->cls))) == NULL)
			return SD_E_NOMEM;
	}
	return SD_OK;
}

/* Split the classes of field f by set S. */
static int
refine(struct field *x, const struct cset *S)
{
	int *in = NULL, *out = NULL;
	size_t c, k = 0;

	in = malloc((x->ncls + 1) * sizeof(*in));
	out = malloc((x->ncls + 1) * sizeof(*out));
	if (in == NULL || out == NULL) {
		free(in);
		free(out);
		return SD_E_NOMEM;
	}
	for (k = 0; k < x->ncls; k++)
		in[k] = out[k] = -1;
	k = 0;
	for (c = 0; c < x->ncode; c++) {
		int *slot;
		if (x->cls[c] < 0)
			continue;
		slot = cs_has(S, c) ? &in[x->cls[c]] : &out[x->cls[c]];
		if (*slot < 0)
			*slot = (int)k++;
		x->cls[c] = *slot;
	}
	x->ncls = k;
	free(in);
	free(out);
	return SD_OK;
}

/* Every code set any table uses, as the coarsest classes. */
static int
partition(struct msys *ms)
{
	size_t f, t, i;
	int rc;

	for (f = 0; f < NF; f++) {
		struct field *x = &ms->fld[f];
		struct cset sup;
		if (x->multi)
			continue;
		cs_clear(&sup);
		for (t = 0; t < ms->n; t++) {
			size_t w;
			for (w = 0; w < CS_WORDS; w++)
				sup.w[w] |= ms->tr[t].set[f].w[w];
		}
		x->ncls = 0;
		for (i = 0; i < x->ncode; i++) {
			x->cls[i] = cs_has(&sup, i) ? 0 : -1;
			if (x->cls[i] == 0)
				x->ncls = 1;
		}
		for (t = 0; t < ms->n; t++) {
			const struct lk_table *lt = &ms->L->tab[ms->tab[t]];
			const struct dim *dd[2] = { &lt->rows,
			    lt->spec.cols ? &lt->cols : NULL };
			size_t k;
			if ((rc = refine(x, &ms->tr[t].set[f])) != SD_OK)
				return rc;
			for (k = 0; k < 2; k++) {
				struct cset c;
				if (dd[k] == NULL || dd[k]->multi ||
				    field_of_dim(dd[k]) != (int)f)
					continue;
				for (i = 0; i < dd[k]->n; i++) {
					line_set(dd[k], i, &c);
					if ((rc = refine(x, &c)) != SD_OK)
						return rc;
				}
			}
		}
	}
	return SD_OK;
}

/* Does set S hold every class of field x? */
static int
covers_all(const struct field *x, const struct cset *S)
{
	size_t c;

	for (c = 0; c < x->ncode; c++)
		if (x->cls[c] >= 0 && !cs_has(S, c))
			return 0;
	return 1;
}

static uint32_t
edge_of(const struct msys *ms, size_t t)
{
	const struct lk_table *lt = &ms->L->tab[ms->tab[t]];
	uint32_t e = 0;
	size_t f;

	for (f = 0; f < NF; f++) {
		const struct field *x = &ms->fld[f];
		int line = field_of_dim(&lt->rows) == (int)f ||
		    (lt->spec.cols != NULL && field_of_dim(&lt->cols) == (int)f);
		if (x->multi) {
			if (line || ms->tr[t].incl[f] >= 0)
				e |= 1u << f;
			continue;
		}
		if (x->ncls < 2)
			continue;
		if (line || !covers_all(x, &ms->tr[t].set[f]))
			e |= 1u << f;
	}
	return e;
}

static uint32_t
multi_mask(const struct msys *ms)
{
	uint32_t m = 0;
	size_t f;

	for (f = 0; f < NF; f++)
		if (ms->fld[f].multi)
			m |= 1u << f;
	return m;
}

static int
popcount(uint32_t x)
{
	return __builtin_popcount(x);
}

/* GYO reduction: 1 when the hypergraph of edges e0[0..n) is acyclic; else
 * cyc[i] marks the edges left in its cycles. */
static int
acyclic(const uint32_t *e0, size_t n, unsigned char *cyc)
{
	uint32_t e[512];
	unsigned char dead[512];
	size_t i, j;
	int changed = 1, f, any = 0;

	if (n > 512)
		return 0;
	memcpy(e, e0, n * sizeof(*e));
	memset(dead, 0, n);
	while (changed) {
		changed = 0;
		for (f = 0; f < NF; f++) {
			size_t cnt = 0, last = 0;
			for (i = 0; i < n; i++)
				if (!dead[i] && (e[i] >> f) & 1u) {
					cnt++;
					last = i;
				}
			if (cnt == 1) {
				e[last] &= ~(1u << f);
				changed = 1;
			}
		}
		for (i = 0; i < n; i++) {
			if (dead[i])
				continue;
			for (j = 0; j < n; j++) {
				if (i == j || dead[j] || (e[i] & ~e[j]) != 0)
					continue;
				if (e[i] == e[j] && i < j)
					continue;
				dead[i] = 1;
				changed = 1;
				break;
			}
		}
	}
	for (i = 0; i < n; i++) {
		cyc[i] = !dead[i] && e[i] != 0;
		any |= cyc[i];
	}
	return !any;
}

/* The cliques: edges merged where they share a multi-valued field or a
 * cycle, then the largest ones. */
static int
cliques(struct msys *ms)
{
	uint32_t *h = NULL, mm = multi_mask(ms);
	unsigned char cyc[512];
	size_t nh = 0, i, j, t, round;
	int rc = SD_E_NOMEM, merged = 1;

	if (ms->n > 512) {
		WHY(ms->L, "%s", "too many tables to audit together");
		return SD_E_TOOBIG;
	}
	if ((h = calloc(ms->n + 1, sizeof(*h))) == NULL)
		return rc;
	for (t = 0; t < ms->n; t++) {
		for (i = 0; i < nh && h[i] != ms->edge[t]; i++)
			;
		if (i == nh)
			h[nh++] = ms->edge[t];
	}
	for (round = 0; merged && round < 2 * NF + 2; round++) {
		merged = 0;
		/* a multi-valued field lives in one clique */
		for (i = 0; i < nh; i++)
			for (j = i + 1; j < nh; j++)
				if ((h[i] & h[j] & mm) != 0) {
					h[i] |= h[j];
					h[j--] = h[--nh];
					merged = 1;
				}
		if (!acyclic(h, nh, cyc)) {
			/* merge the edges of the cycles into one */
			uint32_t u = 0;
			for (i = 0; i < nh; i++)
				if (cyc[i])
					u |= h[i];
			for (i = 0; i < nh; i++)
				if ((h[i] & ~u) == 0)
					h[i--] = h[--nh];
			h[nh++] = u;
			merged = 1;
		}
	}
	for (i = 0; i < nh; i++)
		if (popcount(h[i] & mm) > 1) {
			WHY(ms->L, "%s", "a table crosses two fields where a report "
			    "can give several answers (types of secret and attack "
			    "vectors), alone or through the other tables; that "
			    "cannot be audited with the other releases (make it a "
			    "draft with --no-ledger)");
			free(h);
			return SD_E_CONFIDENTIAL;
		}
	/* keep the largest edges */
	for (i = 0; i < nh; i++)
		for (j = 0; j < nh; j++)
			if (i != j && (h[i] & ~h[j]) == 0) {
				h[i--] = h[--nh];
				break;
			}
	if (nh == 0)
		h[nh++] = 0;
	ms->cq = calloc(nh, sizeof(*ms->cq));
	if (ms->cq == NULL)
		goto done;
	ms->ncq = nh;
	for (i = 0; i < nh; i++)
		ms->cq[i].fields = h[i];
	for (t = 0; t < ms->n; t++) {
		for (i = 0; i < nh && (ms->edge[t] & ~h[i]) != 0; i++)
			;
		if (i == nh) {
			rc = SD_E_INVAL;
			goto done;
		}
		ms->cq_of[t] = i;
	}
	rc = SD_OK;
done:
	free(h);
	return rc;
}

/* A maximum spanning tree of the cliques by shared fields is a junction
 * tree of an acyclic hypergraph. */
static int
junction_tree(struct msys *ms)
{
	size_t *uf = NULL, i, j, k = 0, n = ms->ncq;
	int w;

	if (n < 2)
		return SD_OK;
	uf = calloc(n, sizeof(*uf));
	ms->tree = calloc(n, sizeof(*ms->tree));
	if (uf == NULL || ms->tree == NULL) {
		free(uf);
		return SD_E_NOMEM;
	}
	for (i = 0; i < n; i++)
		uf[i] = i;
	for (w = NF; w >= 0 && k + 1 < n; w--) {
		for (i = 0; i < n; i++) {
			for (j = i + 1; j < n; j++) {
				size_t a = i, b = j;
				if (popcount(ms->cq[i].fields & ms->cq[j].fields &
				    ~multi_mask(ms)) != w)
					continue;
				while (uf[a] != a)
					a = uf[a];
				while (uf[b] != b)
					b = uf[b];
				if (a == b)
					continue;
				uf[a] = b;
				ms->tree[k][0] = i;
				ms->tree[k][1] = j;
				k++;
			}
		}
	}
	ms->ntree = k;
	free(uf);
	return SD_OK;
}

static int
clique_layout(struct msys *ms)
{
	size_t i, total = 0;

	for (i = 0; i < ms->ncq; i++) {
		struct clique *q = &ms->cq[i];
		int f;
		q->multi = -1;
		q->nbase = 1;
		for (f = 0; f < NF; f++) {
			if (!((q->fields >> f) & 1u))
				continue;
			if (ms->fld[f].multi) {
				q->multi = f;
				q->m = ms->fld[f].ncode;
				continue;
			}
			q->f[q->nf] = f;
			q->stride[q->nf] = q->nbase;
			q->nf++;
			if (q->nbase > LK_MAX_VARS / (ms->fld[f].ncls + 1))
				goto toobig;
			q->nbase *= ms->fld[f].ncls;
		}
		total += q->nbase * (1 + (q->multi >= 0 ? q->m : 0));
		if (total > LK_MAX_VARS)
			goto toobig;
		q->t = sdc_table_new(q->nbase * (1 + (q->multi >= 0 ? q->m : 0)),
		    1, 0, 0, ms->m == CM_COUNT ? SDC_COUNT : SDC_MAGNITUDE);
		if (q->t == NULL)
			return SD_E_NOMEM;
	}
	return SD_OK;
toobig:
	WHY(ms->L, "%s", "these tables, with the earlier releases they share "
	    "reports with, divide the reports too finely to be audited "
	    "together; release fewer or coarser tables at once");
	return SD_E_CONFIDENTIAL;
}

/* The classes of a report along every field; -1 where it falls outside
 * every table. */
static int
rec_classes(const struct msys *ms, const struct arec *a, uint64_t mask,
    int cls[NF], uint32_t *multi)
{
	size_t f;

	for (f = 0; f < NF; f++) {
		uint32_t v;
		if (ms->fld[f].multi) {
			multi[f] = cube_rec_value(a, (enum dim_field)f);
			cls[f] = 0;
			continue;
		}
		if (f == F_TIME)
			v = cube_rec_value(a, DF_QUARTER) - Q_BASE;
		else if (f == F_K)
			v = (uint32_t)kclass(ms, mask);
		else
			v = cube_rec_value(a, (enum dim_field)f);
		if (v >= ms->fld[f].ncode || (cls[f] = ms->fld[f].cls[v]) < 0)
			return 0;
	}
	return 1;
}

/* Unknown k of clique q: t(b) is k = b, v(b, j) is k = nbase + b m + j;
 * each is a cell of the clique's table of unknowns (one column). */
static size_t
atom_var(const struct clique *q, size_t k)
{
	return q->var0 + 2 * k;
}

static size_t
base_index(const struct clique *q, const int cls[NF])
{
	size_t b = 0, k;

	for (k = 0; k < q->nf; k++)
		b += (size_t)cls[q->f[k]] * q->stride[k];
	return b;
}

/* The unknowns' contributions, then the primary rules on them. An
 * unknown that no table publishes is hidden, and known to be non-empty
 * to no one. */
static int
atom_truths(struct msys *ms)
{
	const struct linked *L = ms->L;
	size_t i, k, j, r;
	int rc = SD_OK;

	for (i = 0; i < nrec(L) && rc == SD_OK; i++) {
		uint64_t mask;
		const struct arec *a = rec_at(L, i, &mask);
		int cls[NF];
		uint32_t multi[NF];
		int64_t v;
		if (mask == 0 || !rec_classes(ms, a, mask, cls, multi))
			continue;
		v = cube_measure_value(ms->m, a);
		for (k = 0; k < ms->ncq && rc == SD_OK; k++) {
			struct clique *q = &ms->cq[k];
			size_t b = base_index(q, cls);
			rc = a->single ? sdc_add_single(q->t, b, 0, v) :
			    sdc_add(q->t, b, 0, a->contributor, v);
			for (j = 0; q->multi >= 0 && j < q->m && rc == SD_OK; j++)
				if ((multi[q->multi] >> j) & 1u)
					rc = a->single ? sdc_add_single(q->t,
					    q->nbase + b * q->m + j, 0, v) :
					    sdc_add(q->t, q->nbase + b * q->m + j, 0,
					    a->contributor, v);
		}
	}
	for (k = 0; k < ms->ncq && rc == SD_OK; k++) {
		struct clique *q = &ms->cq[k];
		if ((rc = sdc_prepare(q->t, &L->par)) != SD_OK)
			break;
		for (r = 0; r < sdc_nrows(q->t) && rc == SD_OK; r++)
			if (!sdc_is_primary_status(sdc_status(q->t, r, 0)))
				rc = sdc_set_status(q->t, r, 0, SDC_SECONDARY);
	}
	return rc;
}

/* The atoms of clique q inside restriction r: their variables. */
static int
atoms_in(const struct msys *ms, const struct clique *q, const struct restr *r,
    size_t *out, size_t cap, size_t *n)
{
	size_t keep[NF][CS_BITS], nkeep[NF], at[NF], k, inc = SIZE_MAX;

	*n = 0;
	if (q->multi >= 0 && r->incl[q->multi] >= 0)
		inc = (size_t)r->incl[q->multi];
	/* the classes each field keeps */
	for (k = 0; k < q->nf; k++) {
		const struct field *x = &ms->fld[q->f[k]];
		unsigned char seen[CS_BITS];
		size_t c;
		memset(seen, 0, x->ncls);
		nkeep[k] = 0;
		for (c = 0; c < x->ncode; c++)
			if (x->cls[c] >= 0 && cs_has(&r->set[q->f[k]], c) &&
			    !seen[x->cls[c]]) {
				seen[x->cls[c]] = 1;
				keep[k][nkeep[k]++] = (size_t)x->cls[c];
			}
		if (nkeep[k] == 0)
			return SD_OK;
		at[k] = 0;
	}
	for (;;) {
		size_t b = 0;
		for (k = 0; k < q->nf; k++)
			b += keep[k][at[k]] * q->stride[k];
		if (*n == cap)
			return SD_E_TOOBIG;
		out[(*n)++] = atom_var(q, inc == SIZE_MAX ? b :
		    q->nbase + b * q->m + inc);
		for (k = 0; k < q->nf; k++) {
			if (++at[k] < nkeep[k])
				break;
			at[k] = 0;
		}
		if (k == q->nf)
			return SD_OK;
	}
}

static int
add_atoms(struct msys *ms)
{
	size_t i;
	int rc = SD_OK;

	for (i = 0; i < ms->ncq && rc == SD_OK; i++)
		rc = sdc_sys_add_unknowns(ms->sys, ms->cq[i].t, &ms->cq[i].var0);
	return rc;
}

static void
shadow(struct msys *ms, const struct clique *q, size_t var)
{
	size_t row = (var - q->var0) / 2;

	if (sdc_is_primary_status(sdc_status(q->t, row, 0)))
		(void)sdc_set_status(q->t, row, 0, SDC_SECONDARY);
	(void)ms;
}

/* cell = the sum of its atoms; an empty cell of a table of another
 * measure: its atoms are zero. */
static int
cell_rows(struct msys *ms, size_t *vars, double *coef, size_t cap)
{
	size_t t, r, c;
	int rc = SD_OK;

	for (t = 0; t < ms->n && rc == SD_OK; t++) {
		const struct lk_table *x = &ms->L->tab[ms->tab[t]];
		const struct clique *q = &ms->cq[ms->cq_of[t]];
		size_t stride = stride_of(x);
		for (r = 0; r <= sdc_nrows(x->t) && rc == SD_OK; r++) {
			for (c = 0; c < stride && rc == SD_OK; c++) {
				struct restr cr;
				size_t n = 0, k, off = ms->zero[t] ? 0 : 1;
				if (!sdc_has_cell(x->t, r, c))
					continue;
				if (ms->zero[t] && sdc_contributors(x->t, r, c) > 0)
					continue;
				cell_restr(ms, t, r, c, &cr);
				if ((rc = atoms_in(ms, q, &cr, vars + off,
				    cap - off, &n)) != SD_OK)
					break;
				/* an unknown that is a published or protected
				 * cell itself needs no protection of its own */
				if (n == 1)
					shadow(ms, q, vars[off]);
				for (k = 0; k < n; k++)
					coef[off + k] = ms->zero[t] ? 1.0 : -1.0;
				if (!ms->zero[t]) {
					vars[0] = ms->base[t] + r * stride + c;
					coef[0] = 1.0;
				}
				if (n + off > 0)
					rc = sdc_sys_add_row(ms->sys, 0, n + off,
					    vars, coef);
			}
		}
	}
	return rc;
}

/* Neighbouring cliques agree on the fields they share. */
static int
separator_rows(struct msys *ms, size_t *vars, double *coef, size_t cap)
{
	size_t e;
	int rc = SD_OK;

	for (e = 0; e < ms->ntree && rc == SD_OK; e++) {
		const struct clique *a = &ms->cq[ms->tree[e][0]];
		const struct clique *b = &ms->cq[ms->tree[e][1]];
		uint32_t shared = a->fields & b->fields & ~multi_mask(ms);
		size_t ns = 1, s, k;
		int f;
		for (f = 0; f < NF; f++)
			if ((shared >> f) & 1u)
				ns *= ms->fld[f].ncls;
		for (s = 0; s < ns && rc == SD_OK; s++) {
			/* the separator cell s as a restriction */
			struct restr r;
			size_t rem = s, na = 0, nb = 0;
			for (f = 0; f < NF; f++) {
				cs_fill(&r.set[f], ms->fld[f].ncode);
				r.incl[f] = -1;
			}
			for (f = 0; f < NF; f++) {
				size_t cl, c;
				if (!((shared >> f) & 1u))
					continue;
				cl = rem % ms->fld[f].ncls;
				rem /= ms->fld[f].ncls;
				cs_clear(&r.set[f]);
				for (c = 0; c < ms->fld[f].ncode; c++)
					if (ms->fld[f].cls[c] == (int)cl)
						cs_set(&r.set[f], c);
			}
			if ((rc = atoms_in(ms, a, &r, vars, cap, &na)) != SD_OK ||
			    (rc = atoms_in(ms, b, &r, vars + na, cap - na,
			    &nb)) != SD_OK)
				break;
			for (k = 0; k < na + nb; k++)
				coef[k] = k < na ? 1.0 : -1.0;
			rc = sdc_sys_add_row(ms->sys, 0, na + nb, vars, coef);
		}
	}
	return rc;
}

/* A report gives at least one answer, each at most once. */
static int
multi_rows(struct msys *ms, size_t *vars, double *coef)
{
	size_t i, b, j;
	int rc = SD_OK;

	for (i = 0; i < ms->ncq && rc == SD_OK; i++) {
		const struct clique *q = &ms->cq[i];
		if (q->multi < 0)
			continue;
		for (b = 0; b < q->nbase && rc == SD_OK; b++) {
			size_t t = atom_var(q, b);
			for (j = 0; j < q->m && rc == SD_OK; j++) {
				vars[0] = t;
				coef[0] = 1.0;
				vars[1] = atom_var(q, q->nbase + b * q->m + j);
				coef[1] = -1.0;
				rc = sdc_sys_add_row(ms->sys, 1, 2, vars, coef);
			}
			for (j = 0; j < q->m; j++) {
				vars[j] = atom_var(q, q->nbase + b * q->m + j);
				coef[j] = 1.0;
			}
			vars[q->m] = t;
			coef[q->m] = -1.0;
			if (rc == SD_OK)
				rc = sdc_sys_add_row(ms->sys, 1, q->m + 1, vars,
				    coef);
		}
	}
	return rc;
}

/* ---- attackers ---- */

/* Every variable report a counts in, with the value it adds there. */
static size_t
rec_entries(const struct msys *ms, const struct arec *a, uint64_t mask,
    size_t *vars, unsigned char *alone)
{
	const struct linked *L = ms->L;
	int cls[NF];
	uint32_t multi[NF];
	size_t t, k, n = 0, cells[256];

	if (!rec_classes(ms, a, mask, cls, multi))
		return 0;
	for (t = 0; t < ms->n; t++) {
		const struct lk_table *x = &L->tab[ms->tab[t]];
		size_t nc, stride;
		if (ms->zero[t] || !((mask >> bit_of(L, x)) & 1u))
			continue;
		nc = cube_cells_of(&x->spec, a, cells, 256);
		stride = stride_of(x);
		for (k = 0; k < nc && n < LK_MAX_ENTRIES; k++) {
			vars[n] = ms->base[t] + cells[k];
			alone[n] = sdc_contributors(x->t, cells[k] / stride,
			    cells[k] % stride) == 1;
			n++;
		}
	}
	for (k = 0; k < ms->ncq && n + 16 < LK_MAX_ENTRIES; k++) {
		const struct clique *q = &ms->cq[k];
		size_t b = base_index(q, cls), j;
		vars[n] = atom_var(q, b);
		alone[n++] = sdc_contributors(q->t, b, 0) == 1;
		for (j = 0; q->multi >= 0 && j < q->m; j++)
			if ((multi[q->multi] >> j) & 1u) {
				vars[n] = atom_var(q, q->nbase + b * q->m + j);
				alone[n++] = sdc_contributors(q->t,
				    q->nbase + b * q->m + j, 0) == 1;
			}
	}
	return n;
}

struct trip {
	uint32_t id;
	size_t var;
	int64_t own;
	unsigned char alone;
};

static int
trip_cmp(const void *a, const void *b)
{
	const struct trip *x = a, *y = b;

	if (x->id != y->id)
		return (x->id > y->id) - (x->id < y->id);
	return (x->var > y->var) - (x->var < y->var);
}

/* Single reports with the same variables are one group. */
struct group {
	uint64_t h;
	size_t n;
	size_t *vars;
	unsigned char *alone;
	int64_t top[SDC_TOPK_PUBLIC];
	size_t ntop, count;
};

struct groups {
	struct group *g;
	size_t n, cap;           /* cap is a power of two */
};

static uint64_t
sig_hash(const size_t *vars, const unsigned char *alone, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (uint64_t)vars[i] * 2 + alone[i];
		h *= 1099511628211ULL;
	}
	return h ^ n;
}

static int
groups_grow(struct groups *G)
{
	struct group *old = G->g, *n;
	size_t cap = G->cap ? G->cap * 2 : 1024, i;

	if ((n = calloc(cap, sizeof(*n))) == NULL)
		return SD_E_NOMEM;
	for (i = 0; i < G->cap; i++) {
		size_t k;
		if (old[i].vars == NULL)
			continue;
		for (k = old[i].h & (cap - 1); n[k].vars != NULL;
		    k = (k + 1) & (cap - 1))
			;
		n[k] = old[i];
	}
	free(old);
	G->g = n;
	G->cap = cap;
	return SD_OK;
}

static int
groups_add(struct groups *G, const size_t *vars, const unsigned char *alone,
    size_t n, int64_t v)
{
	uint64_t h = sig_hash(vars, alone, n);
	struct group *g;
	size_t k, i;
	int rc;

	if ((G->n + 1) * 2 > G->cap && (rc = groups_grow(G)) != SD_OK)
		return rc;
	for (k = h & (G->cap - 1); G->g[k].vars != NULL;
	    k = (k + 1) & (G->cap - 1)) {
		g = &G->g[k];
		if (g->h == h && g->n == n &&
		    memcmp(g->vars, vars, n * sizeof(*vars)) == 0 &&
		    memcmp(g->alone, alone, n) == 0)
			break;
	}
	g = &G->g[k];
	if (g->vars == NULL) {
		g->h = h;
		g->n = n;
		g->vars = malloc(n * sizeof(*vars));
		g->alone = malloc(n + 1);
		if (g->vars == NULL || g->alone == NULL) {
			free(g->vars);
			free(g->alone);
			g->vars = NULL;
			g->alone = NULL;
			return SD_E_NOMEM;
		}
		memcpy(g->vars, vars, n * sizeof(*vars));
		memcpy(g->alone, alone, n);
		G->n++;
	}
	g->count++;
	if (g->ntop == SDC_TOPK_PUBLIC && v <= g->top[SDC_TOPK_PUBLIC - 1])
		return SD_OK;
	i = g->ntop < SDC_TOPK_PUBLIC ? g->ntop++ : SDC_TOPK_PUBLIC - 1;
	while (i > 0 && g->top[i - 1] < v) {
		g->top[i] = g->top[i - 1];
		i--;
	}
	g->top[i] = v;
	return SD_OK;
}

static void
groups_free(struct groups *G)
{
	size_t i;

	for (i = 0; i < G->cap; i++) {
		free(G->g[i].vars);
		free(G->g[i].alone);
	}
	if (G->g != NULL)
		sodium_memzero(G->g, G->cap * sizeof(*G->g));
	free(G->g);
	memset(G, 0, sizeof(*G));
}

static int
size_cmp(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return (x > y) - (x < y);
}

/* Sorted, without repeats (a report counts once in a cell). */
static size_t
sort_entries(size_t *vars, unsigned char *alone, size_t n)
{
	size_t i, k = 0;
	struct trip tmp[LK_MAX_ENTRIES];

	for (i = 0; i < n; i++)
		tmp[i] = (struct trip){ 0, vars[i], 0, alone[i] };
	if (n > 1)
		qsort(tmp, n, sizeof(*tmp), trip_cmp);
	for (i = 0; i < n; i++) {
		if (k > 0 && vars[k - 1] == tmp[i].var)
			continue;
		vars[k] = tmp[i].var;
		alone[k] = tmp[i].alone;
		k++;
	}
	(void)size_cmp;
	return k;
}

static int
any_relevant(const size_t *vars, size_t n, const unsigned char *rel)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (rel[vars[i]])
			return 1;
	return 0;
}

static int
flush_contributor(sdc_sys *s, struct trip *t, size_t n)
{
	size_t *vars = NULL, i, k = 0;
	int64_t *own = NULL;
	unsigned char *alone = NULL;
	int rc = SD_E_NOMEM;

	vars = calloc(n + 1, sizeof(*vars));
	own = calloc(n + 1, sizeof(*own));
	alone = calloc(n + 1, 1);
	if (vars == NULL || own == NULL || alone == NULL)
		goto done;
	for (i = 0; i < n; i++) {
		if (k > 0 && vars[k - 1] == t[i].var) {
			own[k - 1] += t[i].own;
			continue;
		}
		vars[k] = t[i].var;
		own[k] = t[i].own;
		alone[k] = t[i].alone;
		k++;
	}
	rc = sdc_sys_add_attacker(s, k, vars, own, alone);
done:
	if (own != NULL)
		sodium_memzero(own, (n + 1) * sizeof(*own));
	free(vars);
	free(own);
	free(alone);
	return rc;
}

/* The attackers for the pattern as it stands: every contributor that
 * counts in a variable that is not worked out from what is published. */
static int
attackers(void *ctx, sdc_sys *s, const unsigned char *rel)
{
	struct msys *ms = ctx;
	const struct linked *L = ms->L;
	struct groups G;
	unsigned char *want = NULL, *alone = NULL;
	size_t *vars = NULL, i, n, ntr = 0, captr = 0, a, b;
	struct trip *tr = NULL;
	int rc = SD_E_NOMEM;

	memset(&G, 0, sizeof(G));
	want = calloc((size_t)L->rs->contributors + 1, 1);
	vars = calloc(LK_MAX_ENTRIES, sizeof(*vars));
	alone = calloc(LK_MAX_ENTRIES, 1);
	if (want == NULL || vars == NULL || alone == NULL)
		goto done;
	/* which contributors, and the groups of single reports */
	for (i = 0; i < nrec(L); i++) {
		uint64_t mask;
		const struct arec *r = rec_at(L, i, &mask);
		if (mask == 0)
			continue;
		n = sort_entries(vars, alone, rec_entries(ms, r, mask, vars,
		    alone));
		if (n == 0 || !any_relevant(vars, n, rel))
			continue;
		if (r->single) {
			if ((rc = groups_add(&G, vars, alone, n,
			    cube_measure_value(ms->m, r))) != SD_OK)
				goto done;
		} else if (r->contributor < L->rs->contributors) {
			want[r->contributor] = 1;
		}
	}
	/* the contributors with several reports, all their reports */
	for (i = 0; i < nrec(L); i++) {
		uint64_t mask;
		const struct arec *r = rec_at(L, i, &mask);
		size_t k;
		int64_t v;
		if (mask == 0 || r->single || r->contributor >=
		    L->rs->contributors || !want[r->contributor])
			continue;
		n = rec_entries(ms, r, mask, vars, alone);
		v = cube_measure_value(ms->m, r);
		if (ntr + n > captr) {
			struct trip *g;
			captr = (ntr + n) * 2 + 64;
			if ((g = realloc(tr, captr * sizeof(*tr))) == NULL)
				goto done;
			tr = g;
		}
		for (k = 0; k < n; k++)
			tr[ntr++] = (struct trip){ r->contributor, vars[k], v,
			    alone[k] };
	}
	if (ntr > 1)
		qsort(tr, ntr, sizeof(*tr), trip_cmp);
	rc = SD_OK;
	for (a = 0; a < ntr && rc == SD_OK; a = b) {
		for (b = a; b < ntr && tr[b].id == tr[a].id; b++)
			;
		rc = flush_contributor(s, tr + a, b - a);
	}
	for (i = 0; i < G.cap && rc == SD_OK; i++) {
		const struct group *g = &G.g[i];
		if (g->vars != NULL)
			rc = sdc_sys_add_singles(s, g->n, g->vars, g->alone,
			    g->top, g->ntop, g->count);
	}
done:
	if (tr != NULL)
		sodium_memzero(tr, captr * sizeof(*tr));
	free(tr);
	free(want);
	free(vars);
	free(alone);
	groups_free(&G);
	return rc;
}

/* ---- the whole ---- */

static void
msys_free(struct msys *ms)
{
	size_t i;

	sdc_sys_free(ms->sys);
	for (i = 0; i < NF; i++)
		free(ms->fld[i].cls);
	for (i = 0; i < ms->ncq; i++)
		sdc_table_free(ms->cq[i].t);
	free(ms->cq);
	free(ms->tree);
	free(ms->tab);
	free(ms->zero);
	free(ms->edge);
	free(ms->cq_of);
	free(ms->base);
	free(ms->tr);
	free(ms->kmask);
	memset(ms, 0, sizeof(*ms));
}

static int
has_empty(const sdc_table *t, size_t stride)
{
	size_t r, c;

	for (r = 0; r <= sdc_nrows(t); r++)
		for (c = 0; c < stride; c++)
			if (sdc_has_cell(t, r, c) && sdc_contributors(t, r, c) == 0)
				return 1;
	return 0;
}

/* The tables of measure m's system. */
static int
msys_tables(struct msys *ms)
{
	struct linked *L = ms->L;
	size_t i, n = 0;

	ms->tab = calloc(L->ntab + 1, sizeof(*ms->tab));
	ms->zero = calloc(L->ntab + 1, sizeof(*ms->zero));
	ms->edge = calloc(L->ntab + 1, sizeof(*ms->edge));
	ms->cq_of = calloc(L->ntab + 1, sizeof(*ms->cq_of));
	ms->base = calloc(L->ntab + 1, sizeof(*ms->base));
	ms->tr = calloc(L->ntab + 1, sizeof(*ms->tr));
	if (ms->tab == NULL || ms->zero == NULL || ms->edge == NULL ||
	    ms->cq_of == NULL || ms->base == NULL || ms->tr == NULL)
		return SD_E_NOMEM;
	for (i = 0; i < L->ntab; i++) {
		const struct lk_table *x = &L->tab[i];
		int same = x->spec.measure == ms->m;
		if (x->t == NULL)
			continue;
		if (!same && !has_empty(x->t, stride_of(x)))
			continue;
		ms->tab[n] = i;
		ms->zero[n] = !same;
		n++;
	}
	ms->n = n;
	return SD_OK;
}

static int
msys_build(struct msys *ms)
{
	size_t t, cap = LK_MAX_VARS + 64, *vars = NULL;
	double *coef = NULL;
	int rc;

	if ((rc = msys_tables(ms)) != SD_OK ||
	    (rc = coverage_classes(ms)) != SD_OK ||
	    (rc = field_setup(ms)) != SD_OK)
		return rc;
	for (t = 0; t < ms->n; t++)
		if ((rc = table_restr(ms, &ms->L->tab[ms->tab[t]], &ms->tr[t])) !=
		    SD_OK)
			return rc;
	if ((rc = partition(ms)) != SD_OK)
		return rc;
	for (t = 0; t < ms->n; t++)
		ms->edge[t] = edge_of(ms, t);
	if ((rc = cliques(ms)) != SD_OK || (rc = junction_tree(ms)) != SD_OK ||
	    (rc = clique_layout(ms)) != SD_OK || (rc = atom_truths(ms)) != SD_OK)
		return rc;
	if ((ms->sys = sdc_sys_new(ms->m == CM_COUNT ? SDC_COUNT :
	    SDC_MAGNITUDE)) == NULL)
		return SD_E_NOMEM;
	for (t = 0; t < ms->n; t++) {
		struct lk_table *x = &ms->L->tab[ms->tab[t]];
		if (ms->zero[t])
			continue;
		if ((rc = sdc_sys_add_table(ms->sys, x->t, x->rel == LK_NEW,
		    &ms->base[t])) != SD_OK)
			return rc;
	}
	if ((rc = add_atoms(ms)) != SD_OK)
		return rc;
	vars = calloc(cap, sizeof(*vars));
	coef = calloc(cap, sizeof(*coef));
	if (vars == NULL || coef == NULL)
		rc = SD_E_NOMEM;
	if (rc == SD_OK)
		rc = cell_rows(ms, vars, coef, cap);
	if (rc == SD_OK)
		rc = separator_rows(ms, vars, coef, cap);
	if (rc == SD_OK)
		rc = multi_rows(ms, vars, coef);
	free(vars);
	free(coef);
	sdc_sys_set_attackers(ms->sys, attackers, ms);
	return rc;
}

/* The new table a failing variable belongs to. */
static size_t
table_of_var(const struct msys *ms, size_t var)
{
	size_t t;

	for (t = 0; t < ms->n; t++) {
		const struct lk_table *x = &ms->L->tab[ms->tab[t]];
		size_t cells;
		if (ms->zero[t] || x->rel != LK_NEW)
			continue;
		cells = (sdc_nrows(x->t) + 1) * stride_of(x);
		if (var >= ms->base[t] && var < ms->base[t] + cells)
			return ms->tab[t];
	}
	return LK_NEW;
}

static void
info_add(struct sdc_audit_info *into, const struct sdc_audit_info *i)
{
	if (i->contributors > into->contributors)
		into->contributors = i->contributors;
	into->requirements += i->requirements;
	into->lps += i->lps;
	into->earlier_tables += i->earlier_tables;
}

static int
protect_measure(struct linked *L, enum cube_measure m)
{
	struct msys ms;
	size_t i;
	int rc, any = 0;

	for (i = 0; i < L->nnew; i++)
		any |= L->tab[i].spec.measure == m && L->tab[i].t != NULL;
	if (!any)
		return SD_OK;
	memset(&ms, 0, sizeof(ms));
	ms.L = L;
	ms.m = m;
	if ((rc = msys_build(&ms)) != SD_OK)
		goto done;
	rc = sdc_sys_protect(ms.sys, &L->par);
	info_add(&L->info, sdc_sys_info(ms.sys));
	if (!sdc_sys_info(ms.sys)->exact)
		L->exact = 0;
	if (rc == SD_E_CONFIDENTIAL) {
		L->fail_table = table_of_var(&ms, sdc_sys_fail_var(ms.sys));
		snprintf(L->why, sizeof(L->why), "%s", sdc_sys_info(ms.sys)->why);
	}
done:
	msys_free(&ms);
	return rc;
}

int
linked_protect(struct linked *L)
{
	static const enum cube_measure order[] = { CM_COUNT, CM_LOSS, CM_JOBS };
	size_t i;
	int rc = SD_OK;

	L->fail_table = LK_NEW;
	L->why[0] = '\0';
	memset(&L->info, 0, sizeof(L->info));
	L->exact = 1;
	for (i = 0; i < L->nnew; i++)
		if (L->tab[i].t != NULL &&
		    (rc = sdc_prepare(L->tab[i].t, &L->par)) != SD_OK)
			return rc;
	for (i = 0; i < 3 && rc == SD_OK; i++)
		rc = protect_measure(L, order[i]);
	for (i = 0; i < L->nnew; i++)
		L->tab[i].ok = rc == SD_OK && L->tab[i].t != NULL;
	return rc;
}

static void
filters_text(const struct cube_spec *s, char *out, size_t cap)
{
	size_t k, o = 0;

	out[0] = '\0';
	for (k = 0; k < s->n_filters && o + 1 < cap; k++) {
		int n = snprintf(out + o, cap - o, "%s%s", k ? ";" : "",
		    s->filter[k].text);
		if (n < 0)
			break;
		o += (size_t)n;
	}
}

int
linked_ledger_table(const struct linked *L, size_t i, struct ledger_table *out)
{
	const struct lk_table *x = &L->tab[i];
	size_t stride = stride_of(x), r, c, n = 0;

	memset(out, 0, sizeof(*out));
	snprintf(out->title, sizeof(out->title), "%s", x->title);
	snprintf(out->rows, sizeof(out->rows), "%s", x->rows.name);
	snprintf(out->cols, sizeof(out->cols), "%s", x->spec.cols ?
	    x->cols.name : "");
	snprintf(out->measure, sizeof(out->measure), "%s",
	    measure_name(x->spec.measure));
	filters_text(&x->spec, out->filters, sizeof(out->filters));
	out->period_set = x->spec.period.set;
	out->period_from = x->spec.period.from;
	out->period_to = x->spec.period.to;
	out->rows_first = x->rows.first;
	out->rows_n = x->rows.is_time ? x->rows.n : 0;
	out->cols_first = x->spec.cols ? x->cols.first : 0;
	out->cols_n = x->spec.cols && x->cols.is_time ? x->cols.n : 0;
	out->cell = calloc((sdc_nrows(x->t) + 1) * stride, sizeof(*out->cell));
	if (out->cell == NULL)
		return SD_E_NOMEM;
	for (r = 0; r <= sdc_nrows(x->t); r++)
		for (c = 0; c < stride; c++) {
			enum sdc_status st;
			if (!sdc_has_cell(x->t, r, c))
				continue;
			st = sdc_status(x->t, r, c);
			out->cell[n].row = (uint32_t)r;
			out->cell[n].col = (uint32_t)c;
			out->cell[n].status = (char)st;
			out->cell[n].value = st == SDC_FREE || st == SDC_EMPTY ?
			    sdc_value(x->t, r, c) : -1;
			n++;
		}
	out->ncell = n;
	return SD_OK;
}
