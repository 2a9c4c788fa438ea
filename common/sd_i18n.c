#include "sd_i18n.h"

#include "sd_err.h"
#include "sd_file.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct po_entry {
	char *id;
	char *str;
};

struct sd_po {
	struct po_entry *e;
	size_t n;
	size_t cap;
	char *header;   /* msgstr of the empty msgid, or NULL */
};

/* A string being collected from a keyword line and its continuations. */
struct po_str {
	char *p;
	size_t len;
	size_t cap;
};

enum po_state { PO_NONE, PO_CTX, PO_ID, PO_STR };

/* The part of a line parser's state that outlives one line. An entry with
 * a msgctxt is kept under "context EOT msgid", as gettext keys it. */
struct po_parse {
	sd_po *po;
	enum po_state st;
	struct po_str id;
	struct po_str str;
	int fuzzy;      /* the entry being read is marked "#, fuzzy" */
	int next_fuzzy; /* a "#, fuzzy" line came before its msgctxt/msgid */
};

static int
str_add(struct po_str *s, char c)
{
	char *n = NULL;
	size_t ncap;

	if (s->len + 1 >= SD_PO_MAX_STRING)
		return SD_E_TOOBIG;
	if (s->len + 2 > s->cap) {
		ncap = s->cap ? s->cap * 2 : 64;
		if ((n = realloc(s->p, ncap)) == NULL)
			return SD_E_NOMEM;
		s->p = n;
		s->cap = ncap;
	}
	s->p[s->len++] = c;
	s->p[s->len] = 0;
	return SD_OK;
}

static void
str_clear(struct po_str *s)
{
	free(s->p);
	s->p = NULL;
	s->len = s->cap = 0;
}

static int
unescape(char c, char *out)
{
	switch (c) {
	case 'n': *out = '\n'; return SD_OK;
	case 't': *out = '\t'; return SD_OK;
	case 'r': *out = '\r'; return SD_OK;
	case '\\': *out = '\\'; return SD_OK;
	case '"': *out = '"'; return SD_OK;
	case '\'': *out = '\''; return SD_OK;
	default: return SD_E_FORMAT;
	}
}

/* Append the quoted string at *p (which must start with '"') to s; only
 * blanks may follow the closing quote. */
static int
parse_quoted(const char *p, const char *end, struct po_str *s)
{
	char c;
	int rc;

	if (p >= end || *p != '"')
		return SD_E_FORMAT;
	for (p++; p < end && *p != '"'; p++) {
		c = *p;
		if ((unsigned char)c < 0x20 && c != '\t')
			return SD_E_FORMAT;
		if (c == '\\') {
			if (++p >= end || unescape(*p, &c) != SD_OK)
				return SD_E_FORMAT;
		}
		if ((rc = str_add(s, c)) != SD_OK)
			return rc;
	}
	if (p >= end)
		return SD_E_FORMAT;
	for (p++; p < end; p++)
		if (*p != ' ' && *p != '\t')
			return SD_E_FORMAT;
	return SD_OK;
}

int
sd_utf8_check(const char *s, size_t n, size_t *nchars)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, count = 0, k, need;
	uint32_t cp, min;

	while (i < n) {
		if (p[i] < 0x80) {
			i++;
			count++;
			continue;
		}
		if ((p[i] & 0xe0) == 0xc0) {
			need = 1; cp = p[i] & 0x1f; min = 0x80;
		} else if ((p[i] & 0xf0) == 0xe0) {
			need = 2; cp = p[i] & 0x0f; min = 0x800;
		} else if ((p[i] & 0xf8) == 0xf0) {
			need = 3; cp = p[i] & 0x07; min = 0x10000;
		} else {
			return SD_E_FORMAT;
		}
		if (n - i <= need)
			return SD_E_FORMAT;
		for (k = 1; k <= need; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return SD_E_FORMAT;
			cp = (cp << 6) | (p[i + k] & 0x3f);
		}
		/* overlong forms, surrogates and values past U+10FFFF */
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return SD_E_FORMAT;
		i += need + 1;
		count++;
	}
	if (nchars)
		*nchars = count;
	return SD_OK;
}

static int
entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct po_entry *)a)->id,
	    ((const struct po_entry *)b)->id);
}

/* A finished msgid/msgstr pair joins the catalogue; the empty msgid is the
 * header. Empty translations are kept out so the English text shows. */
