#include "tmpl.h"

#include "sd_err.h"
#include "sd_file.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum node_type { N_TEXT, N_VAR, N_RAW, N_TR, N_SECTION, N_INVERTED, N_END };

struct node {
	enum node_type type;
	const char *s;      /* TEXT: into the text; others: owned copy */
	size_t len;
	size_t line;
	size_t end;         /* SECTION/INVERTED: index of the matching END */
};

struct sd_tmpl {
	char name[64];
	char *text;
	struct node *n;
	size_t nn;
};

static void
seterr(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static size_t
line_of(const char *text, const char *p)
{
	size_t line = 1;

	for (; text < p; text++)
		if (*text == '\n')
			line++;
	return line;
}

static int
name_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 1 && s[0] == '.')
		return 1;
	if (n == 0 || n > 64)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '-'))
			return 0;
	return 1;
}

/* Msgids in templates may wrap over lines; the catalogue holds them with
 * every run of white space as one space. */
static char *
squeeze(const char *s, size_t n, size_t *outlen)
{
	char *o = malloc(n + 1);
	size_t i, k = 0;
	int space = 0;

	if (o == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
			space = 1;
			continue;
		}
		if (space && k > 0)
			o[k++] = ' ';
		space = 0;
		o[k++] = s[i];
	}
	o[k] = 0;
	*outlen = k;
	return o;
}

static int
push(sd_tmpl *t, enum node_type type, const char *s, size_t len, size_t line)
{
	struct node *nd = NULL;

	if (t->nn == SD_TMPL_MAX_NODES)
		return SD_E_TOOBIG;
	nd = &t->n[t->nn++];
	nd->type = type;
	nd->s = s;
	nd->len = len;
	nd->line = line;
	nd->end = 0;
	return SD_OK;
}

/* Classify the inside of one {{...}} tag and append its node. */
static int
tag(sd_tmpl *t, const char *in, size_t n, int raw, size_t line,
    size_t *stack, size_t *depth, char *err, size_t errlen)
{
	enum node_type type = raw ? N_RAW : N_VAR;
	char *copy = NULL;
	size_t clen = 0, open;

	while (n > 0 && (*in == ' ' || *in == '\t')) {
		in++;
		n--;
	}
	while (n > 0 && (in[n - 1] == ' ' || in[n - 1] == '\t'))
		n--;
	if (!raw && n > 0 && in[0] == '!')
		return SD_OK;
	if (!raw && n > 0 && in[0] == '_' &&
	    (n == 1 || in[1] == ' ' || in[1] == '\n')) {
		if ((copy = squeeze(in + 1, n - 1, &clen)) == NULL)
			return SD_E_NOMEM;
		if (clen == 0) {
			free(copy);
			seterr(err, errlen, "%s:%zu: empty message", t->name, line);
			return SD_E_FORMAT;
		}
		if (push(t, N_TR, copy, clen, line) != SD_OK) {
			free(copy);
			return SD_E_TOOBIG;
		}
		return SD_OK;
	}
	if (!raw && n > 0 && (in[0] == '#' || in[0] == '^' || in[0] == '/')) {
		type = in[0] == '#' ? N_SECTION : in[0] == '^' ? N_INVERTED : N_END;
		in++;
		n--;
		while (n > 0 && *in == ' ') {
			in++;
			n--;
		}
	}
	if (!name_ok(in, n)) {
		seterr(err, errlen, "%s:%zu: bad tag name '%.*s'", t->name, line,
		    (int)(n > 64 ? 64 : n), in);
		return SD_E_FORMAT;
	}
	if (type == N_END) {
		if (*depth == 0) {
			seterr(err, errlen, "%s:%zu: {{/%.*s}} closes nothing",
			    t->name, line, (int)n, in);
			return SD_E_FORMAT;
		}
		open = stack[--*depth];
		if (t->n[open].len != n || memcmp(t->n[open].s, in, n) != 0) {
			seterr(err, errlen, "%s:%zu: {{/%.*s}} closes {{#%s}} "
			    "of line %zu", t->name, line, (int)n, in, t->n[open].s,
			    t->n[open].line);
			return SD_E_FORMAT;
		}
		t->n[open].end = t->nn;
	}
	if ((copy = strndup(in, n)) == NULL)
		return SD_E_NOMEM;
	if (push(t, type, copy, n, line) != SD_OK) {
		free(copy);
		return SD_E_TOOBIG;
	}
	if (type == N_SECTION || type == N_INVERTED) {
		if (*depth == SD_TMPL_MAX_DEPTH) {
			seterr(err, errlen, "%s:%zu: sections nested too deeply",
			    t->name, line);
			return SD_E_FORMAT;
		}
		stack[(*depth)++] = t->nn - 1;
	}
	return SD_OK;
}

