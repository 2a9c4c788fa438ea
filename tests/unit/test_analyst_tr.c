/* The report's language (analyst/tr.c): a catalogue read from a directory,
 * an unknown language or directory refused, texts and code labels looked
 * up (a code label under its field's msgctxt, then without one), the
 * placeholders filled and everything escaped for HTML. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <unistd.h>

#include "cube.h"
#include "sd_buf.h"
#include "sd_err.h"
#include "tr.h"

/* in the test's working directory, as the other tests write */
static char dir[] = "sd-tr-XXXXXX";

static void
write_po(const char *lang, const char *body)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.po", dir, lang);
	assert_non_null(f = fopen(path, "w"));
	fputs("msgid \"\"\nmsgstr \"Language: xx\\n\"\n\n", f);
	fputs(body, f);
	fclose(f);
}

static int
setup(void **state)
{
	(void)state;
	if (mkdtemp(dir) == NULL)
		return -1;
	write_po("en", "msgid \"Contents\"\nmsgstr \"Contents\"\n");
	write_po("xx",
	    "msgid \"Contents\"\nmsgstr \"Inhalt\"\n\n"
	    "msgctxt \"sector\"\nmsgid \"Manufacturing\"\n"
	    "msgstr \"Herstellung\"\n\n"
	    "msgid \"Yes\"\nmsgstr \"Ja\"\n\n"
	    "msgid \"Sector of activity\"\nmsgstr \"Wirtschaftszweig\"\n\n"
	    "msgid \"Earlier: {n}; tables: {m}.\"\n"
	    "msgstr \"Tabellen <{m}> & frühere: {n} {x}.\"\n");
	return 0;
}

static int
teardown(void **state)
{
	char cmd[300];

	(void)state;
	tr_close();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

static void
test_refused(void **state)
{
	(void)state;
	assert_int_equal(tr_open("report", dir, "zz"), SD_E_INVAL);
	assert_int_equal(tr_open("report", "/nonexistent/po", "en"), SD_E_IO);
	/* nothing was loaded: English */
	assert_string_equal(tr_lang(), "en");
	assert_string_equal(tr("Contents"), "Contents");
}

static void
test_lookup(void **state)
{
	(void)state;
	assert_int_equal(tr_open("report", dir, "xx"), SD_OK);
	assert_string_equal(tr_lang(), "xx");
	assert_string_equal(tr("Contents"), "Inhalt");
	assert_string_equal(tr("Not in the catalogue"), "Not in the catalogue");
	assert_string_equal(trc("sector", "Manufacturing"), "Herstellung");
	/* no such entry in the context: the one without, else English */
	assert_string_equal(trc("reported_to_police", "Yes"), "Ja");
	assert_string_equal(trc("actor", "Manufacturing"), "Manufacturing");
	tr_close();
	assert_string_equal(tr("Contents"), "Contents");
}

static void
test_fmt(void **state)
{
	sd_buf b;

	(void)state;
	assert_int_equal(tr_open("report", dir, "xx"), SD_OK);
	sd_buf_init(&b, 4096);
	assert_int_equal(tr_fmt(&b, "Earlier: {n}; tables: {m}.", "n", "2", "m",
	    "<5>", 0), SD_OK);
	assert_int_equal(sd_buf_add(&b, "", 1), SD_OK);
	/* both filled, both escaped; an unknown {x} stays as it is */
	assert_string_equal((char *)b.data,
	    "Tabellen &lt;&lt;5&gt;&gt; &amp; frühere: 2 {x}.");
	b.len = 0;
	assert_int_equal(tr_fmt(&b, "Figures {c}", "c", "<i>c</i>", NULL, NULL,
	    1), SD_OK);
	assert_int_equal(sd_buf_add(&b, "", 1), SD_OK);
	assert_string_equal((char *)b.data, "Figures <i>c</i>");
	sd_buf_free(&b);
}

static void
test_dim(void **state)
{
	struct dim d, t;
	size_t i;

	(void)state;
	assert_int_equal(tr_open("report", dir, "xx"), SD_OK);
	assert_int_equal(dim_lookup("sector", &d), SD_OK);
	tr_dim(&d, &t);
	assert_string_equal(t.label, "Wirtschaftszweig");
	for (i = 0; i < d.n; i++) {
		assert_string_equal(t.code[i], d.code[i]);
		if (strcmp(d.code[i], "C") == 0)
			assert_string_equal(t.clabel[i], "Herstellung");
		else
			assert_string_equal(t.clabel[i], d.clabel[i]);
	}
	/* the source keeps its English labels, for the downloads */
	assert_string_equal(d.label, "Sector of activity");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_fmt),
		cmocka_unit_test(test_dim),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
