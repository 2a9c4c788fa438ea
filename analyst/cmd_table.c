/* sealdrop-analyst table: one table protected by disclosure control. */
#include <stdio.h>
#include <string.h>

#include "args.h"
#include "cube.h"
#include "main.h"
#include "out.h"
#include "query.h"
#include "sd_err.h"

struct table_opts {
	struct query_opts q;
	const char *rows, *cols, *measure, *format;
	const char *filter[CUBE_MAX_FILTERS];
	size_t n_filter;
};

static void
usage(void)
{
	printf("usage: sealdrop-analyst table --store analyst.db --key "
	    "stats.key --rows DIM\n"
	    "         [--cols DIM] [--measure count|loss_eur|jobs_at_risk]\n"
	    "         [--period 2026|2026-Q3|2025..2026] [--filter DIM=CODE]...\n"
	    "         [--format csv|json|sdmx|html] [--out FILE [--force]]\n"
	    "         [--threshold N] [--p P] [--nk n,k] [--passphrase-file F]\n\n"
	    "Decrypts the stats section of every stored report in memory, "
	    "counts each\nreport once (a later report with the same reporter "
	    "and incident reference\nreplaces the earlier one), and prints the "
	    "table after primary and secondary\nsuppression. A table whose "
	    "protection does not pass its audit is not\nwritten. Rule "
	    "parameters never appear in the output.\n\n"
	    "  --rows, --cols DIM  one of: %s\n"
	    "  --measure M         count (default), loss_eur or jobs_at_risk\n"
	    "  --period P          quarter(s) of discovery; default all\n"
	    "  --filter DIM=CODE   keep reports with that code (repeatable; "
	    "codes of one\n                      dimension are alternatives)\n"
	    "  --format F          csv (default), json, sdmx (SDMX-CSV 2.0) "
	    "or html\n"
	    "  --threshold N       fewest contributors in a published cell "
	    "(default 3)\n"
	    "  --p P               p%%-rule percentage for magnitudes (default "
	    "10)\n"
	    "  --nk n,k            also apply the (n,k) dominance rule\n",
	    dim_names());
}

static int
parse(int argc, char **argv, struct table_opts *o)
{
	struct args_opt opts[] = {
		QUERY_OPTS(&o->q),
		{ "rows", 1, &o->rows, NULL, NULL, NULL, 0 },
		{ "cols", 1, &o->cols, NULL, NULL, NULL, 0 },
		{ "measure", 1, &o->measure, NULL, NULL, NULL, 0 },
		{ "filter", 1, NULL, NULL, o->filter, &o->n_filter,
		    CUBE_MAX_FILTERS },
		{ "format", 1, &o->format, NULL, NULL, NULL, 0 },
	};
	const char *pos[1];
	size_t n_pos = 0;

	return args_parse(argc, argv, opts, sizeof(opts) / sizeof(opts[0]),
	    pos, 0, &n_pos);
}

/* Everything that can be checked before the passphrase is asked. */
static int
build_spec(const char *cmd, const struct table_opts *o, struct dim *rows,
    struct dim *cols, struct cube_spec *spec)
{
	char why[256];
	size_t i;

	memset(spec, 0, sizeof(*spec));
	if (o->q.store == NULL || o->q.key == NULL || o->rows == NULL) {
		args_err(cmd, "give --store, --key and --rows; e.g. "
		    "sealdrop-analyst table --store analyst.db --key stats.key "
		    "--rows member_state");
		return SD_E_INVAL;
	}
	if (dim_lookup(o->rows, rows) != SD_OK ||
	    (o->cols != NULL && dim_lookup(o->cols, cols) != SD_OK)) {
		args_err(cmd, "unknown dimension '%s'; use one of: %s",
		    dim_lookup(o->rows, rows) != SD_OK ? o->rows : o->cols,
		    dim_names());
		return SD_E_INVAL;
	}
	if (o->cols != NULL && rows->field == cols->field) {
		args_err(cmd, "--rows and --cols name the same dimension; give "
		    "two different ones");
		return SD_E_INVAL;
	}
	spec->rows = rows;
	spec->cols = o->cols ? cols : NULL;
	if (measure_parse(o->measure ? o->measure : "count", &spec->measure) !=
	    SD_OK) {
		args_err(cmd, "--measure must be count, loss_eur or "
		    "jobs_at_risk");
		return SD_E_INVAL;
	}
	if (o->q.period != NULL && period_parse(o->q.period, &spec->period) !=
	    SD_OK) {
		args_err(cmd, "--period '%s' is not a year, a quarter or a range "
		    "of them (2000 to 2099); e.g. 2026, 2026-Q3 or 2025..2026",
		    o->q.period);
		return SD_E_INVAL;
	}
	for (i = 0; i < o->n_filter; i++)
		if (cube_filter_add(spec, o->filter[i], why, sizeof(why)) !=
		    SD_OK) {
			args_err(cmd, "%s", why);
			return SD_E_INVAL;
		}
	/* an SDMX observation carries one code per dimension */
	for (i = 0; o->format != NULL && strcmp(o->format, "sdmx") == 0 &&
	    i < spec->n_filters; i++)
		if (spec->filter[i].n > 1) {
			args_err(cmd, "--format sdmx takes one code per filtered "
			    "dimension (%s); make one table per code",
			    spec->filter[i].text);
			return SD_E_INVAL;
		}
	return SD_OK;
}

