/* The report schema: code lists, validation messages, conversion. */
#define _POSIX_C_SOURCE 200809L

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "sd_encode.h"
#include "sd_err.h"
#include "sd_schema.h"

#define TODAY "2026-05-15"      /* in 2026-Q2 */
#define REF "0123456789abcdef0123456789abcdef"
#define PSEUDO "00112233445566778899aabbccddeeff" \
	"00112233445566778899aabbccddeeff"

static json_t *
full_report(void)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s,"
	    " s:[s,s], s:[s], s:s, s:s, s:I, s:I, s:b}",
	    "schema", "sealdrop.report/1",
	    "incident_ref", REF,
	    "reporter", PSEUDO,
	    "member_state", "EL",
	    "organisation", "research_organisation",
	    "sector", "K",
	    "size_class", "medium",
	    "discovered", "2025-Q4",
	    "secret_types", "technical.source_code", "other",
	    "attack_vectors", "supply_chain",
	    "actor", "competitor",
	    "actor_origin", "non_eu",
	    "loss_eur", (json_int_t)2500000,
	    "jobs_at_risk", (json_int_t)40,
	    "reported_to_police", 1);

	assert_non_null(o);
	return o;
}

static json_t *
minimal_report(void)
{
	json_t *o = full_report();

	json_object_del(o, "reporter");
	json_object_del(o, "loss_eur");
	json_object_del(o, "jobs_at_risk");
	return o;
}

/* 1 when some message in the list equals want */
static int
has_msg(const struct sd_errlist *e, const char *want)
{
	size_t i;

	for (i = 0; i < e->n; i++)
		if (strcmp(e->msg[i], want) == 0)
			return 1;
	return 0;
}

static void
print_errs(const struct sd_errlist *e)
{
	size_t i;

	for (i = 0; i < e->n; i++)
		print_message("  %s\n", e->msg[i]);
}

/* Validate o (stats) with field set to v (NULL: removed) and expect
 * exactly one error, equal to want, or starting with "field: " when want
 * is NULL. Takes ownership of v. */
static void
expect_one(const char *field, json_t *v, const char *want)
{
	json_t *o = full_report();
	struct sd_errlist e;
	char prefix[64];

	if (v != NULL)
		json_object_set_new(o, field, v);
	else
		json_object_del(o, field);
	if (sd_schema_validate(SD_PART_STATS, o, TODAY, &e) != 1) {
		print_message("field %s:\n", field);
		print_errs(&e);
	}
	assert_int_equal(e.n, 1);
	if (want != NULL) {
		assert_string_equal(e.msg[0], want);
	} else {
		snprintf(prefix, sizeof(prefix), "%s: ", field);
		assert_memory_equal(e.msg[0], prefix, strlen(prefix));
	}
	json_decref(o);
}

static void
expect_valid(const char *field, json_t *v)
{
	json_t *o = full_report();
	struct sd_errlist e;

	json_object_set_new(o, field, v);
	if (sd_schema_validate(SD_PART_STATS, o, TODAY, &e) != 0)
		print_errs(&e);
	assert_int_equal(e.n, 0);
	json_decref(o);
}

static void
test_code_lists(void **state)
{
	static const char *const states[27] = { "BE", "BG", "CZ", "DK", "DE",
	    "EE", "IE", "EL", "ES", "FR", "HR", "IT", "CY", "LV", "LT", "LU",
	    "HU", "MT", "NL", "AT", "PL", "PT", "RO", "SI", "SK", "FI", "SE" };
	const struct sd_field *f = NULL;
	size_t i;

	(void)state;
	f = sd_schema_field(SD_PART_STATS, "member_state");
	assert_non_null(f);
	assert_int_equal(f->n_codes, 27);
	for (i = 0; i < 27; i++)
		assert_string_equal(f->codes[i].code, states[i]);
	assert_string_equal(f->codes[7].label, "Greece");
	assert_int_equal(sd_schema_code_index(f, "GR"), -1);

	f = sd_schema_field(SD_PART_STATS, "sector");
	assert_int_equal(f->n_codes, 22);
	for (i = 0; i < 22; i++) {
		assert_int_equal(strlen(f->codes[i].code), 1);
		assert_int_equal(f->codes[i].code[0], 'A' + (int)i);
	}
	/* the letters after J moved in Rev. 2.1 */
	assert_non_null(strstr(f->codes[9].label, "Publishing"));
	assert_non_null(strstr(f->codes[10].label, "Telecommunication"));
	assert_string_equal(f->codes[11].label, "Financial and insurance activities");
	assert_string_equal(f->codes[12].label, "Real estate activities");
	assert_string_equal(f->codes[16].label, "Education");
	assert_non_null(strstr(f->codes[21].label, "extraterritorial"));

	assert_int_equal(sd_schema_field(SD_PART_STATS, "organisation")->n_codes, 5);
	assert_int_equal(sd_schema_field(SD_PART_STATS, "size_class")->n_codes, 4);
	assert_int_equal(sd_schema_field(SD_PART_STATS, "secret_types")->n_codes, 9);
	assert_int_equal(sd_schema_field(SD_PART_STATS, "attack_vectors")->n_codes, 8);
	assert_int_equal(sd_schema_field(SD_PART_STATS, "actor")->n_codes, 9);
	assert_int_equal(sd_schema_field(SD_PART_STATS, "actor_origin")->n_codes, 3);
	f = sd_schema_field(SD_PART_STATS, "secret_types");
	assert_int_equal(sd_schema_code_index(f, "technical.product_design"), 0);
	assert_int_equal(sd_schema_code_index(f, "other"), 8);
	assert_int_equal(sd_schema_code_index(f, NULL), -1);
	assert_int_equal(sd_schema_code_index(NULL, "other"), -1);
}

