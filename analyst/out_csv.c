/* CSV (RFC 4180): one line per cell, codes and English labels, the
 * published value (empty when suppressed) and the cell's status; a table
 * with no report in it starts with a "# " line that says so. */
#include <stdio.h>
#include <string.h>

#include "out.h"
#include "sd_err.h"

/* Quote when the field holds a separator, a quote, a line break or starts
 * with a character a spreadsheet would take for a formula. */
int
out_csv_field(sd_buf *b, const char *s, int last)
{
	int rc = SD_OK;
	const char *p;

	if (strpbrk(s, ",\"\r\n") != NULL ||
	    (s[0] != '\0' && strchr("=+-@\t", s[0]) != NULL)) {
		rc = sd_buf_adds(b, "\"");
		for (p = s; rc == SD_OK && *p != '\0'; p++)
			rc = *p == '"' ? sd_buf_adds(b, "\"\"") :
			    sd_buf_add(b, p, 1);
		if (rc == SD_OK)
			rc = sd_buf_adds(b, "\"");
	} else {
		rc = sd_buf_adds(b, s);
	}
	if (rc == SD_OK)
		rc = sd_buf_adds(b, last ? "\r\n" : ",");
	return rc;
}

static int
header(const struct ptable *pt, sd_buf *b)
{
	char lab[96];
	size_t i;
	int rc = SD_OK;

	if (pt->period[0] != '\0')
		rc = out_csv_field(b, "period", 0);
	for (i = 0; rc == SD_OK && i < pt->n_filters; i++)
		rc = out_csv_field(b, "filter", 0);
	snprintf(lab, sizeof(lab), "%s_label", pt->rows->name);
	if (rc == SD_OK && (rc = out_csv_field(b, pt->rows->name, 0)) == SD_OK)
		rc = out_csv_field(b, lab, 0);
	if (rc == SD_OK && pt->cols != NULL) {
		snprintf(lab, sizeof(lab), "%s_label", pt->cols->name);
		if ((rc = out_csv_field(b, pt->cols->name, 0)) == SD_OK)
			rc = out_csv_field(b, lab, 0);
	}
	if (rc == SD_OK && (rc = out_csv_field(b, measure_name(pt->measure), 0)) ==
	    SD_OK && (rc = out_csv_field(b, "status", 0)) == SD_OK &&
	    (rc = out_csv_field(b, "status_label", 0)) == SD_OK)
		rc = out_csv_field(b, "release", 1);
	return rc;
}

static int
cell(const struct ptable *pt, size_t i, size_t j, sd_buf *b)
{
	char num[64], st[2] = { 0, 0 };
	size_t k;
	int rc = SD_OK;

	if (pt->period[0] != '\0')
		rc = out_csv_field(b, pt->period, 0);
	for (k = 0; rc == SD_OK && k < pt->n_filters; k++)
		rc = out_csv_field(b, pt->filter[k].text, 0);
	if (rc == SD_OK &&
	    (rc = out_csv_field(b, ptable_row_code(pt, i), 0)) == SD_OK)
		rc = out_csv_field(b, ptable_row_label(pt, i), 0);
	if (rc == SD_OK && pt->cols != NULL &&
	    (rc = out_csv_field(b, ptable_col_code(pt, j), 0)) == SD_OK)
		rc = out_csv_field(b, ptable_col_label(pt, j), 0);
	st[0] = ptable_status(pt, i, j);
	if (rc == SD_OK && (rc = out_csv_field(b, ptable_suppressed(pt, i, j) ?
	    "" : out_number(ptable_value(pt, i, j), 0, num, sizeof(num)),
	    0)) == SD_OK && (rc = out_csv_field(b, st, 0)) == SD_OK &&
	    (rc = out_csv_field(b, out_status_words(st[0]), 0)) == SD_OK)
		rc = out_csv_field(b, out_release(pt), 1);
	return rc;
}

int
out_each_cell(const struct ptable *pt, sd_buf *b,
    int (*line)(const struct ptable *, size_t, size_t, sd_buf *))
{
	size_t i, j;
	int rc;

	for (i = 0; i < ptable_rows(pt); i++)
		for (j = 0; j < ptable_cols(pt); j++)
			if (ptable_has(pt, i, j) &&
			    (rc = line(pt, i, j, b)) != SD_OK)
				return rc;
	return SD_OK;
}

int
out_csv(const struct ptable *pt, sd_buf *b)
{
	int rc = SD_OK;

	/* a comment line that readers of CSV with comments skip, and a person
	 * sees first */
	if (pt->note != NULL && (rc = sd_buf_addf(b, "# %s\r\n", pt->note)) !=
	    SD_OK)
		return rc;
	if ((rc = header(pt, b)) != SD_OK)
		return rc;
	return out_each_cell(pt, b, cell);
}
