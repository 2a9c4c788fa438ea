/* Secondary suppression for tables too large for the exact model: one LP
 * per protection requirement, in the manner of the LP-based heuristics of
 * Kelly and of Fischetti and Salazar. For a primary cell p that must be
 * able to rise (or fall) by L, find the cheapest deviation of the table
 * that moves p by L, keeps every additive relation, moves each cell by at
 * most L, and lowers no cell below what an attacker knows it holds.
 * Already suppressed cells move for free, published cells at their
 * suppression cost per unit. Every cell the deviation touches is then
 * suppressed, so that very deviation stays consistent with the release and
 * p is protected in that direction; later suppressions only widen the
 * intervals. A second pass then takes back, largest first, each secondary
 * cell that no requirement needs: a requirement whose deviation used the
 * cell must find another one among the cells still suppressed. The audit
 * checks the result independently. */
#include <glpk.h>
#include <stdlib.h>
#include <string.h>

#include "sd_err.h"
#include "sdc.h"
#include "sdc_impl.h"

struct heur {
	sdc_table *t;
	glp_prob *lp;
	size_t *map;          /* cell -> candidate index */
	size_t *cells;        /* candidate index -> cell */
	size_t ncand;
	unsigned char *used;  /* per requirement, the candidates it moves */
	unsigned char *trial; /* the same for the one under test */
};

/* Bound on the bookkeeping of the second pass; beyond it it is skipped. */
#define HEUR_USED_MAX ((size_t)32 << 20)

static int
cmp_need(const void *a, const void *b)
{
	const struct sdc_need *x = a, *y = b;

	if (x->level != y->level)
		return (x->level < y->level) - (x->level > y->level);
	return (x->cell > y->cell) - (x->cell < y->cell);
}

/* Columns 2j+1 and 2j+2 are the rise and the fall of candidate j. */
static int
heur_build(struct heur *h, int *ind, double *val)
{
	const sdc_table *t = h->t;
	size_t r = 0, e = 0;

	glp_set_obj_dir(h->lp, GLP_MIN);
	glp_add_cols(h->lp, (int)(2 * h->ncand));
	for (r = 0; r < t->nrel; r++) {
		int n = 0, row = 0;
		for (e = t->rel_start[r]; e < t->rel_start[r + 1]; e++) {
			size_t j = h->map[t->rel_cell[e]];
			if (j == SIZE_MAX)
				continue;
			ind[++n] = (int)(2 * j + 1);
			val[n] = t->rel_coef[e];
			ind[++n] = (int)(2 * j + 2);
			val[n] = -t->rel_coef[e];
		}
		if (n == 0)
			continue;
		row = glp_add_rows(h->lp, 1);
		glp_set_row_bnds(h->lp, row, GLP_FX, 0.0, 0.0);
		glp_set_mat_row(h->lp, row, n, ind, val);
	}
	return glp_get_num_rows(h->lp);
}

static void
col_range(glp_prob *lp, int j, double lo, double hi)
{
	if (hi > lo)
		glp_set_col_bnds(lp, j, GLP_DB, lo, hi);
	else
		glp_set_col_bnds(lp, j, GLP_FX, lo, lo);
}

/* frozen: published cells may not move (second pass); otherwise they
 * move at their cost and suppressed cells for free. */
static void
heur_set_need(struct heur *h, const struct sdc_need *nd, int frozen)
{
	const sdc_table *t = h->t;
	double L = nd->level;
	size_t j = 0;

	for (j = 0; j < h->ncand; j++) {
		size_t i = h->cells[j];
		int sup = sdc_is_suppressed(t->cell[i].st);
		double down = sdc_down_capacity(t, i), cap = L;
		double cost = sdc_weight(t, i) / L;
		int up = (int)(2 * j + 1), dn = (int)(2 * j + 2);
		if (!frozen && sup)
			cost = 0.0;
		if (frozen && !sup)
			cap = 0.0;
		if (i == nd->cell) {
			col_range(h->lp, up, nd->up ? L : 0.0, nd->up ? L : 0.0);
			col_range(h->lp, dn, nd->up ? 0.0 : L, nd->up ? 0.0 : L);
		} else {
			col_range(h->lp, up, 0.0, cap);
			col_range(h->lp, dn, 0.0, down < cap ? down : cap);
		}
		glp_set_obj_coef(h->lp, up, cost);
		glp_set_obj_coef(h->lp, dn, cost);
	}
}

/* SD_OK with *ok = 1 (optimal) or 0 (infeasible), or SD_E_INVAL. */
static int
heur_solve(glp_prob *lp, int *ok)
{
	glp_smcp parm;
	int ret = 0, st = 0;

	*ok = 0;
	glp_init_smcp(&parm);
	parm.msg_lev = GLP_MSG_OFF;
	parm.meth = GLP_DUALP;
	ret = glp_simplex(lp, &parm);
	if (ret != 0) {
		glp_std_basis(lp);
		parm.meth = GLP_PRIMAL;
		ret = glp_simplex(lp, &parm);
	}
	if (ret != 0)
		return SD_E_INVAL;
	st = glp_get_status(lp);
	if (st == GLP_NOFEAS)
		return SD_OK;
	if (st != GLP_OPT)
		return SD_E_INVAL;
	*ok = 1;
	return SD_OK;
}

