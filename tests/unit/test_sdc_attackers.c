/* Disclosure control against the reporters themselves. For every table the
 * engine accepts, this test recomputes from docs/disclosure-control.md alone
 * ("Protection levels", "The attackers") what each single contributor can
 * derive: every reporter pseudonym and every single report, each with a
 * linear program of its own over the tables it cannot tell from the true
 * one (published cells fixed, the relations, every suppressed cell at least
 * its own contribution plus what it knows of the others, the cells where it
 * is alone fixed). Every primary cell must then reach its upper level and
 * its lower level against each of them.
 *
 * The test knows every single report individually, also where the engine
 * only keeps a summary of them, and treats each as its own attacker. A
 * refusal (SD_E_CONFIDENTIAL) is allowed, but must be rare; for each one the
 * test works out whether any pattern could have protected the table.
 *
 * Besides random tables: the cases of the attacker model worked by hand
 * (lone reporters reading each other through a published total, in a
 * magnitude and a count table and in one line of a 2-D table, and one
 * reporter sharing two hidden cells with another), tables the engine once
 * accepted unprotected, kept as they were found, and losses near 2^53. */
#include <glpk.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "sd_err.h"
#include "sdc.h"

#define AT_MAXR 27
#define AT_MAXC 22
#define AT_CELLS ((AT_MAXR + 1) * (AT_MAXC + 1))
#define AT_MAXATT 2048      /* attackers of one table */
#define AT_MAXREP 16384     /* contributions of one table */
#define AT_MAXID 65536      /* pseudonyms and single report numbers */
#define AT_NWIT 12          /* witnesses kept per requirement */
#define AT_TOP 8

/* One contribution: who > 0 is a reporter pseudonym, who < 0 is single
 * report number -who. A single report of a multi-valued dimension appears
 * in several cells of one line, with the same value in each. */
struct at_rep {
	unsigned short r, c;
	int32_t who;
	int64_t v;
};

struct at {
	size_t nr, nc;
	int radd, cadd, mag;
	struct sdc_params par;
	size_t nrep;
	struct at_rep rep[AT_MAXREP];
	size_t npin;
	size_t pin[4];
	/* the model, derived from rep */
	size_t natt;
	int32_t who[AT_MAXATT];
	int64_t con[AT_MAXATT][AT_CELLS];      /* o_a(c), margins included */
	unsigned char pres[AT_MAXATT][AT_CELLS];
	int64_t val[AT_CELLS];
	size_t ncon[AT_CELLS];
	int ex[AT_CELLS];
};

/* What every check adds up, printed at the end of each test. */
struct at_stats {
	unsigned tables, refused, pinned, refused_pinned, refused_needed;
	unsigned attackers;
	unsigned requirements;
	unsigned lps, certificates, failures, cells_suppressed, twins;
	double engine_secs, check_secs;
};

static struct at_stats stats;
static uint64_t rng_state;
static int32_t map_pseudo[AT_MAXID];
static int32_t map_single[AT_MAXID];

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