/* Every field has a label and help; codes within a list are distinct and
 * labelled; the analyst's dimensions are exactly the documented ones. */
static void
test_tables_consistent(void **state)
{
	static const char *const order[] = { "schema", "incident_ref",
	    "reporter", "member_state", "organisation", "sector", "size_class",
	    "discovered", "secret_types", "attack_vectors", "actor",
	    "actor_origin", "loss_eur", "jobs_at_risk", "reported_to_police" };
	static const char *const dims[] = { "member_state", "organisation",
	    "sector", "size_class", "discovered", "secret_types",
	    "attack_vectors", "actor", "actor_origin", "reported_to_police" };
	const struct sd_field *f = NULL;
	size_t n = 0, i, j, k, ndim = 0;
	enum sd_part parts[2] = { SD_PART_STATS, SD_PART_DETAILS };

	(void)state;
	f = sd_schema_fields(SD_PART_STATS, &n);
	assert_int_equal(n, sizeof(order) / sizeof(order[0]));
	for (i = 0; i < n; i++) {
		int want = 0;

		assert_string_equal(f[i].name, order[i]);
		for (j = 0; j < sizeof(dims) / sizeof(dims[0]); j++)
			if (strcmp(dims[j], f[i].name) == 0)
				want = 1;
		assert_int_equal(f[i].dimension, want);
		ndim += (size_t)f[i].dimension;
	}
	assert_int_equal(ndim, 10);
	for (k = 0; k < 2; k++) {
		f = sd_schema_fields(parts[k], &n);
		for (i = 0; i < n; i++) {
			assert_true(strlen(f[i].label) > 0);
			assert_non_null(f[i].help);
			assert_true(strlen(f[i].help) > 0);
			assert_ptr_equal(sd_schema_field(parts[k], f[i].name), &f[i]);
			for (j = 0; j < f[i].n_codes; j++) {
				assert_true(strlen(f[i].codes[j].label) > 0);
				assert_int_equal(sd_schema_code_index(&f[i],
				    f[i].codes[j].code), (int)j);
			}
		}
	}
	f = sd_schema_fields(SD_PART_DETAILS, &n);
	assert_int_equal(n, 3);
	assert_string_equal(f[0].name, "narrative");
	assert_int_equal(f[0].max, 100000);
	assert_string_equal(f[1].name, "contact");
	assert_int_equal(f[1].max, 2000);
	assert_string_equal(f[2].name, "consent_law_enforcement");
	assert_null(sd_schema_field(SD_PART_STATS, "narrative"));
	assert_null(sd_schema_field(SD_PART_DETAILS, "sector"));
	assert_null(sd_schema_field(SD_PART_STATS, NULL));
}

static void
test_valid_reports(void **state)
{
	json_t *o = full_report();
	struct sd_errlist e;

	(void)state;
	assert_int_equal(sd_schema_validate(SD_PART_STATS, o, TODAY, &e), 0);
	assert_int_equal(e.n, 0);
	json_decref(o);
	o = minimal_report();
	assert_int_equal(sd_schema_validate(SD_PART_STATS, o, TODAY, &e), 0);
	/* errs may be NULL when only the verdict matters */
	assert_int_equal(sd_schema_validate(SD_PART_STATS, o, TODAY, NULL), 0);
	json_decref(o);
}

static void
test_required_fields(void **state)
{
	const struct sd_field *f = NULL;
	size_t n = 0, i;
	char want[80];

	(void)state;
	f = sd_schema_fields(SD_PART_STATS, &n);
	for (i = 0; i < n; i++) {
		if (f[i].required) {
			snprintf(want, sizeof(want), "%s: required", f[i].name);
			expect_one(f[i].name, NULL, want);
		}
	}
	assert_int_equal(f[2].required, 0);
	assert_int_equal(f[12].required, 0);
	assert_int_equal(f[13].required, 0);
}

static void
test_wrong_types(void **state)
{
	const struct sd_field *f = NULL;
	size_t n = 0, i;

	(void)state;
	/* every field refuses null, an object, and a value of another type */
	f = sd_schema_fields(SD_PART_STATS, &n);
	for (i = 0; i < n; i++) {
		expect_one(f[i].name, json_null(), NULL);
		expect_one(f[i].name, json_object(), NULL);
		if (f[i].type == SD_FT_BOOL || f[i].type == SD_FT_UINT)
			expect_one(f[i].name, json_string("1"), NULL);
		else
			expect_one(f[i].name, json_integer(1), NULL);
	}
	expect_one("schema", json_string("sealdrop.report/2"),
	    "schema: must be \"sealdrop.report/1\"");
	expect_one("schema", json_string(""),
	    "schema: must be \"sealdrop.report/1\"");
	expect_one("loss_eur", json_real(1.0),
	    "loss_eur: must be a whole number of euros, 0 or more");
	expect_one("loss_eur", json_integer(-1),
	    "loss_eur: must be a whole number of euros, 0 or more");
	expect_one("loss_eur", json_string("100"),
	    "loss_eur: must be a whole number of euros, 0 or more");
	expect_one("jobs_at_risk", json_real(3.5),
	    "jobs_at_risk: must be a whole number, 0 or more");
	expect_one("reported_to_police", json_integer(1),
	    "reported_to_police: must be true or false");
	expect_one("reported_to_police", json_string("true"),
	    "reported_to_police: must be true or false");
	expect_one("member_state", json_pack("[s]", "DE"), NULL);
	expect_one("secret_types", json_string("other"), NULL);
}

