#include "form_internal.h"

#include "sd_encode.h"
#include "sd_err.h"
#include "sd_schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FIRST_YEAR 2000
/* Lists this short read best as radio buttons; longer ones as a select. */
#define RADIO_MAX 6
/* Text members up to this many characters get a one-line input. */
#define LINE_MAX_CHARS 200

/* What every field of one page needs to know. */
struct page {
	const sd_web *w;
	const char *lang;
	const sd_form_input *in;
	const struct sd_form_errors *errs;
	int year;
	json_t *summary;   /* error summary items, in form order */
};

static const char *
tr(const struct page *pg, const char *msgid)
{
	return web_tr(pg->w, pg->lang, msgid);
}

static const char *
error_for(const struct page *pg, const char *field)
{
	size_t i;

	for (i = 0; pg->errs && i < pg->errs->n; i++)
		if (strcmp(pg->errs->e[i].field, field) == 0)
			return pg->errs->e[i].msg;
	return NULL;
}

/* 1 when the post carried name=value (any of its repeats). */
static int
has_value(const sd_form_input *in, const char *name, const char *value)
{
	size_t i;

	for (i = 0; in && i < in->n; i++)
		if (strcmp(in->p[i].name, name) == 0 &&
		    strcmp((const char *)in->p[i].value.data, value) == 0)
			return 1;
	return 0;
}

static int
set_bool(json_t *o, const char *key, int v)
{
	return json_object_set_new(o, key, json_boolean(v)) ? SD_E_NOMEM : SD_OK;
}

static int
add_option(json_t *opts, const char *oid, const char *value,
    const char *label, int selected)
{
	json_t *o = json_object();

	if (o == NULL || json_array_append_new(opts, o) ||
	    web_set_str(o, "oid", oid) || web_set_str(o, "value", value) ||
	    web_set_str(o, "label", label) || set_bool(o, "selected", selected))
		return SD_E_NOMEM;
	return SD_OK;
}

static int
code_options(const struct page *pg, const struct sd_field *f, json_t *opts)
{
	char oid[96];
	size_t i;
	int rc;

	for (i = 0; i < f->n_codes; i++) {
		snprintf(oid, sizeof(oid), "f-%s-%s", f->name, f->codes[i].code);
		if ((rc = add_option(opts, oid, f->codes[i].code,
		    tr(pg, f->codes[i].label),
		    has_value(pg->in, f->name, f->codes[i].code))) != SD_OK)
			return rc;
	}
	return SD_OK;
}

static int
bool_options(const struct page *pg, const struct sd_field *f, json_t *opts)
{
	char oid[96];
	int rc;

	snprintf(oid, sizeof(oid), "f-%s-yes", f->name);
	if ((rc = add_option(opts, oid, "yes", tr(pg, "Yes"),
	    has_value(pg->in, f->name, "yes"))) != SD_OK)
		return rc;
	snprintf(oid, sizeof(oid), "f-%s-no", f->name);
	return add_option(opts, oid, "no", tr(pg, "No"),
	    has_value(pg->in, f->name, "no"));
}

/* The year and quarter the post carried, from the two selects or from one
 * "YYYY-Qn" text. */
static void
posted_quarter(const struct page *pg, char year[5], char quarter[2])
{
	const char *d = sd_form_input_get(pg->in, "discovered", NULL);
	const char *y = sd_form_input_get(pg->in, "discovered_year", NULL);
	const char *q = sd_form_input_get(pg->in, "discovered_quarter", NULL);

	year[0] = quarter[0] = 0;
	if (d && strlen(d) == 7 && d[4] == '-' && d[5] == 'Q') {
		snprintf(year, 5, "%.4s", d);
		snprintf(quarter, 2, "%c", d[6]);
		return;
	}
	if (y)
		snprintf(year, 5, "%s", y);
	if (q)
		snprintf(quarter, 2, "%s", q);
}

