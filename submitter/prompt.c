#include "prompt.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sd_buf.h"
#include "sd_encode.h"
#include "sd_err.h"

#define LINE_MAX_BYTES (512 * 1024)
#define ATTEMPTS 5
/* a TEXT field this long is asked for as several lines ending with "." */
#define MULTILINE_FROM 10000

/* One line without its end; SD_E_IO at end of input. */
static int
read_line(FILE *in, sd_buf *b)
{
	int c, any = 0;

	sd_buf_reset(b);
	while ((c = getc(in)) != EOF) {
		any = 1;
		if (c == '\n')
			break;
		if (sd_buf_add(b, &(char){ (char)c }, 1) != SD_OK)
			return SD_E_TOOBIG;
	}
	if (!any)
		return SD_E_IO;
	if (b->len > 0 && b->data[b->len - 1] == '\r')
		b->data[--b->len] = '\0';
	return SD_OK;
}

static char *
trim(char *s)
{
	size_t n;

	while (isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

/* "3" (its number in the list shown) or the code itself, any case */
static const char *
code_of(const struct sd_field *f, const char *tok)
{
	char *end = NULL;
	long k;
	size_t i;

	if (isdigit((unsigned char)tok[0])) {
		errno = 0;
		k = strtol(tok, &end, 10);
		if (errno == 0 && *end == '\0' && k >= 1 && (size_t)k <= f->n_codes)
			return f->codes[k - 1].code;
	}
	for (i = 0; i < f->n_codes; i++)
		if (strcasecmp(tok, f->codes[i].code) == 0)
			return f->codes[i].code;
	return NULL;
}

/* Unknown tokens are passed on as they are, so the schema names them. */
static json_t *
parse_codes(const struct sd_field *f, char *s)
{
	json_t *arr = json_array();
	char *tok = s, *next = NULL;
	const char *c = NULL;

	while (arr != NULL && *tok != '\0') {
		next = tok + strcspn(tok, ", ");
		if (*next != '\0')
			*next++ = '\0';
		if (*tok != '\0') {
			c = code_of(f, tok);
			json_array_append_new(arr, json_string(c ? c : tok));
		}
		tok = next + strspn(next, ", ");
	}
	return arr;
}

static json_t *
parse_uint(const char *s)
{
	char *end = NULL;
	unsigned long long v;

	if (!isdigit((unsigned char)s[0]))
		return json_string(s);  /* the schema says why */
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > INT64_MAX)
		return json_string(s);
	return json_integer((json_int_t)v);
}

static json_t *
parse_bool(const char *s)
{
	if (strcasecmp(s, "y") == 0 || strcasecmp(s, "yes") == 0 ||
	    strcasecmp(s, "true") == 0)
		return json_true();
	if (strcasecmp(s, "n") == 0 || strcasecmp(s, "no") == 0 ||
	    strcasecmp(s, "false") == 0)
		return json_false();
	return json_string(s);
}

static json_t *
parse_answer(const struct sd_field *f, char *s)
{
	const char *c = NULL;

	switch (f->type) {
	case SD_FT_CODE:
		c = code_of(f, s);
		return json_string(c ? c : s);
	case SD_FT_CODES:
		return parse_codes(f, s);
	case SD_FT_UINT:
		return parse_uint(s);
	case SD_FT_BOOL:
		return parse_bool(s);
	default:
		return json_string(s);
	}
}

static void
show_question(FILE *out, const struct sd_field *f)
{
	size_t i;

	fprintf(out, "\n%s (%s)%s\n", f->label, f->name, f->required ? "" :
	    " - optional, press Enter to skip");
	if (f->help != NULL)
		fprintf(out, "  %s\n", f->help);
	for (i = 0; i < f->n_codes; i++)
		fprintf(out, "  %2zu) %-32s %s\n", i + 1, f->codes[i].code,
		    f->codes[i].label);
	if (f->type == SD_FT_CODES)
		fprintf(out, "  one or more numbers or codes, separated by commas\n");
	else if (f->type == SD_FT_BOOL)
		fprintf(out, "  y or n\n");
	else if (f->type == SD_FT_QUARTER)
		fprintf(out, "  as YYYY-Qn, e.g. 2025-Q3\n");
	else if (f->type == SD_FT_TEXT && f->max >= MULTILINE_FROM)
		fprintf(out, "  several lines; end with a line holding only a dot (.)\n");
	fputs("> ", out);
	fflush(out);
}

/* Long texts span lines until a lone "."; their own line ends are kept. */
static int
read_answer(FILE *in, const struct sd_field *f, sd_buf *line, sd_buf *text)
{
	int rc, first = 1;

	if (f->type != SD_FT_TEXT || f->max < MULTILINE_FROM)
		return read_line(in, line);
	sd_buf_reset(text);
	while ((rc = read_line(in, line)) == SD_OK &&
	    strcmp((const char *)line->data ? (const char *)line->data : "",
	    ".") != 0) {
		if ((!first && sd_buf_add(text, "\n", 1) != SD_OK) ||
		    sd_buf_add(text, line->data ? line->data : (const uint8_t *)"",
		    line->len) != SD_OK)
			return SD_E_TOOBIG;
		first = 0;
	}
	if (rc != SD_OK && first)
		return rc;
	sd_buf_reset(line);
	return sd_buf_add(line, text->data ? text->data : (const uint8_t *)"",
	    text->len);
}

static int
ask_field(FILE *in, FILE *out, json_t *obj, enum sd_part part,
    const struct sd_field *f, const char *today, sd_buf *line, sd_buf *text)
{
	static char empty[1];
	char why[256];
	json_t *v = NULL;
	char *s = NULL;
	size_t bad = 0;
	int i, rc;

	for (i = 0; i < ATTEMPTS; i++) {
		show_question(out, f);
		if ((rc = read_answer(in, f, line, text)) != SD_OK)
			return rc;
		s = trim(line->data ? (char *)line->data : empty);
		if (*s == '\0' && !f->required)
			return SD_OK;
		if (*s == '\0') {
			fprintf(out, "  %s is required\n", f->name);
			continue;
		}
		if (!sd_utf8_valid((const uint8_t *)s, strlen(s), &bad)) {
			fprintf(out, "  byte 0x%02X of the answer is not UTF-8; "
			    "set the terminal to UTF-8 and answer again\n",
			    (unsigned char)s[bad]);
			continue;
		}
		if ((v = parse_answer(f, s)) == NULL)
			return SD_E_NOMEM;
		if (sub_field_check(part, f->name, v, today, why, sizeof(why))) {
			rc = json_object_set_new(obj, f->name, v);
			return rc == 0 ? SD_OK : SD_E_NOMEM;
		}
		json_decref(v);
		fprintf(out, "  %s\n", why);
	}
	fprintf(out, "  giving up on %s after %d tries\n", f->name, ATTEMPTS);
	return SD_E_INVAL;
}

static int
ask_part(FILE *in, FILE *out, sub_report *r, enum sd_part part,
    const char *today)
{
	const struct sd_field *fields = NULL;
	json_t *obj = sub_report_part(r, part);
	sd_buf line, text;
	size_t i, n = 0;
	int rc = SD_OK;

	sd_buf_init(&line, LINE_MAX_BYTES);
	sd_buf_init(&text, LINE_MAX_BYTES);
	fields = sd_schema_fields(part, &n);
	for (i = 0; i < n && rc == SD_OK; i++) {
		/* schema, incident_ref and reporter are filled in, never asked */
		if (fields[i].type == SD_FT_CONST || fields[i].type == SD_FT_HEX ||
		    json_object_get(obj, fields[i].name) != NULL)
			continue;
		rc = ask_field(in, out, obj, part, &fields[i], today, &line, &text);
	}
	sd_buf_free(&line);
	sd_buf_free(&text);
	return rc;
}

int
sub_prompt_yes(FILE *in, FILE *out, const char *question)
{
	sd_buf line;
	char *s = NULL;
	int yes = 0;

	sd_buf_init(&line, 256);
	fprintf(out, "\n%s [y/N] ", question);
	fflush(out);
	if (read_line(in, &line) == SD_OK && line.data != NULL) {
		s = trim((char *)line.data);
		yes = strcasecmp(s, "y") == 0 || strcasecmp(s, "yes") == 0;
	}
	sd_buf_free(&line);
	return yes;
}

static void
show_report(FILE *out, sub_report *r)
{
	json_t *parts[2] = { sub_report_part(r, SD_PART_STATS),
		sub_report_part(r, SD_PART_DETAILS) };
	size_t i;

	fputs("\nThe report:\n", out);
	for (i = 0; i < 2; i++)
		if (json_object_size(parts[i]) > 0) {
			json_dumpf(parts[i], out, JSON_INDENT(2));
			fputc('\n', out);
		}
}

int
sub_prompt_report(sub_report *r, FILE *in, FILE *out, const char *today)
{
	int rc;

	fputs("Answer each question; the statistical part is all the "
	    "statistics use.\n", out);
	if ((rc = ask_part(in, out, r, SD_PART_STATS, today)) != SD_OK)
		return rc;
	if (json_object_size(sub_report_part(r, SD_PART_DETAILS)) == 0 &&
	    !sub_prompt_yes(in, out, "Add a narrative and contact for law "
	    "enforcement (sealed to the details key only)?")) {
		show_report(out, r);
		return SD_OK;
	}
	if ((rc = ask_part(in, out, r, SD_PART_DETAILS, today)) != SD_OK)
		return rc;
	show_report(out, r);
	return SD_OK;
}
