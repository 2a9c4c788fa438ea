/* A small template engine for server-rendered pages. Templates are parsed
 * once at start-up; rendering walks the parsed form with a jansson value as
 * the data.
 *
 *   {{name}}        the value of name, escaped for HTML text and attributes
 *   {{{name}}}      the value unescaped: only for HTML the code made itself
 *   {{_ msgid}}     msgid translated into the page language, escaped
 *   {{#name}}..{{/name}}  repeat for each element of an array (the element
 *                   becomes the innermost scope), enter an object, or
 *                   render once for true / a non-empty string
 *   {{^name}}..{{/name}}  render when name is false, null, "" or []
 *   {{.}}           the current element (arrays of strings)
 *
 * Names are looked up from the innermost scope outwards. A name found in
 * no scope is an error, never an empty string: a typo in a template must
 * not silently drop a field or an escaping decision. */
#ifndef SD_TMPL_H
#define SD_TMPL_H

#include <stddef.h>

#include <jansson.h>

#include "sd_buf.h"

#define SD_TMPL_MAX_FILE   (256 * 1024)  /* bytes of one template */
#define SD_TMPL_MAX_NODES  4096          /* parsed pieces of one template */
#define SD_TMPL_MAX_DEPTH  16            /* nested sections */

typedef struct sd_tmpl sd_tmpl;

/* Translate msgid; returns msgid itself when there is no translation. */
typedef const char *(*sd_tmpl_tr_fn)(const void *ctx, const char *msgid);

/* Parse a template text. name is used in messages. On a syntax error
 * returns SD_E_FORMAT and writes "name:line: why" into err. */
int sd_tmpl_parse(const char *name, const char *text, size_t len,
    sd_tmpl **out, char *err, size_t errlen);
/* Read and parse a file (at most SD_TMPL_MAX_FILE bytes). */
int sd_tmpl_load(const char *path, sd_tmpl **out, char *err, size_t errlen);
void sd_tmpl_free(sd_tmpl *t);

/* Render t with data (a JSON object) into out. tr may be NULL (msgids are
 * then shown as they are). On a missing or unprintable variable returns
 * SD_E_FORMAT with "name:line: why" in err; out then holds a partial page
 * that must not be sent. */
int sd_tmpl_render(const sd_tmpl *t, const json_t *data, sd_tmpl_tr_fn tr,
    const void *trctx, sd_buf *out, char *err, size_t errlen);

/* The i-th {{_ msgid}} of t in order of appearance, or NULL past the
 * last: lets a test check that every catalogue translates a template. */
const char *sd_tmpl_msgid_at(const sd_tmpl *t, size_t i);

/* Append s (n bytes) to out with & < > " ' escaped. */
int sd_html_escape(sd_buf *out, const char *s, size_t n);

#endif