static int
quarter_options(const struct page *pg, json_t *field)
{
	json_t *years = json_array(), *quarters = json_array();
	char year[5], quarter[2], v[16], label[16];
	int y, rc = SD_E_NOMEM;

	if (years == NULL || quarters == NULL)
		goto done;
	posted_quarter(pg, year, quarter);
	for (y = pg->year; y >= FIRST_YEAR; y--) {
		snprintf(v, sizeof(v), "%d", y);
		if ((rc = add_option(years, "", v, v, strcmp(year, v) == 0)))
			goto done;
	}
	for (y = 1; y <= 4; y++) {
		snprintf(v, sizeof(v), "%d", y);
		snprintf(label, sizeof(label), "Q%d", y);
		if ((rc = add_option(quarters, "", v, label,
		    strcmp(quarter, v) == 0)))
			goto done;
	}
	rc = json_object_set(field, "years", years) ||
	    json_object_set(field, "quarters", quarters) ? SD_E_NOMEM : SD_OK;
done:
	json_decref(years);
	json_decref(quarters);
	return rc;
}

enum kind { K_SELECT, K_RADIO, K_CHECKS, K_CHECK, K_NUMBER, K_LINE,
	K_TEXTAREA, K_QUARTER };

static enum kind
kind_of(const struct sd_field *f)
{
	switch (f->type) {
	case SD_FT_CODE:
		return f->n_codes <= RADIO_MAX ? K_RADIO : K_SELECT;
	case SD_FT_CODES: return K_CHECKS;
	case SD_FT_BOOL: return f->required ? K_RADIO : K_CHECK;
	case SD_FT_UINT: return K_NUMBER;
	case SD_FT_QUARTER: return K_QUARTER;
	case SD_FT_TEXT:
		return f->max <= LINE_MAX_CHARS ? K_LINE : K_TEXTAREA;
	default: return K_LINE;
	}
}