/* The candidates the current solution moves, into row (may be NULL). */
static void
heur_moved(struct heur *h, double level, unsigned char *row, int mark)
{
	size_t j = 0;

	for (j = 0; j < h->ncand; j++) {
		struct sdc_cell *c = &h->t->cell[h->cells[j]];
		double mv = glp_get_col_prim(h->lp, (int)(2 * j + 1)) +
		    glp_get_col_prim(h->lp, (int)(2 * j + 2));
		int moved = mv > 1e-9 * level;
		if (row != NULL)
			row[j] = (unsigned char)moved;
		if (mark && moved && c->st == SDC_FREE)
			c->st = SDC_SECONDARY;
	}
}

static int
heur_index(struct heur *h, size_t nneed)
{
	size_t i = 0;
	int rc = sdc_candidate_index(h->t, &h->map, &h->ncand);

	if (rc != SD_OK)
		return rc;
	h->cells = calloc(h->ncand + 1, sizeof(*h->cells));
	if (h->cells == NULL)
		return SD_E_NOMEM;
	for (i = 0; i < h->t->ncells; i++)
		if (h->map[i] != SIZE_MAX)
			h->cells[h->map[i]] = i;
	if (nneed > 0 && h->ncand <= HEUR_USED_MAX / nneed) {
		h->used = calloc(nneed * h->ncand, 1);
		h->trial = calloc(nneed * h->ncand, 1);
		if (h->used == NULL || h->trial == NULL) {
			free(h->used);
			free(h->trial);
			h->used = NULL;
			h->trial = NULL;
		}
	}
	return SD_OK;
}

static int
heur_first_pass(struct heur *h, const struct sdc_need *needs, size_t nneed)
{
	size_t k = 0;
	int rc = SD_OK, ok = 0;

	for (k = 0; k < nneed; k++) {
		heur_set_need(h, &needs[k], 0);
		if ((rc = heur_solve(h->lp, &ok)) != SD_OK)
			return rc;
		/* every cell may move here: infeasible means broken input */
		if (!ok)
			return SD_E_INVAL;
		heur_moved(h, needs[k].level,
		    h->used != NULL ? h->used + k * h->ncand : NULL, 1);
	}
	return SD_OK;
}

/* Can secondary candidate j be published? Every requirement that moved it
 * must find a deviation among the other suppressed cells. */
static int
heur_try_release(struct heur *h, const struct sdc_need *needs, size_t nneed,
    size_t j, int *released)
{
	struct sdc_cell *c = &h->t->cell[h->cells[j]];
	size_t k = 0, n = h->ncand;
	int rc = SD_OK, ok = 1;

	*released = 0;
	c->st = SDC_FREE;
	for (k = 0; k < nneed && ok; k++) {
		memcpy(h->trial + k * n, h->used + k * n, n);
		if (!h->used[k * n + j])
			continue;
		heur_set_need(h, &needs[k], 1);
		if ((rc = heur_solve(h->lp, &ok)) != SD_OK)
			break;
		if (ok)
			heur_moved(h, needs[k].level, h->trial + k * n, 0);
	}
	if (rc != SD_OK || !ok) {
		c->st = SDC_SECONDARY;
		return rc;
	}
	memcpy(h->used, h->trial, nneed * n);
	*released = 1;
	return SD_OK;
}

static void
heur_order(const struct heur *h, size_t *order, size_t *n)
{
	size_t j = 0, k = 0, a = 0, b = 0;

	for (j = 0; j < h->ncand; j++)
		if (h->t->cell[h->cells[j]].st == SDC_SECONDARY)
			order[k++] = j;
	/* insertion sort, largest value first: few secondaries */
	for (a = 1; a < k; a++) {
		size_t x = order[a];
		double vx = h->t->cell[h->cells[x]].value;
		for (b = a; b > 0 && h->t->cell[h->cells[order[b - 1]]].value <
		    vx; b--)
			order[b] = order[b - 1];
		order[b] = x;
	}
	*n = k;
}

static int
heur_second_pass(struct heur *h, const struct sdc_need *needs, size_t nneed)
{
	size_t *order = NULL, n = 0, i = 0;
	int rc = SD_OK, released = 0;

	if (h->used == NULL)
		return SD_OK;
	order = calloc(h->ncand + 1, sizeof(*order));
	if (order == NULL)
		return SD_E_NOMEM;
	heur_order(h, order, &n);
	for (i = 0; i < n && rc == SD_OK; i++)
		rc = heur_try_release(h, needs, nneed, order[i], &released);
	free(order);
	return rc;
}

int
sdc_heuristic_run(sdc_table *t)
{
	struct heur h = { t, NULL, NULL, NULL, 0, NULL, NULL };
	struct sdc_need *needs = NULL;
	size_t nneed = 0;
	int *ind = NULL;
	double *val = NULL;
	int rc = SD_OK;

	if ((rc = sdc_collect_needs(t, &needs, &nneed)) != SD_OK ||
	    (rc = heur_index(&h, nneed)) != SD_OK)
		goto done;
	rc = SD_E_NOMEM;
	ind = calloc(2 * (t->nrows + t->ncols) + 5, sizeof(*ind));
	val = calloc(2 * (t->nrows + t->ncols) + 5, sizeof(*val));
	if (ind == NULL || val == NULL)
		goto done;
	rc = SD_OK;
	h.lp = glp_create_prob();
	/* no relation at all: nothing can be derived, nothing to add */
	if (nneed == 0 || heur_build(&h, ind, val) == 0)
		goto done;
	qsort(needs, nneed, sizeof(*needs), cmp_need);
	if ((rc = heur_first_pass(&h, needs, nneed)) == SD_OK)
		rc = heur_second_pass(&h, needs, nneed);
done:
	if (h.lp != NULL)
		glp_delete_prob(h.lp);
	free(h.map);
	free(h.cells);
	free(h.used);
	free(h.trial);
	free(needs);
	free(ind);
	free(val);
	return rc;
}
