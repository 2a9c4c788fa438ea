/* sealdrop-analyst report: the standard EU report, one self-contained HTML
 * page (inline CSS and SVG, nothing loaded from elsewhere) built only from
 * protected tables. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "chart.h"
#include "cube.h"
#include "main.h"
#include "methods.h"
#include "out.h"
#include "query.h"
#include "release.h"
#include "sd_encode.h"
#include "sd_err.h"
#include "tr.h"

/* One table of the report: rows (and columns for a cross-table), the
 * measure, its heading (N_: translated where it is shown; the ledger keeps
 * the English), whether it gets the map or a bar chart, in which
 * order the bars go, and whether empty rows keep their bar. Each starts a
 * group of the report when group is set. */
struct rdef {
	const char *group;
	const char *dim;
	const char *cols;
	enum cube_measure m;
	const char *title;
	int map;
	int chart;
	enum chart_order order;
	int keep_zero;
};

static const struct rdef rdefs[] = {
	{ N_("Who reported"), "member_state", NULL, CM_COUNT,
	    N_("Reports by Member State"), 1, 1, CHART_BY_VALUE, 0 },
	{ NULL, "organisation", NULL, CM_COUNT,
	    N_("Reports by type of organisation"), 0, 1, CHART_BY_VALUE, 0 },
	{ NULL, "sector", NULL, CM_COUNT,
	    N_("Reports by sector of activity (NACE Rev. 2.1)"), 0, 1,
	    CHART_BY_VALUE, 0 },
	{ NULL, "size_class", NULL, CM_COUNT,
	    N_("Reports by size of organisation"), 0, 1, CHART_BY_CODE, 1 },
	{ N_("What was taken, how and by whom"), "secret_types", NULL, CM_COUNT,
	    N_("Types of secret taken"), 0, 1, CHART_BY_VALUE, 0 },
	{ NULL, "attack_vectors", NULL, CM_COUNT,
	    N_("How the secrets were taken"), 0, 1, CHART_BY_VALUE, 0 },
	{ NULL, "actor", NULL, CM_COUNT, N_("Who took the secrets"), 0, 1,
	    CHART_BY_VALUE, 0 },
	{ NULL, "actor_origin", NULL, CM_COUNT,
	    N_("Where those who took the secrets are believed to be"), 0, 1,
	    CHART_BY_VALUE, 0 },
	{ NULL, "reported_to_police", NULL, CM_COUNT,
	    N_("Reported to the police"), 0, 1, CHART_BY_CODE, 1 },
	{ N_("Losses and jobs at risk"), "member_state", NULL, CM_LOSS,
	    N_("Estimated loss by Member State (EUR)"), 0, 1, CHART_BY_VALUE,
	    0 },
	{ NULL, "sector", NULL, CM_LOSS, N_("Estimated loss by sector (EUR)"),
	    0, 1, CHART_BY_VALUE, 0 },
	{ NULL, "sector", NULL, CM_JOBS, N_("Jobs at risk by sector"), 0, 1,
	    CHART_BY_VALUE, 0 },
	{ NULL, "attack_vectors", NULL, CM_LOSS,
	    N_("Estimated loss by attack vector (EUR)"), 0, 1, CHART_BY_VALUE,
	    0 },
	{ NULL, "actor", NULL, CM_LOSS, N_("Estimated loss by actor (EUR)"), 0,
	    1, CHART_BY_VALUE, 0 },
	{ NULL, "attack_vectors", NULL, CM_JOBS,
	    N_("Jobs at risk by attack vector"), 0, 1, CHART_BY_VALUE, 0 },
	{ NULL, "actor", NULL, CM_JOBS, N_("Jobs at risk by actor"), 0, 1,
	    CHART_BY_VALUE, 0 },
	{ N_("Cross-tables"), "sector", "attack_vectors", CM_COUNT,
	    N_("Reports by sector and attack vector"), 0, 0, CHART_BY_CODE, 0 },
	{ NULL, "member_state", "sector", CM_COUNT,
	    N_("Reports by Member State and sector"), 0, 0, CHART_BY_CODE, 0 },
	{ N_("Trends"), "quarter", NULL, CM_COUNT,
	    N_("Reports by quarter of discovery"), 0, 1, CHART_BY_CODE, 1 },
	{ NULL, "year", NULL, CM_COUNT, N_("Reports by year of discovery"), 0,
	    1, CHART_BY_CODE, 1 },
};
#define N_RDEFS (sizeof(rdefs) / sizeof(rdefs[0]))

