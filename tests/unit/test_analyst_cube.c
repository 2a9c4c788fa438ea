/* Aggregation of reports into tables: replacement of corrected reports,
 * contributors, multi-valued fields, periods, filters and measures. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "cube.h"
#include "recs.h"
#include "sd_err.h"
#include "sdc.h"

enum { BE = 0, BG = 1, DE = 4, FR = 9 };
enum { SEC_C = 2, SEC_F = 5 };

static struct sd_report
rep(unsigned ref, int reporter, uint8_t ms, uint8_t sector, uint16_t year,
    uint8_t quarter)
{
	struct sd_report r;

	memset(&r, 0, sizeof(r));
	r.incident_ref[0] = (uint8_t)ref;
	r.incident_ref[1] = (uint8_t)(ref >> 8);
	if (reporter >= 0) {
		r.has_reporter = 1;
		r.reporter[0] = (uint8_t)reporter;
		r.reporter[31] = 0x5a;
	}
	r.member_state = ms;
	r.sector = sector;
	r.discovered_year = year;
	r.discovered_quarter = quarter;
	r.secret_types = 1;
	r.attack_vectors = 1;
	r.loss_eur = -1;
	r.jobs_at_risk = -1;
	return r;
}

struct built {
	struct dim rows, cols;
	struct cube_spec spec;
	sdc_table *t;
};

/* Build and protect with rules that publish every cell, so values can be
 * compared with the truth. */
static void
build(const struct recset *rs, struct built *b, const char *rows,
    const char *cols, enum cube_measure m, const char *period,
    unsigned threshold)
{
	struct sdc_params p;

	memset(b, 0, sizeof(*b));
	assert_int_equal(dim_lookup(rows, &b->rows), SD_OK);
	b->spec.rows = &b->rows;
	if (cols != NULL) {
		assert_int_equal(dim_lookup(cols, &b->cols), SD_OK);
		b->spec.cols = &b->cols;
	}
	b->spec.measure = m;
	if (period != NULL)
		assert_int_equal(period_parse(period, &b->spec.period), SD_OK);
	sdc_params_default(&p);
	p.threshold = threshold;
	if (threshold == 1)
		p.p = 0;
	assert_int_equal(cube_build(rs, &b->spec, &b->t), SD_OK);
	assert_int_equal(sdc_protect(b->t, &p), SD_OK);
}

static void
add_all(struct recset *rs, const struct sd_report *r, size_t n)
{
	size_t i;

	recset_init(rs);
	for (i = 0; i < n; i++)
		assert_int_equal(recset_add(rs, (int64_t)i + 1, &r[i]), SD_OK);
	assert_int_equal(recset_finish(rs), SD_OK);
}

static void
test_replacement(void **state)
{
	struct sd_report r[5];
	struct recset rs;
	struct built b;

	(void)state;
	r[0] = rep(1, 7, BE, SEC_C, 2026, 1);
	r[1] = rep(1, 7, DE, SEC_C, 2026, 2);   /* corrects r[0] */
	r[2] = rep(1, 8, BE, SEC_C, 2026, 1);   /* same ref, other reporter */
	r[3] = rep(2, -1, BE, SEC_C, 2026, 1);
	r[4] = rep(2, -1, BG, SEC_C, 2026, 1);  /* corrects r[3] */
	add_all(&rs, r, 5);
	assert_int_equal(rs.n, 3);
	assert_int_equal(rs.replaced, 2);
	build(&rs, &b, "member_state", NULL, CM_COUNT, NULL, 1);
	assert_true(sdc_value(b.t, BE, 0) == 1.0);
	assert_true(sdc_value(b.t, DE, 0) == 1.0);
	assert_true(sdc_value(b.t, BG, 0) == 1.0);
	assert_true(sdc_value(b.t, b.rows.n, 0) == 3.0);
	sdc_table_free(b.t);
	recset_free(&rs);
}

