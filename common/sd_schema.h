/* The one definition of the report schema sealdrop.report/1 (PRODUCT.md
 * section 4). The web form, the server's validation, the submitter's prompts
 * and the analyst's dimensions are all generated from these tables. Labels
 * here are English; they double as gettext msgids for translations. */
#ifndef SD_SCHEMA_H
#define SD_SCHEMA_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define SD_SCHEMA_ID "sealdrop.report/1"
/* An answer from a reporter to the analysts (docs/followup.md): its stats
 * section is only {"schema": ...}, so it can never count. */
#define SD_FOLLOWUP_SCHEMA_ID "sealdrop.followup/1"
/* The details member that carries the mailbox public key. The sealer fills
 * it, nobody types it, so it is not in the details field table the form and
 * the prompts are made from; sd_schema_validate() knows it. A details
 * section holding only it (a report sent without details) needs no
 * narrative. */
#define SD_DETAILS_MAILBOX "mailbox"

enum sd_ftype {
	SD_FT_CONST,     /* "schema": fixed string */
	SD_FT_HEX,       /* fixed-length lower-case hex (incident_ref, reporter) */
	SD_FT_CODE,      /* one code of a list */
	SD_FT_CODES,     /* non-empty array of distinct codes of a list */
	SD_FT_QUARTER,   /* "YYYY-Qn", 2000-Q1 .. the current quarter */
	SD_FT_UINT,      /* non-negative integer up to max */
	SD_FT_BOOL,
	SD_FT_TEXT,      /* UTF-8 text, at most max characters */
	SD_FT_KEY,       /* base64 of a 32-byte public key (the mailbox) */
};

struct sd_code {
	const char *code;
	const char *label;     /* English; msgid */
};

struct sd_field {
	const char *name;      /* JSON member */
	enum sd_ftype type;
	int required;
	const struct sd_code *codes;   /* CODE / CODES */
	size_t n_codes;
	uint64_t max;          /* HEX: hex chars; UINT: max value; TEXT: chars */
	const char *label;     /* English question/label; msgid */
	const char *help;      /* English help text; msgid; may be NULL */
	int dimension;         /* usable as a table dimension by the analyst */
};

enum sd_part {
	SD_PART_STATS, SD_PART_DETAILS,
	/* the two sections of a sealdrop.followup/1 envelope */
	SD_PART_FOLLOWUP_STATS, SD_PART_FOLLOWUP_DETAILS,
};

/* Field tables in form order. */
const struct sd_field *sd_schema_fields(enum sd_part part, size_t *n);
const struct sd_field *sd_schema_field(enum sd_part part, const char *name);
/* index of code in f's list, or -1 */
int sd_schema_code_index(const struct sd_field *f, const char *code);

/* Validation collects every problem at once, each "field: why" in plain
 * words, e.g. "sector: 'Z' is not a NACE Rev. 2.1 section (A to V)". */
#define SD_SCHEMA_MAX_ERRORS 64
struct sd_errlist {
	size_t n;
	char msg[SD_SCHEMA_MAX_ERRORS][192];
};
void sd_errlist_add(struct sd_errlist *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* 0 when valid, else the number of errors (also in errs->n). today is
 * "YYYY-MM-DD" or NULL for sd_today(); it bounds "discovered". Unknown
 * members, wrong types, codes outside the lists, oversized values are all
 * errors naming the field. */
int sd_schema_validate(enum sd_part part, const json_t *obj, const char *today,
    struct sd_errlist *errs);

/* 1 when json is the stats section of a follow-up answer, exactly
 * {"schema": "sealdrop.followup/1"}, else 0. */
int sd_followup_stats_is(const char *json, size_t len);

/* The two sections of a follow-up answer (docs/followup.md), as every
 * sealer builds them: stats gets {"schema"} only, details {"schema",
 * "mailbox" (base64 of mailbox_pk, 32 bytes), "in_reply_to" (when not
 * NULL), "text" (len bytes)}. Both are then validated into errs. SD_OK;
 * SD_E_INVAL when the text is not UTF-8; SD_E_FORMAT when a part does not
 * validate (errs says why); SD_E_NOMEM. */
int sd_followup_answer(const uint8_t mailbox_pk[32], const char *in_reply_to,
    const char *text, size_t len, json_t *stats, json_t *details,
    struct sd_errlist *errs);

/* A validated stats section in compact form, for the analyst: code fields
 * hold the index into the field's list, multi-valued fields a bit mask. */
struct sd_report {
	uint8_t incident_ref[16];
	uint8_t reporter[32];
	uint8_t has_reporter;
	uint8_t member_state, organisation, sector, size_class;
	uint8_t actor, actor_origin, reported_to_police;
	uint16_t discovered_year;
	uint8_t discovered_quarter;    /* 1..4 */
	uint32_t secret_types;         /* bit i = code i */
	uint32_t attack_vectors;
	int64_t loss_eur;              /* -1 when absent */
	int64_t jobs_at_risk;          /* -1 when absent */
};

/* Validate and convert a stats JSON text. SD_OK, or SD_E_FORMAT with errs
 * filled (errs may be NULL). */
int sd_report_parse(const char *json, size_t len, const char *today,
    struct sd_report *out, struct sd_errlist *errs);

#endif
