/* The outbox batch of the follow-up (`sealdrop-server messages --in
 * outbox.sig`), read by the intake host from a file carried from the
 * analysts' side. A real intake store serves the channel of tests/vectors
 * with its ack key. Each input is given as the batch document, and as the
 * body of a batch that the ack key signs here (the parser behind the
 * signature). A batch taken once is refused as a replay the second time;
 * a batch signed by another key is never taken. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "mailbox.h"
#include "sd_err.h"
#include "sd_mailbox.h"
#include "store.h"

static sd_mbox *mbox;
static struct sd_mbox_signer signer;

static void
setup(void)
{
	const sd_seckey *ack = fz_key(SD_ROLE_ACK, FZ_ACK_BYTE);
	sd_store *store = NULL;

	if (mbox != NULL)
		return;
	if (sd_store_open(fz_path("intake.db"), &store) != SD_OK ||
	    sd_store_set_channel(store, sd_channel_id(fz_vector_channel()),
	    sd_seckey_pk(ack)) != SD_OK)
		abort();
	sd_store_close(store);
	if (sd_mbox_open(fz_path("intake.db"), &mbox) != SD_OK)
		abort();
	memcpy(signer.ack_pk, sd_seckey_pk(ack), SD_PK_BYTES);
	memcpy(signer.channel_id, sd_channel_id(fz_vector_channel()),
	    SD_CHANNEL_ID_BYTES);
}

static void
take(const char *doc, size_t len)
{
	struct sd_mbox_taken res;
	struct sd_mbox_signer other = signer;

	memset(&res, 0, sizeof(res));
	/* no batch verifies against a key that signed nothing here */
	memset(other.ack_pk, 0x5a, sizeof(other.ack_pk));
	if (sd_mbox_take(mbox, doc, len, &other, 1, 90, &res) == SD_OK)
		abort();
	if (sd_mbox_take(mbox, doc, len, &signer, 1, 90, &res) != SD_OK)
		return;
	if (sd_mbox_take(mbox, doc, len, &signer, 1, 90, &res) !=
	    SD_E_EXISTS)
		abort();       /* a replay must be refused */
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *doc;
	size_t dl = 0;

	fz_init();
	setup();
	take((const char *)data, size);
	if ((doc = fz_sign(SD_OUTBOX_FORMAT, SD_MSG_KEYFIELD,
	    fz_key(SD_ROLE_ACK, FZ_ACK_BYTE), data, size, &dl)) != NULL) {
		take(doc, dl);
		free(doc);
	}
	return 0;
}
