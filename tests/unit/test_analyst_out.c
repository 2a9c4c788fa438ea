/* The writers: CSV quoting, JSON cells, SDMX-CSV columns and CONF_STATUS,
 * HTML escaping; suppressed cells never carry a value. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "cube.h"
#include "out.h"
#include "recs.h"
#include "sd_err.h"
#include "sdc.h"

enum { SEC_C = 2, SEC_D = 3, SEC_F = 5, SEC_G = 6 };

struct fixture {
	struct recset rs;
	struct dim rows;
	struct cube_spec spec;
	sdc_table *t;
	struct ptable pt;
};

static void
add_q(struct recset *rs, unsigned ref, uint8_t sector, int64_t loss,
    unsigned quarter)
{
	struct sd_report r;

	memset(&r, 0, sizeof(r));
	r.incident_ref[0] = (uint8_t)ref;
	r.sector = sector;
	r.discovered_year = 2026;
	r.discovered_quarter = (uint8_t)quarter;
	r.secret_types = 1;
	r.attack_vectors = 1;
	r.loss_eur = loss;
	r.jobs_at_risk = -1;
	assert_int_equal(recset_add(rs, (int64_t)rs->n + 1, &r), SD_OK);
}

static void
add(struct recset *rs, unsigned ref, uint8_t sector, int64_t loss)
{
	add_q(rs, ref, sector, loss, 2);
}

/* Sectors C (5 reports) and D (4; its label holds commas) are safe; F and
 * G have one reporter each and must be suppressed. */
static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct sdc_params p;
	unsigned ref = 1, i;

	recset_init(&f->rs);
	for (i = 0; i < 5; i++)
		add(&f->rs, ref++, SEC_C, 1000 + i);
	for (i = 0; i < 4; i++)
		add(&f->rs, ref++, SEC_D, 2000 + i);
	add(&f->rs, ref++, SEC_F, 50);
	add(&f->rs, ref++, SEC_G, 70);
	assert_int_equal(recset_finish(&f->rs), SD_OK);
	assert_int_equal(dim_lookup("sector", &f->rows), SD_OK);
	f->spec.rows = &f->rows;
	f->spec.measure = CM_COUNT;
	assert_int_equal(period_parse("2026", &f->spec.period), SD_OK);
	assert_int_equal(cube_build(&f->rs, &f->spec, &f->t), SD_OK);
	sdc_params_default(&p);
	assert_int_equal(sdc_protect(f->t, &p), SD_OK);
	f->pt.rows = &f->rows;
	f->pt.measure = CM_COUNT;
	f->pt.t = f->t;
	f->pt.period = "2026";
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	sdc_table_free(f->t);
	recset_free(&f->rs);
	free(f);
	return 0;
}

/* RFC 4180 fields of one record starting at *p; advances past it. */
static size_t
csv_record(const char **p, char fields[][160], size_t max)
{
	const char *s = *p;
	size_t n = 0, o;

	while (*s != '\0' && n < max) {
		o = 0;
		if (*s == '"') {
			for (s++; *s != '\0'; s++) {
				if (*s == '"' && s[1] == '"') {
					fields[n][o++] = '"';
					s++;
				} else if (*s == '"') {
					s++;
					break;
				} else if (o < 159) {
					fields[n][o++] = *s;
				}
			}
		} else {
			while (*s != ',' && *s != '\r' && *s != '\0' && o < 159)
				fields[n][o++] = *s++;
		}
		fields[n++][o] = '\0';
		if (*s == ',') {
			s++;
			continue;
		}
		if (*s == '\r' && s[1] == '\n')
			s += 2;
		break;
	}
	*p = s;
	return n;
}

