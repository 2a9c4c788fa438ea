#include "fuzz_common_open.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "decrypt.h"
#include "fuzz.h"
#include "sd_err.h"
#include "sd_mem.h"
#include "sd_open.h"
#include "sd_pad.h"
#include "sd_schema.h"

static void
check_plain(enum sd_section_type t, const uint8_t *plain, size_t len)
{
	const uint8_t *meta = NULL, *file = NULL;
	size_t ml = 0, fl = 0;
	struct sd_report r;
	struct sd_errlist errs;
	json_error_t jerr;
	json_t *o = NULL;

	/* the opened plaintext carries a NUL after its last byte */
	if (plain[len] != '\0')
		abort();
	memset(&errs, 0, sizeof(errs));
	switch (t) {
	case SD_SEC_STATS:
		(void)sd_report_parse((const char *)plain, len, FZ_TODAY, &r, &errs);
		break;
	case SD_SEC_DETAILS:
		o = json_loadb((const char *)plain, len, JSON_REJECT_DUPLICATES, &jerr);
		if (o != NULL)
			(void)sd_schema_validate(SD_PART_DETAILS, o, FZ_TODAY, &errs);
		break;
	case SD_SEC_ATTACHMENT:
		if (sd_attachment_split(plain, len, &meta, &ml, &file, &fl) != SD_OK)
			break;
		if (meta + ml != file || file + fl != plain + len || ml == 0)
			abort();
		o = json_loadb((const char *)meta, ml, JSON_REJECT_DUPLICATES, &jerr);
		if (o != NULL) {
			(void)json_string_value(json_object_get(o, "name"));
			(void)json_string_value(json_object_get(o, "media_type"));
		}
		break;
	}
	json_decref(o);
}

void
fz_open_all(const struct sd_envelope_view *v)
{
	const sd_seckey *stats = fz_key(SD_ROLE_STATS, FZ_STATS_BYTE);
	const sd_seckey *details = fz_key(SD_ROLE_DETAILS, FZ_DETAILS_BYTE);
	uint8_t *plain = NULL;
	size_t i, len = 0;

	for (i = 0; i < v->n_sections; i++) {
		const sd_seckey *k = v->sec[i].type == SD_SEC_STATS ? stats : details;
		int rc = sd_envelope_open_section(v, i, k, &plain, &len);
		if (rc == SD_OK) {
			if (len >= v->sec[i].padded)
				abort();
			check_plain(v->sec[i].type, plain, len);
			sd_secret_free(plain);
		} else if (plain != NULL)
			abort();
		/* the other key is never a recipient of that type */
		if (sd_envelope_open_section(v, i, k == stats ? details : stats,
		    &plain, &len) == SD_OK)
			sd_secret_free(plain);
	}
}

void
fz_open_stats_prefix(const uint8_t *env, size_t len)
{
	static uint8_t *buf;
	static size_t cap;
	struct sd_envelope_view v;
	struct sd_report r;
	struct sd_errlist errs;
	size_t plen = 0;

	if (buf == NULL) {
		cap = sd_pad_size(SD_STATS_MAX) + 1;
		if ((buf = sd_secret_alloc(cap)) == NULL)
			abort();
	}
	if (dec_stats_view(env, len, &v) != SD_OK)
		return;
	if (sd_envelope_open_section_into(&v, 0, fz_key(SD_ROLE_STATS,
	    FZ_STATS_BYTE), buf, cap, &plen) != SD_OK)
		return;
	errs.n = 0;
	(void)sd_report_parse((const char *)buf, plen, FZ_TODAY, &r, &errs);
}