struct rtable {
	struct dim rows;
	struct dim cols;
	struct cube_spec spec;
	size_t idx;              /* in the release */
	int ok;                  /* protected and audited */
	struct ptable pt;
};

static void
usage(void)
{
	printf("usage: sealdrop-analyst report --store analyst.db --key "
	    "stats.key --out report.html\n"
	    "         [--period 2026|2026-Q3|2025..2026] [--force]\n"
	    "         [--threshold N] [--p P] [--nk n,k] [--passphrase-file F]\n"
	    "         [--lang xx] [--po-dir DIR]\n\n"
	    "Builds the standard EU report: one self-contained HTML page with "
	    "a table\nfor every question of the report (Member State, type of "
	    "organisation,\nsector, size, type of secret, attack vector, actor "
	    "and where it is,\nreport to the police), the estimated loss and "
	    "jobs at risk, trends by\nquarter and year, bar charts and a map, "
	    "each table's CSV and SDMX-CSV to\ndownload from the page, all after "
	    "disclosure control and together with the\nearlier releases in the "
	    "ledger. Rule parameters are never shown; a table\nwhose protection "
	    "fails its audit is left out and named on stderr.\n\n"
	    "--lang xx writes the page in a language of the web form (default "
	    "en), from\nthe catalogue DIR/xx.po (default: ./templates/po, else "
	    "the installed one);\nthe CSV and SDMX-CSV in the page keep codes "
	    "and English headers.\n");
}

struct lang_opts {
	const char *lang, *po_dir;
};

static int
parse(int argc, char **argv, struct query_opts *o, int *no_ledger,
    struct lang_opts *l)
{
	struct args_opt opts[] = {
		QUERY_OPTS(o),
		{ "no-ledger", 0, NULL, no_ledger, NULL, NULL, 0 },
		{ "lang", 1, &l->lang, NULL, NULL, NULL, 0 },
		{ "po-dir", 1, &l->po_dir, NULL, NULL, NULL, 0 },
	};
	const char *pos[1];
	size_t n_pos = 0;

	return args_parse(argc, argv, opts, sizeof(opts) / sizeof(opts[0]),
	    pos, 0, &n_pos);
}

static int
add_one(const char *cmd, const struct query *q, const struct period *per,
    struct release *R, size_t i, struct rtable *rt)
{
	if (dim_lookup(rdefs[i].dim, &rt->rows) != SD_OK) {
		args_err(cmd, "dimension %s is missing from the schema; table "
		    "'%s' left out", rdefs[i].dim, rdefs[i].title);
		return SD_E_INVAL;
	}
	rt->spec.rows = &rt->rows;
	if (rdefs[i].cols != NULL) {
		if (dim_lookup(rdefs[i].cols, &rt->cols) != SD_OK) {
			args_err(cmd, "dimension %s is missing from the schema; "
			    "table '%s' left out", rdefs[i].cols,
			    rdefs[i].title);
			return SD_E_INVAL;
		}
		rt->spec.cols = &rt->cols;
	}
	rt->spec.measure = rdefs[i].m;
	rt->spec.period = *per;
	return release_add(R, q, &rt->spec, rdefs[i].title, 1, &rt->idx, cmd);
}

/* The published grand total of measure m, if any table has one. */
static int
grand_total(const struct rtable *rt, enum cube_measure m, int64_t *v)
{
	size_t i;

	for (i = 0; i < N_RDEFS; i++) {
		if (!rt[i].ok || rdefs[i].m != m || rt[i].rows.multi ||
		    rdefs[i].cols != NULL)
			continue;
		if (ptable_suppressed(&rt[i].pt, rt[i].rows.n, 0))
			return 0;
		*v = ptable_value(&rt[i].pt, rt[i].rows.n, 0);
		return 1;
	}
	return 0;
}

