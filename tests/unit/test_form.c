/* The web form: the page generated from the schema in every language, the
 * report built from posted fields, the messages next to wrong fields, the
 * honeypot, and the receipt and error pages. */
#include <stdarg.h>
#include <stddef.h>
#include <dirent.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "i18n.h"
#include "sd_encode.h"
#include "sd_err.h"
#include "sd_org.h"
#include "sd_schema.h"
#include "tmpl.h"

#define TODAY "2026-05-10"     /* second quarter of 2026 */

/* The step of a field, as the form lays them out. */
static int
form_step_of_field(const char *field)
{
	static const char *const steps[][6] = {
		{ "member_state", "organisation", "sector", "size_class",
		  "org_code", NULL },
		{ "secret_types", "discovered", NULL },
		{ "attack_vectors", "actor", "actor_origin", NULL },
		{ "loss_eur", "jobs_at_risk", "reported_to_police", NULL },
		{ "narrative", "contact", "consent_law_enforcement", NULL },
	};
	size_t i, k;

	for (i = 0; i < 5; i++)
		for (k = 0; steps[i][k] != NULL; k++)
			if (strcmp(steps[i][k], field) == 0)
				return (int)i + 1;
	return 0;
}

static sd_web *web;

static int
setup(void **state)
{
	const char *src = getenv("SD_SOURCE_DIR");
	char dir[4096];

	(void)state;
	if (src == NULL)
		return -1;
	snprintf(dir, sizeof(dir), "%s/templates", src);
	setenv("SEALDROP_TODAY", TODAY, 1);
	return sd_web_load(dir, &web) == SD_OK ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	sd_web_free(web);
	return 0;
}

static void
must_contain(const sd_buf *page, const char *what)
{
	if (strstr((const char *)page->data, what) == NULL)
		fail_msg("the page lacks: %s", what);
}

static void
must_not_contain(const sd_buf *page, const char *what)
{
	if (strstr((const char *)page->data, what) != NULL)
		fail_msg("the page contains: %s", what);
}

/* No event handler attribute (onclick=, onerror=, ...) anywhere. */
static void
must_not_contain_handler(const char *html)
{
	const char *p = html;
	size_t k;

	while ((p = strstr(p, " on")) != NULL) {
		p += 3;
		for (k = 0; p[k] >= 'a' && p[k] <= 'z'; k++)
			;
		if (k > 0 && p[k] == '=')
			fail_msg("an event handler: %.40s", p - 3);
	}
}

/* s as it must appear in HTML text or an attribute value */
static char *
escaped(const char *s)
{
	sd_buf b;
	size_t n = 0;

	sd_buf_init(&b, 64 * 1024);
	assert_int_equal(sd_html_escape(&b, s, strlen(s)), SD_OK);
	return (char *)sd_buf_take(&b, &n);
}

static void
must_contain_text(const sd_buf *page, const char *text)
{
	char *e = escaped(text);

	must_contain(page, e);
	free(e);
}

static const char *
tr(const char *lang, const char *msgid)
{
	struct sd_form_errors errs;

	/* the public way to a translation: a message through the form */
	errs.n = 0;
	sd_form_errors_add(web, lang, &errs, "x", msgid);
	return strdup(errs.e[0].msg);
}

static void
check_form_in(const char *lang)
{
	enum sd_part parts[] = { SD_PART_STATS, SD_PART_DETAILS };
	const struct sd_field *f = NULL;
	sd_buf page;
	char want[256];
	const char *t = NULL;
	size_t p, i, k, n;

	sd_buf_init(&page, SD_WEB_PAGE_MAX);
	assert_int_equal(sd_form_page(web, lang, NULL, NULL, NULL, &page), SD_OK);
	snprintf(want, sizeof(want), "<html lang=\"%s\">", lang);
	must_contain(&page, want);
	for (p = 0; p < 2; p++) {
		f = sd_schema_fields(parts[p], &n);
		for (i = 0; i < n; i++) {
			if (f[i].type == SD_FT_CONST || f[i].type == SD_FT_HEX) {
				snprintf(want, sizeof(want), "name=\"%s\"", f[i].name);
				/* the reference rides along hidden; the pseudonym
				 * comes from the organisation code */
				if (strcmp(f[i].name, "incident_ref") == 0)
					must_contain(&page, "<input type=\"hidden\" "
					    "name=\"incident_ref\" value=\"");
				else
					must_not_contain(&page, want);
				if (strcmp(f[i].name, "reporter") == 0)
					must_contain(&page, "name=\"org_code\"");
				continue;
			}
			snprintf(want, sizeof(want), f[i].type == SD_FT_QUARTER ?
			    "name=\"%s_year\"" : "name=\"%s\"", f[i].name);
			must_contain(&page, want);
			must_contain_text(&page, t = tr(lang, f[i].label));
			free((void *)(uintptr_t)t);
			if (f[i].help) {
				must_contain_text(&page, t = tr(lang, f[i].help));
				free((void *)(uintptr_t)t);
			}
			for (k = 0; k < f[i].n_codes; k++) {
				snprintf(want, sizeof(want), "value=\"%s\"",
				    f[i].codes[k].code);
				must_contain(&page, want);
				/* code labels are translated in their list's
				 * context */
				must_contain_text(&page, sd_web_tr(web, lang,
				    f[i].name, f[i].codes[k].label));
			}
		}
	}
	sd_buf_free(&page);
}

/* The xx.po files of templates/po. */
static size_t
catalogues(void)
{
	char dir[1024];
	const char *src = getenv("SD_SOURCE_DIR");
	struct dirent *e;
	DIR *d;
	size_t n = 0;

	snprintf(dir, sizeof(dir), "%s/templates/po", src ? src : ".");
	assert_non_null(d = opendir(dir));
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		if (len > 3 && strcmp(e->d_name + len - 3, ".po") == 0)
			n++;
	}
	closedir(d);
	return n;
}

