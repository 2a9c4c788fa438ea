/* The form page: every step's fields generated from the schema, the step
 * shown, the review of what will be sent, and the data the browser's
 * sealer needs (the schema's rules, the pinned authority key, the
 * messages) in one attribute of the form. */
#include "form_internal.h"

#include "sd_encode.h"
#include "sd_err.h"
#include "sd_org.h"
#include "sd_schema.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FIRST_YEAR 2000
/* Lists this short read best as radio buttons; longer ones as a select. */
#define RADIO_MAX 6
/* Text members up to this many characters get a one-line input. */
#define LINE_MAX_CHARS 200
#define REF_HEX 32

/* Texts of the browser's sealer, in the page language. */
static const struct form_msg ui_texts[] = {
	{ "checking", N_("Checking the channel of this service…") },
	{ "sealing", N_("Sealing your report in this browser…") },
	/* TRANSLATORS: {n} and {m} are numbers: "file 2 of 3". */
	{ "sealing_file", N_("Sealing file {n} of {m}…") },
	{ "sending", N_("Sending the sealed report…") },
	{ "send_failed", N_("Your report could not be sent, and nothing was "
	  "stored. Check your connection and press the button again: the "
	  "same sealed report is sent again.") },
	{ "busy", N_("The service is busy and did not store your report. Wait "
	  "a minute and press the button again: the same sealed report is "
	  "sent again.") },
	{ "refused", N_("The service refused the sealed report, and nothing was "
	  "stored. Reload the page and try again.") },
	{ "authority", N_("This page cannot send your report: the channel it "
	  "received is not signed by the key of the EU authority that this page "
	  "expects. Nothing has been sent. Do not enter your report here; try "
	  "again later, or report in another way.") },
	{ "bad_channel", N_("This page cannot send your report: the channel it "
	  "received could not be checked (it is damaged or has expired). "
	  "Nothing has been sent. Try again later.") },
	{ "no_channel", N_("The channel of this service could not be fetched. "
	  "Check your connection and press the button again. Nothing has been "
	  "sent.") },
	{ "bad_receipt", N_("The service answered with a receipt that does not "
	  "match the sealed report. Keep this page open and tell the operators "
	  "of the service.") },
	{ "not_given", N_("Not given") },
	{ "no_files", N_("No files") },
	/* TRANSLATORS: {name} is a file name, {size} a number of kibibytes. */
	{ "file_row", N_("{name} ({size} KiB)") },
	{ "lang_lose", N_("Your answers are not kept when you change the "
	  "language. Change the language anyway?") },
	{ "lang_receipt", N_("Your receipt is shown only once. Save it before "
	  "you change the language. Change the language anyway?") },
	{ "error_title", N_("Error:") },
	{ "yes", N_("Yes") }, { "no", N_("No") }, { "change", N_("Change") },
	{ "files", N_("Files") },
	{ "continue", N_("Continue") }, { "back_review", N_("Back to the review") },
	{ "send_button", N_("Seal and send the report") },
	{ "code_given", N_("Given: only the pseudonym derived from it is sent") },
};

const char *
form_ui_msgid(const char *key)
{
	size_t i;

	for (i = 0; i < sizeof(ui_texts) / sizeof(ui_texts[0]); i++)
		if (strcmp(ui_texts[i].key, key) == 0)
			return ui_texts[i].msgid;
	return NULL;
}