static void
test_codes_out_of_list(void **state)
{
	(void)state;
	expect_one("sector", json_string("W"),
	    "sector: 'W' is not a NACE Rev. 2.1 section (A to V)");
	expect_one("sector", json_string("k"),
	    "sector: 'k' is not a NACE Rev. 2.1 section (A to V)");
	expect_one("sector", json_string("KK"), NULL);
	expect_valid("sector", json_string("V"));
	expect_valid("sector", json_string("A"));
	expect_one("member_state", json_string("GR"), NULL);
	expect_one("member_state", json_string("UK"), NULL);
	expect_one("member_state", json_string("de"), NULL);
	expect_valid("member_state", json_string("SE"));
	expect_one("organisation", json_string("Company"),
	    "organisation: 'Company' is not one of: company, "
	    "research_organisation, university, public_body, other");
	expect_one("size_class", json_string("tiny"),
	    "size_class: 'tiny' is not one of: micro, small, medium, large");
	expect_one("actor", json_string("aliens"), NULL);
	expect_one("actor_origin", json_string("mars"),
	    "actor_origin: 'mars' is not one of: eu, non_eu, unknown");
	/* a NUL inside the value never matches a code it starts with */
	expect_one("sector", json_stringn("K\0X", 3), NULL);
}

static void
test_multi_codes(void **state)
{
	(void)state;
	expect_one("secret_types", json_array(), "secret_types: choose at least one");
	expect_one("secret_types", json_pack("[s,s]", "other", "other"),
	    "secret_types: 'other' is listed twice");
	expect_one("attack_vectors", json_pack("[s,i]", "hacking", 3),
	    "attack_vectors: item 2 must be a code written as text");
	expect_one("attack_vectors", json_pack("[s]", "telepathy"),
	    "attack_vectors: 'telepathy' is not one of: hacking, malware, social, "
	    "misuse, physical, error, supply_chain, unknown");
	expect_one("secret_types", json_pack("[s]", "x"), NULL);
	expect_valid("attack_vectors", json_pack("[s,s,s,s,s,s,s,s]", "hacking",
	    "malware", "social", "misuse", "physical", "error", "supply_chain",
	    "unknown"));
}

static void
test_uint_limits(void **state)
{
	(void)state;
	expect_valid("loss_eur", json_integer(0));
	expect_valid("loss_eur", json_integer(1000000000000000LL));
	expect_one("loss_eur", json_integer(1000000000000001LL),
	    "loss_eur: 1000000000000001 is more than the limit of 1000000000000000");
	expect_valid("jobs_at_risk", json_integer(10000000));
	expect_one("jobs_at_risk", json_integer(10000001),
	    "jobs_at_risk: 10000001 is more than the limit of 10000000");
	expect_one("jobs_at_risk", json_integer(INT64_MAX), NULL);
}

static void
test_hex_fields(void **state)
{
	(void)state;
	expect_one("incident_ref", json_string("0123456789ABCDEF0123456789abcdef"),
	    "incident_ref: must contain only lower-case hexadecimal characters "
	    "(0-9, a-f)");
	expect_one("incident_ref", json_string("0123456789abcdef0123456789abcdeg"),
	    NULL);
	expect_one("incident_ref", json_string("0123456789abcdef0123456789abcde"),
	    "incident_ref: must be 32 hexadecimal characters, not 31");
	expect_one("incident_ref", json_string(REF "0"),
	    "incident_ref: must be 32 hexadecimal characters, not 33");
	expect_one("incident_ref",
	    json_stringn("0123456789abcdef0123456789abcde\0", 32), NULL);
	expect_valid("reporter", json_string(PSEUDO));
	expect_one("reporter", json_string(REF), NULL);
	expect_one("reporter", json_string(PSEUDO "a"), NULL);
}

static void
test_quarters(void **state)
{
	(void)state;
	expect_valid("discovered", json_string("2000-Q1"));
	expect_one("discovered", json_string("1999-Q4"),
	    "discovered: 1999-Q4 is before 2000");
	expect_valid("discovered", json_string("2026-Q2"));   /* this quarter */
	expect_one("discovered", json_string("2026-Q3"),
	    "discovered: 2026-Q3 is in the future");
	expect_one("discovered", json_string("2031-Q1"),
	    "discovered: 2031-Q1 is in the future");
	expect_one("discovered", json_string("2025-Q0"), NULL);
	expect_one("discovered", json_string("2025-Q5"), NULL);
	expect_one("discovered", json_string("2025-q1"), NULL);
	expect_one("discovered", json_string("2025Q1"), NULL);
	expect_one("discovered", json_string("25-Q1"), NULL);
	expect_one("discovered", json_string("2025-Q1 "), NULL);
	expect_one("discovered", json_string("+025-Q1"), NULL);
}

