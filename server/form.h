/* The web form: pages rendered from templates/, the form generated from the
 * report schema (common/sd_schema.h) in steps, translations from
 * templates/po/xx.po, the navigation between steps without JavaScript, the
 * data the browser's sealer needs (the same schema, the pinned authority
 * key, the messages), and the pure step that turns submitted form fields
 * into the stats and details JSON of a report. Nothing here touches HTTP:
 * the server feeds fields in and sends the rendered bytes out.
 *
 * Everything a page or a report holds may be plaintext of a report: output
 * buffers are sd_bufs (wiped on free), form inputs are wiped on free. */
#ifndef SD_FORM_H
#define SD_FORM_H

#include <stddef.h>
#include <stdint.h>

#include "sd_buf.h"

/* Marks a text as a msgid for scripts/update-pot.sh (xgettext); NC_ gives
 * it a msgctxt as well. Both are the text itself at run time. */
#define N_(s) s
#define NC_(ctx, s) s

/* Result codes of sd_form_build besides SD_OK and the sd_err codes. */
#define SD_FORM_INVALID  (-60)   /* errs filled: re-render the form, 400 */
#define SD_FORM_HONEYPOT (-61)   /* the hidden field was filled: 400, store nothing */

/* Hard limits on what a form post may carry (file parts are not counted:
 * the server handles attachments itself). */
#define SD_FORM_MAX_PAIRS   64            /* name/value pairs, repeats included */
#define SD_FORM_MAX_SHORT   64            /* bytes of any non-text value */
#define SD_FORM_MAX_BYTES   (1024 * 1024) /* all values together */
/* An output buffer of this size holds any page, including a re-rendered
 * form that carries a full narrative with every character escaped. */
#define SD_WEB_PAGE_MAX     (4 * 1024 * 1024)
/* Field names the form uses besides the schema's member names. */
#define SD_FORM_HONEYPOT_FIELD "website"
#define SD_FORM_ATTACHMENT_FIELD "attachment"   /* each file input, repeated */
#define SD_FORM_ORG_CODE_FIELD "org_code"       /* gives the reporter */
#define SD_FORM_GO_FIELD "go"                   /* the button pressed */
#define SD_FORM_STEP_FIELD "step"               /* the step shown */
#define SD_FORM_FROM_REVIEW_FIELD "from_review" /* a change from the review */

/* The steps of the form (about the organisation, what was taken, how, the
 * impact, the details) and the review that shows what will be sent. */
#define SD_FORM_STEPS 5
#define SD_FORM_REVIEW (SD_FORM_STEPS + 1)

/* Templates and catalogues, loaded once at start-up, read-only afterwards
 * (safe to share between threads). */
typedef struct sd_web sd_web;

/* Load templates_dir/{layout,form,receipt,error}.html and every
 * templates_dir/po/xx.po (en.po must exist). Anything malformed is refused
 * with a message on stderr naming the file and line. SD_OK, SD_E_IO,
 * SD_E_FORMAT or SD_E_NOMEM. */
int sd_web_load(const char *templates_dir, sd_web **out);
void sd_web_free(sd_web *w);   /* NULL is fine */

/* What the form says about attachments (defaults: 5 files, 10 MiB each).
 * Call before serving. */
void sd_web_set_attachment_limits(sd_web *w, unsigned max_files,
    uint64_t max_bytes_each);

/* Languages present at start-up ("da", "en", ...), sorted. */
size_t sd_web_n_langs(const sd_web *w);
const char *sd_web_lang_at(const sd_web *w, size_t i);

/* The page language: query_lang (the ?lang= value) when supported, else the
 * best supported language of accept_language (q-values honoured), else
 * "en". Either argument may be NULL. The result is owned by w. */
const char *sd_web_lang(const sd_web *w, const char *query_lang,
    const char *accept_language);

/* msgid (with msgctxt ctx, or NULL) in lang, as the pages show it. */
const char *sd_web_tr(const sd_web *w, const char *lang, const char *ctx,
    const char *msgid);

/* Submitted form fields: a bounded list of name/value pairs; repeated names
 * carry multi-valued fields (checkboxes). Values are copied into memory
 * that is wiped on free. */
typedef struct sd_form_input sd_form_input;