static size_t
cell(const struct at *t, size_t r, size_t c)
{
	return r * (t->nc + 1) + c;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
at_shape(struct at *t, size_t nr, size_t nc, int radd, int cadd, int mag)
{
	t->nr = nr;
	t->nc = nc;
	t->radd = radd;
	t->cadd = cadd;
	t->mag = mag;
	t->nrep = 0;
	t->npin = 0;
	sdc_params_default(&t->par);
}

static void
at_put(struct at *t, size_t r, size_t c, int32_t who, int64_t v)
{
	assert_true(t->nrep < AT_MAXREP);
	assert_true(r < t->nr && c < t->nc);
	t->rep[t->nrep++] = (struct at_rep){ (unsigned short)r,
		(unsigned short)c, who, v };
}

static int
alone(const struct at *t, size_t a, size_t k)
{
	return t->pres[a][k] && t->ncon[k] == 1;
}

/* Contributions per attacker and cell, the margins along the additive
 * dimensions, and the cell values: all of it from the reports alone. */
static void
at_model(struct at *t)
{
	size_t i = 0, a = 0, r = 0, c = 0, k = 0;

	memset(map_pseudo, 0xff, sizeof(map_pseudo));
	memset(map_single, 0xff, sizeof(map_single));
	t->natt = 0;
	for (i = 0; i < t->nrep; i++) {
		int32_t w = t->rep[i].who;
		int32_t *m = w > 0 ? &map_pseudo[w] : &map_single[-w];

		assert_true(w != 0 && w < AT_MAXID && -w < AT_MAXID);
		if (*m < 0) {
			assert_true(t->natt < AT_MAXATT);
			memset(t->con[t->natt], 0, sizeof(t->con[0]));
			memset(t->pres[t->natt], 0, sizeof(t->pres[0]));
			t->who[t->natt] = w;
			*m = (int32_t)t->natt++;
		}
		a = (size_t)*m;
		k = cell(t, t->rep[i].r, t->rep[i].c);
		if (w < 0)  /* a single report is in each of its cells once */
			assert_false(t->pres[a][k]);
		t->con[a][k] += t->rep[i].v;
		t->pres[a][k] = 1;
	}
	for (r = 0; r <= t->nr; r++)
		for (c = 0; c <= t->nc; c++)
			t->ex[cell(t, r, c)] = (r < t->nr || t->radd) &&
			    (c < t->nc || t->cadd);
	for (a = 0; a < t->natt; a++) {
		for (r = 0; r < t->nr; r++) {
			for (c = 0; c < t->nc; c++) {
				size_t in = cell(t, r, c);
				size_t mk[3] = { cell(t, t->nr, c), cell(t, r, t->nc),
					cell(t, t->nr, t->nc) };
				if (!t->pres[a][in])
					continue;
				for (i = 0; i < 3; i++) {
					if (!t->ex[mk[i]])
						continue;
					/* a single report adds to a margin once */
					if (t->who[a] < 0)
						assert_false(t->pres[a][mk[i]]);
					t->con[a][mk[i]] += t->con[a][in];
					t->pres[a][mk[i]] = 1;
				}
			}
		}
	}
	for (k = 0; k < (t->nr + 1) * (t->nc + 1); k++) {
		t->val[k] = 0;
		t->ncon[k] = 0;
		for (a = 0; a < t->natt; a++) {
			t->val[k] += t->con[a][k];
			t->ncon[k] += t->pres[a][k];
		}
	}
}

enum at_mode { AT_SUMMARY, AT_OWN_IDS };

/* The engine's tables of the running test, freed by the teardown when an
 * assertion ends the test early. */
static sdc_table *at_live[4];

static void
at_free(sdc_table *s)
{
	size_t i = 0;

	for (i = 0; i < 4; i++)
		if (at_live[i] == s)
			at_live[i] = NULL;
	sdc_table_free(s);
}

static int
at_teardown(void **state)
{
	size_t i = 0;

	(void)state;
	for (i = 0; i < 4; i++) {
		sdc_table_free(at_live[i]);
		at_live[i] = NULL;
	}
	return 0;
}

/* The table as the engine gets it: pseudonyms by id, single reports as
 * sdc_add_single (AT_SUMMARY) or each under an id of its own. */
static sdc_table *
at_build(const struct at *t, enum at_mode mode)
{
	sdc_table *s = sdc_table_new(t->nr, t->nc, t->radd, t->cadd,
	    t->mag ? SDC_MAGNITUDE : SDC_COUNT);
	size_t i = 0;

	assert_non_null(s);
	for (i = 0; i < 4 && at_live[i] != NULL; i++)
		;
	assert_true(i < 4);
	at_live[i] = s;
	for (i = 0; i < t->nrep; i++) {
		const struct at_rep *p = &t->rep[i];
		int rc = 0;

		if (p->who > 0)
			rc = sdc_add(s, p->r, p->c, (uint32_t)p->who, p->v);
		else if (mode == AT_SUMMARY)
			rc = sdc_add_single(s, p->r, p->c, p->v);
		else
			rc = sdc_add(s, p->r, p->c, 0x40000000u + (uint32_t)-p->who,
			    p->v);
		assert_int_equal(rc, SD_OK);
	}
	for (i = 0; i < t->npin; i++)
		assert_int_equal(sdc_pin_published(s, t->pin[i] / (t->nc + 1),
		    t->pin[i] % (t->nc + 1)), SD_OK);
	return s;
}

/* ---- the rules and levels, as the documentation states them ---- */

struct expect {
	enum sdc_status st;
	double up, low;
};

/* Inner cells under cell k (k itself when it is inner). */
static int
under(const struct at *t, size_t k, size_t i, size_t j)
{
	size_t r = k / (t->nc + 1), c = k % (t->nc + 1);

	return (r == t->nr || r == i) && (c == t->nc || c == j);
}

/* What no pattern can hide of a count cell: one report per non-empty inner
 * cell under it (the outsider's prior). */
static double
at_floor(const struct at *t, size_t k)
{
	size_t i = 0, j = 0, n = 0;

	if (t->mag)
		return 0;
	for (i = 0; i < t->nr; i++)
		for (j = 0; j < t->nc; j++)
			n += under(t, k, i, j) && t->val[cell(t, i, j)] > 0;
	return (double)n;
}

static struct expect
at_expect(const struct at *t, size_t k)
{
	const struct sdc_params *p = &t->par;
	struct expect e = { SDC_FREE, 0, 0 };
	double X = (double)t->val[k], top[AT_TOP] = { 0 }, x1 = 0, x2 = 0;
	double pl = 0, nl = 0, sum = 0, fl = 0;
	int small = t->ncon[k] < p->threshold, pb = 0, nb = 0;
	size_t a = 0, i = 0;

	if (t->ncon[k] == 0)
		return (struct expect){ SDC_EMPTY, 0, 0 };
	if (!t->mag) {
		if (small)
			e = (struct expect){ SDC_SMALL, X, X - 1 < 1 ? X - 1 : 1 };
	} else {
		for (a = 0; a < t->natt; a++) {
			double v = (double)t->con[a][k];
			if (!t->pres[a][k] || v <= top[AT_TOP - 1])
				continue;
			for (i = AT_TOP - 1; i > 0 && top[i - 1] < v; i--)
				top[i] = top[i - 1];
			top[i] = v;
		}
		x1 = top[0];
		x2 = top[1];
		pl = p->p / 100 * x1 - (X - x1 - x2);
		pb = X > 0 && p->p > 0 && X - x1 - x2 < p->p / 100 * x1;
		if (p->nk_n > 0 && X > 0) {
			for (i = 0; i < p->nk_n && i < AT_TOP; i++)
				sum += top[i];
			nb = sum > p->nk_k / 100 * X;
			nl = 100 / p->nk_k * sum - X;
		}
		if (!small && !pb && !nb)
			return e;
		e.st = small ? SDC_SMALL : pb ? SDC_DOM_ONE :
		    p->nk_n == 1 ? SDC_DOM_ONE : p->nk_n == 2 ? SDC_DOM_TWO :
		    SDC_DOM_MANY;
		e.up = small ? p->freq_range / 100 * X : 0;
		e.up = pb && pl > e.up ? pl : e.up;
		e.up = nb && nl > e.up ? nl : e.up;
		e.up = e.up < 1 ? 1 : e.up;
		e.low = e.up < X ? e.up : X;
	}
	fl = at_floor(t, k);
	if (e.low > X - fl)
		e.low = X - fl;
	return e;
}

/* prior_a(p): what attacker a knows of cell k before any table. */
static double
at_prior(const struct at *t, size_t a, size_t k)
{
	size_t i = 0, j = 0;
	double s = 0;

	if (t->mag)
		return (double)t->con[a][k];
	for (i = 0; i < t->nr; i++) {
		for (j = 0; j < t->nc; j++) {
			size_t q = cell(t, i, j);
			if (!under(t, k, i, j) || t->val[q] == 0)
				continue;
			s += (double)t->con[a][q] + (alone(t, a, q) ? 0 : 1);
		}
	}
	return s;
}

/* ---- the test's own linear programs ---- */

struct at_lp {
	glp_prob *lp;
	double scale;             /* a power of two: GLPK sees value / scale */
	int col[AT_CELLS];        /* GLPK column of each existing cell, else 0 */
	size_t nsup;
	size_t sup[AT_CELLS];     /* suppressed cells */
	double lb[AT_CELLS];      /* per suppressed cell: the current attacker's */
	unsigned char fix[AT_CELLS];
};

static int
is_hidden(enum sdc_status st)
{
	return st != SDC_FREE && st != SDC_EMPTY;
}

static int
is_primary(enum sdc_status st)
{
	return st == SDC_SMALL || st == SDC_DOM_ONE || st == SDC_DOM_TWO ||
	    st == SDC_DOM_MANY;
}

/* Published cells fixed; each line of an additive dimension equal to its
 * total. Suppressed cells get the bounds of an attacker in at_bounds. */
static void
at_lp_new(struct at_lp *m, const struct at *t, const enum sdc_status *st)
{
	size_t r = 0, c = 0, n = 0;
	int ind[AT_MAXR + AT_MAXC + 4];
	double coef[AT_MAXR + AT_MAXC + 4];
	int row = 0;

	memset(m->col, 0, sizeof(m->col));
	m->lp = glp_create_prob();
	m->nsup = 0;
	/* losses near 2^53 are scaled down, exactly, to where the simplex
	 * tolerances are meant to work */
	m->scale = 1;
	for (r = 0; r < (t->nr + 1) * (t->nc + 1); r++)
		while ((double)t->val[r] / m->scale > 16777216.0)
			m->scale *= 2;
	for (r = 0; r <= t->nr; r++) {
		for (c = 0; c <= t->nc; c++) {
			size_t k = cell(t, r, c);
			int j = 0;
			if (!t->ex[k])
				continue;
			j = glp_add_cols(m->lp, 1);
			m->col[k] = j;
			if (is_hidden(st[k]))
				m->sup[m->nsup++] = k;
			else
				glp_set_col_bnds(m->lp, j, GLP_FX,
				    (double)t->val[k] / m->scale,
				    (double)t->val[k] / m->scale);
		}
	}
	/* keeps the model non-empty when nothing is additive */
	row = glp_add_rows(m->lp, 1);
	glp_set_row_bnds(m->lp, row, GLP_FR, 0, 0);
	for (r = 0; t->cadd && r <= t->nr; r++) {
		if (!t->ex[cell(t, r, t->nc)])
			continue;
		for (c = 0, n = 0; c <= t->nc; c++) {
			ind[++n] = m->col[cell(t, r, c)];
			coef[n] = c == t->nc ? -1 : 1;
		}
		row = glp_add_rows(m->lp, 1);
		glp_set_row_bnds(m->lp, row, GLP_FX, 0, 0);
		glp_set_mat_row(m->lp, row, (int)n, ind, coef);
	}
	for (c = 0; t->radd && c <= t->nc; c++) {
		if (!t->ex[cell(t, t->nr, c)])
			continue;
		for (r = 0, n = 0; r <= t->nr; r++) {
			ind[++n] = m->col[cell(t, r, c)];
			coef[n] = r == t->nr ? -1 : 1;
		}
		row = glp_add_rows(m->lp, 1);
		glp_set_row_bnds(m->lp, row, GLP_FX, 0, 0);
		glp_set_mat_row(m->lp, row, (int)n, ind, coef);
	}
}

#define AT_OUTSIDER ((size_t)-1)

/* Attacker a's knowledge of the suppressed cells: at least m + o_a(c),
 * exactly the true value where a is alone. */
static void
at_bounds(struct at_lp *m, const struct at *t, size_t a)
{
	size_t i = 0;

	for (i = 0; i < m->nsup; i++) {
		size_t k = m->sup[i];
		double lb = t->mag ? 0 : 1;
		m->fix[i] = a != AT_OUTSIDER && alone(t, a, k);
		if (m->fix[i])
			lb = (double)t->val[k];
		else if (a != AT_OUTSIDER)
			lb += (double)t->con[a][k];
		m->lb[i] = lb;
		glp_set_col_bnds(m->lp, m->col[k], m->fix[i] ? GLP_FX : GLP_LO,
		    lb / m->scale, lb / m->scale);
	}
}

static double
at_solve(const struct at_lp *m, int j, int dir)
{
	glp_prob *lp = m->lp;
	glp_smcp parm;
	int ret = 0, st = 0;

	glp_init_smcp(&parm);
	parm.msg_lev = GLP_MSG_OFF;
	glp_set_obj_coef(lp, j, 1);
	glp_set_obj_dir(lp, dir);
	ret = glp_simplex(lp, &parm);
	st = glp_get_status(lp);
	if (ret != 0 || (st != GLP_OPT && st != GLP_UNBND)) {
		/* a warm start gone bad (the true table is always feasible):
		 * from scratch, with presolve */
		glp_std_basis(lp);
		parm.presolve = GLP_ON;
		ret = glp_simplex(lp, &parm);
		st = glp_get_status(lp);
	}
	glp_set_obj_coef(lp, j, 0);
	stats.lps++;
	if (ret == GLP_ENODFS || (ret == 0 && st == GLP_UNBND))
		return dir == GLP_MAX ? INFINITY : -INFINITY;
	assert_int_equal(ret, 0);
	assert_int_equal(st, GLP_OPT);
	return glp_get_obj_val(lp) * m->scale;
}

/* ---- the check of one accepted table ---- */

struct at_req {
	size_t k;             /* the primary cell */
	double up, low;       /* U and L */
};

struct at_wit {
	size_t n, next;
	double *x;            /* AT_NWIT vectors over the suppressed cells */
};

/* The engine's pattern, cell by cell. */
static void
at_statuses(const struct at *t, const sdc_table *s, enum sdc_status *st)
{
	size_t k = 0;

	for (k = 0; k < (t->nr + 1) * (t->nc + 1); k++)
		st[k] = sdc_status(s, k / (t->nc + 1), k % (t->nc + 1));
}

static void
at_describe(const struct at *t, size_t a, char *buf, size_t len)
{
	size_t k = 0;

	if (a == AT_OUTSIDER) {
		snprintf(buf, len, "the outsider");
		return;
	}
	if (t->who[a] > 0) {
		snprintf(buf, len, "reporter %d", (int)t->who[a]);
		return;
	}
	for (k = 0; k < (t->nr + 1) * (t->nc + 1); k++)
		if (t->pres[a][k])
			break;
	snprintf(buf, len, "single report %d (value %lld, first in (%zu,%zu))",
	    (int)-t->who[a], (long long)t->con[a][k], k / (t->nc + 1),
	    k % (t->nc + 1));
}

/* A witness w found for another attacker certifies the requirement for
 * attacker a when the segment from the true table towards w stays inside
 * a's bounds far enough: every point of it agrees with the release and
 * keeps the relations, so the farthest admissible point is a table a
 * cannot exclude. */
static int
at_certify(const struct at_lp *m, const struct at *t, const double *w,
    size_t pi, int upward, double target, double tol)
{
	double lam = 1, X = (double)t->val[m->sup[pi]], v = 0;
	size_t i = 0;

	for (i = 0; i < m->nsup && lam > 0; i++) {
		double T = (double)t->val[m->sup[i]];
		if (m->fix[i]) {
			if (fabs(w[i] - T) > tol)
				lam = 0;
		} else if (w[i] < m->lb[i] - tol) {
			double l = (T - m->lb[i]) / (T - w[i]);
			lam = l < lam ? l : lam;
		}
	}
	v = X + lam * (w[pi] - X);
	return upward ? v >= target - tol : v <= target + tol;
}

static void
at_dump(const struct at *t, const char *label)
{
	size_t i = 0;

	print_message("  table %s: %zux%zu radd=%d cadd=%d %s, threshold %u "
	    "p %g nk %u,%g freq %g exact_max_cells %zu\n", label, t->nr, t->nc,
	    t->radd, t->cadd, t->mag ? "magnitude" : "count", t->par.threshold,
	    t->par.p, t->par.nk_n, t->par.nk_k, t->par.freq_range,
	    t->par.exact_max_cells);
	print_message("  reports {row, col, who, value} (who < 0: single "
	    "report):\n");
	for (i = 0; i < t->nrep; i++)
		print_message("    {%u, %u, %d, %lld},\n", t->rep[i].r,
		    t->rep[i].c, (int)t->rep[i].who, (long long)t->rep[i].v);
}

static void
at_print_pattern(const struct at *t, const enum sdc_status *st)
{
	size_t r = 0, c = 0;
	char line[4096];
	size_t n = 0;

	for (r = 0; r <= t->nr; r++) {
		n = 0;
		for (c = 0; c <= t->nc; c++) {
			size_t k = cell(t, r, c);
			int w = 0;
			if (!t->ex[k])
				w = snprintf(line + n, sizeof(line) - n, "  .");
			else
				w = snprintf(line + n, sizeof(line) - n, " %c%lld/%zu",
				    (char)st[k], (long long)t->val[k], t->ncon[k]);
			if (w < 0 || (size_t)w >= sizeof(line) - n)
				break;
			n += (size_t)w;
		}
		print_message("   %s\n", line);
	}
}

static uint64_t
at_hash(const struct at *t, size_t a)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t k = 0;

	for (k = 0; k < (t->nr + 1) * (t->nc + 1); k++) {
		h = (h ^ (uint64_t)t->con[a][k]) * 0x100000001b3ULL;
		h = (h ^ t->pres[a][k]) * 0x100000001b3ULL;
	}
	return h;
}

