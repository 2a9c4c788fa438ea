/* HTML: tables with suppressed cells marked, the shared style sheet, and
 * the page of `table --format html`. Every text is escaped; pages load
 * nothing from outside. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "out.h"
#include "sd_err.h"
#include "tr.h"

static const char css[] =
    ":root{--eu:#003399;--ink:#1a1a1a;--mute:#5c6370;--line:#d5d9e0;"
    "--sup:#b3261e;--bg:#f5f7fb}"
    "*{box-sizing:border-box}"
    "body{font:15px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,"
    "'Helvetica Neue',Arial,sans-serif;color:var(--ink);margin:0;"
    "background:#fff}"
    "main{max-width:1100px;margin:0 auto;padding:24px 32px 48px}"
    "header.top{background:var(--eu);color:#fff;padding:28px 32px}"
    "header.top .in{max-width:1100px;margin:0 auto}"
    "header.top h1{margin:0 0 4px;font-size:28px;font-weight:650}"
    "header.top p{margin:0;opacity:.9}"
    "h2{font-size:21px;color:var(--eu);margin:36px 0 8px;"
    "border-bottom:2px solid var(--eu);padding-bottom:4px}"
    "h3{font-size:16px;margin:20px 0 6px}"
    "p.note,figcaption{color:var(--mute);font-size:13px}"
    "p.draft{border:3px solid var(--sup);color:var(--sup);font-weight:700;"
    "padding:10px 14px;background:#fff}"
    ".kpis{display:flex;flex-wrap:wrap;gap:16px;margin:20px 0}"
    ".kpi{flex:1 1 200px;background:var(--bg);border-left:4px solid "
    "var(--eu);padding:12px 16px}"
    ".kpi b{display:block;font-size:26px;color:var(--eu)}"
    ".kpi span{color:var(--mute);font-size:13px}"
    ".grid{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);"
    "gap:24px;align-items:start}"
    "@media (max-width:800px){.grid{grid-template-columns:1fr}}"
    "figure{margin:8px 0 16px}"
    "svg{max-width:100%;height:auto}"
    "table.sd{border-collapse:collapse;width:100%;font-size:13px;"
    "margin:6px 0}"
    "table.sd caption{text-align:left;font-weight:600;padding:4px 0}"
    "table.sd th,table.sd td{border-bottom:1px solid var(--line);"
    "padding:3px 8px;vertical-align:top}"
    "table.sd thead th{border-bottom:2px solid var(--ink);text-align:right}"
    "table.sd thead th:first-child{text-align:left}"
    "table.sd th[scope=row]{text-align:left;font-weight:400}"
    "table.sd td{text-align:right;font-variant-numeric:tabular-nums;"
    "white-space:nowrap}"
    "table.sd tr.total th,table.sd tr.total td{font-weight:650;"
    "border-top:2px solid var(--ink)}"
    "table.sd td.c{color:var(--sup);font-style:italic}"
    "table.sd th.coded{text-align:center}"
    "table.sd abbr{text-decoration:none;cursor:help}"
    ".tw{overflow-x:auto;max-width:100%}"
    ".cross table.sd{width:auto;min-width:50%}"
    ".cross table.sd td,.cross table.sd th{padding:3px 5px}"
    "dl.codes{font-size:12px;color:var(--mute);display:grid;"
    "grid-template-columns:auto 1fr;gap:0 10px;margin:4px 0 8px}"
    "dl.codes dt{font-weight:600}dl.codes dd{margin:0}"
    "dl.codes .what{grid-column:1/3;color:var(--ink)}"
    "p.dl{font-size:13px;margin:4px 0 12px}"
    "p.dl a{color:var(--eu)}"
    "nav.toc{background:var(--bg);padding:12px 20px;margin:16px 0}"
    "nav.toc h2{border:0;margin:0 0 6px;font-size:17px}"
    "nav.toc ol{margin:0;padding-left:20px;columns:2 300px}"
    "nav.toc ol ol{columns:auto;font-size:13px}"
    "nav.toc li{break-inside:avoid}"
    "h3{color:var(--ink)}"
    "table.sd .code{color:var(--mute);font-size:11px;margin-right:6px}"
    "dl.legend{font-size:12px;color:var(--mute);display:grid;"
    "grid-template-columns:auto 1fr;gap:0 10px;margin:6px 0}"
    "dl.legend dt{color:var(--sup);font-style:italic}"
    "dl.legend dd{margin:0}"
    ".meta{color:var(--mute);font-size:13px}"
    "section{break-inside:avoid-page}"
    "@media print{body{font-size:11pt}header.top{background:none;"
    "color:#000;border-bottom:3px solid #000;padding:0 0 8px}"
    "main{padding:0;max-width:none}h2{break-after:avoid}"
    "figure,table.sd{break-inside:avoid}"
    ".grid{grid-template-columns:1fr 1fr}"
    ".tw{overflow:visible}"
    ".cross table.sd{font-size:8pt}"
    "p.dl,nav.toc{display:none}"
    "h2{break-before:page}nav.toc+h2{break-before:auto}"
    "a{color:inherit;text-decoration:none}}"
    "@page{size:A4;margin:16mm 14mm}";

const char *
out_css(void)
{
	return css;
}

int
out_html_escape(sd_buf *b, const char *s)
{
	const char *p, *start = s;
	const char *rep;
	int rc = SD_OK;

	for (p = s; *p != '\0' && rc == SD_OK; p++) {
		switch (*p) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		if ((rc = sd_buf_add(b, start, (size_t)(p - start))) == SD_OK)
			rc = sd_buf_adds(b, rep);
		start = p + 1;
	}
	if (rc == SD_OK)
		rc = sd_buf_adds(b, start);
	return rc;
}

const char *
out_number(int64_t v, int html, char *buf, size_t cap)
{
	char digits[48];
	size_t n, i, o = 0, lead;
	const char *sep = html ? "\xe2\x80\xaf" : "";   /* narrow nbsp */
	size_t seplen = strlen(sep);

	snprintf(digits, sizeof(digits), "%lld", (long long)v);
	n = strlen(digits);
	if (!html || n <= 4) {
		snprintf(buf, cap, "%s", digits);
		return buf;
	}
	lead = n % 3 ? n % 3 : 3;
	for (i = 0; i < n && o + seplen + 2 < cap; i++) {
		if (i > 0 && (i - lead) % 3 == 0 && i >= lead) {
			memcpy(buf + o, sep, seplen);
			o += seplen;
		}
		buf[o++] = digits[i];
	}
	buf[o] = '\0';
	return buf;
}

