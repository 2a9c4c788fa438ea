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
#define UINT_DIGITS_MAX 19   /* fits in a json_int_t */

const struct form_msg form_msgs[] = {
	{ "choose_one", M_CHOOSE_ONE }, { "choose_some", M_CHOOSE_SOME },
	{ "not_listed", M_NOT_LISTED }, { "one_answer", M_ONE_ANSWER },
	{ "quarter_miss", M_QUARTER_MISS }, { "quarter_bad", M_QUARTER_BAD },
	{ "quarter_old", M_QUARTER_OLD }, { "quarter_late", M_QUARTER_LATE },
	{ "number_miss", M_NUMBER_MISS }, { "number_bad", M_NUMBER_BAD },
	{ "number_big", M_NUMBER_BIG }, { "yes_no", M_YES_NO },
	{ "text_empty", M_TEXT_EMPTY }, { "text_long", M_TEXT_LONG },
	{ "text_bad", M_TEXT_BAD }, { "ref_bad", M_REF_BAD },
	{ "code_bad", M_CODE_BAD }, { "code_typo", M_CODE_TYPO },
	{ "invalid", M_INVALID },
	{ "file_too_large", SD_FORM_MSG_FILE_TOO_LARGE },
	{ "too_many_files", SD_FORM_MSG_TOO_MANY_FILES },
};
const size_t form_n_msgs = sizeof(form_msgs) / sizeof(form_msgs[0]);

struct build {
	const sd_web *w;
	const char *lang;
	const sd_form_input *in;
	struct sd_form_errors *errs;
	const char *today;
	int year;
	int quarter;
};

static int
has_error(const struct build *b, const char *field)
{
	size_t i;

	for (i = 0; i < b->errs->n; i++)
		if (strcmp(b->errs->e[i].field, field) == 0)
			return 1;
	return 0;
}

/* One message per field: the first problem is the one to fix first. */
static void
fail(struct build *b, const char *field, const char *msgid)
{
	if (!has_error(b, field))
		sd_form_errors_add(b->w, b->lang, b->errs, field, msgid);
}

static size_t
count(const sd_form_input *in, const char *name)
{
	size_t i, n = 0;

	for (i = 0; i < in->n; i++)
		if (strcmp(in->p[i].name, name) == 0)
			n++;
	return n;
}

/* The single non-empty value of name, NULL when there is none; "" marks
 * a field that was sent more than once. */
static const char *
single(struct build *b, const struct sd_field *f, size_t *len)
{
	const char *v = sd_form_input_get(b->in, f->name, len);

	if (count(b->in, f->name) > 1) {
		fail(b, f->name, M_ONE_ANSWER);
		if (len)
			*len = 0;
		return "";
	}
	return v && *v ? v : NULL;
}

static int
set(json_t *obj, const char *key, json_t *v)
{
	return v == NULL || json_object_set_new(obj, key, v) ? SD_E_NOMEM : SD_OK;
}

static int
blank(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			return 0;
	return 1;
}

/* The pseudonym comes from the organisation code, derived here in memory
 * as every sealer derives it; the code itself goes nowhere. */
static int
do_reporter(struct build *b, const struct sd_field *f, json_t *obj)
{
	uint8_t secret[SD_ORG_SECRET_BYTES];
	char reporter[SD_REPORTER_HEX];
	size_t n = 0;
	const char *v = sd_form_input_get(b->in, SD_FORM_ORG_CODE_FIELD, &n);
	int rc;

	if (v == NULL || blank(v, n))
		return SD_OK;
	if (count(b->in, SD_FORM_ORG_CODE_FIELD) > 1) {
		fail(b, SD_FORM_ORG_CODE_FIELD, M_ONE_ANSWER);
		return SD_OK;
	}
	rc = sd_org_code_parse(v, n, secret);
	if (rc != SD_OK) {
		fail(b, SD_FORM_ORG_CODE_FIELD, rc == SD_E_SIGNATURE ?
		    M_CODE_TYPO : M_CODE_BAD);
		return SD_OK;
	}
	sd_reporter_derive(reporter, secret);
	sodium_memzero(secret, sizeof(secret));
	rc = set(obj, f->name, json_string(reporter));
	sodium_memzero(reporter, sizeof(reporter));
	return rc;
}

