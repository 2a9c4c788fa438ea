/* Writers of protected tables: CSV, JSON, SDMX-CSV and HTML. They read
 * only a struct ptable (codes, labels, published values, statuses) and
 * never a rule parameter. Suppressed cells carry no value. */
#ifndef SD_ANALYST_OUT_H
#define SD_ANALYST_OUT_H

#include "cube.h"
#include "sd_buf.h"

/* Largest text any writer produces. */
#define OUT_MAX (64u * 1024 * 1024)

int out_csv(const struct ptable *pt, sd_buf *b);
/* Every existing cell of pt, rows then columns, through line(); the CSV
 * and SDMX-CSV writers share it. */
int out_each_cell(const struct ptable *pt, sd_buf *b,
    int (*line)(const struct ptable *, size_t, size_t, sd_buf *));
/* one CSV field, quoted when needed (and when a spreadsheet would take it
 * for a formula), then "," or CRLF when last */
int out_csv_field(sd_buf *b, const char *s, int last);
int out_json(const struct ptable *pt, sd_buf *b);
int out_sdmx(const struct ptable *pt, sd_buf *b);
/* A whole HTML page with the table (table --format html). */
int out_html_page(const struct ptable *pt, sd_buf *b);

/* Pieces shared with the EU report. */
int out_html_escape(sd_buf *b, const char *s);
/* <table> with caption, suppressed cells marked */
int out_html_table(const struct ptable *pt, const char *caption, sd_buf *b);
/* legend of the cell marks */
int out_html_legend(sd_buf *b);
/* the page's style sheet (screen and print) */
const char *out_css(void);
/* value as text: an integer with thin-space thousands in HTML (html=1),
 * plain digits otherwise */
const char *out_number(int64_t v, int html, char *buf, size_t cap);
/* what a status letter means, in words */
const char *out_status_words(char st);
/* the release id, or the draft mark, that every output carries */
const char *out_release(const struct ptable *pt);

#endif