/* The quarter boundary moves with "today": 31 March is still Q1, 1 April
 * starts Q2, 31 December is Q4. */
static void
test_quarter_today(void **state)
{
	json_t *o = full_report();
	struct sd_errlist e;

	(void)state;
	json_object_set_new(o, "discovered", json_string("2026-Q2"));
	assert_int_equal(sd_schema_validate(SD_PART_STATS, o, "2026-03-31", &e), 1);
	assert_string_equal(e.msg[0], "discovered: 2026-Q2 is in the future");
	assert_int_equal(sd_schema_validate(SD_PART_STATS, o, "2026-04-01", &e), 0);
	json_object_set_new(o, "discovered", json_string("2026-Q4"));
	assert_int_equal(sd_schema_validate(SD_PART_STATS, o, "2026-12-31", &e), 0);
	assert_int_equal(sd_schema_validate(SD_PART_STATS, o, "2026-09-30", &e), 1);
	json_object_set_new(o, "discovered", json_string("2027-Q1"));
	assert_int_equal(sd_schema_validate(SD_PART_STATS, o, "2026-12-31", &e), 1);

	/* NULL means today, which SEALDROP_TODAY can move */
	assert_int_equal(setenv("SEALDROP_TODAY", "2027-01-01", 1), 0);
	assert_int_equal(sd_schema_validate(SD_PART_STATS, o, NULL, &e), 0);
	assert_int_equal(setenv("SEALDROP_TODAY", "2026-12-31", 1), 0);
	assert_int_equal(sd_schema_validate(SD_PART_STATS, o, NULL, &e), 1);
	assert_string_equal(e.msg[0], "discovered: 2027-Q1 is in the future");
	assert_int_equal(unsetenv("SEALDROP_TODAY"), 0);

	/* a broken clock fails closed */
	assert_int_equal(sd_schema_validate(SD_PART_STATS, o, "2026-13-01", &e), 1);
	assert_non_null(strstr(e.msg[0], "discovered: "));
	json_decref(o);
}

static void
test_unknown_field(void **state)
{
	json_t *o = full_report();
	struct sd_errlist e;

	(void)state;
	json_object_set_new(o, "foo", json_true());
	assert_int_equal(sd_schema_validate(SD_PART_STATS, o, TODAY, &e), 1);
	assert_string_equal(e.msg[0], "foo: unknown field");
	json_object_del(o, "foo");
	/* a details field does not belong in the stats part */
	json_object_set_new(o, "narrative", json_string("x"));
	assert_int_equal(sd_schema_validate(SD_PART_STATS, o, TODAY, &e), 1);
	assert_string_equal(e.msg[0], "narrative: unknown field");
	json_object_del(o, "narrative");
	/* names are quoted without control characters */
	json_object_set_new(o, "\x1b[2Jevil", json_true());
	assert_int_equal(sd_schema_validate(SD_PART_STATS, o, TODAY, &e), 1);
	assert_string_equal(e.msg[0], "?[2Jevil: unknown field");
	json_decref(o);
}

static void
test_not_an_object(void **state)
{
	struct sd_errlist e;
	json_t *v = json_pack("[s]", "sealdrop.report/1");

	(void)state;
	assert_int_equal(sd_schema_validate(SD_PART_STATS, v, TODAY, &e), 1);
	assert_non_null(strstr(e.msg[0], "must be a JSON object"));
	assert_int_equal(sd_schema_validate(SD_PART_DETAILS, v, TODAY, &e), 1);
	assert_int_equal(sd_schema_validate(SD_PART_STATS, NULL, TODAY, &e), 1);
	json_decref(v);
}

static void
test_many_errors_at_once(void **state)
{
	json_t *o = full_report();
	struct sd_errlist e;

	(void)state;
	json_object_set_new(o, "sector", json_string("Z"));
	json_object_del(o, "member_state");
	json_object_set_new(o, "loss_eur", json_real(1.0));
	json_object_set_new(o, "foo", json_integer(1));
	json_object_set_new(o, "secret_types", json_pack("[s,s]", "x", "x"));
	json_object_set_new(o, "discovered", json_string("2031-Q1"));
	json_object_set_new(o, "schema", json_string("v2"));
	json_object_set_new(o, "reported_to_police", json_integer(0));
	assert_int_equal(sd_schema_validate(SD_PART_STATS, o, TODAY, &e), 9);
	assert_int_equal(e.n, 9);
	assert_true(has_msg(&e, "sector: 'Z' is not a NACE Rev. 2.1 section (A to V)"));
	assert_true(has_msg(&e, "member_state: required"));
	assert_true(has_msg(&e, "loss_eur: must be a whole number of euros, 0 or more"));
	assert_true(has_msg(&e, "foo: unknown field"));
	assert_true(has_msg(&e, "discovered: 2031-Q1 is in the future"));
	assert_true(has_msg(&e, "schema: must be \"sealdrop.report/1\""));
	assert_true(has_msg(&e, "reported_to_police: must be true or false"));
	/* an unknown code listed twice is reported each time as unknown */
	{
		size_t i, nx = 0;

		for (i = 0; i < e.n; i++)
			if (strncmp(e.msg[i], "secret_types: 'x' is not", 24) == 0)
				nx++;
		assert_int_equal(nx, 2);
	}
	json_decref(o);
}

