#include "i18n.h"

#include "sd_err.h"
#include "sd_file.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define LANG_CODE_MAX 4     /* "xx" or "xxx" and the NUL */
#define LANG_NAME_MAX 64
#define ACCEPT_MAX_ITEMS 32

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
lang_cmp(const void *a, const void *b)
{
	return strcmp(((const struct lang *)a)->code,
	    ((const struct lang *)b)->code);
}

static int
load_one(const char *dir, struct lang *l)
{
	char path[4096];
	uint8_t *text = NULL;
	size_t len = 0, line = 0;
	int rc, n;

	n = snprintf(path, sizeof(path), "%s/%s.po", dir, l->code);
	if (n < 0 || (size_t)n >= sizeof(path))
		return SD_E_TOOBIG;
	if ((rc = sd_file_read(path, SD_PO_MAX_FILE, &text, &len)) != SD_OK) {
		fprintf(stderr, "sealdrop: %s: cannot read the catalogue: %s\n",
		    path, sd_strerror(rc));
		return rc;
	}
	rc = sd_po_parse((const char *)text, len, &l->po, &line);
	if (rc != SD_OK)
		fprintf(stderr, "sealdrop: %s:%zu: malformed PO catalogue (%s); "
		    "fix that line\n", path, line, sd_strerror(rc));
	else if (sd_po_header(l->po, "X-Language-Name", l->name,
	    sizeof(l->name)) != SD_OK)
		snprintf(l->name, sizeof(l->name), "%s", l->code);
	free(text);
	return rc;
}

int
sd_i18n_load(const char *po_dir, sd_i18n **out)
{
	sd_i18n *in = NULL;
	DIR *d = NULL;
	struct dirent *de = NULL;
	char code[LANG_CODE_MAX];
	size_t i;
	int rc = SD_OK;

	*out = NULL;
	if ((in = calloc(1, sizeof(*in))) == NULL)
		return SD_E_NOMEM;
	if ((d = opendir(po_dir)) == NULL) {
		fprintf(stderr, "sealdrop: %s: cannot open the translations "
		    "directory; check --templates\n", po_dir);
		rc = SD_E_IO;
		goto done;
	}
	while ((de = readdir(d)) != NULL) {
		if (!po_name(de->d_name, code))
			continue;
		if (in->n == SD_I18N_MAX_LANGS) {
			rc = SD_E_TOOBIG;
			goto done;
		}
		memcpy(in->l[in->n++].code, code, sizeof(code));
	}
	qsort(in->l, in->n, sizeof(in->l[0]), lang_cmp);
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
	if (d)
		closedir(d);
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

/* q-value of RFC 9110: "0", "1", or with up to three decimals; in
 * thousandths, or -1 when malformed. */
static int
parse_q(const char *p, size_t n)
{
	int v = 0, digits = 0;
	size_t i;

	if (n == 0 || (p[0] != '0' && p[0] != '1'))
		return -1;
	v = (p[0] - '0') * 1000;
	if (n == 1)
		return v;
	if (p[1] != '.' || n > 5)
		return -1;
	for (i = 2; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		v += (p[i] - '0') * (digits == 0 ? 100 : digits == 1 ? 10 : 1);
		digits++;
	}
	return v > 1000 ? -1 : v;
}

static size_t
trim(const char **p, size_t n)
{
	while (n > 0 && (**p == ' ' || **p == '\t')) {
		(*p)++;
		n--;
	}
	while (n > 0 && ((*p)[n - 1] == ' ' || (*p)[n - 1] == '\t'))
		n--;
	return n;
}

/* One item "tag[;q=v][;other]": its weight, and the supported language it
 * names, by the whole tag or its primary subtag (da-DK is Danish). */
static const struct lang *
accept_item(const sd_i18n *in, const char *p, size_t n, int *q)
{
	const char *semi = memchr(p, ';', n), *par = NULL, *dash = NULL;
	size_t tlen = semi ? (size_t)(semi - p) : n, plen;
	const struct lang *l = NULL;

	*q = 1000;
	while (semi) {
		par = semi + 1;
		plen = (size_t)(p + n - par);
		semi = memchr(par, ';', plen);
		if (semi)
			plen = (size_t)(semi - par);
		plen = trim(&par, plen);
		if (plen >= 2 && (par[0] == 'q' || par[0] == 'Q') && par[1] == '=')
			*q = parse_q(par + 2, plen - 2);
	}
	tlen = trim(&p, tlen);
	if ((l = find(in, p, tlen)) != NULL)
		return l;
	dash = memchr(p, '-', tlen);
	return dash ? find(in, p, (size_t)(dash - p)) : NULL;
}

static const char *
negotiate_accept(const sd_i18n *in, const char *accept)
{
	const char *p = accept, *comma = NULL, *best = NULL;
	const struct lang *l = NULL;
	size_t left = strnlen(accept, SD_I18N_MAX_ACCEPT), n, items = 0;
	int q, bestq = 0;

	while (left > 0 && items++ < ACCEPT_MAX_ITEMS) {
		comma = memchr(p, ',', left);
		n = comma ? (size_t)(comma - p) : left;
		l = accept_item(in, p, n, &q);
		if (l != NULL && q > bestq) {
			best = l->code;
			bestq = q;
		}
		if (comma == NULL)
			break;
		left -= n + 1;
		p = comma + 1;
	}
	return best;
}

const char *
sd_i18n_negotiate(const sd_i18n *in, const char *query_lang,
    const char *accept_language)
{
	const char *l = NULL;

	if (query_lang && (l = sd_i18n_supported(in, query_lang)) != NULL)
		return l;
	if (accept_language &&
	    (l = negotiate_accept(in, accept_language)) != NULL)
		return l;
	return sd_i18n_supported(in, "en");
}