static void
test_replacement_keeps_later_values(void **state)
{
	struct sd_report r[2];
	struct recset rs;
	struct built b;

	(void)state;
	r[0] = rep(9, 3, FR, SEC_C, 2026, 1);
	r[0].loss_eur = 1000;
	r[1] = rep(9, 3, FR, SEC_C, 2026, 1);
	r[1].loss_eur = 250;
	add_all(&rs, r, 2);
	build(&rs, &b, "member_state", NULL, CM_LOSS, NULL, 1);
	assert_true(sdc_value(b.t, FR, 0) == 250.0);
	sdc_table_free(b.t);
	recset_free(&rs);
}

static void
test_contributors(void **state)
{
	struct sd_report r[6];
	struct recset rs;
	struct built b;
	struct ptable pt;

	(void)state;
	r[0] = rep(1, 5, BE, SEC_C, 2026, 1);
	r[1] = rep(2, 5, BE, SEC_C, 2026, 1);
	r[2] = rep(3, 5, BE, SEC_C, 2026, 1);
	r[3] = rep(4, -1, BE, SEC_C, 2026, 1);
	r[4] = rep(5, -1, DE, SEC_C, 2026, 1);
	r[5] = rep(6, -1, DE, SEC_C, 2026, 1);
	add_all(&rs, r, 6);
	assert_int_equal(rs.r[0].contributor, rs.r[1].contributor);
	assert_int_equal(rs.r[1].contributor, rs.r[2].contributor);
	assert_int_not_equal(rs.r[3].contributor, rs.r[4].contributor);
	build(&rs, &b, "member_state", NULL, CM_COUNT, NULL, 3);
	/* four reports, but only two reporters */
	assert_int_equal(sdc_contributors(b.t, BE, 0), 2);
	memset(&pt, 0, sizeof(pt));
	pt.rows = &b.rows;
	pt.t = b.t;
	pt.period = "";
	assert_int_equal(ptable_status(&pt, BE, 0), 'A');
	assert_int_equal(ptable_status(&pt, DE, 0), 'A');
	assert_true(ptable_suppressed(&pt, BE, 0));
	assert_false(ptable_suppressed(&pt, BG, 0));   /* empty: published 0 */
	sdc_table_free(b.t);
	recset_free(&rs);
}

static void
test_multi_valued(void **state)
{
	struct sd_report r[3];
	struct recset rs;
	struct built b;
	struct ptable pt;

	(void)state;
	r[0] = rep(1, -1, BE, SEC_C, 2026, 1);
	r[0].secret_types = (1u << 0) | (1u << 2);
	r[1] = rep(2, -1, BE, SEC_C, 2026, 1);
	r[1].secret_types = 1u << 2;
	r[2] = rep(3, -1, DE, SEC_F, 2026, 1);
	r[2].secret_types = (1u << 2) | (1u << 8);
	add_all(&rs, r, 3);
	build(&rs, &b, "secret_types", "member_state", CM_COUNT, NULL, 1);
	assert_true(sdc_value(b.t, 0, BE) == 1.0);
	assert_true(sdc_value(b.t, 2, BE) == 2.0);
	assert_true(sdc_value(b.t, 2, DE) == 1.0);
	assert_true(sdc_value(b.t, 8, DE) == 1.0);
	/* no total over the multi-valued rows, totals over member states */
	assert_false(sdc_has_cell(b.t, b.rows.n, BE));
	assert_true(sdc_has_cell(b.t, 2, b.cols.n));
	assert_true(sdc_value(b.t, 2, b.cols.n) == 3.0);
	memset(&pt, 0, sizeof(pt));
	pt.rows = &b.rows;
	pt.cols = &b.cols;
	pt.t = b.t;
	assert_int_equal(ptable_rows(&pt), b.rows.n);
	assert_int_equal(ptable_cols(&pt), b.cols.n + 1);
	sdc_table_free(b.t);
	recset_free(&rs);
}