static void
test_error_list_capped(void **state)
{
	json_t *o = json_object();
	struct sd_errlist e;
	char key[16];
	int i;

	(void)state;
	for (i = 0; i < 200; i++) {
		snprintf(key, sizeof(key), "x%d", i);
		json_object_set_new(o, key, json_true());
	}
	assert_int_equal(sd_schema_validate(SD_PART_STATS, o, TODAY, &e),
	    SD_SCHEMA_MAX_ERRORS);
	assert_int_equal(e.n, SD_SCHEMA_MAX_ERRORS);
	json_decref(o);
}

static void
test_errlist_add(void **state)
{
	struct sd_errlist e;
	char big[400];
	size_t i;

	(void)state;
	e.n = 0;
	sd_errlist_add(&e, "%s: %d", "a", 7);
	assert_int_equal(e.n, 1);
	assert_string_equal(e.msg[0], "a: 7");

	memset(big, 'y', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	sd_errlist_add(&e, "narrative: %s", big);
	assert_int_equal(e.n, 2);
	assert_int_equal(strlen(e.msg[1]), sizeof(e.msg[1]) - 1);
	assert_string_equal(e.msg[1] + sizeof(e.msg[1]) - 4, "...");
	assert_memory_equal(e.msg[1], "narrative: yyy", 14);

	/* a cut never leaves half a UTF-8 character behind */
	for (i = 0; i + 2 < sizeof(big); i += 2)
		memcpy(big + i, "\xc3\xa9", 2);
	big[i] = '\0';
	sd_errlist_add(&e, "x%s", big);
	assert_int_equal(e.n, 3);
	{
		const char *m = e.msg[2];
		size_t len = strlen(m);

		assert_string_equal(m + len - 3, "...");
		/* before "..." comes the end of a whole "é" */
		assert_int_equal((unsigned char)m[len - 4], 0xa9);
		assert_int_equal((unsigned char)m[len - 5], 0xc3);
	}

	for (i = 0; i < 100; i++)
		sd_errlist_add(&e, "more %zu", i);
	assert_int_equal(e.n, SD_SCHEMA_MAX_ERRORS);
	assert_string_equal(e.msg[SD_SCHEMA_MAX_ERRORS - 1], "more 60");
	sd_errlist_add(NULL, "ignored");
}

/* n code points made of 1-, 2-, 3- and 4-byte characters in turn */
static json_t *
text_of(size_t n)
{
	static const char *const ch[4] = { "a", "\xc3\xa9", "\xe2\x82\xac",
	    "\xf0\x9f\x98\x80" };
	char *s = malloc(n * 4 + 1);
	size_t i, off = 0;
	json_t *v = NULL;

	assert_non_null(s);
	for (i = 0; i < n; i++) {
		size_t l = strlen(ch[i % 4]);

		memcpy(s + off, ch[i % 4], l);
		off += l;
	}
	v = json_stringn(s, off);
	free(s);
	assert_non_null(v);
	return v;
}

static int
details_errors(json_t *narrative, json_t *contact, struct sd_errlist *e)
{
	json_t *o = json_object();
	int n;

	if (narrative != NULL)
		json_object_set_new(o, "narrative", narrative);
	if (contact != NULL)
		json_object_set_new(o, "contact", contact);
	n = sd_schema_validate(SD_PART_DETAILS, o, TODAY, e);
	json_decref(o);
	return n;
}

static void
test_details(void **state)
{
	struct sd_errlist e;
	json_t *o = NULL;

	(void)state;
	assert_int_equal(details_errors(text_of(100000), NULL, &e), 0);
	assert_int_equal(details_errors(text_of(100001), NULL, &e), 1);
	assert_string_equal(e.msg[0],
	    "narrative: has 100001 characters, at most 100000 are allowed");
	assert_int_equal(details_errors(json_string("x"), text_of(2000), &e), 0);
	assert_int_equal(details_errors(json_string("x"), json_string(""), &e), 0);
	assert_int_equal(details_errors(json_string(""), NULL, &e), 1);
	assert_string_equal(e.msg[0], "narrative: must not be empty");
	assert_int_equal(details_errors(json_string("x"), text_of(2001), &e), 1);
	assert_memory_equal(e.msg[0], "contact: ", 9);

	assert_int_equal(details_errors(NULL, NULL, &e), 1);
	assert_string_equal(e.msg[0], "narrative: required");
	assert_int_equal(details_errors(json_integer(5), NULL, &e), 1);
	assert_string_equal(e.msg[0], "narrative: must be text");

	o = json_pack("{s:s, s:b, s:i}", "narrative", "n",
	    "consent_law_enforcement", 1, "sector", 3);
	assert_int_equal(sd_schema_validate(SD_PART_DETAILS, o, TODAY, &e), 1);
	assert_string_equal(e.msg[0], "sector: unknown field");
	json_object_del(o, "sector");
	json_object_set_new(o, "consent_law_enforcement", json_string("yes"));
	assert_int_equal(sd_schema_validate(SD_PART_DETAILS, o, TODAY, &e), 1);
	assert_string_equal(e.msg[0],
	    "consent_law_enforcement: must be true or false");
	json_decref(o);
}

#define PK64 "DxgOYf9dB2fcPhPM74qACtISgajY6kjJkkT7NZviRhE="

static void
test_details_mailbox(void **state)
{
	struct sd_errlist e;
	json_t *o;

	(void)state;
	o = json_pack("{s:s, s:s}", "narrative", "n", "mailbox", PK64);
	assert_int_equal(sd_schema_validate(SD_PART_DETAILS, o, TODAY, &e), 0);
	json_decref(o);
	/* a report sent without details still has a mailbox: no narrative */
	o = json_pack("{s:s}", "mailbox", PK64);
	assert_int_equal(sd_schema_validate(SD_PART_DETAILS, o, TODAY, &e), 0);
	json_decref(o);
	/* but an empty details section or one with contact only is not that */
	o = json_pack("{s:s, s:s}", "mailbox", PK64, "contact", "c");
	assert_int_equal(sd_schema_validate(SD_PART_DETAILS, o, TODAY, &e), 1);
	assert_string_equal(e.msg[0], "narrative: required");
	json_decref(o);
	o = json_pack("{s:s, s:s}", "narrative", "n", "mailbox",
	    "DxgOYf9dB2fcPhPM74qACtISgajY6kjJkkT7NZviRg==");     /* 31 bytes */
	assert_int_equal(sd_schema_validate(SD_PART_DETAILS, o, TODAY, &e), 1);
	assert_string_equal(e.msg[0],
	    "mailbox: must be the base64 of a 32-byte key");
	json_object_set_new(o, "mailbox", json_integer(1));
	assert_int_equal(sd_schema_validate(SD_PART_DETAILS, o, TODAY, &e), 1);
	json_decref(o);
	/* the mailbox is filled by the sealer: never a form or prompt field */
	assert_null(sd_schema_field(SD_PART_DETAILS, "mailbox"));
	/* and it belongs to details only */
	o = json_pack("{s:s}", "mailbox", PK64);
	assert_true(sd_schema_validate(SD_PART_STATS, o, TODAY, &e) > 0);
	json_decref(o);
}

static void
test_followup(void **state)
{
	static const char stats[] = "{\"schema\":\"sealdrop.followup/1\"}";
	struct sd_errlist e;
	struct sd_report r;
	json_t *o;

	(void)state;
	o = json_pack("{s:s}", "schema", SD_FOLLOWUP_SCHEMA_ID);
	assert_int_equal(sd_schema_validate(SD_PART_FOLLOWUP_STATS, o, TODAY, &e),
	    0);
	/* nothing else, so that it can never count */
	json_object_set_new(o, "member_state", json_string("BE"));
	assert_int_equal(sd_schema_validate(SD_PART_FOLLOWUP_STATS, o, TODAY, &e),
	    1);
	assert_string_equal(e.msg[0], "member_state: unknown field");
	json_decref(o);
	assert_true(sd_followup_stats_is(stats, strlen(stats)));
	{
		static const char *const no[] = {
		    "{\"schema\":\"sealdrop.report/1\"}",
		    "{\"schema\":\"sealdrop.followup/1\",\"x\":1}",
		    "[\"sealdrop.followup/1\"]" };
		size_t i;

		for (i = 0; i < 3; i++)
			assert_false(sd_followup_stats_is(no[i], strlen(no[i])));
	}
	assert_false(sd_followup_stats_is("{\"schema\":\"sealdrop.followup/1\\u0000\"}",
	    strlen("{\"schema\":\"sealdrop.followup/1\\u0000\"}")));
	/* and it is not a report */
	assert_int_equal(sd_report_parse(stats, strlen(stats), TODAY, &r, &e),
	    SD_E_FORMAT);

	o = json_pack("{s:s, s:s, s:s, s:s}", "schema", SD_FOLLOWUP_SCHEMA_ID,
	    "mailbox", PK64, "in_reply_to", "0123456789abcdef0123456789abcdef",
	    "text", "The port of Antwerp.");
	assert_int_equal(sd_schema_validate(SD_PART_FOLLOWUP_DETAILS, o, TODAY,
	    &e), 0);
	json_object_del(o, "in_reply_to");      /* optional */
	assert_int_equal(sd_schema_validate(SD_PART_FOLLOWUP_DETAILS, o, TODAY,
	    &e), 0);
	json_object_del(o, "mailbox");          /* without it, no thread */
	assert_int_equal(sd_schema_validate(SD_PART_FOLLOWUP_DETAILS, o, TODAY,
	    &e), 1);
	assert_string_equal(e.msg[0], "mailbox: required");
	json_object_set_new(o, "mailbox", json_string(PK64));
	json_object_set_new(o, "in_reply_to", json_string("0123"));
	json_object_set_new(o, "narrative", json_string("n"));
	assert_int_equal(sd_schema_validate(SD_PART_FOLLOWUP_DETAILS, o, TODAY,
	    &e), 2);
	json_object_del(o, "narrative");
	json_object_del(o, "in_reply_to");
	json_object_set_new(o, "text", text_of(100001));
	assert_int_equal(sd_schema_validate(SD_PART_FOLLOWUP_DETAILS, o, TODAY,
	    &e), 1);
	json_object_set_new(o, "schema", json_string(SD_SCHEMA_ID));
	json_object_set_new(o, "text", json_string("x"));
	assert_int_equal(sd_schema_validate(SD_PART_FOLLOWUP_DETAILS, o, TODAY,
	    &e), 1);
	assert_string_equal(e.msg[0], "schema: must be \"sealdrop.followup/1\"");
	json_decref(o);
}

static void
test_invalid_utf8(void **state)
{
	static const struct { const char *s; size_t n; } bad[] = {
		{ "ab\xc0\x80", 4 },            /* overlong NUL */
		{ "\xe0\x80\xaf", 3 },          /* overlong '/' */
		{ "\xed\xa0\x80", 3 },          /* surrogate */
		{ "\xf4\x90\x80\x80", 4 },      /* above U+10FFFF */
		{ "\xf5\x80\x80\x80", 4 },
		{ "\xff", 1 },
		{ "\x80", 1 },                  /* lone continuation */
		{ "x\xe2\x82", 3 },             /* cut short */
		{ "a\0b", 3 },                  /* NUL */
	};
	struct sd_errlist e;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_t *v = json_stringn_nocheck(bad[i].s, bad[i].n);

		assert_non_null(v);
		assert_int_equal(details_errors(v, NULL, &e), 1);
		assert_string_equal(e.msg[0], "narrative: is not valid UTF-8 text "
		    "or contains a NUL character");
	}
	/* the largest code point and the last before the surrogates pass */
	assert_int_equal(details_errors(json_stringn("\xf4\x8f\xbf\xbf"
	    "\xed\x9f\xbf", 7), NULL, &e), 0);
}

