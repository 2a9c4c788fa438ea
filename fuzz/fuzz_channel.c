/* Channel descriptors and signed documents: what a submitter fetches from a
 * server it does not trust. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "sd_channel.h"
#include "sd_keys.h"
#include "sd_signed.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* the authority of tests/vectors/channel.json: Ed25519 seed 32 x 01 */
	static const uint8_t authority[32] = {
		0x8a, 0x88, 0xe3, 0xdd, 0x74, 0x09, 0xf1, 0x95, 0xfd, 0x52, 0xdb, 0x2d,
		0x3c, 0xba, 0x5d, 0x72, 0xca, 0x67, 0x09, 0xbf, 0x1d, 0x94, 0x12, 0x1b,
		0xf3, 0x74, 0x88, 0x01, 0xb4, 0x0f, 0x6f, 0x5c };
	sd_channel *ch = NULL;
	uint8_t *body = NULL, signer[32];
	size_t bl;

	if (sd_channel_load((const char *)data, size, authority, "2026-06-01", &ch) == 0)
		sd_channel_free(ch);
	if (sd_signed_open("sealdrop.ack/1", "ack_key", (const char *)data, size, NULL,
	    signer, &body, &bl) == 0)
		free(body);
	return 0;
}