/* A section tag alone on its line takes the line with it, so the loops
 * of a template do not fill the page with blank lines. */
static void
standalone(const char *text, const char *open, const char *after,
    const char **text_end, const char **next)
{
	const char *ls = open, *q = after;

	while (ls > text && (ls[-1] == ' ' || ls[-1] == '\t'))
		ls--;
	if (ls != text && ls[-1] != '\n')
		return;
	while (*q == ' ' || *q == '\t' || *q == '\r')
		q++;
	if (*q != '\n' && *q != 0)
		return;
	*text_end = ls;
	*next = *q ? q + 1 : q;
}

static int
parse(sd_tmpl *t, char *err, size_t errlen)
{
	const char *p = t->text, *open = NULL, *close = NULL;
	const char *text_end = NULL, *next = NULL;
	size_t stack[SD_TMPL_MAX_DEPTH], depth = 0, line;
	int raw, rc;

	while (*p) {
		if ((open = strstr(p, "{{")) == NULL) {
			if ((rc = push(t, N_TEXT, p, strlen(p), 0)) != SD_OK)
				return rc;
			break;
		}
		line = line_of(t->text, open);
		raw = open[2] == '{';
		close = strstr(open + 2 + raw, raw ? "}}}" : "}}");
		if (close == NULL) {
			seterr(err, errlen, "%s:%zu: unclosed tag", t->name, line);
			return SD_E_FORMAT;
		}
		text_end = open;
		next = close + 2 + raw;
		if (!raw && strchr("#^/!", open[2]) != NULL)
			standalone(t->text, open, close + 2, &text_end, &next);
		if (text_end > p &&
		    (rc = push(t, N_TEXT, p, (size_t)(text_end - p), 0)))
			return rc;
		if ((rc = tag(t, open + 2 + raw, (size_t)(close - open - 2 - raw),
		    raw, line, stack, &depth, err, errlen)) != SD_OK) {
			if (rc == SD_E_TOOBIG)
				seterr(err, errlen, "%s: too many tags", t->name);
			return rc;
		}
		p = next;
	}
	if (depth > 0) {
		seterr(err, errlen, "%s:%zu: {{#%s}} is never closed", t->name,
		    t->n[stack[depth - 1]].line, t->n[stack[depth - 1]].s);
		return SD_E_FORMAT;
	}
	return SD_OK;
}

int
sd_tmpl_parse(const char *name, const char *text, size_t len, sd_tmpl **out,
    char *err, size_t errlen)
{
	sd_tmpl *t = NULL;
	int rc;

	*out = NULL;
	if (len > SD_TMPL_MAX_FILE || memchr(text, 0, len) != NULL) {
		seterr(err, errlen, "%s: too large or not text", name);
		return len > SD_TMPL_MAX_FILE ? SD_E_TOOBIG : SD_E_FORMAT;
	}
	if ((t = calloc(1, sizeof(*t))) == NULL ||
	    (t->text = strndup(text, len)) == NULL ||
	    (t->n = calloc(SD_TMPL_MAX_NODES, sizeof(*t->n))) == NULL) {
		sd_tmpl_free(t);
		return SD_E_NOMEM;
	}
	snprintf(t->name, sizeof(t->name), "%s", name);
	if ((rc = parse(t, err, errlen)) != SD_OK) {
		sd_tmpl_free(t);
		return rc;
	}
	*out = t;
	return SD_OK;
}

int
sd_tmpl_load(const char *path, sd_tmpl **out, char *err, size_t errlen)
{
	uint8_t *text = NULL;
	size_t len = 0;
	const char *base = strrchr(path, '/');
	int rc;

	*out = NULL;
	if ((rc = sd_file_read(path, SD_TMPL_MAX_FILE, &text, &len)) != SD_OK) {
		seterr(err, errlen, "%s: cannot read: %s", path, sd_strerror(rc));
		return rc;
	}
	rc = sd_tmpl_parse(base ? base + 1 : path, (const char *)text, len, out,
	    err, errlen);
	free(text);
	return rc;
}

void
sd_tmpl_free(sd_tmpl *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; t->n && i < t->nn; i++)
		if (t->n[i].type != N_TEXT)
			free((void *)(uintptr_t)t->n[i].s);
	free(t->n);
	free(t->text);
	free(t);
}

const char *
sd_tmpl_msgid_at(const sd_tmpl *t, size_t i)
{
	size_t k;

	for (k = 0; k < t->nn; k++)
		if (t->n[k].type == N_TR && i-- == 0)
			return t->n[k].s;
	return NULL;
}

int
sd_html_escape(sd_buf *out, const char *s, size_t n)
{
	size_t i, from = 0;
	const char *rep = NULL;
	int rc;

	for (i = 0; i < n; i++) {
		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		if ((rc = sd_buf_add(out, s + from, i - from)) != SD_OK ||
		    (rc = sd_buf_adds(out, rep)) != SD_OK)
			return rc;
		from = i + 1;
	}
	return sd_buf_add(out, s + from, n - from);
}

