/* Disclosure control: the primary rules on the published handbook cases,
 * the frequency threshold edges, and secondary patterns whose right answer
 * is known by hand. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "sd_err.h"
#include "sdc.h"

static struct sdc_params
params(double p, unsigned n, double k)
{
	struct sdc_params s;

	sdc_params_default(&s);
	s.p = p;
	s.nk_n = n;
	s.nk_k = k;
	return s;
}

/* One magnitude cell with no relation: only the primary rules act. */
static sdc_table *
single(const double *v, size_t n)
{
	sdc_table *t = sdc_table_new(1, 1, 0, 0, SDC_MAGNITUDE);
	size_t i = 0;

	assert_non_null(t);
	for (i = 0; i < n; i++)
		assert_int_equal(sdc_add(t, 0, 0, (uint32_t)(i + 1), v[i]),
		    SD_OK);
	return t;
}

static void
test_p_rule_beats_one_dominance(void **state)
{
	const double v[] = { 50000, 49000, 1000 };
	sdc_table *t = single(v, 3);
	struct sdc_params p = params(10, 0, 0);
	double lo = 0, up = 0;

	(void)state;
	assert_int_equal(sdc_protect(t, &p), SD_OK);
	assert_int_equal(sdc_status(t, 0, 0), SDC_DOM_ONE);
	sdc_protection(t, 0, 0, &lo, &up);
	/* 10% of 50,000 minus the 1,000 the others hide */
	assert_true(fabs(up - 4000.0) < 1e-6);
	assert_true(fabs(lo - 4000.0) < 1e-6);
	p = params(0, 1, 90);
	assert_int_equal(sdc_protect(t, &p), SD_OK);
	assert_int_equal(sdc_status(t, 0, 0), SDC_FREE);
	sdc_protection(t, 0, 0, &lo, &up);
	assert_true(up == 0.0 && lo == 0.0);
	sdc_table_free(t);
}

static void
test_two_dominance_beats_p_rule(void **state)
{
	const double v[] = { 52000, 50000, 4000, 4000 };
	sdc_table *t = single(v, 4);
	struct sdc_params p = params(10, 0, 0);
	double up = 0;

	(void)state;
	assert_int_equal(sdc_protect(t, &p), SD_OK);
	assert_int_equal(sdc_status(t, 0, 0), SDC_FREE);
	p = params(0, 2, 90.9);
	assert_int_equal(sdc_protect(t, &p), SD_OK);
	assert_int_equal(sdc_status(t, 0, 0), SDC_DOM_TWO);
	sdc_protection(t, 0, 0, NULL, &up);
	assert_true(fabs(up - (100.0 / 90.9 * 102000.0 - 110000.0)) < 1e-6);
	sdc_table_free(t);
}

static void
test_handbook_protection_level(void **state)
{
	const double v[] = { 300, 20, 10 };
	sdc_table *t = single(v, 3);
	struct sdc_params p = params(0, 1, 85);
	double lo = 0, up = 0, ilo = 0, ihi = 0;

	(void)state;
	assert_int_equal(sdc_protect(t, &p), SD_OK);
	assert_int_equal(sdc_status(t, 0, 0), SDC_DOM_ONE);
	sdc_protection(t, 0, 0, &lo, &up);
	assert_true(fabs(up - 22.94) < 0.005);
	/* the p%-rule asks for 30 - 10 = 20 here: the larger level wins */
	p = params(10, 1, 85);
	assert_int_equal(sdc_protect(t, &p), SD_OK);
	sdc_protection(t, 0, 0, &lo, &up);
	assert_true(fabs(up - 22.94) < 0.005);
	/* alone in a table without relations nothing narrows it */
	sdc_interval(t, 0, 0, &ilo, &ihi);
	assert_true(ilo == 0.0 && isinf(ihi));
	sdc_table_free(t);
}