static void
test_form_has_every_field_in_every_language(void **state)
{
	const char *t = NULL;
	size_t i;

	(void)state;
	/* every catalogue of the tree is served */
	assert_int_equal(sd_web_n_langs(web), catalogues());
	for (i = 0; i < sd_web_n_langs(web); i++)
		check_form_in(sd_web_lang_at(web, i));
	/* Danish really is Danish */
	t = tr("da", "Member State");
	assert_string_equal(t, "Medlemsstat");
	free((void *)(uintptr_t)t);
}

static size_t
count(const char *hay, const char *needle)
{
	size_t n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

/* Every control has a label bound to it: each id of an input, select or
 * textarea has its for="...". */
static void
check_labels(const char *html, const char *tag)
{
	const char *p = html, *id = NULL, *end = NULL, *close = NULL;
	char want[128];

	while ((p = strstr(p, tag)) != NULL) {
		close = strchr(p, '>');
		if (strncmp(p, "<input type=\"hidden\"", 20) == 0) {
			p = close;
			continue;
		}
		id = strstr(p, " id=\"");
		assert_non_null(close);
		if (id == NULL || id > close)
			fail_msg("a control without id: %.60s", p);
		end = strchr(id + 5, '"');
		snprintf(want, sizeof(want), "for=\"%.*s\"", (int)(end - id - 5),
		    id + 5);
		if (strstr(html, want) == NULL)
			fail_msg("no label %s", want);
		p = close;
	}
}

static void
test_form_is_safe_and_accessible(void **state)
{
	sd_buf page;
	const char *html = NULL;

	(void)state;
	sd_buf_init(&page, SD_WEB_PAGE_MAX);
	assert_int_equal(sd_form_page(web, "en", NULL, NULL, NULL, &page), SD_OK);
	html = (const char *)page.data;
	/* no script (the browser's sealer is not served here), no inline
	 * style or handler, nothing from elsewhere */
	must_not_contain(&page, "<script");
	must_not_contain(&page, "style=");
	must_not_contain_handler(html);
	must_not_contain(&page, "http:");
	must_not_contain(&page, "https:");
	must_not_contain(&page, "//");
	must_contain(&page, "<link rel=\"stylesheet\" href=\"/static/sealdrop.css\">");
	must_contain(&page, "enctype=\"multipart/form-data\"");
	must_contain(&page, "action=\"/submit?lang=en\"");
	/* the honeypot: hidden from people, present for robots */
	must_contain(&page, "<div class=\"hp\" aria-hidden=\"true\">");
	must_contain(&page, "name=\"website\" value=\"\" tabindex=\"-1\" "
	    "autocomplete=\"off\"");
	/* files are chosen on the review, just before sending; the inputs of
	 * step 5 are the browser sealer's, off without it */
	assert_int_equal(count(html, "type=\"file\""), 5);
	assert_int_equal(count(html, "name=\"attachment\""), 0);
	assert_int_equal(count(html, "type=\"file\" id=\"f-attachment-js-1\" "
	    "disabled"), 1);
	assert_int_equal(count(html, "<fieldset"), count(html, "<legend"));
	assert_true(count(html, "<fieldset") >= 7);
	must_contain(&page, "aria-describedby=\"h-member_state\"");
	must_contain(&page, "You may attach up to 5 files.");
	must_contain(&page, "Each file may be up to 10 MiB.");
	/* no error shown on a fresh form: the summary is there, hidden, for
	 * the browser's checks */
	must_contain(&page, "tabindex=\"-1\" hidden>\n  <h2 id=\"error-summary-title\"");
	must_not_contain(&page, "<li><a href=\"#");
	must_not_contain(&page, "field-invalid");
	/* one step in sight, the others hidden; Enter presses Continue */
	assert_int_equal(count(html, "<section class=\"step"), 6);
	assert_int_equal(count(html, "aria-labelledby=\"step-1-title\">"), 1);
	assert_int_equal(count(html, " hidden>\n  <p class=\"caption\">"), 5);
	must_contain(&page, "<form id=\"report-form\"");
	must_contain(&page, "novalidate>\n");
	must_contain(&page, "<button type=\"submit\" class=\"default-button\" "
	    "name=\"go\" value=\"2\" tabindex=\"-1\" aria-hidden=\"true\">");
	must_contain(&page, "<title>Step 1 of 5: About your organisation");
	check_labels(html, "<input");
	check_labels(html, "<select");
	check_labels(html, "<textarea");
	/* the discovery year runs from this year back to 2000 */
	must_contain(&page, "<option value=\"2026\">2026</option>");
	must_contain(&page, "<option value=\"2000\">2000</option>");
	must_not_contain(&page, "<option value=\"2027\">");
	sd_buf_free(&page);
}

static void
test_attachment_limits_are_stated(void **state)
{
	sd_buf page;

	(void)state;
	sd_buf_init(&page, SD_WEB_PAGE_MAX);
	sd_web_set_attachment_limits(web, 3, 2u * 1024 * 1024);
	assert_int_equal(sd_form_page(web, "da", NULL, NULL, NULL, &page), SD_OK);
	sd_web_set_attachment_limits(web, 5, 10u * 1024 * 1024);
	assert_int_equal(count((const char *)page.data, "type=\"file\""), 3);
	must_contain(&page, "Du kan vedhæfte op til 3 filer.");
	must_contain(&page, "Hver fil må højst fylde 2 MiB.");
	sd_buf_free(&page);
}

/* A complete, valid post as a browser sends it. */
static sd_form_input *
valid_input(void)
{
	sd_form_input *in = NULL;

	assert_int_equal(sd_form_input_new(&in), SD_OK);
	assert_int_equal(sd_form_input_add(in, "member_state", "DK"), SD_OK);
	assert_int_equal(sd_form_input_add(in, "organisation", "company"), SD_OK);
	assert_int_equal(sd_form_input_add(in, "sector", "C"), SD_OK);
	assert_int_equal(sd_form_input_add(in, "size_class", "medium"), SD_OK);
	assert_int_equal(sd_form_input_add(in, "discovered_year", "2025"), SD_OK);
	assert_int_equal(sd_form_input_add(in, "discovered_quarter", "4"), SD_OK);
	/* checkbox order in the post is not the schema's */
	assert_int_equal(sd_form_input_add(in, "secret_types",
	    "technical.source_code"), SD_OK);
	assert_int_equal(sd_form_input_add(in, "secret_types",
	    "technical.product_design"), SD_OK);
	assert_int_equal(sd_form_input_add(in, "attack_vectors", "social"), SD_OK);
	assert_int_equal(sd_form_input_add(in, "attack_vectors", "hacking"),
	    SD_OK);
	assert_int_equal(sd_form_input_add(in, "actor", "competitor"), SD_OK);
	assert_int_equal(sd_form_input_add(in, "actor_origin", "non_eu"), SD_OK);
	assert_int_equal(sd_form_input_add(in, "loss_eur", "1200000"), SD_OK);
	assert_int_equal(sd_form_input_add(in, "jobs_at_risk", ""), SD_OK);
	assert_int_equal(sd_form_input_add(in, "reported_to_police", "yes"),
	    SD_OK);
	assert_int_equal(sd_form_input_add(in, "narrative",
	    "Line one\r\nLine \xc3\xb8 two"), SD_OK);
	assert_int_equal(sd_form_input_add(in, "contact", ""), SD_OK);
	assert_int_equal(sd_form_input_add(in, "website", ""), SD_OK);
	return in;
}

static json_t *
load_json(const sd_buf *b)
{
	json_error_t je;
	json_t *j = json_loadb((const char *)b->data, b->len,
	    JSON_REJECT_DUPLICATES, &je);

	if (j == NULL)
		fail_msg("not JSON: %s", je.text);
	return j;
}

static void
test_build_valid(void **state)
{
	sd_form_input *in = valid_input();
	struct sd_form_errors errs;
	struct sd_errlist el;
	sd_buf stats, details;
	json_t *s = NULL, *d = NULL, *want = NULL;
	const char *ref = NULL, *key = NULL;
	char first_ref[33];
	json_t *v = NULL;
	const struct sd_field *f = NULL;
	size_t n = 0, i = 0, k;

	(void)state;
	sd_buf_init(&stats, 64 * 1024);
	sd_buf_init(&details, 1024 * 1024);
	assert_int_equal(sd_form_build(web, "en", in, TODAY, NULL, &stats,
	    &details, &errs), SD_OK);
	assert_int_equal(errs.n, 0);
	s = load_json(&stats);
	d = load_json(&details);
	assert_int_equal(sd_schema_validate(SD_PART_STATS, s, TODAY, &el), 0);
	assert_int_equal(sd_schema_validate(SD_PART_DETAILS, d, TODAY, &el), 0);
	/* the incident reference is drawn fresh: 32 lower-case hex */
	ref = json_string_value(json_object_get(s, "incident_ref"));
	assert_non_null(ref);
	assert_int_equal(strlen(ref), 32);
	memcpy(first_ref, ref, sizeof(first_ref));
	assert_int_equal(strspn(ref, "0123456789abcdef"), 32);
	want = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:[s,s], s:[s,s],"
	    " s:s, s:s, s:I, s:b}",
	    "schema", "sealdrop.report/1", "incident_ref", ref,
	    "member_state", "DK", "organisation", "company", "sector", "C",
	    "size_class", "medium", "discovered", "2025-Q4",
	    "secret_types", "technical.product_design", "technical.source_code",
	    "attack_vectors", "hacking", "social",
	    "actor", "competitor", "actor_origin", "non_eu",
	    "loss_eur", (json_int_t)1200000, "reported_to_police", 1);
	assert_non_null(want);
	assert_true(json_equal(s, want));
	json_decref(want);
	/* members in schema order; compact text */
	f = sd_schema_fields(SD_PART_STATS, &n);
	k = 0;
	json_object_foreach(s, key, v) {
		while (k < n && strcmp(f[k].name, key) != 0)
			k++;
		if (k == n)
			fail_msg("member %s out of schema order", key);
		i++;
	}
	assert_int_equal(i, json_object_size(s));
	assert_null(strchr((const char *)stats.data, ' '));
	want = json_pack("{s:s, s:b}", "narrative", "Line one\nLine \xc3\xb8 two",
	    "consent_law_enforcement", 0);
	assert_true(json_equal(d, want));
	assert_string_equal((const char *)details.data,
	    "{\"narrative\":\"Line one\\nLine \xc3\xb8 two\","
	    "\"consent_law_enforcement\":false}");
	json_decref(want);
	json_decref(s);
	json_decref(d);

	/* a second report from the same answers is another incident */
	sd_buf_reset(&stats);
	sd_buf_reset(&details);
	assert_int_equal(sd_form_build(web, "en", in, TODAY, NULL, &stats,
	    &details, &errs), SD_OK);
	s = load_json(&stats);
	assert_string_not_equal(json_string_value(json_object_get(s,
	    "incident_ref")), first_ref);
	json_decref(s);
	sd_buf_free(&stats);
	sd_buf_free(&details);
	sd_form_input_free(in);
}

