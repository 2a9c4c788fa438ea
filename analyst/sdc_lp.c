/* The one linear program behind pattern choice and audit. Its columns are
 * the deviations of every variable from its true value, a rise and a fall
 * (both >= 0); its rows are the system's relations, which the deviations
 * must keep. What may move, and how far down, is what separates the uses:
 *   - the pattern: a published cell of the new release may move at its
 *     cost (moving it means suppressing it), hidden cells and atoms for
 *     next to nothing;
 *   - frozen: only hidden cells and atoms move;
 * and the attacker: a variable can fall only as far as what the attacker
 * knows of it allows (the known minimum, plus its own contribution), and
 * not at all where it is alone. The robust attacker is every attacker at
 * once: each variable can fall by the least any of them allows, scaled by
 * how much less that one needs (a deviation that moves the primary cell by
 * more than an attacker's level, scaled down to that level, still proves
 * the requirement for it).
 * Values are divided by the system's scale, so the LP works near 1. */
#include <glpk.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sd_err.h"
#include "sdc_impl.h"

struct sdc_lp {
	glp_prob *lp;
	size_t n;
	double *dcap;             /* how far each variable may fall (scaled) */
	unsigned char *fixd;      /* may not move at all */
	double level;             /* of the last deviation, scaled */
	int pending_row;          /* a union's row still in the problem */
	int *col;                 /* a variable's rise column, 0: it is out */
	int *ind;
	double *val;
};

void sdc_lp_settle(sdc_sys *s);

static int
up_col(const struct sdc_lp *l, size_t i)
{
	return l->col[i];
}

static int
dn_col(const struct sdc_lp *l, size_t i)
{
	return l->col[i] + 1;
}

static int
out_of_lp(const struct sdc_lp *l, size_t i)
{
	return l->col[i] == 0;
}

void
sdc_lp_free(sdc_sys *s)
{
	struct sdc_lp *l = s->lp;

	if (l == NULL)
		return;
	if (l->lp != NULL)
		glp_delete_prob(l->lp);
	free(l->dcap);
	free(l->fixd);
	free(l->col);
	free(l->ind);
	free(l->val);
	free(l);
	s->lp = NULL;
}

/* A variable that no LP can ever move: a cell whose status cannot change
 * while the release is protected and that is published (a cell of an
 * earlier release, an empty cell, one outside the table's shape). */
static int
never_moves(const sdc_sys *s, size_t i)
{
	const struct sdc_var *v = &s->v[i];
	const struct sdc_cell *c = sdc_var_cell(s, i);

	if (v->t == NULL || c == NULL)
		return 0;
	if (!c->exists || c->st == SDC_EMPTY)
		return 1;
	return !v->isnew && v->unknown == 0 && !sdc_is_suppressed(c->st);
}

/* The variables that stay where they are in every LP of the system: those
 * that never move, and then, relation by relation, those that cannot fall
 * (at their known minimum: an empty cell of the clique's unknowns, say)
 * and are summed with the same sign in a relation where nothing else
 * moves: their rises add up to nothing, so each is nothing. At a few
 * hundred reports most unknowns of a fine cross-table are such zeros;
 * leaving them out of the LP keeps it to what can move. */
static void
still_vars(const sdc_sys *s, unsigned char *still)
{
	size_t i, r, e;
	int changed = 1;

	for (i = 0; i < s->nvar; i++)
		still[i] = (unsigned char)never_moves(s, i);
	while (changed) {
		changed = 0;
		for (r = 0; r < s->nrow; r++) {
			int sign = 0, ok = 1, any = 0;
			if (s->rge[r])
				continue;
			for (e = s->rstart[r]; e < s->rstart[r + 1] && ok; e++) {
				size_t v = s->rvar[e];
				int sg = s->rcoef[e] > 0.0 ? 1 : -1;
				if (still[v])
					continue;
				any = 1;
				if (s->v[v].truth - s->v[v].lb0 > 0.0 ||
				    (sign != 0 && sg != sign))
					ok = 0;
				sign = sg;
			}
			if (!ok || !any)
				continue;
			for (e = s->rstart[r]; e < s->rstart[r + 1]; e++)
				still[s->rvar[e]] = 1;
			changed = 1;
		}
	}
}

