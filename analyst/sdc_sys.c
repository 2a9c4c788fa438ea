/* The linked system: variables, relations and attackers, and
 * sdc_sys_protect, which chooses a pattern, audits it against the outsider
 * and every single contributor, and suppresses further until the audit
 * holds (docs/disclosure-control.md). */
#include <glpk.h>
#include <math.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sd_err.h"
#include "sdc_impl.h"
#include "sdc_sys.h"

/* Rounds of "audit, then protect what it found" before giving up. */
#define SDC_ROUNDS 12

sdc_sys *
sdc_sys_new(enum sdc_measure m)
{
	sdc_sys *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	s->m = m;
	s->method = "exact";
	if ((s->rstart = calloc(1, sizeof(*s->rstart))) == NULL) {
		free(s);
		return NULL;
	}
	return s;
}

static void
att_free(struct sdc_att *a)
{
	if (a->own != NULL)
		sodium_memzero(a->own, a->n * sizeof(*a->own));
	free(a->var);
	free(a->own);
	free(a->alone);
	memset(a, 0, sizeof(*a));
}

void
sdc_req_clear(sdc_sys *s)
{
	size_t i;

	for (i = 0; i < s->nreq; i++)
		free(s->req[i].used);
	s->nreq = 0;
}

void
sdc_sys_free(sdc_sys *s)
{
	size_t i;

	if (s == NULL)
		return;
	sdc_pools_clear(s);
	sdc_lp_free(s);
	sdc_req_clear(s);
	free(s->req);
	{
		size_t u;
		for (u = 0; u < s->nuni; u++)
			free(s->uni[u].var);
		free(s->uni);
	}
	for (i = 0; i < s->natt; i++)
		att_free(&s->att[i]);
	free(s->att);
	if (s->v != NULL)
		sodium_memzero(s->v, s->capvar * sizeof(*s->v));
	free(s->v);
	free(s->rstart);
	free(s->rvar);
	free(s->rcoef);
	free(s->rge);
	free(s->rslack);
	free(s->tab);
	free(s->tabbase);
	free(s->tabnew);
	free(s->vstart);
	free(s->vrow);
	free(s);
}

/* Grow an array to hold need elements. */
static int
grow(void **p, size_t *cap, size_t need, size_t size)
{
	size_t n = *cap ? *cap : 16;
	void *q;

	if (need <= *cap)
		return SD_OK;
	while (n < need) {
		if (n > SIZE_MAX / 2 / size)
			return SD_E_TOOBIG;
		n *= 2;
	}
	if ((q = realloc(*p, n * size)) == NULL)
		return SD_E_NOMEM;
	*p = q;
	*cap = n;
	return SD_OK;
}

static int
var_new(sdc_sys *s, size_t *idx)
{
	int rc = grow((void **)&s->v, &s->capvar, s->nvar + 1, sizeof(*s->v));

	if (rc != SD_OK)
		return rc;
	memset(&s->v[s->nvar], 0, sizeof(s->v[0]));
	*idx = s->nvar++;
	return SD_OK;
}

static int
tables_reserve(sdc_sys *s, size_t need)
{
	size_t n = s->captab ? s->captab * 2 : 8;
	void *a, *b, *c;

	if (need <= s->captab)
		return SD_OK;
	while (n < need)
		n *= 2;
	a = realloc(s->tab, n * sizeof(*s->tab));
	if (a != NULL)
		s->tab = a;
	b = realloc(s->tabbase, n * sizeof(*s->tabbase));
	if (b != NULL)
		s->tabbase = b;
	c = realloc(s->tabnew, n * sizeof(*s->tabnew));
	if (c != NULL)
		s->tabnew = c;
	if (a == NULL || b == NULL || c == NULL)
		return SD_E_NOMEM;
	s->captab = n;
	return SD_OK;
}

/* Non-empty inner cells under cell i: in a count table a total is at
 * least that many reports. */