/* Two attackers with the same contribution to every cell (two single
 * reports of 1 in one count cell) know the same and face the same
 * requirements: the first one's programs answer for both. */
static int
at_twin(const struct at *t, const uint64_t *hash, size_t a)
{
	size_t b = 0, n = (t->nr + 1) * (t->nc + 1);

	for (b = 0; b < a; b++)
		if (hash[b] == hash[a] &&
		    memcmp(t->con[a], t->con[b], n * sizeof(t->con[0][0])) == 0 &&
		    memcmp(t->pres[a], t->pres[b], n) == 0)
			return 1;
	return 0;
}

static double
at_tolerance(const struct at *t)
{
	size_t k = 0;
	double big = 0;

	for (k = 0; k < (t->nr + 1) * (t->nc + 1); k++)
		big = (double)t->val[k] > big ? (double)t->val[k] : big;
	return 1e-9 * (1 + big) + 1e-6;
}

/* The requirements of the primary cells of pattern st against the outsider
 * and every attacker. Returns how many fail; with quiet, the failures are
 * neither printed nor counted as the engine's (a pattern this test made
 * up). */
static unsigned
at_attack(const struct at *t, const enum sdc_status *st, const char *label,
    int quiet)
{
	struct at_lp *m = calloc(1, sizeof(*m));
	struct at_req *req = calloc(AT_CELLS, sizeof(*req));
	struct at_wit *wit = NULL;
	size_t nk = (t->nr + 1) * (t->nc + 1), k = 0, i = 0, nreq = 0, d = 0;
	double tol = at_tolerance(t);
	unsigned fails = 0;
	size_t a = 0;
	char who[128];
	uint64_t *hash = calloc(t->natt + 1, sizeof(*hash));

	assert_non_null(m);
	assert_non_null(req);
	assert_non_null(hash);
	for (k = 0; k < nk; k++) {
		struct expect e;
		if (!t->ex[k] || !is_primary(st[k]))
			continue;
		e = at_expect(t, k);
		req[nreq++] = (struct at_req){ k, e.up, e.low };
	}
	at_lp_new(m, t, st);
	wit = calloc(nreq * 2 + 1, sizeof(*wit));
	assert_non_null(wit);
	for (i = 0; i < nreq * 2; i++) {
		wit[i].x = calloc(AT_NWIT * (m->nsup + 1), sizeof(double));
		assert_non_null(wit[i].x);
	}
	for (a = 0; a < t->natt; a++)
		hash[a] = at_hash(t, a);
	/* AT_OUTSIDER is SIZE_MAX: the next one is attacker 0 */
	for (a = AT_OUTSIDER; a == AT_OUTSIDER || a < t->natt; a++) {
		int counted = 0;

		if (a != AT_OUTSIDER && at_twin(t, hash, a)) {
			stats.attackers += !quiet;
			stats.twins += !quiet;
			continue;
		}
		at_bounds(m, t, a);
		for (i = 0; i < nreq; i++) {
			size_t p = req[i].k, pi = 0;
			double X = (double)t->val[p];
			double need[2] = { 0, 0 };
			int j = m->col[p];

			if (a != AT_OUTSIDER && alone(t, a, p))
				continue;   /* its only contributor knows it */
			for (pi = 0; m->sup[pi] != p; pi++)
				;
			need[0] = X + req[i].up;
			need[1] = req[i].low;
			if (a != AT_OUTSIDER && X - at_prior(t, a, p) < need[1])
				need[1] = X - at_prior(t, a, p);
			need[1] = X - need[1];
			counted = 1;
			for (d = 0; d < 2; d++) {
				struct at_wit *w = &wit[2 * i + d];
				double v = 0, lb = m->lb[pi];
				size_t h = 0;
				int ok = 0;

				if (d == 1 && X - need[1] <= tol)
					continue;   /* no lower level to meet */
				stats.requirements++;
				for (h = 0; h < w->n && !ok; h++)
					ok = at_certify(m, t, w->x + h * m->nsup, pi,
					    d == 0, need[d], tol);
				if (ok) {
					stats.certificates++;
					continue;
				}
				if (d == 0)  /* bounded, and still above the level */
					glp_set_col_bnds(m->lp, j, GLP_DB,
					    lb / m->scale,
					    (need[0] + 3 * req[i].up + 1) / m->scale);
				v = at_solve(m, j, d == 0 ? GLP_MAX : GLP_MIN);
				if (d == 0)
					glp_set_col_bnds(m->lp, j, GLP_LO,
					    lb / m->scale, lb / m->scale);
				ok = d == 0 ? v >= need[0] - tol : v <= need[1] + tol;
				if (ok) {
					double *x = w->x + w->next * m->nsup;
					for (h = 0; h < m->nsup; h++)
						x[h] = m->scale * glp_get_col_prim(m->lp,
						    m->col[m->sup[h]]);
					w->next = (w->next + 1) % AT_NWIT;
					w->n += w->n < AT_NWIT;
					continue;
				}
				fails++;
				if (quiet)
					continue;
				stats.failures++;
				at_describe(t, a, who, sizeof(who));
				print_message("UNPROTECTED in %s: cell (%zu,%zu) "
				    "value %g, %c, against %s: %s %.6g, needs %s "
				    "%.6g (level %.6g)\n", label, p / (t->nc + 1),
				    p % (t->nc + 1), X, (char)st[p], who,
				    d == 0 ? "at most" : "at least", v,
				    d == 0 ? "to reach" : "to reach down to",
				    need[d], d == 0 ? req[i].up : X - need[1]);
			}
		}
		stats.attackers += counted && a != AT_OUTSIDER && !quiet;
	}
	if (fails > 0 && !quiet) {
		at_print_pattern(t, st);
		at_dump(t, label);
	}
	for (i = 0; i < nreq * 2; i++)
		free(wit[i].x);
	free(wit);
	free(hash);
	glp_delete_prob(m->lp);
	free(m);
	free(req);
	return fails;
}