/* The fewest answers the form takes, narrative included. */
static void
the_least(sd_form_input *in)
{
	sd_form_input_add(in, "member_state", "EL");
	sd_form_input_add(in, "organisation", "university");
	sd_form_input_add(in, "sector", "Q");
	sd_form_input_add(in, "size_class", "large");
	sd_form_input_add(in, "discovered", "2026-Q2");
	sd_form_input_add(in, "secret_types", "other");
	sd_form_input_add(in, "attack_vectors", "unknown");
	sd_form_input_add(in, "actor", "unknown");
	sd_form_input_add(in, "actor_origin", "unknown");
	sd_form_input_add(in, "reported_to_police", "no");
	sd_form_input_add(in, "narrative", "x");
}

/* The sealer's mailbox key goes into the details: every report sent by
 * the form can be followed up. The form itself cannot set it. */
static void
test_build_carries_the_mailbox(void **state)
{
	sd_form_input *in = NULL;
	struct sd_form_errors errs;
	sd_buf stats, details;
	uint8_t pk[32];
	char want[160], pk64[SD_B64_LEN(32)];
	json_t *d = NULL;
	struct sd_errlist el;

	(void)state;
	memset(pk, 0xa5, sizeof(pk));
	assert_int_equal(sd_b64_encode(pk64, sizeof(pk64), pk, 32), SD_OK);
	assert_int_equal(sd_form_input_new(&in), SD_OK);
	assert_int_equal(sd_form_input_add(in, "mailbox", pk64), SD_E_INVAL);
	the_least(in);
	sd_buf_init(&stats, 64 * 1024);
	sd_buf_init(&details, 1024 * 1024);
	/* without a key, the details as the form has them */
	assert_int_equal(sd_form_build(web, "en", in, TODAY, NULL, &stats,
	    &details, &errs), SD_OK);
	assert_string_equal((const char *)details.data,
	    "{\"narrative\":\"x\",\"consent_law_enforcement\":false}");
	/* with one, beside them, and valid for the schema */
	sd_buf_reset(&stats);
	sd_buf_reset(&details);
	assert_int_equal(sd_form_build(web, "en", in, TODAY, pk, &stats,
	    &details, &errs), SD_OK);
	snprintf(want, sizeof(want), "{\"narrative\":\"x\","
	    "\"consent_law_enforcement\":false,\"mailbox\":\"%s\"}", pk64);
	assert_string_equal((const char *)details.data, want);
	d = load_json(&details);
	assert_int_equal(sd_schema_validate(SD_PART_DETAILS, d, TODAY, &el), 0);
	json_decref(d);
	sd_buf_free(&stats);
	sd_buf_free(&details);
	sd_form_input_free(in);
}