static double
floor_under(const sdc_table *t, size_t i)
{
	size_t r = i / t->stride, c = i % t->stride, r0, r1, c0, c1, a, b, n = 0;

	if (t->m != SDC_COUNT || !t->cell[i].exists)
		return 0.0;
	r0 = r == t->nrows ? 0 : r;
	r1 = r == t->nrows ? t->nrows - 1 : r;
	c0 = c == t->ncols ? 0 : c;
	c1 = c == t->ncols ? t->ncols - 1 : c;
	for (a = r0; a <= r1; a++)
		for (b = c0; b <= c1; b++)
			n += t->cell[a * t->stride + b].ncontrib > 0;
	return (double)n;
}

int
sdc_sys_add_table(sdc_sys *s, sdc_table *t, int is_new, size_t *base)
{
	size_t i, idx = 0;
	int rc;

	if (s == NULL || t == NULL || !t->prepared || t->m != s->m)
		return SD_E_INVAL;
	if ((rc = tables_reserve(s, s->ntab + 1)) != SD_OK)
		return rc;
	*base = s->nvar;
	for (i = 0; i < t->ncells; i++) {
		const struct sdc_cell *c = &t->cell[i];
		if ((rc = var_new(s, &idx)) != SD_OK)
			return rc;
		s->v[idx].t = t;
		s->v[idx].cell = i;
		s->v[idx].isnew = is_new != 0;
		s->v[idx].truth = (double)c->value;
		s->v[idx].lb0 = c->ncontrib > 0 ? sdc_known_min(s->m) : 0.0;
	}
	for (i = 0; i < t->ncells; i++)
		s->v[*base + i].floor = floor_under(t, i);
	s->tab[s->ntab] = t;
	s->tabbase[s->ntab] = *base;
	s->tabnew[s->ntab] = is_new != 0;
	s->ntab++;
	return SD_OK;
}

int
sdc_sys_add_unknowns(sdc_sys *s, sdc_table *t, size_t *base)
{
	size_t i;
	int rc;

	if ((rc = sdc_sys_add_table(s, t, 0, base)) != SD_OK)
		return rc;
	for (i = 0; i < t->ncells; i++) {
		s->v[*base + i].lb0 = 0.0;
		s->v[*base + i].floor = 0.0;
		s->v[*base + i].unknown = 1;
	}
	s->tabnew[s->ntab - 1] = 2;
	return SD_OK;
}

int
sdc_sys_add_atom(sdc_sys *s, int64_t truth, size_t *var)
{
	int rc;

	if (s == NULL || truth < 0 || truth > SDC_VALUE_MAX)
		return SD_E_INVAL;
	if ((rc = var_new(s, var)) != SD_OK)
		return rc;
	s->v[*var].truth = (double)truth;
	return SD_OK;
}

static int
rows_reserve(sdc_sys *s, size_t nent, size_t nrow)
{
	size_t n;
	void *a, *b, *c;

	if (nent > s->capent) {
		for (n = s->capent ? s->capent * 2 : 256; n < nent; n *= 2)
			;
		a = realloc(s->rvar, n * sizeof(*s->rvar));
		if (a != NULL)
			s->rvar = a;
		b = realloc(s->rcoef, n * sizeof(*s->rcoef));
		if (b != NULL)
			s->rcoef = b;
		if (a == NULL || b == NULL)
			return SD_E_NOMEM;
		s->capent = n;
	}
	if (nrow > s->caprow) {
		for (n = s->caprow ? s->caprow * 2 : 64; n < nrow; n *= 2)
			;
		a = realloc(s->rstart, (n + 1) * sizeof(*s->rstart));
		if (a != NULL)
			s->rstart = a;
		b = realloc(s->rge, n * sizeof(*s->rge));
		if (b != NULL)
			s->rge = b;
		c = realloc(s->rslack, n * sizeof(*s->rslack));
		if (c != NULL)
			s->rslack = c;
		if (a == NULL || b == NULL || c == NULL)
			return SD_E_NOMEM;
		s->caprow = n;
	}
	return SD_OK;
}