static void
at_show(const struct at *t, const sdc_table *s)
{
	enum sdc_status st[AT_CELLS];

	at_statuses(t, s, st);
	at_print_pattern(t, st);
}

/* Everything an accepted table must satisfy: the published values, the
 * statuses and levels the rules give, the outsider's intervals as the
 * engine reports them, and every requirement against every attacker.
 * Returns the number of failed requirements (each printed). */
static unsigned
at_check(const struct at *t, const sdc_table *s, const char *label)
{
	struct at_lp *m = calloc(1, sizeof(*m));
	enum sdc_status *st = calloc(AT_CELLS, sizeof(*st));
	size_t nk = (t->nr + 1) * (t->nc + 1), k = 0, i = 0, nsup = 0;
	double tol = at_tolerance(t);
	unsigned fails = 0;

	assert_non_null(m);
	assert_non_null(st);
	at_statuses(t, s, st);
	for (k = 0; k < nk; k++) {
		size_t r = k / (t->nc + 1), c = k % (t->nc + 1);
		struct expect e;
		double lo = 0, up = 0;

		assert_int_equal(sdc_has_cell(s, r, c), t->ex[k]);
		if (!t->ex[k])
			continue;
		assert_true(sdc_value(s, r, c) == t->val[k]);
		assert_int_equal(sdc_contributors(s, r, c), t->ncon[k]);
		e = at_expect(t, k);
		if (e.st != SDC_FREE) {
			if (st[k] != e.st)
				print_message("cell (%zu,%zu): status %c, the "
				    "rules give %c\n", r, c, (char)st[k], (char)e.st);
			assert_int_equal(st[k], e.st);
		} else {
			assert_true(st[k] == SDC_FREE || st[k] == SDC_SECONDARY);
		}
		sdc_protection(s, r, c, &lo, &up);
		assert_true(fabs(up - e.up) <= 1e-9 * (1 + e.up));
		assert_true(fabs(lo - e.low) <= 1e-9 * (1 + e.low));
		nsup += is_hidden(st[k]);
	}
	assert_int_equal(nsup, sdc_suppressed_count(s));
	stats.cells_suppressed += (unsigned)nsup;

	/* the outsider's intervals are the engine's */
	at_lp_new(m, t, st);
	assert_int_equal(m->nsup, nsup);
	at_bounds(m, t, AT_OUTSIDER);
	for (i = 0; i < m->nsup; i++) {
		size_t q = m->sup[i];
		double lo = at_solve(m, m->col[q], GLP_MIN);
		double hi = at_solve(m, m->col[q], GLP_MAX);
		double elo = 0, ehi = 0;
		sdc_interval(s, q / (t->nc + 1), q % (t->nc + 1), &elo, &ehi);
		if (isinf(hi))
			assert_true(isinf(ehi) || ehi > 1e300);
		else
			assert_true(fabs(hi - ehi) <= tol);
		assert_true(fabs(lo - elo) <= tol);
		/* a suppressed cell is never exact for the outsider */
		assert_true(hi - lo > tol);
	}
	glp_delete_prob(m->lp);
	free(m);

	fails = at_attack(t, st, label, 0);
	free(st);
	return fails;
}

/* Whether any pattern can protect the table: hiding every non-empty cell
 * that is not pinned only widens what every attacker can derive, so if
 * that fails, every pattern does. */
static int
at_protectable(const struct at *t)
{
	enum sdc_status *st = calloc(AT_CELLS, sizeof(*st));
	size_t k = 0, i = 0;
	int ok = 0;

	assert_non_null(st);
	for (k = 0; k < (t->nr + 1) * (t->nc + 1); k++) {
		struct expect e = at_expect(t, k);
		st[k] = e.st == SDC_FREE ? SDC_SECONDARY : e.st;
		for (i = 0; i < t->npin; i++)
			if (t->pin[i] == k)
				st[k] = is_primary(e.st) ? e.st : SDC_FREE;
	}
	ok = at_attack(t, st, "everything hidden", 1) == 0;
	free(st);
	return ok;
}

/* The bounds of what attacker a can derive for a sum of cells (its own
 * LP, with the objective on several cells at once). */
static void
at_sum_interval(const struct at *t, const sdc_table *s, size_t a,
    const size_t *cells, size_t n, double *lo, double *hi)
{
	struct at_lp *m = calloc(1, sizeof(*m));
	size_t i = 0;
	int j = 0;

	enum sdc_status st[AT_CELLS];

	assert_non_null(m);
	at_statuses(t, s, st);
	at_lp_new(m, t, st);
	at_bounds(m, t, a);
	/* one more column equal to the sum */
	j = glp_add_cols(m->lp, 1);
	glp_set_col_bnds(m->lp, j, GLP_FR, 0, 0);
	{
		int ind[AT_CELLS + 2];
		double coef[AT_CELLS + 2];
		int row = glp_add_rows(m->lp, 1);
		for (i = 0; i < n; i++) {
			ind[i + 1] = m->col[cells[i]];
			coef[i + 1] = 1;
		}
		ind[n + 1] = j;
		coef[n + 1] = -1;
		glp_set_row_bnds(m->lp, row, GLP_FX, 0, 0);
		glp_set_mat_row(m->lp, row, (int)n + 1, ind, coef);
	}
	*lo = at_solve(m, j, GLP_MIN);
	*hi = at_solve(m, j, GLP_MAX);
	glp_delete_prob(m->lp);
	free(m);
}

/* The interval of one cell for attacker a. */
static void
at_interval(const struct at *t, const sdc_table *s, size_t a, size_t k,
    double *lo, double *hi)
{
	at_sum_interval(t, s, a, &k, 1, lo, hi);
}

static size_t
at_attacker(const struct at *t, int32_t who)
{
	size_t a = 0;

	for (a = 0; a < t->natt; a++)
		if (t->who[a] == who)
			return a;
	fail_msg("no contributor %d", (int)who);
	return 0;
}

/* ---- random tables ---- */

static int64_t
at_value(const struct at *t)
{
	unsigned k = rnd(100);

	if (!t->mag)
		return 1;
	if (k < 8)
		return 0;
	if (k < 60)
		return 1 + rnd(1000);
	if (k < 95)
		return 1000 + rnd(100000);
	return 100000 + rnd(2000000);
}

static void
at_params(struct at *t)
{
	sdc_params_default(&t->par);
	switch (rnd(6)) {
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
		t->par.threshold = 2 + rnd(4);
		t->par.freq_range = rnd(30);
		break;
	case 3:
		t->par.p = 5 + rnd(20);
		t->par.nk_n = 3;
		t->par.nk_k = 95;
		break;
	default:
		break;
	}
	/* the heuristic on small tables too */
	if (rnd(4) == 0)
		t->par.exact_max_cells = 0;
}

