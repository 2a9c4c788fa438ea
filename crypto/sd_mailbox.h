/* Follow-up without revealing who reported (PRODUCT.md section 8; the
 * bytes are fixed in docs/followup.md): the follow-up code, the mailbox
 * keys derived from it, messages from the analysts sealed to a mailbox,
 * the outbox batch that carries them to the intake host and the answer
 * the intake host gives to a fetch.
 *
 * This module is part of sd_crypto, which the intake server links: it
 * derives mailbox keys and opens messages (for the follow-up page without
 * JavaScript), it never opens envelopes. */
#ifndef SD_MAILBOX_H
#define SD_MAILBOX_H

#include <stddef.h>
#include <stdint.h>

#include "sd_keys.h"

#define SD_FOLLOWUP_BYTES 20            /* F */
#define SD_FOLLOWUP_CODE_CAP 43         /* "FU-" + 8 groups of 4 + 7 '-' + NUL */
#define SD_MAILBOX_ID_BYTES 16
#define SD_MAILBOX_ID_HEX 33            /* 32 hex + NUL */
#define SD_MSG_ID_BYTES 16
#define SD_MSG_ID_HEX 33

#define SD_MSG_FORMAT "sealdrop.message/1"
#define SD_OUTBOX_FORMAT "sealdrop.outbox/1"
#define SD_MSG_KEYFIELD "ack_key"

#define SD_MSG_TEXT_MAX 100000          /* characters (code points) */
#define SD_MSG_ATTACH_MAX 5
#define SD_MSG_ATTACH_BYTES (4 * 1024 * 1024)   /* all attachments, decoded */
#define SD_MSG_NAME_MAX 255             /* attachment name, bytes */
#define SD_MSG_TYPE_MAX 127             /* media type, bytes */
/* A message's signed document: a full message (text and 4 MiB of
 * attachments, base64 in the body, the body base64 in the document) stays
 * well below it. */
#define SD_MSG_SIGNED_MAX (16 * 1024 * 1024)
/* The sealed form: crypto_box_seal of the padded signed document. */
#define SD_MSG_SEALED_MIN (1024 + 48)
#define SD_MSG_SEALED_MAX (17 * 1024 * 1024)
/* An outbox batch document, and what one batch may carry. */
#define SD_OUTBOX_MAX (256 * 1024 * 1024)
#define SD_OUTBOX_ITEMS_MAX 10000
/* The fetch answer. */
#define SD_MBOX_BLOB_MIN 65536
#define SD_MBOX_BLOB_ITEMS_MAX 10000

/* --- follow-up code ------------------------------------------------------ */

void sd_followup_draw(uint8_t f[SD_FOLLOWUP_BYTES]);
/* "FU-ABCD-...-4567"; out holds SD_FOLLOWUP_CODE_CAP bytes */
void sd_followup_format(char out[SD_FOLLOWUP_CODE_CAP],
    const uint8_t f[SD_FOLLOWUP_BYTES]);
/* Lenient reading: upper or lower case, '-' or spaces between groups (or
 * none), with or without the leading "FU", surrounding white space.
 * SD_OK or SD_E_CODE (f is then wiped). */
int sd_followup_parse(const char *code, size_t len,
    uint8_t f[SD_FOLLOWUP_BYTES]);

/* --- mailbox keys -------------------------------------------------------- */

typedef struct sd_mailbox sd_mailbox;   /* in sodium_malloc memory */

int sd_mailbox_derive(const uint8_t f[SD_FOLLOWUP_BYTES], sd_mailbox **out);
void sd_mailbox_free(sd_mailbox *mb);
const uint8_t *sd_mailbox_pk(const sd_mailbox *mb);   /* 32 bytes */
const uint8_t *sd_mailbox_id(const sd_mailbox *mb);   /* 16 bytes */
/* the id as 32 hex characters (for the fetch) */
void sd_mailbox_id_hex(const sd_mailbox *mb, char out[SD_MAILBOX_ID_HEX]);
/* the id of a mailbox public key (the analysts know only pk) */
void sd_mailbox_id_of(const uint8_t pk[SD_PK_BYTES],
    uint8_t id[SD_MAILBOX_ID_BYTES]);
/* the seed, for test vectors only */
void sd_mailbox_seed(const uint8_t f[SD_FOLLOWUP_BYTES], uint8_t seed[32]);

/* --- messages ------------------------------------------------------------ */

struct sd_msg_attachment {
	const char *name;
	const char *media_type;
	const uint8_t *data;
	size_t len;
};

struct sd_msg_spec {
	const uint8_t *channel_id;      /* 16 bytes */
	const char *in_reply_to;        /* 32 hex or NULL */
	const char *text;               /* UTF-8, textlen bytes */
	size_t textlen;
	const struct sd_msg_attachment *attachments;
	size_t n_attachments;
	const char *sent;               /* "YYYY-MM-DD" or NULL for today */
};