/* What every field of one page needs to know. */
struct page {
	const sd_web *w;
	const char *lang;
	const sd_form_input *in;
	const struct sd_form_errors *errs;
	const struct sd_form_view *view;
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
set_int(json_t *o, const char *key, json_int_t v)
{
	return json_object_set_new(o, key, json_integer(v)) ? SD_E_NOMEM : SD_OK;
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

/* A code's label, translated in the context of its list: "Unknown" of the
 * actors and of the origins may need different words. */
static const char *
code_label(const struct page *pg, const struct sd_field *f, size_t i)
{
	return web_trc(pg->w, pg->lang, f->name, f->codes[i].label);
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
		    code_label(pg, f, i),
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
	if ((rc = add_option(opts, oid, "yes", tr(pg, N_("Yes")),
	    has_value(pg->in, f->name, "yes"))) != SD_OK)
		return rc;
	snprintf(oid, sizeof(oid), "f-%s-no", f->name);
	return add_option(opts, oid, "no", tr(pg, N_("No")),
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
	K_TEXTAREA, K_QUARTER, K_ORG_CODE };

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
	case SD_FT_HEX: return K_ORG_CODE;
	default: return K_LINE;
	}
}

static const char *const kind_names[] = { "is_select", "is_radio",
    "is_checks", "is_check", "is_number", "is_line", "is_textarea",
    "is_quarter", "is_org_code" };

static int
set_kind(json_t *o, enum kind k)
{
	size_t i;

	for (i = 0; i < sizeof(kind_names) / sizeof(kind_names[0]); i++)
		if (set_bool(o, kind_names[i], (size_t)k == i))
			return SD_E_NOMEM;
	return SD_OK;
}

/* The name a field has in the form: the organisation code stands for the
 * pseudonym it gives. */
static const char *
form_name(const struct sd_field *f)
{
	return f->type == SD_FT_HEX ? SD_FORM_ORG_CODE_FIELD : f->name;
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
		snprintf(out, n, "f-%s", form_name(f));
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

static const char *
field_label(const struct page *pg, const struct sd_field *f)
{
	return f->type == SD_FT_HEX ? tr(pg, N_("Organisation code")) :
	    tr(pg, f->label);
}

/* id, label, help and error of a field, and how they are tied together
 * for screen readers. */
static int
field_common(const struct page *pg, const struct sd_field *f, enum kind k,
    json_t *o)
{
	const char *name = form_name(f);
	const char *err = error_for(pg, name);
	char id[64], hid[64], eid[64], desc[136], target[96];
	int help = f->help != NULL || k == K_ORG_CODE;

	snprintf(id, sizeof(id), "f-%s", name);
	snprintf(hid, sizeof(hid), "h-%s", name);
	snprintf(eid, sizeof(eid), "e-%s", name);
	snprintf(desc, sizeof(desc), "%s%s%s", help ? hid : "",
	    help && err ? " " : "", err ? eid : "");
	target_id(f, k, target, sizeof(target));
	if (web_set_str(o, "name", name) || web_set_str(o, "id", id) ||
	    web_set_str(o, "label", field_label(pg, f)) ||
	    set_bool(o, "required", f->required) ||
	    web_set_str(o, "help", f->help && k != K_ORG_CODE ?
	    tr(pg, f->help) : "") ||
	    web_set_str(o, "help_id", hid) ||
	    web_set_str(o, "err", err ? err : "") ||
	    web_set_str(o, "err_id", eid) ||
	    web_set_str(o, "target", target) ||
	    web_set_str(o, "describedby", desc) || set_kind(o, k))
		return SD_E_NOMEM;
	/* the summary links to the fields in sight: those of the step shown */
	if (err && form_step_of(name) == pg->view->step)
		return add_summary(pg, field_label(pg, f), target, err);
	return SD_OK;
}

/* The members only some kinds use, filled for every field so a template
 * never meets a missing one. */
static int
field_values(const struct page *pg, const struct sd_field *f, enum kind k,
    json_t *o)
{
	json_t *opts = json_array();
	const char *v = sd_form_input_get(pg->in, form_name(f), NULL);
	int rc = SD_E_NOMEM;

	if (k == K_ORG_CODE && pg->view->new_code[0] != '\0')
		v = pg->view->new_code;
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
	    set_int(o, "maxlength", f->type == SD_FT_TEXT ? (json_int_t)f->max :
	    k == K_ORG_CODE ? SD_ORG_CODE_INPUT_MAX : 20) ||
	    set_int(o, "rows", f->max >= 10000 ? 12 : 4) ||
	    web_set_str(o, "new_code", k == K_ORG_CODE ?
	    pg->view->new_code : ""))
		goto done;
	rc = SD_OK;
done:
	json_decref(opts);
	return rc;
}

static const struct sd_field *
find_field(const char *name, enum sd_part *part)
{
	const struct sd_field *f = sd_schema_field(SD_PART_STATS, name);

	*part = SD_PART_STATS;
	if (f == NULL) {
		f = sd_schema_field(SD_PART_DETAILS, name);
		*part = SD_PART_DETAILS;
	}
	return f;
}

static int
step_fields(const struct page *pg, const struct form_step *st, json_t *arr)
{
	const struct sd_field *f = NULL;
	enum sd_part part;
	json_t *o = NULL;
	enum kind k;
	size_t i;
	int rc;

	for (i = 0; st->fields[i] != NULL; i++) {
		if ((f = find_field(st->fields[i], &part)) == NULL)
			return SD_E_INVAL;
		k = kind_of(f);
		if ((o = json_object()) == NULL || json_array_append_new(arr, o))
			return SD_E_NOMEM;
		if ((rc = field_common(pg, f, k, o)) != SD_OK ||
		    (rc = field_values(pg, f, k, o)) != SD_OK)
			return rc;
	}
	return SD_OK;
}

static int
step_text(const struct page *pg, int n, char *out, size_t cap)
{
	static const char *const names[] = { "{n}", "{m}" };
	char a[8], b[8];
	const char *values[] = { a, b };

	snprintf(a, sizeof(a), "%d", n);
	snprintf(b, sizeof(b), "%d", SD_FORM_STEPS);
	/* TRANSLATORS: {n} is the number of this step, {m} of all steps. */
	return web_tr_fill(pg->w, pg->lang, N_("Step {n} of {m}"), names,
	    values, 2, out, cap);
}

static int
file_inputs(const struct page *pg, json_t *arr, const char *prefix,
    const char *name)
{
	json_t *o = NULL;
	char n[16], label[128], id[40];
	unsigned i;

	for (i = 1; i <= pg->w->max_files; i++) {
		snprintf(n, sizeof(n), "%u", i);
		snprintf(id, sizeof(id), "%s-%u", prefix, i);
		/* TRANSLATORS: {n} is the number of a file input: "File 2". */
		if (web_tr_fill(pg->w, pg->lang, N_("File {n}"),
		    (const char *const[]){ "{n}" }, (const char *const[]){ n },
		    1, label, sizeof(label)))
			return SD_E_TOOBIG;
		if ((o = json_object()) == NULL || json_array_append_new(arr, o) ||
		    web_set_str(o, "file_id", id) ||
		    web_set_str(o, "file_label", label) ||
		    web_set_str(o, "file_name", name))
			return SD_E_NOMEM;
	}
	return SD_OK;
}

static int
add_step(const struct page *pg, json_t *steps, int n)
{
	const struct form_step *st = &form_steps[n - 1];
	json_t *o = json_object(), *fields = json_array(), *files = json_array();
	char text[128];
	int rc = SD_E_NOMEM;

	if (o == NULL || fields == NULL || files == NULL ||
	    json_array_append(steps, o) ||
	    json_object_set(o, "fields", fields) ||
	    json_object_set(o, "files_js", files))
		goto done;
	if ((rc = step_text(pg, n, text, sizeof(text))) != SD_OK)
		goto done;
	rc = SD_E_NOMEM;
	if (set_int(o, "n", n) || web_set_str(o, "key", st->key) ||
	    web_set_str(o, "title", tr(pg, st->title)) ||
	    web_set_str(o, "intro", tr(pg, st->intro)) ||
	    web_set_str(o, "step_text", text) ||
	    set_bool(o, "current", pg->view->step == n) ||
	    set_bool(o, "first", n == 1) ||
	    set_bool(o, "details", st->details))
		goto done;
	if ((rc = step_fields(pg, st, fields)) != SD_OK)
		goto done;
	if (st->details)
		rc = file_inputs(pg, files, "f-attachment-js", "");
done:
	json_decref(o);
	json_decref(fields);
	json_decref(files);
	return rc;
}

static int
attachment_texts(const struct page *pg, json_t *data)
{
	json_t *files = json_array();
	const char *err = error_for(pg, SD_FORM_ATTACHMENT_FIELD);
	char n[16], mib[32], count[384], size[384];
	int rc = SD_E_NOMEM;

	if (files == NULL || json_object_set(data, "files", files))
		goto done;
	snprintf(n, sizeof(n), "%u", pg->w->max_files);
	snprintf(mib, sizeof(mib), "%llu",
	    (unsigned long long)(pg->w->max_file_bytes / (1024 * 1024)));
	/* TRANSLATORS: {n} is a number of files (5). */
	if (web_tr_subst(pg->w, pg->lang, N_("You may attach up to {n} files."),
	    "{n}", n, count, sizeof(count)) ||
	    /* TRANSLATORS: {mib} is a number of mebibytes (10). */
	    web_tr_subst(pg->w, pg->lang, N_("Each file may be up to {mib} MiB."),
	    "{mib}", mib, size, sizeof(size)))
		goto done;
	if (web_set_str(data, "files_count_text", count) ||
	    web_set_str(data, "files_size_text", size) ||
	    web_set_str(data, "files_err", err ? err : ""))
		goto done;
	if (err && pg->view->step == SD_FORM_REVIEW &&
	    add_summary(pg, tr(pg, N_("Files")), "f-attachment-1", err))
		goto done;
	rc = file_inputs(pg, files, "f-attachment", SD_FORM_ATTACHMENT_FIELD);
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
		if (f == NULL || form_step_of(f->name) != 0)
			continue;
		if ((rc = add_summary(pg, tr(pg, f->label), "report-form",
		    pg->errs->e[i].msg)) != SD_OK)
			return rc;
	}
	return SD_OK;
}