/* A sparse table with many lone reporters, a few reporters present in
 * many cells, and single reports; along a multi-valued dimension a report
 * counts in several categories. */
static void
at_random(struct at *t, size_t nr, size_t nc, int more_singles)
{
	unsigned nfreq = 1 + rnd(3), npool = 2 + rnd(30);
	unsigned density = 15 + rnd(70);
	unsigned psingle = more_singles ? 60 + rnd(35) : 20 + rnd(60);
	unsigned plone = 20 + rnd(30);
	int32_t next_single = 1;
	size_t r = 0, c = 0, i = 0, x = 0, k = 0;

	if (nr == 0) {
		nr = 1 + rnd(12);
		nc = rnd(5) == 0 ? 1 : 1 + rnd(12);
	}
	if (nc == 1)
		at_shape(t, nr, 1, rnd(6) != 0, 0, (int)rnd(2));
	else
		at_shape(t, nr, nc, rnd(5) != 0, rnd(5) != 0, (int)rnd(2));
	at_params(t);
	for (r = 0; r < nr; r++) {
		for (c = 0; c < nc; c++) {
			size_t n = 0;
			int32_t lone_id = 0;

			if (rnd(100) >= density)
				continue;
			if (rnd(100) < plone) {
				n = 1;
				if (rnd(3) == 0) {  /* one reporter, several reports */
					lone_id = (int32_t)(1 + rnd(nfreq + npool));
					n = 2 + rnd(3);
				}
			} else {
				n = 2 + rnd(3) + (rnd(4) == 0 ? rnd(6) : 0);
			}
			for (i = 0; i < n && t->nrep + 8 < AT_MAXREP; i++) {
				int32_t who = lone_id;
				int64_t v = at_value(t);
				size_t extra = 0;
				if (who == 0 && rnd(100) < psingle &&
				    next_single < AT_MAXATT - 64)
					who = -next_single++;
				else if (who == 0)
					who = (int32_t)(rnd(5) < 2 ? 1 + rnd(nfreq) :
					    1 + nfreq + rnd(npool));
				at_put(t, r, c, who, v);
				/* the same report in other categories of a
				 * multi-valued dimension */
				if (rnd(4) != 0 || lone_id != 0)
					continue;
				extra = 1 + rnd(2);
				for (x = 0; x < extra; x++) {
					if (!t->cadd && nc > 1 &&
					    (t->radd || rnd(2) == 0)) {
						size_t c2 = (c + 1 + rnd((unsigned)nc - 1)) % nc;
						if (!(who < 0 && x > 0))
							at_put(t, r, c2, who, v);
					} else if (!t->radd && nr > 1) {
						size_t r2 = (r + 1 + rnd((unsigned)nr - 1)) % nr;
						if (!(who < 0 && x > 0))
							at_put(t, r2, c, who, v);
					}
				}
			}
		}
	}
	at_model(t);
	/* sometimes the grand total is published in another table of the
	 * release (as the report does); only a total that passes the rules
	 * can be, the engine refuses the others by design */
	k = cell(t, t->nr, t->nc - (t->cadd ? 0 : 1));
	if (rnd(6) == 0 && t->ex[k] && t->ncon[k] > 0 &&
	    at_expect(t, k).st == SDC_FREE)
		t->pin[t->npin++] = k;
}

static unsigned
at_budget_tables(unsigned normal, unsigned quick)
{
	const char *q = getenv("SD_SDC_QUICK");

	return q != NULL && q[0] == '1' ? quick : normal;
}

static void
at_print_stats(const char *what, double secs)
{
	print_message("%s: %u tables checked, %u refused (SD_E_CONFIDENTIAL; "
	    "%u of them of the %u with the grand total pinned; %u where no "
	    "pattern could protect), "
	    "%u attackers with %u requirements (%u by LP, %u by a witness; "
	    "%u LPs), %u suppressed cells, %u failures, %.1f s (engine %.1f s, "
	    "check %.1f s)\n", what, stats.tables, stats.refused,
	    stats.refused_pinned, stats.pinned, stats.refused_needed,
	    stats.attackers,
	    stats.requirements, stats.requirements - stats.certificates,
	    stats.certificates, stats.lps, stats.cells_suppressed,
	    stats.failures, secs, stats.engine_secs, stats.check_secs);
}

/* Protect one table and, if accepted, check it. Returns the failures; a
 * refusal is counted. */
static unsigned
at_run(struct at *t, enum at_mode mode, const char *label, int *refused)
{
	sdc_table *s = at_build(t, mode);
	double t0 = now(), t1 = 0;
	int rc = sdc_protect(s, &t->par);
	unsigned f = 0;

	t1 = now() - t0;
	stats.engine_secs += t1;

	*refused = 0;
	stats.pinned += t->npin > 0;
	if (rc == SD_E_CONFIDENTIAL) {
		int can = at_protectable(t);
		stats.refused++;
		stats.refused_pinned += t->npin > 0;
		stats.refused_needed += !can;
		*refused = 1;
		print_message("refused %s (%zux%zu %s%s): %s; hiding all that "
		    "may be hidden %s\n", label, t->nr, t->nc,
		    t->mag ? "magnitude" : "count",
		    t->npin > 0 ? ", total pinned" : "", sdc_info(s)->why,
		    can ? "would protect it" : "would not protect it either");
		at_free(s);
		return 0;
	}
	if (rc != SD_OK) {
		print_message("sdc_protect %s: %d\n", label, rc);
		at_dump(t, label);
	}
	assert_int_equal(rc, SD_OK);
	stats.tables++;
	t0 = now();
	f = at_check(t, s, label);
	stats.check_secs += now() - t0;
	if (t->nr * t->nc > 200)
		print_message("%s: %zux%zu %s, %zu contributors, %zu suppressed: "
		    "engine %.2f s, check %.2f s\n", label, t->nr, t->nc,
		    t->mag ? "magnitude" : "count", t->natt,
		    sdc_suppressed_count(s), t1, now() - t0);
	at_free(s);
	return f;
}

static struct at table_a;

static void
test_random_tables(void **state)
{
	unsigned n = at_budget_tables(400, 120), i = 0, big = 0, f = 0, tried = 0;
	double t0 = now();
	char label[64];
	int refused = 0;

	(void)state;
	glp_term_out(GLP_OFF);
	memset(&stats, 0, sizeof(stats));
	for (i = 0; i < n; i++) {
		rng_state = 0xa77ac4e5ULL + i;
		/* a few of release size, 27 Member States x 22 sectors */
		if (i % 100 == 50) {
			at_random(&table_a, 27, 22, 0);
			big++;
		} else {
			at_random(&table_a, 0, 0, 0);
		}
		snprintf(label, sizeof(label), "random table %u", i);
		f += at_run(&table_a, AT_SUMMARY, label, &refused);
		tried++;
		if (now() - t0 > 240) {
			print_message("time budget reached after %u tables\n", tried);
			break;
		}
	}
	at_print_stats("random tables", now() - t0);
	print_message("%u of release size 27x22\n", big);
	assert_int_equal(f, 0);
	/* refusing is allowed, but not as a habit */
	assert_true(stats.refused * 20 < tried);
	assert_true(stats.tables > tried / 2);
}

/* ---- the cases of the issue, worked by hand ---- */

/* Member States DE and FR with one reporter each, the rest with several,
 * the EU total published (pinned, as in the report). Each lone reporter
 * knows its own cell; with only the two hidden it would subtract itself
 * from the total and read the other's loss. */