int
sdc_sys_add_row(sdc_sys *s, int ge, size_t n, const size_t *var,
    const double *coef)
{
	size_t i;
	double act = 0.0, mag = 1.0;
	int rc;

	if (s == NULL || n == 0)
		return SD_E_INVAL;
	for (i = 0; i < n; i++) {
		if (var[i] >= s->nvar || !isfinite(coef[i]))
			return SD_E_INVAL;
		act += coef[i] * s->v[var[i]].truth;
		mag += fabs(coef[i] * s->v[var[i]].truth);
	}
	/* the true values satisfy every relation */
	if (ge ? act < -1e-9 * mag : fabs(act) > 1e-9 * mag)
		return SD_E_INVAL;
	if ((rc = rows_reserve(s, s->nent + n, s->nrow + 1)) != SD_OK)
		return rc;
	for (i = 0; i < n; i++) {
		s->rvar[s->nent + i] = var[i];
		s->rcoef[s->nent + i] = coef[i];
	}
	s->rstart[s->nrow] = s->nent;
	s->rge[s->nrow] = ge != 0;
	s->rslack[s->nrow] = ge && act > 0.0 ? act : 0.0;
	s->nent += n;
	s->nrow++;
	s->rstart[s->nrow] = s->nent;
	return SD_OK;
}

int
sdc_sys_add_table_relations(sdc_sys *s, size_t base, const sdc_table *t)
{
	size_t r, e, var[2 * SDC_MAX_DIM + 2];
	int rc = SD_OK;

	if (t->nrows > SDC_MAX_DIM)
		return t->nrel == 0 ? SD_OK : SD_E_TOOBIG;
	for (r = 0; r < t->nrel && rc == SD_OK; r++) {
		size_t n = 0;
		for (e = t->rel_start[r]; e < t->rel_start[r + 1]; e++)
			var[n++] = base + t->rel_cell[e];
		rc = sdc_sys_add_row(s, 0, n, var,
		    t->rel_coef + t->rel_start[r]);
	}
	return rc;
}

struct ent {
	size_t var;
	double own;
	unsigned char alone;
};

static int
ent_cmp(const void *a, const void *b)
{
	const struct ent *x = a, *y = b;

	return (x->var > y->var) - (x->var < y->var);
}

static int
att_push(sdc_sys *s, struct ent *e, size_t n, int tail)
{
	struct sdc_att *a;
	size_t i, k = 0;
	int rc;

	if ((rc = grow((void **)&s->att, &s->capatt, s->natt + 1,
	    sizeof(*s->att))) != SD_OK)
		return rc;
	a = &s->att[s->natt];
	memset(a, 0, sizeof(*a));
	if (n > 1)
		qsort(e, n, sizeof(*e), ent_cmp);
	a->var = calloc(n + 1, sizeof(*a->var));
	a->own = calloc(n + 1, sizeof(*a->own));
	a->alone = calloc(n + 1, 1);
	if (a->var == NULL || a->own == NULL || a->alone == NULL) {
		att_free(a);
		return SD_E_NOMEM;
	}
	for (i = 0; i < n; i++) {
		if (k > 0 && a->var[k - 1] == e[i].var) {
			a->own[k - 1] += e[i].own;
			a->alone[k - 1] |= e[i].alone;
			continue;
		}
		a->var[k] = e[i].var;
		a->own[k] = e[i].own;
		a->alone[k] = e[i].alone;
		k++;
	}
	a->n = k;
	a->tail = tail;
	s->natt++;
	return SD_OK;
}

