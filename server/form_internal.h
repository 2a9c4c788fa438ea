/* Shared between the form's own source files; not part of its interface. */
#ifndef SD_FORM_INTERNAL_H
#define SD_FORM_INTERNAL_H

#include <stdint.h>

#include <jansson.h>

#include "form.h"
#include "i18n.h"
#include "tmpl.h"

/* Messages shown next to a field; msgids of the catalogues. The browser
 * gets the same texts (under the names of form_msgs) so that its checks
 * say exactly what the server's say. */
#define M_CHOOSE_ONE   N_("Choose one of the options.")
#define M_CHOOSE_SOME  N_("Choose at least one option.")
#define M_NOT_LISTED   N_("This choice is not on the list.")
#define M_ONE_ANSWER   N_("Give only one answer here.")
#define M_QUARTER_MISS N_("Choose the year and the quarter.")
#define M_QUARTER_BAD  N_("Give the quarter as YYYY-Qn, for example 2026-Q1.")
#define M_QUARTER_OLD  N_("The quarter cannot be before 2000.")
#define M_QUARTER_LATE N_("The quarter cannot be in the future.")
#define M_NUMBER_MISS  N_("Enter a number.")
#define M_NUMBER_BAD   N_("Use digits only, without spaces, dots or other signs.")
#define M_NUMBER_BIG   N_("This number is larger than the limit.")
#define M_YES_NO       N_("Answer yes or no.")
#define M_TEXT_EMPTY   N_("This field cannot be empty.")
/* TRANSLATORS: {max} is a number of characters. */
#define M_TEXT_LONG    N_("The text is too long: at most {max} characters.")
#define M_TEXT_BAD     N_("The text contains characters that cannot be " \
	"used. Check it and try again.")
#define M_REF_BAD      N_("The incident reference must be 32 characters " \
	"0-9 and a-f.")
#define M_CODE_BAD     N_("This is not an organisation code. It has 55 " \
	"letters and digits in groups of five. Check it, or leave the field " \
	"empty.")
#define M_CODE_TYPO    N_("This organisation code has a typing mistake. " \
	"Check it letter by letter.")
#define M_INVALID      N_("This answer is not valid.")

struct form_msg {
	const char *key;      /* the name the browser's checks use */
	const char *msgid;
};
extern const struct form_msg form_msgs[];
extern const size_t form_n_msgs;
/* The msgid of a text of the browser's sealer (form_page.c), by its key;
 * NULL for none. The follow-up page's script says the same things. */
const char *form_ui_msgid(const char *key);

/* One step of the form: schema members in the order shown, NULL-ended.
 * "reporter" stands for the organisation code, which gives it. */
struct form_step {
	const char *key;      /* "organisation", ...: ids and the browser */
	const char *title;    /* msgid */
	const char *intro;    /* msgid: who can read these answers */
	const char *const *fields;
	int details;          /* the details part (and, with JavaScript, files) */
};
extern const struct form_step form_steps[SD_FORM_STEPS];
/* 1..SD_FORM_STEPS for a schema member or form field, else 0. */
int form_step_of(const char *field);

/* Check the answers of one step as sd_form_build checks them: errs gets a
 * message per wrong field of that step. SD_OK (errs may be non-empty) or
 * SD_E_NOMEM / SD_E_INVAL. */
int form_check_step(const sd_web *w, const char *lang,
    const sd_form_input *in, const char *today, int step,
    struct sd_form_errors *errs);

struct sd_web {
	sd_i18n *i18n;
	sd_tmpl *layout;
	sd_tmpl *form;
	sd_tmpl *receipt;
	sd_tmpl *error;
	sd_tmpl *receipt_text;
	sd_tmpl *followup;
	unsigned max_files;
	uint64_t max_file_bytes;
};

/* One pair of a form post. Values live in sd_bufs (wiped on free). */
struct form_pair {
	char name[SD_FORM_MAX_SHORT];
	sd_buf value;
};

struct sd_form_input {
	struct form_pair p[SD_FORM_MAX_PAIRS];
	size_t n;
	size_t total;
};

const char *web_tr(const sd_web *w, const char *lang, const char *msgid);
const char *web_trc(const sd_web *w, const char *lang, const char *ctx,
    const char *msgid);
/* msgid translated, with each "{name}" of names[i] replaced by values[i]. */
int web_tr_fill(const sd_web *w, const char *lang, const char *msgid,
    const char *const *names, const char *const *values, size_t n,
    char *out, size_t outlen);
/* Render body with data, then the layout around it, into out. data gains
 * the members the layout needs. title is a msgid; data may hold a
 * "title_text" (already translated) and "has_errors" (the title then starts
 * with "Error:"), and "lang_form" (the language menu submits that form, so
 * nothing typed is lost). */
int web_page(const sd_web *w, const char *lang, const char *title,
    const sd_tmpl *body, json_t *data, sd_buf *out);
/* Render t alone (no layout) into out, in lang. */
int web_render(const sd_web *w, const char *lang, const sd_tmpl *t,
    const json_t *data, sd_buf *out);
/* The receipt page's body with empty values, for the browser to fill in
 * once it has stored a report (form_receipt.c). */
int form_receipt_slots(const sd_web *w, const char *lang, sd_buf *out);
/* The receipt file's text with "{receipt}", "{day}", "{incident_ref}",
 * "{signature}", "{signed_text}" and "{receipt_key}" where the values go. */
int form_receipt_text_template(const sd_web *w, const char *lang,
    sd_buf *out);
/* Set key of obj to a new string (copied); SD_E_NOMEM on failure. */
int web_set_str(json_t *obj, const char *key, const char *s);
int web_set_strn(json_t *obj, const char *key, const char *s, size_t n);
/* msgid translated, with "{name}" replaced by value. */
int web_tr_subst(const sd_web *w, const char *lang, const char *msgid,
    const char *name, const char *value, char *out, size_t outlen);

#endif
