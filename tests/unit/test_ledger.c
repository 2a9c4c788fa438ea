/* The release ledger and linked tables: releases that share reports are
 * protected together. Each case makes releases through the same code the
 * commands use, into a real analyst store, and then checks on its own what
 * a reader of all of them can work out: a linear program over the finest
 * cells (Member State x sector x size x quarter x the releases that
 * counted a report), every published cell of every release as an
 * equation, for the outsider and for every single contributor (who also
 * knows its own reports in every cell and where it is alone). Every
 * primary cell of every release must keep its protection. */
#include <glpk.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "astore.h"
#include "cube.h"
#include "ledger.h"
#include "query.h"
#include "recs.h"
#include "release.h"
#include "sd_err.h"
#include "sdc.h"

#define MAXR 4096

/* The reports of the test world, with the release that first saw each. */
struct world {
	struct sd_report r[MAXR];
	int64_t seq[MAXR];
	size_t n;
	astore *s;
};

static struct world W;

static void
world_reset(const char *db)
{
	char path[256];

	if (W.s != NULL)
		astore_close(W.s);
	memset(&W, 0, sizeof(W));
	remove(db);
	snprintf(path, sizeof(path), "%s-wal", db);
	remove(path);
	snprintf(path, sizeof(path), "%s-shm", db);
	remove(path);
	assert_int_equal(astore_open(db, ASTORE_CREATE, &W.s), SD_OK);
}

static void
rep(int reporter, uint8_t ms, uint8_t sector, uint8_t size, unsigned quarter,
    int64_t loss)
{
	struct sd_report *r = &W.r[W.n];

	assert_true(W.n < MAXR);
	memset(r, 0, sizeof(*r));
	r->incident_ref[0] = (uint8_t)W.n;
	r->incident_ref[1] = (uint8_t)(W.n >> 8);
	r->incident_ref[2] = 0x77;
	if (reporter >= 0) {
		r->has_reporter = 1;
		r->reporter[0] = (uint8_t)reporter;
		r->reporter[31] = 0x5a;
	}
	r->member_state = ms;
	r->sector = sector;
	r->size_class = size;
	r->discovered_year = 2026;
	r->discovered_quarter = (uint8_t)quarter;
	r->secret_types = 1;
	r->attack_vectors = 1;
	r->loss_eur = loss;
	r->jobs_at_risk = -1;
	W.seq[W.n] = (int64_t)W.n + 1;
	W.n++;
}

static void
recs_now(struct recset *rs)
{
	size_t i;

	recset_init(rs);
	for (i = 0; i < W.n; i++)
		assert_int_equal(recset_add(rs, W.seq[i], &W.r[i]), SD_OK);
	assert_int_equal(recset_finish(rs), SD_OK);
}

/* One release of one table through the code the table command runs;
 * returns what release_protect returned. */
static int
release_one(const char *rows, const char *cols, enum cube_measure m,
    const char *period)
{
	struct query q;
	struct release R;
	struct sdc_params p;
	struct dim dr, dc;
	struct cube_spec spec;
	sd_buf b;
	size_t idx = 0;
	int rc;

	memset(&q, 0, sizeof(q));
	recs_now(&q.rs);
	q.s = W.s;
	sdc_params_default(&p);
	memset(&spec, 0, sizeof(spec));
	assert_int_equal(dim_lookup(rows, &dr), SD_OK);
	spec.rows = &dr;
	if (cols != NULL) {
		assert_int_equal(dim_lookup(cols, &dc), SD_OK);
		spec.cols = &dc;
	}
	spec.measure = m;
	if (period != NULL)
		assert_int_equal(period_parse(period, &spec.period), SD_OK);
	assert_int_equal(release_open(&R, &q, &p, 0, "table", "t", period,
	    "test"), SD_OK);
	assert_int_equal(release_add(&R, &q, &spec, "t", 0, &idx, "test"),
	    SD_OK);
	rc = release_protect(&R, 0, "test");
	if (rc == SD_OK) {
		sd_buf_init(&b, 1024);
		assert_int_equal(sd_buf_adds(&b, "x"), SD_OK);
		assert_int_equal(release_commit(&R, &q, "out.txt", 1, &b,
		    "test"), SD_OK);
		sd_buf_free(&b);
	}
	release_free(&R);
	recset_free(&q.rs);
	return rc;
}