static int
render(const char *fmt, const struct ptable *pt, sd_buf *b)
{
	if (strcmp(fmt, "json") == 0)
		return out_json(pt, b);
	if (strcmp(fmt, "sdmx") == 0)
		return out_sdmx(pt, b);
	if (strcmp(fmt, "html") == 0)
		return out_html_page(pt, b);
	return out_csv(pt, b);
}

static int
known_format(const char *f)
{
	return strcmp(f, "csv") == 0 || strcmp(f, "json") == 0 ||
	    strcmp(f, "sdmx") == 0 || strcmp(f, "html") == 0;
}

/* Aggregate, protect, audit, render. */
static int
make_table(const char *cmd, const struct query *q, struct cube_spec *spec,
    const struct sdc_params *params, const char *fmt, sd_buf *b)
{
	struct ptable pt;
	sdc_table *t = NULL;
	int rc;

	if ((rc = cube_build(&q->rs, spec, &t)) != SD_OK) {
		args_err(cmd, "cannot build the table: %s; choose a shorter "
		    "period for a time dimension", sd_strerror(rc));
		goto done;
	}
	if ((rc = sdc_protect(t, params)) != SD_OK) {
		args_err(cmd, "the protection of this table did not pass its "
		    "audit (%s), so nothing was written; try fewer rows or "
		    "columns or a longer period", sd_strerror(rc));
		goto done;
	}
	memset(&pt, 0, sizeof(pt));
	pt.rows = spec->rows;
	pt.cols = spec->cols;
	pt.measure = spec->measure;
	pt.t = t;
	pt.period = spec->period.set ? spec->period.text : "";
	pt.filter = spec->filter;
	pt.n_filters = spec->n_filters;
	if ((rc = render(fmt, &pt, b)) != SD_OK)
		args_err(cmd, "cannot format the table: %s", sd_strerror(rc));
done:
	sdc_table_free(t);
	return rc;
}

int
cmd_table(int argc, char **argv)
{
	static struct dim rows, cols;
	struct table_opts o;
	struct cube_spec spec;
	struct sdc_params params;
	struct query q;
	sd_buf b;
	int rc, status = 1;

	memset(&o, 0, sizeof(o));
	memset(&q, 0, sizeof(q));
	sd_buf_init(&b, OUT_MAX);
	if ((rc = parse(argc, argv, &o)) == ARGS_HELP) {
		usage();
		return 0;
	}
	if (rc != SD_OK ||
	    build_spec(argv[0], &o, &rows, &cols, &spec) != SD_OK ||
	    query_params(argv[0], o.q.threshold, o.q.p, o.q.nk, &params) != SD_OK)
		return 1;
	if (o.format != NULL && !known_format(o.format)) {
		args_err(argv[0], "--format must be csv, json, sdmx or html");
		return 1;
	}
	if (query_load(argv[0], o.q.store, o.q.key, o.q.passfile, &q) != SD_OK)
		goto done;
	if (make_table(argv[0], &q, &spec, &params,
	    o.format ? o.format : "csv", &b) != SD_OK)
		goto done;
	if (query_write(argv[0], o.q.out, o.q.force, &b) != SD_OK)
		goto done;
	status = 0;
done:
	sd_buf_free(&b);
	query_free(&q);
	return status;
}