static char *
dump(json_t *o)
{
	char *s = json_dumps(o, JSON_COMPACT);

	assert_non_null(s);
	json_decref(o);
	return s;
}

static void
test_parse_fills_report(void **state)
{
	struct sd_report r;
	struct sd_errlist e;
	char *s = dump(full_report());
	size_t i;

	(void)state;
	assert_int_equal(sd_report_parse(s, strlen(s), TODAY, &r, &e), SD_OK);
	assert_int_equal(e.n, 0);
	for (i = 0; i < 16; i++)
		assert_int_equal(r.incident_ref[i], (i % 8) * 0x22 + 0x01);
	assert_int_equal(r.has_reporter, 1);
	for (i = 0; i < 32; i++)
		assert_int_equal(r.reporter[i], (i % 16) * 0x11);
	assert_int_equal(r.member_state, 7);        /* EL */
	assert_int_equal(r.organisation, 1);        /* research_organisation */
	assert_int_equal(r.sector, 10);             /* K */
	assert_int_equal(r.size_class, 2);          /* medium */
	assert_int_equal(r.discovered_year, 2025);
	assert_int_equal(r.discovered_quarter, 4);
	assert_int_equal(r.secret_types, (1u << 2) | (1u << 8));
	assert_int_equal(r.attack_vectors, 1u << 6);
	assert_int_equal(r.actor, 2);               /* competitor */
	assert_int_equal(r.actor_origin, 1);        /* non_eu */
	assert_int_equal(r.loss_eur, 2500000);
	assert_int_equal(r.jobs_at_risk, 40);
	assert_int_equal(r.reported_to_police, 1);
	free(s);

	s = dump(json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:[s], s:[s],"
	    " s:s, s:s, s:b}",
	    "schema", "sealdrop.report/1", "incident_ref", REF,
	    "member_state", "SE", "organisation", "company", "sector", "A",
	    "size_class", "micro", "discovered", "2000-Q1",
	    "secret_types", "technical.product_design",
	    "attack_vectors", "unknown", "actor", "unknown",
	    "actor_origin", "eu", "reported_to_police", 0));
	assert_int_equal(sd_report_parse(s, strlen(s), TODAY, &r, NULL), SD_OK);
	assert_int_equal(r.has_reporter, 0);
	assert_int_equal(r.member_state, 26);
	assert_int_equal(r.sector, 0);
	assert_int_equal(r.secret_types, 1u);
	assert_int_equal(r.attack_vectors, 1u << 7);
	assert_int_equal(r.actor, 8);
	assert_int_equal(r.loss_eur, -1);
	assert_int_equal(r.jobs_at_risk, -1);
	assert_int_equal(r.reported_to_police, 0);
	assert_int_equal(r.discovered_year, 2000);
	assert_int_equal(r.discovered_quarter, 1);
	free(s);
}

