/* Translations: gettext PO catalogues (msgctxt/msgid/msgstr, multi-line
 * strings, C escapes, comments, the fuzzy flag; no plural forms), one per
 * language, read from one directory. English is the language of the
 * msgids, so a missing, empty or fuzzy translation falls back to the
 * English text. The web form and the analyst's report share them; the
 * choice of a page's language is the server's (server/i18n.h). */
#ifndef SD_COMMON_I18N_H
#define SD_COMMON_I18N_H

#include <stddef.h>

#define SD_PO_MAX_FILE     (1024 * 1024)  /* bytes of one catalogue */
#define SD_PO_MAX_ENTRIES  4096
#define SD_PO_MAX_STRING   (16 * 1024)    /* bytes of one msgid or msgstr */
#define SD_I18N_MAX_LANGS  64
#define SD_I18N_CODE_MAX   4              /* "xx" or "xxx" and the NUL */

typedef struct sd_po sd_po;

/* Parse a PO text. On a syntax error returns SD_E_FORMAT and sets *errline
 * to the 1-based line (errline may be NULL). */
int sd_po_parse(const char *text, size_t len, sd_po **out, size_t *errline);
void sd_po_free(sd_po *po);
/* The translation of msgid, or NULL when absent or empty. An entry with a
 * context is keyed "context\004msgid" here; sd_po_getc builds that key. */
const char *sd_po_get(const sd_po *po, const char *msgid);
const char *sd_po_getc(const sd_po *po, const char *ctx, const char *msgid);
/* A header field of the catalogue (the msgstr of the empty msgid), e.g.
 * "Language" or "X-Language-Name"; copied into out. SD_OK or SD_E_INVAL
 * when absent or too long. */
int sd_po_header(const sd_po *po, const char *field, char *out, size_t outlen);
size_t sd_po_count(const sd_po *po);
/* The i-th translated key (sorted; "context\004msgid" for an entry with a
 * context), for completeness checks. */
const char *sd_po_msgid_at(const sd_po *po, size_t i);
/* Read and parse the catalogue at path (at most SD_PO_MAX_FILE bytes); a
 * one-line message on stderr names the file (and line) when it fails. */
int sd_po_load(const char *path, sd_po **out);

/* SD_OK when s (n bytes) is well-formed UTF-8 (no overlong forms, no
 * surrogates); *nchars (may be NULL) gets the number of code points. */
int sd_utf8_check(const char *s, size_t n, size_t *nchars);

/* The language codes of a directory's catalogues, sorted: every file
 * named xx.po or xxx.po (a lower-case language code). SD_OK; SD_E_IO when
 * the directory cannot be opened, SD_E_TOOBIG past max codes. */
int sd_i18n_list(const char *po_dir, char (*codes)[SD_I18N_CODE_MAX],
    size_t max, size_t *n);

/* All catalogues of a directory (as sd_i18n_list finds them); en.po must be
 * among them. */
typedef struct sd_i18n sd_i18n;

/* SD_OK; SD_E_IO, SD_E_FORMAT (message on stderr naming file and line),
 * SD_E_TOOBIG or SD_E_NOMEM. */
int sd_i18n_load(const char *po_dir, sd_i18n **out);
void sd_i18n_free(sd_i18n *in);
size_t sd_i18n_n_langs(const sd_i18n *in);
const char *sd_i18n_lang_at(const sd_i18n *in, size_t i);    /* sorted */
/* The language's own name from its X-Language-Name header, else the code. */
const char *sd_i18n_lang_name(const sd_i18n *in, const char *lang);
/* The supported code equal to lang (case-insensitive), or NULL. */
const char *sd_i18n_supported(const sd_i18n *in, const char *lang);
/* The same for the first len bytes of lang. */
const char *sd_i18n_supported_n(const sd_i18n *in, const char *lang,
    size_t len);
/* msgid in lang; the msgid itself when there is no translation. */
const char *sd_i18n_tr(const sd_i18n *in, const char *lang, const char *msgid);
/* The same for an entry with a msgctxt (ctx NULL: none). */
const char *sd_i18n_trc(const sd_i18n *in, const char *lang, const char *ctx,
    const char *msgid);

#endif