int sd_form_input_new(sd_form_input **out);
/* Wipe and release. NULL is fine. */
void sd_form_input_free(sd_form_input *in);
/* Feed one piece of a field, as libmicrohttpd's post processor hands it
 * over: off == 0 starts a new pair, off > 0 appends to the last pair, which
 * must have the same name and have reached exactly off bytes. Returns
 * SD_OK; SD_E_INVAL for a name the form does not have (answer 400) or a
 * piece out of order; SD_E_TOOBIG past a limit (answer 413). File parts
 * (those with a filename) must not be fed here. */
int sd_form_input_put(sd_form_input *in, const char *name, const char *data,
    uint64_t off, size_t size);
/* Convenience for a whole value. */
int sd_form_input_add(sd_form_input *in, const char *name, const char *value);
/* The first value of name, or NULL; *len gets its length when non-NULL. */
const char *sd_form_input_get(const sd_form_input *in, const char *name,
    size_t *len);

/* Per-field messages, already in the page language. field is the schema
 * member name (or SD_FORM_ATTACHMENT_FIELD); the page shows each message
 * next to its field and lists them all in a summary at the top. */
#define SD_FORM_MAX_ERRORS 32
struct sd_form_error {
	char field[40];
	char msg[384];
};
struct sd_form_errors {
	size_t n;
	struct sd_form_error e[SD_FORM_MAX_ERRORS];
};

/* Add a message (a msgid, translated here into lang) for field. Messages
 * the server may need for attachments: */
#define SD_FORM_MSG_FILE_TOO_LARGE \
	N_("A file is larger than the limit. Choose a smaller file.")
#define SD_FORM_MSG_TOO_MANY_FILES \
	N_("Too many files. Attach at most the number of files stated.")
void sd_form_errors_add(const sd_web *w, const char *lang,
    struct sd_form_errors *errs, const char *field, const char *msgid);

/* What a form page shows besides the values and errors. */
struct sd_form_view {
	int step;                 /* 1..SD_FORM_STEPS or SD_FORM_REVIEW */
	int from_review;          /* the step was opened from the review */
	/* an organisation code just made for the reader (shown once), "" if
	 * none */
	char new_code[80];
	/* base64 of the channel authority key the page pins for the
	 * browser's sealer; "" when the browser's sealer is not served */
	char authority_b64[48];
};

/* A fresh view of the first step (GET /). authority_b64 may be NULL. */
void sd_form_view_init(struct sd_form_view *v, const char *authority_b64);

/* The form page (GET /, a step, the review, or a step re-rendered after an
 * error). values and errs may be NULL; the incident reference of values is
 * kept, or a new one drawn. out is an sd_buf the caller initialised (max
 * SD_WEB_PAGE_MAX) and frees; on an error out holds nothing usable. */
int sd_form_page(const sd_web *w, const char *lang,
    const sd_form_input *values, const struct sd_form_errors *errs,
    const struct sd_form_view *view, sd_buf *out);

/* What a post to /submit asks for, from its go and step fields. */
enum sd_form_next {
	SD_FORM_NEXT_SHOW,        /* render view (errs may say why) */
	SD_FORM_NEXT_SEND,        /* build, seal and store the report */
	SD_FORM_NEXT_BAD,         /* go or step is not one the form sends */
};
/* Moving forward checks every step before the target: the first that has
 * a wrong answer is shown with its messages instead (errs->n > 0). Moving
 * back or to the same step checks nothing. A post without go is a send
 * (as from a form in one piece). view->authority_b64 is kept. */
enum sd_form_next sd_form_navigate(const sd_web *w, const char *lang,
    const sd_form_input *in, const char *today, struct sd_form_view *view,
    struct sd_form_errors *errs);
/* The step a set of messages belongs on (the first with one), for a send
 * that failed; SD_FORM_REVIEW for attachment messages only. */
int sd_form_step_of_errors(const struct sd_form_errors *errs);

