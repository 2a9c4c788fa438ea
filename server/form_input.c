#include "form_internal.h"

#include "sd_err.h"
#include "sd_org.h"
#include "sd_schema.h"

#include <stdlib.h>
#include <string.h>

/* A text member holds at most max characters of up to 4 bytes each; a
 * browser sends a line break as CR LF, which is still within 4 bytes. */
#define BYTES_PER_CHAR 4

/* Names the form sends besides the schema members it shows. */
static const char *const extra_names[] = {
	SD_FORM_HONEYPOT_FIELD, "discovered_year", "discovered_quarter",
	SD_FORM_GO_FIELD, SD_FORM_STEP_FIELD, SD_FORM_FROM_REVIEW_FIELD,
};

/* The largest value a field of the form may carry, or 0 when the form has
 * no such field (the reporter pseudonym is for the command-line tool only,
 * and the schema version is the server's to set). */
static size_t
value_max(const char *name)
{
	const struct sd_field *f = NULL;
	size_t i;

	for (i = 0; i < sizeof(extra_names) / sizeof(extra_names[0]); i++)
		if (strcmp(name, extra_names[i]) == 0)
			return SD_FORM_MAX_SHORT;
	if (strcmp(name, SD_FORM_ORG_CODE_FIELD) == 0)
		return SD_ORG_CODE_INPUT_MAX;
	/* the pseudonym comes only from a code, the version from the server */
	if (strcmp(name, "reporter") == 0 || strcmp(name, "schema") == 0)
		return 0;
	if ((f = sd_schema_field(SD_PART_STATS, name)) == NULL &&
	    (f = sd_schema_field(SD_PART_DETAILS, name)) == NULL)
		return 0;
	if (f->type == SD_FT_TEXT)
		return (size_t)f->max * BYTES_PER_CHAR;
	return SD_FORM_MAX_SHORT;
}

int
sd_form_input_new(sd_form_input **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? SD_OK : SD_E_NOMEM;
}

void
sd_form_input_free(sd_form_input *in)
{
	size_t i;

	if (in == NULL)
		return;
	for (i = 0; i < in->n; i++)
		sd_buf_free(&in->p[i].value);
	free(in);
}

static int
start_pair(sd_form_input *in, const char *name)
{
	struct form_pair *p = NULL;
	size_t max = value_max(name);

	if (max == 0 || strlen(name) >= sizeof(p->name))
		return SD_E_INVAL;
	if (in->n == SD_FORM_MAX_PAIRS)
		return SD_E_TOOBIG;
	p = &in->p[in->n++];
	memcpy(p->name, name, strlen(name) + 1);
	sd_buf_init(&p->value, max);
	/* an empty value still has a NUL-terminated buffer to point at */
	return sd_buf_add(&p->value, "", 0);
}

int
sd_form_input_put(sd_form_input *in, const char *name, const char *data,
    uint64_t off, size_t size)
{
	struct form_pair *last = NULL;
	int rc;

	if (in == NULL || name == NULL || (data == NULL && size > 0))
		return SD_E_INVAL;
	if (off == 0 && (rc = start_pair(in, name)) != SD_OK)
		return rc;
	if (in->n == 0)
		return SD_E_INVAL;
	last = &in->p[in->n - 1];
	if (strcmp(last->name, name) != 0 || last->value.len != off)
		return SD_E_INVAL;
	if (size > SD_FORM_MAX_BYTES - in->total)
		return SD_E_TOOBIG;
	if ((rc = sd_buf_add(&last->value, data, size)) != SD_OK)
		return rc;
	in->total += size;
	return SD_OK;
}

int
sd_form_input_add(sd_form_input *in, const char *name, const char *value)
{
	return sd_form_input_put(in, name, value, 0, value ? strlen(value) : 0);
}

const char *
sd_form_input_get(const sd_form_input *in, const char *name, size_t *len)
{
	size_t i;

	if (in == NULL || name == NULL)
		return NULL;
	for (i = 0; i < in->n; i++) {
		if (strcmp(in->p[i].name, name) == 0) {
			if (len)
				*len = in->p[i].value.len;
			return (const char *)in->p[i].value.data;
		}
	}
	return NULL;
}