const char *
out_release(const struct ptable *pt)
{
	return pt->release != NULL ? pt->release : "DRAFT, not for release";
}

const char *
out_status_words(char st)
{
	switch (st) {
	case 'A': return N_("confidential: too few reporters");
	case 'O': return N_("confidential: dominated by one reporter");
	case 'T': return N_("confidential: dominated by two reporters");
	case 'C': return N_("confidential: dominated by a few reporters");
	case 'D': return N_("confidential: hidden so that another "
	    "confidential figure cannot be worked out");
	default: return N_("published");
	}
}

/* Labels as the page shows them: the dimensions' labels are the caller's
 * (translated for the report), the total's and the measure's are looked up
 * here (English without a catalogue, as `table --format html` has). */
static const char *
col_label(const struct ptable *pt, size_t j)
{
	if (pt->cols == NULL)
		return tr(measure_label(pt->measure));
	return j < pt->cols->n ? pt->cols->clabel[j] : tr(CUBE_TOTAL_LABEL);
}

static const char *
row_label(const struct ptable *pt, size_t i)
{
	return i < pt->rows->n ? pt->rows->clabel[i] : tr(CUBE_TOTAL_LABEL);
}

/* Columns of a cross-table head by their codes when any label is long:
 * a sentence per column does not fit a page; the legend under the table
 * gives each code its label. */
#define HEAD_LABEL_MAX 14

static int
coded_head(const struct ptable *pt)
{
	size_t j;

	if (pt->cols == NULL)
		return 0;
	for (j = 0; j < ptable_cols(pt); j++)
		if (strlen(col_label(pt, j)) > HEAD_LABEL_MAX &&
		    strcmp(ptable_col_code(pt, j), col_label(pt, j)) != 0)
			return 1;
	return 0;
}

static int
head_cell(const struct ptable *pt, size_t j, int coded, sd_buf *b)
{
	int rc;

	if (!coded || strcmp(ptable_col_code(pt, j), "_T") == 0 ||
	    strcmp(ptable_col_code(pt, j), col_label(pt, j)) == 0) {
		if ((rc = sd_buf_adds(b, "<th scope=\"col\">")) != SD_OK ||
		    (rc = out_html_escape(b, col_label(pt, j))) != SD_OK)
			return rc;
		return sd_buf_adds(b, "</th>");
	}
	if ((rc = sd_buf_adds(b, "<th scope=\"col\" class=\"coded\"><abbr "
	    "title=\"")) != SD_OK ||
	    (rc = out_html_escape(b, col_label(pt, j))) != SD_OK ||
	    (rc = sd_buf_adds(b, "\">")) != SD_OK ||
	    (rc = out_html_escape(b, ptable_col_code(pt, j))) != SD_OK)
		return rc;
	return sd_buf_adds(b, "</abbr></th>");
}

