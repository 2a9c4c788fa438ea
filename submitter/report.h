/* The report a company submits: the stats part, the optional details part
 * and attachments, loaded from files or filled in interactively, completed
 * (schema, incident_ref, reporter), validated with the shared schema and
 * turned into envelope sections. */
#ifndef SUB_REPORT_H
#define SUB_REPORT_H

#include <stddef.h>

#include <jansson.h>

#include "sd_envelope.h"
#include "sd_schema.h"

/* report.json and --details files; bigger than any valid report can be */
#define SUB_REPORT_FILE_MAX (2u * 1024 * 1024)

typedef struct sub_report sub_report;

int sub_report_new(sub_report **out);
void sub_report_free(sub_report *r);   /* wipes what it held */

/* Load a report file ("-" for stdin). Members that belong to the details
 * part are moved there. Whole lines starting with // are comments (what
 * `sealdrop-submit template` prints). Problems go to errs, each naming the
 * file or the field; the return is SD_OK or SD_E_FORMAT / SD_E_IO. */
int sub_report_load(sub_report *r, const char *path, struct sd_errlist *errs);
/* A --details file: every member goes to the details part. */
int sub_report_load_details(sub_report *r, const char *path,
    struct sd_errlist *errs);
/* Read a file and keep it as an attachment section (5 files, 10 MiB each). */
int sub_report_attach(sub_report *r, const char *path, struct sd_errlist *errs);
size_t sub_report_n_attachments(const sub_report *r);

/* The part objects, borrowed; the interactive mode fills them directly. */
json_t *sub_report_part(sub_report *r, enum sd_part part);

/* What makes a later report replace an earlier one (PRODUCT.md section 7):
 * its incident_ref and its reporter pseudonym. Each value comes with where
 * it came from, for the message when the report's own value differs. */
struct sub_identity {
	const char *incident_ref;      /* NULL: the report's own, or fresh */
	const char *ref_origin;        /* e.g. "--incident-ref" */
	const char *reporter;          /* NULL: none to set */
	const char *reporter_origin;
	int no_reporter;               /* the report must carry none */
	const char *no_reporter_why;   /* said when it does */
	const char *hint;              /* what to do when a value differs */
};

/* Fill in schema, incident_ref (given, or fresh random) and reporter, then
 * validate both parts. SD_OK, or SD_E_FORMAT with every problem in errs. */
int sub_report_finish_as(sub_report *r, const struct sub_identity *id,
    const char *today, struct sd_errlist *errs);
/* The same with incident_ref from --incident-ref and reporter (may be NULL)
 * from the organisation secret. */
int sub_report_finish(sub_report *r, const char *incident_ref,
    const char *reporter, const char *today, struct sd_errlist *errs);
/* Put the mailbox public key in the details part (creating the part when
 * the report has no details), after sub_report_finish. */
int sub_report_set_mailbox(sub_report *r, const uint8_t pk[32]);
const char *sub_report_incident_ref(const sub_report *r);
/* the reporter pseudonym the report carries, or NULL */
const char *sub_report_reporter(const sub_report *r);

/* Sections for sd_envelope_seal, pointing into r (valid until it is freed):
 * stats, then details if any, then attachments. sec holds
 * SD_ENV_MAX_SECTIONS entries. */
int sub_report_sections(sub_report *r, struct sd_section_in *sec, size_t *n);

/* Validate one answer on its own: why gets the schema's message about that
 * field, if any. Returns 1 when the value is acceptable. */
int sub_field_check(enum sd_part part, const char *name, json_t *value,
    const char *today, char *why, size_t cap);

/* The media type sent for a file name, from its extension. */
const char *sub_media_type(const char *name);
/* The last path component: attachments never carry directories. */
const char *sub_base_name(const char *path);

#endif