static int
kpi(sd_buf *b, const struct rtable *rt, enum cube_measure m,
    const char *what)
{
	char num[64];
	int64_t v = 0;
	int rc;

	if (!grand_total(rt, m, &v)) {
		if ((rc = sd_buf_adds(b, "<div class=\"kpi\"><b>c</b><span>"))
		    != SD_OK || (rc = tr_put(b, what)) != SD_OK ||
		    (rc = sd_buf_adds(b, " (")) != SD_OK ||
		    (rc = tr_put(b, N_("confidential"))) != SD_OK)
			return rc;
		return sd_buf_adds(b, ")</span></div>");
	}
	if ((rc = sd_buf_addf(b, "<div class=\"kpi\"><b>%s</b><span>",
	    out_number(v, 1, num, sizeof(num)))) != SD_OK ||
	    (rc = tr_put(b, what)) != SD_OK)
		return rc;
	return sd_buf_adds(b, "</span></div>");
}

static int
kpis(sd_buf *b, const struct rtable *rt)
{
	int rc;

	if ((rc = sd_buf_adds(b, "<div class=\"kpis\">")) != SD_OK ||
	    (rc = kpi(b, rt, CM_COUNT, N_("reported incidents"))) != SD_OK ||
	    (rc = kpi(b, rt, CM_LOSS, N_("estimated loss in euros"))) !=
	    SD_OK || (rc = kpi(b, rt, CM_JOBS, N_("jobs at risk"))) != SD_OK ||
	    (rc = sd_buf_adds(b, "</div>\n<p class=\"note\">")) != SD_OK ||
	    (rc = tr_fmt(b, N_("Figures marked {c} are confidential: they are "
	    "withheld to protect the organisations that reported. See the "
	    "notes on method at the end."), "c", "<i>c</i>", NULL, NULL, 1)) !=
	    SD_OK)
		return rc;
	return sd_buf_adds(b, "</p>\n");
}

/* The title, the line under it (period, day, release) and the draft mark. */
static int
page_head(sd_buf *b, const char *period, const struct rtable *rt,
    const struct release *R)
{
	const char *title = N_("Cyber-theft of trade secrets in the EU");
	char today[11];
	int rc;

	sd_today(today);
	if ((rc = sd_buf_addf(b, "<!DOCTYPE html>\n<html lang=\"%s\"><head>"
	    "<meta charset=\"utf-8\"><meta name=\"viewport\" "
	    "content=\"width=device-width,initial-scale=1\">"
	    "<meta http-equiv=\"Content-Security-Policy\" "
	    "content=\"default-src 'none'; style-src 'unsafe-inline'; "
	    "img-src data:\"><title>", tr_lang())) != SD_OK ||
	    (rc = tr_put(b, title)) != SD_OK ||
	    (rc = sd_buf_adds(b, ": ")) != SD_OK ||
	    (rc = out_html_escape(b, period)) != SD_OK ||
	    (rc = sd_buf_addf(b, "</title><style>%s</style></head><body>\n"
	    "<header class=\"top\"><div class=\"in\"><h1>", out_css())) !=
	    SD_OK || (rc = tr_put(b, title)) != SD_OK ||
	    (rc = sd_buf_adds(b, "</h1><p>")) != SD_OK ||
	    (rc = tr_put(b, N_("Reports made to the EU through sealdrop"))) !=
	    SD_OK || (rc = sd_buf_adds(b, " &middot; ")) != SD_OK ||
	    /* TRANSLATORS: {period} is a year, a quarter (2026-Q3) or a range
	     * of them; the period in which the thefts were discovered. */
	    (rc = tr_fmt(b, N_("period of discovery: {period}"), "period",
	    period, NULL, NULL, 0)) != SD_OK ||
	    (rc = sd_buf_adds(b, " &middot; ")) != SD_OK ||
	    /* TRANSLATORS: {date} is the day the report was made, YYYY-MM-DD */
	    (rc = tr_fmt(b, N_("produced {date}"), "date", today, NULL, NULL,
	    0)) != SD_OK || (rc = sd_buf_adds(b, " &middot; ")) != SD_OK ||
	    (rc = R->draft ? tr_put(b, N_("DRAFT, not for release")) :
	    /* TRANSLATORS: {id} is the number of the release in the ledger */
	    tr_fmt(b, N_("release {id}"), "id", R->idtext, NULL, NULL, 0)) !=
	    SD_OK || (rc = sd_buf_adds(b, "</p></div></header><main>\n")) !=
	    SD_OK)
		return rc;
	if (R->draft && ((rc = sd_buf_adds(b, "<p class=\"draft\" "
	    "role=\"alert\">")) != SD_OK || (rc = tr_put(b, N_("DRAFT, not "
	    "for release: this report was not checked against earlier "
	    "releases and must not be shared."))) != SD_OK ||
	    (rc = sd_buf_adds(b, "</p>\n")) != SD_OK))
		return rc;
	return kpis(b, rt);
}