static int
do_hex(struct build *b, const struct sd_field *f, json_t *obj)
{
	uint8_t raw[32];
	char hex[65];
	const char *v = single(b, f, NULL);
	size_t i;

	if (v && *v) {
		for (i = 0; v[i]; i++)
			if (!((v[i] >= '0' && v[i] <= '9') || (v[i] >= 'a' && v[i] <= 'f')))
				break;
		if (i != f->max || v[i] != 0) {
			fail(b, f->name, M_REF_BAD);
			return SD_OK;
		}
		return set(obj, f->name, json_string(v));
	}
	if (v || !f->required || f->max > 2 * sizeof(raw))
		return SD_OK;
	/* a new incident: the reference is drawn here, as the CLI draws it */
	randombytes_buf(raw, f->max / 2);
	sd_hex_encode(hex, sizeof(hex), raw, f->max / 2);
	return set(obj, f->name, json_string(hex));
}

static int
do_code(struct build *b, const struct sd_field *f, json_t *obj)
{
	const char *v = single(b, f, NULL);
	int i;

	if (v == NULL) {
		if (f->required)
			fail(b, f->name, M_CHOOSE_ONE);
		return SD_OK;
	}
	if (*v == 0)
		return SD_OK;
	if ((i = sd_schema_code_index(f, v)) < 0) {
		fail(b, f->name, M_NOT_LISTED);
		return SD_OK;
	}
	return set(obj, f->name, json_string(f->codes[i].code));
}

/* Codes in the order of the schema's list, whatever order the browser
 * sent them in, so equal answers give equal JSON. */
static int
do_codes(struct build *b, const struct sd_field *f, json_t *obj)
{
	uint64_t seen = 0;
	json_t *arr = NULL;
	size_t i;
	int k;

	for (i = 0; i < b->in->n; i++) {
		if (strcmp(b->in->p[i].name, f->name) != 0 ||
		    b->in->p[i].value.len == 0)
			continue;
		k = sd_schema_code_index(f, (const char *)b->in->p[i].value.data);
		if (k < 0 || k >= 64) {
			fail(b, f->name, M_NOT_LISTED);
			return SD_OK;
		}
		seen |= UINT64_C(1) << k;
	}
	if (seen == 0) {
		if (f->required)
			fail(b, f->name, M_CHOOSE_SOME);
		return SD_OK;
	}
	if ((arr = json_array()) == NULL)
		return SD_E_NOMEM;
	for (i = 0; i < f->n_codes && i < 64; i++)
		if ((seen & (UINT64_C(1) << i)) &&
		    json_array_append_new(arr, json_string(f->codes[i].code))) {
			json_decref(arr);
			return SD_E_NOMEM;
		}
	return set(obj, f->name, arr);
}

static int
all_digits(const char *s, size_t min, size_t max)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if (s[i] < '0' || s[i] > '9' || i >= max)
			return 0;
	return i >= min;
}

/* "YYYY-Qn" from one text, or from the year and quarter selects. */
static int
do_quarter(struct build *b, const struct sd_field *f, json_t *obj)
{
	const char *d = sd_form_input_get(b->in, f->name, NULL);
	const char *y = sd_form_input_get(b->in, "discovered_year", NULL);
	const char *q = sd_form_input_get(b->in, "discovered_quarter", NULL);
	char v[32];
	int year, quarter;

	if (d && *d) {
		if (strlen(d) != 7 || d[4] != '-' || d[5] != 'Q') {
			fail(b, f->name, M_QUARTER_BAD);
			return SD_OK;
		}
		snprintf(v, sizeof(v), "%.4s", d);
		y = v;
		q = d + 6;
	}
	if (y == NULL || q == NULL || *y == 0 || *q == 0) {
		fail(b, f->name, M_QUARTER_MISS);
		return SD_OK;
	}
	if (!all_digits(y, 4, 4) || !all_digits(q, 1, 1) || *q < '1' || *q > '4') {
		fail(b, f->name, M_QUARTER_BAD);
		return SD_OK;
	}
	year = (int)strtol(y, NULL, 10);
	quarter = *q - '0';
	if (year < FIRST_YEAR)
		fail(b, f->name, M_QUARTER_OLD);
	else if (year > b->year || (year == b->year && quarter > b->quarter))
		fail(b, f->name, M_QUARTER_LATE);
	else {
		snprintf(v, sizeof(v), "%04d-Q%d", year, quarter);
		return set(obj, f->name, json_string(v));
	}
	return SD_OK;
}

