/* Disclosure control on many random sparse tables. For each table this test
 * works out on its own what the release must satisfy: the margins, which
 * cells the primary rules flag and how much protection they need, and,
 * with a linear program of its own, the interval an attacker can derive
 * for every suppressed cell from what is published. It then holds the
 * engine's release to that: published values true, every primary cell
 * protected, no suppressed cell exact, the engine's own audit agreeing. */
#include <glpk.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "sd_err.h"
#include "sdc.h"

#define RT_MAX 30                /* side of the largest table here */
#define RT_MAXCON 64             /* contributor pool */
#define RT_TABLES 200

struct rt {
	size_t nr, nc;
	int radd, cadd, mag;
	struct sdc_params par;
	/* per cell (margins included) total per contributor id */
	double con[RT_MAX + 1][RT_MAX + 1][RT_MAXCON];
	unsigned char pres[RT_MAX + 1][RT_MAX + 1][RT_MAXCON];
	double val[RT_MAX + 1][RT_MAX + 1];
	int ex[RT_MAX + 1][RT_MAX + 1];
};

static uint64_t rng_state;

static uint64_t
rng(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned
rnd(unsigned n)
{
	return (unsigned)(rng() % n);
}

static double
rt_value(const struct rt *t)
{
	unsigned k = rnd(10);

	if (!t->mag)
		return 1.0;
	if (k == 0)
		return 0.0;
	if (k < 7)
		return (double)(1 + rnd(1000));
	return (double)(1000 + rnd(100000));
}

static void
rt_fill(struct rt *t, sdc_table *s, unsigned density, unsigned pool)
{
	size_t r = 0, c = 0, k = 0, n = 0;

	for (r = 0; r < t->nr; r++) {
		for (c = 0; c < t->nc; c++) {
			if (rnd(100) >= density)
				continue;
			n = 1 + rnd(4) + (rnd(3) == 0 ? rnd(8) : 0);
			for (k = 0; k < n; k++) {
				unsigned id = rnd(pool);
				double v = rt_value(t);
				t->con[r][c][id] += v;
				t->pres[r][c][id] = 1;
				assert_int_equal(sdc_add(s, r, c, id, v), SD_OK);
			}
		}
	}
}

static void
rt_margins(struct rt *t)
{
	size_t r = 0, c = 0, i = 0;

	for (r = 0; r <= t->nr; r++)
		for (c = 0; c <= t->nc; c++)
			t->ex[r][c] = (r < t->nr || t->radd) &&
			    (c < t->nc || t->cadd);
	for (r = 0; r < t->nr; r++) {
		for (c = 0; c < t->nc; c++) {
			for (i = 0; i < RT_MAXCON; i++) {
				double v = t->con[r][c][i];
				unsigned char p = t->pres[r][c][i];
				t->con[t->nr][c][i] += v;
				t->con[r][t->nc][i] += v;
				t->con[t->nr][t->nc][i] += v;
				t->pres[t->nr][c][i] |= p;
				t->pres[r][t->nc][i] |= p;
				t->pres[t->nr][t->nc][i] |= p;
			}
		}
	}
	for (r = 0; r <= t->nr; r++) {
		for (c = 0; c <= t->nc; c++) {
			t->val[r][c] = 0;
			for (i = 0; i < RT_MAXCON; i++)
				t->val[r][c] += t->con[r][c][i];
		}
	}
}

/* Contributors with any report in the cell: a report of 0 still counts,
 * so they are tracked by a separate presence flag. */
static size_t
rt_ncontrib(const unsigned char *present)
{
	size_t i = 0, n = 0;

	for (i = 0; i < RT_MAXCON; i++)
		n += present[i] != 0;
	return n;
}

struct expect {
	enum sdc_status st;
	double up, low;
};

static void
top_two(const double *con, double *x1, double *x2)
{
	size_t i = 0;

	*x1 = 0;
	*x2 = 0;
	for (i = 0; i < RT_MAXCON; i++) {
		if (con[i] > *x1) {
			*x2 = *x1;
			*x1 = con[i];
		} else if (con[i] > *x2) {
			*x2 = con[i];
		}
	}
}

static double
top_n(const double *con, unsigned n)
{
	double v[RT_MAXCON], s = 0, tmp = 0;
	size_t i = 0, j = 0, best = 0;

	memcpy(v, con, sizeof(v));
	for (i = 0; i < n && i < RT_MAXCON; i++) {
		best = i;
		for (j = i + 1; j < RT_MAXCON; j++)
			if (v[j] > v[best])
				best = j;
		tmp = v[i];
		v[i] = v[best];
		v[best] = tmp;
		s += v[i];
	}
	return s;
}

/* The rules and levels as docs/disclosure-control.md states them. */
/* Non-empty inner cells that a cell sums: a count total is at least that
 * many, which no suppression can hide. */
static double
rt_floor(const struct rt *t, size_t r, size_t c)
{
	size_t i = 0, j = 0, n = 0;

	if (t->mag)
		return 0;
	for (i = 0; i < t->nr; i++)
		for (j = 0; j < t->nc; j++)
			n += (r == t->nr || r == i) && (c == t->nc || c == j) &&
			    t->val[i][j] > 0;
	return (double)n;
}

static struct expect
rt_expect(const struct rt *t, const double *con, size_t ncontrib, double X)
{
	const struct sdc_params *p = &t->par;
	struct expect e = { SDC_FREE, 0, 0 };
	double x1 = 0, x2 = 0, top = 0, pl = 0, nl = 0;
	int small = ncontrib < p->threshold, pb = 0, nb = 0;

	if (ncontrib == 0)
		return (struct expect){ SDC_EMPTY, 0, 0 };
	if (!t->mag) {
		if (small)
			e = (struct expect){ SDC_SMALL, X, X - 1 < 1 ? X - 1 : 1 };
		return e;
	}
	top_two(con, &x1, &x2);
	pl = p->p / 100 * x1 - (X - x1 - x2);
	pb = X > 0 && p->p > 0 && X - x1 - x2 < p->p / 100 * x1;
	if (p->nk_n > 0 && X > 0) {
		top = top_n(con, p->nk_n);
		nb = top > p->nk_k / 100 * X;
		nl = 100 / p->nk_k * top - X;
	}
	if (!small && !pb && !nb)
		return e;
	e.st = small ? SDC_SMALL : pb ? SDC_DOM_ONE :
	    p->nk_n == 1 ? SDC_DOM_ONE : SDC_DOM_TWO;
	e.up = small ? p->freq_range / 100 * X : 0;
	e.up = pb && pl > e.up ? pl : e.up;
	e.up = nb && nl > e.up ? nl : e.up;
	e.up = e.up < 1 ? 1 : e.up;
	e.low = e.up < X ? e.up : X;
	return e;
}

/* The test's own attacker model: a variable for every cell, published ones
 * fixed, suppressed ones only known to be non-empty, each line of an
 * additive dimension equal to its total. */
static glp_prob *
rt_lp(const struct rt *t, const sdc_table *s)
{
	glp_prob *lp = glp_create_prob();
	size_t r = 0, c = 0, k = 0;
	int ind[2 * RT_MAX + 4];
	double val[2 * RT_MAX + 4];
	int st = 0, n = 0, row = 0;

	glp_add_cols(lp, (int)((t->nr + 1) * (t->nc + 1)));
	for (r = 0; r <= t->nr; r++) {
		for (c = 0; c <= t->nc; c++) {
			int j = (int)(r * (t->nc + 1) + c + 1);
			st = sdc_status(s, r, c);
			if (!t->ex[r][c] || st == SDC_FREE || st == SDC_EMPTY)
				glp_set_col_bnds(lp, j, GLP_FX, t->val[r][c],
				    t->val[r][c]);
			else
				glp_set_col_bnds(lp, j, GLP_LO, t->mag ? 0 : 1, 0);
		}
	}
	/* a free row keeps the model non-empty when nothing is additive */
	row = glp_add_rows(lp, 1);
	glp_set_row_bnds(lp, row, GLP_FR, 0, 0);
	for (r = 0; t->cadd && r <= t->nr; r++) {
		if (r == t->nr && !t->radd)
			break;
		for (c = 0, n = 0; c <= t->nc; c++) {
			ind[++n] = (int)(r * (t->nc + 1) + c + 1);
			val[n] = c == t->nc ? -1 : 1;
		}
		row = glp_add_rows(lp, 1);
		glp_set_row_bnds(lp, row, GLP_FX, 0, 0);
		glp_set_mat_row(lp, row, n, ind, val);
	}
	for (c = 0; t->radd && c <= t->nc; c++) {
		if (c == t->nc && !t->cadd)
			break;
		for (k = 0, n = 0; k <= t->nr; k++) {
			ind[++n] = (int)(k * (t->nc + 1) + c + 1);
			val[n] = k == t->nr ? -1 : 1;
		}
		row = glp_add_rows(lp, 1);
		glp_set_row_bnds(lp, row, GLP_FX, 0, 0);
		glp_set_mat_row(lp, row, n, ind, val);
	}
	return lp;
}

static double
rt_bound(glp_prob *lp, int j, int dir)
{
	glp_smcp parm;
	int ret = 0;

	glp_init_smcp(&parm);
	parm.msg_lev = GLP_MSG_OFF;
	parm.presolve = GLP_ON;
	glp_set_obj_coef(lp, j, 1);
	glp_set_obj_dir(lp, dir);
	ret = glp_simplex(lp, &parm);
	glp_set_obj_coef(lp, j, 0);
	if (ret == GLP_ENODFS ||
	    (ret == 0 && glp_get_status(lp) == GLP_UNBND))
		return dir == GLP_MAX ? INFINITY : -INFINITY;
	assert_int_equal(ret, 0);
	assert_int_equal(glp_get_status(lp), GLP_OPT);
	return glp_get_obj_val(lp);
}

static int
close_to(double a, double b, double tol)
{
	if (isinf(a) || isinf(b))
		return a == b;
	return fabs(a - b) <= tol;
}

/* Everything the release must satisfy; returns the suppressed count. */
static size_t
rt_check(const struct rt *t, const sdc_table *s)
{
	glp_prob *lp = rt_lp(t, s);
	double tol = 1e-8 * (1 + t->val[t->nr][t->nc]) + 1e-6;
	size_t r = 0, c = 0, nsup = 0;

	for (r = 0; r <= t->nr; r++) {
		for (c = 0; c <= t->nc; c++) {
			int j = (int)(r * (t->nc + 1) + c + 1);
			double X = t->val[r][c], lo = 0, hi = 0, elo = 0, ehi = 0;
			double up = 0, low = 0;
			struct expect e;
			enum sdc_status st = sdc_status(s, r, c);

			assert_int_equal(sdc_has_cell(s, r, c), t->ex[r][c]);
			if (!t->ex[r][c])
				continue;
			e = rt_expect(t, t->con[r][c],
			    rt_ncontrib(t->pres[r][c]), X);
			if (e.low > X - rt_floor(t, r, c))
				e.low = X - rt_floor(t, r, c);
			assert_true(fabs(sdc_value(s, r, c) - X) <= 1e-9 * (1 + X));
			if (e.st != SDC_FREE)
				assert_int_equal(st, e.st);
			else
				assert_true(st == SDC_FREE || st == SDC_SECONDARY);
			sdc_protection(s, r, c, &low, &up);
			assert_true(fabs(up - e.up) <= 1e-9 * (1 + e.up));
			assert_true(fabs(low - e.low) <= 1e-9 * (1 + e.low));
			if (st == SDC_FREE || st == SDC_EMPTY)
				continue;
			nsup++;
			lo = rt_bound(lp, j, GLP_MIN);
			hi = rt_bound(lp, j, GLP_MAX);
			sdc_interval(s, r, c, &elo, &ehi);
			assert_true(close_to(lo, elo, tol));
			assert_true(close_to(hi, ehi, tol));
			assert_true(hi - lo > tol);
			assert_true(hi - X >= e.up - tol);
			assert_true(X - lo >= e.low - tol);
		}
	}
	assert_int_equal(nsup, sdc_suppressed_count(s));
	glp_delete_prob(lp);
	return nsup;
}

static void
rt_params(struct rt *t)
{
	sdc_params_default(&t->par);
	switch (rnd(4)) {
	case 0:
		t->par.nk_n = 1;
		t->par.nk_k = 75;
		break;
	case 1:
		t->par.nk_n = 2;
		t->par.nk_k = 90;
		t->par.p = 0;
		break;
	case 2:
		t->par.threshold = 2 + rnd(3);
		t->par.freq_range = rnd(30);
		break;
	default:
		break;
	}
}

/* Shapes up to max x max, both measures, every additivity. */
static void
rt_shape(struct rt *t, size_t max)
{
	memset(t, 0, sizeof(*t));
	t->nr = 1 + rnd((unsigned)max);
	t->nc = 1 + rnd((unsigned)max);
	t->mag = rnd(2);
	t->radd = rnd(4) != 0;
	t->cadd = rnd(4) != 0;
	if (rnd(6) == 0) {
		t->nc = 1;
		t->cadd = 0;
		t->radd = 1;
	}
	rt_params(t);
}

/* One random table through the engine and the independent check; small
 * ones also through the heuristic, which must never beat the exact model. */
static void
rt_one(struct rt *t, size_t max, unsigned *exact_runs)
{
	sdc_table *s = NULL;
	size_t nexact = 0, nheur = 0;

	if (t->nr == 0)
		rt_shape(t, max);
	s = sdc_table_new(t->nr, t->nc, t->radd, t->cadd,
	    t->mag ? SDC_MAGNITUDE : SDC_COUNT);
	assert_non_null(s);
	rt_fill(t, s, 20 + rnd(70), 4 + rnd(RT_MAXCON - 4));
	rt_margins(t);
	assert_int_equal(sdc_protect(s, &t->par), SD_OK);
	nexact = rt_check(t, s);
	if (strcmp(sdc_method(s), "exact") == 0 && sdc_suppressed_count(s) > 0) {
		(*exact_runs)++;
		t->par.exact_max_cells = 0;
		assert_int_equal(sdc_protect(s, &t->par), SD_OK);
		assert_string_equal(sdc_method(s), "heuristic");
		nheur = rt_check(t, s);
		assert_true(nexact <= nheur);
	}
	sdc_table_free(s);
}

static struct rt table_data;

static void
test_random_tables(void **state)
{
	uint64_t seed = 0x5eed0001;
	unsigned i = 0, exact_runs = 0;

	(void)state;
	glp_term_out(GLP_OFF);
	for (i = 0; i < RT_TABLES; i++) {
		rng_state = seed + i;
		table_data.nr = 0;
		rt_one(&table_data, 8, &exact_runs);
	}
	print_message("%u of %u tables also compared with the heuristic\n",
	    exact_runs, RT_TABLES);
	/* the comparison above must have had something to compare */
	assert_true(exact_runs > RT_TABLES / 10);
}

/* The size of a real release table: 27 Member States x 22 sectors. */
static void
test_release_size(void **state)
{
	struct timespec a, b;
	unsigned i = 0, dummy = 0;
	double secs = 0;

	(void)state;
	glp_term_out(GLP_OFF);
	for (i = 0; i < 4; i++) {
		rng_state = 0xb16b00 + i;
		rt_shape(&table_data, RT_MAX);
		table_data.nr = 27;
		table_data.nc = 22;
		clock_gettime(CLOCK_MONOTONIC, &a);
		rt_one(&table_data, RT_MAX, &dummy);
		clock_gettime(CLOCK_MONOTONIC, &b);
		secs = (double)(b.tv_sec - a.tv_sec) +
		    (double)(b.tv_nsec - a.tv_nsec) / 1e9;
		print_message("%zux%zu: %.3f s with checks\n", table_data.nr,
		    table_data.nc, secs);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_tables),
		cmocka_unit_test(test_release_size),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
