/* Shared between the form's own source files; not part of its interface. */
#ifndef SD_FORM_INTERNAL_H
#define SD_FORM_INTERNAL_H

#include <stdint.h>

#include <jansson.h>

#include "form.h"
#include "i18n.h"
#include "tmpl.h"

struct sd_web {
	sd_i18n *i18n;
	sd_tmpl *layout;
	sd_tmpl *form;
	sd_tmpl *receipt;
	sd_tmpl *error;
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
/* Render body with data, then the layout around it, into out. data gains
 * the members the layout needs. title is a msgid. */
int web_page(const sd_web *w, const char *lang, const char *title,
    const sd_tmpl *body, json_t *data, sd_buf *out);
/* Set key of obj to a new string (copied); SD_E_NOMEM on failure. */
int web_set_str(json_t *obj, const char *key, const char *s);
int web_set_strn(json_t *obj, const char *key, const char *s, size_t n);
/* msgid translated, with "{name}" replaced by value. */
int web_tr_subst(const sd_web *w, const char *lang, const char *msgid,
    const char *name, const char *value, char *out, size_t outlen);

#endif
