/* The report schema: every stats section the analyst decrypts and turns
 * into the compact report, every details section it shows, and the report
 * files `sealdrop-submit` reads (// comment lines, a byte order mark, the
 * members split between the two parts, then validated and serialised into
 * sections). */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "report.h"
#include "sd_err.h"
#include "sd_schema.h"

static void
submitter_file(const uint8_t *data, size_t size, int details)
{
	struct sd_section_in sec[SD_ENV_MAX_SECTIONS];
	struct sd_errlist errs;
	struct sd_report rep;
	sub_report *r = NULL;
	const char *path;
	size_t n = 0;

	if ((path = fz_file("report.json", data, size)) == NULL ||
	    sub_report_new(&r) != SD_OK)
		abort();
	memset(&errs, 0, sizeof(errs));
	if ((details ? sub_report_load_details(r, path, &errs) :
	    sub_report_load(r, path, &errs)) == SD_OK &&
	    sub_report_finish(r, NULL, NULL, FZ_TODAY, &errs) == SD_OK) {
		/* what passed is what the analyst side accepts */
		if (sub_report_sections(r, sec, &n) != SD_OK || n == 0 ||
		    sec[0].type != SD_SEC_STATS ||
		    sd_report_parse((const char *)sec[0].data, sec[0].len,
		    FZ_TODAY, &rep, NULL) != SD_OK)
			abort();
	}
	if (errs.n > SD_SCHEMA_MAX_ERRORS)
		abort();
	sub_report_free(r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sd_report r;
	struct sd_errlist errs;
	json_error_t jerr;
	json_t *o;

	fz_init();
	memset(&errs, 0, sizeof(errs));
	(void)sd_report_parse((const char *)data, size, FZ_TODAY, &r, &errs);
	if (errs.n > SD_SCHEMA_MAX_ERRORS)
		abort();
	o = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &jerr);
	if (o) {
		memset(&errs, 0, sizeof(errs));
		(void)sd_schema_validate(SD_PART_DETAILS, o, FZ_TODAY, &errs);
		json_decref(o);
	}
	submitter_file(data, size, 0);
	submitter_file(data, size, 1);
	return 0;
}