static void
test_period(void **state)
{
	struct sd_report r[4];
	struct recset rs;
	struct built b;

	(void)state;
	r[0] = rep(1, -1, BE, SEC_C, 2025, 4);
	r[1] = rep(2, -1, BE, SEC_C, 2026, 1);
	r[2] = rep(3, -1, BE, SEC_C, 2026, 3);
	r[3] = rep(4, -1, BE, SEC_C, 2027, 1);
	add_all(&rs, r, 4);
	build(&rs, &b, "member_state", NULL, CM_COUNT, "2026", 1);
	assert_true(sdc_value(b.t, BE, 0) == 2.0);
	sdc_table_free(b.t);
	build(&rs, &b, "member_state", NULL, CM_COUNT, "2026-Q3", 1);
	assert_true(sdc_value(b.t, BE, 0) == 1.0);
	sdc_table_free(b.t);
	build(&rs, &b, "member_state", NULL, CM_COUNT, "2025..2026", 1);
	assert_true(sdc_value(b.t, BE, 0) == 3.0);
	sdc_table_free(b.t);
	build(&rs, &b, "member_state", NULL, CM_COUNT, "2025-Q4..2026-Q1", 1);
	assert_true(sdc_value(b.t, BE, 0) == 2.0);
	sdc_table_free(b.t);
	build(&rs, &b, "quarter", NULL, CM_COUNT, "2026", 1);
	assert_int_equal(b.rows.n, 4);
	assert_string_equal(b.rows.code[2], "2026-Q3");
	assert_true(sdc_value(b.t, 0, 0) == 1.0);
	assert_true(sdc_value(b.t, 1, 0) == 0.0);
	assert_true(sdc_value(b.t, 2, 0) == 1.0);
	sdc_table_free(b.t);
	build(&rs, &b, "year", NULL, CM_COUNT, NULL, 1);
	assert_int_equal(b.rows.n, 3);
	assert_string_equal(b.rows.code[0], "2025");
	assert_true(sdc_value(b.t, 1, 0) == 2.0);
	sdc_table_free(b.t);
	recset_free(&rs);
}

static void
test_period_parse(void **state)
{
	struct period p;

	(void)state;
	assert_int_equal(period_parse("2026", &p), SD_OK);
	assert_int_equal(p.from, 2026 * 4);
	assert_int_equal(p.to, 2026 * 4 + 3);
	assert_int_equal(period_parse("2026-Q3..2027", &p), SD_OK);
	assert_int_equal(p.from, 2026 * 4 + 2);
	assert_int_equal(p.to, 2027 * 4 + 3);
	assert_int_not_equal(period_parse("2026-Q5", &p), SD_OK);
	assert_int_not_equal(period_parse("1999", &p), SD_OK);
	assert_int_not_equal(period_parse("2027..2026", &p), SD_OK);
	assert_int_not_equal(period_parse("2026..", &p), SD_OK);
	assert_int_not_equal(period_parse("26", &p), SD_OK);
	assert_int_not_equal(period_parse("", &p), SD_OK);
}