static int
do_uint(struct build *b, const struct sd_field *f, json_t *obj)
{
	const char *v = single(b, f, NULL);
	unsigned long long x;

	if (v == NULL) {
		if (f->required)
			fail(b, f->name, M_NUMBER_MISS);
		return SD_OK;
	}
	if (*v == 0)
		return SD_OK;
	if (!all_digits(v, 1, UINT_DIGITS_MAX)) {
		fail(b, f->name, strlen(v) > UINT_DIGITS_MAX &&
		    all_digits(v, 1, SD_FORM_MAX_SHORT) ? M_NUMBER_BIG : M_NUMBER_BAD);
		return SD_OK;
	}
	x = strtoull(v, NULL, 10);
	if (x > f->max) {
		fail(b, f->name, M_NUMBER_BIG);
		return SD_OK;
	}
	return set(obj, f->name, json_integer((json_int_t)x));
}

/* A required yes/no is a pair of radio buttons; an optional one a single
 * checkbox, whose absence means no. */
static int
do_bool(struct build *b, const struct sd_field *f, json_t *obj)
{
	const char *v = single(b, f, NULL);

	if (v == NULL) {
		if (f->required)
			fail(b, f->name, M_YES_NO);
		else
			return set(obj, f->name, json_false());
		return SD_OK;
	}
	if (*v == 0)
		return SD_OK;
	if (strcmp(v, "yes") != 0 && strcmp(v, "no") != 0) {
		fail(b, f->name, M_YES_NO);
		return SD_OK;
	}
	return set(obj, f->name, json_boolean(strcmp(v, "yes") == 0));
}

/* Browsers send line breaks as CR LF; the report keeps LF. Other control
 * characters have no place in a report. */
static int
clean_text(const char *v, size_t n, sd_buf *out)
{
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		if (v[i] == '\r' && i + 1 < n && v[i + 1] == '\n')
			continue;
		if (((unsigned char)v[i] < 0x20 && v[i] != '\n' && v[i] != '\t') ||
		    v[i] == 0x7f)
			return SD_E_FORMAT;
		if ((rc = sd_buf_add(out, v + i, 1)) != SD_OK)
			return rc;
	}
	return sd_utf8_check((const char *)out->data, out->len, NULL);
}

/* A text value v (n bytes, NULL for none) of field f, cleaned and checked
 * as the form checks every text, set in obj. */
static int
put_text(struct build *b, const struct sd_field *f, const char *v, size_t n,
    json_t *obj)
{
	size_t chars = 0;
	sd_buf t;
	char max[32], msg[SD_FORM_MAX_SHORT * 4];
	int rc = SD_OK;

	sd_buf_init(&t, n + 1);
	if (v == NULL || blank(v, n)) {
		if (f->required)
			fail(b, f->name, M_TEXT_EMPTY);
		goto done;
	}
	if ((rc = clean_text(v, n, &t)) != SD_OK) {
		if (rc == SD_E_FORMAT)
			fail(b, f->name, M_TEXT_BAD);
		rc = rc == SD_E_FORMAT ? SD_OK : rc;
		goto done;
	}
	sd_utf8_check((const char *)t.data, t.len, &chars);
	if (chars > f->max) {
		snprintf(max, sizeof(max), "%llu", (unsigned long long)f->max);
		if (!has_error(b, f->name) &&
		    web_tr_subst(b->w, b->lang, M_TEXT_LONG, "{max}", max, msg,
		    sizeof(msg)) == SD_OK &&
		    b->errs->n < SD_FORM_MAX_ERRORS) {
			snprintf(b->errs->e[b->errs->n].field,
			    sizeof(b->errs->e[0].field), "%s", f->name);
			snprintf(b->errs->e[b->errs->n].msg,
			    sizeof(b->errs->e[0].msg), "%s", msg);
			b->errs->n++;
		}
		goto done;
	}
	rc = set(obj, f->name, json_stringn((const char *)t.data, t.len));
done:
	sd_buf_free(&t);
	return rc;
}