int
sdc_lp_build(sdc_sys *s)
{
	struct sdc_lp *l = NULL;
	unsigned char *still = NULL;
	size_t r, e, i, maxrow = 1, live = 0;
	int row, rc = SD_E_NOMEM;

	sdc_lp_free(s);
	if (s->nvar == 0 || s->nvar > (size_t)(INT32_MAX / 2 - 2))
		return s->nvar == 0 ? SD_E_INVAL : SD_E_TOOBIG;
	if ((l = calloc(1, sizeof(*l))) == NULL)
		return SD_E_NOMEM;
	s->lp = l;
	l->n = s->nvar;
	for (r = 0; r < s->nrow; r++)
		if (s->rstart[r + 1] - s->rstart[r] > maxrow)
			maxrow = s->rstart[r + 1] - s->rstart[r];
	l->dcap = calloc(s->nvar, sizeof(*l->dcap));
	l->fixd = calloc(s->nvar, 1);
	l->col = calloc(s->nvar, sizeof(*l->col));
	l->ind = calloc(2 * maxrow + 1, sizeof(*l->ind));
	l->val = calloc(2 * maxrow + 1, sizeof(*l->val));
	still = calloc(s->nvar, 1);
	if (l->dcap == NULL || l->fixd == NULL || l->col == NULL ||
	    l->ind == NULL || l->val == NULL || still == NULL)
		goto done;
	still_vars(s, still);
	for (i = 0; i < s->nvar; i++)
		if (!still[i]) {
			l->col[i] = (int)(2 * live + 1);
			live++;
		}
	l->lp = glp_create_prob();
	if (live > 0)
		glp_add_cols(l->lp, (int)(2 * live));
	/* a free row keeps the model non-empty when nothing is related */
	row = glp_add_rows(l->lp, 1);
	glp_set_row_bnds(l->lp, row, GLP_FR, 0.0, 0.0);
	for (r = 0; r < s->nrow; r++) {
		int n = 0;
		for (e = s->rstart[r]; e < s->rstart[r + 1]; e++) {
			if (out_of_lp(l, s->rvar[e]))
				continue;
			l->ind[++n] = up_col(l, s->rvar[e]);
			l->val[n] = s->rcoef[e];
			l->ind[++n] = dn_col(l, s->rvar[e]);
			l->val[n] = -s->rcoef[e];
		}
		/* what stays put keeps its relation as it is */
		if (n == 0)
			continue;
		row = glp_add_rows(l->lp, 1);
		if (s->rge[r])
			glp_set_row_bnds(l->lp, row, GLP_LO,
			    -s->rslack[r] / s->scale, 0.0);
		else
			glp_set_row_bnds(l->lp, row, GLP_FX, 0.0, 0.0);
		glp_set_mat_row(l->lp, row, n, l->ind, l->val);
	}
	rc = SD_OK;
done:
	free(still);
	return rc;
}

static void
bnds(glp_prob *lp, int j, double lo, double hi)
{
	if (isinf(hi))
		glp_set_col_bnds(lp, j, GLP_LO, lo, 0.0);
	else if (hi > lo)
		glp_set_col_bnds(lp, j, GLP_DB, lo, hi);
	else
		glp_set_col_bnds(lp, j, GLP_FX, lo, lo);
}

/* Outsider: every variable may fall to its known minimum. */
static void
caps_outsider(sdc_sys *s)
{
	struct sdc_lp *l = s->lp;
	size_t i;

	for (i = 0; i < s->nvar; i++) {
		double d = (s->v[i].truth - s->v[i].lb0) / s->scale;
		l->dcap[i] = d > 0.0 ? d : 0.0;
		l->fixd[i] = 0;
	}
}