static void
test_frequency_edges(void **state)
{
	sdc_table *t = sdc_table_new(1, 3, 0, 0, SDC_COUNT);
	struct sdc_params p = params(10, 0, 0);
	uint32_t i = 0;

	(void)state;
	assert_non_null(t);
	/* 2 contributors, 3 contributors, and one contributor 5 times */
	for (i = 0; i < 2; i++)
		assert_int_equal(sdc_add(t, 0, 0, 10 + i, 1), SD_OK);
	for (i = 0; i < 3; i++)
		assert_int_equal(sdc_add(t, 0, 1, 20 + i, 1), SD_OK);
	for (i = 0; i < 5; i++)
		assert_int_equal(sdc_add(t, 0, 2, 30, 1), SD_OK);
	assert_int_equal(sdc_protect(t, &p), SD_OK);
	assert_int_equal(sdc_status(t, 0, 0), SDC_SMALL);
	assert_int_equal(sdc_status(t, 0, 1), SDC_FREE);
	assert_int_equal(sdc_status(t, 0, 2), SDC_SMALL);
	assert_int_equal(sdc_contributors(t, 0, 2), 1);
	assert_true(sdc_value(t, 0, 2) == 5.0);
	p.threshold = 2;
	assert_int_equal(sdc_protect(t, &p), SD_OK);
	assert_int_equal(sdc_status(t, 0, 0), SDC_FREE);
	assert_int_equal(sdc_status(t, 0, 2), SDC_SMALL);
	sdc_table_free(t);
}

static void
test_zero_magnitude_cell(void **state)
{
	sdc_table *t = sdc_table_new(1, 2, 0, 0, SDC_MAGNITUDE);
	struct sdc_params p = params(10, 1, 50);
	double up = 0;
	uint32_t i = 0;

	(void)state;
	assert_non_null(t);
	for (i = 0; i < 2; i++)
		assert_int_equal(sdc_add(t, 0, 0, i, 0), SD_OK);
	for (i = 0; i < 3; i++)
		assert_int_equal(sdc_add(t, 0, 1, i, 0), SD_OK);
	assert_int_equal(sdc_protect(t, &p), SD_OK);
	/* a zero reveals that everyone reported 0: frequency rule only */
	assert_int_equal(sdc_status(t, 0, 0), SDC_SMALL);
	assert_int_equal(sdc_status(t, 0, 1), SDC_FREE);
	sdc_protection(t, 0, 0, NULL, &up);
	assert_true(up >= 1.0);
	sdc_table_free(t);
}

/* n distinct contributors with one report each, ids from base */
static void
add_reports(sdc_table *t, size_t r, size_t c, uint32_t base, unsigned n)
{
	unsigned i = 0;

	for (i = 0; i < n; i++)
		assert_int_equal(sdc_add(t, r, c, base + i, 1), SD_OK);
}

static void
check_rectangle(sdc_table *t)
{
	double lo = 0, hi = 0;

	assert_int_equal(sdc_status(t, 0, 0), SDC_SMALL);
	assert_int_equal(sdc_status(t, 0, 1), SDC_SECONDARY);
	assert_int_equal(sdc_status(t, 1, 0), SDC_SECONDARY);
	assert_int_equal(sdc_status(t, 1, 1), SDC_SECONDARY);
	assert_int_equal(sdc_status(t, 0, 2), SDC_FREE);
	assert_int_equal(sdc_status(t, 1, 2), SDC_FREE);
	assert_int_equal(sdc_status(t, 2, 0), SDC_FREE);
	assert_int_equal(sdc_status(t, 2, 1), SDC_FREE);
	assert_int_equal(sdc_status(t, 2, 2), SDC_FREE);
	assert_int_equal(sdc_suppressed_count(t), 4);
	/* (0,0) + (0,1) = 6 and every hidden count is at least 1 */
	sdc_interval(t, 0, 0, &lo, &hi);
	assert_true(fabs(lo - 1.0) < 1e-9);
	assert_true(fabs(hi - 5.0) < 1e-9);
}

static sdc_table *
rectangle_table(void)
{
	sdc_table *t = sdc_table_new(2, 2, 1, 1, SDC_COUNT);

	assert_non_null(t);
	add_reports(t, 0, 0, 1, 1);
	add_reports(t, 0, 1, 100, 5);
	add_reports(t, 1, 0, 200, 6);
	add_reports(t, 1, 1, 300, 7);
	return t;
}

static void
test_single_primary_forces_rectangle(void **state)
{
	sdc_table *t = rectangle_table();
	struct sdc_params p = params(10, 0, 0);

	(void)state;
	assert_int_equal(sdc_protect(t, &p), SD_OK);
	assert_string_equal(sdc_method(t), "exact");
	assert_true(sdc_value(t, 2, 2) == 19.0);
	assert_int_equal(sdc_contributors(t, 2, 2), 19);
	check_rectangle(t);
	p.exact_max_cells = 0;
	assert_int_equal(sdc_protect(t, &p), SD_OK);
	assert_string_equal(sdc_method(t), "heuristic");
	check_rectangle(t);
	sdc_table_free(t);
}