static int
do_text(struct build *b, const struct sd_field *f, json_t *obj)
{
	size_t n = 0;
	const char *v = single(b, f, &n);

	return put_text(b, f, v, n, obj);
}

static int
do_field(struct build *b, const struct sd_field *f, json_t *obj)
{
	switch (f->type) {
	case SD_FT_CONST:
		return set(obj, f->name, json_string(f->codes[0].code));
	case SD_FT_HEX:
		if (strcmp(f->name, "reporter") == 0)
			return do_reporter(b, f, obj);
		return do_hex(b, f, obj);
	case SD_FT_CODE: return do_code(b, f, obj);
	case SD_FT_CODES: return do_codes(b, f, obj);
	case SD_FT_QUARTER: return do_quarter(b, f, obj);
	case SD_FT_UINT: return do_uint(b, f, obj);
	case SD_FT_BOOL: return do_bool(b, f, obj);
	case SD_FT_TEXT: return do_text(b, f, obj);
	case SD_FT_KEY: break;  /* the mailbox: the sealer's, never a form field */
	}
	return SD_E_INVAL;
}

/* Every field of part, or only those of one step (1..SD_FORM_STEPS). */
static int
build_part(struct build *b, enum sd_part part, int step, json_t *obj)
{
	const struct sd_field *f = NULL;
	size_t n = 0, i;
	int rc;

	f = sd_schema_fields(part, &n);
	for (i = 0; i < n; i++) {
		if (step != 0 && form_step_of(f[i].name) != step)
			continue;
		if ((rc = do_field(b, &f[i], obj)) != SD_OK)
			return rc;
	}
	return SD_OK;
}

/* The schema is the final word; a message from it that the checks above
 * did not foresee still lands next to its field. */
static void
schema_check(struct build *b, enum sd_part part, const json_t *obj)
{
	struct sd_errlist el;
	char field[40];
	size_t i, k;

	el.n = 0;
	if (sd_schema_validate(part, obj, b->today, &el) == 0)
		return;
	for (i = 0; i < el.n; i++) {
		k = strcspn(el.msg[i], ":");
		snprintf(field, sizeof(field), "%.*s",
		    (int)(k < sizeof(field) ? k : sizeof(field) - 1), el.msg[i]);
		fail(b, field, M_INVALID);
	}
	sodium_memzero(&el, sizeof(el));
}

static int
dump(const json_t *obj, sd_buf *out)
{
	char *s = json_dumps(obj, JSON_COMPACT);
	size_t n;
	int rc;

	if (s == NULL)
		return SD_E_NOMEM;
	n = strlen(s);
	rc = sd_buf_add(out, s, n);
	sodium_memzero(s, n);
	free(s);
	return rc;
}

/* Details go into the report only when they say something: an unticked
 * consent box alone is no details section. */
static int
says_something(const json_t *obj)
{
	const char *key = NULL;
	json_t *v = NULL;

	json_object_foreach((json_t *)(uintptr_t)obj, key, v)
		if (!json_is_false(v))
			return 1;
	return 0;
}

/* Any non-empty value of the hidden field, even after an empty one. */
static int
honeypot_filled(const sd_form_input *in)
{
	size_t i;

	for (i = 0; i < in->n; i++)
		if (strcmp(in->p[i].name, SD_FORM_HONEYPOT_FIELD) == 0 &&
		    in->p[i].value.len > 0)
			return 1;
	return 0;
}

static void
build_init(struct build *b, const sd_web *w, const char *lang,
    const sd_form_input *in, struct sd_form_errors *errs)
{
	memset(b, 0, sizeof(*b));
	errs->n = 0;
	b->w = w;
	b->lang = lang;
	b->in = in;
	b->errs = errs;
}

static int
today_parts(struct build *b, const char *today, char buf[11])
{
	if (today == NULL) {
		sd_today(buf);
		today = buf;
	}
	if (!sd_date_valid(today))
		return SD_E_INVAL;
	b->today = today;
	b->year = (int)strtol(today, NULL, 10);
	b->quarter = ((today[5] - '0') * 10 + (today[6] - '0') - 1) / 3 + 1;
	return SD_OK;
}

