/* PO catalogues (common/sd_i18n.c): every templates/po/xx.po the server loads
 * at start, which a translator, not a programmer, edits. Checks: a syntax
 * error names a line of the text; every msgid the catalogue lists is found
 * by lookup, with a non-empty translation that is valid UTF-8. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "sd_i18n.h"
#include "sd_err.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const fields[] = { "Language", "X-Language-Name",
	    "Content-Type", "" };
	sd_po *po = NULL;
	size_t errline = 0, lines = 1, i, n;
	char out[64];
	int rc;

	for (i = 0; i < size; i++)
		lines += data[i] == '\n';
	rc = sd_po_parse((const char *)data, size, &po, &errline);
	if (rc != SD_OK) {
		if (po != NULL || (rc == SD_E_FORMAT && errline > lines + 1))
			abort();
		return 0;
	}
	n = sd_po_count(po);
	for (i = 0; i < n; i++) {
		const char *id = sd_po_msgid_at(po, i), *s = sd_po_get(po, id);
		if (s == NULL || s[0] == '\0' ||
		    sd_utf8_check(s, strlen(s), NULL) != SD_OK ||
		    (i > 0 && strcmp(sd_po_msgid_at(po, i - 1), id) >= 0))
			abort();
	}
	if (sd_po_msgid_at(po, n) != NULL)
		abort();
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (sd_po_header(po, fields[i], out, sizeof(out)) == SD_OK &&
		    strlen(out) >= sizeof(out))
			abort();
	(void)sd_po_get(po, "");
	(void)sd_utf8_check((const char *)data, size, &n);
	sd_po_free(po);
	return 0;
}