/* ---- the independent check ---- */

#define NMS 27
#define NSEC 22
#define NSIZE 4
#define NQ 4

struct atoms {
	size_t n;
	/* atom -> ms, sector, size, quarter (1..4), coverage mask */
	uint8_t ms[8192], sec[8192], size[8192], q[8192];
	uint64_t cov[8192];
};

/* Only the codes some report uses: every other one is in a cell published
 * as 0 of a table of that dimension, so its cells are 0 anyway. */
static void
atoms_make(struct atoms *A, const struct ledger_release *rel, size_t nrel)
{
	unsigned char ums[NMS] = { 0 }, usec[NSEC] = { 0 }, usize[NSIZE] = { 0 };
	uint64_t masks[64];
	size_t nm = 0, i, k, a, b, c, d, m;

	for (i = 0; i < W.n; i++) {
		uint64_t mask = 0;
		ums[W.r[i].member_state] = 1;
		usec[W.r[i].sector] = 1;
		usize[W.r[i].size_class] = 1;
		for (k = 0; k < nrel; k++)
			if (seqset_has(&rel[k].rec, W.seq[i]))
				mask |= (uint64_t)1 << k;
		for (m = 0; m < nm && masks[m] != mask; m++)
			;
		if (m == nm && mask != 0)
			masks[nm++] = mask;
	}
	A->n = 0;
	for (a = 0; a < NMS; a++)
		for (b = 0; b < NSEC; b++)
			for (c = 0; c < NSIZE; c++)
				for (d = 1; d <= NQ; d++)
					for (m = 0; m < nm; m++) {
						if (!ums[a] || !usec[b] || !usize[c])
							continue;
						assert_true(A->n < 8192);
						A->ms[A->n] = (uint8_t)a;
						A->sec[A->n] = (uint8_t)b;
						A->size[A->n] = (uint8_t)c;
						A->q[A->n] = (uint8_t)d;
						A->cov[A->n] = masks[m];
						A->n++;
					}
}

static uint32_t
field(uint8_t ms, uint8_t sec, uint8_t size, const char *name)
{
	if (strcmp(name, "member_state") == 0)
		return ms;
	if (strcmp(name, "sector") == 0)
		return sec;
	return size;
}

/* Is atom a in cell (row, col) of table t of release k? */
static int
atom_in(const struct atoms *A, size_t a, const struct ledger_table *t,
    size_t k, uint32_t row, uint32_t col, size_t nrows, size_t ncols)
{
	uint32_t v;

	if (!((A->cov[a] >> k) & 1u))
		return 0;
	if (t->period_set && (2026u * 4 + A->q[a] - 1 < t->period_from ||
	    2026u * 4 + A->q[a] - 1 > t->period_to))
		return 0;
	v = field(A->ms[a], A->sec[a], A->size[a], t->rows);
	if (row < nrows && v != row)
		return 0;
	if (t->cols[0] != '\0') {
		v = field(A->ms[a], A->sec[a], A->size[a], t->cols);
		if (col < ncols && v != col)
			return 0;
	}
	return 1;
}

static size_t
codes_of(const char *name)
{
	return strcmp(name, "member_state") == 0 ? NMS :
	    strcmp(name, "sector") == 0 ? NSEC : NSIZE;
}

/* Does the report belong to atom a? */
static int
rep_atom(const struct atoms *A, size_t a, size_t i, uint64_t mask)
{
	return A->ms[a] == W.r[i].member_state && A->sec[a] == W.r[i].sector &&
	    A->size[a] == W.r[i].size_class &&
	    A->q[a] == W.r[i].discovered_quarter && A->cov[a] == mask;
}