/* ------------------------------------------------------------ the review */

static int
add_line(json_t *lines, const char *s, size_t n)
{
	return json_array_append_new(lines, json_stringn_nocheck(s, n)) ?
	    SD_E_NOMEM : SD_OK;
}

/* A text answer line by line (a browser sends CR LF). */
static int
text_lines(json_t *lines, const char *v)
{
	const char *p = v, *nl = NULL;
	size_t n;
	int rc;

	while (*p) {
		nl = strchr(p, '\n');
		n = nl ? (size_t)(nl - p) : strlen(p);
		if (n > 0 && p[n - 1] == '\r')
			n--;
		if ((rc = add_line(lines, p, n)) != SD_OK)
			return rc;
		p = nl ? nl + 1 : p + strlen(p);
	}
	return SD_OK;
}

static int
answer_lines(const struct page *pg, const struct sd_field *f, json_t *lines)
{
	const char *v = sd_form_input_get(pg->in, form_name(f), NULL);
	char year[5], quarter[2], q[16];
	size_t i;

	switch (f->type) {
	case SD_FT_CODE:
	case SD_FT_CODES:
		for (i = 0; i < f->n_codes; i++)
			if (has_value(pg->in, f->name, f->codes[i].code) &&
			    add_line(lines, code_label(pg, f, i),
			    strlen(code_label(pg, f, i))))
				return SD_E_NOMEM;
		break;
	case SD_FT_BOOL:
		if (f->required && v == NULL)
			break;
		v = tr(pg, v != NULL && strcmp(v, "yes") == 0 ? N_("Yes") :
		    N_("No"));
		return add_line(lines, v, strlen(v));
	case SD_FT_QUARTER:
		posted_quarter(pg, year, quarter);
		if (year[0] && quarter[0]) {
			snprintf(q, sizeof(q), "%s-Q%s", year, quarter);
			return add_line(lines, q, strlen(q));
		}
		break;
	case SD_FT_HEX:
		if (v != NULL && *v)
			return add_line(lines, v, strlen(v));
		break;
	default:
		if (v != NULL)
			return text_lines(lines, v);
	}
	return SD_OK;
}

