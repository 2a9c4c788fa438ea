#include "cube.h"

#include <stdio.h>
#include <string.h>

#include "args.h"
#include "sd_err.h"
#include "sd_schema.h"

static const struct {
	const char *name;
	enum dim_field field;
} schema_dims[] = {
	{ "member_state", DF_MEMBER_STATE },
	{ "organisation", DF_ORGANISATION },
	{ "sector", DF_SECTOR },
	{ "size_class", DF_SIZE_CLASS },
	{ "secret_types", DF_SECRET_TYPES },
	{ "attack_vectors", DF_ATTACK_VECTORS },
	{ "actor", DF_ACTOR },
	{ "actor_origin", DF_ACTOR_ORIGIN },
	{ "reported_to_police", DF_POLICE },
};

static const struct sd_code bool_codes[] = {
	{ "true", "Yes" },
	{ "false", "No" },
};

static int
known_field(const char *name, enum dim_field *f)
{
	size_t i;

	for (i = 0; i < sizeof(schema_dims) / sizeof(schema_dims[0]); i++)
		if (strcmp(schema_dims[i].name, name) == 0) {
			*f = schema_dims[i].field;
			return 1;
		}
	return 0;
}

static int
time_dim(const char *name, struct dim *d)
{
	if (strcmp(name, "quarter") == 0 || strcmp(name, "discovered") == 0) {
		d->name = "quarter";
		d->label = N_("Quarter of discovery");
		d->field = DF_QUARTER;
	} else if (strcmp(name, "year") == 0) {
		d->name = "year";
		d->label = N_("Year of discovery");
		d->field = DF_YEAR;
	} else {
		return 0;
	}
	d->is_time = 1;
	return 1;
}

int
dim_lookup(const char *name, struct dim *d)
{
	const struct sd_field *f;
	const struct sd_code *codes;
	size_t i, n;

	memset(d, 0, sizeof(*d));
	if (time_dim(name, d))
		return SD_OK;
	f = sd_schema_field(SD_PART_STATS, name);
	if (f == NULL || !f->dimension || !known_field(name, &d->field))
		return SD_E_INVAL;
	d->name = f->name;
	d->label = f->label;
	d->multi = f->type == SD_FT_CODES;
	codes = f->codes;
	n = f->n_codes;
	if (f->type == SD_FT_BOOL) {
		codes = bool_codes;
		n = 2;
	} else if (f->type != SD_FT_CODE && f->type != SD_FT_CODES) {
		return SD_E_INVAL;
	}
	if (n == 0 || n > 32)
		return SD_E_INVAL;
	for (i = 0; i < n; i++) {
		d->code[i] = codes[i].code;
		d->clabel[i] = codes[i].label;
	}
	d->n = n;
	return SD_OK;
}

const char *
dim_names(void)
{
	static char buf[512];
	const struct sd_field *f;
	enum dim_field df;
	size_t i, n = 0;

	if (buf[0] != '\0')
		return buf;
	f = sd_schema_fields(SD_PART_STATS, &n);
	for (i = 0; f != NULL && i < n; i++)
		if (f[i].dimension && known_field(f[i].name, &df))
			snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf),
			    "%s, ", f[i].name);
	snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf),
	    "quarter, year");
	return buf;
}

const char *
dim_short_label(const struct dim *d, size_t i, char *buf, size_t cap)
{
	const char *c = strchr(d->clabel[i], ':');
	size_t k, len;

	if (c == NULL)
		return d->clabel[i];
	len = (size_t)(c - d->clabel[i]);
	for (k = 0; k < d->n; k++)
		if (k != i && strncmp(d->clabel[k], d->clabel[i], len) == 0 &&
		    d->clabel[k][len] == ':')
			return d->clabel[i];
	snprintf(buf, cap, "%.*s", (int)len, d->clabel[i]);
	return buf;
}

