/* The report schema: every stats section the analyst decrypts. */
#include <jansson.h>
#include <string.h>

#include "fuzz.h"
#include "sd_schema.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sd_report r;
	struct sd_errlist errs;
	json_error_t jerr;
	json_t *o;

	memset(&errs, 0, sizeof(errs));
	(void)sd_report_parse((const char *)data, size, "2026-06-01", &r, &errs);
	o = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &jerr);
	if (o) {
		memset(&errs, 0, sizeof(errs));
		(void)sd_schema_validate(SD_PART_DETAILS, o, "2026-06-01", &errs);
		json_decref(o);
	}
	return 0;
}