int
sdc_sys_add_attacker(sdc_sys *s, size_t n, const size_t *var,
    const int64_t *own, const unsigned char *alone)
{
	struct ent *e = NULL;
	size_t i;
	int rc;

	if (s == NULL || n == 0)
		return SD_E_INVAL;
	if ((e = calloc(n, sizeof(*e))) == NULL)
		return SD_E_NOMEM;
	for (i = 0; i < n; i++) {
		if (var[i] >= s->nvar || own[i] < 0) {
			free(e);
			return SD_E_INVAL;
		}
		e[i] = (struct ent){ var[i], (double)own[i], alone[i] };
	}
	rc = att_push(s, e, n, 0);
	sodium_memzero(e, n * sizeof(*e));
	free(e);
	if (rc == SD_OK)
		s->ncontrib++;
	return rc;
}

/* A group of single reports in the same variables. Each of the largest
 * SDC_TOPK - 1 is an attacker of its own; the SDC_TOPK-th stands for all
 * the others, whose values are at most its own: whatever it cannot learn
 * they cannot either (docs/disclosure-control.md). */
int
sdc_sys_add_singles(sdc_sys *s, size_t n, const size_t *var,
    const unsigned char *alone, const int64_t *top, size_t ntop,
    size_t count)
{
	struct ent *e = NULL;
	size_t i, k;
	int rc = SD_OK;

	if (s == NULL || n == 0 || ntop == 0 || ntop > SDC_TOPK ||
	    count < ntop)
		return SD_E_INVAL;
	for (i = 0; i < n; i++)
		if (var[i] >= s->nvar)
			return SD_E_INVAL;
	if ((e = calloc(n, sizeof(*e))) == NULL)
		return SD_E_NOMEM;
	for (k = 0; k < ntop && rc == SD_OK; k++) {
		int tail = k == SDC_TOPK - 1 && count > SDC_TOPK;
		for (i = 0; i < n; i++)
			e[i] = (struct ent){ var[i], (double)top[k],
			    count == 1 ? alone[i] : 0 };
		rc = att_push(s, e, n, tail);
	}
	sodium_memzero(e, n * sizeof(*e));
	free(e);
	if (rc == SD_OK)
		s->ncontrib += count;
	return rc;
}

struct sdc_cell *
sdc_var_cell(const sdc_sys *s, size_t i)
{
	const struct sdc_var *v = &s->v[i];

	return v->t == NULL ? NULL : &v->t->cell[v->cell];
}

enum sdc_status
sdc_var_status(const sdc_sys *s, size_t i)
{
	const struct sdc_cell *c = sdc_var_cell(s, i);

	return c == NULL ? SDC_SECONDARY : c->st;
}

void
sdc_var_set_status(sdc_sys *s, size_t i, enum sdc_status st)
{
	struct sdc_cell *c = sdc_var_cell(s, i);

	if (c != NULL)
		c->st = st;
}

/* Atoms are never published; a cell that does not exist is not a
 * variable anyone can see, so it is treated as published (it moves in no
 * relation). */
int
sdc_var_published(const sdc_sys *s, size_t i)
{
	const struct sdc_cell *c = sdc_var_cell(s, i);

	if (s->v[i].t == NULL)
		return 0;
	return !c->exists || !sdc_is_suppressed(c->st);
}

int
sdc_var_candidate(const sdc_sys *s, size_t i)
{
	const struct sdc_cell *c = sdc_var_cell(s, i);

	return c != NULL && s->v[i].isnew && c->exists &&
	    c->st != SDC_EMPTY && !c->pinned;
}

static size_t
att_find(const struct sdc_att *a, size_t var)
{
	size_t lo = 0, hi = a->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (a->var[mid] < var)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < a->n && a->var[lo] == var ? lo : SDC_NONE;
}

double
sdc_att_own(const struct sdc_att *a, size_t var, int *alone)
{
	size_t k = att_find(a, var);

	if (alone != NULL)
		*alone = k != SDC_NONE && a->alone[k];
	return k == SDC_NONE ? 0.0 : a->own[k];
}