static void
test_build_keeps_a_given_ref_and_text_quarter(void **state)
{
	sd_form_input *in = NULL;
	struct sd_form_errors errs;
	sd_buf stats, details;
	json_t *s = NULL;
	const char *ref = "0123456789abcdef0123456789abcdef";

	(void)state;
	assert_int_equal(sd_form_input_new(&in), SD_OK);
	sd_form_input_add(in, "incident_ref", ref);
	the_least(in);
	sd_form_input_add(in, "consent_law_enforcement", "yes");
	sd_buf_init(&stats, 64 * 1024);
	sd_buf_init(&details, 1024 * 1024);
	assert_int_equal(sd_form_build(web, "en", in, TODAY, NULL, &stats,
	    &details, &errs), SD_OK);
	s = load_json(&stats);
	assert_string_equal(json_string_value(json_object_get(s,
	    "incident_ref")), ref);
	assert_string_equal(json_string_value(json_object_get(s,
	    "discovered")), "2026-Q2");
	assert_true(json_is_false(json_object_get(s, "reported_to_police")));
	assert_null(json_object_get(s, "loss_eur"));
	assert_string_equal((const char *)details.data,
	    "{\"narrative\":\"x\",\"consent_law_enforcement\":true}");
	json_decref(s);
	sd_buf_free(&stats);
	sd_buf_free(&details);
	sd_form_input_free(in);
}

struct wrong {
	const char *field;     /* the field the message must sit next to */
	const char *name;      /* what is posted */
	const char *value;     /* NULL: the field is left out */
	const char *msg_en;
};

static const struct wrong wrongs[] = {
	{ "member_state", "member_state", NULL, "Choose one of the options." },
	{ "member_state", "member_state", "GR", "This choice is not on the list." },
	{ "organisation", "organisation", "<b>", "This choice is not on the list." },
	{ "sector", "sector", "Z", "This choice is not on the list." },
	{ "discovered", "discovered_year", NULL, "Choose the year and the quarter." },
	{ "discovered", "discovered_year", "1999", "The quarter cannot be before 2000." },
	{ "discovered", "discovered_year", "2027", "The quarter cannot be in the future." },
	{ "discovered", "discovered_year", "20x6",
	  "Give the quarter as YYYY-Qn, for example 2026-Q1." },
	{ "secret_types", "secret_types", NULL, "Choose at least one option." },
	{ "secret_types", "secret_types", "technical",
	  "This choice is not on the list." },
	{ "attack_vectors", "attack_vectors", "phishing",
	  "This choice is not on the list." },
	{ "loss_eur", "loss_eur", "1 200 000",
	  "Use digits only, without spaces, dots or other signs." },
	{ "loss_eur", "loss_eur", "-5",
	  "Use digits only, without spaces, dots or other signs." },
	{ "loss_eur", "loss_eur", "1000000000000001",
	  "This number is larger than the limit." },
	{ "loss_eur", "loss_eur", "99999999999999999999999",
	  "This number is larger than the limit." },
	{ "jobs_at_risk", "jobs_at_risk", "1.5",
	  "Use digits only, without spaces, dots or other signs." },
	{ "reported_to_police", "reported_to_police", NULL, "Answer yes or no." },
	{ "reported_to_police", "reported_to_police", "maybe", "Answer yes or no." },
	{ "narrative", "narrative", NULL, "This field cannot be empty." },
	{ "narrative", "narrative", " \r\n\t", "This field cannot be empty." },
	{ "narrative", "narrative", "bad \xff byte",
	  "The text contains characters that cannot be used. Check it and try "
	  "again." },
	{ "narrative", "narrative", "bell \x07",
	  "The text contains characters that cannot be used. Check it and try "
	  "again." },
	{ "contact", "contact", "\xc0\xaf",
	  "The text contains characters that cannot be used. Check it and try "
	  "again." },
	{ "consent_law_enforcement", "consent_law_enforcement", "on",
	  "Answer yes or no." },
	{ "incident_ref", "incident_ref", "ABC",
	  "The incident reference must be 32 characters 0-9 and a-f." },
	{ "actor", "actor", "competitor",    /* given twice */
	  "Give only one answer here." },
};

/* The valid post with one field left out, or changed, or given twice. */
static sd_form_input *
input_with(const struct wrong *w)
{
	static const char *const names[] = { "member_state", "organisation",
	    "sector", "size_class", "discovered_year", "discovered_quarter",
	    "actor", "actor_origin", "loss_eur", "jobs_at_risk",
	    "reported_to_police", "narrative", "contact", "website" };
	sd_form_input *good = valid_input(), *in = NULL;
	int doubled = w->value && strcmp(w->name, "actor") == 0;
	size_t i;

	assert_int_equal(sd_form_input_new(&in), SD_OK);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(names[i], w->name) == 0 && !doubled)
			continue;
		assert_int_equal(sd_form_input_add(in, names[i],
		    sd_form_input_get(good, names[i], NULL)), SD_OK);
	}
	if (strcmp(w->name, "secret_types") != 0)
		sd_form_input_add(in, "secret_types", "commercial.pricing");
	if (strcmp(w->name, "attack_vectors") != 0)
		sd_form_input_add(in, "attack_vectors", "malware");
	if (w->value)
		assert_int_equal(sd_form_input_add(in, w->name, w->value), SD_OK);
	sd_form_input_free(good);
	return in;
}

