/* sealdrop-analyst table: one table protected by disclosure control. */
#include <stdio.h>
#include <string.h>

#include "args.h"
#include "cube.h"
#include "main.h"
#include "out.h"
#include "query.h"
#include "release.h"
#include "sd_err.h"

struct table_opts {
	struct query_opts q;
	const char *rows, *cols, *measure, *format;
	const char *filter[CUBE_MAX_FILTERS];
	size_t n_filter;
	int no_ledger;
};

static void
usage(void)
{
	printf("usage: sealdrop-analyst table --store analyst.db --key "
	    "stats.key --rows DIM\n"
	    "         [--cols DIM] [--measure count|loss_eur|jobs_at_risk]\n"
	    "         [--period 2026|2026-Q3|2025..2026] [--filter DIM=CODE]...\n"
	    "         [--format csv|json|sdmx|html] [--out FILE [--force]]\n"
	    "         [--no-ledger] [--threshold N] [--p P] [--nk n,k]\n"
	    "         [--passphrase-file F]\n\n"
	    "Decrypts the stats section of every stored report in memory, "
	    "counts each\nreport once (a later report with the same reporter "
	    "and incident reference\nreplaces the earlier one), and prints the "
	    "table after primary and secondary\nsuppression. The table is "
	    "protected together with every earlier release\nrecorded in the "
	    "store's ledger that shares reports or periods with it, and\n"
	    "recorded there itself when it is written (its release id is in "
	    "the output).\nA table whose protection does not pass its audit "
	    "is not written. Rule\nparameters never appear in the output.\n\n"
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
	    "  --nk n,k            also apply the (n,k) dominance rule\n"
	    "  --no-ledger         a draft: neither checked against nor "
	    "recorded in the\n                      ledger, and marked on "
	    "its face as not for release\n",
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
		{ "no-ledger", 0, NULL, &o->no_ledger, NULL, NULL, 0 },
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
	int sdmx = o->format != NULL && strcmp(o->format, "sdmx") == 0;
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
	/* an SDMX observation has one TIME_PERIOD, of one frequency */
	if (sdmx && rows->is_time && spec->cols != NULL && cols->is_time) {
		args_err(cmd, "--format sdmx takes one time dimension (quarter or "
		    "year), not both: an observation has one TIME_PERIOD; make "
		    "it by quarter alone, or use --format csv");
		return SD_E_INVAL;
	}
	/* an SDMX observation carries one code per dimension */
	for (i = 0; sdmx && i < spec->n_filters; i++)
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

static void
title_of(const struct cube_spec *spec, char *out, size_t cap)
{
	size_t k, o;

	o = (size_t)snprintf(out, cap, "%s by %s%s%s", measure_name(
	    spec->measure), spec->rows->name, spec->cols ? " and " : "",
	    spec->cols ? spec->cols->name : "");
	for (k = 0; k < spec->n_filters && o < cap; k++)
		o += (size_t)snprintf(out + o, cap - o, ", %s",
		    spec->filter[k].text);
}

/* Aggregate, protect with the ledger, audit, render. */
static int
make_table(const char *cmd, struct query *q, struct release *R,
    struct cube_spec *spec, const char *fmt, sd_buf *b)
{
	struct ptable pt;
	char title[160], note[96];
	size_t idx = 0;
	int rc;

	title_of(spec, title, sizeof(title));
	if ((rc = release_add(R, q, spec, title, 0, &idx, cmd)) != SD_OK)
		return rc;
	if ((rc = release_protect(R, 0, cmd)) != SD_OK)
		return rc;
	release_ptable(R, idx, &pt);
	if ((pt.note = query_empty_note(q, &spec->period, note, sizeof(note))) != NULL)
		args_err(cmd, "note: %s; the table is all zeros and says so",
		    pt.note);
	if ((rc = render(fmt, &pt, b)) != SD_OK)
		args_err(cmd, "cannot format the table: %s", sd_strerror(rc));
	return rc;
}

int
cmd_table(int argc, char **argv)
{
	static struct dim rows, cols;
	struct table_opts o;
	struct cube_spec spec;
	struct sdc_params params;
	struct release R;
	struct query q;
	sd_buf b;
	int rc, status = 1;

	memset(&o, 0, sizeof(o));
	memset(&q, 0, sizeof(q));
	memset(&R, 0, sizeof(R));
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
	if (query_check_out(argv[0], o.q.out, o.q.force) != SD_OK)
		return 1;
	if (query_load(argv[0], o.q.store, o.q.key, o.q.passfile, !o.no_ledger,
	    &q) != SD_OK)
		goto done;
	if (release_open(&R, &q, &params, o.no_ledger, "table", "table",
	    o.q.period, argv[0]) != SD_OK)
		goto done;
	if (make_table(argv[0], &q, &R, &spec, o.format ? o.format : "csv",
	    &b) != SD_OK)
		goto done;
	if (release_commit(&R, &q, o.q.out, o.q.force, &b, argv[0]) != SD_OK)
		goto done;
	if (!o.no_ledger)
		fprintf(stderr, "%s: recorded as release %lld in the ledger of "
		    "%s\n", argv[0], (long long)R.id, o.q.store);
	status = 0;
done:
	release_free(&R);
	sd_buf_free(&b);
	query_free(&q);
	return status;
}
