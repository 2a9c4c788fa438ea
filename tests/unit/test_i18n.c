/* PO catalogues and the choice of the page language. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "i18n.h"
#include "sd_err.h"
#include "sd_schema.h"

static sd_po *
parse_ok(const char *text)
{
	sd_po *po = NULL;
	size_t line = 99;

	assert_int_equal(sd_po_parse(text, strlen(text), &po, &line), SD_OK);
	assert_non_null(po);
	return po;
}

static void
test_po_basic_escapes_multiline(void **state)
{
	const char *text =
	    "# translator comment\n"
	    "#: form.html:3\n"
	    "msgid \"\"\n"
	    "msgstr \"\"\n"
	    "\"Language: da\\n\"\n"
	    "\"X-Language-Name: Dansk\\n\"\n"
	    "\n"
	    "msgid \"Yes\"\n"
	    "msgstr \"Ja\"\n"
	    "\n"
	    "msgid \"\"\n"
	    "\"A long text \"\n"
	    "\"on two lines\"\n"
	    "msgstr \"\"\n"
	    "\"En lang tekst \"\r\n"
	    "\"på to linjer\"\n"
	    "\n"
	    "msgid \"Tab\\tquote\\\" back\\\\slash\\nnewline\"\n"
	    "msgstr \"T\\tq\\\" b\\\\s\\nn\"\n"
	    "\n"
	    "msgid \"Untranslated\"\n"
	    "msgstr \"\"\n"
	    "\n"
	    "#. a guess not yet confirmed: msgfmt leaves it out\n"
	    "#, c-format, fuzzy\n"
	    "msgid \"Guessed\"\n"
	    "msgstr \"Gættet\"\n"
	    "\n"
	    "msgctxt \"actor\"\n"
	    "msgid \"Unknown\"\n"
	    "msgstr \"Ukendt (aktør)\"\n"
	    "\n"
	    "#, fuzzy\n"
	    "msgctxt \"actor_origin\"\n"
	    "msgid \"Unknown\"\n"
	    "msgstr \"Ukendt (sted)\"\n"
	    "\n"
	    "msgid \"Unknown\"\n"
	    "msgstr \"Ukendt\"\n";
	sd_po *po = parse_ok(text);
	char v[64];

	(void)state;
	assert_string_equal(sd_po_get(po, "Yes"), "Ja");
	assert_string_equal(sd_po_get(po, "A long text on two lines"),
	    "En lang tekst på to linjer");
	assert_string_equal(sd_po_get(po, "Tab\tquote\" back\\slash\nnewline"),
	    "T\tq\" b\\s\nn");
	/* an empty msgstr is no translation: the English text will show */
	assert_null(sd_po_get(po, "Untranslated"));
	assert_null(sd_po_get(po, "Absent"));
	assert_null(sd_po_get(po, "Guessed"));
	/* one msgid, translated apart in each context */
	assert_string_equal(sd_po_getc(po, "actor", "Unknown"),
	    "Ukendt (aktør)");
	assert_null(sd_po_getc(po, "actor_origin", "Unknown"));
	assert_string_equal(sd_po_getc(po, NULL, "Unknown"), "Ukendt");
	assert_null(sd_po_getc(po, "sector", "Unknown"));
	assert_int_equal(sd_po_count(po), 5);
	assert_int_equal(sd_po_header(po, "Language", v, sizeof(v)), SD_OK);
	assert_string_equal(v, "da");
	assert_int_equal(sd_po_header(po, "X-Language-Name", v, sizeof(v)), SD_OK);
	assert_string_equal(v, "Dansk");
	assert_int_equal(sd_po_header(po, "Plural-Forms", v, sizeof(v)),
	    SD_E_INVAL);
	sd_po_free(po);
}