static void
check_wrong(const struct wrong *w, const char *lang)
{
	sd_form_input *in = input_with(w);
	struct sd_form_errors errs;
	struct sd_form_view view;
	sd_buf stats, details, page;
	char want[512];
	const char *msg = NULL;

	sd_form_view_init(&view, NULL);
	sd_buf_init(&stats, 64 * 1024);
	sd_buf_init(&details, 1024 * 1024);
	sd_buf_init(&page, SD_WEB_PAGE_MAX);
	assert_int_equal(sd_form_build(web, lang, in, TODAY, NULL, &stats,
	    &details, &errs), SD_FORM_INVALID);
	assert_int_equal(stats.len, 0);
	assert_int_equal(details.len, 0);
	if (errs.n != 1 || strcmp(errs.e[0].field, w->field) != 0)
		fail_msg("%s=%s: %zu messages, first for %s", w->name,
		    w->value ? w->value : "(none)", errs.n,
		    errs.n ? errs.e[0].field : "-");
	msg = tr(lang, w->msg_en);
	assert_string_equal(errs.e[0].msg, msg);
	if (strcmp(lang, "da") == 0)
		assert_string_not_equal(msg, w->msg_en);
	/* the page shows the step of the field, the message next to the field
	 * and in the summary */
	view.step = sd_form_step_of_errors(&errs);
	if (strcmp(w->field, "incident_ref") != 0)
		assert_int_equal(view.step, form_step_of_field(w->field));
	assert_int_equal(sd_form_page(web, lang, in, &errs, &view, &page),
	    SD_OK);
	must_contain(&page, "class=\"error-summary\"");
	if (strcmp(w->field, "incident_ref") != 0) {
		snprintf(want, sizeof(want), "id=\"e-%s\"", w->field);
		must_contain(&page, want);
		snprintf(want, sizeof(want), "e-%s\"", w->field);
		must_contain(&page, want);   /* aria-describedby ends with it */
	}
	must_contain_text(&page, msg);
	/* the other answers are kept */
	if (strcmp(w->name, "member_state") != 0)
		must_contain(&page, "<option value=\"DK\" selected>");
	if (strcmp(w->name, "narrative") != 0)
		must_contain(&page, ">Line one\r\nLine \xc3\xb8 two</textarea>");
	free((void *)(uintptr_t)msg);
	sd_buf_free(&stats);
	sd_buf_free(&details);
	sd_buf_free(&page);
	sd_form_input_free(in);
}

static void
test_each_wrong_input_gets_its_message(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(wrongs) / sizeof(wrongs[0]); i++) {
		check_wrong(&wrongs[i], "en");
		check_wrong(&wrongs[i], "da");
	}
}