static uint64_t
mask_of(size_t i, const struct ledger_release *rel, size_t nrel)
{
	uint64_t m = 0;
	size_t k;

	for (k = 0; k < nrel; k++)
		if (seqset_has(&rel[k].rec, W.seq[i]))
			m |= (uint64_t)1 << k;
	return m;
}

/* Contributor of report i: its pseudonym, else the report itself. */
static int
contributor(size_t i)
{
	return W.r[i].has_reporter ? W.r[i].reporter[0] : 1000 + (int)i;
}

static double
solve(glp_prob *lp, int dir)
{
	glp_smcp parm;
	int ret;

	glp_init_smcp(&parm);
	parm.msg_lev = GLP_MSG_OFF;
	parm.presolve = GLP_ON;
	glp_set_obj_dir(lp, dir);
	ret = glp_simplex(lp, &parm);
	if (ret == GLP_ENODFS || (ret == 0 && glp_get_status(lp) == GLP_UNBND))
		return dir == GLP_MAX ? INFINITY : -INFINITY;
	assert_int_equal(ret, 0);
	assert_int_equal(glp_get_status(lp), GLP_OPT);
	return glp_get_obj_val(lp);
}

struct checked {
	size_t cells, attackers;
};

static double
rep_value(size_t i, const struct ledger_table *t)
{
	if (t->measure[0] == 'c')
		return 1;
	return W.r[i].loss_eur > 0 ? (double)W.r[i].loss_eur : 0;
}

/* Reports of cell (row, col) of table t of release k, their value, those
 * of attacker who, and whether who is its only contributor. */
static void
cell_facts(const struct atoms *A, const struct ledger_release *rel,
    size_t nrel, size_t k, const struct ledger_table *t, uint32_t row,
    uint32_t col, int who, double *X, double *own, size_t *ncontrib,
    int *alone)
{
	size_t nr = codes_of(t->rows), nc = t->cols[0] ? codes_of(t->cols) : 1;
	int ids[MAXR];
	size_t i, a, q;

	*X = *own = 0;
	*ncontrib = 0;
	for (i = 0; i < W.n; i++) {
		uint64_t msk = mask_of(i, rel, nrel);
		int in = 0;
		for (a = 0; a < A->n && !in; a++)
			in = rep_atom(A, a, i, msk) &&
			    atom_in(A, a, t, k, row, col, nr, nc);
		if (!in)
			continue;
		*X += rep_value(i, t);
		if (contributor(i) == who)
			*own += rep_value(i, t);
		for (q = 0; q < *ncontrib && ids[q] != contributor(i); q++)
			;
		if (q == *ncontrib)
			ids[(*ncontrib)++] = contributor(i);
	}
	*alone = *ncontrib == 1 && ids[0] == who;
}

/* Attacker who's feasible set over the finest cells: atoms at least its
 * own reports, every published cell equal to its value, every hidden cell
 * non-empty (in a count, at least its own and one more) and equal to its
 * value where who is alone. hide_last: the last release as if it had
 * hidden every cell it published (what its cells published as empty, and
 * the others being non-empty, imply on their own). */
static glp_prob *
build_lp(const struct atoms *A, const struct ledger_release *rel,
    size_t nrel, int who, int hide_last, int *ind, double *val)
{
	glp_prob *lp = glp_create_prob();
	size_t a, i, k, t, c;

	glp_add_cols(lp, (int)A->n);
	for (a = 0; a < A->n; a++) {
		double lb = 0;
		for (i = 0; i < W.n; i++)
			if (rep_atom(A, a, i, mask_of(i, rel, nrel)) &&
			    contributor(i) == who)
				lb += rep_value(i, &rel[0].tab[0]);
		glp_set_col_bnds(lp, (int)a + 1, GLP_LO, lb, 0);
	}
	for (k = 0; k < nrel; k++)
		for (t = 0; t < rel[k].ntab; t++) {
			const struct ledger_table *u = &rel[k].tab[t];
			size_t ur = codes_of(u->rows), uc = u->cols[0] ?
			    codes_of(u->cols) : 1;
			for (c = 0; c < u->ncell; c++) {
				const struct ledger_cell *x = &u->cell[c];
				double X = 0, own = 0;
				size_t nct = 0;
				int n = 0, row, alone = 0;
				for (a = 0; a < A->n; a++)
					if (atom_in(A, a, u, k, x->row, x->col, ur,
					    uc)) {
						ind[++n] = (int)a + 1;
						val[n] = 1;
					}
				if (n == 0)
					continue;
				row = glp_add_rows(lp, 1);
				glp_set_mat_row(lp, row, n, ind, val);
				if (x->value >= 0 && !(hide_last && k + 1 == nrel &&
				    x->status != '-')) {
					glp_set_row_bnds(lp, row, GLP_FX,
					    (double)x->value, (double)x->value);
					continue;
				}
				cell_facts(A, rel, nrel, k, u, x->row, x->col, who,
				    &X, &own, &nct, &alone);
				if (alone)
					glp_set_row_bnds(lp, row, GLP_FX, X, X);
				else
					glp_set_row_bnds(lp, row, GLP_LO,
					    u->measure[0] == 'c' ? own + 1 : 0, 0);
			}
		}
	return lp;
}

