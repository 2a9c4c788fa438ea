/* The channel descriptor (PRODUCT.md section 2). */
#ifndef SD_CHANNEL_H
#define SD_CHANNEL_H

#include <stddef.h>
#include <stdint.h>

#include "sd_keys.h"

#define SD_CHANNEL_ID_BYTES 16
#define SD_CHANNEL_MAX_RECIPIENTS 16
#define SD_LABEL_MAX 128

struct sd_recipient {
	uint8_t key_id[SD_KEY_ID_BYTES];
	uint8_t pk[SD_PK_BYTES];
	enum sd_role role;              /* SD_ROLE_STATS or SD_ROLE_DETAILS */
	char label[SD_LABEL_MAX];
};

struct sd_channel_spec {
	const struct sd_recipient *recipients;
	size_t n_recipients;
	uint8_t receipt_pk[SD_PK_BYTES];
	int has_ack;
	uint8_t ack_pk[SD_PK_BYTES];
	char issued[11];                /* YYYY-MM-DD */
	char expires[11];
};

typedef struct sd_channel sd_channel;

/* Build the body, sign it with the authority key; *json is malloc'ed. */
int sd_channel_create(const sd_seckey *authority,
    const struct sd_channel_spec *spec, char **json, size_t *jsonlen);

/* Verify json against the pinned authority key (required), then parse.
 * today is "YYYY-MM-DD" or NULL for sd_today(). SD_E_AUTHORITY,
 * SD_E_SIGNATURE, SD_E_EXPIRED, SD_E_FORMAT. */
int sd_channel_load(const char *json, size_t len,
    const uint8_t authority[SD_PK_BYTES], const char *today,
    sd_channel **out);
/* same, reading the file */
int sd_channel_load_file(const char *path,
    const uint8_t authority[SD_PK_BYTES], const char *today,
    sd_channel **out);
void sd_channel_free(sd_channel *ch);

const uint8_t *sd_channel_id(const sd_channel *ch);       /* 16 bytes */
const uint8_t *sd_channel_authority(const sd_channel *ch);
const uint8_t *sd_channel_receipt_pk(const sd_channel *ch);
const uint8_t *sd_channel_ack_pk(const sd_channel *ch);   /* NULL if none */
const char *sd_channel_issued(const sd_channel *ch);
const char *sd_channel_expires(const sd_channel *ch);
/* the descriptor exactly as loaded (what GET /api/v1/channel serves) */
const char *sd_channel_json(const sd_channel *ch, size_t *len);
/* all recipients in channel order */
const struct sd_recipient *sd_channel_recipients(const sd_channel *ch,
    size_t *n);
/* number of recipients with this role (in channel order via the above) */
size_t sd_channel_count_role(const sd_channel *ch, enum sd_role role);

#endif
