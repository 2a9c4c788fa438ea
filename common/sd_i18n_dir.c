#include "sd_i18n.h"

#include "sd_err.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define LANG_CODE_MAX SD_I18N_CODE_MAX
#define LANG_NAME_MAX 64

struct lang {
	char code[LANG_CODE_MAX];
	char name[LANG_NAME_MAX];
	sd_po *po;
};

struct sd_i18n {
	struct lang l[SD_I18N_MAX_LANGS];
	size_t n;
};

/* "xx.po" or "xxx.po" with a lower-case code; anything else in the
 * directory (backups, templates) is not a catalogue. */
static int
po_name(const char *fn, char code[LANG_CODE_MAX])
{
	size_t n = strlen(fn), k, i;

	if (n < 5 || n > 6 || strcmp(fn + n - 3, ".po") != 0)
		return 0;
	k = n - 3;
	for (i = 0; i < k; i++)
		if (fn[i] < 'a' || fn[i] > 'z')
			return 0;
	memcpy(code, fn, k);
	code[k] = 0;
	return 1;
}

static int
code_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

static int
load_one(const char *dir, struct lang *l)
{
	char path[4096];
	int rc, n;

	n = snprintf(path, sizeof(path), "%s/%s.po", dir, l->code);
	if (n < 0 || (size_t)n >= sizeof(path))
		return SD_E_TOOBIG;
	if ((rc = sd_po_load(path, &l->po)) != SD_OK)
		return rc;
	if (sd_po_header(l->po, "X-Language-Name", l->name,
	    sizeof(l->name)) != SD_OK)
		snprintf(l->name, sizeof(l->name), "%s", l->code);
	return SD_OK;
}

int
sd_i18n_list(const char *po_dir, char (*codes)[SD_I18N_CODE_MAX],
    size_t max, size_t *n)
{
	DIR *d = NULL;
	struct dirent *de = NULL;
	char code[LANG_CODE_MAX];
	int rc = SD_OK;

	*n = 0;
	if ((d = opendir(po_dir)) == NULL)
		return SD_E_IO;
	while ((de = readdir(d)) != NULL) {
		if (!po_name(de->d_name, code))
			continue;
		if (*n == max) {
			rc = SD_E_TOOBIG;
			break;
		}
		memcpy(codes[(*n)++], code, sizeof(code));
	}
	closedir(d);
	if (*n > 1)
		qsort(codes, *n, sizeof(codes[0]), code_cmp);
	return rc;
}

int
sd_i18n_load(const char *po_dir, sd_i18n **out)
{
	char codes[SD_I18N_MAX_LANGS][LANG_CODE_MAX];
	sd_i18n *in = NULL;
	size_t i, n = 0;
	int rc;

	*out = NULL;
	if ((rc = sd_i18n_list(po_dir, codes, SD_I18N_MAX_LANGS, &n)) ==
	    SD_E_IO) {
		fprintf(stderr, "sealdrop: %s: cannot open the translations "
		    "directory; check --templates\n", po_dir);
		return rc;
	}
	if (rc != SD_OK)
		return rc;
	if ((in = calloc(1, sizeof(*in))) == NULL)
		return SD_E_NOMEM;
	for (i = 0; i < n; i++)
		memcpy(in->l[i].code, codes[i], LANG_CODE_MAX);
	in->n = n;
	for (i = 0; i < in->n; i++)
		if ((rc = load_one(po_dir, &in->l[i])) != SD_OK)
			goto done;
	if (sd_i18n_supported(in, "en") == NULL) {
		fprintf(stderr, "sealdrop: %s: en.po is missing\n", po_dir);
		rc = SD_E_FORMAT;
		goto done;
	}
	*out = in;
	in = NULL;
done:
	sd_i18n_free(in);
	return rc;
}

void
sd_i18n_free(sd_i18n *in)
{
	size_t i;

	if (in == NULL)
		return;
	for (i = 0; i < in->n; i++)
		sd_po_free(in->l[i].po);
	free(in);
}

size_t
sd_i18n_n_langs(const sd_i18n *in)
{
	return in->n;
}

const char *
sd_i18n_lang_at(const sd_i18n *in, size_t i)
{
	return i < in->n ? in->l[i].code : NULL;
}

static const struct lang *
find(const sd_i18n *in, const char *lang, size_t len)
{
	size_t i;

	if (lang == NULL || len == 0 || len >= LANG_CODE_MAX)
		return NULL;
	for (i = 0; i < in->n; i++)
		if (strlen(in->l[i].code) == len &&
		    strncasecmp(in->l[i].code, lang, len) == 0)
			return &in->l[i];
	return NULL;
}

const char *
sd_i18n_supported(const sd_i18n *in, const char *lang)
{
	const struct lang *l = lang ? find(in, lang, strlen(lang)) : NULL;

	return l ? l->code : NULL;
}

const char *
sd_i18n_supported_n(const sd_i18n *in, const char *lang, size_t len)
{
	const struct lang *l = lang ? find(in, lang, len) : NULL;

	return l ? l->code : NULL;
}

const char *
sd_i18n_lang_name(const sd_i18n *in, const char *lang)
{
	const struct lang *l = lang ? find(in, lang, strlen(lang)) : NULL;

	return l ? l->name : lang;
}

const char *
sd_i18n_tr(const sd_i18n *in, const char *lang, const char *msgid)
{
	return sd_i18n_trc(in, lang, NULL, msgid);
}

const char *
sd_i18n_trc(const sd_i18n *in, const char *lang, const char *ctx,
    const char *msgid)
{
	const struct lang *l = lang ? find(in, lang, strlen(lang)) : NULL;
	const char *s = l ? sd_po_getc(l->po, ctx, msgid) : NULL;

	return s ? s : msgid;
}