/* "YYYY" or "YYYY-Qn"; *from and *to are the quarters it covers. */
static int
period_point(const char *s, size_t len, unsigned *from, unsigned *to)
{
	unsigned y = 0, q = 0;
	size_t i;

	if (len != 4 && len != 7)
		return SD_E_INVAL;
	for (i = 0; i < 4; i++) {
		if (s[i] < '0' || s[i] > '9')
			return SD_E_INVAL;
		y = y * 10 + (unsigned)(s[i] - '0');
	}
	if (y < CUBE_YEAR_MIN || y > CUBE_YEAR_MAX)
		return SD_E_INVAL;
	if (len == 4) {
		*from = y * 4;
		*to = y * 4 + 3;
		return SD_OK;
	}
	if (s[4] != '-' || s[5] != 'Q' || s[6] < '1' || s[6] > '4')
		return SD_E_INVAL;
	q = (unsigned)(s[6] - '1');
	*from = *to = y * 4 + q;
	return SD_OK;
}

int
period_parse(const char *s, struct period *p)
{
	const char *dots = strstr(s, "..");
	unsigned a0 = 0, a1 = 0, b0 = 0, b1 = 0;

	memset(p, 0, sizeof(*p));
	if (strlen(s) >= sizeof(p->text))
		return SD_E_INVAL;
	if (dots == NULL) {
		if (period_point(s, strlen(s), &a0, &a1) != SD_OK)
			return SD_E_INVAL;
		b1 = a1;
	} else if (period_point(s, (size_t)(dots - s), &a0, &a1) != SD_OK ||
	    period_point(dots + 2, strlen(dots + 2), &b0, &b1) != SD_OK ||
	    b1 < a0) {
		return SD_E_INVAL;
	}
	p->set = 1;
	p->from = a0;
	p->to = b1;
	snprintf(p->text, sizeof(p->text), "%s", s);
	return SD_OK;
}

int
measure_parse(const char *s, enum cube_measure *m)
{
	if (strcmp(s, "count") == 0)
		*m = CM_COUNT;
	else if (strcmp(s, "loss_eur") == 0)
		*m = CM_LOSS;
	else if (strcmp(s, "jobs_at_risk") == 0)
		*m = CM_JOBS;
	else
		return SD_E_INVAL;
	return SD_OK;
}

const char *
measure_name(enum cube_measure m)
{
	return m == CM_LOSS ? "loss_eur" : m == CM_JOBS ? "jobs_at_risk" :
	    "count";
}

const char *
measure_label(enum cube_measure m)
{
	return m == CM_LOSS ? N_("Estimated loss (EUR)") : m == CM_JOBS ?
	    N_("Jobs at risk") : N_("Number of reports");
}

static unsigned
rec_quarter(const struct arec *r)
{
	return (unsigned)r->year * 4 + (unsigned)r->quarter - 1;
}

/* The values of r along a field: a bit mask for multi-valued fields, else
 * one value (code index, quarter index or year). */
uint32_t
cube_rec_value(const struct arec *r, enum dim_field f)
{
	switch (f) {
	case DF_MEMBER_STATE: return r->member_state;
	case DF_ORGANISATION: return r->organisation;
	case DF_SECTOR: return r->sector;
	case DF_SIZE_CLASS: return r->size_class;
	case DF_SECRET_TYPES: return r->secret_types;
	case DF_ATTACK_VECTORS: return r->attack_vectors;
	case DF_ACTOR: return r->actor;
	case DF_ACTOR_ORIGIN: return r->actor_origin;
	case DF_POLICE: return r->police ? 0u : 1u;   /* "true" is code 0 */
	case DF_QUARTER: return rec_quarter(r);
	case DF_YEAR: return r->year;
	}
	return 0;
}

int
cube_field_multi(enum dim_field f)
{
	return f == DF_SECRET_TYPES || f == DF_ATTACK_VECTORS;
}

