/* The template engine (server/tmpl.c): parsing a template and rendering it
 * with data shaped as the server's pages are (strings with markup in them,
 * numbers, booleans, lists, nested objects) and a translation function
 * whose output has markup too.
 *
 * Check: when the template itself holds no "<fz" and no unescaped {{{ }}}
 * tag, no "<fz" may appear in the page: every value and every translation
 * must come out escaped. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "sd_buf.h"
#include "sd_err.h"
#include "tmpl.h"

#define PAGE_MAX (1024 * 1024)

static const char DATA[] =
    "{\"name\":\"<fz a=\\\"1\\\" b='2'>&amp;\",\"empty\":\"\",\"n\":42,"
    "\"zero\":0,\"t\":true,\"f\":false,\"nul\":null,"
    "\"list\":[\"<fz>\",\"b\"],\"none\":[],"
    "\"items\":[{\"name\":\"x<fz\",\"v\":\"1\",\"on\":true},"
    "{\"name\":\"y\",\"v\":\"\",\"on\":false}],"
    "\"obj\":{\"inner\":\"<fz>\",\"deep\":{\"x\":\"<fz\"}},"
    "\"html\":\"<b>ok</b>\"}";

static const char *
tr(const void *ctx, const char *msgid)
{
	(void)ctx;
	return msgid[0] == 'z' ? "<fz translated>\"'&" : msgid;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static json_t *values;
	char err[256];
	sd_tmpl *t = NULL;
	sd_buf page;
	size_t i;
	int rc;

	fz_init();
	if (values == NULL && (values = json_loads(DATA, 0, NULL)) == NULL)
		abort();
	err[0] = '\0';
	if (sd_tmpl_parse("fuzz", (const char *)data, size, &t, err,
	    sizeof(err)) != SD_OK) {
		if (t != NULL || memchr(err, '\0', sizeof(err)) == NULL)
			abort();
		return 0;
	}
	for (i = 0; sd_tmpl_msgid_at(t, i) != NULL; i++)
		;
	sd_buf_init(&page, PAGE_MAX);
	rc = sd_tmpl_render(t, values, tr, NULL, &page, err, sizeof(err));
	if (rc == SD_OK && page.len > 0 &&
	    memmem(data, size, "<fz", 3) == NULL &&
	    memmem(data, size, "{{{", 3) == NULL &&
	    memmem(page.data, page.len, "<fz", 3) != NULL)
		abort();
	sd_buf_free(&page);
	sd_buf_init(&page, PAGE_MAX);
	(void)sd_tmpl_render(t, values, NULL, NULL, &page, err, sizeof(err));
	sd_buf_free(&page);
	sd_tmpl_free(t);
	return 0;
}