static void
test_csv(void **state)
{
	struct fixture *f = *state;
	char fields[16][160];
	const char *p;
	size_t n, lines = 0, suppressed = 0;
	sd_buf b;

	sd_buf_init(&b, OUT_MAX);
	assert_int_equal(out_csv(&f->pt, &b), SD_OK);
	p = (const char *)b.data;
	n = csv_record(&p, fields, 16);
	assert_int_equal(n, 7);
	assert_string_equal(fields[6], "release");
	assert_string_equal(fields[0], "period");
	assert_string_equal(fields[1], "sector");
	assert_string_equal(fields[2], "sector_label");
	assert_string_equal(fields[3], "count");
	assert_string_equal(fields[4], "status");
	while (*p != '\0') {
		n = csv_record(&p, fields, 16);
		assert_int_equal(n, 7);
		lines++;
		if (strcmp(fields[1], "D") == 0) {
			/* the label with commas survives as one field */
			assert_string_equal(fields[2], "Electricity, gas, steam "
			    "and air conditioning supply");
			/* D may be withheld to protect F and G */
			assert_string_equal(fields[3], fields[4][0] == 'F' ?
			    "4" : "");
		}
		if (strcmp(fields[1], "F") == 0 || strcmp(fields[1], "G") == 0) {
			assert_string_equal(fields[3], "");
			assert_string_equal(fields[4], "A");
		}
		if (strcmp(fields[4], "F") != 0) {
			assert_string_equal(fields[3], "");
			suppressed++;
		}
	}
	assert_int_equal(lines, f->rows.n + 1);
	assert_true(suppressed >= 2);
	assert_null(strstr((const char *)b.data, "threshold"));
	sd_buf_free(&b);
}

static void
test_json(void **state)
{
	struct fixture *f = *state;
	json_t *root, *cells, *c;
	json_error_t err;
	size_t i, n_total = 0;
	sd_buf b;

	sd_buf_init(&b, OUT_MAX);
	assert_int_equal(out_json(&f->pt, &b), SD_OK);
	root = json_loads((const char *)b.data, 0, &err);
	assert_non_null(root);
	assert_string_equal(json_string_value(json_object_get(root,
	    "period")), "2026");
	cells = json_object_get(root, "cells");
	assert_int_equal(json_array_size(cells), f->rows.n + 1);
	json_array_foreach(cells, i, c) {
		const char *code = json_string_value(json_object_get(c,
		    "sector"));
		const char *st = json_string_value(json_object_get(c,
		    "status"));
		json_t *v = json_object_get(c, "value");

		assert_non_null(code);
		assert_non_null(st);
		assert_int_equal(strlen(st), 1);
		assert_int_equal(st[0], ptable_status(&f->pt, i, 0));
		if (st[0] == 'F')
			assert_true(json_is_integer(v));
		else
			assert_true(json_is_null(v));
		if (strcmp(code, "C") == 0)
			assert_int_equal(json_integer_value(v), 5);
		if (strcmp(code, "_T") == 0)
			n_total++;
	}
	assert_int_equal(n_total, 1);
	json_decref(root);
	sd_buf_free(&b);
}

static void
test_sdmx(void **state)
{
	static const char hdr[] = "STRUCTURE,STRUCTURE_ID,ACTION,SECTOR,"
	    "FREQ,TIME_PERIOD,INDICATOR,OBS_VALUE,UNIT_MEASURE,CONF_STATUS,"
	    "RELEASE\r\n";
	struct fixture *f = *state;
	char fields[16][160];
	const char *p;
	size_t n;
	sd_buf b;

	sd_buf_init(&b, OUT_MAX);
	assert_int_equal(out_sdmx(&f->pt, &b), SD_OK);
	p = (const char *)b.data;
	assert_int_equal(strncmp(p, hdr, strlen(hdr)), 0);
	n = csv_record(&p, fields, 16);
	assert_int_equal(n, 11);
	while (*p != '\0') {
		n = csv_record(&p, fields, 16);
		assert_int_equal(n, 11);
		assert_string_equal(fields[0], "dataflow");
		assert_string_equal(fields[2], "I");
		/* --period 2026: one year */
		assert_string_equal(fields[4], "A");
		assert_string_equal(fields[5], "2026");
		assert_string_equal(fields[6], "COUNT");
		assert_non_null(strchr("FAOTD", fields[9][0]));
		assert_int_equal(strlen(fields[9]), 1);
		if (fields[9][0] == 'F')
			assert_true(fields[7][0] != '\0');
		else
			assert_string_equal(fields[7], "");
		if (strcmp(fields[3], "F") == 0)
			assert_string_equal(fields[9], "A");
		if (strcmp(fields[3], "C") == 0)
			assert_string_equal(fields[7], "5");
	}
	sd_buf_free(&b);
}

