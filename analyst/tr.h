/* The language of the EU report. Static texts are marked N_("...") where
 * they are defined (scripts/update-pot.sh extracts them into the web form's
 * template, templates/po/sealdrop.pot) and looked up with tr() where they
 * are written; code labels are looked up under their field's name, as the
 * form does. Only the HTML a reader sees is translated: CSV, SDMX-CSV and
 * JSON keep codes and English, so that figures compare across languages.
 * Without a catalogue (tr_open never called) every text is English. */
#ifndef SD_ANALYST_TR_H
#define SD_ANALYST_TR_H

#include "cube.h"
#include "sd_buf.h"

/* A text to translate, left as it is where it is defined. */
#ifndef N_
#define N_(s) s
#endif

/* The catalogue directory when --po-dir is not given: ./templates/po when
 * it exists, else the source tree's, else the installed one. */
const char *tr_default_po_dir(void);
/* Read po_dir/lang.po before any other work; an unknown language or a
 * missing catalogue is one line on stderr naming the languages there.
 * SD_OK, or SD_E_INVAL / SD_E_IO / SD_E_FORMAT. */
int tr_open(const char *cmd, const char *po_dir, const char *lang);
void tr_close(void);
/* The language code of the report ("en" without a catalogue). */
const char *tr_lang(void);
/* msgid in the report's language; msgid itself when not translated. */
const char *tr(const char *msgid);
/* A code label of field ctx: the entry with that msgctxt, else one without
 * ("Yes", "No"), else the English label. */
const char *trc(const char *ctx, const char *msgid);
/* tr(msgid), HTML-escaped. */
int tr_put(sd_buf *b, const char *msgid);
/* The same with "{n1}" and "{n2}" (each may be NULL) replaced by v1 and v2,
 * escaped too; with raw, v1 and v2 are markup of the caller's. */
int tr_fmt(sd_buf *b, const char *msgid, const char *n1, const char *v1,
    const char *n2, const char *v2, int raw);
/* A copy of src with its question and code labels in the report's language
 * (the codes, and time labels, are those of src). */
void tr_dim(const struct dim *src, struct dim *dst);

#endif
