/* Envelope v1 (PRODUCT.md section 3, docs/envelope.md).
 *
 * This header is what the intake server may use: sealing (the form path) and
 * the structural parse. Opening lives in sd_open.h, in a separate library the
 * server never links. */
#ifndef SD_ENVELOPE_H
#define SD_ENVELOPE_H

#include <stddef.h>
#include <stdint.h>

#include "sd_channel.h"

#define SD_ENV_MAGIC "SDRP"
#define SD_ENV_VERSION 1
#define SD_ENV_HEADER_LEN 38
#define SD_ENV_NONCE_BYTES 16
#define SD_ENV_RECIPIENT_LEN 88      /* key_id:8 | sealed_key:80 */
#define SD_ENV_CHUNK 65536
#define SD_ENV_CHUNK_CT (SD_ENV_CHUNK + 17)
#define SD_ENV_MAX_SECTIONS 7        /* stats, details, 5 attachments */
#define SD_ENV_MAX_ATTACHMENTS 5
#define SD_RECEIPT_BYTES 20
#define SD_RECEIPT_LEN 32            /* base32 chars */

/* Plaintext limits, per section type. */
#define SD_STATS_MAX (64 * 1024)
#define SD_DETAILS_MAX (1024 * 1024)
#define SD_ATTACHMENT_FILE_MAX (10 * 1024 * 1024)
#define SD_ATTACHMENT_META_MAX 4096
/* Largest envelope the formats allow with default limits. */
#define SD_ENVELOPE_MAX (64u * 1024 * 1024)

enum sd_section_type {
	SD_SEC_STATS = 1,
	SD_SEC_DETAILS = 2,
	SD_SEC_ATTACHMENT = 3,
};

struct sd_section_in {
	enum sd_section_type type;
	const uint8_t *data;      /* plaintext, unpadded */
	size_t len;
};

/* Seal sections (stats first, then optional details, then attachments) to
 * every recipient of the channel that reads each type. *out is malloc'ed
 * (ciphertext only). Randomness comes from libsodium's randombytes. */
int sd_envelope_seal(const sd_channel *ch, const struct sd_section_in *sec,
    size_t n, uint8_t **out, size_t *outlen);

struct sd_section_view {
	enum sd_section_type type;
	size_t index;
	const uint8_t *start;           /* the section's type byte */
	size_t prefix_len;              /* type .. body_len inclusive */
	uint8_t n_recipients;
	const uint8_t *recipients;      /* n_recipients * 88 bytes */
	const uint8_t *ss_header;       /* 24 bytes */
	uint64_t body_len;
	size_t padded;                  /* padded plaintext length */
	const uint8_t *body;
};

struct sd_envelope_view {
	const uint8_t *header;          /* 38 bytes */
	uint8_t n_sections;
	const uint8_t *channel_id;      /* 16 bytes */
	const uint8_t *nonce;           /* 16 bytes */
	struct sd_section_view sec[SD_ENV_MAX_SECTIONS];
};

/* Structural parse, no keys: magic, version, section order and types,
 * lengths against the chunking, nothing after the last section. The view
 * points into buf. */
int sd_envelope_parse(const uint8_t *buf, size_t len,
    struct sd_envelope_view *v);
/* The same checks on the header and the first (stats) section only, for a
 * reader that needs nothing else: buf may end anywhere after that section.
 * Only sec[0] of the view is filled; *first_len is where section 0 ends. */
int sd_envelope_parse_first(const uint8_t *buf, size_t len,
    struct sd_envelope_view *v, size_t *first_len);
/* The view's channel_id and recipient key ids are exactly the channel's
 * (per role, in channel order). SD_E_CHANNEL or SD_E_RECIPIENTS. */
int sd_envelope_check_channel(const struct sd_envelope_view *v,
    const sd_channel *ch);

/* receipt id: base32 of the first 20 bytes of BLAKE2b-256(envelope) */
void sd_receipt_id(char out[SD_RECEIPT_LEN + 1], const uint8_t *env,
    size_t len);
/* the bytes a receipt signature covers: "sealdrop-receipt/1 <receipt> <day>";
 * returns the length written (> 0) or SD_E_INVAL */
int sd_receipt_message(char *out, size_t cap, const char *receipt,
    const char *day);

/* which key role reads a section type */
enum sd_role sd_section_reader(enum sd_section_type t);
/* ciphertext body length for a padded plaintext of p bytes */
uint64_t sd_body_len(size_t padded);

#endif