int
sdc_att_alone(const struct sdc_att *a, size_t var)
{
	int alone = 0;

	(void)sdc_att_own(a, var, &alone);
	return alone;
}

void
sdc_att_bounds(const sdc_sys *s, size_t a, size_t var, double *lb,
    int *fixed)
{
	int alone = 0;
	double own = sdc_att_own(&s->att[a], var, &alone);

	*fixed = alone;
	*lb = alone ? s->v[var].truth : s->v[var].lb0 + own;
}

/* What attacker a knows of primary cell var before any table: its own
 * reports, and in a count table one report of someone else in every inner
 * cell below var where someone else reported (var's floor counts the
 * non-empty inner cells below it; those where a is alone have no one
 * else). The lower protection can demand no more than the room above
 * that. */
static double
prior(const sdc_sys *s, size_t var, size_t a)
{
	const struct sdc_var *v = &s->v[var];
	const struct sdc_att *at = a < s->natt ? &s->att[a] : NULL;
	const sdc_table *t = v->t;
	size_t base = var - v->cell, k;
	double p;

	if (at == NULL || at->tail)
		return s->m == SDC_COUNT ? v->floor : 0.0;
	p = sdc_att_own(at, var, NULL);
	if (s->m == SDC_MAGNITUDE)
		return p;
	p += v->floor;
	for (k = 0; k < at->n; k++) {
		size_t cell, r, c, vr, vc;
		if (!at->alone[k] || at->var[k] < base ||
		    at->var[k] >= base + t->ncells)
			continue;
		cell = at->var[k] - base;
		r = cell / t->stride;
		c = cell % t->stride;
		vr = v->cell / t->stride;
		vc = v->cell % t->stride;
		if (r < t->nrows && c < t->ncols &&
		    (vr == t->nrows || vr == r) && (vc == t->ncols || vc == c))
			p -= 1.0;
	}
	return p;
}

double
sdc_room_down(const sdc_sys *s, size_t var, size_t a)
{
	double lb = s->v[var].lb0;
	int fixed = 0;

	if (a < s->natt)
		sdc_att_bounds(s, a, var, &lb, &fixed);
	return fixed ? 0.0 : s->v[var].truth - lb;
}

double
sdc_req_lower(const sdc_sys *s, size_t var, size_t a)
{
	const struct sdc_cell *c = sdc_var_cell(s, var);
	double room = s->v[var].truth - prior(s, var, a);

	if (room < 0.0)
		room = 0.0;
	return c->lpl < room ? c->lpl : room;
}

void
sdc_sys_set_attackers(sdc_sys *s, sdc_attacker_fn fn, void *ctx)
{
	s->att_fn = fn;
	s->att_ctx = ctx;
}

size_t
sdc_sys_nvar(const sdc_sys *s)
{
	return s == NULL ? 0 : s->nvar;
}

/* Relations by variable, built once. */
static int
var_rows(sdc_sys *s)
{
	size_t i, r, e, *fill = NULL;

	if (s->vstart != NULL)
		return SD_OK;
	s->vstart = calloc(s->nvar + 1, sizeof(*s->vstart));
	s->vrow = calloc(s->nent + 1, sizeof(*s->vrow));
	fill = calloc(s->nvar + 1, sizeof(*fill));
	if (s->vstart == NULL || s->vrow == NULL || fill == NULL) {
		free(fill);
		return SD_E_NOMEM;
	}
	for (e = 0; e < s->nent; e++)
		s->vstart[s->rvar[e] + 1]++;
	for (i = 0; i < s->nvar; i++)
		s->vstart[i + 1] += s->vstart[i];
	for (r = 0; r < s->nrow; r++)
		for (e = s->rstart[r]; e < s->rstart[r + 1]; e++) {
			size_t v = s->rvar[e];
			s->vrow[s->vstart[v] + fill[v]++] = r;
		}
	free(fill);
	return SD_OK;
}