/* Build the report from the fields. today is "YYYY-MM-DD" or NULL for
 * sd_today(). mailbox_pk (32 bytes, or NULL) is the follow-up mailbox key
 * the details carry as "mailbox" (docs/followup.md). On SD_OK stats_json
 * holds the compact stats JSON (members in schema order, incident_ref
 * generated when the form carries none) and details_json the details JSON,
 * or nothing (len 0) when there are no details and no mailbox; both pass
 * sd_schema_validate. SD_FORM_INVALID: errs says
 * what is wrong, field by field, and both buffers are empty.
 * SD_FORM_HONEYPOT: the hidden field was filled; nothing was built. Every
 * intermediate copy of the plaintext is wiped. */
int sd_form_build(const sd_web *w, const char *lang, const sd_form_input *in,
    const char *today, const uint8_t *mailbox_pk, sd_buf *stats_json,
    sd_buf *details_json, struct sd_form_errors *errs);

/* Build a follow-up answer (docs/followup.md) from the text a reader typed
 * (len bytes, NULL for none), as sealdrop-submit answer builds it
 * (sd_followup_answer): the text is cleaned and checked as the form's
 * texts are. in_reply_to is 32 hex or NULL; mailbox_pk 32 bytes. SD_OK
 * with both buffers filled, or SD_FORM_INVALID with a message for the
 * field "text" in errs and both empty. Every copy of the text is wiped. */
int sd_form_followup_build(const sd_web *w, const char *lang,
    const char *text, size_t len, const char *in_reply_to,
    const uint8_t *mailbox_pk, sd_buf *stats_json, sd_buf *details_json,
    struct sd_form_errors *errs);

/* A receipt as the reader keeps it. */
struct sd_receipt_view {
	const char *receipt;        /* 32 base32 characters */
	const char *day;            /* YYYY-MM-DD */
	const char *incident_ref;   /* 32 hex digits, or "" */
	const char *signature_b64;
	const char *receipt_key_b64;  /* the channel's receipt key */
	const char *followup_code;    /* shown once; "" or NULL for none */
};

/* The receipt page after a successful submission (or shown again in
 * another language from a receipt the reader carries). */
int sd_receipt_page(const sd_web *w, const char *lang,
    const struct sd_receipt_view *rv, sd_buf *out);
/* The receipt as a text file to keep, with how to check its signature. */
int sd_receipt_text(const sd_web *w, const char *lang,
    const struct sd_receipt_view *rv, sd_buf *out);

/* The follow-up page (GET and POST /followup): the form that takes the
 * code (ask), the messages of a mailbox (list) or the receipt of an answer
 * (receipt set). Everything here may be plaintext: the caller wipes it. */
struct sd_msg;
struct sd_followup_view {
	int ask;                    /* the code form */
	const char *code_error;     /* msgid shown at the code field, or NULL */
	int list;                   /* the messages below */
	const struct sd_msg *const *msgs;
	size_t n_msgs;
	const char *code;           /* canonical, for the answer forms */
	/* an answer sent back with a message (answer_error already in the
	 * page language, or NULL): kept in the form of the message with id
	 * reply_to */
	const char *reply_to;
	const char *answer;
	size_t answer_len;
	const char *answer_error;
	const char *receipt;        /* an answer stored: its receipt, or NULL */
	const char *day;
	unsigned retention_days;    /* --message-retention */
	/* the authority key to pin, when the page's scripts are served: the
	 * code form is then taken over by the page (it opens and answers in
	 * the browser); NULL or "" for the page without scripts */
	const char *authority_b64;
	/* during a rotation, the descriptor of the previous channel while it
	 * is valid (the script checks it as it checks the current one and
	 * takes its ack key too), or NULL */
	const char *previous_channel;
};

/* The message at the code field for what is not a follow-up code. */
#define SD_M_NOT_A_CODE N_("This is not a follow-up code. Copy it from " \
	"your receipt: FU- and eight groups of four letters and digits.")
int sd_followup_page(const sd_web *w, const char *lang,
    const struct sd_followup_view *v, sd_buf *out);

/* A small HTML page for 400, 404, 405, 413, 429, 500 and 503 (any other
 * status gets a generic text). */
int sd_error_page(const sd_web *w, const char *lang, int status,
    sd_buf *out);

/* Make jansson wipe every block it frees, so report JSON built on the form
 * path leaves no plaintext behind in freed memory. Call once in main()
 * before any other jansson call. The blocks stay ordinary malloc blocks:
 * free() on json_dumps output remains correct. */
void sd_form_json_wipe_on_free(void);

#endif