/* The table's CSV and SDMX-CSV as data: links, so that the page stays one
 * file and its figures can be taken out as they are published. */
static int
download(sd_buf *b, const char *type, const char *name, size_t i,
    const char *what, int (*write)(const struct ptable *, sd_buf *),
    const struct ptable *pt)
{
	sd_buf t;
	char *b64 = NULL;
	size_t cap;
	int rc;

	sd_buf_init(&t, OUT_MAX);
	if ((rc = write(pt, &t)) != SD_OK)
		goto done;
	cap = SD_B64_LEN(t.len);
	rc = SD_E_NOMEM;
	if ((b64 = malloc(cap)) == NULL)
		goto done;
	if ((rc = sd_b64_encode(b64, cap, t.data, t.len)) != SD_OK)
		goto done;
	rc = sd_buf_addf(b, "<a download=\"sealdrop-table-%zu%s\" "
	    "type=\"%s\" data-table=\"t%zu\" data-format=\"%s\" "
	    "href=\"data:%s;base64,%s\">%s</a>", i + 1, name, type, i + 1,
	    what, type, b64, what);
done:
	free(b64);
	sd_buf_free(&t);
	return rc;
}

/* The downloads are of the table as published, untranslated: codes and
 * English headers, as `table --format csv|sdmx` writes them. */
static int
downloads(sd_buf *b, size_t i, const struct rtable *rt)
{
	int rc;

	if ((rc = sd_buf_adds(b, "<p class=\"dl\">")) != SD_OK ||
	    (rc = tr_put(b, N_("Data of this table:"))) != SD_OK ||
	    (rc = sd_buf_adds(b, " ")) != SD_OK ||
	    (rc = download(b, "text/csv;charset=utf-8", ".csv", i, "CSV",
	    out_csv, &rt->pt)) != SD_OK ||
	    (rc = sd_buf_adds(b, " &middot; ")) != SD_OK ||
	    (rc = download(b, "text/csv;charset=utf-8", "-sdmx.csv", i,
	    "SDMX-CSV", out_sdmx, &rt->pt)) != SD_OK)
		return rc;
	return sd_buf_adds(b, "</p>\n");
}

static int
figures(sd_buf *b, size_t i, const struct ptable *view)
{
	const struct rdef *d = &rdefs[i];
	int rc;

	if (d->map && ((rc = sd_buf_adds(b, "<figure>")) != SD_OK ||
	    (rc = euro_map_svg(view, (unsigned)i, b)) != SD_OK ||
	    (rc = sd_buf_adds(b, "<figcaption>")) != SD_OK ||
	    (rc = tr_put(b, N_("Schematic map: each Member State is an equal "
	    "tile placed roughly where it lies, not drawn to scale; hatched "
	    "tiles are confidential."))) != SD_OK ||
	    (rc = sd_buf_adds(b, "</figcaption></figure>\n")) != SD_OK))
		return rc;
	if (!d->chart)
		return sd_buf_adds(b, "<div class=\"tw\">");
	if ((rc = sd_buf_adds(b, "<div class=\"grid\"><figure>")) != SD_OK ||
	    (rc = chart_bars(view, d->order, d->keep_zero, (unsigned)i, b))
	    != SD_OK)
		return rc;
	return sd_buf_adds(b, "</figure><div class=\"tw\">");
}

/* What the page shows of a table: its labels in the report's language
 * (the downloads keep rt->pt itself). */
struct view {
	struct ptable pt;
	struct dim rows, cols;
};

static void
view_of(const struct rtable *rt, const char *note, struct view *v)
{
	v->pt = rt->pt;
	tr_dim(rt->pt.rows, &v->rows);
	v->pt.rows = &v->rows;
	if (rt->pt.cols != NULL) {
		tr_dim(rt->pt.cols, &v->cols);
		v->pt.cols = &v->cols;
	}
	v->pt.note = note;
}