/* FREQ and TIME_PERIOD of the first observation of pt. */
static void
sdmx_first_time(const struct ptable *pt, char *freq, char *tp)
{
	char fields[16][160];
	const char *p;
	sd_buf b;

	sd_buf_init(&b, OUT_MAX);
	assert_int_equal(out_sdmx(pt, &b), SD_OK);
	p = (const char *)b.data;
	assert_int_equal(csv_record(&p, fields, 16), 11);
	assert_int_equal(csv_record(&p, fields, 16), 11);
	snprintf(freq, 160, "%s", fields[4]);
	snprintf(tp, 160, "%s", fields[5]);
	sd_buf_free(&b);
}

/* Without a time dimension TIME_PERIOD is the period (a range as start
 * and duration, of the period's granularity), else the reports' span. */
static void
test_sdmx_period(void **state)
{
	struct fixture *f = *state;
	char freq[160], tp[160];

	f->pt.period = "2025-Q3..2026-Q2";
	sdmx_first_time(&f->pt, freq, tp);
	assert_string_equal(freq, "Q");
	assert_string_equal(tp, "2025-07-01/P12M");
	f->pt.period = "2025..2026";
	sdmx_first_time(&f->pt, freq, tp);
	assert_string_equal(freq, "A");
	assert_string_equal(tp, "2025-01-01/P24M");
	f->pt.period = "2026-Q3";
	sdmx_first_time(&f->pt, freq, tp);
	assert_string_equal(freq, "Q");
	assert_string_equal(tp, "2026-Q3");
	/* no period: the quarters of the reports */
	f->pt.period = "";
	f->pt.has_span = 1;
	f->pt.span_from = 2026 * 4 + 1;
	f->pt.span_to = 2026 * 4 + 1;
	sdmx_first_time(&f->pt, freq, tp);
	assert_string_equal(freq, "Q");
	assert_string_equal(tp, "2026-Q2");
	f->pt.span_from = 2025 * 4 + 3;
	sdmx_first_time(&f->pt, freq, tp);
	assert_string_equal(tp, "2025-10-01/P9M");
	/* a filter on time is the time of every observation, not a column */
	{
		struct filter fl;
		sd_buf b;

		memset(&fl, 0, sizeof(fl));
		fl.field = DF_YEAR;
		fl.n = 1;
		fl.v[0] = 2025;
		snprintf(fl.text, sizeof(fl.text), "year=2025");
		f->pt.filter = &fl;
		f->pt.n_filters = 1;
		sdmx_first_time(&f->pt, freq, tp);
		assert_string_equal(freq, "A");
		assert_string_equal(tp, "2025");
		sd_buf_init(&b, OUT_MAX);
		assert_int_equal(out_sdmx(&f->pt, &b), SD_OK);
		assert_null(strstr((const char *)b.data, "YEAR"));
		sd_buf_free(&b);
		f->pt.filter = NULL;
		f->pt.n_filters = 0;
	}
}

/* A quarter dimension gives each observation its TIME_PERIOD and FREQ Q
 * and is no column of its own; its total spans the period. */