/* What everyone can work out without any LP: published cells, and a
 * variable that is the only unknown left in a relation. An attacker that
 * knows only such variables knows nothing the outsider does not. */
int
sdc_determined(sdc_sys *s, unsigned char *det)
{
	size_t *left = NULL, *queue = NULL, qn = 0, i, r, e, k;
	int rc;

	if ((rc = var_rows(s)) != SD_OK)
		return rc;
	left = calloc(s->nrow + 1, sizeof(*left));
	queue = calloc(s->nvar + 1, sizeof(*queue));
	if (left == NULL || queue == NULL) {
		free(left);
		free(queue);
		return SD_E_NOMEM;
	}
	for (i = 0; i < s->nvar; i++) {
		det[i] = (unsigned char)sdc_var_published(s, i);
		if (det[i])
			queue[qn++] = i;
	}
	for (r = 0; r < s->nrow; r++)
		for (e = s->rstart[r]; e < s->rstart[r + 1]; e++)
			left[r] += !det[s->rvar[e]];
	for (k = 0; k < qn; k++) {
		size_t v = queue[k];
		for (e = s->vstart[v]; e < s->vstart[v + 1]; e++) {
			size_t row = s->vrow[e], f, g;
			if (s->rge[row] || left[row] != 1)
				continue;
			for (f = s->rstart[row]; f < s->rstart[row + 1]; f++) {
				size_t u = s->rvar[f];
				if (det[u])
					continue;
				det[u] = 1;
				queue[qn++] = u;
				for (g = s->vstart[u]; g < s->vstart[u + 1]; g++)
					left[s->vrow[g]]--;
			}
		}
	}
	free(left);
	free(queue);
	return SD_OK;
}

int
sdc_attackers_refresh(sdc_sys *s)
{
	unsigned char *rel = NULL;
	size_t i;
	int rc;

	if (s->att_fn == NULL)
		return SD_OK;
	for (i = 0; i < s->natt; i++)
		att_free(&s->att[i]);
	s->natt = 0;
	s->ncontrib = 0;
	if ((rel = calloc(s->nvar + 1, 1)) == NULL)
		return SD_E_NOMEM;
	if ((rc = sdc_determined(s, rel)) == SD_OK) {
		for (i = 0; i < s->nvar; i++)
			rel[i] = !rel[i];
		rc = s->att_fn(s->att_ctx, s, rel);
	}
	free(rel);
	if (s->ncontrib > s->info.contributors)
		s->info.contributors = s->ncontrib;
	return rc;
}

int
sdc_req_add(sdc_sys *s, size_t var, int up, size_t att, double level)
{
	int rc = grow((void **)&s->req, &s->capreq, s->nreq + 1,
	    sizeof(*s->req));

	if (rc != SD_OK)
		return rc;
	s->req[s->nreq] = (struct sdc_req){ var, up, att, level, SDC_NONE,
	    NULL };
	s->nreq++;
	s->info.requirements++;
	return SD_OK;
}

int
sdc_req_add_union(sdc_sys *s, size_t u, int up, size_t att, double level)
{
	int rc = sdc_req_add(s, s->uni[u].var[0], up, att, level);

	if (rc == SD_OK)
		s->req[s->nreq - 1].uni = u;
	return rc;
}

double
sdc_union_lower(const sdc_sys *s, size_t u, size_t a)
{
	const struct sdc_union *x = &s->uni[u];
	double p = 0.0, room;
	size_t k;

	for (k = 0; k < x->n; k++)
		p += prior(s, x->var[k], a);
	room = x->X - p;
	if (room < 0.0)
		room = 0.0;
	return x->lpl < room ? x->lpl : room;
}

double
sdc_union_room(const sdc_sys *s, size_t u, size_t a)
{
	const struct sdc_union *x = &s->uni[u];
	double r = 0.0;
	size_t k;

	for (k = 0; k < x->n; k++)
		r += sdc_room_down(s, x->var[k], a);
	return r;
}