/* What one render needs besides the node list. */
struct render {
	const sd_tmpl *t;
	sd_tmpl_tr_fn tr;
	const void *trctx;
	sd_buf *out;
	const json_t *scope[SD_TMPL_MAX_DEPTH + 1];
	size_t depth;
	char *err;
	size_t errlen;
};

static const json_t *
lookup(const struct render *r, const char *name)
{
	const json_t *v = NULL;
	size_t k;

	if (strcmp(name, ".") == 0)
		return r->scope[r->depth - 1];
	for (k = r->depth; k > 0; k--)
		if (json_is_object(r->scope[k - 1]) &&
		    (v = json_object_get(r->scope[k - 1], name)) != NULL)
			return v;
	return NULL;
}

static int
emit_value(struct render *r, const struct node *nd)
{
	const json_t *v = lookup(r, nd->s);
	char num[32];

	if (v == NULL) {
		seterr(r->err, r->errlen, "%s:%zu: no variable '%s'", r->t->name,
		    nd->line, nd->s);
		return SD_E_FORMAT;
	}
	if (json_is_integer(v)) {
		snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v));
		return sd_buf_adds(r->out, num);
	}
	if (!json_is_string(v)) {
		seterr(r->err, r->errlen, "%s:%zu: '%s' is not text", r->t->name,
		    nd->line, nd->s);
		return SD_E_FORMAT;
	}
	if (nd->type == N_RAW)
		return sd_buf_add(r->out, json_string_value(v),
		    json_string_length(v));
	return sd_html_escape(r->out, json_string_value(v), json_string_length(v));
}

static int
truthy(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_TRUE: return 1;
	case JSON_STRING: return json_string_length(v) > 0;
	case JSON_INTEGER: return json_integer_value(v) != 0;
	case JSON_ARRAY: return json_array_size(v) > 0;
	case JSON_OBJECT: return 1;
	default: return 0;
	}
}

static int render_range(struct render *r, size_t from, size_t to);

static int
render_scoped(struct render *r, const json_t *scope, size_t from, size_t to)
{
	int rc;

	if (r->depth > SD_TMPL_MAX_DEPTH)
		return SD_E_TOOBIG;
	r->scope[r->depth++] = scope;
	rc = render_range(r, from, to);
	r->depth--;
	return rc;
}

static int
section(struct render *r, const struct node *nd, size_t from, size_t to)
{
	const json_t *v = lookup(r, nd->s);
	size_t i;
	int rc = SD_OK;

	if (v == NULL) {
		seterr(r->err, r->errlen, "%s:%zu: no variable '%s'", r->t->name,
		    nd->line, nd->s);
		return SD_E_FORMAT;
	}
	if (nd->type == N_INVERTED)
		return truthy(v) ? SD_OK : render_range(r, from, to);
	if (json_is_array(v)) {
		for (i = 0; i < json_array_size(v) && rc == SD_OK; i++)
			rc = render_scoped(r, json_array_get(v, i), from, to);
		return rc;
	}
	if (json_is_object(v))
		return render_scoped(r, v, from, to);
	return truthy(v) ? render_range(r, from, to) : SD_OK;
}

static int
render_range(struct render *r, size_t from, size_t to)
{
	const struct node *nd = NULL;
	const char *s = NULL;
	size_t i;
	int rc = SD_OK;

	for (i = from; i < to && rc == SD_OK; i++) {
		nd = &r->t->n[i];
		switch (nd->type) {
		case N_TEXT:
			rc = sd_buf_add(r->out, nd->s, nd->len);
			break;
		case N_VAR:
		case N_RAW:
			rc = emit_value(r, nd);
			break;
		case N_TR:
			s = r->tr ? r->tr(r->trctx, nd->s) : nd->s;
			rc = sd_html_escape(r->out, s, strlen(s));
			break;
		case N_SECTION:
		case N_INVERTED:
			rc = section(r, nd, i + 1, nd->end);
			i = nd->end;
			break;
		case N_END:
			break;
		}
	}
	return rc;
}

int
sd_tmpl_render(const sd_tmpl *t, const json_t *data, sd_tmpl_tr_fn tr,
    const void *trctx, sd_buf *out, char *err, size_t errlen)
{
	struct render r;
	int rc;

	memset(&r, 0, sizeof(r));
	r.t = t;
	r.tr = tr;
	r.trctx = trctx;
	r.out = out;
	r.err = err;
	r.errlen = errlen;
	r.scope[r.depth++] = data;
	rc = render_range(&r, 0, t->nn);
	if (rc == SD_E_TOOBIG)
		seterr(err, errlen, "%s: the page is larger than its limit",
		    t->name);
	return rc;
}
