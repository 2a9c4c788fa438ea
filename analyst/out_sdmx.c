/* SDMX-CSV 2.0: STRUCTURE, STRUCTURE_ID, ACTION, the dimensions (upper-case
 * ids, "_T" for totals), TIME_PERIOD when a period was chosen, the
 * indicator, OBS_VALUE (empty when suppressed), UNIT_MEASURE and
 * CONF_STATUS (F free, A too few contributors, O/T dominated by one/two,
 * D secondary). */
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

/* ISO 8601 for the period: "2026", "2026-Q3", or start/duration for a
 * range, e.g. "2025-01-01/P24M". */
static void
time_period(const struct ptable *pt, char *out, size_t cap)
{
	struct period p;
	unsigned months;

	if (period_parse(pt->period, &p) != SD_OK ||
	    strstr(pt->period, "..") == NULL) {
		snprintf(out, cap, "%s", pt->period);
		return;
	}
	months = (p.to - p.from + 1) * 3;
	snprintf(out, cap, "%u-%02u-01/P%uM", p.from / 4, p.from % 4 * 3 + 1,
	    months);
}

/* A filter gets its own column unless its dimension is already one. */
static int
filter_column(const struct ptable *pt, size_t k, char *name, size_t cap)
{
	const char *eq = strchr(pt->filter[k].text, '=');
	char dim[64];

	if (eq == NULL)
		return 0;
	snprintf(dim, sizeof(dim), "%.*s", (int)(eq - pt->filter[k].text),
	    pt->filter[k].text);
	if (strcmp(dim, pt->rows->name) == 0 ||
	    (pt->cols != NULL && strcmp(dim, pt->cols->name) == 0))
		return 0;
	upper(name, cap, dim);
	return 1;
}

static int
header(const struct ptable *pt, sd_buf *b)
{
	char name[64];
	size_t k;
	int rc;

	if ((rc = sd_buf_adds(b, "STRUCTURE,STRUCTURE_ID,ACTION,")) != SD_OK)
		return rc;
	upper(name, sizeof(name), pt->rows->name);
	if ((rc = out_csv_field(b, name, 0)) != SD_OK)
		return rc;
	if (pt->cols != NULL) {
		upper(name, sizeof(name), pt->cols->name);
		if ((rc = out_csv_field(b, name, 0)) != SD_OK)
			return rc;
	}
	for (k = 0; k < pt->n_filters; k++)
		if (filter_column(pt, k, name, sizeof(name)) &&
		    (rc = out_csv_field(b, name, 0)) != SD_OK)
			return rc;
	if (pt->period[0] != '\0' &&
	    (rc = sd_buf_adds(b, "TIME_PERIOD,")) != SD_OK)
		return rc;
	return sd_buf_adds(b, "INDICATOR,OBS_VALUE,UNIT_MEASURE,"
	    "CONF_STATUS,RELEASE\r\n");
}

static int
row(const struct ptable *pt, size_t i, size_t j, sd_buf *b)
{
	char name[64], num[64], tp[48], ind[32], st[2] = { 0, 0 };
	const char *eq;
	size_t k;
	int rc;

	if ((rc = sd_buf_adds(b, "dataflow," SDMX_STRUCTURE_ID ",I,")) !=
	    SD_OK || (rc = out_csv_field(b, ptable_row_code(pt, i), 0)) != SD_OK)
		return rc;
	if (pt->cols != NULL &&
	    (rc = out_csv_field(b, ptable_col_code(pt, j), 0)) != SD_OK)
		return rc;
	for (k = 0; k < pt->n_filters; k++) {
		if (!filter_column(pt, k, name, sizeof(name)))
			continue;
		eq = strchr(pt->filter[k].text, '=');
		if ((rc = out_csv_field(b, eq + 1, 0)) != SD_OK)
			return rc;
	}
	if (pt->period[0] != '\0') {
		time_period(pt, tp, sizeof(tp));
		if ((rc = out_csv_field(b, tp, 0)) != SD_OK)
			return rc;
	}
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
