/* The exact pattern for a small table on its own, after the model of
 * Fischetti and Salazar: a binary z per candidate cell (1 = suppress) and,
 * for every protection requirement k (primary cell p, direction, level L,
 * attacker), its own copy of the table's deviations y+ and y-. Copy k must
 * move p by L, respect every relation, and may move a cell only if that
 * cell is suppressed (y <= L z), never below what that attacker knows the
 * cell holds, and not at all where the attacker is alone. A pattern is
 * feasible exactly when each requirement has such a deviation, i.e. when
 * the audit would pass for the requirements in the model. Bounding the
 * deviations by L loses nothing: the relations of a two-dimensional table
 * with margins form a network, so a deviation decomposes into cycles, and
 * the ones through p carry L at most on every cell.
 * The model holds the requirements known when it is built; the audit adds
 * the attackers it leaves exposed and the model is solved again with them.
 * Objective: the fewest suppressed cells, ties broken by the least
 * suppressed value (the variables' weights). */
#include <glpk.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sd_err.h"
#include "sdc_impl.h"

/* GLPK time limit for the exact model; beyond it the heuristic decides. */
#define SDC_MIP_TIME_MS 1000

struct exact {
	sdc_sys *s;
	glp_prob *mip;
	int *zcol;            /* var -> z column, 0 when not a candidate */
	int nz;
	int *ind;
	double *val;
};

static int
ycol(const struct exact *x, size_t k, size_t i, int down)
{
	return x->nz + (int)(k * 2 * x->s->nvar + 2 * i) + 1 + (down ? 1 : 0);
}

static void
exact_z(struct exact *x)
{
	sdc_sys *s = x->s;
	size_t i;

	for (i = 0; i < s->nvar; i++)
		if (sdc_var_candidate(s, i) &&
		    !sdc_is_primary(sdc_var_status(s, i)))
			x->zcol[i] = ++x->nz;
	if (x->nz == 0)
		return;
	glp_add_cols(x->mip, x->nz);
	for (i = 0; i < s->nvar; i++) {
		if (x->zcol[i] == 0)
			continue;
		glp_set_col_kind(x->mip, x->zcol[i], GLP_BV);
		glp_set_obj_coef(x->mip, x->zcol[i], s->v[i].weight);
	}
}

static void
set_cap(glp_prob *mip, int j, double cap)
{
	if (cap > 0.0)
		glp_set_col_bnds(mip, j, GLP_DB, 0.0, cap);
	else
		glp_set_col_bnds(mip, j, GLP_FX, 0.0, 0.0);
}

static double
target(sdc_sys *s, const struct sdc_req *r)
{
	size_t a = r->att == SDC_ROBUST ? SDC_OUTSIDER : r->att;
	double room = 1e300;

	if (!r->up)
		room = r->uni == SDC_NONE ? sdc_room_down(s, r->var, a) :
		    sdc_union_room(s, r->uni, a);
	return sdc_target(s, r->level, room) / s->scale;
}

/* Copy k: what may move and how far, then y <= cap z for candidates. */
static void
exact_copy(struct exact *x, size_t k)
{
	sdc_sys *s = x->s;
	const struct sdc_req *r = &s->req[k];
	double L = target(s, r);
	const double *dcap;
	const unsigned char *fixd;
	size_t i;

	sdc_lp_caps(s, r->var, r->up, L * s->scale, r->att, &dcap, &fixd);
	for (i = 0; i < s->nvar; i++) {
		int up = ycol(x, k, i, 0), dn = ycol(x, k, i, 1), d;
		double cap[2];
		if (i == r->var && r->uni == SDC_NONE) {
			double u = r->up ? L : 0.0, w = r->up ? 0.0 : L;
			glp_set_col_bnds(x->mip, up, GLP_FX, u, u);
			glp_set_col_bnds(x->mip, dn, GLP_FX, w, w);
			continue;
		}
		cap[0] = L;
		cap[1] = dcap[i] < L ? dcap[i] : L;
		if (fixd[i] || (sdc_var_published(s, i) && x->zcol[i] == 0))
			cap[0] = cap[1] = 0.0;
		set_cap(x->mip, up, cap[0]);
		set_cap(x->mip, dn, cap[1]);
		for (d = 0; d < 2 && x->zcol[i] != 0; d++) {
			int row;
			if (cap[d] <= 0.0)
				continue;
			row = glp_add_rows(x->mip, 1);
			x->ind[1] = d == 0 ? up : dn;
			x->val[1] = 1.0;
			x->ind[2] = x->zcol[i];
			x->val[2] = -cap[d];
			glp_set_row_bnds(x->mip, row, GLP_UP, 0.0, 0.0);
			glp_set_mat_row(x->mip, row, 2, x->ind, x->val);
		}
	}
}

