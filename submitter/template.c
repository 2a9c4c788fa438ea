#include "template.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "sd_err.h"
#include "sd_schema.h"

static const char *
type_hint(const struct sd_field *f)
{
	switch (f->type) {
	case SD_FT_CONST: return "fixed; leave as it is";
	case SD_FT_HEX: return "filled in by sealdrop-submit; leave it out";
	case SD_FT_CODE: return "one code of the list";
	case SD_FT_CODES: return "a list of one or more codes: [\"a\", \"b\"]";
	case SD_FT_QUARTER: return "the quarter, \"YYYY-Qn\", from 2000-Q1 to now";
	case SD_FT_UINT: return "a whole number, 0 or more";
	case SD_FT_BOOL: return "true or false";
	case SD_FT_TEXT: return "text";
	case SD_FT_KEY: return "filled in by sealdrop-submit; leave it out";
	}
	return "";
}

/* A required field of the details part is required only when that part is
 * sent at all: a report with no details is valid (statistics only). */
static const char *
need(enum sd_part part, const struct sd_field *f)
{
	if (!f->required)
		return "optional";
	return part == SD_PART_DETAILS ? "required when any details are sent" :
	    "required";
}

/* Everything a user needs to fill one field, each line after prefix. */
static void
describe(FILE *out, const char *prefix, enum sd_part part,
    const struct sd_field *f)
{
	size_t i;

	fprintf(out, "%s%s (%s): %s\n", prefix, f->name, need(part, f),
	    f->label);
	if (f->help != NULL)
		fprintf(out, "%s    %s\n", prefix, f->help);
	fprintf(out, "%s    %s\n", prefix, type_hint(f));
	if (f->type == SD_FT_TEXT && f->max > 0)
		fprintf(out, "%s    at most %llu characters\n", prefix,
		    (unsigned long long)f->max);
	for (i = 0; i < f->n_codes; i++)
		fprintf(out, "%s      %-32s %s\n", prefix, f->codes[i].code,
		    f->codes[i].label);
}

/* A value that passes validation, so the template loads as printed. */
static json_t *
example(const struct sd_field *f, const char *today)
{
	char q[16];
	int month;

	switch (f->type) {
	case SD_FT_CONST:
		return json_string(SD_SCHEMA_ID);
	case SD_FT_CODE:
		return f->n_codes ? json_string(f->codes[0].code) : NULL;
	case SD_FT_CODES:
		return f->n_codes ? json_pack("[s]", f->codes[0].code) : NULL;
	case SD_FT_QUARTER:
		month = (today[5] - '0') * 10 + (today[6] - '0');
		snprintf(q, sizeof(q), "%.4s-Q%d", today, (month - 1) / 3 + 1);
		return json_string(q);
	case SD_FT_UINT:
		return json_integer(0);
	case SD_FT_BOOL:
		return json_false();
	case SD_FT_TEXT:
		return json_string(SUB_TEMPLATE_TEXT);
	case SD_FT_HEX:
	case SD_FT_KEY:
		break;
	}
	return NULL;
}

struct member {
	enum sd_part part;
	const struct sd_field *f;
	json_t *v;
};

static size_t
collect(struct member *m, size_t cap, const char *today)
{
	static const enum sd_part parts[2] = { SD_PART_STATS, SD_PART_DETAILS };
	const struct sd_field *fields = NULL;
	size_t p, i, n, k = 0;
	json_t *v = NULL;

	for (p = 0; p < 2; p++) {
		fields = sd_schema_fields(parts[p], &n);
		for (i = 0; i < n && k < cap; i++) {
			if ((v = example(&fields[i], today)) == NULL)
				continue;
			m[k].part = parts[p];
			m[k].f = &fields[i];
			m[k++].v = v;
		}
	}
	return k;
}

static void
header(FILE *out)
{
	fputs("// A sealdrop report (sealdrop.report/1). Replace the example "
	    "values, then run\n"
	    "//   sealdrop-submit --server URL --authority A.pub report.json\n"
	    "// Lines starting with // are comments; sealdrop-submit skips "
	    "them.\n"
	    "// incident_ref (a random reference for this incident) and "
	    "reporter (the\n"
	    "// pseudonym from 'sealdrop-submit init') are filled in for you.\n"
	    "// narrative, contact and consent_law_enforcement are sealed to "
	    "the details\n"
	    "// (law enforcement) key only and never reach any statistic. "
	    "They are\n"
	    "// optional: delete all three to send statistics only; if you "
	    "keep contact\n"
	    "// or consent_law_enforcement, write a narrative too.\n", out);
}

int
sub_template_print(FILE *out, int comments, const char *today)
{
	struct member m[64];
	size_t i, n = collect(m, sizeof(m) / sizeof(m[0]), today);
	char val[512];
	size_t len;
	int rc = SD_OK;

	if (comments)
		header(out);
	fputs("{\n", out);
	for (i = 0; i < n; i++) {
		if (comments)
			describe(out, "  // ", m[i].part, m[i].f);
		len = json_dumpb(m[i].v, val, sizeof(val) - 1,
		    JSON_ENCODE_ANY | JSON_COMPACT);
		if (len == 0 || len >= sizeof(val)) {
			rc = SD_E_NOMEM;
			break;
		}
		val[len] = '\0';
		fprintf(out, "  \"%s\": %s%s\n", m[i].f->name, val,
		    i + 1 < n ? "," : "");
	}
	fputs("}\n", out);
	for (i = 0; i < n; i++)
		json_decref(m[i].v);
	return rc;
}

int
sub_template_explain(FILE *out)
{
	static const enum sd_part parts[2] = { SD_PART_STATS, SD_PART_DETAILS };
	static const char *const titles[2] = {
		"Statistical part (the only part used for statistics)",
		"Details part (narrative, contact, consent: sealed to the "
		"details key only; optional as a whole: leave all of it out "
		"to send statistics only)" };
	const struct sd_field *fields = NULL;
	size_t p, i, n;

	for (p = 0; p < 2; p++) {
		fprintf(out, "%s%s\n\n", p ? "\n" : "", titles[p]);
		fields = sd_schema_fields(parts[p], &n);
		for (i = 0; i < n; i++) {
			describe(out, "", parts[p], &fields[i]);
			fputc('\n', out);
		}
	}
	fputs("Attachments: up to 5 files of at most 10 MiB each, with "
	    "--attach FILE.\n", out);
	return ferror(out) ? SD_E_IO : SD_OK;
}