static int
commit(struct po_parse *ps)
{
	sd_po *po = ps->po;
	struct po_entry *n = NULL;
	size_t ncap;
	int fuzzy = ps->fuzzy;

	ps->fuzzy = 0;
	if (ps->id.p == NULL || ps->id.len == 0) {
		if (po->header != NULL)
			return SD_E_FORMAT;
		po->header = ps->str.p ? ps->str.p : strdup("");
		ps->str.p = NULL;
		str_clear(&ps->id);
		str_clear(&ps->str);
		return po->header ? SD_OK : SD_E_NOMEM;
	}
	/* a fuzzy translation is a guess the translator has not confirmed;
	 * msgfmt leaves it out, and so does the server */
	if (ps->str.len == 0 || fuzzy) {
		str_clear(&ps->id);
		str_clear(&ps->str);
		return SD_OK;
	}
	if (po->n >= SD_PO_MAX_ENTRIES)
		return SD_E_TOOBIG;
	if (po->n == po->cap) {
		ncap = po->cap ? po->cap * 2 : 64;
		if ((n = realloc(po->e, ncap * sizeof(*n))) == NULL)
			return SD_E_NOMEM;
		po->e = n;
		po->cap = ncap;
	}
	po->e[po->n].id = ps->id.p;
	po->e[po->n].str = ps->str.p;
	po->n++;
	ps->id.p = ps->str.p = NULL;
	str_clear(&ps->id);
	str_clear(&ps->str);
	return SD_OK;
}

static int
keyword(const char *p, const char *end, const char *kw, const char **rest)
{
	size_t k = strlen(kw);

	if ((size_t)(end - p) <= k || memcmp(p, kw, k) != 0 ||
	    (p[k] != ' ' && p[k] != '\t'))
		return 0;
	p += k;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	*rest = p;
	return 1;
}

/* "#, fuzzy, c-format": whether fuzzy is among the flags */
static int
flag_fuzzy(const char *p, const char *end)
{
	const char *w = NULL;

	while (p < end) {
		while (p < end && (*p == ' ' || *p == '\t' || *p == ','))
			p++;
		for (w = p; p < end && *p != ',' && *p != ' ' && *p != '\t'; p++)
			;
		if (p - w == 5 && memcmp(w, "fuzzy", 5) == 0)
			return 1;
	}
	return 0;
}

static int
parse_line(struct po_parse *ps, const char *p, const char *end)
{
	const char *rest = NULL;
	int rc;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p == end)
		return SD_OK;
	if (*p == '#') {
		if ((size_t)(end - p) >= 2 && p[1] == ',' &&
		    flag_fuzzy(p + 2, end))
			ps->next_fuzzy = 1;
		return SD_OK;
	}
	if (keyword(p, end, "msgctxt", &rest)) {
		if (ps->st == PO_CTX || ps->st == PO_ID)
			return SD_E_FORMAT;
		if (ps->st == PO_STR && (rc = commit(ps)) != SD_OK)
			return rc;
		ps->st = PO_CTX;
		ps->fuzzy = ps->next_fuzzy;
		ps->next_fuzzy = 0;
		return parse_quoted(rest, end, &ps->id);
	}
	if (keyword(p, end, "msgid", &rest)) {
		if (ps->st == PO_ID)
			return SD_E_FORMAT;
		if (ps->st == PO_STR && (rc = commit(ps)) != SD_OK)
			return rc;
		if (ps->st == PO_CTX) {
			/* an entry with a context never has an empty key */
			if (ps->id.len == 0)
				return SD_E_FORMAT;
			if ((rc = str_add(&ps->id, '\004')) != SD_OK)
				return rc;
		} else {
			ps->fuzzy = ps->next_fuzzy;
		}
		ps->next_fuzzy = 0;
		ps->st = PO_ID;
		/* an empty msgid still needs a buffer to tell it from none */
		if ((rc = parse_quoted(rest, end, &ps->id)) != SD_OK)
			return rc;
		if (ps->id.len > 0 && ps->id.p[ps->id.len - 1] == '\004')
			return SD_E_FORMAT;
		return SD_OK;
	}
	if (keyword(p, end, "msgstr", &rest)) {
		if (ps->st != PO_ID)
			return SD_E_FORMAT;
		ps->st = PO_STR;
		return parse_quoted(rest, end, &ps->str);
	}
	if (*p == '"') {
		if (ps->st == PO_CTX || ps->st == PO_ID)
			return parse_quoted(p, end, &ps->id);
		if (ps->st == PO_STR)
			return parse_quoted(p, end, &ps->str);
	}
	/* msgid_plural and anything else are not part of our format */
	return SD_E_FORMAT;
}

static int
check_strings(const sd_po *po)
{
	size_t i;

	for (i = 0; i < po->n; i++) {
		if (sd_utf8_check(po->e[i].id, strlen(po->e[i].id), NULL) ||
		    sd_utf8_check(po->e[i].str, strlen(po->e[i].str), NULL))
			return SD_E_FORMAT;
		if (i > 0 && strcmp(po->e[i - 1].id, po->e[i].id) == 0)
			return SD_E_FORMAT;
	}
	return SD_OK;
}

