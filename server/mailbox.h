/* The intake side of the follow-up (docs/followup.md): sealed messages
 * from the analysts, kept by mailbox id until their day of expiry, and the
 * batch ids already taken. The tables live in the intake store's file but
 * nothing links them to the envelopes, and the export never carries them.
 *
 * An sd_mbox has its own SQLite connection and a lock, so that the HTTP
 * threads can fetch while the writer thread stores envelopes. */
#ifndef SD_MAILBOX_STORE_H
#define SD_MAILBOX_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "sd_channel.h"
#include "sd_mailbox.h"


typedef struct sd_mbox sd_mbox;

/* Open the tables in the intake store at path (made by sd_store_open). */
int sd_mbox_open(const char *path, sd_mbox **out);
void sd_mbox_close(sd_mbox *m);

/* The keys that may sign an outbox batch, with the channel each belongs
 * to: the current channel and a still-valid previous one. */
struct sd_mbox_signer {
	uint8_t ack_pk[SD_PK_BYTES];
	uint8_t channel_id[SD_CHANNEL_ID_BYTES];
};

struct sd_mbox_taken {
	size_t count;                     /* messages stored */
	char batch_id[SD_MSG_ID_HEX];
	char expires[11];                 /* their day of expiry */
};

/* Verify an outbox batch document against the signers, refuse one whose
 * batch id was taken before (SD_E_EXISTS) or whose channel is not the
 * signer's (SD_E_CHANNEL), and store all its messages, to expire
 * retention_days after today (sd_today), in one transaction.
 * SD_E_AUTHORITY, SD_E_SIGNATURE, SD_E_FORMAT, SD_E_TOOBIG from the
 * verification; SD_E_IO when it cannot be stored (nothing is). */
int sd_mbox_take(sd_mbox *m, const char *doc, size_t len,
    const struct sd_mbox_signer *signers, size_t n_signers,
    unsigned retention_days, struct sd_mbox_taken *res);

/* The fetch answer ("SDMB" blob, malloc'ed) for a mailbox id: the messages
 * not expired today, or none. Every id takes the same path: the lookup,
 * then the build of a padded answer. */
int sd_mbox_fetch(sd_mbox *m, const uint8_t id[SD_MAILBOX_ID_BYTES],
    uint8_t **blob, size_t *len);

/* Delete the messages whose day of expiry has come (sd_today); *deleted
 * (may be NULL) gets how many. */
int sd_mbox_expire(sd_mbox *m, size_t *deleted);

/* Parse a mailbox id of exactly 32 hex characters (either case). */
int sd_mbox_id_parse(const char *s, size_t len,
    uint8_t id[SD_MAILBOX_ID_BYTES]);

#endif
