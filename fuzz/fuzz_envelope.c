/* The envelope parser, channel check and opening with a recipient key: what
 * the intake server and the analyst tool run on untrusted bytes. */
#include <string.h>

#include "fuzz.h"
#include "sd_envelope.h"
#include "sd_mem.h"
#include "sd_open.h"

static sd_seckey *stats, *details;

static void
keys(void)
{
	uint8_t raw[32];

	if (stats)
		return;
	sd_crypto_init();
	/* the recipients of tests/vectors/valid.env */
	memset(raw, 0x03, sizeof(raw));
	sd_seckey_from_raw(SD_ROLE_STATS, raw, &stats);
	memset(raw, 0x04, sizeof(raw));
	sd_seckey_from_raw(SD_ROLE_DETAILS, raw, &details);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sd_envelope_view v;
	uint8_t *plain = NULL;
	size_t i, len;
	char receipt[SD_RECEIPT_LEN + 1];

	keys();
	if (sd_envelope_parse(data, size, &v) != 0)
		return 0;
	sd_receipt_id(receipt, data, size);
	for (i = 0; i < v.n_sections; i++) {
		const sd_seckey *k = v.sec[i].type == SD_SEC_STATS ? stats : details;
		if (sd_envelope_open_section(&v, i, k, &plain, &len) == 0) {
			const uint8_t *meta, *file;
			size_t ml, fl;
			if (v.sec[i].type == SD_SEC_ATTACHMENT)
				(void)sd_attachment_split(plain, len, &meta, &ml, &file, &fl);
			sd_secret_free(plain);
		}
	}
	return 0;
}
