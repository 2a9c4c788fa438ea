/* The exact pattern for small tables, after the model of Fischetti and
 * Salazar: a binary z per publishable cell (1 = suppress) and, for every
 * protection requirement k (primary cell p, direction, level L), its own
 * copy of the table's deviations y+ and y-. Copy k must move p by L,
 * respect every additive relation, and may move a cell only if that cell
 * is suppressed (y <= L z, and a fall never below the attacker's known
 * minimum). A pattern is feasible exactly when each requirement has such a
 * deviation, i.e. when the audit would pass. Bounding the deviations by L
 * loses nothing: on these tables a deviation decomposes into cycles and
 * the ones through p can be scaled down to carry exactly L.
 * Objective: the fewest suppressed cells, ties broken by the least
 * suppressed value (sdc_weight). */
#include <glpk.h>
#include <stdlib.h>

#include "sd_err.h"
#include "sdc.h"
#include "sdc_impl.h"

struct exact {
	sdc_table *t;
	glp_prob *mip;
	size_t *map;          /* cell -> candidate index */
	size_t *cells;        /* candidate index -> cell */
	int *zcol;            /* candidate index -> z column, 0 for primary */
	size_t ncand;
	int nz;
	int *ind;
	double *val;
};

static int
ycol(const struct exact *x, size_t k, size_t j, int down)
{
	return x->nz + (int)(k * 2 * x->ncand + 2 * j) + 1 + (down ? 1 : 0);
}

static void
exact_z(struct exact *x)
{
	size_t j = 0;

	for (j = 0; j < x->ncand; j++) {
		size_t i = x->cells[j];
		if (sdc_is_primary(x->t->cell[i].st))
			continue;
		x->zcol[j] = ++x->nz;
	}
	if (x->nz == 0)
		return;
	glp_add_cols(x->mip, x->nz);
	for (j = 0; j < x->ncand; j++) {
		if (x->zcol[j] == 0)
			continue;
		glp_set_col_kind(x->mip, x->zcol[j], GLP_BV);
		glp_set_obj_coef(x->mip, x->zcol[j],
		    sdc_weight(x->t, x->cells[j]));
	}
}

static void
exact_bounds(struct exact *x, size_t k, const struct sdc_need *nd)
{
	double L = nd->level;
	size_t j = 0;

	for (j = 0; j < x->ncand; j++) {
		size_t i = x->cells[j];
		double down = sdc_down_capacity(x->t, i);
		int up = ycol(x, k, j, 0), dn = ycol(x, k, j, 1);
		if (i == nd->cell) {
			double u = nd->up ? L : 0.0, d = nd->up ? 0.0 : L;
			glp_set_col_bnds(x->mip, up, GLP_FX, u, u);
			glp_set_col_bnds(x->mip, dn, GLP_FX, d, d);
			continue;
		}
		glp_set_col_bnds(x->mip, up, GLP_DB, 0.0, L);
		if (down > 0.0)
			glp_set_col_bnds(x->mip, dn, GLP_DB, 0.0,
			    down < L ? down : L);
		else
			glp_set_col_bnds(x->mip, dn, GLP_FX, 0.0, 0.0);
	}
}

static void
exact_relations(struct exact *x, size_t k)
{
	const sdc_table *t = x->t;
	size_t r = 0, e = 0;

	for (r = 0; r < t->nrel; r++) {
		int n = 0, row = 0;
		for (e = t->rel_start[r]; e < t->rel_start[r + 1]; e++) {
			size_t j = x->map[t->rel_cell[e]];
			if (j == SIZE_MAX)
				continue;
			x->ind[++n] = ycol(x, k, j, 0);
			x->val[n] = t->rel_coef[e];
			x->ind[++n] = ycol(x, k, j, 1);
			x->val[n] = -t->rel_coef[e];
		}
		if (n == 0)
			continue;
		row = glp_add_rows(x->mip, 1);
		glp_set_row_bnds(x->mip, row, GLP_FX, 0.0, 0.0);
		glp_set_mat_row(x->mip, row, n, x->ind, x->val);
	}
}