static void
expect_bad(const char *text, size_t want_line)
{
	sd_po *po = NULL;
	size_t line = 0;

	assert_int_equal(sd_po_parse(text, strlen(text), &po, &line),
	    SD_E_FORMAT);
	assert_null(po);
	if (line != want_line)
		fail_msg("'%s': line %zu, expected %zu", text, line, want_line);
}

static void
test_po_malformed_refused_with_line(void **state)
{
	(void)state;
	expect_bad("msgid \"a\"\nmsgstr \"b\"\nmsgid \"c\"\n\nmsgid \"d\"\n", 5);
	expect_bad("msgid \"a\"\nmsgstr \"b\n", 2);              /* unterminated */
	expect_bad("msgid \"a\"\nmsgstr \"b\" x\n", 2);         /* trailing */
	expect_bad("msgid \"a\"\nmsgstr \"\\q\"\n", 2);         /* bad escape */
	expect_bad("msgstr \"b\"\n", 1);                          /* no msgid */
	expect_bad("\"orphan\"\n", 1);
	expect_bad("msgid \"a\"\nmsgid_plural \"as\"\n", 2);
	expect_bad("msgctxt \"x\"\nmsgctxt \"y\"\n", 2);
	expect_bad("msgctxt \"x\"\nmsgstr \"b\"\n", 2);     /* no msgid */
	expect_bad("msgctxt \"\"\nmsgid \"a\"\nmsgstr \"b\"\n", 2);
	expect_bad("msgid \"a\"\nmsgstr \"b\"\nmsgctxt \"x\"\n", 4);
	expect_bad("msgid \"a\"\nmsgstr \"b\"\n\nmsgid \"c\"\n", 5); /* at end */
	expect_bad("msgid \"a\"\nmsgstr \"tab\there\x01\"\n", 2);  /* control */
	expect_bad("msgid a\nmsgstr \"b\"\n", 1);
}

static void
test_po_rejects_duplicates_and_bad_utf8(void **state)
{
	sd_po *po = NULL;
	const char dup[] = "msgid \"a\"\nmsgstr \"b\"\nmsgid \"a\"\nmsgstr \"c\"\n";
	const char bad[] = "msgid \"a\"\nmsgstr \"\xc3\x28\"\n";
	const char nul[] = "msgid \"a\"\nmsgstr \"b\"\n\0";

	(void)state;
	assert_int_equal(sd_po_parse(dup, strlen(dup), &po, NULL), SD_E_FORMAT);
	assert_int_equal(sd_po_parse(bad, strlen(bad), &po, NULL), SD_E_FORMAT);
	assert_int_equal(sd_po_parse(nul, sizeof(nul), &po, NULL), SD_E_FORMAT);
	assert_null(po);
}

static void
test_utf8_check(void **state)
{
	size_t n = 0;

	(void)state;
	assert_int_equal(sd_utf8_check("a\xc3\xa6\xe2\x82\xac", 6, &n), SD_OK);
	assert_int_equal(n, 3);
	assert_int_equal(sd_utf8_check("\xc0\xaf", 2, NULL), SD_E_FORMAT);
	assert_int_equal(sd_utf8_check("\xed\xa0\x80", 3, NULL), SD_E_FORMAT);
	assert_int_equal(sd_utf8_check("\xe2\x82", 2, NULL), SD_E_FORMAT);
	assert_int_equal(sd_utf8_check("\xf4\x90\x80\x80", 4, NULL), SD_E_FORMAT);
}

static sd_i18n *
load_project(void)
{
	const char *src = getenv("SD_SOURCE_DIR");
	char dir[4096];
	sd_i18n *in = NULL;

	assert_non_null(src);
	snprintf(dir, sizeof(dir), "%s/templates/po", src);
	assert_int_equal(sd_i18n_load(dir, &in), SD_OK);
	return in;
}

