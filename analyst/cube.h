/* Aggregation of reports into one protected table: dimensions (the stats
 * fields the schema marks as dimensions, plus quarter and year of
 * discovery), the period, filters and the measure; and the view of a
 * protected table that the outputs read. */
#ifndef SD_ANALYST_CUBE_H
#define SD_ANALYST_CUBE_H

#include <stddef.h>
#include <stdint.h>

#include "recs.h"
#include "sdc.h"

enum dim_field {
	DF_MEMBER_STATE, DF_ORGANISATION, DF_SECTOR, DF_SIZE_CLASS,
	DF_SECRET_TYPES, DF_ATTACK_VECTORS, DF_ACTOR, DF_ACTOR_ORIGIN,
	DF_POLICE, DF_QUARTER, DF_YEAR,
};

/* Quarters are counted as year * 4 + (quarter - 1). */
#define CUBE_YEAR_MIN 2000
#define CUBE_YEAR_MAX 2099
#define DIM_MAX_CODES 400
#define DIM_CODE_LEN 24

struct dim {
	const char *name;        /* as given on the command line */
	const char *label;       /* English */
	enum dim_field field;
	int multi;               /* multi-valued: no total along it */
	int is_time;
	size_t n;
	const char *code[DIM_MAX_CODES];
	const char *clabel[DIM_MAX_CODES];
	unsigned first;          /* time: first quarter index or year */
	char gen[DIM_MAX_CODES][DIM_CODE_LEN];
};

/* Fill d for a dimension name (time dimensions get their codes in
 * cube_build). SD_OK or SD_E_INVAL. */
int dim_lookup(const char *name, struct dim *d);
/* Names of the dimensions, comma separated, for help and errors. */
const char *dim_names(void);
/* The label without its explanation ("Micro enterprise: fewer than ..."
 * gives "Micro enterprise") when that short form is unique in the list. */
const char *dim_short_label(const struct dim *d, size_t i, char *buf,
    size_t cap);

struct period {
	int set;
	unsigned from, to;       /* quarter indexes, inclusive */
	char text[32];           /* as given */
};
/* "2026", "2026-Q3", "2025..2026", "2025-Q3..2026-Q2". */
int period_parse(const char *s, struct period *p);

#define CUBE_MAX_FILTERS 16
#define FILTER_MAX_VALUES 16
struct filter {
	enum dim_field field;
	size_t n;
	uint32_t v[FILTER_MAX_VALUES];   /* code index, quarter index or year */
	char text[96];                   /* "sector=C" (for the outputs) */
};

enum cube_measure { CM_COUNT, CM_LOSS, CM_JOBS };
int measure_parse(const char *s, enum cube_measure *m);
const char *measure_name(enum cube_measure m);
const char *measure_label(enum cube_measure m);

struct cube_spec {
	struct dim *rows;
	struct dim *cols;        /* NULL: one-dimensional */
	enum cube_measure measure;
	struct period period;
	struct filter filter[CUBE_MAX_FILTERS];
	size_t n_filters;
};

/* "DIM=CODE"; several filters on one dimension mean any of the codes,
 * filters on different dimensions must all hold. SD_OK or SD_E_INVAL with
 * why filled. */
int cube_filter_add(struct cube_spec *s, const char *text, char *why,
    size_t whylen);

/* Reports of the set that fall in the period and pass the filters. */
int cube_selects(const struct cube_spec *s, const struct arec *r);
/* The first and last quarter of discovery of the reports s selects; 0
 * when it selects none. */
int cube_span(const struct recset *rs, const struct cube_spec *s,
    unsigned *from, unsigned *to);
/* Aggregate into a new sdc table (not yet protected). Time dimensions get
 * their codes from the period, or from the data when no period is set. */
int cube_build(const struct recset *rs, struct cube_spec *s, sdc_table **out);

/* The pieces of cube_build, for tables built from another set of records
 * (an earlier release): time codes given, an empty table for the spec,
 * and one record at a time (ignored unless the spec selects it). */
int cube_time_set(struct dim *d, unsigned first, size_t n);
int cube_table_new(const struct cube_spec *s, sdc_table **out);
int cube_add(sdc_table *t, const struct cube_spec *s, const struct arec *r);
/* The cells of a table of spec s that record r counts in, margins
 * included, as row * (ncols + 1) + col; at most cap. 0 when the spec does
 * not select r. */
size_t cube_cells_of(const struct cube_spec *s, const struct arec *r,
    size_t *cells, size_t cap);
/* A record's value along a field: a bit mask for the multi-valued fields,
 * else one value (code index, quarter index year * 4 + quarter - 1, or
 * year). */
uint32_t cube_rec_value(const struct arec *r, enum dim_field f);
int cube_field_multi(enum dim_field f);
/* The value a record adds under measure m (count: 1). */
int64_t cube_measure_value(enum cube_measure m, const struct arec *r);

/* A protected table as the outputs see it. */
struct ptable {
	const struct dim *rows;
	const struct dim *cols;  /* NULL: one-dimensional */
	enum cube_measure measure;
	const sdc_table *t;
	const char *period;      /* "" when all periods */
	const struct filter *filter;
	size_t n_filters;
	const char *release;     /* the release id, or the draft mark */
	int draft;               /* not for release */
	/* why the table is all zeros when no report is in the store or the
	 * period ("no reports in the period 2026"); NULL otherwise */
	const char *note;
	/* quarters of discovery the reports counted span (those of the whole
	 * store when the table counts none); for a time stamp where the table
	 * has neither a time dimension nor a period */
	int has_span;
	unsigned span_from, span_to;
};

/* Rows and columns including a total where the table has one. */
size_t ptable_rows(const struct ptable *pt);
size_t ptable_cols(const struct ptable *pt);
const char *ptable_row_code(const struct ptable *pt, size_t i);
const char *ptable_row_label(const struct ptable *pt, size_t i);
const char *ptable_col_code(const struct ptable *pt, size_t j);
const char *ptable_col_label(const struct ptable *pt, size_t j);
int ptable_has(const struct ptable *pt, size_t i, size_t j);
/* SDC status letter; '-' empty cells are published as 0 with 'F'. */
char ptable_status(const struct ptable *pt, size_t i, size_t j);
int ptable_suppressed(const struct ptable *pt, size_t i, size_t j);
int64_t ptable_value(const struct ptable *pt, size_t i, size_t j);

#define CUBE_TOTAL_CODE "_T"
/* a text to translate where it is shown (analyst/tr.h) */
#ifndef N_
#define N_(s) s
#endif
#define CUBE_TOTAL_LABEL N_("Total")

#endif
