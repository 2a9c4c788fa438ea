/* What `sealdrop-submit inbox` (and the follow-up page) read from the intake
 * server, which may be hostile: the padded "SDMB" answer of a mailbox
 * lookup, and the messages in it. Each input is parsed as an answer, and is
 * taken as the body of a message that the channel's ack key signs, and as
 * the whole signed document, each padded and sealed here to a mailbox whose
 * code is fixed, so that the parser behind the seal is reached. Whatever
 * opens, an attachment name is one a file may safely be given, and a
 * message is verified only when the ack key signed it. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "sd_err.h"
#include "sd_mailbox.h"
#include "sd_pad.h"

static sd_mailbox *mb;

static void
setup(void)
{
	uint8_t f[SD_FOLLOWUP_BYTES];

	if (mb != NULL)
		return;
	memset(f, 0x07, sizeof(f));
	if (sd_mailbox_derive(f, &mb) != SD_OK)
		abort();
}

static void
check(const sd_msg *m, int signed_here)
{
	size_t i, tl = 0;
	const struct sd_msg_attachment *a;

	if (sd_msg_text(m, &tl) == NULL || sd_msg_id(m) == NULL)
		abort();
	if (!sd_msg_verified(m) && sd_msg_why(m) == NULL)
		abort();
	if (sd_msg_verified(m) && !signed_here)
		abort();       /* only the ack key's signature verifies */
	for (i = 0; i < sd_msg_n_attachments(m); i++) {
		a = sd_msg_attachment(m, i);
		if (a == NULL || !sd_msg_name_ok(a->name, strlen(a->name)))
			abort();
	}
}

/* pad doc, seal it to the mailbox and open it */
static void
seal_open(const uint8_t *doc, size_t len, int signed_here)
{
	const uint8_t *ack_pk = sd_seckey_pk(fz_key(SD_ROLE_ACK, FZ_ACK_BYTE));
	size_t padded = sd_pad_size(len);
	uint8_t *buf = NULL, *sealed = NULL;
	sd_msg *m = NULL;

	if (padded == 0 || padded > SD_MSG_SEALED_MAX)
		return;
	if ((buf = malloc(padded)) == NULL ||
	    (sealed = malloc(padded + crypto_box_SEALBYTES)) == NULL)
		abort();
	memcpy(buf, doc, len);
	sd_pad(buf, len, padded);
	if (crypto_box_seal(sealed, buf, padded, sd_mailbox_pk(mb)) != 0)
		abort();
	if (sd_msg_open(mb, ack_pk, sealed, padded + crypto_box_SEALBYTES,
	    &m) == SD_OK) {
		check(m, signed_here);
		sd_msg_free(m);
	}
	free(sealed);
	free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sd_sealed_ref *items = NULL;
	const uint8_t *ack_pk;
	size_t n = 0, i;
	sd_msg *m = NULL;
	char *doc;
	size_t dl = 0;

	fz_init();
	setup();
	ack_pk = sd_seckey_pk(fz_key(SD_ROLE_ACK, FZ_ACK_BYTE));
	if (sd_mbox_blob_parse(data, size, &items, &n) == SD_OK) {
		for (i = 0; i < n; i++) {
			if (sd_msg_open(mb, ack_pk, items[i].data, items[i].len,
			    &m) == SD_OK) {
				check(m, 1);
				sd_msg_free(m);
			}
		}
		free(items);
	}
	if ((doc = fz_sign(SD_MSG_FORMAT, SD_MSG_KEYFIELD,
	    fz_key(SD_ROLE_ACK, FZ_ACK_BYTE), data, size, &dl)) != NULL) {
		seal_open((const uint8_t *)doc, dl, 1);
		free(doc);
	}
	seal_open(data, size, 0);
	return 0;
}