static int
review_row(const struct page *pg, const struct sd_field *f, int step,
    json_t *rows)
{
	json_t *o = json_object(), *lines = json_array();
	const char *none = tr(pg, N_("Not given"));
	const char *given = tr(pg, N_("Given: only the pseudonym derived from "
	    "it is sent"));
	int rc = SD_E_NOMEM;

	if (o == NULL || lines == NULL || json_array_append(rows, o) ||
	    json_object_set(o, "lines", lines) ||
	    web_set_str(o, "label", field_label(pg, f)) ||
	    set_int(o, "step_n", step))
		goto done;
	if ((rc = answer_lines(pg, f, lines)) != SD_OK)
		goto done;
	if (json_array_size(lines) == 0)
		rc = add_line(lines, none, strlen(none));
	else if (f->type == SD_FT_HEX)
		rc = add_line(lines, given, strlen(given));
done:
	json_decref(o);
	json_decref(lines);
	return rc;
}

static int
review_data(const struct page *pg, json_t *data)
{
	json_t *groups = json_array(), *g = NULL, *rows = NULL;
	const struct sd_field *f = NULL;
	enum sd_part part;
	size_t s, i;
	int rc = SD_E_NOMEM;

	if (groups == NULL || json_object_set(data, "review", groups))
		goto done;
	rc = SD_OK;
	if (pg->view->step != SD_FORM_REVIEW)
		goto done;
	for (s = 0; s < SD_FORM_STEPS; s++) {
		rc = SD_E_NOMEM;
		if ((g = json_object()) == NULL || json_array_append_new(groups, g) ||
		    (rows = json_array()) == NULL ||
		    json_object_set_new(g, "rows", rows) ||
		    web_set_str(g, "title", tr(pg, form_steps[s].title)))
			goto done;
		for (i = 0; form_steps[s].fields[i] != NULL; i++) {
			if ((f = find_field(form_steps[s].fields[i], &part)) == NULL)
				goto done;
			if ((rc = review_row(pg, f, (int)s + 1, rows)) != SD_OK)
				goto done;
		}
	}
	rc = SD_OK;
done:
	json_decref(groups);
	return rc;
}