static void
test_sdmx_quarter(void **state)
{
	static const char hdr[] = "STRUCTURE,STRUCTURE_ID,ACTION,FREQ,"
	    "TIME_PERIOD,INDICATOR,OBS_VALUE,UNIT_MEASURE,CONF_STATUS,"
	    "RELEASE\r\n";
	static const char *const want[] = {
		"2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4", "2026-01-01/P12M",
	};
	struct recset rs;
	struct dim rows;
	struct cube_spec spec;
	struct sdc_params par;
	struct ptable pt;
	char fields[16][160];
	sdc_table *t = NULL;
	const char *p;
	unsigned ref = 1, i;
	size_t n = 0;
	sd_buf b;

	(void)state;
	recset_init(&rs);
	for (i = 0; i < 9; i++)
		add_q(&rs, ref++, SEC_C, 100, i < 5 ? 1 : 2);
	assert_int_equal(recset_finish(&rs), SD_OK);
	assert_int_equal(dim_lookup("quarter", &rows), SD_OK);
	memset(&spec, 0, sizeof(spec));
	spec.rows = &rows;
	spec.measure = CM_COUNT;
	assert_int_equal(period_parse("2026", &spec.period), SD_OK);
	assert_int_equal(cube_build(&rs, &spec, &t), SD_OK);
	sdc_params_default(&par);
	assert_int_equal(sdc_protect(t, &par), SD_OK);
	memset(&pt, 0, sizeof(pt));
	pt.rows = &rows;
	pt.measure = CM_COUNT;
	pt.t = t;
	pt.period = "2026";
	pt.release = "3";
	sd_buf_init(&b, OUT_MAX);
	assert_int_equal(out_sdmx(&pt, &b), SD_OK);
	p = (const char *)b.data;
	assert_int_equal(strncmp(p, hdr, strlen(hdr)), 0);
	assert_int_equal(csv_record(&p, fields, 16), 10);
	while (*p != '\0') {
		assert_int_equal(csv_record(&p, fields, 16), 10);
		assert_true(n < 5);
		assert_string_equal(fields[3], "Q");
		assert_string_equal(fields[4], want[n]);
		if (n == 0 && fields[8][0] == 'F')
			assert_string_equal(fields[6], "5");
		n++;
	}
	assert_int_equal(n, 5);
	assert_null(strstr((const char *)b.data, "QUARTER"));
	sd_buf_free(&b);
	sdc_table_free(t);
	recset_free(&rs);
}

static void
test_html(void **state)
{
	struct fixture *f = *state;
	sd_buf b;

	sd_buf_init(&b, OUT_MAX);
	assert_int_equal(out_html_escape(&b, "<script>alert('x')&\"</script>"),
	    SD_OK);
	assert_string_equal((const char *)b.data, "&lt;script&gt;alert(&#39;x"
	    "&#39;)&amp;&quot;&lt;/script&gt;");
	sd_buf_reset(&b);
	assert_int_equal(out_html_page(&f->pt, &b), SD_OK);
	assert_non_null(strstr((const char *)b.data, "c<sup>A</sup>"));
	assert_null(strstr((const char *)b.data, "<script"));
	assert_null(strstr((const char *)b.data, "src="));
	assert_non_null(strstr((const char *)b.data, "Electricity, gas"));
	sd_buf_free(&b);
}

/* A table with no report in it says so in every format; SDMX-CSV has
 * its header and no observation. */
static void
test_empty_note(void **state)
{
	static const char note[] = "no reports in the period 2026";
	struct fixture *f = *state;
	json_t *root;
	json_error_t err;
	const char *s;
	sd_buf b;

	f->pt.note = note;
	sd_buf_init(&b, OUT_MAX);
	assert_int_equal(out_csv(&f->pt, &b), SD_OK);
	s = (const char *)b.data;
	assert_int_equal(strncmp(s, "# no reports in the period 2026\r\n"
	    "period,sector,", 47), 0);
	sd_buf_reset(&b);
	assert_int_equal(out_json(&f->pt, &b), SD_OK);
	root = json_loads((const char *)b.data, 0, &err);
	assert_non_null(root);
	assert_true(json_is_true(json_object_get(root, "empty")));
	assert_string_equal(json_string_value(json_object_get(root, "note")),
	    note);
	json_decref(root);
	sd_buf_reset(&b);
	assert_int_equal(out_sdmx(&f->pt, &b), SD_OK);
	s = (const char *)b.data;
	assert_int_equal(strncmp(s, "STRUCTURE,", 10), 0);
	assert_string_equal(strstr(s, "\r\n"), "\r\n");
	sd_buf_reset(&b);
	assert_int_equal(out_html_page(&f->pt, &b), SD_OK);
	assert_non_null(strstr((const char *)b.data, "Empty table: no reports "
	    "in the period 2026."));
	/* without a note: not empty, no comment line */
	f->pt.note = NULL;
	sd_buf_reset(&b);
	assert_int_equal(out_json(&f->pt, &b), SD_OK);
	assert_non_null(strstr((const char *)b.data, "\"empty\": false"));
	sd_buf_reset(&b);
	assert_int_equal(out_csv(&f->pt, &b), SD_OK);
	assert_int_equal(strncmp((const char *)b.data, "period,", 7), 0);
	sd_buf_free(&b);
}