static void
test_filters(void **state)
{
	struct sd_report r[4];
	struct recset rs;
	struct built b;
	struct dim rows;
	struct cube_spec spec;
	struct sdc_params p;
	sdc_table *t = NULL;
	char why[256];

	(void)state;
	r[0] = rep(1, -1, BE, SEC_C, 2026, 1);
	r[1] = rep(2, -1, BE, SEC_F, 2026, 1);
	r[2] = rep(3, -1, BE, 0, 2026, 1);
	r[3] = rep(4, -1, DE, SEC_C, 2026, 1);
	r[3].attack_vectors = 1u << 2;
	add_all(&rs, r, 4);
	memset(&spec, 0, sizeof(spec));
	assert_int_equal(dim_lookup("member_state", &rows), SD_OK);
	spec.rows = &rows;
	assert_int_equal(cube_filter_add(&spec, "sector=C", why, sizeof(why)),
	    SD_OK);
	assert_int_equal(cube_filter_add(&spec, "sector=F", why, sizeof(why)),
	    SD_OK);
	assert_int_equal(spec.n_filters, 1);
	sdc_params_default(&p);
	p.threshold = 1;
	p.p = 0;
	assert_int_equal(cube_build(&rs, &spec, &t), SD_OK);
	assert_int_equal(sdc_protect(t, &p), SD_OK);
	assert_true(sdc_value(t, BE, 0) == 2.0);
	assert_true(sdc_value(t, DE, 0) == 1.0);
	sdc_table_free(t);
	assert_int_equal(cube_filter_add(&spec, "attack_vectors=social", why,
	    sizeof(why)), SD_OK);
	assert_int_equal(cube_build(&rs, &spec, &t), SD_OK);
	assert_int_equal(sdc_protect(t, &p), SD_OK);
	assert_true(sdc_value(t, BE, 0) == 0.0);
	assert_true(sdc_value(t, DE, 0) == 1.0);
	sdc_table_free(t);
	assert_int_not_equal(cube_filter_add(&spec, "sector=Z", why,
	    sizeof(why)), SD_OK);
	assert_non_null(strstr(why, "sector"));
	assert_int_not_equal(cube_filter_add(&spec, "narrative=x", why,
	    sizeof(why)), SD_OK);
	assert_int_not_equal(cube_filter_add(&spec, "sector", why,
	    sizeof(why)), SD_OK);
	(void)b;
	recset_free(&rs);
}

static void
test_magnitudes(void **state)
{
	struct sd_report r[3];
	struct recset rs;
	struct built b;

	(void)state;
	r[0] = rep(1, -1, BE, SEC_C, 2026, 1);
	r[0].loss_eur = 5000;
	r[0].jobs_at_risk = 3;
	r[1] = rep(2, -1, BE, SEC_C, 2026, 1);    /* no estimates: 0 */
	r[2] = rep(3, -1, DE, SEC_C, 2026, 1);
	r[2].loss_eur = 70;
	add_all(&rs, r, 3);
	build(&rs, &b, "member_state", NULL, CM_LOSS, NULL, 1);
	assert_true(sdc_value(b.t, BE, 0) == 5000.0);
	assert_int_equal(sdc_contributors(b.t, BE, 0), 2);
	assert_true(sdc_value(b.t, b.rows.n, 0) == 5070.0);
	sdc_table_free(b.t);
	build(&rs, &b, "member_state", NULL, CM_JOBS, NULL, 1);
	assert_true(sdc_value(b.t, BE, 0) == 3.0);
	assert_true(sdc_value(b.t, DE, 0) == 0.0);
	sdc_table_free(b.t);
	recset_free(&rs);
}

static void
test_dimensions(void **state)
{
	struct dim d;

	(void)state;
	assert_int_equal(dim_lookup("member_state", &d), SD_OK);
	assert_int_equal(d.n, 27);
	assert_false(d.multi);
	assert_int_equal(dim_lookup("attack_vectors", &d), SD_OK);
	assert_true(d.multi);
	assert_int_equal(dim_lookup("reported_to_police", &d), SD_OK);
	assert_int_equal(d.n, 2);
	/* free text, pseudonyms and magnitudes are never dimensions */
	assert_int_not_equal(dim_lookup("narrative", &d), SD_OK);
	assert_int_not_equal(dim_lookup("contact", &d), SD_OK);
	assert_int_not_equal(dim_lookup("reporter", &d), SD_OK);
	assert_int_not_equal(dim_lookup("incident_ref", &d), SD_OK);
	assert_int_not_equal(dim_lookup("loss_eur", &d), SD_OK);
	assert_non_null(strstr(dim_names(), "sector"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replacement),
		cmocka_unit_test(test_replacement_keeps_later_values),
		cmocka_unit_test(test_contributors),
		cmocka_unit_test(test_multi_valued),
		cmocka_unit_test(test_period),
		cmocka_unit_test(test_period_parse),
		cmocka_unit_test(test_filters),
		cmocka_unit_test(test_magnitudes),
		cmocka_unit_test(test_dimensions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