static void
expect_parse_fails(const char *text, int rc, const char *want_part)
{
	struct sd_report r;
	struct sd_errlist e;

	memset(&r, 0xAA, sizeof(r));
	assert_int_equal(sd_report_parse(text, strlen(text), TODAY, &r, &e), rc);
	assert_true(e.n >= 1);
	if (strstr(e.msg[0], want_part) == NULL)
		print_errs(&e);
	assert_non_null(strstr(e.msg[0], want_part));
	/* nothing half-filled is left behind */
	assert_int_equal(r.sector, 0);
	assert_int_equal(r.secret_types, 0);
}

/* A stats section in another encoding than UTF-8 is refused by that
 * name, and the check finds the first byte that is not UTF-8. */
static void
test_parse_not_utf8(void **state)
{
	static const struct { const char *s; size_t n, bad; } cases[] = {
		{ "ab\xc0\x80", 4, 2 },         /* overlong NUL */
		{ "\xe0\x80\xaf", 3, 0 },        /* overlong '/' */
		{ "a\xed\xa0\x80", 4, 1 },       /* surrogate */
		{ "\xf4\x90\x80\x80", 4, 0 },    /* above U+10FFFF */
		{ "caf\xe9 au lait", 14, 3 },    /* Latin-1 */
		{ "\x80", 1, 0 },                /* lone continuation */
		{ "x\xe2\x82", 3, 1 },           /* cut short */
		{ "\xff\xfe{\0", 4, 0 },          /* UTF-16 */
	};
	struct sd_report r;
	struct sd_errlist e;
	size_t i, bad, line, col;
	char *s = dump(full_report()), *m;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bad = 99;
		assert_int_equal(sd_utf8_valid((const uint8_t *)cases[i].s,
		    cases[i].n, &bad), 0);
		assert_int_equal(bad, cases[i].bad);
	}
	assert_int_equal(sd_utf8_valid((const uint8_t *)"\xf4\x8f\xbf\xbf"
	    "\xed\x9f\xbf\xc3\xa9 \0x", 11, NULL), 1);
	/* the place of a bad byte, in characters, for a message */
	sd_text_position((const uint8_t *)"{\n  \"x\": \"\xc3\xa9t\xe9\"", 13,
	    &line, &col);
	assert_int_equal(line, 2);
	assert_int_equal(col, 11);
	/* a valid report with one value in Latin-1 */
	m = strstr(s, "\"EL\"");
	assert_non_null(m);
	m[1] = (char)0xc9;       /* "\xc9L" */
	assert_int_equal(sd_report_parse(s, strlen(s), TODAY, &r, &e),
	    SD_E_FORMAT);
	assert_int_equal(e.n, 1);
	assert_non_null(strstr(e.msg[0], "report: is not UTF-8 text"));
	free(s);
}