static void
test_values_come_back_escaped(void **state)
{
	sd_form_input *in = NULL;
	struct sd_form_errors errs;
	sd_buf stats, details, page;

	(void)state;
	assert_int_equal(sd_form_input_new(&in), SD_OK);
	sd_form_input_add(in, "narrative", "</textarea><script>alert(1)</script>");
	sd_form_input_add(in, "contact", "\"><img src=x onerror=alert(1)>");
	sd_form_input_add(in, "loss_eur", "\" autofocus onfocus=\"alert(1)");
	sd_form_input_add(in, "secret_types", "other");
	sd_buf_init(&stats, 64 * 1024);
	sd_buf_init(&details, 1024 * 1024);
	sd_buf_init(&page, SD_WEB_PAGE_MAX);
	assert_int_equal(sd_form_build(web, "en", in, TODAY, NULL, &stats,
	    &details, &errs), SD_FORM_INVALID);
	assert_int_equal(sd_form_page(web, "en", in, &errs, NULL, &page), SD_OK);
	must_not_contain(&page, "<script");
	must_not_contain(&page, "<img");
	must_not_contain(&page, "\" autofocus onfocus");
	must_contain(&page, "&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt;"
	    "</textarea>");
	must_contain(&page, "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
	must_contain(&page, "value=\"&quot; autofocus onfocus=&quot;alert(1)\"");
	must_contain(&page, "value=\"other\" checked>");
	sd_buf_free(&stats);
	sd_buf_free(&details);
	sd_buf_free(&page);
	sd_form_input_free(in);
}

static void
test_text_too_long(void **state)
{
	const struct sd_field *f = sd_schema_field(SD_PART_DETAILS, "narrative");
	sd_form_input *good = valid_input(), *in = NULL;
	struct sd_form_errors errs;
	sd_buf stats, details;
	char *big = NULL;
	char want[64];
	size_t n = (size_t)f->max + 1;

	(void)state;
	assert_int_equal(sd_form_input_new(&in), SD_OK);
	big = malloc(n + 1);
	assert_non_null(big);
	/* one character past the limit */
	memset(big, 'a', n);
	big[n] = 0;
	sd_form_input_add(in, "narrative", big);
	sd_buf_init(&stats, 64 * 1024);
	sd_buf_init(&details, 1024 * 1024);
	assert_int_equal(sd_form_build(web, "da", in, TODAY, NULL, &stats,
	    &details, &errs), SD_FORM_INVALID);
	snprintf(want, sizeof(want), "Teksten er for lang: højst %llu tegn.",
	    (unsigned long long)f->max);
	assert_string_equal(errs.e[errs.n - 1].msg, want);
	assert_string_equal(errs.e[errs.n - 1].field, "narrative");
	free(big);
	sd_buf_free(&stats);
	sd_buf_free(&details);
	sd_form_input_free(in);
	sd_form_input_free(good);
}

static void
test_honeypot(void **state)
{
	sd_form_input *in = valid_input();
	struct sd_form_errors errs;
	sd_buf stats, details;

	(void)state;
	assert_int_equal(sd_form_input_add(in, "website", "http://spam.example"),
	    SD_OK);
	sd_buf_init(&stats, 64 * 1024);
	sd_buf_init(&details, 1024 * 1024);
	assert_int_equal(sd_form_build(web, "en", in, TODAY, NULL, &stats,
	    &details, &errs), SD_FORM_HONEYPOT);
	assert_int_equal(stats.len, 0);
	assert_int_equal(details.len, 0);
	sd_buf_free(&stats);
	sd_buf_free(&details);
	sd_form_input_free(in);
}

static void
test_input_bounds(void **state)
{
	sd_form_input *in = NULL;
	const char *v = NULL;
	size_t len = 0, i;
	char big[SD_FORM_MAX_SHORT + 2];

	(void)state;
	assert_int_equal(sd_form_input_new(&in), SD_OK);
	/* names the form does not have are refused, including the pseudonym */
	assert_int_equal(sd_form_input_add(in, "reporter", "ab"), SD_E_INVAL);
	assert_int_equal(sd_form_input_add(in, "schema", "x"), SD_E_INVAL);
	assert_int_equal(sd_form_input_add(in, "evil", "x"), SD_E_INVAL);
	/* a value arrives in pieces, in order */
	assert_int_equal(sd_form_input_put(in, "narrative", "abc", 0, 3), SD_OK);
	assert_int_equal(sd_form_input_put(in, "narrative", "def", 3, 3), SD_OK);
	assert_int_equal(sd_form_input_put(in, "narrative", "x", 9, 1),
	    SD_E_INVAL);
	assert_int_equal(sd_form_input_put(in, "contact", "x", 2, 1), SD_E_INVAL);
	v = sd_form_input_get(in, "narrative", &len);
	assert_string_equal(v, "abcdef");
	assert_int_equal(len, 6);
	/* short fields are short */
	memset(big, '1', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	assert_int_equal(sd_form_input_add(in, "loss_eur", big), SD_E_TOOBIG);
	sd_form_input_free(in);

	/* at most SD_FORM_MAX_PAIRS pairs */
	assert_int_equal(sd_form_input_new(&in), SD_OK);
	for (i = 0; i < SD_FORM_MAX_PAIRS; i++)
		assert_int_equal(sd_form_input_add(in, "secret_types", "other"),
		    SD_OK);
	assert_int_equal(sd_form_input_add(in, "secret_types", "other"),
	    SD_E_TOOBIG);
	sd_form_input_free(in);
}

static void
test_attachment_error_shows(void **state)
{
	struct sd_form_errors errs;
	struct sd_form_view view;
	sd_buf page;

	(void)state;
	errs.n = 0;
	sd_form_errors_add(web, "da", &errs, SD_FORM_ATTACHMENT_FIELD,
	    SD_FORM_MSG_FILE_TOO_LARGE);
	/* files are chosen on the review: their message is shown there */
	sd_form_view_init(&view, NULL);
	view.step = sd_form_step_of_errors(&errs);
	assert_int_equal(view.step, SD_FORM_REVIEW);
	sd_buf_init(&page, SD_WEB_PAGE_MAX);
	assert_int_equal(sd_form_page(web, "da", NULL, &errs, &view, &page),
	    SD_OK);
	assert_int_equal(count((const char *)page.data, "name=\"attachment\""),
	    5);
	must_contain(&page, "<a href=\"#f-attachment-1\">Filer: En fil er "
	    "større end grænsen. Vælg en mindre fil.</a>");
	must_contain(&page, "id=\"e-attachment\"");
	must_contain(&page, "aria-describedby=\"h-attachment e-attachment\"");
	sd_buf_free(&page);
}

static void
test_receipt_page(void **state)
{
	const char *sig = "c2lnbmF0dXJlIG9mIHRoZSByZWNlaXB0IGtleSBvdmVyIHRoZSBi"
	    "eXRlcyBvZiB0aGUgcmVjZWlwdA==";
	struct sd_receipt_view rv = { "mfrggzdfmztwq2lknnwg23tpobyxe43u",
	    "2026-05-10", "00112233445566778899aabbccddeeff", sig,
	    "o5WaihviZVRkxf07sIM8xzMF4h4peWidvd67bvtX1Kg=", "" };
	sd_buf page, text;

	(void)state;
	sd_buf_init(&page, SD_WEB_PAGE_MAX);
	assert_int_equal(sd_receipt_page(web, "da", &rv, &page), SD_OK);
	must_contain(&page, "<html lang=\"da\">");
	must_contain(&page, ">mfrggzdfmztwq2lknnwg23tpobyxe43u<");
	must_contain(&page, ">2026-05-10<");
	must_contain(&page, ">00112233445566778899aabbccddeeff<");
	must_contain(&page, sig);
	must_contain(&page, "sealdrop-receipt/1 mfrggzdfmztwq2lknnwg23tpobyxe43u "
	    "2026-05-10");
	must_contain(&page, "Din indberetning er modtaget");
	/* saved as a file without JavaScript: the values ride in the form */
	must_contain(&page, "<form id=\"receipt-form\" class=\"receipt-form\" "
	    "method=\"post\" action=\"/receipt?lang=da\"");
	must_contain(&page, "name=\"signature\" value=\"");
	/* the language menu keeps the receipt: buttons of that form */
	must_contain(&page, "form=\"receipt-form\" formaction=\"/receipt?lang=en\" "
	    "name=\"action\" value=\"show\"");
	must_not_contain(&page, "hreflang");
	/* the browser's check is claimed only where the browser made it */
	must_contain(&page, "id=\"receipt-checked\" hidden>");
	/* no follow-up code: its item is hidden */
	must_contain(&page, "data-item=\"followup_code\" hidden>");
	must_contain(&page, "data-item=\"receipt\">");
	sd_buf_free(&page);
	/* a code: shown with its note, and carried by the save form */
	rv.followup_code = "FU-ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23-4567";
	sd_buf_init(&page, SD_WEB_PAGE_MAX);
	assert_int_equal(sd_receipt_page(web, "en", &rv, &page), SD_OK);
	must_contain(&page, "data-item=\"followup_code\">");
	must_contain(&page, ">FU-ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23-4567<");
	must_contain(&page, "name=\"followup_code\" value=\"FU-ABCD-EFGH-IJKL-"
	    "MNOP-QRST-UVWX-YZ23-4567\"");
	must_contain(&page, "keep it as safe as a password");
	sd_buf_free(&page);
	sd_buf_init(&text, SD_WEB_PAGE_MAX);
	assert_int_equal(sd_receipt_text(web, "en", &rv, &text), SD_OK);
	must_contain(&text, "follow-up:    FU-ABCD-EFGH-IJKL-MNOP-QRST-UVWX-"
	    "YZ23-4567\n");
	must_contain(&text, "The follow-up code opens your mailbox");
	sd_buf_free(&text);
	rv.followup_code = "";

	sd_buf_init(&text, SD_WEB_PAGE_MAX);
	assert_int_equal(sd_receipt_text(web, "en", &rv, &text), SD_OK);
	must_contain(&text, "receipt:      mfrggzdfmztwq2lknnwg23tpobyxe43u\n");
	must_contain(&text, "incident_ref: 00112233445566778899aabbccddeeff\n");
	must_contain(&text, "signed text:  sealdrop-receipt/1 "
	    "mfrggzdfmztwq2lknnwg23tpobyxe43u 2026-05-10\n");
	/* a text file: no HTML escapes */
	must_contain(&text, "this service's receipt key");
	must_not_contain(&text, "&#39;");
	must_not_contain(&text, "<");
	must_not_contain(&text, "follow-up");
	sd_buf_free(&text);
}

static void
test_error_pages(void **state)
{
	static const struct { int status; const char *da; } pages[] = {
		{ 400, "Forespørgslen kunne ikke forstås" },
		{ 404, "Siden blev ikke fundet" },
		{ 405, "Denne handling er ikke tilladt her" },
		{ 413, "Det, du har sendt, er for stort" },
		{ 429, "For mange forespørgsler" },
		{ 500, "Noget gik galt" },
		{ 503, "Tjenesten kan ikke modtage indberetninger lige nu" },
		{ 418, "Noget gik galt" },
	};
	sd_buf page;
	char want[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		sd_buf_init(&page, SD_WEB_PAGE_MAX);
		assert_int_equal(sd_error_page(web, "da", pages[i].status, &page),
		    SD_OK);
		must_contain(&page, pages[i].da);
		snprintf(want, sizeof(want), "Fejl %d", pages[i].status);
		must_contain(&page, want);
		sd_buf_free(&page);
	}
	sd_buf_init(&page, SD_WEB_PAGE_MAX);
	assert_int_equal(sd_error_page(web, "en", 404, &page), SD_OK);
	must_contain(&page, "<h1>Page not found</h1>");
	sd_buf_free(&page);
}


/* The organisation code carries the secret; a mistyped one is refused; the
 * form derives the pseudonym exactly as the CLI does. */
static void
test_org_code(void **state)
{
	uint8_t secret[SD_ORG_SECRET_BYTES], back[SD_ORG_SECRET_BYTES];
	uint8_t h[32];
	char code[SD_ORG_CODE_LEN], typed[SD_ORG_CODE_LEN + 8], hex[65];
	char rep[SD_REPORTER_HEX];
	sd_form_input *in = valid_input();
	struct sd_form_errors errs;
	sd_buf stats, details;
	json_t *j = NULL;
	size_t i, k;

	(void)state;
	randombytes_buf(secret, sizeof(secret));
	sd_org_code_encode(code, secret);
	assert_int_equal(strlen(code), 65);
	for (i = 5; i < 65; i += 6)
		assert_int_equal(code[i], '-');
	/* typed in capitals, with spaces for dashes */
	for (i = 0, k = 0; code[i]; i++)
		typed[k++] = code[i] == '-' ? ' ' :
		    (code[i] >= 'a' && code[i] <= 'z') ? (char)(code[i] - 32) : code[i];
	typed[k] = '\0';
	assert_int_equal(sd_org_code_parse(typed, strlen(typed), back), SD_OK);
	assert_memory_equal(secret, back, sizeof(secret));
	/* one letter wrong: the check bytes catch it */
	memcpy(typed, code, sizeof(code));
	typed[7] = typed[7] == 'a' ? 'b' : 'a';
	assert_int_equal(sd_org_code_parse(typed, strlen(typed), back),
	    SD_E_SIGNATURE);
	assert_int_equal(sd_org_code_parse("abc", 3, back), SD_E_FORMAT);
	assert_int_equal(sd_org_code_parse(code, 64, back), SD_E_FORMAT);
	/* reporter = hex BLAKE2b-256(key = secret, "sealdrop.reporter/1") */
	crypto_generichash(h, 32, (const uint8_t *)"sealdrop.reporter/1", 19,
	    secret, 32);
	sodium_bin2hex(hex, sizeof(hex), h, 32);
	sd_reporter_derive(rep, secret);
	assert_string_equal(rep, hex);
	/* the form turns the code into that pseudonym, and keeps no code */
	assert_int_equal(sd_form_input_add(in, "org_code", code), SD_OK);
	sd_buf_init(&stats, 64 * 1024);
	sd_buf_init(&details, 1024 * 1024);
	assert_int_equal(sd_form_build(web, "en", in, TODAY, NULL, &stats,
	    &details, &errs), SD_OK);
	j = load_json(&stats);
	assert_string_equal(json_string_value(json_object_get(j, "reporter")),
	    hex);
	assert_null(strstr((const char *)stats.data, code));
	assert_null(strstr((const char *)details.data, code));
	json_decref(j);
	sd_buf_free(&stats);
	sd_buf_free(&details);
	sd_form_input_free(in);
	/* a mistyped code is a message next to its field, in step 1 */
	in = valid_input();
	assert_int_equal(sd_form_input_add(in, "org_code", typed), SD_OK);
	sd_buf_init(&stats, 64 * 1024);
	sd_buf_init(&details, 1024 * 1024);
	assert_int_equal(sd_form_build(web, "da", in, TODAY, NULL, &stats,
	    &details, &errs), SD_FORM_INVALID);
	assert_int_equal(errs.n, 1);
	assert_string_equal(errs.e[0].field, "org_code");
	assert_string_equal(errs.e[0].msg, "Denne organisationskode har en "
	    "tastefejl. Kontrollér den bogstav for bogstav.");
	assert_int_equal(sd_form_step_of_errors(&errs), 1);
	sd_buf_free(&stats);
	sd_buf_free(&details);
	sd_form_input_free(in);
}

/* Where a post without JavaScript goes: forward checks the steps passed,
 * back checks nothing, the review comes back from a change. */
static void
test_navigation(void **state)
{
	struct sd_form_view view;
	struct sd_form_errors errs;
	sd_form_input *in = NULL;

	(void)state;
	sd_form_view_init(&view, "AAAA");
	/* no go: a send, as from a form in one piece */
	in = valid_input();
	assert_int_equal(sd_form_navigate(web, "en", in, TODAY, &view, &errs),
	    SD_FORM_NEXT_SEND);
	sd_form_input_add(in, "step", "2");
	sd_form_input_add(in, "go", "review");
	assert_int_equal(sd_form_navigate(web, "en", in, TODAY, &view, &errs),
	    SD_FORM_NEXT_SHOW);
	assert_int_equal(view.step, SD_FORM_REVIEW);
	assert_int_equal(errs.n, 0);
	assert_string_equal(view.authority_b64, "AAAA");
	sd_form_input_free(in);
	/* a wrong answer of step 1 stops a move to step 4 on step 1 */
	assert_int_equal(sd_form_input_new(&in), SD_OK);
	sd_form_input_add(in, "member_state", "XX");
	sd_form_input_add(in, "step", "1");
	sd_form_input_add(in, "go", "4");
	assert_int_equal(sd_form_navigate(web, "en", in, TODAY, &view, &errs),
	    SD_FORM_NEXT_SHOW);
	assert_int_equal(view.step, 1);
	assert_true(errs.n >= 1);
	assert_string_equal(errs.e[0].field, "member_state");
	sd_form_input_free(in);
	/* back, or a change from the review: nothing checked */
	assert_int_equal(sd_form_input_new(&in), SD_OK);
	sd_form_input_add(in, "step", "review");
	sd_form_input_add(in, "go", "3");
	assert_int_equal(sd_form_navigate(web, "en", in, TODAY, &view, &errs),
	    SD_FORM_NEXT_SHOW);
	assert_int_equal(view.step, 3);
	assert_int_equal(errs.n, 0);
	assert_true(view.from_review);
	sd_form_input_free(in);
	/* a new organisation code, shown on the same step */
	assert_int_equal(sd_form_input_new(&in), SD_OK);
	sd_form_input_add(in, "step", "1");
	sd_form_input_add(in, "go", "newcode");
	assert_int_equal(sd_form_navigate(web, "en", in, TODAY, &view, &errs),
	    SD_FORM_NEXT_SHOW);
	assert_int_equal(strlen(view.new_code), 65);
	sd_form_input_free(in);
	/* buttons the form does not have */
	assert_int_equal(sd_form_input_new(&in), SD_OK);
	sd_form_input_add(in, "step", "1");
	sd_form_input_add(in, "go", "7");
	assert_int_equal(sd_form_navigate(web, "en", in, TODAY, &view, &errs),
	    SD_FORM_NEXT_BAD);
	sd_form_input_free(in);
	assert_int_equal(sd_form_input_new(&in), SD_OK);
	sd_form_input_add(in, "step", "0");
	sd_form_input_add(in, "go", "2");
	assert_int_equal(sd_form_navigate(web, "en", in, TODAY, &view, &errs),
	    SD_FORM_NEXT_BAD);
	sd_form_input_free(in);
}

static void
test_page_limit(void **state)
{
	sd_buf page;

	(void)state;
	sd_buf_init(&page, 1000);
	assert_int_equal(sd_form_page(web, "en", NULL, NULL, NULL, &page),
	    SD_E_TOOBIG);
	sd_buf_free(&page);
}

/* Every text a template shows is translated in every catalogue. */
static void
test_template_texts_are_translated(void **state)
{
	static const char *const files[] = { "layout.html", "form.html",
	    "receipt.html", "error.html", "followup.html" };
	const char *src = getenv("SD_SOURCE_DIR");
	char path[4096], err[256];
	sd_tmpl *t = NULL;
	const char *id = NULL, *da = NULL;
	size_t i, k;

	(void)state;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/templates/%s", src, files[i]);
		assert_int_equal(sd_tmpl_load(path, &t, err, sizeof(err)), SD_OK);
		for (k = 0; (id = sd_tmpl_msgid_at(t, k)) != NULL; k++) {
			da = tr("da", id);
			if (strcmp(da, id) == 0)
				fail_msg("da.po lacks \"%s\" of %s", id, files[i]);
			free((void *)(uintptr_t)da);
		}
		assert_true(k > 0);
		sd_tmpl_free(t);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_form_has_every_field_in_every_language),
		cmocka_unit_test(test_form_is_safe_and_accessible),
		cmocka_unit_test(test_attachment_limits_are_stated),
		cmocka_unit_test(test_build_valid),
		cmocka_unit_test(test_build_keeps_a_given_ref_and_text_quarter),
		cmocka_unit_test(test_build_carries_the_mailbox),
		cmocka_unit_test(test_each_wrong_input_gets_its_message),
		cmocka_unit_test(test_values_come_back_escaped),
		cmocka_unit_test(test_text_too_long),
		cmocka_unit_test(test_honeypot),
		cmocka_unit_test(test_input_bounds),
		cmocka_unit_test(test_attachment_error_shows),
		cmocka_unit_test(test_receipt_page),
		cmocka_unit_test(test_error_pages),
		cmocka_unit_test(test_page_limit),
		cmocka_unit_test(test_org_code),
		cmocka_unit_test(test_navigation),
		cmocka_unit_test(test_template_texts_are_translated),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
