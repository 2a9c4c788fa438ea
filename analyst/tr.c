#include "tr.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "out.h"
#include "sd_err.h"
#include "sd_i18n.h"

#ifndef SD_SOURCE_PO_DIR
#define SD_SOURCE_PO_DIR "templates/po"
#endif
#ifndef SD_INSTALL_PO_DIR
#define SD_INSTALL_PO_DIR "/usr/local/share/sealdrop/templates/po"
#endif

#define TR_LANGS_TEXT (SD_I18N_MAX_LANGS * SD_I18N_CODE_MAX + 1)

/* One report is written per run, in one language: the catalogue is the
 * run's, read once before the passphrase is asked. */
static sd_po *cat;
static char cat_lang[SD_I18N_CODE_MAX] = "en";

const char *
tr_default_po_dir(void)
{
	if (access("templates/po", F_OK) == 0)
		return "templates/po";
	if (access(SD_SOURCE_PO_DIR, F_OK) == 0)
		return SD_SOURCE_PO_DIR;
	return SD_INSTALL_PO_DIR;
}

static int
known(const char *lang, char (*codes)[SD_I18N_CODE_MAX], size_t n,
    char *list, size_t cap)
{
	size_t i, o = 0;
	int found = 0;

	list[0] = '\0';
	for (i = 0; i < n; i++) {
		if (strcmp(codes[i], lang) == 0)
			found = 1;
		o += (size_t)snprintf(list + o, cap - o, "%s%s", i ? " " : "",
		    codes[i]);
		if (o >= cap)
			break;
	}
	return found;
}

int
tr_open(const char *cmd, const char *po_dir, const char *lang)
{
	char codes[SD_I18N_MAX_LANGS][SD_I18N_CODE_MAX];
	char list[TR_LANGS_TEXT], path[4096];
	size_t n = 0;
	int rc, len;

	tr_close();
	rc = sd_i18n_list(po_dir, codes, SD_I18N_MAX_LANGS, &n);
	if (rc == SD_E_IO || (rc == SD_OK && n == 0)) {
		args_err(cmd, "no translations in %s (a directory of xx.po "
		    "catalogues); give --po-dir DIR", po_dir);
		return SD_E_IO;
	}
	if (rc != SD_OK) {
		args_err(cmd, "%s: %s", po_dir, sd_strerror(rc));
		return rc;
	}
	if (!known(lang, codes, n, list, sizeof(list))) {
		args_err(cmd, "--lang %s: no such language in %s; the "
		    "languages are: %s", lang, po_dir, list);
		return SD_E_INVAL;
	}
	len = snprintf(path, sizeof(path), "%s/%s.po", po_dir, lang);
	if (len < 0 || (size_t)len >= sizeof(path)) {
		args_err(cmd, "--po-dir is too long");
		return SD_E_INVAL;
	}
	if ((rc = sd_po_load(path, &cat)) != SD_OK)
		return rc;
	snprintf(cat_lang, sizeof(cat_lang), "%s", lang);
	return SD_OK;
}

void
tr_close(void)
{
	sd_po_free(cat);
	cat = NULL;
	snprintf(cat_lang, sizeof(cat_lang), "en");
}

const char *
tr_lang(void)
{
	return cat_lang;
}

const char *
tr(const char *msgid)
{
	const char *s = cat ? sd_po_get(cat, msgid) : NULL;

	return s ? s : msgid;
}

const char *
trc(const char *ctx, const char *msgid)
{
	const char *s = NULL;

	if (cat == NULL || msgid == NULL)
		return msgid;
	if (ctx != NULL)
		s = sd_po_getc(cat, ctx, msgid);
	if (s == NULL)
		s = sd_po_get(cat, msgid);
	return s ? s : msgid;
}

int
tr_put(sd_buf *b, const char *msgid)
{
	return out_html_escape(b, tr(msgid));
}

/* The placeholder at p ("{name}") when it is n1's or n2's: its value. */
static const char *
slot(const char *p, const char *n1, const char *v1, const char *n2,
    const char *v2, size_t *len)
{
	const char *names[2] = { n1, n2 }, *values[2] = { v1, v2 };
	size_t k, n;

	for (k = 0; k < 2; k++) {
		if (names[k] == NULL || values[k] == NULL)
			continue;
		n = strlen(names[k]);
		if (strncmp(p + 1, names[k], n) == 0 && p[n + 1] == '}') {
			*len = n + 2;
			return values[k];
		}
	}
	return NULL;
}

int
tr_fmt(sd_buf *b, const char *msgid, const char *n1, const char *v1,
    const char *n2, const char *v2, int raw)
{
	char part[SD_PO_MAX_STRING];
	const char *t = tr(msgid), *p = t, *v = NULL;
	size_t len = 0, o = 0;
	int rc = SD_OK;

	for (; *p != '\0' && rc == SD_OK; p++) {
		if (*p != '{' || (v = slot(p, n1, v1, n2, v2, &len)) == NULL) {
			if (o + 1 < sizeof(part))
				part[o++] = *p;
			continue;
		}
		part[o] = '\0';
		o = 0;
		if ((rc = out_html_escape(b, part)) == SD_OK)
			rc = raw ? sd_buf_adds(b, v) : out_html_escape(b, v);
		p += len - 1;
	}
	part[o] = '\0';
	return rc == SD_OK ? out_html_escape(b, part) : rc;
}

void
tr_dim(const struct dim *src, struct dim *dst)
{
	size_t i;

	*dst = *src;
	dst->label = tr(src->label);
	if (src->is_time)
		return;
	for (i = 0; i < src->n; i++)
		dst->clabel[i] = trc(src->name, src->clabel[i]);
}
