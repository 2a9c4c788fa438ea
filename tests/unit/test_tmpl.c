/* The template engine: escaping by default, loud failure on a missing
 * variable, sections, translations and syntax errors with line numbers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "sd_err.h"
#include "tmpl.h"

#define OUT_MAX (64 * 1024)

/* Parse text, render it with the JSON data; returns the result code and
 * leaves the output in out and any message in err. */
static int
run(const char *text, const char *data_json, sd_buf *out, char *err,
    size_t errlen)
{
	sd_tmpl *t = NULL;
	json_t *data = NULL;
	json_error_t je;
	int rc;

	err[0] = 0;
	sd_buf_init(out, OUT_MAX);
	rc = sd_tmpl_parse("t.html", text, strlen(text), &t, err, errlen);
	if (rc != SD_OK)
		return rc;
	data = json_loads(data_json, 0, &je);
	assert_non_null(data);
	rc = sd_tmpl_render(t, data, NULL, NULL, out, err, errlen);
	json_decref(data);
	sd_tmpl_free(t);
	return rc;
}

static void
expect(const char *text, const char *data_json, const char *want)
{
	sd_buf out;
	char err[256];

	assert_int_equal(run(text, data_json, &out, err, sizeof(err)), SD_OK);
	assert_string_equal((const char *)out.data, want);
	sd_buf_free(&out);
}

static void
expect_fail(const char *text, const char *data_json, const char *in_err)
{
	sd_buf out;
	char err[256];

	assert_int_equal(run(text, data_json, &out, err, sizeof(err)),
	    SD_E_FORMAT);
	if (strstr(err, in_err) == NULL)
		fail_msg("message '%s' lacks '%s'", err, in_err);
	sd_buf_free(&out);
}

static void
test_escapes_text_and_attributes(void **state)
{
	(void)state;
	expect("<p title=\"{{v}}\">{{v}}</p>",
	    "{\"v\": \"\\\"><script>alert('x')</script>&amp;\"}",
	    "<p title=\"&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"
	    "&amp;amp;\">&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"
	    "&amp;amp;</p>");
	expect("<a href='/x?{{q}}'>", "{\"q\": \"a'onmouseover='b\"}",
	    "<a href='/x?a&#39;onmouseover=&#39;b'>");
	expect("{{n}} items", "{\"n\": 42}", "42 items");
}

static void
test_raw_is_unescaped(void **state)
{
	(void)state;
	expect("<div>{{{html}}}</div>", "{\"html\": \"<b>made here</b>\"}",
	    "<div><b>made here</b></div>");
}

static void
test_missing_variable_fails(void **state)
{
	(void)state;
	expect_fail("line one\n<p>{{nmae}}</p>", "{\"name\": \"x\"}",
	    "t.html:2: no variable 'nmae'");
	expect_fail("{{{body}}}", "{}", "no variable 'body'");
	expect_fail("{{#items}}x{{/items}}", "{}", "no variable 'items'");
	expect_fail("{{^flag}}x{{/flag}}", "{}", "no variable 'flag'");
	/* inside a section a name unknown to every scope still fails */
	expect_fail("{{#a}}{{b}}{{/a}}", "{\"a\": [{\"c\": 1}]}",
	    "no variable 'b'");
	/* null is not a value to print, nor is an object */
	expect_fail("{{v}}", "{\"v\": null}", "'v' is not text");
	expect_fail("{{v}}", "{\"v\": {}}", "'v' is not text");
}

static void
test_sections(void **state)
{
	(void)state;
	expect("{{#xs}}[{{name}}:{{outer}}]{{/xs}}",
	    "{\"outer\": \"o\", \"xs\": [{\"name\": \"a\"}, {\"name\": \"<b>\"}]}",
	    "[a:o][&lt;b&gt;:o]");
	expect("{{#xs}}<{{.}}>{{/xs}}", "{\"xs\": [\"1\", \"&\"]}",
	    "<1><&amp;>");
	expect("{{#on}}yes{{/on}}{{^on}}no{{/on}}", "{\"on\": true}", "yes");
	expect("{{#on}}yes{{/on}}{{^on}}no{{/on}}", "{\"on\": false}", "no");
	expect("{{#s}}[{{s}}]{{/s}}{{^s}}empty{{/s}}", "{\"s\": \"\"}", "empty");
	expect("{{#s}}[{{s}}]{{/s}}", "{\"s\": \"t\"}", "[t]");
	expect("{{#xs}}x{{/xs}}{{^xs}}none{{/xs}}", "{\"xs\": []}", "none");
	expect("{{#o}}{{k}}{{/o}}", "{\"o\": {\"k\": \"v\"}}", "v");
}

