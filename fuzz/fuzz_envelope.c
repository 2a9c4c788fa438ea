/* Envelopes as they arrive: the structural parse the intake server runs on
 * every POST /api/v1/reports, the channel check, the stats prefix the
 * analyst store keeps, and opening every section with the recipient keys of
 * tests/vectors (what `sealdrop-analyst open` and `show` run). */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "fuzz_common_open.h"
#include "sd_channel.h"
#include "sd_envelope.h"
#include "sd_err.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sd_envelope_view v, first;
	char receipt[SD_RECEIPT_LEN + 1];
	size_t first_len = 0, i;
	int whole;

	fz_init();
	whole = sd_envelope_parse(data, size, &v) == SD_OK;
	if (sd_envelope_parse_first(data, size, &first, &first_len) == SD_OK) {
		if (first_len > size)
			abort();
		fz_open_stats_prefix(data, first_len);
	} else if (whole)
		abort();     /* a whole envelope has a valid first section */
	if (!whole)
		return 0;
	for (i = 0; i < v.n_sections; i++) {
		const struct sd_section_view *s = &v.sec[i];
		if (s->start < data || s->body + s->body_len > data + size)
			abort();
	}
	sd_receipt_id(receipt, data, size);
	if (strlen(receipt) != SD_RECEIPT_LEN)
		abort();
	(void)sd_envelope_check_channel(&v, fz_vector_channel());
	fz_open_all(&v);
	return 0;
}