/* Rows are a multi-valued field: no total row, only the row totals bind. */
static void
test_non_additive(void **state)
{
	sdc_table *t = sdc_table_new(3, 3, 0, 1, SDC_MAGNITUDE);
	struct sdc_params p = params(10, 0, 0);
	const double small[] = { 20, 20, 10 }, big[] = { 200, 200, 100 };
	size_t r = 0, c = 0;
	uint32_t i = 0;

	(void)state;
	assert_non_null(t);
	assert_int_equal(sdc_add(t, 0, 0, 1, 1000), SD_OK);
	for (i = 0; i < 3; i++) {
		assert_int_equal(sdc_add(t, 0, 1, 10 + i, small[i]), SD_OK);
		assert_int_equal(sdc_add(t, 0, 2, 20 + i, big[i]), SD_OK);
		for (r = 1; r < 3; r++)
			for (c = 0; c < 3; c++)
				assert_int_equal(sdc_add(t, r, c, 30 + i,
				    big[i]), SD_OK);
	}
	assert_int_equal(sdc_protect(t, &p), SD_OK);
	assert_false(sdc_has_cell(t, 3, 0));
	assert_false(sdc_has_cell(t, 3, 3));
	assert_true(sdc_has_cell(t, 0, 3));
	assert_int_equal(sdc_status(t, 0, 0), SDC_SMALL);
	/* 50 cannot hide 100 (10% of 1000); 500 can, and one cell beats two */
	assert_int_equal(sdc_status(t, 0, 1), SDC_FREE);
	assert_int_equal(sdc_status(t, 0, 2), SDC_SECONDARY);
	assert_int_equal(sdc_status(t, 0, 3), SDC_FREE);
	for (r = 1; r < 3; r++)
		for (c = 0; c <= 3; c++)
			assert_int_equal(sdc_status(t, r, c), SDC_FREE);
	assert_int_equal(sdc_suppressed_count(t), 2);
	sdc_table_free(t);
}

static void
test_one_dimensional(void **state)
{
	sdc_table *t = sdc_table_new(4, 1, 1, 0, SDC_COUNT);
	struct sdc_params p = params(10, 0, 0);
	double lo = 0, hi = 0;

	(void)state;
	assert_non_null(t);
	add_reports(t, 0, 0, 1, 2);
	add_reports(t, 1, 0, 100, 9);
	add_reports(t, 2, 0, 200, 4);
	add_reports(t, 3, 0, 300, 3);
	assert_int_equal(sdc_protect(t, &p), SD_OK);
	assert_true(sdc_has_cell(t, 4, 0));
	assert_false(sdc_has_cell(t, 0, 1));
	assert_true(sdc_value(t, 4, 0) == 18.0);
	assert_int_equal(sdc_status(t, 0, 0), SDC_SMALL);
	/* 2 reports must be able to double. Hidden beside the 3 reports of
	 * row 3 they could, for an outsider (row 3 is at least 1); but each
	 * reporter of row 3 knows that row holds its own report and one
	 * more, so for it row 0 is at most 3. The 4 reports of row 2 are the
	 * smallest partner that holds against them too. */
	assert_int_equal(sdc_status(t, 2, 0), SDC_SECONDARY);
	assert_int_equal(sdc_status(t, 3, 0), SDC_FREE);
	assert_int_equal(sdc_suppressed_count(t), 2);
	sdc_interval(t, 0, 0, &lo, &hi);
	assert_true(fabs(lo - 1.0) < 1e-9 && fabs(hi - 5.0) < 1e-9);
	sdc_table_free(t);
}

/* A row whose only contributor is one organisation: its total is a
 * primary cell as well, and the grand total must then hide it. */
static void
test_primary_margin(void **state)
{
	sdc_table *t = sdc_table_new(3, 2, 1, 1, SDC_COUNT);
	struct sdc_params p = params(10, 0, 0);
	size_t r = 0;

	(void)state;
	assert_non_null(t);
	add_reports(t, 0, 0, 7, 1);
	add_reports(t, 0, 1, 7, 1);
	assert_int_equal(sdc_add(t, 0, 1, 7, 1), SD_OK);
	for (r = 1; r < 3; r++) {
		add_reports(t, r, 0, (uint32_t)(100 * r), 5);
		add_reports(t, r, 1, (uint32_t)(100 * r + 50), 6);
	}
	assert_int_equal(sdc_protect(t, &p), SD_OK);
	assert_int_equal(sdc_status(t, 0, 2), SDC_SMALL);
	assert_int_equal(sdc_contributors(t, 0, 2), 1);
	assert_true(sdc_value(t, 0, 2) == 3.0);
	assert_int_equal(sdc_status(t, 0, 0), SDC_SMALL);
	assert_int_equal(sdc_status(t, 0, 1), SDC_SMALL);
	assert_true(sdc_suppressed_count(t) >= 6);
	sdc_table_free(t);
}