/* Every primary cell in the system, new or from an earlier release, must
 * be able to rise by its upper level and fall by its lower one; first
 * against all attackers at once. */
int
sdc_req_collect(sdc_sys *s)
{
	size_t i;
	int rc = SD_OK;

	for (i = 0; i < s->nvar && rc == SD_OK; i++) {
		const struct sdc_cell *c = sdc_var_cell(s, i);
		if (c == NULL || !c->exists || !sdc_is_primary(c->st))
			continue;
		if (c->upl > 0.0)
			rc = sdc_req_add(s, i, 1, SDC_ROBUST, c->upl);
		if (rc == SD_OK && c->lpl > 0.0)
			rc = sdc_req_add(s, i, 0, SDC_ROBUST, c->lpl);
	}
	return rc;
}

static void
scale_and_weights(sdc_sys *s)
{
	size_t i;

	s->scale = 1.0;
	s->cand_sum = 0.0;
	for (i = 0; i < s->nvar; i++) {
		if (s->v[i].truth > s->scale)
			s->scale = s->v[i].truth;
		if (sdc_var_candidate(s, i))
			s->cand_sum += s->v[i].truth;
	}
	/* fewer cells always win, and among equal counts less hidden value */
	for (i = 0; i < s->nvar; i++)
		s->v[i].weight = 1.0 + s->v[i].truth / (s->cand_sum + 1.0);
}

static int
pinned_primary(sdc_sys *s)
{
	size_t i;

	for (i = 0; i < s->nvar; i++) {
		const struct sdc_cell *c = sdc_var_cell(s, i);
		if (c != NULL && s->v[i].isnew && c->exists && c->pinned &&
		    sdc_is_primary(c->st)) {
			s->fail_var = i;
			return 1;
		}
	}
	return 0;
}

static int
has_primary(const sdc_sys *s)
{
	size_t i;

	for (i = 0; i < s->nvar; i++) {
		const struct sdc_cell *c = sdc_var_cell(s, i);
		if (c != NULL && c->exists && sdc_is_primary(c->st))
			return 1;
	}
	return 0;
}

/* The exact model is for one table on its own, small enough. */
static int
exact_fits(const sdc_sys *s)
{
	size_t i, n = 0;

	if (s->ntab != 1 || s->tabnew[0] != 1)
		return 0;
	for (i = 0; i < s->nvar; i++) {
		if (s->v[i].t == NULL)
			return 0;
		n += sdc_var_cell(s, i)->exists;
	}
	return n <= s->par.exact_max_cells;
}

/* Make new cells free again (the outcome of an attempt that failed). */
static void
reset_pattern(sdc_sys *s)
{
	size_t i;

	for (i = 0; i < s->nvar; i++)
		if (sdc_var_candidate(s, i) &&
		    sdc_var_status(s, i) == SDC_SECONDARY)
			sdc_var_set_status(s, i, SDC_FREE);
}

static void
fail_why(sdc_sys *s, const char *why)
{
	snprintf(s->info.why, sizeof(s->info.why), "%s", why);
}

/* Audit, and protect what the audit finds, until it holds. */
static int
settle(sdc_sys *s, int allow_release)
{
	size_t round, first = 0, bad = 0;
	int rc = SD_OK, released = 0;

	for (round = 0; round < SDC_ROUNDS; round++) {
		first = s->nreq;
		if ((rc = sdc_audit(s, &first, &bad)) != SD_OK)
			return rc;
		if (bad == 0) {
			if (!allow_release || released)
				return SD_OK;
			/* take back what no requirement needs, then check
			 * everything again */
			if ((rc = sdc_heuristic_release(s)) != SD_OK)
				return rc;
			released = 1;
			continue;
		}
		s->method = "heuristic";
		s->fail_var = s->req[first].var;
		if ((rc = sdc_heuristic_add(s, first)) != SD_OK)
			return rc;
	}
	fail_why(s, "the audit still found a cell that could be worked out "
	    "after every round of further suppression");
	return SD_E_CONFIDENTIAL;
}