static int
section(sd_buf *b, size_t i, const struct rtable *rt, const char *note)
{
	const struct rdef *d = &rdefs[i];
	struct view *v = NULL;
	int rc;

	if (d->group != NULL && ((rc = sd_buf_addf(b, "<h2 id=\"g%zu\">", i +
	    1)) != SD_OK || (rc = tr_put(b, d->group)) != SD_OK ||
	    (rc = sd_buf_adds(b, "</h2>\n")) != SD_OK))
		return rc;
	if ((rc = sd_buf_addf(b, "<section id=\"t%zu\" class=\"%s\"><h3>",
	    i + 1, d->cols ? "cross" : "one")) != SD_OK ||
	    (rc = tr_put(b, d->title)) != SD_OK ||
	    (rc = sd_buf_adds(b, "</h3>\n")) != SD_OK)
		return rc;
	if (!rt->ok) {
		if ((rc = sd_buf_adds(b, "<p class=\"note\">")) != SD_OK ||
		    (rc = tr_put(b, N_("This table could not be protected "
		    "reliably and is withheld."))) != SD_OK)
			return rc;
		return sd_buf_adds(b, "</p></section>\n");
	}
	/* two dimensions of up to 32 labels each: not for the stack */
	if ((v = malloc(sizeof(*v))) == NULL)
		return SD_E_NOMEM;
	view_of(rt, note, v);
	if ((rc = figures(b, i, &v->pt)) != SD_OK ||
	    (rc = out_html_table(&v->pt, NULL, b)) != SD_OK)
		goto done;
	if ((rt->rows.multi || (d->cols && rt->cols.multi)) &&
	    ((rc = sd_buf_adds(b, "<p class=\"note\">")) != SD_OK ||
	    (rc = tr_put(b, N_("A report can name several answers here and "
	    "counts under each, so the figures do not add up to a total.")))
	    != SD_OK || (rc = sd_buf_adds(b, "</p>")) != SD_OK))
		goto done;
	if ((rc = downloads(b, i, rt)) != SD_OK)
		goto done;
	rc = sd_buf_adds(b, d->chart ? "</div></div></section>\n" :
	    "</div></section>\n");
done:
	free(v);
	return rc;
}

/* The groups and tables of the report, as links. */
static int
contents(sd_buf *b)
{
	size_t i;
	int rc, open = 0;

	if ((rc = sd_buf_adds(b, "<nav class=\"toc\" aria-label=\"")) !=
	    SD_OK || (rc = tr_put(b, N_("Contents"))) != SD_OK ||
	    (rc = sd_buf_adds(b, "\"><h2>")) != SD_OK ||
	    (rc = tr_put(b, N_("Contents"))) != SD_OK ||
	    (rc = sd_buf_adds(b, "</h2><ol>")) != SD_OK)
		return rc;
	for (i = 0; i < N_RDEFS; i++) {
		if (rdefs[i].group != NULL) {
			if ((open && (rc = sd_buf_adds(b, "</ol></li>")) !=
			    SD_OK) || (rc = sd_buf_addf(b, "<li><a "
			    "href=\"#g%zu\">", i + 1)) != SD_OK ||
			    (rc = tr_put(b, rdefs[i].group)) != SD_OK ||
			    (rc = sd_buf_adds(b, "</a><ol>")) != SD_OK)
				return rc;
			open = 1;
		}
		if ((rc = sd_buf_addf(b, "<li><a href=\"#t%zu\">", i + 1)) !=
		    SD_OK || (rc = tr_put(b, rdefs[i].title)) != SD_OK ||
		    (rc = sd_buf_adds(b, "</a></li>")) != SD_OK)
			return rc;
	}
	if (!open)
		return sd_buf_adds(b, "</ol></nav>\n");
	if ((rc = sd_buf_adds(b, "</ol></li><li><a href=\"#methods\">")) !=
	    SD_OK || (rc = tr_put(b, N_("Notes on method"))) != SD_OK)
		return rc;
	return sd_buf_adds(b, "</a></li></ol></nav>\n");
}

/* A paragraph that starts with a bold lead-in. */
static int
para(sd_buf *b, const char *lead, const char *text)
{
	int rc;

	if ((rc = sd_buf_adds(b, "<p>")) != SD_OK)
		return rc;
	if (lead != NULL && ((rc = sd_buf_adds(b, "<b>")) != SD_OK ||
	    (rc = tr_put(b, lead)) != SD_OK ||
	    (rc = sd_buf_adds(b, "</b> ")) != SD_OK))
		return rc;
	if ((rc = tr_put(b, text)) != SD_OK)
		return rc;
	return sd_buf_adds(b, "</p>\n");
}

