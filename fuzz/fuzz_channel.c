/* Channel descriptors: what a submitter fetches from a server it does not
 * trust (GET /api/v1/channel) and what the server loads at start. Each
 * input is tried twice: as the whole descriptor (format, base64, signature
 * and pinned-authority checks), and as the body of a descriptor that the
 * vector authority signs here, which is the only way a fuzzer reaches the
 * parser behind the signature. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "sd_channel.h"
#include "sd_err.h"
#include "sd_keys.h"
#include "sd_signed.h"

static void
load(const char *doc, size_t len, const uint8_t *authority)
{
	sd_channel *ch = NULL;
	const struct sd_recipient *r;
	size_t n = 0, i, jl = 0;

	if (sd_channel_load(doc, len, authority, FZ_TODAY, &ch) != SD_OK)
		return;
	/* what a loaded channel promises its users */
	r = sd_channel_recipients(ch, &n);
	if (n == 0 || n > SD_CHANNEL_MAX_RECIPIENTS ||
	    sd_channel_count_role(ch, SD_ROLE_STATS) == 0 ||
	    sd_channel_count_role(ch, SD_ROLE_DETAILS) == 0 ||
	    strcmp(sd_channel_expires(ch), FZ_TODAY) < 0)
		abort();
	for (i = 0; i < n; i++)
		if (!sd_role_is_box(r[i].role) ||
		    strlen(r[i].label) >= SD_LABEL_MAX)
			abort();
	if (sd_channel_json(ch, &jl) == NULL || jl != len)
		abort();
	sd_channel_free(ch);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const sd_seckey *auth = fz_key(SD_ROLE_AUTHORITY, FZ_AUTHORITY_BYTE);
	uint8_t *body = NULL, signer[SD_PK_BYTES];
	size_t bl = 0, dl = 0;
	char *doc;

	load((const char *)data, size, sd_seckey_pk(auth));
	if (sd_signed_open("sealdrop.channel/1", "authority", (const char *)data,
	    size, NULL, signer, &body, &bl) == SD_OK) {
		if (body[bl] != '\0')
			abort();
		free(body);
	}
	if ((doc = fz_sign("sealdrop.channel/1", "authority", auth, data, size,
	    &dl)) != NULL) {
		load(doc, dl, sd_seckey_pk(auth));
		free(doc);
	}
	return 0;
}