static int
filter_value(const struct dim *d, const char *code, uint32_t *v)
{
	unsigned a = 0, b = 0;
	size_t i;

	if (d->field == DF_QUARTER || d->field == DF_YEAR) {
		if (period_point(code, strlen(code), &a, &b) != SD_OK ||
		    (d->field == DF_QUARTER) != (a == b))
			return SD_E_INVAL;
		*v = d->field == DF_YEAR ? a / 4 : a;
		return SD_OK;
	}
	if (d->field == DF_POLICE && (strcmp(code, "yes") == 0 ||
	    strcmp(code, "no") == 0)) {
		*v = code[0] == 'y' ? 0 : 1;
		return SD_OK;
	}
	for (i = 0; i < d->n; i++)
		if (strcmp(d->code[i], code) == 0) {
			*v = (uint32_t)i;
			return SD_OK;
		}
	return SD_E_INVAL;
}

static struct filter *
filter_slot(struct cube_spec *s, enum dim_field f)
{
	size_t i;

	for (i = 0; i < s->n_filters; i++)
		if (s->filter[i].field == f)
			return &s->filter[i];
	if (s->n_filters >= CUBE_MAX_FILTERS)
		return NULL;
	memset(&s->filter[s->n_filters], 0, sizeof(s->filter[0]));
	s->filter[s->n_filters].field = f;
	return &s->filter[s->n_filters++];
}

int
cube_filter_add(struct cube_spec *s, const char *text, char *why,
    size_t whylen)
{
	const char *eq = strchr(text, '=');
	char name[64];
	struct dim d;
	struct filter *f;
	uint32_t v = 0;

	if (eq == NULL || eq == text || (size_t)(eq - text) >= sizeof(name)) {
		snprintf(why, whylen, "filter '%.64s' is not DIM=CODE, e.g. "
		    "sector=C", text);
		return SD_E_INVAL;
	}
	snprintf(name, sizeof(name), "%.*s", (int)(eq - text), text);
	if (dim_lookup(name, &d) != SD_OK) {
		snprintf(why, whylen, "filter dimension '%.64s' is not one of: "
		    "%s", name, dim_names());
		return SD_E_INVAL;
	}
	if (filter_value(&d, eq + 1, &v) != SD_OK) {
		snprintf(why, whylen, "'%.64s' is not a code of %s; see the "
		    "code lists in 'sealdrop-submit template'", eq + 1, name);
		return SD_E_INVAL;
	}
	if ((f = filter_slot(s, d.field)) == NULL ||
	    f->n >= FILTER_MAX_VALUES) {
		snprintf(why, whylen, "too many filters; give at most %d",
		    CUBE_MAX_FILTERS);
		return SD_E_INVAL;
	}
	f->v[f->n++] = v;
	if (f->text[0] == '\0')
		snprintf(f->text, sizeof(f->text), "%s=%.64s", d.name,
		    eq + 1);
	else
		snprintf(f->text + strlen(f->text), sizeof(f->text) -
		    strlen(f->text), "+%.32s", eq + 1);
	return SD_OK;
}

static int
filter_holds(const struct filter *f, const struct arec *r)
{
	uint32_t v = cube_rec_value(r, f->field);
	size_t i;

	for (i = 0; i < f->n; i++) {
		if (cube_field_multi(f->field) ? (v >> f->v[i]) & 1u : v == f->v[i])
			return 1;
	}
	return 0;
}

int
cube_selects(const struct cube_spec *s, const struct arec *r)
{
	unsigned q = rec_quarter(r);
	size_t i;

	if (s->period.set && (q < s->period.from || q > s->period.to))
		return 0;
	for (i = 0; i < s->n_filters; i++)
		if (!filter_holds(&s->filter[i], r))
			return 0;
	return 1;
}

int
cube_span(const struct recset *rs, const struct cube_spec *s,
    unsigned *from, unsigned *to)
{
	unsigned q;
	size_t k;
	int any = 0;

	for (k = 0; k < rs->n; k++) {
		if (!cube_selects(s, &rs->r[k]))
			continue;
		q = rec_quarter(&rs->r[k]);
		*from = !any || q < *from ? q : *from;
		*to = !any || q > *to ? q : *to;
		any = 1;
	}
	return any;
}