static int
methods(sd_buf *b, const struct query *q, const struct release *R)
{
	char n[32];
	int rc;

	if ((rc = sd_buf_adds(b, "<section id=\"methods\"><h2>")) != SD_OK ||
	    (rc = tr_put(b, N_("Notes on method"))) != SD_OK ||
	    (rc = sd_buf_adds(b, "</h2>\n")) != SD_OK ||
	    (rc = para(b, NULL, N_("Organisations report the theft of trade "
	    "secrets through sealdrop. Reports from its command-line tool are "
	    "sealed on the organisation's own machine; reports sent through "
	    "the web form without JavaScript are sealed by the intake server "
	    "in memory as soon as they arrive. They are opened only on an "
	    "offline machine to produce these figures; the free-text "
	    "descriptions, contact details and attachments are never used for "
	    "statistics."))) != SD_OK ||
	    (rc = para(b, N_("What is counted."), N_("Each incident counts "
	    "once: when an organisation sends a corrected report for the same "
	    "incident, the later report replaces the earlier one. Reports are "
	    "placed in the period by the quarter in which the theft was "
	    "discovered. Reports without an estimate of the loss or of the "
	    "jobs at risk count as zero in those figures. A report can name "
	    "several types of secret and several attack vectors; it then "
	    "counts under each of them, so those tables have no total.")))
	    != SD_OK)
		return rc;
	snprintf(n, sizeof(n), "%zu", q->accepted);
	if (q->review && ((rc = sd_buf_adds(b, "<p><b>")) != SD_OK ||
	    (rc = tr_put(b, N_("Reviewed reports only."))) != SD_OK ||
	    (rc = sd_buf_adds(b, "</b> ")) != SD_OK ||
	    /* TRANSLATORS: {n} is a number of reports */
	    (rc = tr_fmt(b, N_("The analysts check every report before it "
	    "counts: only the reports they accepted as genuine are in these "
	    "figures (reports accepted: {n}); reports not yet checked and "
	    "those rejected (tests, spam, fakes) are not."), "n", n, NULL,
	    NULL, 0)) != SD_OK || (rc = sd_buf_adds(b, "</p>\n")) != SD_OK))
		return rc;
	if ((rc = methods_protection(b, R)) != SD_OK ||
	    (rc = out_html_legend(b)) != SD_OK)
		return rc;
	snprintf(n, sizeof(n), "%zu", q->sum.refused);
	if (q->sum.refused > 0 && ((rc = sd_buf_adds(b, "<p class=\"note\">"))
	    != SD_OK ||
	    /* TRANSLATORS: {n} is a number of reports */
	    (rc = tr_fmt(b, N_("Reports that could not be read or were not "
	    "valid and are not included: {n}."), "n", n, NULL, NULL, 0)) !=
	    SD_OK || (rc = sd_buf_adds(b, "</p>\n")) != SD_OK))
		return rc;
	if ((rc = para(b, NULL, N_("The map is schematic. Each table's "
	    "figures can be taken from the page as CSV and as SDMX-CSV (links "
	    "under each table), exactly as published here."))) != SD_OK)
		return rc;
	return sd_buf_adds(b, "</section>\n");
}

/* The page's note on an empty table, in the report's language; the
 * downloads keep the English note of query_empty_note. */
static const char *
empty_view(const struct query *q, const struct period *per,
    const char *empty, char *buf, size_t cap)
{
	const char *t = NULL, *at = NULL;

	if (empty == NULL)
		return NULL;
	if (q->rs.n == 0)
		return tr(q->review ? N_("no accepted reports in the store") :
		    N_("no reports in the store"));
	/* TRANSLATORS: {period} is a year, a quarter or a range of them */
	t = tr(q->review ? N_("no accepted reports in the period {period}") :
	    N_("no reports in the period {period}"));
	if ((at = strstr(t, "{period}")) == NULL)
		return t;
	snprintf(buf, cap, "%.*s%s%s", (int)(at - t), t, per->text, at + 8);
	return buf;
}