static void
test_negotiation(void **state)
{
	sd_i18n *in = load_project();

	(void)state;
	assert_string_equal(sd_i18n_negotiate(in, NULL, NULL), "en");
	assert_string_equal(sd_i18n_negotiate(in, NULL, "da"), "da");
	assert_string_equal(sd_i18n_negotiate(in, NULL, "da-DK,da;q=0.9"), "da");
	assert_string_equal(sd_i18n_negotiate(in, NULL, "DA-dk"), "da");
	/* the highest q wins, not the first */
	assert_string_equal(sd_i18n_negotiate(in, NULL,
	    "en;q=0.5, da;q=0.8"), "da");
	assert_string_equal(sd_i18n_negotiate(in, NULL,
	    "da;q=0.3, en-GB;q=0.7"), "en");
	/* unsupported languages are passed over */
	assert_string_equal(sd_i18n_negotiate(in, NULL,
	    "xx-YY, xx;q=0.9, da;q=0.2"), "da");
	assert_string_equal(sd_i18n_negotiate(in, NULL, "xx, zz"), "en");
	assert_string_equal(sd_i18n_negotiate(in, NULL, "*"), "en");
	/* q=0 means "not acceptable"; a malformed q discards the item */
	assert_string_equal(sd_i18n_negotiate(in, NULL, "da;q=0"), "en");
	assert_string_equal(sd_i18n_negotiate(in, NULL, "da;q=2, xx"), "en");
	assert_string_equal(sd_i18n_negotiate(in, NULL, "da;q=abc"), "en");
	assert_string_equal(sd_i18n_negotiate(in, NULL, " da ; q=0.500 "), "da");
	/* the query overrides the header, when it names a supported language */
	assert_string_equal(sd_i18n_negotiate(in, "en", "da"), "en");
	assert_string_equal(sd_i18n_negotiate(in, "da", "en"), "da");
	assert_string_equal(sd_i18n_negotiate(in, "xx", "da"), "da");
	assert_string_equal(sd_i18n_negotiate(in, "../../etc", NULL), "en");
	assert_string_equal(sd_i18n_negotiate(in, "", ""), "en");
	sd_i18n_free(in);
}

static void
test_negotiation_long_header_is_bounded(void **state)
{
	sd_i18n *in = load_project();
	size_t n = 100000, i;
	char *h = malloc(n + 8);

	(void)state;
	assert_non_null(h);
	for (i = 0; i < n; i++)
		h[i] = i % 4 == 3 ? ',' : 'x';
	memcpy(h + n, ",da", 4);
	/* "da" sits far past the bound: not seen, and nothing overruns */
	assert_string_equal(sd_i18n_negotiate(in, NULL, h), "en");
	free(h);
	sd_i18n_free(in);
}

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

/* A new language is a new file: nothing else. */
static void
test_new_language_is_a_file(void **state)
{
	sd_i18n *in = NULL;

	(void)state;
	mkdir("po-new", 0700);
	write_file("po-new/en.po", "msgid \"Yes\"\nmsgstr \"Yes\"\n");
	write_file("po-new/de.po", "msgid \"\"\nmsgstr \"X-Language-Name: "
	    "Deutsch\\n\"\n\nmsgid \"Yes\"\nmsgstr \"Ja\"\n");
	write_file("po-new/README", "not a catalogue");
	write_file("po-new/de.po~", "not a catalogue either");
	assert_int_equal(sd_i18n_load("po-new", &in), SD_OK);
	assert_int_equal(sd_i18n_n_langs(in), 2);
	assert_string_equal(sd_i18n_lang_at(in, 0), "de");
	assert_string_equal(sd_i18n_lang_at(in, 1), "en");
	assert_string_equal(sd_i18n_lang_name(in, "de"), "Deutsch");
	assert_string_equal(sd_i18n_negotiate(in, NULL, "de-AT"), "de");
	assert_string_equal(sd_i18n_tr(in, "de", "Yes"), "Ja");
	assert_string_equal(sd_i18n_tr(in, "de", "No"), "No");
	sd_i18n_free(in);

	/* a broken catalogue stops the start, and en.po is required */
	write_file("po-new/de.po", "msgid \"Yes\"\nmsgstr Ja\n");
	assert_int_equal(sd_i18n_load("po-new", &in), SD_E_FORMAT);
	assert_null(in);
	remove("po-new/de.po");
	remove("po-new/en.po");
	assert_int_equal(sd_i18n_load("po-new", &in), SD_E_FORMAT);
	assert_int_equal(sd_i18n_load("no-such-dir", &in), SD_E_IO);
}