static int
set_kind(json_t *o, enum kind k)
{
	static const char *const names[] = { "is_select", "is_radio",
	    "is_checks", "is_check", "is_number", "is_line", "is_textarea",
	    "is_quarter" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (set_bool(o, names[i], (size_t)k == i))
			return SD_E_NOMEM;
	return SD_OK;
}

/* Where the error summary sends the reader: the first control. */
static void
target_id(const struct sd_field *f, enum kind k, char *out, size_t n)
{
	if (k == K_QUARTER)
		snprintf(out, n, "f-%s-year", f->name);
	else if (k == K_RADIO && f->type == SD_FT_BOOL)
		snprintf(out, n, "f-%s-yes", f->name);
	else if (k == K_RADIO || k == K_CHECKS)
		snprintf(out, n, "f-%s-%s", f->name, f->codes[0].code);
	else
		snprintf(out, n, "f-%s", f->name);
}

static int
add_summary(const struct page *pg, const char *label, const char *target,
    const char *msg)
{
	json_t *o = json_object();

	if (o == NULL || json_array_append_new(pg->summary, o) ||
	    web_set_str(o, "label", label) || web_set_str(o, "target", target) ||
	    web_set_str(o, "msg", msg))
		return SD_E_NOMEM;
	return SD_OK;
}

/* id, label, help and error of a field, and how they are tied together
 * for screen readers. */
static int
field_common(const struct page *pg, const struct sd_field *f, enum kind k,
    json_t *o)
{
	const char *err = error_for(pg, f->name);
	char id[64], hid[64], eid[64], desc[136], target[96];

	snprintf(id, sizeof(id), "f-%s", f->name);
	snprintf(hid, sizeof(hid), "h-%s", f->name);
	snprintf(eid, sizeof(eid), "e-%s", f->name);
	snprintf(desc, sizeof(desc), "%s%s%s", f->help ? hid : "",
	    f->help && err ? " " : "", err ? eid : "");
	target_id(f, k, target, sizeof(target));
	if (web_set_str(o, "name", f->name) || web_set_str(o, "id", id) ||
	    web_set_str(o, "label", tr(pg, f->label)) ||
	    set_bool(o, "required", f->required) ||
	    web_set_str(o, "help", f->help ? tr(pg, f->help) : "") ||
	    web_set_str(o, "help_id", hid) ||
	    web_set_str(o, "err", err ? err : "") ||
	    web_set_str(o, "err_id", eid) ||
	    web_set_str(o, "describedby", desc) || set_kind(o, k))
		return SD_E_NOMEM;
	if (err)
		return add_summary(pg, tr(pg, f->label), target, err);
	return SD_OK;
}

/* The members only some kinds use, filled for every field so a template
 * never meets a missing one. */
static int
field_values(const struct page *pg, const struct sd_field *f, enum kind k,
    json_t *o)
{
	json_t *opts = json_array();
	const char *v = sd_form_input_get(pg->in, f->name, NULL);
	int rc = SD_E_NOMEM;

	if (opts == NULL || json_object_set(o, "options", opts))
		goto done;
	if (k == K_RADIO && f->type == SD_FT_BOOL)
		rc = bool_options(pg, f, opts);
	else if (k == K_RADIO || k == K_SELECT || k == K_CHECKS)
		rc = code_options(pg, f, opts);
	else if (k == K_QUARTER)
		rc = quarter_options(pg, o);
	else
		rc = SD_OK;
	if (rc != SD_OK)
		goto done;
	rc = SD_E_NOMEM;
	if (web_set_str(o, "value", v ? v : "") ||
	    set_bool(o, "checked", has_value(pg->in, f->name, "yes")) ||
	    json_object_set_new(o, "maxlength", json_integer(
	    f->type == SD_FT_TEXT ? (json_int_t)f->max : 20)) ||
	    json_object_set_new(o, "rows",
	    json_integer(f->max >= 10000 ? 12 : 4)))
		goto done;
	rc = SD_OK;
done:
	json_decref(opts);
	return rc;
}

/* The schema version and the pseudonym are not questions for a person:
 * the server sets the one, the command-line tool alone offers the other,
 * and the incident reference is drawn by the server. */
static int
shown(const struct sd_field *f)
{
	return f->type != SD_FT_CONST && f->type != SD_FT_HEX;
}

static int
part_fields(const struct page *pg, enum sd_part part, json_t *arr)
{
	const struct sd_field *f = NULL;
	json_t *o = NULL;
	enum kind k;
	size_t n = 0, i;
	int rc;

	f = sd_schema_fields(part, &n);
	for (i = 0; i < n; i++) {
		if (!shown(&f[i]))
			continue;
		k = kind_of(&f[i]);
		if ((o = json_object()) == NULL || json_array_append_new(arr, o))
			return SD_E_NOMEM;
		if ((rc = field_common(pg, &f[i], k, o)) != SD_OK ||
		    (rc = field_values(pg, &f[i], k, o)) != SD_OK)
			return rc;
	}
	return SD_OK;
}

static int
add_part(const struct page *pg, json_t *parts, enum sd_part part,
    const char *id, const char *title, const char *intro)
{
	json_t *o = json_object(), *fields = json_array();
	int rc = SD_E_NOMEM;

	if (o == NULL || fields == NULL || json_array_append(parts, o) ||
	    json_object_set(o, "fields", fields) ||
	    web_set_str(o, "part_id", id) ||
	    web_set_str(o, "part_title", tr(pg, title)) ||
	    web_set_str(o, "part_intro", tr(pg, intro)))
		goto done;
	rc = part_fields(pg, part, fields);
done:
	json_decref(o);
	json_decref(fields);
	return rc;
}

static int
attachments(const struct page *pg, json_t *data)
{
	json_t *files = json_array(), *o = NULL;
	const char *err = error_for(pg, SD_FORM_ATTACHMENT_FIELD);
	char n[16], mib[32], limits[384], label[128], id[32];
	unsigned i;
	int rc = SD_E_NOMEM;

	if (files == NULL || json_object_set(data, "files", files))
		goto done;
	snprintf(n, sizeof(n), "%u", pg->w->max_files);
	snprintf(mib, sizeof(mib), "%llu",
	    (unsigned long long)(pg->w->max_file_bytes / (1024 * 1024)));
	if (web_tr_subst(pg->w, pg->lang, "You may attach up to {n} files.",
	    "{n}", n, label, sizeof(label)) ||
	    web_tr_subst(pg->w, pg->lang, "Each file may be up to {mib} MiB.",
	    "{mib}", mib, limits, sizeof(limits)))
		goto done;
	if (web_set_str(data, "files_count_text", label) ||
	    web_set_str(data, "files_size_text", limits) ||
	    web_set_str(data, "files_err", err ? err : ""))
		goto done;
	if (err && add_summary(pg, tr(pg, "Files"), "f-attachment-1", err))
		goto done;
	for (i = 1; i <= pg->w->max_files; i++) {
		snprintf(n, sizeof(n), "%u", i);
		snprintf(id, sizeof(id), "f-attachment-%u", i);
		if (web_tr_subst(pg->w, pg->lang, "File {n}", "{n}", n, label,
		    sizeof(label)))
			goto done;
		if ((o = json_object()) == NULL || json_array_append_new(files, o) ||
		    web_set_str(o, "file_id", id) ||
		    web_set_str(o, "file_label", label) ||
		    web_set_str(o, "file_name", SD_FORM_ATTACHMENT_FIELD))
			goto done;
	}
	rc = SD_OK;
done:
	json_decref(files);
	return rc;
}

/* A message for a member the form does not show (an incident reference
 * carried by a crafted post) still belongs in the summary. */
static int
hidden_errors(const struct page *pg)
{
	const struct sd_field *f = NULL;
	size_t i;
	int rc;

	for (i = 0; pg->errs && i < pg->errs->n; i++) {
		f = sd_schema_field(SD_PART_STATS, pg->errs->e[i].field);
		if (f == NULL || shown(f))
			continue;
		if ((rc = add_summary(pg, tr(pg, f->label), "report-form",
		    pg->errs->e[i].msg)) != SD_OK)
			return rc;
	}
	return SD_OK;
}

static int
form_data(struct page *pg, json_t *data)
{
	json_t *parts = json_array();
	char action[32];
	int rc = SD_E_NOMEM;

	pg->summary = json_array();
	if (parts == NULL || pg->summary == NULL ||
	    json_object_set(data, "parts", parts) ||
	    json_object_set(data, "errors", pg->summary))
		goto done;
	if ((rc = add_part(pg, parts, SD_PART_STATS, "part-stats",
	    "Part 1: the incident in figures",
	    "These answers are used only for anonymised statistics at EU "
	    "level. They are sealed for the statistical analysts of the EU "
	    "bodies.")) ||
	    (rc = add_part(pg, parts, SD_PART_DETAILS, "part-details",
	    "Part 2: what happened",
	    "This part is sealed separately. Only the investigators who hold "
	    "the details key can read it; it never reaches any statistic.")) ||
	    (rc = attachments(pg, data)) || (rc = hidden_errors(pg)))
		goto done;
	rc = SD_E_NOMEM;
	snprintf(action, sizeof(action), "/submit?lang=%s", pg->lang);
	if (web_set_str(data, "action", action) ||
	    web_set_str(data, "honeypot_name", SD_FORM_HONEYPOT_FIELD) ||
	    set_bool(data, "has_errors", json_array_size(pg->summary) > 0))
		goto done;
	rc = SD_OK;
done:
	json_decref(parts);
	json_decref(pg->summary);
	pg->summary = NULL;
	return rc;
}

int
sd_form_page(const sd_web *w, const char *lang, const sd_form_input *values,
    const struct sd_form_errors *errs, sd_buf *out)
{
	struct page pg;
	json_t *data = json_object();
	char today[11];
	int rc = SD_E_NOMEM;

	memset(&pg, 0, sizeof(pg));
	sd_today(today);
	pg.w = w;
	pg.lang = lang;
	pg.in = values;
	pg.errs = errs;
	pg.year = (int)strtol(today, NULL, 10);
	if (data == NULL)
		goto done;
	if ((rc = form_data(&pg, data)) != SD_OK)
		goto done;
	rc = web_page(w, lang, "Report the theft of a trade secret", w->form,
	    data, out);
done:
	json_decref(data);
	return rc;
}