/* One attacker: the outsider, tightened where it knows more. factor > 1
 * relaxes its limits for a deviation of factor times its own level. */
static void
caps_attacker(sdc_sys *s, size_t a, double factor, int merge)
{
	struct sdc_lp *l = s->lp;
	const struct sdc_att *at = &s->att[a];
	size_t k;

	for (k = 0; k < at->n; k++) {
		size_t i = at->var[k];
		double d;
		if (at->alone[k]) {
			l->fixd[i] = 1;
			continue;
		}
		d = (s->v[i].truth - s->v[i].lb0 - at->own[k]) / s->scale;
		d = (d > 0.0 ? d : 0.0) * factor;
		if (!merge || d < l->dcap[i])
			l->dcap[i] = d;
	}
}

/* Every attacker that can matter for primary var at once. Attackers that
 * need less (a lower level than the outsider's) count with their limits
 * relaxed in proportion. */
static int
alone_in_union(const sdc_sys *s, size_t a, size_t u)
{
	const struct sdc_union *x = &s->uni[u];
	size_t k;

	for (k = 0; k < x->n; k++)
		if (!sdc_att_alone(&s->att[a], x->var[k]))
			return 0;
	return 1;
}

static void
caps_robust(sdc_sys *s, size_t var, size_t uni, int up, double target)
{
	size_t a;

	caps_outsider(s);
	for (a = 0; a < s->natt; a++) {
		double ta = target;
		if (uni == SDC_NONE ? sdc_att_alone(&s->att[a], var) :
		    alone_in_union(s, a, uni))
			continue;
		if (!up) {
			double la = uni == SDC_NONE ? sdc_req_lower(s, var, a) :
			    sdc_union_lower(s, uni, a);
			if (la <= 0.0)
				continue;
			ta = sdc_target(s, la, uni == SDC_NONE ?
			    sdc_room_down(s, var, a) : sdc_union_room(s, uni, a));
		}
		caps_attacker(s, a, ta < target ? target / ta : 1.0, 1);
	}
}

/* One solve, warm from the last basis. A warm start can stall on a
 * degenerate problem (seen: the same LP that a fresh start solves in 40
 * iterations ran for minutes from a basis of an earlier one), so it gets a
 * bounded number of iterations, and then the problem is solved afresh. */
static int
solve(glp_prob *lp, int *status)
{
	glp_smcp parm;
	int ret, size = glp_get_num_rows(lp) + glp_get_num_cols(lp);

	glp_init_smcp(&parm);
	parm.msg_lev = GLP_MSG_OFF;
	parm.meth = GLP_PRIMAL;
	parm.it_lim = 10 * size + 1000;
	ret = glp_simplex(lp, &parm);
	if (ret != 0) {
		glp_adv_basis(lp, 0);
		parm.it_lim = 100 * size + 10000;
		ret = glp_simplex(lp, &parm);
	}
	if (ret != 0) {
		glp_std_basis(lp);
		parm.meth = GLP_DUALP;
		ret = glp_simplex(lp, &parm);
	}
	if (ret != 0)
		return SD_E_INVAL;
	*status = glp_get_status(lp);
	return SD_OK;
}

/* Bounds and costs of every column but var's. */
static void
columns(sdc_sys *s, size_t var, enum sdc_lpmode mode, double L)
{
	struct sdc_lp *l = s->lp;
	double eps = 1e-3 / L;
	size_t i;

	for (i = 0; i < s->nvar; i++) {
		int pub, cand;
		double cost = eps;
		if (i == var || out_of_lp(l, i))
			continue;
		pub = sdc_var_published(s, i);
		cand = sdc_var_candidate(s, i);
		if ((pub && !(mode == SDC_LP_CHOOSE && cand)) || l->fixd[i]) {
			bnds(l->lp, up_col(l, i), 0.0, 0.0);
			bnds(l->lp, dn_col(l, i), 0.0, 0.0);
			glp_set_obj_coef(l->lp, up_col(l, i), 0.0);
			glp_set_obj_coef(l->lp, dn_col(l, i), 0.0);
			continue;
		}
		if (pub)
			cost = s->v[i].weight / L;
		bnds(l->lp, up_col(l, i), 0.0, INFINITY);
		bnds(l->lp, dn_col(l, i), 0.0, l->dcap[i]);
		glp_set_obj_coef(l->lp, up_col(l, i), cost);
		glp_set_obj_coef(l->lp, dn_col(l, i), cost);
	}
}