static void
test_two_lone_member_states(void **state)
{
	/* rows: DE FR ES IT NL PL */
	static const struct at_rep reps[] = {
		{ 0, 0, 1, 50000 }, { 1, 0, 2, 80000 },
		{ 2, 0, 3, 10000 }, { 2, 0, 4, 10000 }, { 2, 0, 5, 10000 },
		{ 3, 0, 6, 5000 }, { 3, 0, 7, 5000 }, { 3, 0, 8, 5000 },
		{ 3, 0, 9, 5000 },
		{ 4, 0, 10, 1000 }, { 4, 0, 11, 1000 }, { 4, 0, 12, 1000 },
		{ 5, 0, 13, 3000 }, { 5, 0, 14, 3000 }, { 5, 0, 15, 3000 },
	};
	struct at *t = &table_a;
	sdc_table *s = NULL;
	double lo = 0, hi = 0, other = 0;
	size_t r = 0, hidden = 0;

	(void)state;
	glp_term_out(GLP_OFF);
	at_shape(t, 6, 1, 1, 0, 1);
	t->nrep = sizeof(reps) / sizeof(reps[0]);
	memcpy(t->rep, reps, sizeof(reps));
	t->pin[t->npin++] = cell(t, 6, 0);
	at_model(t);
	s = at_build(t, AT_SUMMARY);
	assert_int_equal(sdc_protect(s, &t->par), SD_OK);
	assert_int_equal(sdc_status(s, 0, 0), SDC_SMALL);
	assert_int_equal(sdc_status(s, 1, 0), SDC_SMALL);
	assert_int_equal(sdc_status(s, 6, 0), SDC_FREE);
	assert_true(sdc_value(s, 6, 0) == 192000);
	/* 10% of the cell (freq_range and the p%-rule agree for one
	 * contributor): DE needs 5000 above and below, FR 8000 */
	sdc_protection(s, 0, 0, &lo, &hi);
	assert_true(fabs(hi - 5000) < 1e-6 && fabs(lo - 5000) < 1e-6);
	sdc_protection(s, 1, 0, &lo, &hi);
	assert_true(fabs(hi - 8000) < 1e-6 && fabs(lo - 8000) < 1e-6);
	/* the two alone would be read exactly: a third Member State is
	 * hidden, large enough for FR (NL's 3000 is not) */
	for (r = 2; r < 6; r++) {
		if (sdc_status(s, r, 0) == SDC_SECONDARY) {
			hidden++;
			other += (double)t->val[cell(t, r, 0)];
		}
	}
	print_message("DE, FR and %zu more hidden (%g)\n", hidden, other);
	assert_true(hidden >= 1);
	assert_true(other >= 8000);
	/* by hand: the reporter of DE knows DE, the total and the published
	 * cells; FR and the other hidden ones share what is left, each at
	 * least 0, so FR lies in [0, 80000 + other]. Likewise for DE. */
	at_interval(t, s, at_attacker(t, 1), cell(t, 1, 0), &lo, &hi);
	assert_true(fabs(lo - 0) < 1e-6);
	assert_true(fabs(hi - (80000 + other)) < 1e-6);
	assert_true(hi >= 88000 - 1e-6);
	at_interval(t, s, at_attacker(t, 2), cell(t, 0, 0), &lo, &hi);
	assert_true(fabs(lo - 0) < 1e-6);
	assert_true(fabs(hi - (50000 + other)) < 1e-6);
	/* and every other reporter too */
	assert_int_equal(at_check(t, s, "two lone Member States"), 0);
	at_free(s);
}

/* The same in a count table: DE one reporter with two reports, FR one
 * reporter with one. */
static void
test_two_lone_member_states_count(void **state)
{
	static const struct at_rep reps[] = {
		{ 0, 0, 1, 1 }, { 0, 0, 1, 1 }, { 1, 0, 2, 1 },
		{ 2, 0, 3, 1 }, { 2, 0, 4, 1 }, { 2, 0, 5, 1 },
		{ 3, 0, 6, 1 }, { 3, 0, 7, 1 }, { 3, 0, 8, 1 }, { 3, 0, 9, 1 },
		{ 3, 0, 9, 1 },
		{ 4, 0, 10, 1 }, { 4, 0, 11, 1 }, { 4, 0, 12, 1 },
		{ 5, 0, 13, 1 }, { 5, 0, 14, 1 }, { 5, 0, 15, 1 }, { 5, 0, 13, 1 },
		{ 5, 0, -1, 1 }, { 5, 0, -2, 1 },
	};
	struct at *t = &table_a;
	sdc_table *s = NULL;
	double lo = 0, hi = 0, excess = 0;
	size_t r = 0;

	(void)state;
	glp_term_out(GLP_OFF);
	at_shape(t, 6, 1, 1, 0, 0);
	t->nrep = sizeof(reps) / sizeof(reps[0]);
	memcpy(t->rep, reps, sizeof(reps));
	t->pin[t->npin++] = cell(t, 6, 0);
	at_model(t);
	s = at_build(t, AT_SUMMARY);
	assert_int_equal(sdc_protect(s, &t->par), SD_OK);
	assert_int_equal(sdc_status(s, 0, 0), SDC_SMALL);
	assert_int_equal(sdc_status(s, 1, 0), SDC_SMALL);
	assert_int_equal(sdc_status(s, 6, 0), SDC_FREE);
	assert_true(sdc_value(s, 6, 0) == 20);
	/* a hidden count must be able to double: U = X; below, one report,
	 * but FR's single report is known to be at least 1 */
	sdc_protection(s, 0, 0, &lo, &hi);
	assert_true(fabs(hi - 2) < 1e-9 && fabs(lo - 1) < 1e-9);
	sdc_protection(s, 1, 0, &lo, &hi);
	assert_true(fabs(hi - 1) < 1e-9 && fabs(lo - 0) < 1e-9);
	for (r = 2; r < 6; r++)
		if (sdc_status(s, r, 0) == SDC_SECONDARY)
			excess += (double)t->val[cell(t, r, 0)] - 1;
	/* by hand: for the reporter of FR (alone there), DE and the other
	 * hidden cells share what the total leaves, each other hidden cell
	 * at least 1: DE lies in [1, 2 + excess] and must reach 4 */
	at_interval(t, s, at_attacker(t, 2), cell(t, 0, 0), &lo, &hi);
	assert_true(fabs(lo - 1) < 1e-9);
	assert_true(fabs(hi - (2 + excess)) < 1e-9);
	assert_true(hi >= 4 - 1e-9);
	at_interval(t, s, at_attacker(t, 1), cell(t, 1, 0), &lo, &hi);
	assert_true(fabs(lo - 1) < 1e-9);
	assert_true(fabs(hi - (1 + excess)) < 1e-9);
	assert_int_equal(at_check(t, s, "two lone Member States, count"), 0);
	at_free(s);
}

/* One line of a 2-D table: reporter 1 alone in (0,0), (0,1) dominated by
 * reporter 2. Hiding just those two of the line (with a rectangle below)
 * lets reporter 1 subtract itself from the published line total. */
static void
test_lone_reporter_in_line(void **state)
{
	static const struct at_rep reps[] = {
		{ 0, 0, 1, 40000 },
		{ 0, 1, 2, 100000 }, { 0, 1, 3, 1000 }, { 0, 1, 4, 1000 },
		{ 0, 2, 5, 20000 }, { 0, 2, 6, 25000 }, { 0, 2, 7, 30000 },
		{ 1, 0, 8, 9000 }, { 1, 0, 9, 8000 }, { 1, 0, 10, 7000 },
		{ 1, 1, 11, 6000 }, { 1, 1, 12, 9000 }, { 1, 1, 13, 12000 },
		{ 1, 2, 14, 5000 }, { 1, 2, 15, 5000 }, { 1, 2, 16, 5000 },
		{ 2, 0, 17, 30000 }, { 2, 0, 18, 20000 }, { 2, 0, -1, 25000 },
		{ 2, 1, 19, 4000 }, { 2, 1, 20, 4000 }, { 2, 1, 21, 4000 },
		{ 2, 2, 22, 70000 }, { 2, 2, 23, 60000 }, { 2, 2, -2, 50000 },
	};
	struct at *t = &table_a;
	sdc_table *s = NULL;
	double lo = 0, hi = 0;
	size_t c = 0, hidden = 0;

	(void)state;
	glp_term_out(GLP_OFF);
	at_shape(t, 3, 3, 1, 1, 1);
	t->nrep = sizeof(reps) / sizeof(reps[0]);
	memcpy(t->rep, reps, sizeof(reps));
	at_model(t);
	s = at_build(t, AT_SUMMARY);
	assert_int_equal(sdc_protect(s, &t->par), SD_OK);
	assert_int_equal(sdc_status(s, 0, 0), SDC_SMALL);
	assert_int_equal(sdc_status(s, 0, 1), SDC_DOM_ONE);
	/* p%: 10% of 100000 less the 1000 of the rest: 9000 each way */
	sdc_protection(s, 0, 1, &lo, &hi);
	assert_true(fabs(hi - 9000) < 1e-6 && fabs(lo - 9000) < 1e-6);
	for (c = 0; c <= 3; c++)
		hidden += is_hidden(sdc_status(s, 0, c));
	/* besides reporter 1's own cell, row 0 hides at least two more cells
	 * (the total counts), or reporter 1 reads (0,1) from the row */
	assert_true(hidden >= 3);
	at_interval(t, s, at_attacker(t, 1), cell(t, 0, 1), &lo, &hi);
	print_message("reporter 1 sees (0,1) = 102000 in [%g, %g]\n", lo, hi);
	assert_true(hi >= 102000 + 9000 - 1e-6);
	assert_true(lo <= 102000 - 9000 + 1e-6);
	assert_int_equal(at_check(t, s, "lone reporter in a line"), 0);
	at_free(s);
}