static void
test_parse_rejects(void **state)
{
	char *s = dump(full_report());
	char *dup = NULL;
	size_t len = strlen(s);
	char *big = NULL;
	struct sd_report r;
	struct sd_errlist e;

	(void)state;
	/* the same member twice: the later one must not silently win */
	dup = malloc(len + 32);
	assert_non_null(dup);
	snprintf(dup, len + 32, "%.*s,\"sector\":\"C\"}", (int)(len - 1), s);
	expect_parse_fails(dup, SD_E_FORMAT, "duplicate");
	free(dup);

	expect_parse_fails("[]", SD_E_FORMAT, "must be a JSON object");
	expect_parse_fails("{", SD_E_FORMAT, "report: not valid JSON");
	expect_parse_fails("", SD_E_FORMAT, "report: not valid JSON");
	expect_parse_fails("{} {}", SD_E_FORMAT, "report: not valid JSON");
	expect_parse_fails("{\"sector\":\"\\u0000\"}", SD_E_FORMAT,
	    "report: not valid JSON");
	expect_parse_fails("{\"schema\":\"sealdrop.report/1\"}", SD_E_FORMAT,
	    "required");
	expect_parse_fails("{\"loss_eur\":1e3}", SD_E_FORMAT, "required");
	/* beyond 64 bits a number cannot even be read, so it cannot slip by */
	expect_parse_fails("{\"loss_eur\":99999999999999999999}", SD_E_FORMAT,
	    "report: not valid JSON");

	/* one byte over 64 KiB is refused before parsing */
	big = malloc(64 * 1024 + 2);
	assert_non_null(big);
	memset(big, ' ', 64 * 1024 + 1);
	memcpy(big, s, len);
	big[64 * 1024 + 1] = '\0';
	expect_parse_fails(big, SD_E_TOOBIG, "report: ");
	/* while exactly 64 KiB (trailing white space) is accepted */
	big[64 * 1024] = '\0';
	assert_int_equal(sd_report_parse(big, 64 * 1024, TODAY, &r, &e), SD_OK);
	free(big);

	/* only the first len bytes count */
	assert_int_equal(sd_report_parse(s, len - 1, TODAY, &r, &e), SD_E_FORMAT);
	assert_int_not_equal(sd_report_parse(NULL, 0, TODAY, &r, &e), SD_OK);
	assert_int_not_equal(sd_report_parse(s, len, TODAY, NULL, &e), SD_OK);
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_code_lists),
		cmocka_unit_test(test_tables_consistent),
		cmocka_unit_test(test_valid_reports),
		cmocka_unit_test(test_required_fields),
		cmocka_unit_test(test_wrong_types),
		cmocka_unit_test(test_codes_out_of_list),
		cmocka_unit_test(test_multi_codes),
		cmocka_unit_test(test_uint_limits),
		cmocka_unit_test(test_hex_fields),
		cmocka_unit_test(test_quarters),
		cmocka_unit_test(test_quarter_today),
		cmocka_unit_test(test_unknown_field),
		cmocka_unit_test(test_not_an_object),
		cmocka_unit_test(test_many_errors_at_once),
		cmocka_unit_test(test_error_list_capped),
		cmocka_unit_test(test_errlist_add),
		cmocka_unit_test(test_details),
		cmocka_unit_test(test_details_mailbox),
		cmocka_unit_test(test_followup),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_parse_fills_report),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test(test_parse_not_utf8),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