void
sdc_lp_caps(sdc_sys *s, size_t var, int up, double level, size_t att,
    const double **dcap, const unsigned char **fixd)
{
	if (att == SDC_ROBUST) {
		caps_robust(s, var, SDC_NONE, up, level);
	} else {
		caps_outsider(s);
		if (att != SDC_OUTSIDER)
			caps_attacker(s, att, 1.0, 0);
	}
	*dcap = s->lp->dcap;
	*fixd = s->lp->fixd;
}

int
sdc_lp_deviate(sdc_sys *s, size_t var, int up, double level, size_t att,
    enum sdc_lpmode mode, int *ok)
{
	struct sdc_lp *l = s->lp;
	double L = level / s->scale;
	const double *dcap;
	const unsigned char *fixd;
	int st = 0, rc;
	sdc_lp_settle(s);

	*ok = 0;
	l->level = L;
	/* what stays put in every LP cannot be moved by this one */
	if (out_of_lp(l, var))
		return SD_OK;
	sdc_lp_caps(s, var, up, level, att, &dcap, &fixd);
	columns(s, var, mode, L);
	bnds(l->lp, up_col(l, var), up ? L : 0.0, up ? L : 0.0);
	bnds(l->lp, dn_col(l, var), up ? 0.0 : L, up ? 0.0 : L);
	glp_set_obj_coef(l->lp, up_col(l, var), 0.0);
	glp_set_obj_coef(l->lp, dn_col(l, var), 0.0);
	glp_set_obj_dir(l->lp, GLP_MIN);
	s->info.lps++;
	if ((rc = solve(l->lp, &st)) != SD_OK)
		return rc;
	if (st == GLP_NOFEAS)
		return SD_OK;
	if (st != GLP_OPT)
		return SD_E_INVAL;
	*ok = 1;
	return SD_OK;
}

int
sdc_lp_moved(const sdc_sys *s, size_t i)
{
	const struct sdc_lp *l = s->lp;
	double mv;

	if (out_of_lp(l, i))
		return 0;
	mv = glp_get_col_prim(l->lp, up_col(l, i)) +
	    glp_get_col_prim(l->lp, dn_col(l, i));

	return mv > 1e-7 * l->level;
}

int
sdc_lp_cert(const sdc_sys *s, struct sdc_cert *c)
{
	const struct sdc_lp *l = s->lp;
	size_t i, n = 0;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < s->nvar; i++)
		n += sdc_lp_moved(s, i);
	c->var = calloc(n + 1, sizeof(*c->var));
	c->d = calloc(n + 1, sizeof(*c->d));
	if (c->var == NULL || c->d == NULL) {
		free(c->var);
		free(c->d);
		memset(c, 0, sizeof(*c));
		return SD_E_NOMEM;
	}
	for (i = 0; i < s->nvar; i++) {
		if (!sdc_lp_moved(s, i))
			continue;
		c->var[c->n] = i;
		c->d[c->n] = glp_get_col_prim(l->lp, up_col(l, i)) -
		    glp_get_col_prim(l->lp, dn_col(l, i));
		c->n++;
	}
	return SD_OK;
}