/* Codes of a time dimension: the period, or the span of the data. */
static int
time_codes(struct dim *d, const struct recset *rs, const struct cube_spec *s)
{
	unsigned from = 0, to = 0;

	if (s->period.set) {
		from = s->period.from;
		to = s->period.to;
	} else if (!cube_span(rs, s, &from, &to)) {
		from = to = (unsigned)CUBE_YEAR_MIN * 4;
	}
	if (d->field == DF_YEAR) {
		from /= 4;
		to /= 4;
	}
	if (to - from + 1 > DIM_MAX_CODES)
		return SD_E_TOOBIG;
	return cube_time_set(d, from, to - from + 1);
}

/* Positions of r along d; returns how many. */
static size_t
positions(const struct dim *d, const struct arec *r, size_t *pos)
{
	uint32_t v = cube_rec_value(r, d->field);
	size_t i, n = 0;

	if (d->multi) {
		for (i = 0; i < d->n; i++)
			if ((v >> i) & 1u)
				pos[n++] = i;
		return n;
	}
	if (d->is_time)
		v -= d->first;
	if (v >= d->n)
		return 0;
	pos[0] = v;
	return 1;
}

int64_t
cube_measure_value(enum cube_measure m, const struct arec *r)
{
	if (m == CM_LOSS)
		return r->loss_eur > 0 ? r->loss_eur : 0;
	if (m == CM_JOBS)
		return r->jobs_at_risk > 0 ? r->jobs_at_risk : 0;
	return 1;
}

static int
add_record(sdc_table *t, const struct cube_spec *s, const struct arec *r)
{
	size_t rp[32], cp[32], nr, nc, i, j;
	int64_t v = cube_measure_value(s->measure, r);
	int rc;

	nr = positions(s->rows, r, rp);
	if (s->cols != NULL) {
		nc = positions(s->cols, r, cp);
	} else {
		cp[0] = 0;
		nc = 1;
	}
	/* a report without a pseudonym is a contributor of its own, in each
	 * cell at most once: the table keeps it as a summary only */
	for (i = 0; i < nr; i++)
		for (j = 0; j < nc; j++)
			if ((rc = r->single ? sdc_add_single(t, rp[i], cp[j], v) :
			    sdc_add(t, rp[i], cp[j], r->contributor, v)) != SD_OK)
				return rc;
	return SD_OK;
}

int
cube_time_set(struct dim *d, unsigned first, size_t n)
{
	size_t i;

	if (!d->is_time || n == 0 || n > DIM_MAX_CODES)
		return SD_E_INVAL;
	d->first = first;
	d->n = n;
	for (i = 0; i < n; i++) {
		unsigned q = first + (unsigned)i;
		if (d->field == DF_YEAR)
			snprintf(d->gen[i], DIM_CODE_LEN, "%u", q);
		else
			snprintf(d->gen[i], DIM_CODE_LEN, "%u-Q%u", q / 4,
			    q % 4 + 1);
		d->code[i] = d->gen[i];
		d->clabel[i] = d->gen[i];
	}
	return SD_OK;
}

int
cube_table_new(const struct cube_spec *s, sdc_table **out)
{
	*out = sdc_table_new(s->rows->n, s->cols ? s->cols->n : 1,
	    !s->rows->multi, s->cols ? !s->cols->multi : 0,
	    s->measure == CM_COUNT ? SDC_COUNT : SDC_MAGNITUDE);
	return *out == NULL ? SD_E_NOMEM : SD_OK;
}

int
cube_add(sdc_table *t, const struct cube_spec *s, const struct arec *r)
{
	return cube_selects(s, r) ? add_record(t, s, r) : SD_OK;
}