static void
test_bad_input(void **state)
{
	sdc_table *t = sdc_table_new(2, 2, 1, 1, SDC_COUNT);
	sdc_table *m = sdc_table_new(2, 2, 1, 1, SDC_MAGNITUDE);
	struct sdc_params p = params(10, 0, 0);

	(void)state;
	assert_non_null(t);
	assert_non_null(m);
	assert_null(sdc_table_new(0, 2, 1, 1, SDC_COUNT));
	assert_null(sdc_table_new(2, SDC_MAX_DIM + 1, 1, 1, SDC_COUNT));
	assert_int_equal(sdc_add(t, 2, 0, 1, 1), SD_E_INVAL);
	assert_int_equal(sdc_add(t, 0, 2, 1, 1), SD_E_INVAL);
	assert_int_equal(sdc_add(t, 0, 0, 1, 2), SD_E_INVAL);
	assert_int_equal(sdc_add(m, 0, 0, 1, -1), SD_E_INVAL);
	assert_int_equal(sdc_add(m, 0, 0, 1, SDC_VALUE_MAX + 1), SD_E_INVAL);
	/* a sum past what is kept exact is refused, and so is the table */
	assert_int_equal(sdc_add(m, 1, 1, 1, SDC_VALUE_MAX), SD_OK);
	assert_int_equal(sdc_add(m, 1, 1, 2, 1), SD_E_RANGE);
	assert_int_equal(sdc_add_single(m, 1, 1, 1), SD_E_RANGE);
	p.p = 150;
	assert_int_equal(sdc_protect(m, &p), SD_E_INVAL);
	p = params(10, 2, 0);
	assert_int_equal(sdc_protect(m, &p), SD_E_INVAL);
	assert_int_equal(sdc_protect(m, NULL), SD_E_INVAL);
	assert_false(sdc_has_cell(t, 3, 3));
	assert_int_equal(sdc_status(t, 9, 9), SDC_EMPTY);
	sdc_table_free(t);
	sdc_table_free(m);
	sdc_table_free(NULL);
}

static uint64_t seed = 42;

static unsigned
rnd(unsigned n)
{
	seed = seed * 6364136223846793005u + 1442695040888963407u;
	return (unsigned)((seed >> 33) % n);
}

/* Single reports kept as a summary protect exactly as the same reports
 * listed one by one under ids of their own, mixed with contributors that
 * made several reports, in count and magnitude tables, additive or not. */
static void
test_single_reports_as_summary(void **state)
{
	struct sdc_params p;
	int round;

	(void)state;
	sdc_params_default(&p);
	p.nk_n = 3;
	p.nk_k = 80.0;
	for (round = 0; round < 60; round++) {
		size_t nr = 2 + rnd(5), nc = 1 + rnd(5), r, c, k;
		int radd = 1, cadd = nc > 1 && rnd(3) != 0;
		enum sdc_measure m = rnd(2) ? SDC_MAGNITUDE : SDC_COUNT;
		sdc_table *a = sdc_table_new(nr, nc, radd, cadd, m);
		sdc_table *b = sdc_table_new(nr, nc, radd, cadd, m);
		unsigned n = 5 + rnd(60), i;
		uint32_t next_id = 1000;

		assert_non_null(a);
		assert_non_null(b);
		for (i = 0; i < n; i++) {
			double v = m == SDC_COUNT ? 1.0 : (double)(1 + rnd(100000));
			r = rnd((unsigned)nr);
			c = rnd((unsigned)nc);
			if (rnd(3) == 0) {      /* one of three organisations */
				uint32_t org = rnd(3);
				assert_int_equal(sdc_add(a, r, c, org, v), SD_OK);
				assert_int_equal(sdc_add(b, r, c, org, v), SD_OK);
			} else {
				assert_int_equal(sdc_add(a, r, c, next_id++, v), SD_OK);
				assert_int_equal(sdc_add_single(b, r, c, v), SD_OK);
			}
		}
		assert_int_equal(sdc_protect(a, &p), sdc_protect(b, &p));
		for (r = 0; r <= nr; r++)
			for (c = 0; c <= nc; c++) {
				if (!sdc_has_cell(a, r, c))
					continue;
				assert_true(sdc_value(a, r, c) == sdc_value(b, r, c));
				assert_int_equal(sdc_contributors(a, r, c), sdc_contributors(b, r, c));
				/* the primary rules must agree exactly; secondary
				 * patterns come from the same model, but a solver time
				 * limit may pick another one of equal protection */
				enum sdc_status sa = sdc_status(a, r, c), sb = sdc_status(b, r, c);
				if (sa != SDC_SECONDARY && sb != SDC_SECONDARY &&
				    sa != SDC_FREE && sb != SDC_FREE)
					assert_int_equal(sa, sb);
				assert_int_equal(sa == SDC_SMALL || sa == SDC_DOM_ONE || sa == SDC_DOM_TWO,
				    sb == SDC_SMALL || sb == SDC_DOM_ONE || sb == SDC_DOM_TWO);
			}
		(void)k;
		sdc_table_free(a);
		sdc_table_free(b);
	}
	/* more than SDC_TOPK reports in one cell: the rules still see the
	 * largest ones */
	{
		sdc_table *t = sdc_table_new(1, 1, 0, 0, SDC_MAGNITUDE);
		int j;
		for (j = 0; j < 50; j++)
			assert_int_equal(sdc_add_single(t, 0, 0, 10.0), SD_OK);
		assert_int_equal(sdc_add_single(t, 0, 0, 100000.0), SD_OK);
		assert_int_equal(sdc_protect(t, &p), SD_OK);
		assert_int_equal(sdc_status(t, 0, 0), SDC_DOM_ONE);
		sdc_table_free(t);
	}
}