/* y - cap z <= 0: a published cell cannot move. */
static void
exact_link(struct exact *x, size_t k)
{
	size_t j = 0;
	int d = 0;

	for (j = 0; j < x->ncand; j++) {
		if (x->zcol[j] == 0)
			continue;
		for (d = 0; d < 2; d++) {
			double cap = glp_get_col_ub(x->mip, ycol(x, k, j, d));
			int row = 0;
			if (cap <= 0.0)
				continue;
			row = glp_add_rows(x->mip, 1);
			x->ind[1] = ycol(x, k, j, d);
			x->val[1] = 1.0;
			x->ind[2] = x->zcol[j];
			x->val[2] = -cap;
			glp_set_row_bnds(x->mip, row, GLP_UP, 0.0, 0.0);
			glp_set_mat_row(x->mip, row, 2, x->ind, x->val);
		}
	}
}

static void
exact_build(struct exact *x, const struct sdc_need *needs, size_t nneed)
{
	size_t k = 0;

	glp_set_obj_dir(x->mip, GLP_MIN);
	exact_z(x);
	glp_add_cols(x->mip, (int)(nneed * 2 * x->ncand));
	for (k = 0; k < nneed; k++) {
		exact_bounds(x, k, &needs[k]);
		exact_relations(x, k);
		exact_link(x, k);
	}
}

static int
exact_solve(struct exact *x, int *solved)
{
	glp_iocp parm;
	int ret = 0;
	size_t j = 0;

	glp_init_iocp(&parm);
	parm.msg_lev = GLP_MSG_OFF;
	parm.presolve = GLP_ON;
	parm.tm_lim = SDC_MIP_TIME_MS;
	ret = glp_intopt(x->mip, &parm);
	/* time limit, numerical trouble: the heuristic takes over */
	if (ret != 0 || glp_mip_status(x->mip) != GLP_OPT)
		return SD_OK;
	for (j = 0; j < x->ncand; j++) {
		struct sdc_cell *c = &x->t->cell[x->cells[j]];
		if (x->zcol[j] > 0 && glp_mip_col_val(x->mip, x->zcol[j]) > 0.5)
			c->st = SDC_SECONDARY;
	}
	*solved = 1;
	return SD_OK;
}

static int
exact_alloc(struct exact *x)
{
	size_t i = 0, m = 2 * (x->t->nrows + x->t->ncols) + 5;
	int rc = sdc_candidate_index(x->t, &x->map, &x->ncand);

	if (rc != SD_OK)
		return rc;
	x->cells = calloc(x->ncand + 1, sizeof(*x->cells));
	x->zcol = calloc(x->ncand + 1, sizeof(*x->zcol));
	x->ind = calloc(m, sizeof(*x->ind));
	x->val = calloc(m, sizeof(*x->val));
	if (x->cells == NULL || x->zcol == NULL || x->ind == NULL ||
	    x->val == NULL)
		return SD_E_NOMEM;
	for (i = 0; i < x->t->ncells; i++)
		if (x->map[i] != SIZE_MAX)
			x->cells[x->map[i]] = i;
	return SD_OK;
}

int
sdc_exact_run(sdc_table *t, int *solved)
{
	struct exact x = { t, NULL, NULL, NULL, NULL, 0, 0, NULL, NULL };
	struct sdc_need *needs = NULL;
	size_t nneed = 0;
	int rc = SD_OK;

	*solved = 0;
	if ((rc = sdc_collect_needs(t, &needs, &nneed)) != SD_OK ||
	    (rc = exact_alloc(&x)) != SD_OK)
		goto done;
	/* nothing to protect, or no relation that could reveal anything */
	if (nneed == 0 || t->nrel == 0) {
		*solved = 1;
		goto done;
	}
	x.mip = glp_create_prob();
	exact_build(&x, needs, nneed);
	if (glp_get_num_rows(x.mip) == 0) {
		*solved = 1;
		goto done;
	}
	rc = exact_solve(&x, solved);
done:
	if (x.mip != NULL)
		glp_delete_prob(x.mip);
	free(x.map);
	free(x.cells);
	free(x.zcol);
	free(x.ind);
	free(x.val);
	free(needs);
	return rc;
}
