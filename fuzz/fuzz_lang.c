/* The page language: `?lang=` and the Accept-Language header of every GET
 * and POST, against the catalogues of templates/po. Input: the ?lang= value,
 * a newline, then the header; without a newline, only the header. The
 * answer must always be a language the server has. */
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "fuzz.h"
#include "i18n.h"
#include "sd_err.h"

static sd_i18n *i18n;

static void
check(const char *query, const char *accept)
{
	const char *l = sd_i18n_negotiate(i18n, query, accept);
	size_t i;

	if (l == NULL)
		abort();
	for (i = 0; i < sd_i18n_n_langs(i18n); i++)
		if (strcmp(sd_i18n_lang_at(i18n, i), l) == 0)
			return;
	abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	char *query = NULL, *accept;

	fz_init();
	if (i18n == NULL && sd_i18n_load(fz_source("templates/po"), &i18n) != SD_OK)
		abort();
	if (nl != NULL) {
		query = fz_strdup(data, (size_t)(nl - data));
		accept = fz_strdup(nl + 1, size - (size_t)(nl + 1 - data));
	} else
		accept = fz_strdup(data, size);
	check(query, accept);
	check(NULL, accept);
	if (query != NULL)
		check(query, NULL);
	free(query);
	free(accept);
	return 0;
}