/* The codes of a coded head and what each stands for. */
static int
code_legend(const struct ptable *pt, sd_buf *b)
{
	size_t j;
	int rc;

	if ((rc = sd_buf_adds(b, "<dl class=\"codes\"><dt class=\"what\">")) !=
	    SD_OK || (rc = out_html_escape(b, pt->cols->label)) != SD_OK ||
	    (rc = sd_buf_adds(b, ":</dt><dd class=\"what\"></dd>")) != SD_OK)
		return rc;
	for (j = 0; j < ptable_cols(pt); j++) {
		if (strcmp(ptable_col_code(pt, j), "_T") == 0)
			continue;
		if ((rc = sd_buf_adds(b, "<dt>")) != SD_OK ||
		    (rc = out_html_escape(b, ptable_col_code(pt, j))) != SD_OK ||
		    (rc = sd_buf_adds(b, "</dt><dd>")) != SD_OK ||
		    (rc = out_html_escape(b, col_label(pt, j))) != SD_OK ||
		    (rc = sd_buf_adds(b, "</dd>")) != SD_OK)
			return rc;
	}
	return sd_buf_adds(b, "</dl>\n");
}

static int
head_row(const struct ptable *pt, sd_buf *b)
{
	int coded = coded_head(pt);
	size_t j;
	int rc;

	if ((rc = sd_buf_adds(b, "<thead><tr><th scope=\"col\">")) != SD_OK ||
	    (rc = out_html_escape(b, pt->rows->label)) != SD_OK ||
	    (rc = sd_buf_adds(b, "</th>")) != SD_OK)
		return rc;
	for (j = 0; j < ptable_cols(pt); j++)
		if ((rc = head_cell(pt, j, coded, b)) != SD_OK)
			return rc;
	return sd_buf_adds(b, "</tr></thead>\n");
}

static int
cell(const struct ptable *pt, size_t i, size_t j, sd_buf *b)
{
	char num[64];
	char st;
	int rc;

	if (!ptable_has(pt, i, j))
		return sd_buf_adds(b, "<td></td>");
	st = ptable_status(pt, i, j);
	if (ptable_suppressed(pt, i, j)) {
		if ((rc = sd_buf_adds(b, "<td class=\"c\" title=\"")) !=
		    SD_OK || (rc = tr_put(b, out_status_words(st))) != SD_OK)
			return rc;
		return sd_buf_addf(b, "\">c<sup>%c</sup></td>", st);
	}
	return sd_buf_addf(b, "<td>%s</td>", out_number(ptable_value(pt, i,
	    j), 1, num, sizeof(num)));
}

static int
body_row(const struct ptable *pt, size_t i, sd_buf *b)
{
	size_t j;
	int rc;

	if ((rc = sd_buf_adds(b, i < pt->rows->n ? "<tr><th scope=\"row\">" :
	    "<tr class=\"total\"><th scope=\"row\">")) != SD_OK)
		return rc;
	if (i < pt->rows->n && strcmp(ptable_row_code(pt, i),
	    row_label(pt, i)) != 0 &&
	    ((rc = sd_buf_adds(b, "<span class=\"code\">"))
	    != SD_OK || (rc = out_html_escape(b, ptable_row_code(pt, i))) !=
	    SD_OK || (rc = sd_buf_adds(b, "</span>")) != SD_OK))
		return rc;
	if ((rc = out_html_escape(b, row_label(pt, i))) != SD_OK ||
	    (rc = sd_buf_adds(b, "</th>")) != SD_OK)
		return rc;
	for (j = 0; j < ptable_cols(pt); j++)
		if ((rc = cell(pt, i, j, b)) != SD_OK)
			return rc;
	return sd_buf_adds(b, "</tr>\n");
}