int
sd_po_parse(const char *text, size_t len, sd_po **out, size_t *errline)
{
	struct po_parse ps;
	const char *p = text, *end = text + len, *eol = NULL, *lend = NULL;
	size_t line = 0;
	int rc = SD_OK;

	memset(&ps, 0, sizeof(ps));
	*out = NULL;
	if (errline)
		*errline = 0;
	if (len > SD_PO_MAX_FILE)
		return SD_E_TOOBIG;
	if (memchr(text, 0, len) != NULL)
		return SD_E_FORMAT;
	if ((ps.po = calloc(1, sizeof(*ps.po))) == NULL)
		return SD_E_NOMEM;
	while (p < end) {
		line++;
		eol = memchr(p, '\n', (size_t)(end - p));
		lend = eol ? eol : end;
		if (lend > p && lend[-1] == '\r')
			lend--;
		if ((rc = parse_line(&ps, p, lend)) != SD_OK)
			goto done;
		p = eol ? eol + 1 : end;
	}
	line++;
	if (ps.st == PO_ID || ps.st == PO_CTX) {
		rc = SD_E_FORMAT;
		goto done;
	}
	if (ps.st == PO_STR && (rc = commit(&ps)) != SD_OK)
		goto done;
	/* a catalogue of only a header has no array to sort */
	if (ps.po->n > 1)
		qsort(ps.po->e, ps.po->n, sizeof(*ps.po->e), entry_cmp);
	if ((rc = check_strings(ps.po)) != SD_OK)
		goto done;
	*out = ps.po;
	ps.po = NULL;
done:
	if (rc != SD_OK && errline)
		*errline = rc == SD_E_FORMAT && line ? line : 0;
	str_clear(&ps.id);
	str_clear(&ps.str);
	sd_po_free(ps.po);
	return rc;
}

int
sd_po_load(const char *path, sd_po **out)
{
	uint8_t *text = NULL;
	size_t len = 0, line = 0;
	int rc;

	*out = NULL;
	if ((rc = sd_file_read(path, SD_PO_MAX_FILE, &text, &len)) != SD_OK) {
		fprintf(stderr, "sealdrop: %s: cannot read the catalogue: %s\n",
		    path, sd_strerror(rc));
		return rc;
	}
	rc = sd_po_parse((const char *)text, len, out, &line);
	if (rc != SD_OK)
		fprintf(stderr, "sealdrop: %s:%zu: malformed PO catalogue (%s); "
		    "fix that line\n", path, line, sd_strerror(rc));
	free(text);
	return rc;
}

void
sd_po_free(sd_po *po)
{
	size_t i;

	if (po == NULL)
		return;
	for (i = 0; i < po->n; i++) {
		free(po->e[i].id);
		free(po->e[i].str);
	}
	free(po->e);
	free(po->header);
	free(po);
}

const char *
sd_po_get(const sd_po *po, const char *msgid)
{
	struct po_entry key, *hit = NULL;

	if (po == NULL || msgid == NULL || po->n == 0)
		return NULL;
	key.id = (char *)(uintptr_t)msgid;
	key.str = NULL;
	hit = bsearch(&key, po->e, po->n, sizeof(*po->e), entry_cmp);
	return hit ? hit->str : NULL;
}

const char *
sd_po_getc(const sd_po *po, const char *ctx, const char *msgid)
{
	char key[SD_PO_MAX_STRING];
	int n;

	if (ctx == NULL)
		return sd_po_get(po, msgid);
	if (msgid == NULL)
		return NULL;
	n = snprintf(key, sizeof(key), "%s\004%s", ctx, msgid);
	if (n < 0 || (size_t)n >= sizeof(key))
		return NULL;
	return sd_po_get(po, key);
}

size_t
sd_po_count(const sd_po *po)
{
	return po ? po->n : 0;
}

const char *
sd_po_msgid_at(const sd_po *po, size_t i)
{
	return po && i < po->n ? po->e[i].id : NULL;
}

int
sd_po_header(const sd_po *po, const char *field, char *out, size_t outlen)
{
	const char *p = NULL, *eol = NULL, *v = NULL;
	size_t k = strlen(field), n;

	if (po == NULL || po->header == NULL || outlen == 0)
		return SD_E_INVAL;
	for (p = po->header; *p; p = eol ? eol + 1 : p + strlen(p)) {
		eol = strchr(p, '\n');
		if (strncmp(p, field, k) != 0 || p[k] != ':')
			continue;
		for (v = p + k + 1; *v == ' ' || *v == '\t'; v++)
			;
		n = eol ? (size_t)(eol - v) : strlen(v);
		while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\r'))
			n--;
		if (n >= outlen)
			return SD_E_INVAL;
		memcpy(out, v, n);
		out[n] = 0;
		return SD_OK;
	}
	return SD_E_INVAL;
}
