/* The purge ack (`sealdrop-server purge --ack ack.sig`), read by the intake
 * host from a file that was carried from the analysts' side. A real intake
 * store is made once in a scratch directory: it serves the channel of
 * tests/vectors with an ack key, and holds one envelope that was never
 * exported, which no ack may delete. Each input is given to the store as
 * the ack document, and as the body of an ack that the ack key signs here
 * (the parser behind the signature). */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "fuzz_common_open.h"
#include "sd_err.h"
#include "sd_file.h"
#include "store.h"

static sd_store *store;

static void
setup(void)
{
	const sd_seckey *ack = fz_key(SD_ROLE_ACK, FZ_ACK_BYTE);
	struct sd_store_item item, *items[1] = { &item };
	uint8_t *env = NULL;
	size_t len = 0;

	if (store != NULL)
		return;
	memset(&item, 0, sizeof(item));
	if (sd_store_open(fz_path("intake.db"), &store) != SD_OK ||
	    sd_store_set_channel(store, sd_channel_id(fz_vector_channel()),
	    sd_seckey_pk(ack)) != SD_OK ||
	    sd_file_read(fz_source("tests/vectors/valid.env"), 65536, &env,
	    &len) != SD_OK)
		abort();
	item.env = env;
	item.len = len;
	sd_receipt_id(item.receipt, env, len);
	memcpy(item.day, FZ_TODAY, 11);
	if (sd_store_put(store, items, 1) != SD_OK)
		abort();
	free(env);
}

static void
purge(const char *doc, size_t len)
{
	struct sd_purge_result res;
	struct sd_store_stats st;

	if (sd_store_purge(store, doc, len, &res) == SD_OK && res.purged != 0)
		abort();       /* nothing here was ever exported */
	if (sd_store_stats(store, &st) != SD_OK || st.rows != 1)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const sd_seckey *ack;
	char *doc;
	size_t dl = 0;

	fz_init();
	setup();
	ack = fz_key(SD_ROLE_ACK, FZ_ACK_BYTE);
	purge((const char *)data, size);
	if ((doc = fz_sign(SD_ACK_FORMAT, "ack_key", ack, data, size, &dl)) != NULL) {
		purge(doc, dl);
		free(doc);
	}
	return 0;
}