int
out_html_table(const struct ptable *pt, const char *caption, sd_buf *b)
{
	size_t i;
	int rc;

	if (pt->note != NULL && ((rc = sd_buf_adds(b, "<p class=\"note\" "
	    "role=\"status\">")) != SD_OK ||
	    /* TRANSLATORS: {note} says why, e.g. "no reports in the store" */
	    (rc = tr_fmt(b, N_("Empty table: {note}."), "note", pt->note, NULL,
	    NULL, 0)) != SD_OK ||
	    (rc = sd_buf_adds(b, "</p>\n")) != SD_OK))
		return rc;
	if ((rc = sd_buf_adds(b, "<table class=\"sd\">")) != SD_OK)
		return rc;
	if (caption != NULL && ((rc = sd_buf_adds(b, "<caption>")) != SD_OK ||
	    (rc = out_html_escape(b, caption)) != SD_OK ||
	    (rc = sd_buf_adds(b, "</caption>")) != SD_OK))
		return rc;
	if ((rc = head_row(pt, b)) != SD_OK ||
	    (rc = sd_buf_adds(b, "<tbody>\n")) != SD_OK)
		return rc;
	for (i = 0; i < ptable_rows(pt); i++)
		if ((rc = body_row(pt, i, b)) != SD_OK)
			return rc;
	if ((rc = sd_buf_adds(b, "</tbody></table>\n")) != SD_OK)
		return rc;
	return coded_head(pt) ? code_legend(pt, b) : SD_OK;
}

int
out_html_legend(sd_buf *b)
{
	static const char letters[] = "AOTCD";
	size_t i;
	int rc;

	if ((rc = sd_buf_adds(b, "<dl class=\"legend\">")) != SD_OK)
		return rc;
	for (i = 0; letters[i] != '\0'; i++)
		if ((rc = sd_buf_addf(b, "<dt>c<sup>%c</sup></dt><dd>",
		    letters[i])) != SD_OK ||
		    (rc = tr_put(b, out_status_words(letters[i]))) != SD_OK ||
		    (rc = sd_buf_adds(b, "</dd>")) != SD_OK)
			return rc;
	return sd_buf_adds(b, "</dl>\n");
}

static int
page_meta(const struct ptable *pt, sd_buf *b)
{
	size_t k;
	int rc;

	if ((rc = sd_buf_adds(b, "<p class=\"meta\">Measure: ")) != SD_OK ||
	    (rc = out_html_escape(b, measure_label(pt->measure))) != SD_OK ||
	    (rc = sd_buf_adds(b, ". Period of discovery: ")) != SD_OK ||
	    (rc = out_html_escape(b, pt->period[0] ? pt->period : "all")) !=
	    SD_OK)
		return rc;
	for (k = 0; k < pt->n_filters; k++)
		if ((rc = sd_buf_adds(b, k ? ", " : ". Only reports with ")) !=
		    SD_OK ||
		    (rc = out_html_escape(b, pt->filter[k].text)) != SD_OK)
			return rc;
	if (!pt->draft && (rc = sd_buf_adds(b, ". Release ")) == SD_OK)
		rc = out_html_escape(b, out_release(pt));
	if (rc != SD_OK)
		return rc;
	return sd_buf_adds(b, ".</p>\n");
}

int
out_html_page(const struct ptable *pt, sd_buf *b)
{
	char title[256];
	int rc;

	snprintf(title, sizeof(title), "%s by %s%s%s", measure_label(pt->measure),
	    pt->rows->label, pt->cols ? " and " : "",
	    pt->cols ? pt->cols->label : "");
	if ((rc = sd_buf_adds(b, "<!DOCTYPE html>\n<html lang=\"en\"><head>"
	    "<meta charset=\"utf-8\"><meta name=\"viewport\" "
	    "content=\"width=device-width,initial-scale=1\">"
	    "<meta http-equiv=\"Content-Security-Policy\" "
	    "content=\"default-src 'none'; style-src 'unsafe-inline'; "
	    "img-src data:\"><title>")) !=
	    SD_OK || (rc = out_html_escape(b, title)) != SD_OK ||
	    (rc = sd_buf_addf(b, "</title><style>%s</style></head><body>"
	    "<main><h1>", css)) != SD_OK ||
	    (rc = out_html_escape(b, title)) != SD_OK ||
	    (rc = sd_buf_adds(b, "</h1>\n")) != SD_OK ||
	    (pt->draft && (rc = sd_buf_adds(b, "<p class=\"draft\" "
	    "role=\"alert\">DRAFT, not for release: this table was not "
	    "checked against earlier releases and must not be shared.</p>\n"))
	    != SD_OK) ||
	    (rc = page_meta(pt, b)) != SD_OK ||
	    (rc = out_html_table(pt, NULL, b)) != SD_OK ||
	    (rc = out_html_legend(b)) != SD_OK)
		return rc;
	if (pt->rows->multi || (pt->cols && pt->cols->multi))
		rc = sd_buf_adds(b, "<p class=\"note\">A report can name several "
		    "values of a multiple-choice question and then counts "
		    "under each, so there is no total along it.</p>\n");
	if (rc == SD_OK)
		rc = sd_buf_adds(b, "</main></body></html>\n");
	return rc;
}
