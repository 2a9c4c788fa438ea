/* The audit: what an attacker can derive about each suppressed cell from
 * the published cells, the additive relations and the knowledge that every
 * suppressed cell is non-empty. Two LPs per suppressed cell (minimise and
 * maximise it) give its feasibility interval; the pattern is released only
 * if every primary cell's interval reaches its protection levels. This
 * runs on every release, whatever chose the pattern. */
#include <glpk.h>
#include <math.h>
#include <stdlib.h>

#include "sd_err.h"
#include "sdc.h"
#include "sdc_impl.h"

/* Relations that still say something: those with a suppressed cell. The
 * right-hand side moves the published cells (empty ones are 0) across. */
static int
audit_rows(glp_prob *lp, const sdc_table *t, const int *col, int *ind,
    double *val)
{
	size_t r = 0, e = 0;

	for (r = 0; r < t->nrel; r++) {
		double rhs = 0.0;
		int n = 0, row = 0;
		for (e = t->rel_start[r]; e < t->rel_start[r + 1]; e++) {
			size_t i = t->rel_cell[e];
			if (col[i] > 0) {
				n++;
				ind[n] = col[i];
				val[n] = t->rel_coef[e];
			} else {
				rhs -= t->rel_coef[e] * t->cell[i].value;
			}
		}
		if (n == 0)
			continue;
		row = glp_add_rows(lp, 1);
		glp_set_row_bnds(lp, row, GLP_FX, rhs, rhs);
		glp_set_mat_row(lp, row, n, ind, val);
	}
	return glp_get_num_rows(lp);
}

/* One LP solve; *bound is the optimum, or +/-INFINITY when unbounded. */
static int
audit_solve(glp_prob *lp, int j, int dir, double *bound)
{
	glp_smcp parm;
	int ret = 0, st = 0;

	glp_init_smcp(&parm);
	parm.msg_lev = GLP_MSG_OFF;
	parm.meth = GLP_PRIMAL;
	glp_set_obj_dir(lp, dir);
	ret = glp_simplex(lp, &parm);
	if (ret == GLP_EBADB || ret == GLP_ESING || ret == GLP_ECOND) {
		glp_std_basis(lp);
		ret = glp_simplex(lp, &parm);
	}
	if (ret != 0)
		return SD_E_INVAL;
	st = glp_get_status(lp);
	if (st == GLP_OPT) {
		*bound = glp_get_col_prim(lp, j);
		return SD_OK;
	}
	if (st == GLP_UNBND) {
		*bound = dir == GLP_MAX ? INFINITY : -INFINITY;
		return SD_OK;
	}
	return SD_E_INVAL;
}

static int
audit_intervals(glp_prob *lp, sdc_table *t, const int *col)
{
	size_t i = 0;
	int rc = SD_OK;

	for (i = 0; i < t->ncells && rc == SD_OK; i++) {
		struct sdc_cell *c = &t->cell[i];
		if (col[i] == 0)
			continue;
		glp_set_obj_coef(lp, col[i], 1.0);
		rc = audit_solve(lp, col[i], GLP_MIN, &c->lo);
		if (rc == SD_OK)
			rc = audit_solve(lp, col[i], GLP_MAX, &c->hi);
		glp_set_obj_coef(lp, col[i], 0.0);
	}
	return rc;
}

static size_t
max_relation(const sdc_table *t)
{
	size_t r = 0, m = 0;

	for (r = 0; r < t->nrel; r++)
		if (t->rel_start[r + 1] - t->rel_start[r] > m)
			m = t->rel_start[r + 1] - t->rel_start[r];
	return m;
}

int
sdc_audit_run(sdc_table *t)
{
	glp_prob *lp = NULL;
	int *col = NULL, *ind = NULL, ns = 0;
	double *val = NULL;
	size_t i = 0, m = max_relation(t);
	int rc = SD_E_NOMEM;

	col = calloc(t->ncells, sizeof(*col));
	ind = calloc(m + 1, sizeof(*ind));
	val = calloc(m + 1, sizeof(*val));
	if (col == NULL || ind == NULL || val == NULL)
		goto done;
	lp = glp_create_prob();
	for (i = 0; i < t->ncells; i++) {
		struct sdc_cell *c = &t->cell[i];
		c->lo = c->value;
		c->hi = c->value;
		if (!c->exists || !sdc_is_suppressed(c->st))
			continue;
		col[i] = ++ns;
		/* without any relation a suppressed cell is only known to be
		 * non-empty */
		c->lo = sdc_known_min(t);
		c->hi = INFINITY;
	}
	rc = SD_OK;
	if (ns == 0)
		goto done;
	glp_add_cols(lp, ns);
	for (i = 0; i < t->ncells; i++)
		if (col[i] > 0)
			glp_set_col_bnds(lp, col[i], GLP_LO, sdc_known_min(t), 0.0);
	if (audit_rows(lp, t, col, ind, val) == 0)
		goto done;
	rc = audit_intervals(lp, t, col);
done:
	if (lp != NULL)
		glp_delete_prob(lp);
	free(col);
	free(ind);
	free(val);
	return rc;
}

int
sdc_audit_check(const sdc_table *t)
{
	double tol = sdc_tolerance(t);
	size_t i = 0;

	for (i = 0; i < t->ncells; i++) {
		const struct sdc_cell *c = &t->cell[i];
		if (!c->exists || !sdc_is_suppressed(c->st))
			continue;
		if (!(c->hi - c->lo > tol))
			return SD_E_INVAL;
		if (!sdc_is_primary(c->st))
			continue;
		if (c->hi - c->value < c->upl - tol)
			return SD_E_INVAL;
		if (c->value - c->lo < c->lpl - tol)
			return SD_E_INVAL;
	}
	return SD_OK;
}