static void
check_msgidc(const sd_i18n *in, const char *ctx, const char *msgid)
{
	size_t i;
	const char *lang = NULL;

	if (msgid == NULL)
		return;
	for (i = 0; i < sd_i18n_n_langs(in); i++) {
		lang = sd_i18n_lang_at(in, i);
		if (strcmp(lang, "en") == 0)
			continue;
		if (sd_i18n_trc(in, lang, ctx, msgid) == msgid)
			fail_msg("%s.po has no translation of \"%s\"%s%s", lang,
			    msgid, ctx ? " in the context " : "", ctx ? ctx : "");
	}
}

static void
check_msgid(const sd_i18n *in, const char *msgid)
{
	check_msgidc(in, NULL, msgid);
}

/* Every label, help text and code label of the schema is translated in
 * every catalogue (a new schema label must come with its translations). */
static void
test_schema_texts_are_translated(void **state)
{
	enum sd_part parts[] = { SD_PART_STATS, SD_PART_DETAILS };
	const struct sd_field *f = NULL;
	sd_i18n *in = load_project();
	size_t p, i, k, n;

	(void)state;
	assert_true(sd_i18n_n_langs(in) >= 2);
	for (p = 0; p < 2; p++) {
		f = sd_schema_fields(parts[p], &n);
		for (i = 0; i < n; i++) {
			if (f[i].type == SD_FT_CONST || (f[i].type == SD_FT_HEX &&
			    !f[i].required))
				continue;
			check_msgid(in, f[i].label);
			/* the incident reference is never asked: its help is
			 * not shown */
			if (f[i].type != SD_FT_HEX)
				check_msgid(in, f[i].help);
			/* a code label is looked up in the context of its
			 * field */
			for (k = 0; k < f[i].n_codes; k++)
				check_msgidc(in, f[i].name, f[i].codes[k].label);
		}
	}
	sd_i18n_free(in);
}

/* Every text of the English catalogue is translated in every other one. */
static void
test_catalogues_are_complete(void **state)
{
	sd_i18n *in = load_project();
	const char *src = getenv("SD_SOURCE_DIR");
	char path[4096];
	FILE *f = NULL;
	char *text = NULL;
	size_t len, i;
	sd_po *en = NULL;

	(void)state;
	snprintf(path, sizeof(path), "%s/templates/po/en.po", src);
	assert_non_null(f = fopen(path, "rb"));
	assert_non_null(text = calloc(1, SD_PO_MAX_FILE + 1));
	len = fread(text, 1, SD_PO_MAX_FILE, f);
	fclose(f);
	assert_int_equal(sd_po_parse(text, len, &en, NULL), SD_OK);
	assert_true(sd_po_count(en) > 150);
	for (i = 0; i < sd_po_count(en); i++)
		check_msgid(in, sd_po_msgid_at(en, i));
	sd_po_free(en);
	free(text);
	sd_i18n_free(in);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_po_basic_escapes_multiline),
		cmocka_unit_test(test_po_malformed_refused_with_line),
		cmocka_unit_test(test_po_rejects_duplicates_and_bad_utf8),
		cmocka_unit_test(test_utf8_check),
		cmocka_unit_test(test_negotiation),
		cmocka_unit_test(test_negotiation_long_header_is_bounded),
		cmocka_unit_test(test_new_language_is_a_file),
		cmocka_unit_test(test_schema_texts_are_translated),
		cmocka_unit_test(test_catalogues_are_complete),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