/* ------------------------------------------- what the browser's sealer needs */

static const char *
type_name(enum sd_ftype t)
{
	switch (t) {
	case SD_FT_CONST: return "const";
	case SD_FT_HEX: return "hex";
	case SD_FT_CODE: return "code";
	case SD_FT_CODES: return "codes";
	case SD_FT_QUARTER: return "quarter";
	case SD_FT_UINT: return "uint";
	case SD_FT_BOOL: return "bool";
	case SD_FT_TEXT: return "text";
	case SD_FT_KEY: return "key";
	}
	return "unknown";
}

/* The schema's rules as the server applies them (sd_form_build), so the
 * browser checks and builds the report from the one definition. */
static int
schema_json(json_t *arr)
{
	static const enum sd_part parts[] = { SD_PART_STATS, SD_PART_DETAILS };
	const struct sd_field *f = NULL;
	json_t *o = NULL, *codes = NULL;
	size_t p, i, k, n = 0;

	for (p = 0; p < 2; p++) {
		f = sd_schema_fields(parts[p], &n);
		for (i = 0; i < n; i++) {
			if ((o = json_object()) == NULL ||
			    json_array_append_new(arr, o) ||
			    (codes = json_array()) == NULL ||
			    json_object_set_new(o, "codes", codes) ||
			    web_set_str(o, "name", f[i].name) ||
			    web_set_str(o, "part", p == 0 ? "stats" : "details") ||
			    web_set_str(o, "type", type_name(f[i].type)) ||
			    set_bool(o, "required", f[i].required) ||
			    set_int(o, "max", (json_int_t)f[i].max) ||
			    set_int(o, "step", form_step_of(f[i].name)))
				return SD_E_NOMEM;
			for (k = 0; k < f[i].n_codes; k++)
				if (json_array_append_new(codes,
				    json_string(f[i].codes[k].code)))
					return SD_E_NOMEM;
		}
	}
	return SD_OK;
}

static int
texts_json(const struct page *pg, const struct form_msg *m, size_t n,
    json_t *obj)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (web_set_str(obj, m[i].key, tr(pg, m[i].msgid)))
			return SD_E_NOMEM;
	return SD_OK;
}