/* The exact model, solved again with every attacker the audit finds
 * exposed, a few times; *done when its pattern passed the audit. */
static int
protect_exact(sdc_sys *s, int *done)
{
	size_t round, first = 0, bad = 0;
	int rc, solved = 0;

	*done = 0;
	/* The model starts from the outsider; every attacker the audit finds
	 * exposed joins it. Its optimum for those requirements, once the
	 * audit passes, is an optimum for all of them. */
	for (round = 0; round < s->nreq; round++)
		if (s->req[round].att == SDC_ROBUST)
			s->req[round].att = SDC_OUTSIDER;
	for (round = 0; round < 6; round++) {
		if ((rc = sdc_exact_run(s, &solved)) != SD_OK)
			return rc;
		if (!solved)
			break;
		if ((rc = sdc_audit(s, &first, &bad)) != SD_OK)
			return rc;
		if (bad == 0) {
			s->info.exact = 1;
			*done = 1;
			return SD_OK;
		}
		/* the next model may choose another pattern altogether */
		sdc_pools_clear(s);
	}
	/* start over with the heuristic and every requirement found */
	reset_pattern(s);
	sdc_pools_clear(s);
	return SD_OK;
}

static int
protect(sdc_sys *s)
{
	int rc, done = 0;

	if ((rc = sdc_req_collect(s)) != SD_OK ||
	    (rc = sdc_attackers_refresh(s)) != SD_OK)
		return rc;
	s->method = "exact";
	if (exact_fits(s)) {
		if ((rc = protect_exact(s, &done)) != SD_OK || done)
			return rc;
	}
	s->method = "heuristic";
	if ((rc = sdc_heuristic_add(s, 0)) != SD_OK)
		return rc;
	return settle(s, 1);
}

int
sdc_sys_protect(sdc_sys *s, const struct sdc_params *p)
{
	int rc = SD_OK, term;

	if (s == NULL || !sdc_params_valid(p))
		return SD_E_INVAL;
	s->par = *p;
	s->fail_var = SDC_NONE;
	memset(&s->info, 0, sizeof(s->info));
	{
		size_t i;
		for (i = 0; i < s->ntab; i++)
			s->info.earlier_tables += s->tabnew[i] == 0;
	}
	s->info.contributors = s->att_fn == NULL ? s->ncontrib : 0;
	s->progress = isatty(STDERR_FILENO);
	sdc_req_clear(s);
	sdc_pools_clear(s);
	{
		size_t u;
		for (u = 0; u < s->nuni; u++)
			free(s->uni[u].var);
		s->nuni = 0;
	}
	reset_pattern(s);
	scale_and_weights(s);
	if (pinned_primary(s)) {
		fail_why(s, "a total that every table of the release publishes "
		    "is itself confidential");
		return SD_E_CONFIDENTIAL;
	}
	term = glp_term_out(GLP_OFF);
	if ((rc = sdc_lp_build(s)) != SD_OK)
		goto done;
	if (!has_primary(s)) {
		/* nothing to protect; still compute the intervals */
		size_t first = 0, bad = 0;
		rc = sdc_audit(s, &first, &bad);
		goto done;
	}
	rc = protect(s);
done:
	glp_term_out(term);
	return rc;
}

const struct sdc_audit_info *
sdc_sys_info(const sdc_sys *s)
{
	return s == NULL ? NULL : &s->info;
}

const char *
sdc_sys_method(const sdc_sys *s)
{
	return s == NULL ? "exact" : s->method;
}

size_t
sdc_sys_fail_var(const sdc_sys *s)
{
	return s == NULL ? SDC_NONE : s->fail_var;
}