static double
bound(glp_prob *lp, const struct atoms *A, const struct ledger_release *rel,
    size_t k, const struct ledger_table *lt, const struct ledger_cell *cell,
    int dir)
{
	size_t a, nr = codes_of(lt->rows), nc = lt->cols[0] ?
	    codes_of(lt->cols) : 1;

	(void)rel;
	for (a = 0; a < A->n; a++)
		glp_set_obj_coef(lp, (int)a + 1, atom_in(A, a, lt, k, cell->row,
		    cell->col, nr, nc) ? 1 : 0);
	return solve(lp, dir);
}

/* Every hidden primary inner cell of every release against the outsider
 * and every contributor, with the levels of docs/disclosure-control.md
 * (a count's lower level as far as the last release's empty cells allow
 * at all). */
static void
check_all(struct checked *ck)
{
	struct ledger_release *rel = NULL;
	size_t nrel = 0, k, t, c, i, j, w;
	struct atoms *A = calloc(1, sizeof(*A));
	int *ind = calloc(8192 + 1, sizeof(*ind));
	double *val = calloc(8192 + 1, sizeof(*val));
	int who[256];
	size_t nwho = 0;

	assert_non_null(A);
	assert_int_equal(ledger_load(W.s, &rel, &nrel), SD_OK);
	atoms_make(A, rel, nrel);
	who[nwho++] = -1;
	for (i = 0; i < W.n; i++) {
		int id = contributor(i), dup = 0;
		for (j = 0; j < nwho; j++)
			dup |= who[j] == id;
		if (!dup && nwho < 256)
			who[nwho++] = id;
	}
	for (k = 0; k < nrel; k++)
	for (t = 0; t < rel[k].ntab; t++) {
		const struct ledger_table *lt = &rel[k].tab[t];
		size_t nr = codes_of(lt->rows), nc = lt->cols[0] ?
		    codes_of(lt->cols) : 1;
		for (c = 0; c < lt->ncell; c++) {
			const struct ledger_cell *cell = &lt->cell[c];
			if (cell->status == 'F' || cell->status == '-' ||
			    cell->status == 'D' || cell->row >= nr ||
			    (lt->cols[0] != '\0' && cell->col >= nc))
				continue;
			ck->cells++;
			for (w = 0; w < nwho; w++) {
				glp_prob *lp;
				double X, own, lo, hi, up, low;
				size_t nct;
				int alone;
				cell_facts(A, rel, nrel, k, lt, cell->row, cell->col,
				    who[w], &X, &own, &nct, &alone);
				if (nct == 0 || (alone && who[w] >= 0))
					continue;
				ck->attackers++;
				lp = build_lp(A, rel, nrel, who[w], 0, ind, val);
				lo = bound(lp, A, rel, k, lt, cell, GLP_MIN);
				hi = bound(lp, A, rel, k, lt, cell, GLP_MAX);
				glp_delete_prob(lp);
				if (lt->measure[0] == 'c') {
					up = X;
					low = X - 1 < 1 ? X - 1 : 1;
					if (who[w] >= 0 && own > 0 && low > X - own - 1)
						low = X - own - 1;
					if (low > 0) {
						double lo_all;
						lp = build_lp(A, rel, nrel, who[w], 1, ind,
						    val);
						lo_all = bound(lp, A, rel, k, lt, cell,
						    GLP_MIN);
						glp_delete_prob(lp);
						if (low > X - lo_all)
							low = X - lo_all;
					}
				} else {
					up = 0.1 * X;
					if (up < 1)
						up = 1;
					low = up < X ? up : X;
					if (low > X - own)
						low = X - own;
				}
				if (low < 0)
					low = 0;
				if (!(hi - X >= up - 1e-6) || !(X - lo >= low - 1e-6))
					print_message("release %lld table %zu cell "
					    "%u,%u (%c) X=%g: attacker %d sees [%g, %g], "
					    "needs +%g -%g\n", (long long)rel[k].id, t,
					    cell->row, cell->col, cell->status, X, who[w],
					    lo, hi, up, low);
				assert_true(hi - X >= up - 1e-6);
				assert_true(X - lo >= low - 1e-6);
			}
		}
	}
	ledger_free(rel, nrel);
	free(A);
	free(ind);
	free(val);
}