static void
exact_relations(struct exact *x, size_t k)
{
	sdc_sys *s = x->s;
	size_t r, e;

	for (r = 0; r < s->nrow; r++) {
		int n = 0, row;
		for (e = s->rstart[r]; e < s->rstart[r + 1]; e++) {
			x->ind[++n] = ycol(x, k, s->rvar[e], 0);
			x->val[n] = s->rcoef[e];
			x->ind[++n] = ycol(x, k, s->rvar[e], 1);
			x->val[n] = -s->rcoef[e];
		}
		row = glp_add_rows(x->mip, 1);
		if (s->rge[r])
			glp_set_row_bnds(x->mip, row, GLP_LO,
			    -s->rslack[r] / s->scale, 0.0);
		else
			glp_set_row_bnds(x->mip, row, GLP_FX, 0.0, 0.0);
		glp_set_mat_row(x->mip, row, n, x->ind, x->val);
	}
}

/* A union's copy moves the sum of its cells by L. */
static void
exact_union(struct exact *x, size_t k)
{
	sdc_sys *s = x->s;
	const struct sdc_req *r = &s->req[k];
	const struct sdc_union *u;
	double L;
	size_t i;
	int n = 0, row;

	if (r->uni == SDC_NONE)
		return;
	u = &s->uni[r->uni];
	L = target(s, r);
	for (i = 0; i < u->n; i++) {
		x->ind[++n] = ycol(x, k, u->var[i], 0);
		x->val[n] = 1.0;
		x->ind[++n] = ycol(x, k, u->var[i], 1);
		x->val[n] = -1.0;
	}
	row = glp_add_rows(x->mip, 1);
	glp_set_row_bnds(x->mip, row, GLP_FX, r->up ? L : -L, r->up ? L : -L);
	glp_set_mat_row(x->mip, row, n, x->ind, x->val);
}

static void
exact_build(struct exact *x)
{
	size_t k;

	glp_set_obj_dir(x->mip, GLP_MIN);
	exact_z(x);
	glp_add_cols(x->mip, (int)(x->s->nreq * 2 * x->s->nvar));
	for (k = 0; k < x->s->nreq; k++) {
		exact_copy(x, k);
		exact_relations(x, k);
		exact_union(x, k);
	}
}

/* SD_OK; *solved = 1 with the pattern set, 0 without a proven optimum in
 * time; *infeasible when no pattern meets the requirements. */
static int
exact_solve(struct exact *x, int *solved, int *infeasible)
{
	sdc_sys *s = x->s;
	glp_iocp parm;
	int ret, st;
	size_t i;

	*infeasible = 0;
	glp_init_iocp(&parm);
	parm.msg_lev = GLP_MSG_OFF;
	parm.presolve = GLP_ON;
	parm.tm_lim = SDC_MIP_TIME_MS;
	ret = glp_intopt(x->mip, &parm);
	st = glp_mip_status(x->mip);
	if (ret == GLP_ENOPFS || st == GLP_NOFEAS) {
		*infeasible = 1;
		return SD_OK;
	}
	/* time limit, numerical trouble: the heuristic takes over */
	if (ret != 0 || st != GLP_OPT)
		return SD_OK;
	for (i = 0; i < s->nvar; i++)
		if (x->zcol[i] > 0 && glp_mip_col_val(x->mip, x->zcol[i]) > 0.5)
			sdc_var_set_status(s, i, SDC_SECONDARY);
	*solved = 1;
	return SD_OK;
}

static int
exact_once(sdc_sys *s, int *solved, int *infeasible)
{
	struct exact x;
	size_t m = 2 * s->nvar + 8;
	int rc = SD_E_NOMEM;

	memset(&x, 0, sizeof(x));
	x.s = s;
	x.zcol = calloc(s->nvar + 1, sizeof(*x.zcol));
	x.ind = calloc(m, sizeof(*x.ind));
	x.val = calloc(m, sizeof(*x.val));
	if (x.zcol == NULL || x.ind == NULL || x.val == NULL)
		goto done;
	x.mip = glp_create_prob();
	exact_build(&x);
	rc = exact_solve(&x, solved, infeasible);
done:
	if (x.mip != NULL)
		glp_delete_prob(x.mip);
	free(x.zcol);
	free(x.ind);
	free(x.val);
	return rc;
}

int
sdc_exact_run(sdc_sys *s, int *solved)
{
	size_t k;
	int infeasible = 0;

	*solved = 0;
	if (s->nreq == 0 || s->nrow == 0) {
		*solved = 1;
		return SD_OK;
	}
	for (k = 0; k < s->nvar; k++)
		if (sdc_var_candidate(s, k) &&
		    sdc_var_status(s, k) == SDC_SECONDARY)
			sdc_var_set_status(s, k, SDC_FREE);
	return exact_once(s, solved, &infeasible);
}