/* Reporter 1 in two hidden cells of one line, reporter 2 the other
 * contributor of both. With only these two hidden and the total
 * published, reporter 1 subtracts both of its values and reads reporter
 * 2's combined value; in a count table it even reads each cell. */
static void
at_two_cells_same_pair(int mag)
{
	struct at *t = &table_a;
	sdc_table *s = NULL;
	double lo = 0, hi = 0, own = 0;
	size_t pair[2] = { 0, 0 }, i = 0;
	int32_t id = 3;
	size_t r = 0;

	at_shape(t, 5, 1, 1, 0, mag);
	at_put(t, 0, 0, 1, mag ? 10000 : 1);
	at_put(t, 0, 0, 2, mag ? 30000 : 1);
	at_put(t, 1, 0, 1, mag ? 5000 : 1);
	at_put(t, 1, 0, 2, mag ? 20000 : 1);
	for (r = 2; r < 5; r++)
		for (i = 0; i < 3 + r % 2; i++)
			at_put(t, r, 0, id++, mag ? (int64_t)(4000 + 1000 * i) : 1);
	t->pin[t->npin++] = cell(t, 5, 0);
	at_model(t);
	s = at_build(t, AT_SUMMARY);
	assert_int_equal(sdc_protect(s, &t->par), SD_OK);
	assert_int_equal(sdc_status(s, 0, 0), SDC_SMALL);
	assert_int_equal(sdc_status(s, 1, 0), SDC_SMALL);
	at_show(t, s);
	/* every cell against every reporter, as the model states it */
	assert_int_equal(at_check(t, s, mag ? "two cells, same pair" :
	    "two cells, same pair, count"), 0);
	/* In a count table that already forces a third hidden cell: reporter
	 * 1 knows each of the two is at least 2, and with the total
	 * published and only these two hidden both would be exactly 2, while
	 * each must be able to reach 4. In a magnitude table the per-cell
	 * levels hold with the two alone (for reporter 1, (0,0) = 40000 lies
	 * in [10000, 60000] and needs [36000, 44000]), yet their sum is then
	 * the published total less the published cells, and reporter 1 reads
	 * reporter 2's combined value: the sum less its own 15000. */
	pair[0] = cell(t, 0, 0);
	pair[1] = cell(t, 1, 0);
	own = mag ? 15000 : 2;
	at_sum_interval(t, s, at_attacker(t, 1), pair, 2, &lo, &hi);
	print_message("%s: reporter 1 sees reporter 2's combined %g in "
	    "[%g, %g]\n", mag ? "magnitude" : "count", mag ? 50000.0 : 2.0,
	    lo - own, hi - own);
	assert_true(hi - lo >= 1 - 1e-6);
	/* and the other way round */
	at_sum_interval(t, s, at_attacker(t, 2), pair, 2, &lo, &hi);
	assert_true(hi - lo >= 1 - 1e-6);
	at_free(s);
}

static void
test_two_cells_same_pair_count(void **state)
{
	(void)state;
	glp_term_out(GLP_OFF);
	at_two_cells_same_pair(0);
}

static void
test_two_cells_same_pair_magnitude(void **state)
{
	(void)state;
	glp_term_out(GLP_OFF);
	at_two_cells_same_pair(1);
}

/* ---- count tables the engine accepted unprotected ---- */

/* Protect a fixed table; a refusal is safe, an accepted pattern must hold
 * against every attacker. Returns the engine's table for more checks, or
 * NULL when it refused. */
static sdc_table *
at_fixed(struct at *t, const struct at_rep *reps, size_t n, const char *label)
{
	sdc_table *s = NULL;
	int rc = 0;

	t->nrep = n;
	memcpy(t->rep, reps, n * sizeof(reps[0]));
	at_model(t);
	s = at_build(t, AT_SUMMARY);
	rc = sdc_protect(s, &t->par);
	if (rc == SD_E_CONFIDENTIAL) {
		print_message("%s: refused (%s)\n", label, sdc_info(s)->why);
		at_free(s);
		return NULL;
	}
	assert_int_equal(rc, SD_OK);
	at_show(t, s);
	return s;
}

/* A 2x2 count table with all margins, default parameters:
 *
 *            c0            c1                  total
 *   r0   reporter 1 x2  3 reporters            5
 *   r1   reporter 12 x2 reporter 2             3
 *   total    4             4                   8
 *
 * (0,0), (1,0), (1,1), (1,2) and (2,0) fail the frequency rule. Reporter 12
 * is alone in (1,0) and knows it is 2. If column 1's total is published,
 * (1,1) = 4 - (0,1) <= 3, so row 1's total (1,2) = 2 + (1,1) <= 5, where
 * the level of a hidden count (U = X = 3) requires it to reach 6. */
static void
test_regression_count_lone_in_total(void **state)
{
	static const struct at_rep reps[] = {
		{ 0, 0, 1, 1 }, { 0, 0, 1, 1 },
		{ 0, 1, -1, 1 }, { 0, 1, 13, 1 }, { 0, 1, 15, 1 },
		{ 1, 0, 12, 1 }, { 1, 0, 12, 1 },
		{ 1, 1, 2, 1 },
	};
	struct at *t = &table_a;
	sdc_table *s = NULL;
	double lo = 0, hi = 0;

	(void)state;
	glp_term_out(GLP_OFF);
	at_shape(t, 2, 2, 1, 1, 0);
	s = at_fixed(t, reps, sizeof(reps) / sizeof(reps[0]),
	    "lone reporter in a total");
	if (s == NULL)
		return;
	assert_int_equal(sdc_status(s, 1, 2), SDC_SMALL);
	at_interval(t, s, at_attacker(t, 12), cell(t, 1, 2), &lo, &hi);
	print_message("reporter 12 sees (1,2) = 3 in [%g, %g]; it must reach "
	    "6\n", lo, hi);
	assert_true(hi >= 6 - 1e-9);
	assert_int_equal(at_check(t, s, "lone reporter in a total"), 0);
	at_free(s);
}

/* A 2x2 count table of single reports and one reporter, default
 * parameters:
 *
 *            c0           c1                        total
 *   r0   report 1     reporter 12, reports 2, 3      4
 *   r1   report 4     report 5                       2
 *   total    2            4                          6
 *
 * Reporter 12 knows that (0,1) is at least 2 (its own report and someone
 * else's) and (0,0) at least 1, so row 0 is at least 3 and, with the grand
 * total 6 published, row 1's total (1,2) = 2 is at most 3: it must reach 4.
 * The same for (2,0) through column 1. */
static void
test_regression_count_others_known(void **state)
{
	static const struct at_rep reps[] = {
		{ 0, 0, -1, 1 },
		{ 0, 1, 12, 1 }, { 0, 1, -2, 1 }, { 0, 1, -3, 1 },
		{ 1, 0, -4, 1 },
		{ 1, 1, -5, 1 },
	};
	struct at *t = &table_a;
	sdc_table *s = NULL;
	double lo = 0, hi = 0;

	(void)state;
	glp_term_out(GLP_OFF);
	at_shape(t, 2, 2, 1, 1, 0);
	s = at_fixed(t, reps, sizeof(reps) / sizeof(reps[0]),
	    "others known in a count");
	if (s == NULL)
		return;
	assert_int_equal(sdc_status(s, 1, 2), SDC_SMALL);
	assert_int_equal(sdc_status(s, 2, 0), SDC_SMALL);
	at_interval(t, s, at_attacker(t, 12), cell(t, 1, 2), &lo, &hi);
	print_message("reporter 12 sees (1,2) = 2 in [%g, %g]; it must reach "
	    "4\n", lo, hi);
	assert_true(hi >= 4 - 1e-9);
	at_interval(t, s, at_attacker(t, 12), cell(t, 2, 0), &lo, &hi);
	assert_true(hi >= 4 - 1e-9);
	assert_int_equal(at_check(t, s, "others known in a count"), 0);
	at_free(s);
}

