/* The local receipt log: one line per submission, so a company can later
 * prove what it sent and when. It never holds any report content. */
#ifndef SUB_RECEIPTS_H
#define SUB_RECEIPTS_H

#include <stdint.h>

#include "sd_channel.h"
#include "sd_encode.h"
#include "sd_envelope.h"

#define SUB_SIG_B64 SD_B64_LEN(64)

struct sub_receipt {
	char receipt[SD_RECEIPT_LEN + 1];
	char day[11];
	char signature[SUB_SIG_B64];
};

/* Append "receipt TAB day TAB signature TAB server TAB channel_id(hex)" to
 * path, created 0600 (and its directories 0700) if needed, synced before
 * return. */
int sub_receipts_append(const char *path, const struct sub_receipt *r,
    const char *server, const uint8_t channel_id[SD_CHANNEL_ID_BYTES]);

#endif