static void
test_standalone_section_lines_vanish(void **state)
{
	(void)state;
	expect("<ul>\n  {{#xs}}\n  <li>{{.}}</li>\n  {{/xs}}\n</ul>\n",
	    "{\"xs\": [\"a\", \"b\"]}", "<ul>\n  <li>a</li>\n  <li>b</li>\n</ul>\n");
	/* a tag sharing its line with text keeps the line */
	expect("a {{#on}}b{{/on}}\nc", "{\"on\": true}", "a b\nc");
}

static const char *
fake_tr(const void *ctx, const char *msgid)
{
	(void)ctx;
	if (strcmp(msgid, "Hello world") == 0)
		return "Hej <verden>";
	return msgid;
}

static void
test_translations(void **state)
{
	const char *text = "<h1>{{_ Hello\n   world }}</h1><p>{{_ Not here}}</p>";
	sd_tmpl *t = NULL;
	json_t *data = json_object();
	sd_buf out;
	char err[256];

	(void)state;
	sd_buf_init(&out, OUT_MAX);
	assert_int_equal(sd_tmpl_parse("t", text, strlen(text), &t, err,
	    sizeof(err)), SD_OK);
	assert_int_equal(sd_tmpl_render(t, data, fake_tr, NULL, &out, err,
	    sizeof(err)), SD_OK);
	/* wrapped msgids are looked up with single spaces; the translation is
	 * escaped like any other text; a missing one shows the English */
	assert_string_equal((const char *)out.data,
	    "<h1>Hej &lt;verden&gt;</h1><p>Not here</p>");
	sd_buf_free(&out);
	sd_tmpl_free(t);
	json_decref(data);
}

static void
test_syntax_errors_name_the_line(void **state)
{
	(void)state;
	expect_fail("a\nb {{name", "{}", "t.html:2: unclosed tag");
	expect_fail("{{#a}}\n{{/b}}", "{}", "t.html:2: {{/b}} closes {{#a}}");
	expect_fail("x\n{{#a}}\nfoo", "{}", "t.html:2: {{#a}} is never closed");
	expect_fail("{{/a}}", "{}", "closes nothing");
	expect_fail("{{bad name}}", "{}", "bad tag name");
	expect_fail("{{}}", "{}", "bad tag name");
	expect_fail("{{_ }}", "{}", "empty message");
}

static void
test_output_limit(void **state)
{
	sd_tmpl *t = NULL;
	json_t *data = json_pack("{s:s}", "v", "0123456789");
	sd_buf out;
	char err[256];

	(void)state;
	sd_buf_init(&out, 15);
	assert_int_equal(sd_tmpl_parse("t", "{{v}}{{v}}", 10, &t, err,
	    sizeof(err)), SD_OK);
	assert_int_equal(sd_tmpl_render(t, data, NULL, NULL, &out, err,
	    sizeof(err)), SD_E_TOOBIG);
	sd_buf_free(&out);
	sd_tmpl_free(t);
	json_decref(data);
}

static void
test_nesting_limit(void **state)
{
	sd_buf text;
	int i;

	(void)state;
	sd_buf_init(&text, 4096);
	for (i = 0; i <= SD_TMPL_MAX_DEPTH; i++)
		assert_int_equal(sd_buf_addf(&text, "{{#a%d}}", i), SD_OK);
	expect_fail((const char *)text.data, "{}", "nested too deeply");
	sd_buf_free(&text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escapes_text_and_attributes),
		cmocka_unit_test(test_raw_is_unescaped),
		cmocka_unit_test(test_missing_variable_fails),
		cmocka_unit_test(test_sections),
		cmocka_unit_test(test_standalone_section_lines_vanish),
		cmocka_unit_test(test_translations),
		cmocka_unit_test(test_syntax_errors_name_the_line),
		cmocka_unit_test(test_output_limit),
		cmocka_unit_test(test_nesting_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