/* One side of var's outsider interval. */
static int
side(sdc_sys *s, size_t var, int dir, double *out)
{
	struct sdc_lp *l = s->lp;
	int st = 0, rc;

	glp_set_obj_dir(l->lp, dir);
	s->info.lps++;
	if ((rc = solve(l->lp, &st)) != SD_OK)
		return rc;
	if (st == GLP_UNBND) {
		*out = dir == GLP_MAX ? INFINITY : -INFINITY;
		return SD_OK;
	}
	if (st != GLP_OPT)
		return SD_E_INVAL;
	*out = s->v[var].truth + s->scale *
	    (glp_get_col_prim(l->lp, up_col(l, var)) -
	    glp_get_col_prim(l->lp, dn_col(l, var)));
	return SD_OK;
}

int
sdc_lp_reach(sdc_sys *s, size_t var, int up, size_t att, enum sdc_lpmode mode,
    double *reach)
{
	struct sdc_lp *l = s->lp;
	const double *dcap;
	const unsigned char *fixd;
	size_t i;
	int st = 0, rc;
	sdc_lp_settle(s);

	if (out_of_lp(l, var)) {
		*reach = 0.0;
		return SD_OK;
	}
	sdc_lp_caps(s, var, up, 1.0, att, &dcap, &fixd);
	columns(s, var, mode, 1.0);
	for (i = 0; i < s->nvar; i++) {
		if (out_of_lp(l, i))
			continue;
		glp_set_obj_coef(l->lp, up_col(l, i), 0.0);
		glp_set_obj_coef(l->lp, dn_col(l, i), 0.0);
	}
	bnds(l->lp, up_col(l, var), 0.0, up ? (double)INFINITY : 0.0);
	bnds(l->lp, dn_col(l, var), 0.0, up ? 0.0 : l->dcap[var]);
	glp_set_obj_coef(l->lp, up ? up_col(l, var) : dn_col(l, var), 1.0);
	glp_set_obj_dir(l->lp, GLP_MAX);
	s->info.lps++;
	if ((rc = solve(l->lp, &st)) != SD_OK)
		return rc;
	if (st == GLP_UNBND) {
		*reach = INFINITY;
		return SD_OK;
	}
	if (st != GLP_OPT)
		return SD_E_INVAL;
	*reach = s->scale * glp_get_col_prim(l->lp, up ? up_col(l, var) :
	    dn_col(l, var));
	return SD_OK;
}

int
sdc_lp_interval(sdc_sys *s, size_t var, double *lo, double *hi)
{
	struct sdc_lp *l = s->lp;
	size_t i;
	int rc;
	sdc_lp_settle(s);

	if (out_of_lp(l, var)) {
		*lo = *hi = s->v[var].truth;
		return SD_OK;
	}
	caps_outsider(s);
	columns(s, var, SDC_LP_FROZEN, 1.0);
	for (i = 0; i < s->nvar; i++) {
		if (out_of_lp(l, i))
			continue;
		glp_set_obj_coef(l->lp, up_col(l, i), 0.0);
		glp_set_obj_coef(l->lp, dn_col(l, i), 0.0);
	}
	bnds(l->lp, up_col(l, var), 0.0, INFINITY);
	bnds(l->lp, dn_col(l, var), 0.0, l->dcap[var]);
	glp_set_obj_coef(l->lp, up_col(l, var), 1.0);
	glp_set_obj_coef(l->lp, dn_col(l, var), -1.0);
	if ((rc = side(s, var, GLP_MIN, lo)) != SD_OK)
		return rc;
	return side(s, var, GLP_MAX, hi);
}

/* The sum of union u's cells must move by L: one more row, taken out again
 * after the solve. */
static int
union_row(sdc_sys *s, size_t u, double L, int *row)
{
	struct sdc_lp *l = s->lp;
	const struct sdc_union *x = &s->uni[u];
	int *ind = NULL, n = 0;
	double *val = NULL;
	size_t k;

	ind = calloc(2 * x->n + 1, sizeof(*ind));
	val = calloc(2 * x->n + 1, sizeof(*val));
	if (ind == NULL || val == NULL) {
		free(ind);
		free(val);
		return SD_E_NOMEM;
	}
	for (k = 0; k < x->n; k++) {
		if (out_of_lp(l, x->var[k]))
			continue;
		ind[++n] = up_col(l, x->var[k]);
		val[n] = 1.0;
		ind[++n] = dn_col(l, x->var[k]);
		val[n] = -1.0;
	}
	*row = glp_add_rows(l->lp, 1);
	glp_set_mat_row(l->lp, *row, n, ind, val);
	if (isinf(L))
		glp_set_row_bnds(l->lp, *row, GLP_FR, 0.0, 0.0);
	else
		glp_set_row_bnds(l->lp, *row, GLP_FX, L, L);
	free(ind);
	free(val);
	return SD_OK;
}

