/* The language of a page of the web form: the catalogues themselves are
 * common/sd_i18n.h. */
#ifndef SD_SERVER_I18N_H
#define SD_SERVER_I18N_H

#include "sd_i18n.h"

#define SD_I18N_MAX_ACCEPT 2048           /* longer Accept-Language is cut */

/* The page language as sd_web_lang describes it. */
const char *sd_i18n_negotiate(const sd_i18n *in, const char *query_lang,
    const char *accept_language);

#endif