static int
render(sd_buf *b, const struct query *q, const struct period *per,
    const struct rtable *rt, const struct release *R, const char *note)
{
	size_t i;
	int rc;

	if ((rc = page_head(b, per->set ? per->text : tr(N_("all years")), rt,
	    R)) != SD_OK || (rc = contents(b)) != SD_OK)
		return rc;
	for (i = 0; i < N_RDEFS; i++)
		if ((rc = section(b, i, &rt[i], note)) != SD_OK)
			return rc;
	if ((rc = methods(b, q, R)) != SD_OK)
		return rc;
	return sd_buf_adds(b, "</main></body></html>\n");
}

static int
check_opts(const char *cmd, const struct query_opts *o, struct period *per,
    struct sdc_params *params)
{
	memset(per, 0, sizeof(*per));
	if (o->store == NULL || o->key == NULL || o->out == NULL) {
		args_err(cmd, "give --store, --key and --out; e.g. "
		    "sealdrop-analyst report --store analyst.db --key stats.key "
		    "--period 2026 --out report.html");
		return SD_E_INVAL;
	}
	if (o->period != NULL && period_parse(o->period, per) != SD_OK) {
		args_err(cmd, "--period '%s' is not a year, a quarter or a range "
		    "of them (2000 to 2099); e.g. 2026, 2026-Q3 or 2025..2026",
		    o->period);
		return SD_E_INVAL;
	}
	return query_params(cmd, o->threshold, o->p, o->nk, params);
}

int
cmd_report(int argc, char **argv)
{
	struct query_opts o;
	struct period per;
	struct sdc_params params;
	struct rtable *rt = NULL;
	struct release R;
	struct query q;
	struct lang_opts lo = { "en", NULL };
	sd_buf b;
	char note[96], vnote[256];
	const char *empty;
	size_t i;
	int rc, status = 1, no_ledger = 0;

	memset(&o, 0, sizeof(o));
	memset(&q, 0, sizeof(q));
	memset(&R, 0, sizeof(R));
	sd_buf_init(&b, OUT_MAX);
	if ((rc = parse(argc, argv, &o, &no_ledger, &lo)) == ARGS_HELP) {
		usage();
		return 0;
	}
	/* the language is checked with the options: before the passphrase
	 * is asked and any report opened */
	if (rc != SD_OK || check_opts(argv[0], &o, &per, &params) != SD_OK ||
	    tr_open(argv[0], lo.po_dir ? lo.po_dir : tr_default_po_dir(),
	    lo.lang) != SD_OK ||
	    query_check_out(argv[0], o.out, o.force) != SD_OK) {
		tr_close();
		return 1;
	}
	if ((rt = calloc(N_RDEFS, sizeof(*rt))) == NULL) {
		args_err(argv[0], "out of memory");
		return 1;
	}
	if (query_load(argv[0], o.store, o.key, o.passfile, !no_ledger, &q) !=
	    SD_OK)
		goto done;
	if (release_open(&R, &q, &params, no_ledger, "report",
	    "Cyber-theft of trade secrets in the EU", o.period, argv[0]) !=
	    SD_OK)
		goto done;
	for (i = 0; i < N_RDEFS; i++)
		if (add_one(argv[0], &q, &per, &R, i, &rt[i]) != SD_OK)
			goto done;
	if (release_protect(&R, 1, argv[0]) != SD_OK)
		goto done;
	/* every table of the report has the same period and no filter */
	if ((empty = query_empty_note(&q, &per, note, sizeof(note))) != NULL)
		args_err(argv[0], "note: %s; the report's tables are all zeros "
		    "and say so", empty);
	for (i = 0; i < N_RDEFS; i++) {
		rt[i].ok = R.L.tab[rt[i].idx].ok;
		release_ptable(&R, rt[i].idx, &rt[i].pt);
		rt[i].pt.note = empty;
	}
	if ((rc = render(&b, &q, &per, rt, &R, empty_view(&q, &per, empty,
	    vnote, sizeof(vnote)))) != SD_OK) {
		args_err(argv[0], "cannot build the report: %s",
		    sd_strerror(rc));
		goto done;
	}
	if (release_commit(&R, &q, o.out, o.force, &b, argv[0]) != SD_OK)
		goto done;
	fprintf(stderr, "wrote %s from %zu stored reports (after "
	    "replacements, before the period is applied)", o.out, q.rs.n);
	if (!no_ledger)
		fprintf(stderr, "; recorded as release %lld", (long long)R.id);
	fputc('\n', stderr);
	status = 0;
done:
	tr_close();
	release_free(&R);
	free(rt);
	sd_buf_free(&b);
	query_free(&q);
	return status;
}