int
sd_form_build(const sd_web *w, const char *lang, const sd_form_input *in,
    const char *today, const uint8_t *mailbox_pk, sd_buf *stats_json,
    sd_buf *details_json, struct sd_form_errors *errs)
{
	char pk64[SD_B64_LEN(32)];
	struct build b;
	json_t *stats = json_object(), *details = json_object();
	char tbuf[11];
	int rc = SD_E_NOMEM;

	build_init(&b, w, lang, in, errs);
	if (honeypot_filled(in)) {
		rc = SD_FORM_HONEYPOT;
		goto done;
	}
	if (stats == NULL || details == NULL)
		goto done;
	if ((rc = today_parts(&b, today, tbuf)) != SD_OK ||
	    (rc = build_part(&b, SD_PART_STATS, 0, stats)) != SD_OK ||
	    (rc = build_part(&b, SD_PART_DETAILS, 0, details)) != SD_OK)
		goto done;
	if (mailbox_pk != NULL) {
		rc = SD_E_NOMEM;
		if (sd_b64_encode(pk64, sizeof(pk64), mailbox_pk, 32) != SD_OK ||
		    json_object_set_new(details, SD_DETAILS_MAILBOX,
		    json_string(pk64)) != 0)
			goto done;
	}
	if (errs->n == 0) {
		schema_check(&b, SD_PART_STATS, stats);
		schema_check(&b, SD_PART_DETAILS, details);
	}
	if (errs->n > 0) {
		rc = SD_FORM_INVALID;
		goto done;
	}
	if ((rc = dump(stats, stats_json)) != SD_OK ||
	    (says_something(details) && (rc = dump(details, details_json))))
		goto done;
done:
	if (rc != SD_OK) {
		sd_buf_reset(stats_json);
		sd_buf_reset(details_json);
	}
	json_decref(stats);
	json_decref(details);
	return rc;
}

int
form_check_step(const sd_web *w, const char *lang, const sd_form_input *in,
    const char *today, int step, struct sd_form_errors *errs)
{
	struct build b;
	json_t *scratch = json_object();
	char tbuf[11];
	int rc = SD_E_NOMEM;

	build_init(&b, w, lang, in, errs);
	if (scratch == NULL)
		goto done;
	if ((rc = today_parts(&b, today, tbuf)) != SD_OK ||
	    (rc = build_part(&b, SD_PART_STATS, step, scratch)) != SD_OK ||
	    (rc = build_part(&b, SD_PART_DETAILS, step, scratch)) != SD_OK)
		goto done;
done:
	/* the answers were only looked at: nothing of them is kept */
	json_decref(scratch);
	return rc;
}

int
sd_form_followup_build(const sd_web *w, const char *lang, const char *text,
    size_t len, const char *in_reply_to, const uint8_t *mailbox_pk,
    sd_buf *stats_json, sd_buf *details_json, struct sd_form_errors *errs)
{
	const struct sd_field *f = sd_schema_field(SD_PART_FOLLOWUP_DETAILS,
	    "text");
	json_t *stats = json_object(), *details = json_object();
	json_t *checked = json_object(), *t = NULL;
	struct sd_errlist *el = calloc(1, sizeof(*el));
	struct build b;
	int rc = SD_E_NOMEM;

	build_init(&b, w, lang, NULL, errs);
	if (stats == NULL || details == NULL || checked == NULL || el == NULL ||
	    f == NULL)
		goto done;
	if ((rc = put_text(&b, f, text, len, checked)) != SD_OK)
		goto done;
	rc = SD_FORM_INVALID;
	if (errs->n > 0 || (t = json_object_get(checked, "text")) == NULL)
		goto done;
	rc = sd_followup_answer(mailbox_pk, in_reply_to, json_string_value(t),
	    json_string_length(t), stats, details, el);
	if (rc == SD_E_FORMAT || rc == SD_E_INVAL) {
		fail(&b, "text", M_INVALID);
		rc = SD_FORM_INVALID;
	}
	if (rc == SD_OK && (rc = dump(stats, stats_json)) == SD_OK)
		rc = dump(details, details_json);
done:
	if (rc != SD_OK) {
		sd_buf_reset(stats_json);
		sd_buf_reset(details_json);
	}
	if (el != NULL)
		sodium_memzero(el, sizeof(*el));
	free(el);
	json_decref(checked);
	json_decref(stats);
	json_decref(details);
	return rc;
}