size_t
cube_cells_of(const struct cube_spec *s, const struct arec *r,
    size_t *cells, size_t cap)
{
	size_t rp[32], cp[32], nr, nc, i, j, n = 0;
	size_t nrows = s->rows->n, ncols = s->cols ? s->cols->n : 1;
	size_t stride = ncols + 1;
	int radd = !s->rows->multi, cadd = s->cols ? !s->cols->multi : 0;

	if (!cube_selects(s, r))
		return 0;
	nr = positions(s->rows, r, rp);
	if (s->cols != NULL) {
		nc = positions(s->cols, r, cp);
	} else {
		cp[0] = 0;
		nc = nr > 0 ? 1 : 0;
	}
	if (nr == 0 || nc == 0)
		return 0;
	for (i = 0; i < nr; i++)
		for (j = 0; j < nc && n < cap; j++)
			cells[n++] = rp[i] * stride + cp[j];
	for (i = 0; cadd && i < nr && n < cap; i++)
		cells[n++] = rp[i] * stride + ncols;
	for (j = 0; radd && j < nc && n < cap; j++)
		cells[n++] = nrows * stride + cp[j];
	if (radd && cadd && n < cap)
		cells[n++] = nrows * stride + ncols;
	return n;
}

int
cube_build(const struct recset *rs, struct cube_spec *s, sdc_table **out)
{
	sdc_table *t = NULL;
	size_t k;
	int rc;

	*out = NULL;
	if (s->rows->is_time && (rc = time_codes(s->rows, rs, s)) != SD_OK)
		return rc;
	if (s->cols != NULL && s->cols->is_time &&
	    (rc = time_codes(s->cols, rs, s)) != SD_OK)
		return rc;
	if ((rc = cube_table_new(s, &t)) != SD_OK)
		return rc;
	for (k = 0; k < rs->n; k++) {
		if ((rc = cube_add(t, s, &rs->r[k])) != SD_OK) {
			sdc_table_free(t);
			return rc;
		}
	}
	*out = t;
	return SD_OK;
}

size_t
ptable_rows(const struct ptable *pt)
{
	return pt->rows->n + (pt->rows->multi ? 0 : 1);
}

size_t
ptable_cols(const struct ptable *pt)
{
	if (pt->cols == NULL)
		return 1;
	return pt->cols->n + (pt->cols->multi ? 0 : 1);
}

const char *
ptable_row_code(const struct ptable *pt, size_t i)
{
	return i < pt->rows->n ? pt->rows->code[i] : CUBE_TOTAL_CODE;
}

const char *
ptable_row_label(const struct ptable *pt, size_t i)
{
	return i < pt->rows->n ? pt->rows->clabel[i] : CUBE_TOTAL_LABEL;
}

const char *
ptable_col_code(const struct ptable *pt, size_t j)
{
	if (pt->cols == NULL)
		return "";
	return j < pt->cols->n ? pt->cols->code[j] : CUBE_TOTAL_CODE;
}

const char *
ptable_col_label(const struct ptable *pt, size_t j)
{
	if (pt->cols == NULL)
		return measure_label(pt->measure);
	return j < pt->cols->n ? pt->cols->clabel[j] : CUBE_TOTAL_LABEL;
}

int
ptable_has(const struct ptable *pt, size_t i, size_t j)
{
	return sdc_has_cell(pt->t, i, j);
}

char
ptable_status(const struct ptable *pt, size_t i, size_t j)
{
	enum sdc_status st = sdc_status(pt->t, i, j);

	return st == SDC_EMPTY ? (char)SDC_FREE : (char)st;
}

int
ptable_suppressed(const struct ptable *pt, size_t i, size_t j)
{
	return ptable_status(pt, i, j) != (char)SDC_FREE;
}

int64_t
ptable_value(const struct ptable *pt, size_t i, size_t j)
{
	return ptable_suppressed(pt, i, j) ? 0 : sdc_value(pt->t, i, j);
}
