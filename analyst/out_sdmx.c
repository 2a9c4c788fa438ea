/* SDMX-CSV 2.0: STRUCTURE, STRUCTURE_ID, ACTION, the dimensions other
 * than time (upper-case ids, "_T" for totals), FREQ (Q or A) and
 * TIME_PERIOD of each observation, the indicator, OBS_VALUE (empty when
 * suppressed), UNIT_MEASURE and CONF_STATUS (F free, A too few
 * contributors, O/T dominated by one/two, D secondary). A quarter or year
 * dimension is not a column of its own: each observation's TIME_PERIOD is
 * its code, as Eurostat's files have it. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "out.h"
#include "sd_err.h"

#define SDMX_STRUCTURE_ID "EU_SEALDROP:TRADE_SECRET_THEFT(1.0)"

/* Codes and ids are plain tokens, but a field is quoted whenever it holds
 * a separator, so the file stays valid whatever the code lists become. */
static void
upper(char *out, size_t cap, const char *s)
{
	size_t i;

	for (i = 0; i + 1 < cap && s[i] != '\0'; i++)
		out[i] = (char)toupper((unsigned char)s[i]);
	out[i] = '\0';
}

/* ISO 8601 for quarters from..to (indexes year * 4 + quarter - 1): one
 * quarter ("2026-Q3") or year ("2026") as it is, a longer span as start
 * and duration, e.g. "2025-01-01/P24M". annual: the span is whole years
 * and FREQ is A. */
static void
time_text(unsigned from, unsigned to, int annual, char *out, size_t cap)
{
	if (annual && from / 4 == to / 4)
		snprintf(out, cap, "%u", from / 4);
	else if (!annual && from == to)
		snprintf(out, cap, "%u-Q%u", from / 4, from % 4 + 1);
	else
		snprintf(out, cap, "%u-%02u-01/P%uM", from / 4, from % 4 * 3 + 1,
		    (to - from + 1) * 3);
}

/* The quarters a time dimension's code i covers; its total covers every
 * code. */
static void
dim_time(const struct dim *d, size_t i, unsigned *from, unsigned *to)
{
	unsigned a = d->first, b = d->first + (unsigned)d->n - 1;

	if (i < d->n)
		a = b = d->first + (unsigned)i;
	*from = d->field == DF_YEAR ? a * 4 : a;
	*to = d->field == DF_YEAR ? b * 4 + 3 : b;
}

/* A filter on a time field with its one code (SDMX takes one per
 * filtered dimension), the quarter before the year. */
static const struct filter *
time_filter(const struct ptable *pt)
{
	const struct filter *yr = NULL;
	size_t k;

	for (k = 0; k < pt->n_filters; k++) {
		if (pt->filter[k].field == DF_QUARTER)
			return &pt->filter[k];
		if (pt->filter[k].field == DF_YEAR)
			yr = &pt->filter[k];
	}
	return yr;
}

/* FREQ and TIME_PERIOD of cell (i, j): from the table's time dimension,
 * else a filter on time, else --period, else the span of the reports
 * counted. Empty when there is none (a store without reports). */
static void
obs_time(const struct ptable *pt, size_t i, size_t j, char *freq,
    char *tp, size_t cap)
{
	const struct filter *f = time_filter(pt);
	struct period p;
	unsigned from = 0, to = 0;
	int annual;

	if (pt->rows->is_time || (pt->cols != NULL && pt->cols->is_time)) {
		const struct dim *d = pt->rows->is_time ? pt->rows : pt->cols;
		dim_time(d, pt->rows->is_time ? i : j, &from, &to);
		annual = d->field == DF_YEAR;
	} else if (f != NULL) {
		annual = f->field == DF_YEAR;
		from = annual ? f->v[0] * 4 : f->v[0];
		to = annual ? from + 3 : from;
	} else if (pt->period[0] != '\0' &&
	    period_parse(pt->period, &p) == SD_OK) {
		from = p.from;
		to = p.to;
		annual = strchr(pt->period, 'Q') == NULL;
	} else if (pt->has_span) {
		from = pt->span_from;
		to = pt->span_to;
		annual = 0;
	} else {
		freq[0] = tp[0] = '\0';
		return;
	}
	snprintf(freq, 2, "%c", annual ? 'A' : 'Q');
	time_text(from, to, annual, tp, cap);
}

/* A filter gets its own column unless its dimension is already one or it
 * is on time, which TIME_PERIOD carries. */