static int
sealer_data(const struct page *pg, const char *today, json_t *data)
{
	json_t *d = json_object(), *fields = json_array(), *msg = json_object(),
	    *ui = json_object();
	sd_buf rt;
	char *s = NULL;
	int rc = SD_E_NOMEM;

	sd_buf_init(&rt, 64 * 1024);
	if (d == NULL || fields == NULL || msg == NULL || ui == NULL ||
	    json_object_set(d, "fields", fields) ||
	    json_object_set(d, "msg", msg) || json_object_set(d, "ui", ui) ||
	    web_set_str(d, "authority", pg->view->authority_b64) ||
	    web_set_str(d, "lang", pg->lang) || web_set_str(d, "today", today) ||
	    set_int(d, "first_year", FIRST_YEAR) ||
	    set_int(d, "max_files", pg->w->max_files) ||
	    set_int(d, "max_file_bytes", (json_int_t)pg->w->max_file_bytes) ||
	    web_set_str(d, "schema", SD_SCHEMA_ID))
		goto done;
	if ((rc = schema_json(fields)) != SD_OK ||
	    (rc = texts_json(pg, form_msgs, form_n_msgs, msg)) != SD_OK ||
	    (rc = texts_json(pg, ui_texts, sizeof(ui_texts) /
	    sizeof(ui_texts[0]), ui)) != SD_OK)
		goto done;
	if ((rc = form_receipt_text_template(pg->w, pg->lang, &rt)) != SD_OK ||
	    (rc = web_set_strn(d, "receipt_text", (const char *)rt.data,
	    rt.len)) != SD_OK)
		goto done;
	rc = SD_E_NOMEM;
	if ((s = json_dumps(d, JSON_COMPACT)) == NULL ||
	    web_set_str(data, "sd_data", s))
		goto done;
	rc = SD_OK;
done:
	free(s);
	sd_buf_free(&rt);
	json_decref(d);
	json_decref(fields);
	json_decref(msg);
	json_decref(ui);
	return rc;
}

/* ---------------------------------------------------------------- the page */

static int
incident_ref(const struct page *pg, json_t *data)
{
	const char *v = sd_form_input_get(pg->in, "incident_ref", NULL);
	uint8_t raw[REF_HEX / 2];
	char hex[REF_HEX + 1];
	size_t i;

	/* kept from the post, so a page sent twice is one report; drawn once
	 * when the form is first shown */
	for (i = 0; v != NULL && v[i]; i++)
		if (!((v[i] >= '0' && v[i] <= '9') || (v[i] >= 'a' && v[i] <= 'f')))
			break;
	if (v != NULL && i == REF_HEX && v[i] == '\0')
		return web_set_str(data, "incident_ref", v);
	randombytes_buf(raw, sizeof(raw));
	sd_hex_encode(hex, sizeof(hex), raw, sizeof(raw));
	return web_set_str(data, "incident_ref", hex);
}

static int
nav_data(const struct page *pg, json_t *data)
{
	int step = pg->view->step;
	char next[16], back[16], cur[16];
	const char *label = NULL;

	if (step == SD_FORM_REVIEW) {
		snprintf(next, sizeof(next), "send");
		label = N_("Seal and send the report");
	} else if (pg->view->from_review || step == SD_FORM_STEPS) {
		snprintf(next, sizeof(next), "review");
		label = pg->view->from_review ? N_("Back to the review") :
		    N_("Continue");
	} else {
		snprintf(next, sizeof(next), "%d", step + 1);
		label = N_("Continue");
	}
	if (step > 1)
		snprintf(back, sizeof(back), "%d", step - 1);
	else
		back[0] = '\0';
	if (step == SD_FORM_REVIEW)
		snprintf(cur, sizeof(cur), "review");
	else
		snprintf(cur, sizeof(cur), "%d", step);
	if (web_set_str(data, "next_value", next) ||
	    web_set_str(data, "next_label", tr(pg, label)) ||
	    web_set_str(data, "back_value", back) ||
	    web_set_str(data, "current_step", cur) ||
	    set_bool(data, "from_review", pg->view->from_review) ||
	    set_bool(data, "is_review", step == SD_FORM_REVIEW))
		return SD_E_NOMEM;
	return SD_OK;
}