static void
union_row_drop(sdc_sys *s, int row)
{
	int num[2] = { 0, row };

	glp_del_rows(s->lp->lp, 1, num);
	/* the basis refers to the row no more */
	glp_std_basis(s->lp->lp);
}

int
sdc_lp_deviate_union(sdc_sys *s, size_t u, int up, double level,
    size_t att, enum sdc_lpmode mode, int *ok)
{
	struct sdc_lp *l = s->lp;
	double L = level / s->scale;
	int st = 0, rc, row = 0;
	sdc_lp_settle(s);

	*ok = 0;
	if (att == SDC_ROBUST) {
		caps_robust(s, s->uni[u].var[0], u, up, level);
	} else {
		caps_outsider(s);
		if (att != SDC_OUTSIDER)
			caps_attacker(s, att, 1.0, 0);
	}
	columns(s, SDC_NONE, mode, L);
	glp_set_obj_dir(l->lp, GLP_MIN);
	l->level = L;
	if ((rc = union_row(s, u, up ? L : -L, &row)) != SD_OK)
		return rc;
	s->info.lps++;
	rc = solve(l->lp, &st);
	if (rc == SD_OK && st == GLP_OPT)
		*ok = 1;
	else if (rc == SD_OK && st != GLP_NOFEAS)
		rc = SD_E_INVAL;
	/* the solution stays readable until the row goes */
	if (rc != SD_OK || !*ok)
		union_row_drop(s, row);
	else
		l->pending_row = row;
	return rc;
}

void
sdc_lp_settle(sdc_sys *s)
{
	if (s->lp != NULL && s->lp->pending_row != 0) {
		union_row_drop(s, s->lp->pending_row);
		s->lp->pending_row = 0;
	}
}

/* One side of the outsider interval of union u's sum. */
int
sdc_lp_interval_union(sdc_sys *s, size_t u, double *lo, double *hi)
{
	struct sdc_lp *l = s->lp;
	const struct sdc_union *x = &s->uni[u];
	size_t i, k;
	int rc, row = 0, st = 0, d;
	sdc_lp_settle(s);

	caps_outsider(s);
	columns(s, SDC_NONE, SDC_LP_FROZEN, 1.0);
	for (i = 0; i < s->nvar; i++) {
		if (out_of_lp(l, i))
			continue;
		glp_set_obj_coef(l->lp, up_col(l, i), 0.0);
		glp_set_obj_coef(l->lp, dn_col(l, i), 0.0);
	}
	for (k = 0; k < x->n; k++) {
		if (out_of_lp(l, x->var[k]))
			continue;
		glp_set_obj_coef(l->lp, up_col(l, x->var[k]), 1.0);
		glp_set_obj_coef(l->lp, dn_col(l, x->var[k]), -1.0);
	}
	for (d = 0; d < 2; d++) {
		double *out = d == 0 ? lo : hi;
		glp_set_obj_dir(l->lp, d == 0 ? GLP_MIN : GLP_MAX);
		s->info.lps++;
		if ((rc = solve(l->lp, &st)) != SD_OK)
			return rc;
		if (st == GLP_UNBND) {
			*out = d == 0 ? -INFINITY : INFINITY;
			continue;
		}
		if (st != GLP_OPT)
			return SD_E_INVAL;
		*out = x->X + s->scale * glp_get_obj_val(l->lp);
	}
	(void)row;
	return SD_OK;
}