/* A group of reports that no release publishes as a cell but that two of
 * them may give away by difference (a Member State's reports of one
 * quarter, or those that arrived after a release): with fewer than three
 * contributors it must be as protected as a confidential cell of a count,
 * against everyone who is not alone in it. by_cov: group by the releases
 * that counted a report; else by quarter. */
static size_t
check_groups(int by_cov)
{
	struct ledger_release *rel = NULL;
	size_t nrel = 0, i, j, w, a, groups = 0, ms;
	struct atoms *A = calloc(1, sizeof(*A));
	int *ind = calloc(8192 + 1, sizeof(*ind));
	double *val = calloc(8192 + 1, sizeof(*val));
	uint64_t keys[64];
	size_t nkeys = 0;

	assert_non_null(A);
	assert_int_equal(ledger_load(W.s, &rel, &nrel), SD_OK);
	atoms_make(A, rel, nrel);
	for (i = 0; i < W.n; i++) {
		uint64_t key = by_cov ? mask_of(i, rel, nrel) :
		    W.r[i].discovered_quarter;
		for (j = 0; j < nkeys && keys[j] != key; j++)
			;
		if (j == nkeys)
			keys[nkeys++] = key;
	}
	for (ms = 0; ms < NMS; ms++)
	for (j = 0; j < nkeys; j++) {
		int ids[MAXR];
		size_t nid = 0, q;
		double X = 0;
		for (i = 0; i < W.n; i++) {
			uint64_t key = by_cov ? mask_of(i, rel, nrel) :
			    W.r[i].discovered_quarter;
			if (W.r[i].member_state != ms || key != keys[j])
				continue;
			X += 1;
			for (q = 0; q < nid && ids[q] != contributor(i); q++)
				;
			if (q == nid)
				ids[nid++] = contributor(i);
		}
		if (nid == 0 || nid >= 3)
			continue;
		groups++;
		for (w = 0; w <= nid; w++) {
			/* the outsider, then each contributor of the group */
			int who = w == 0 ? -1 : ids[w - 1];
			glp_prob *lp;
			double hi;
			if (nid == 1 && who >= 0)
				continue;
			lp = build_lp(A, rel, nrel, who, 0, ind, val);
			for (a = 0; a < A->n; a++)
				glp_set_obj_coef(lp, (int)a + 1, A->ms[a] == ms &&
				    (by_cov ? A->cov[a] == keys[j] :
				    A->q[a] == keys[j]) ? 1 : 0);
			hi = solve(lp, GLP_MAX);
			glp_delete_prob(lp);
			if (!(hi >= 2 * X - 1e-6))
				print_message("group ms %zu key %llu of %g report(s) "
				    "is at most %g for attacker %d\n", ms,
				    (unsigned long long)keys[j], X, hi, who);
			assert_true(hi >= 2 * X - 1e-6);
		}
	}
	ledger_free(rel, nrel);
	free(A);
	free(ind);
	free(val);
	return groups;
}