static int
page_title(const struct page *pg, json_t *data)
{
	char step[128], title[512];
	const char *what = NULL;
	int n;

	if (pg->view->step == SD_FORM_REVIEW) {
		what = tr(pg, N_("Check your answers before sending"));
		n = snprintf(title, sizeof(title), "%s – %s", what,
		    tr(pg, N_("Report the theft of a trade secret")));
	} else {
		if (step_text(pg, pg->view->step, step, sizeof(step)) != SD_OK)
			return SD_E_TOOBIG;
		what = tr(pg, form_steps[pg->view->step - 1].title);
		n = snprintf(title, sizeof(title), "%s: %s – %s", step, what,
		    tr(pg, N_("Report the theft of a trade secret")));
	}
	if (n < 0 || (size_t)n >= sizeof(title))
		return SD_E_TOOBIG;
	return web_set_str(data, "title_text", title);
}

static int
form_data(struct page *pg, const char *today, json_t *data)
{
	json_t *steps = json_array();
	char action[32];
	sd_buf receipt;
	int rc = SD_E_NOMEM, n;

	sd_buf_init(&receipt, SD_WEB_PAGE_MAX);
	pg->summary = json_array();
	if (steps == NULL || pg->summary == NULL ||
	    json_object_set(data, "steps", steps) ||
	    json_object_set(data, "errors", pg->summary))
		goto done;
	for (n = 1; n <= SD_FORM_STEPS; n++)
		if ((rc = add_step(pg, steps, n)) != SD_OK)
			goto done;
	if ((rc = attachment_texts(pg, data)) != SD_OK ||
	    (rc = hidden_errors(pg)) != SD_OK ||
	    (rc = review_data(pg, data)) != SD_OK ||
	    (rc = nav_data(pg, data)) != SD_OK ||
	    (rc = incident_ref(pg, data)) != SD_OK ||
	    (rc = page_title(pg, data)) != SD_OK)
		goto done;
	rc = SD_E_NOMEM;
	snprintf(action, sizeof(action), "/submit?lang=%s", pg->lang);
	if (web_set_str(data, "action", action) ||
	    web_set_str(data, "honeypot_name", SD_FORM_HONEYPOT_FIELD) ||
	    set_bool(data, "has_errors", json_array_size(pg->summary) > 0) ||
	    web_set_str(data, "sd_data", "") ||
	    web_set_str(data, "receipt_template", "") ||
	    web_set_str(data, "lang_note", tr(pg, N_("Changing the language "
	    "starts the form again: answers you have not sent are lost."))) ||
	    (pg->view->authority_b64[0] != '\0' ?
	    web_set_str(data, "script", "sealdrop-form.js") :
	    set_bool(data, "script", 0)))
		goto done;
	rc = SD_OK;
	if (pg->view->authority_b64[0] == '\0')
		goto done;
	/* the page can seal: the scripts, their data and the receipt they
	 * fill in once the report is stored */
	if ((rc = sealer_data(pg, today, data)) != SD_OK ||
	    (rc = form_receipt_slots(pg->w, pg->lang, &receipt)) != SD_OK ||
	    (rc = web_set_strn(data, "receipt_template",
	    (const char *)receipt.data, receipt.len)) != SD_OK)
		goto done;
done:
	sd_buf_free(&receipt);
	json_decref(steps);
	json_decref(pg->summary);
	pg->summary = NULL;
	return rc;
}

int
sd_form_page(const sd_web *w, const char *lang, const sd_form_input *values,
    const struct sd_form_errors *errs, const struct sd_form_view *view,
    sd_buf *out)
{
	struct sd_form_view first;
	struct page pg;
	json_t *data = json_object();
	char today[11];
	int rc = SD_E_NOMEM;

	if (view == NULL) {
		sd_form_view_init(&first, NULL);
		view = &first;
	}
	if (view->step < 1 || view->step > SD_FORM_REVIEW)
		return SD_E_INVAL;
	memset(&pg, 0, sizeof(pg));
	sd_today(today);
	pg.w = w;
	pg.lang = lang;
	pg.in = values;
	pg.errs = errs;
	pg.view = view;
	pg.year = (int)strtol(today, NULL, 10);
	if (data == NULL)
		goto done;
	if ((rc = form_data(&pg, today, data)) != SD_OK)
		goto done;
	rc = web_page(w, lang, N_("Report the theft of a trade secret"),
	    w->form, data, out);
done:
	json_decref(data);
	return rc;
}
