/* The language of a page: ?lang=, else the browser's Accept-Language by
 * its q-values, else English. */
#include "i18n.h"

#include <string.h>

#define ACCEPT_MAX_ITEMS 32

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
static const char *
accept_item(const sd_i18n *in, const char *p, size_t n, int *q)
{
	const char *semi = memchr(p, ';', n), *par = NULL, *dash = NULL;
	size_t tlen = semi ? (size_t)(semi - p) : n, plen;
	const char *l = NULL;

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
	if ((l = sd_i18n_supported_n(in, p, tlen)) != NULL)
		return l;
	dash = memchr(p, '-', tlen);
	return dash ? sd_i18n_supported_n(in, p, (size_t)(dash - p)) : NULL;
}

static const char *
negotiate_accept(const sd_i18n *in, const char *accept)
{
	const char *p = accept, *comma = NULL, *best = NULL, *l = NULL;
	size_t left = strnlen(accept, SD_I18N_MAX_ACCEPT), n, items = 0;
	int q, bestq = 0;

	while (left > 0 && items++ < ACCEPT_MAX_ITEMS) {
		comma = memchr(p, ',', left);
		n = comma ? (size_t)(comma - p) : left;
		l = accept_item(in, p, n, &q);
		if (l != NULL && q > bestq) {
			best = l;
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