/* Member State x sector, then Member State x size of the same reports:
 * the Member State totals are one and the same in both, and a cell hidden
 * in one must not come out of the other. */
static void
test_linked_tables(void **state)
{
	struct checked ck = { 0, 0 };
	unsigned i;

	(void)state;
	glp_term_out(GLP_OFF);
	world_reset("linked.db");
	/* three Member States, a few reports each, some rare combinations */
	for (i = 0; i < 12; i++)
		rep(-1, 0, (uint8_t)(i % 3), (uint8_t)(i % 2), 1, 100);
	for (i = 0; i < 10; i++)
		rep(-1, 4, (uint8_t)(i % 2), (uint8_t)(i % 3), 1, 100);
	rep(-1, 9, 0, 0, 1, 100);
	rep(-1, 9, 1, 3, 1, 100);
	rep(-1, 9, 1, 1, 1, 100);
	assert_int_equal(release_one("member_state", "sector", CM_COUNT, NULL),
	    SD_OK);
	assert_int_equal(release_one("member_state", "size_class", CM_COUNT,
	    NULL), SD_OK);
	check_all(&ck);
	print_message("%zu hidden primary cells, %zu attacker checks\n",
	    ck.cells, ck.attackers);
	assert_true(ck.cells > 0);
}

/* 2026-Q1, then 2026-Q1..Q2, then 2026-Q2: the first two must not give
 * away what the third hides. */
static void
test_overlapping_periods(void **state)
{
	struct checked ck = { 0, 0 };
	unsigned i;

	(void)state;
	glp_term_out(GLP_OFF);
	world_reset("periods.db");
	for (i = 0; i < 9; i++)
		rep(-1, 0, 2, 0, 1, 100);
	for (i = 0; i < 7; i++)
		rep(-1, 4, 2, 0, 1, 100);
	for (i = 0; i < 6; i++)
		rep(-1, 0, 2, 0, 2, 100);
	rep(-1, 4, 2, 0, 2, 100);      /* alone in DE in Q2 */
	for (i = 0; i < 5; i++)
		rep(-1, 9, 2, 0, 2, 100);
	assert_int_equal(release_one("member_state", NULL, CM_COUNT, "2026-Q1"),
	    SD_OK);
	assert_int_equal(release_one("member_state", NULL, CM_COUNT,
	    "2026-Q1..2026-Q2"), SD_OK);
	(void)release_one("member_state", NULL, CM_COUNT, "2026-Q2");
	check_all(&ck);
	print_message("%zu hidden primary cells, %zu attacker checks, %zu "
	    "small groups by quarter\n", ck.cells, ck.attackers,
	    check_groups(0));
}

/* The same table again after late reports arrived: the difference of the
 * two must not reveal the late ones. */
static void
test_late_reports(void **state)
{
	struct checked ck = { 0, 0 };
	unsigned i;

	(void)state;
	glp_term_out(GLP_OFF);
	world_reset("late.db");
	for (i = 0; i < 8; i++)
		rep(-1, 0, 2, 0, 1, 100);
	for (i = 0; i < 6; i++)
		rep(-1, 4, 2, 0, 1, 100);
	for (i = 0; i < 5; i++)
		rep(-1, 9, 2, 0, 1, 100);
	assert_int_equal(release_one("member_state", NULL, CM_COUNT, "2026"),
	    SD_OK);
	rep(-1, 4, 2, 0, 1, 100);      /* one late report in DE */
	for (i = 0; i < 4; i++)
		rep(-1, 0, 2, 0, 1, 100);
	(void)release_one("member_state", NULL, CM_COUNT, "2026");
	check_all(&ck);
	print_message("%zu hidden primary cells, %zu attacker checks, %zu "
	    "small groups of late reports\n", ck.cells, ck.attackers,
	    check_groups(1));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_linked_tables),
		cmocka_unit_test(test_overlapping_periods),
		cmocka_unit_test(test_late_reports),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