/* A 3x3 count table, default parameters:
 *
 *            c0          c1                       c2              total
 *   r0   report 1        -                        -                1
 *   r1   reporter 6   reporter 18   reporters 17, 1, reports 8, 9   6
 *   r2       -        reporters 1, 6, report 19  reports 20, 21     5
 *   total    2           4                        6                12
 *
 * Column 0's total (3,0) = 2 has two contributors and must reach 4.
 * Reporter 6 is alone in (1,0) and in (2,1) with someone else; if c2's
 * total and the grand total are published, (3,0) = 6 - (3,1), and
 * (3,1) = (1,1) + (2,1) >= 1 + 2, so (3,0) <= 3. */
static void
test_regression_count_column_total(void **state)
{
	static const struct at_rep reps[] = {
		{ 0, 0, -1, 1 },
		{ 1, 0, 6, 1 },
		{ 1, 1, 18, 1 },
		{ 1, 2, 17, 1 }, { 1, 2, -8, 1 }, { 1, 2, 1, 1 }, { 1, 2, -9, 1 },
		{ 2, 1, 1, 1 }, { 2, 1, -19, 1 }, { 2, 1, 6, 1 },
		{ 2, 2, -20, 1 }, { 2, 2, -21, 1 },
	};
	struct at *t = &table_a;
	sdc_table *s = NULL;
	double lo = 0, hi = 0;

	(void)state;
	glp_term_out(GLP_OFF);
	at_shape(t, 3, 3, 1, 1, 0);
	s = at_fixed(t, reps, sizeof(reps) / sizeof(reps[0]),
	    "count column total");
	if (s == NULL)
		return;
	assert_int_equal(sdc_status(s, 3, 0), SDC_SMALL);
	at_interval(t, s, at_attacker(t, 6), cell(t, 3, 0), &lo, &hi);
	print_message("reporter 6 sees (3,0) = 2 in [%g, %g]; it must reach "
	    "4\n", lo, hi);
	assert_true(hi >= 4 - 1e-9);
	assert_int_equal(at_check(t, s, "count column total"), 0);
	at_free(s);
}

/* ---- large values ---- */

/* Losses near 2^53: every published figure exact, the totals the exact
 * sums, and the protection still checked. */
static void
test_large_values(void **state)
{
	const int64_t M = SDC_VALUE_MAX;
	struct at *t = &table_a;
	sdc_table *s = NULL;
	int64_t sum = 0;
	size_t i = 0, r = 0, c = 0;
	int32_t id = 1;
	int rc = 0;

	(void)state;
	glp_term_out(GLP_OFF);
	/* 1-D: a lone reporter of 2^52 + 12345, and odd losses elsewhere;
	 * the total M - 1, which a double holds exactly only just */
	at_shape(t, 5, 1, 1, 0, 1);
	at_put(t, 0, 0, id++, ((int64_t)1 << 52) + 12345);
	sum = ((int64_t)1 << 52) + 12345;
	for (r = 1; r < 5; r++) {
		for (i = 0; i < 3; i++) {
			int64_t v = (int64_t)(r * 100000000000001LL + i * 7 + 1);
			at_put(t, r, 0, id++, v);
			sum += v;
		}
	}
	/* fill the last cell up to M - 1 */
	at_put(t, 4, 0, id++, M - 1 - sum);
	at_model(t);
	assert_true(t->val[cell(t, 5, 0)] == M - 1);
	s = at_build(t, AT_SUMMARY);
	assert_int_equal(sdc_protect(s, &t->par), SD_OK);
	for (r = 0; r <= 5; r++)
		assert_true(sdc_value(s, r, 0) == t->val[cell(t, r, 0)]);
	assert_true(sdc_value(s, 5, 0) == M - 1);
	assert_int_equal(at_check(t, s, "large 1-D"), 0);
	at_free(s);

	/* 2-D with both margins, grand total exactly SDC_VALUE_MAX */
	at_shape(t, 3, 3, 1, 1, 1);
	sum = 0;
	id = 1;
	for (r = 0; r < 3; r++) {
		for (c = 0; c < 3; c++) {
			size_t n = (r + c) % 3 == 0 ? 1 : 3;
			for (i = 0; i < n; i++) {
				int64_t v = (int64_t)(100000000000000LL * (int64_t)(r + 1) +
				    (int64_t)(c * 1000 + i * 3 + 1));
				at_put(t, r, c, id++, v);
				sum += v;
			}
		}
	}
	at_put(t, 2, 2, id++, M - sum);
	at_model(t);
	assert_true(t->val[cell(t, 3, 3)] == M);
	s = at_build(t, AT_SUMMARY);
	assert_int_equal(sdc_protect(s, &t->par), SD_OK);
	for (r = 0; r <= 3; r++)
		for (c = 0; c <= 3; c++)
			assert_true(sdc_value(s, r, c) == t->val[cell(t, r, c)]);
	assert_true(sdc_value(s, 3, 3) == M);
	assert_int_equal(at_check(t, s, "large 2-D"), 0);
	at_free(s);
	/* one more euro anywhere passes SDC_VALUE_MAX in the grand total */
	s = at_build(t, AT_SUMMARY);
	rc = sdc_add(s, 0, 1, 999, 1);
	if (rc == SD_OK)
		rc = sdc_protect(s, &t->par);
	assert_int_equal(rc, SD_E_RANGE);
	at_free(s);

	/* the same as single reports */
	s = at_build(t, AT_SUMMARY);
	rc = sdc_add_single(s, 1, 0, 1);
	if (rc == SD_OK)
		rc = sdc_protect(s, &t->par);
	assert_int_equal(rc, SD_E_RANGE);
	at_free(s);
}

/* ---- the summary of single reports ---- */

/* The same tables with single reports kept as a summary and with each
 * under an id of its own: both patterns must hold against every single
 * report, which this test checks individually. */
static void
test_summary_hides_no_attacker(void **state)
{
	unsigned n = at_budget_tables(120, 40), i = 0, f = 0, tried = 0;
	unsigned primaries_differ = 0;
	double t0 = now();
	char label[80];
	int ra = 0, rb = 0;

	(void)state;
	glp_term_out(GLP_OFF);
	memset(&stats, 0, sizeof(stats));
	for (i = 0; i < n; i++) {
		size_t k = 0;

		rng_state = 0x5ca1ab1eULL + i;
		/* more single reports than usual */
		at_random(&table_a, 0, 0, 1);
		snprintf(label, sizeof(label), "summary table %u", i);
		f += at_run(&table_a, AT_SUMMARY, label, &ra);
		snprintf(label, sizeof(label), "own-id table %u", i);
		f += at_run(&table_a, AT_OWN_IDS, label, &rb);
		tried += 2;
		/* the primary rules see the same contributors both ways */
		{
			sdc_table *a = at_build(&table_a, AT_SUMMARY);
			sdc_table *b = at_build(&table_a, AT_OWN_IDS);
			assert_int_equal(sdc_prepare(a, &table_a.par), SD_OK);
			assert_int_equal(sdc_prepare(b, &table_a.par), SD_OK);
			for (k = 0; k < (table_a.nr + 1) * (table_a.nc + 1); k++) {
				size_t r = k / (table_a.nc + 1), c = k % (table_a.nc + 1);
				if (!table_a.ex[k])
					continue;
				primaries_differ += sdc_status(a, r, c) !=
				    sdc_status(b, r, c);
			}
			at_free(a);
			at_free(b);
		}
		if (now() - t0 > 180) {
			print_message("time budget reached after %u tables\n", i + 1);
			break;
		}
	}
	at_print_stats("summary and own ids", now() - t0);
	assert_int_equal(primaries_differ, 0);
	assert_int_equal(f, 0);
	assert_true(stats.refused * 20 < tried);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_two_lone_member_states,
		    at_teardown),
		cmocka_unit_test_teardown(test_two_lone_member_states_count,
		    at_teardown),
		cmocka_unit_test_teardown(test_lone_reporter_in_line,
		    at_teardown),
		cmocka_unit_test_teardown(test_two_cells_same_pair_count,
		    at_teardown),
		cmocka_unit_test_teardown(test_two_cells_same_pair_magnitude,
		    at_teardown),
		cmocka_unit_test_teardown(test_regression_count_lone_in_total,
		    at_teardown),
		cmocka_unit_test_teardown(test_regression_count_others_known,
		    at_teardown),
		cmocka_unit_test_teardown(test_regression_count_column_total,
		    at_teardown),
		cmocka_unit_test_teardown(test_large_values,
		    at_teardown),
		cmocka_unit_test_teardown(test_random_tables,
		    at_teardown),
		cmocka_unit_test_teardown(test_summary_hides_no_attacker,
		    at_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