/* Tables of one release share their grand total. Pinned as published, it
 * is never the secondary suppression of a dominated cell (which another
 * table publishing the same total would undo); the pattern protects the
 * cell with the total known. A total that fails a rule itself refuses the
 * table. */
static void
test_pinned_total(void **state)
{
	struct sdc_params p;
	sdc_table *t = sdc_table_new(4, 1, 1, 0, SDC_MAGNITUDE);
	double lo = 0, hi = 0, lower = 0, upper = 0;
	size_t r, secondary = 0;
	uint32_t id = 1;
	int i;

	(void)state;
	sdc_params_default(&p);
	/* DE: one company lost 1,000,000, two others 10; FR, ES, IT: three
	 * companies of 30,000 each */
	assert_int_equal(sdc_add(t, 0, 0, id++, 1000000.0), SD_OK);
	assert_int_equal(sdc_add(t, 0, 0, id++, 10.0), SD_OK);
	assert_int_equal(sdc_add(t, 0, 0, id++, 10.0), SD_OK);
	for (r = 1; r < 4; r++)
		for (i = 0; i < 3; i++)
			assert_int_equal(sdc_add(t, r, 0, id++, 30000.0), SD_OK);
	assert_int_equal(sdc_pin_published(t, 4, 0), SD_OK);
	assert_int_equal(sdc_protect(t, &p), SD_OK);
	assert_int_equal(sdc_status(t, 0, 0), SDC_DOM_ONE);
	assert_int_equal(sdc_status(t, 4, 0), SDC_FREE);
	assert_true(fabs(sdc_value(t, 4, 0) - 1270020.0) < 1e-6);
	for (r = 1; r < 4; r++)
		secondary += sdc_status(t, r, 0) == SDC_SECONDARY;
	assert_true(secondary >= 1);
	sdc_interval(t, 0, 0, &lo, &hi);
	sdc_protection(t, 0, 0, &lower, &upper);
	assert_true(hi - sdc_value(t, 0, 0) >= upper - 1e-6);
	sdc_table_free(t);

	/* a total of two contributors cannot be published anywhere */
	t = sdc_table_new(2, 1, 1, 0, SDC_COUNT);
	assert_int_equal(sdc_add(t, 0, 0, 1, 1.0), SD_OK);
	assert_int_equal(sdc_add(t, 1, 0, 2, 1.0), SD_OK);
	assert_int_equal(sdc_pin_published(t, 2, 0), SD_OK);
	assert_int_equal(sdc_protect(t, &p), SD_E_CONFIDENTIAL);
	assert_int_equal(sdc_pin_published(t, 3, 0), SD_E_INVAL);
	sdc_table_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_p_rule_beats_one_dominance),
		cmocka_unit_test(test_two_dominance_beats_p_rule),
		cmocka_unit_test(test_handbook_protection_level),
		cmocka_unit_test(test_frequency_edges),
		cmocka_unit_test(test_zero_magnitude_cell),
		cmocka_unit_test(test_single_primary_forces_rectangle),
		cmocka_unit_test(test_non_additive),
		cmocka_unit_test(test_one_dimensional),
		cmocka_unit_test(test_primary_margin),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_single_reports_as_summary),
		cmocka_unit_test(test_pinned_total),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