static void
test_numbers(void **state)
{
	char buf[64];

	(void)state;
	assert_string_equal(out_number(1234567, 0, buf, sizeof(buf)),
	    "1234567");
	assert_string_equal(out_number(1234567, 1, buf, sizeof(buf)),
	    "1\xe2\x80\xaf" "234\xe2\x80\xaf" "567");
	assert_string_equal(out_number(999, 1, buf, sizeof(buf)), "999");
	assert_string_equal(out_number(0, 1, buf, sizeof(buf)), "0");
}

/* Large losses: every writer prints the exact sum, and the published cells
 * add up to the published total to the euro; one euro past what is kept
 * exactly refuses the table. */
static void
test_exact_large(void **state)
{
	struct recset rs;
	struct dim rows;
	struct cube_spec spec;
	struct sdc_params p;
	struct ptable pt;
	sdc_table *t = NULL;
	sd_buf b;
	const int64_t big = 999999999999999;   /* the schema's largest loss */
	unsigned ref = 1, i;

	(void)state;
	recset_init(&rs);
	/* C: 5 reports summing to 4,999,999,999,999,993; D: 4 reports to
	 * 3,999,999,999,999,996; the total 8,999,999,999,999,989 is odd and
	 * above 2^52, where a double would no longer tell it apart from its
	 * neighbours after a rounding */
	for (i = 0; i < 5; i++)
		add(&rs, ref++, SEC_C, big - (i == 0 ? 2 : 0));
	for (i = 0; i < 4; i++)
		add(&rs, ref++, SEC_D, big - (i == 0 ? 0 : 0));
	assert_int_equal(recset_finish(&rs), SD_OK);
	assert_int_equal(dim_lookup("sector", &rows), SD_OK);
	memset(&spec, 0, sizeof(spec));
	spec.rows = &rows;
	spec.measure = CM_LOSS;
	assert_int_equal(cube_build(&rs, &spec, &t), SD_OK);
	sdc_params_default(&p);
	assert_int_equal(sdc_protect(t, &p), SD_OK);
	assert_true(sdc_value(t, rows.n, 0) == 8999999999999989);
	assert_true(sdc_value(t, SEC_C, 0) + sdc_value(t, SEC_D, 0) ==
	    sdc_value(t, rows.n, 0));
	memset(&pt, 0, sizeof(pt));
	pt.rows = &rows;
	pt.measure = CM_LOSS;
	pt.t = t;
	pt.period = "";
	pt.release = "9";
	sd_buf_init(&b, OUT_MAX);
	assert_int_equal(out_csv(&pt, &b), SD_OK);
	assert_non_null(strstr((const char *)b.data, ",8999999999999989,"));
	assert_non_null(strstr((const char *)b.data, ",4999999999999993,"));
	sd_buf_reset(&b);
	assert_int_equal(out_sdmx(&pt, &b), SD_OK);
	assert_non_null(strstr((const char *)b.data, ",8999999999999989,"));
	sd_buf_reset(&b);
	assert_int_equal(out_json(&pt, &b), SD_OK);
	assert_non_null(strstr((const char *)b.data, "8999999999999989"));
	sd_buf_reset(&b);
	assert_int_equal(out_html_page(&pt, &b), SD_OK);
	assert_non_null(strstr((const char *)b.data, "8\xe2\x80\xaf" "999"
	    "\xe2\x80\xaf" "999\xe2\x80\xaf" "999\xe2\x80\xaf" "999"
	    "\xe2\x80\xaf" "989"));
	sd_buf_free(&b);
	sdc_table_free(t);
	/* one more report of the largest loss passes 2^53: refused */
	recset_free(&rs);
	recset_init(&rs);
	for (i = 0; i < 10; i++)
		add(&rs, ref++, SEC_C, big);
	assert_int_equal(recset_finish(&rs), SD_OK);
	assert_int_equal(cube_build(&rs, &spec, &t), SD_E_RANGE);
	recset_free(&rs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_csv, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sdmx, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sdmx_period, setup,
		    teardown),
		cmocka_unit_test(test_sdmx_quarter),
		cmocka_unit_test_setup_teardown(test_html, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_note, setup,
		    teardown),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_exact_large),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