/* Build the body, sign it with the ack key (an SD_ROLE_ACK key), pad and
 * seal it to the mailbox public key. id (may be NULL) gets the message's
 * random id; *sealed is malloc'ed. SD_E_INVAL for a spec the format does
 * not allow (text too long, too many or too large attachments, bad name),
 * SD_E_ROLE for a key that is not an ack key. */
int sd_msg_seal(const sd_seckey *ack, const uint8_t mailbox_pk[SD_PK_BYTES],
    const struct sd_msg_spec *spec, char id[SD_MSG_ID_HEX], uint8_t **sealed,
    size_t *sealedlen);

typedef struct sd_msg sd_msg;

/* Open a sealed message with the mailbox's key. SD_E_UNSEAL when it was not
 * sealed to this mailbox, SD_E_PADDING / SD_E_FORMAT when what is inside is
 * not a message. Otherwise SD_OK with *out, which says whether it is
 * verified: signed over its body by the key in its ack_key field, that key
 * equal to ack_pk (the channel's), and its mailbox field our id. */
int sd_msg_open(const sd_mailbox *mb, const uint8_t ack_pk[SD_PK_BYTES],
    const uint8_t *sealed, size_t len, sd_msg **out);
void sd_msg_free(sd_msg *m);
int sd_msg_verified(const sd_msg *m);
/* why a message is not verified (NULL when it is) */
const char *sd_msg_why(const sd_msg *m);
const char *sd_msg_id(const sd_msg *m);
const char *sd_msg_channel_id(const sd_msg *m);      /* 32 hex */
const char *sd_msg_sent(const sd_msg *m);
const char *sd_msg_in_reply_to(const sd_msg *m);     /* NULL if none */
const char *sd_msg_text(const sd_msg *m, size_t *len);
size_t sd_msg_n_attachments(const sd_msg *m);
const struct sd_msg_attachment *sd_msg_attachment(const sd_msg *m, size_t i);
/* 1 when name is a file name an attachment may carry (no path, no control
 * characters, not "." or "..", at most SD_MSG_NAME_MAX bytes of UTF-8) */
int sd_msg_name_ok(const char *name, size_t len);

/* --- outbox batch -------------------------------------------------------- */

struct sd_outbox_item {
	uint8_t mailbox[SD_MAILBOX_ID_BYTES];
	const uint8_t *sealed;
	size_t len;
};

/* Sign a batch of items with the ack key, in random order. batch_id (may be
 * NULL) gets its random id; created NULL means today; *doc is malloc'ed. */
int sd_outbox_create(const sd_seckey *ack, const uint8_t *channel_id,
    const char *created, const struct sd_outbox_item *items, size_t n,
    char batch_id[SD_MSG_ID_HEX], char **doc, size_t *doclen);

typedef struct sd_outbox sd_outbox;

/* Verify a batch against the ack keys that may sign it (n_ack of them,
 * 32 bytes each: the current channel's and still-valid previous ones) and
 * parse it. SD_E_AUTHORITY when signed by another key, SD_E_SIGNATURE,
 * SD_E_FORMAT, SD_E_TOOBIG. */
int sd_outbox_verify(const char *doc, size_t len, const uint8_t *ack_pks,
    size_t n_ack, sd_outbox **out);
void sd_outbox_free(sd_outbox *o);
const char *sd_outbox_batch_id(const sd_outbox *o);       /* 32 hex */
const uint8_t *sd_outbox_channel_id(const sd_outbox *o);  /* 16 bytes */
const char *sd_outbox_created(const sd_outbox *o);
const uint8_t *sd_outbox_signer(const sd_outbox *o);      /* which ack key */
size_t sd_outbox_count(const sd_outbox *o);
const struct sd_outbox_item *sd_outbox_item(const sd_outbox *o, size_t i);

/* --- fetch answer -------------------------------------------------------- */

struct sd_sealed_ref {
	const uint8_t *data;
	size_t len;
};

/* Size of the answer for this much content (header and items): 65536
 * when it fits, else padme(content); 0 when too large. */
size_t sd_mbox_blob_size(size_t content);
/* "SDMB" | 1 | count:u32 | (len:u32 | sealed)* | zeros; *out malloc'ed. */
int sd_mbox_blob_build(const struct sd_sealed_ref *items, size_t n,
    uint8_t **out, size_t *outlen);
/* Parse an answer: *items (malloc'ed array, may be NULL when *n is 0)
 * points into blob. Strict: the size must be the one for its content and
 * the padding all zero. SD_E_FORMAT otherwise. */
int sd_mbox_blob_parse(const uint8_t *blob, size_t len,
    struct sd_sealed_ref **items, size_t *n);

#endif
