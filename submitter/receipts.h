/* The local receipt log: one line per submission, so a company can later
 * prove what it sent and when, and send a correction of a report without
 * copying its incident_ref by hand. It never holds any report content. */
#ifndef SUB_RECEIPTS_H
#define SUB_RECEIPTS_H

#include <stdint.h>

#include "org.h"
#include "sd_channel.h"
#include "sd_encode.h"
#include "sd_envelope.h"
#include "sd_mailbox.h"

#define SUB_SIG_B64 SD_B64_LEN(64)
#define SUB_INCIDENT_HEX 33     /* 32 hex digits and the NUL */
/* the shortest receipt prefix --update takes */
#define SUB_RECEIPT_PREFIX_MIN 8

struct sub_receipt {
	char receipt[SD_RECEIPT_LEN + 1];
	char day[11];
	char signature[SUB_SIG_B64];
	char followup[SD_FOLLOWUP_CODE_CAP];   /* the follow-up code, "" if none */
};

/* Append one line to path, tab-separated:
 *   receipt day signature server channel_id(hex) incident_ref reporter
 *   followup
 * where reporter is the pseudonym sent, or "-" when the report carried none
 * (reporter NULL), and followup the report's follow-up code or "-". The
 * code reads the analysts' questions: the log is the reporter's alone. The file is created 0600 (its directories 0700) if
 * needed, tightened to 0600 if it was not, and synced before return. */
int sub_receipts_append(const char *path, const struct sub_receipt *r,
    const char *server, const uint8_t channel_id[SD_CHANNEL_ID_BYTES],
    const char *incident_ref, const char *reporter);

/* What the log says of one earlier submission. */
struct sub_logged {
	char receipt[SD_RECEIPT_LEN + 1];
	char day[11];
	char incident_ref[SUB_INCIDENT_HEX];   /* "" on lines of older versions */
	char reporter[SUB_REPORTER_HEX];       /* "" when sent without one */
	int has_identity;                      /* incident_ref and reporter known */
	char followup[SD_FOLLOWUP_CODE_CAP];   /* "" when the line has none */
};

/* The line of a receipt, given whole or as a prefix of at least
 * SUB_RECEIPT_PREFIX_MIN characters (any case). SD_OK; SD_E_INVAL when no
 * line has it; SD_E_FORMAT when the prefix fits several receipts; SD_E_IO
 * when the log cannot be read (errno kept: ENOENT when there is none). */
int sub_receipts_find(const char *path, const char *receipt,
    struct sub_logged *out);

#endif