static int
filter_column(const struct ptable *pt, size_t k, char *name, size_t cap)
{
	const char *eq = strchr(pt->filter[k].text, '=');
	char dim[64];

	if (eq == NULL || pt->filter[k].field == DF_QUARTER ||
	    pt->filter[k].field == DF_YEAR)
		return 0;
	snprintf(dim, sizeof(dim), "%.*s", (int)(eq - pt->filter[k].text),
	    pt->filter[k].text);
	if (strcmp(dim, pt->rows->name) == 0 ||
	    (pt->cols != NULL && strcmp(dim, pt->cols->name) == 0))
		return 0;
	upper(name, cap, dim);
	return 1;
}

/* The dimension columns: rows and cols, except a time dimension. */
static int
dim_columns(const struct ptable *pt, sd_buf *b)
{
	char name[64];
	int rc = SD_OK;

	if (!pt->rows->is_time) {
		upper(name, sizeof(name), pt->rows->name);
		rc = out_csv_field(b, name, 0);
	}
	if (rc == SD_OK && pt->cols != NULL && !pt->cols->is_time) {
		upper(name, sizeof(name), pt->cols->name);
		rc = out_csv_field(b, name, 0);
	}
	return rc;
}

static int
header(const struct ptable *pt, sd_buf *b)
{
	char name[64];
	size_t k;
	int rc;

	if ((rc = sd_buf_adds(b, "STRUCTURE,STRUCTURE_ID,ACTION,")) != SD_OK ||
	    (rc = dim_columns(pt, b)) != SD_OK)
		return rc;
	for (k = 0; k < pt->n_filters; k++)
		if (filter_column(pt, k, name, sizeof(name)) &&
		    (rc = out_csv_field(b, name, 0)) != SD_OK)
			return rc;
	return sd_buf_adds(b, "FREQ,TIME_PERIOD,INDICATOR,OBS_VALUE,"
	    "UNIT_MEASURE,CONF_STATUS,RELEASE\r\n");
}

static int
row(const struct ptable *pt, size_t i, size_t j, sd_buf *b)
{
	char name[64], num[64], freq[2], tp[48], ind[32], st[2] = { 0, 0 };
	const char *eq;
	size_t k;
	int rc;

	if ((rc = sd_buf_adds(b, "dataflow," SDMX_STRUCTURE_ID ",I,")) !=
	    SD_OK)
		return rc;
	if (!pt->rows->is_time &&
	    (rc = out_csv_field(b, ptable_row_code(pt, i), 0)) != SD_OK)
		return rc;
	if (pt->cols != NULL && !pt->cols->is_time &&
	    (rc = out_csv_field(b, ptable_col_code(pt, j), 0)) != SD_OK)
		return rc;
	for (k = 0; k < pt->n_filters; k++) {
		if (!filter_column(pt, k, name, sizeof(name)))
			continue;
		eq = strchr(pt->filter[k].text, '=');
		if ((rc = out_csv_field(b, eq + 1, 0)) != SD_OK)
			return rc;
	}
	obs_time(pt, i, j, freq, tp, sizeof(tp));
	if ((rc = out_csv_field(b, freq, 0)) != SD_OK ||
	    (rc = out_csv_field(b, tp, 0)) != SD_OK)
		return rc;
	upper(ind, sizeof(ind), measure_name(pt->measure));
	st[0] = ptable_status(pt, i, j);
	if ((rc = out_csv_field(b, ind, 0)) != SD_OK ||
	    (rc = out_csv_field(b, ptable_suppressed(pt, i, j) ? "" :
	    out_number(ptable_value(pt, i, j), 0, num, sizeof(num)), 0)) !=
	    SD_OK ||
	    (rc = out_csv_field(b, pt->measure == CM_LOSS ? "EUR" : "NR", 0)) != SD_OK)
		return rc;
	if ((rc = out_csv_field(b, st, 0)) != SD_OK)
		return rc;
	return out_csv_field(b, pt->draft ? "DRAFT_NOT_FOR_RELEASE" :
	    out_release(pt), 1);
}

int
out_sdmx(const struct ptable *pt, sd_buf *b)
{
	int rc = header(pt, b);

	/* no report in the store or period: no observation, rather than
	 * observations of zero that would read as measured */
	if (rc != SD_OK || pt->note != NULL)
		return rc;
	return out_each_cell(pt, b, row);
}
