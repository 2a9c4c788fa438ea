#include "form_internal.h"

#include "sd_err.h"

#include <malloc.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_MAX_FILES 5u
#define DEFAULT_MAX_FILE_BYTES (10u * 1024 * 1024)

/* jansson keeps report values in its own blocks; wiping every block on
 * release covers them all, whoever frees them. */
static void
wipe_free(void *p)
{
	if (p == NULL)
		return;
	sodium_memzero(p, malloc_usable_size(p));
	free(p);
}

void
sd_form_json_wipe_on_free(void)
{
	json_set_alloc_funcs(malloc, wipe_free);
}

static int
load_tmpl(const char *dir, const char *name, sd_tmpl **out)
{
	char path[4096], err[256];
	int n, rc;

	n = snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= sizeof(path))
		return SD_E_TOOBIG;
	if ((rc = sd_tmpl_load(path, out, err, sizeof(err))) != SD_OK)
		fprintf(stderr, "sealdrop: template %s\n", err);
	return rc;
}

int
sd_web_load(const char *templates_dir, sd_web **out)
{
	sd_web *w = NULL;
	char po[4096];
	int n, rc;

	*out = NULL;
	sd_form_json_wipe_on_free();
	n = snprintf(po, sizeof(po), "%s/po", templates_dir);
	if (n < 0 || (size_t)n >= sizeof(po))
		return SD_E_TOOBIG;
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return SD_E_NOMEM;
	w->max_files = DEFAULT_MAX_FILES;
	w->max_file_bytes = DEFAULT_MAX_FILE_BYTES;
	if ((rc = load_tmpl(templates_dir, "layout.html", &w->layout)) ||
	    (rc = load_tmpl(templates_dir, "form.html", &w->form)) ||
	    (rc = load_tmpl(templates_dir, "receipt.html", &w->receipt)) ||
	    (rc = load_tmpl(templates_dir, "error.html", &w->error)) ||
	    (rc = load_tmpl(templates_dir, "receipt.txt", &w->receipt_text)) ||
	    (rc = load_tmpl(templates_dir, "followup.html", &w->followup)) ||
	    (rc = sd_i18n_load(po, &w->i18n)))
		goto done;
	*out = w;
	w = NULL;
done:
	sd_web_free(w);
	return rc;
}

void
sd_web_free(sd_web *w)
{
	if (w == NULL)
		return;
	sd_tmpl_free(w->layout);
	sd_tmpl_free(w->form);
	sd_tmpl_free(w->receipt);
	sd_tmpl_free(w->error);
	sd_tmpl_free(w->receipt_text);
	sd_tmpl_free(w->followup);
	sd_i18n_free(w->i18n);
	free(w);
}

void
sd_web_set_attachment_limits(sd_web *w, unsigned max_files,
    uint64_t max_bytes_each)
{
	w->max_files = max_files;
	w->max_file_bytes = max_bytes_each;
}

size_t
sd_web_n_langs(const sd_web *w)
{
	return sd_i18n_n_langs(w->i18n);
}

const char *
sd_web_lang_at(const sd_web *w, size_t i)
{
	return sd_i18n_lang_at(w->i18n, i);
}

const char *
sd_web_lang(const sd_web *w, const char *query_lang,
    const char *accept_language)
{
	return sd_i18n_negotiate(w->i18n, query_lang, accept_language);
}

const char *
web_tr(const sd_web *w, const char *lang, const char *msgid)
{
	return sd_i18n_tr(w->i18n, lang, msgid);
}

const char *
sd_web_tr(const sd_web *w, const char *lang, const char *ctx,
    const char *msgid)
{
	return sd_i18n_trc(w->i18n, lang, ctx, msgid);
}

const char *
web_trc(const sd_web *w, const char *lang, const char *ctx,
    const char *msgid)
{
	return sd_i18n_trc(w->i18n, lang, ctx, msgid);
}

int
web_tr_fill(const sd_web *w, const char *lang, const char *msgid,
    const char *const *names, const char *const *values, size_t n,
    char *out, size_t outlen)
{
	const char *s = web_tr(w, lang, msgid), *hit = NULL;
	size_t o = 0, i, k, len, best;

	while (*s) {
		/* the earliest placeholder from here */
		hit = NULL;
		best = 0;
		for (i = 0; i < n; i++) {
			const char *h = strstr(s, names[i]);

			if (h != NULL && (hit == NULL || h < hit)) {
				hit = h;
				best = i;
			}
		}
		len = hit ? (size_t)(hit - s) : strlen(s);
		if (o + len >= outlen)
			return SD_E_TOOBIG;
		memcpy(out + o, s, len);
		o += len;
		s += len;
		if (hit == NULL)
			break;
		k = strlen(values[best]);
		if (o + k >= outlen)
			return SD_E_TOOBIG;
		memcpy(out + o, values[best], k);
		o += k;
		s += strlen(names[best]);
	}
	out[o] = '\0';
	return SD_OK;
}

int
web_tr_subst(const sd_web *w, const char *lang, const char *msgid,
    const char *name, const char *value, char *out, size_t outlen)
{
	const char *s = web_tr(w, lang, msgid);
	const char *at = strstr(s, name);
	int n;

	if (at == NULL)
		n = snprintf(out, outlen, "%s", s);
	else
		n = snprintf(out, outlen, "%.*s%s%s", (int)(at - s), s, value,
		    at + strlen(name));
	return n < 0 || (size_t)n >= outlen ? SD_E_TOOBIG : SD_OK;
}

void
sd_form_errors_add(const sd_web *w, const char *lang,
    struct sd_form_errors *errs, const char *field, const char *msgid)
{
	struct sd_form_error *e = NULL;

	if (errs == NULL || errs->n >= SD_FORM_MAX_ERRORS)
		return;
	e = &errs->e[errs->n++];
	snprintf(e->field, sizeof(e->field), "%s", field);
	snprintf(e->msg, sizeof(e->msg), "%s", web_tr(w, lang, msgid));
}

int
web_set_strn(json_t *obj, const char *key, const char *s, size_t n)
{
	json_t *v = json_stringn_nocheck(s, n);

	if (v == NULL || json_object_set_new(obj, key, v) != 0)
		return SD_E_NOMEM;
	return SD_OK;
}

int
web_set_str(json_t *obj, const char *key, const char *s)
{
	return web_set_strn(obj, key, s, strlen(s));
}

struct trctx {
	const sd_web *w;
	const char *lang;
};

static const char *
tmpl_tr(const void *ctx, const char *msgid)
{
	const struct trctx *t = ctx;

	return web_tr(t->w, t->lang, msgid);
}

int
web_render(const sd_web *w, const char *lang, const sd_tmpl *t,
    const json_t *data, sd_buf *out)
{
	struct trctx tc = { w, lang };
	char err[256];
	int rc = sd_tmpl_render(t, data, tmpl_tr, &tc, out, err, sizeof(err));

	if (rc == SD_E_FORMAT)
		fprintf(stderr, "sealdrop: template error: %s\n", err);
	return rc;
}

/* The language menu: links (to lang_action, else the start page), or on a
 * page whose form carries what the reader would lose (a receipt), buttons
 * that submit that form to the page in the other language. */
static int
add_langs(const sd_web *w, const char *lang, json_t *data)
{
	json_t *arr = json_array(), *o = NULL;
	const char *code = NULL, *form = json_string_value(json_object_get(data,
	    "lang_form"));
	const char *action = json_string_value(json_object_get(data,
	    "lang_action"));
	char href[96];
	size_t i;

	if (arr == NULL || json_object_set_new(data, "langs", arr) != 0)
		return SD_E_NOMEM;
	for (i = 0; i < sd_web_n_langs(w); i++) {
		code = sd_web_lang_at(w, i);
		snprintf(href, sizeof(href), "%s?lang=%s",
		    action ? action : "/", code);
		if ((o = json_object()) == NULL || json_array_append_new(arr, o) ||
		    web_set_str(o, "code", code) ||
		    web_set_str(o, "lang_name", sd_i18n_lang_name(w->i18n, code)) ||
		    web_set_str(o, "href", href) ||
		    json_object_set_new(o, "button", json_boolean(form != NULL)) ||
		    web_set_str(o, "form_id", form ? form : "") ||
		    web_set_str(o, "button_name", "action") ||
		    web_set_str(o, "button_value", "show") ||
		    json_object_set_new(o, "current",
		    json_boolean(strcmp(code, lang) == 0)))
			return SD_E_NOMEM;
	}
	return SD_OK;
}

static int
page_title(const sd_web *w, const char *lang, const char *title,
    json_t *data)
{
	const char *text = json_string_value(json_object_get(data,
	    "title_text"));
	char t[640];
	int n;

	if (text == NULL)
		text = web_tr(w, lang, title);
	/* a page that shows errors says so first (WCAG 3.3.1, as GOV.UK) */
	if (json_is_true(json_object_get(data, "has_errors")))
		n = snprintf(t, sizeof(t), "%s %s", web_tr(w, lang, N_("Error:")),
		    text);
	else
		n = snprintf(t, sizeof(t), "%s", text);
	if (n < 0 || (size_t)n >= sizeof(t))
		return SD_E_TOOBIG;
	return web_set_str(data, "title", t);
}

static int
default_str(json_t *data, const char *key, const char *v)
{
	if (json_object_get(data, key) != NULL)
		return SD_OK;
	return web_set_str(data, key, v);
}

int
web_page(const sd_web *w, const char *lang, const char *title,
    const sd_tmpl *body, json_t *data, sd_buf *out)
{
	struct trctx tc = { w, lang };
	sd_buf inner;
	char err[256];
	int rc;

	sd_buf_init(&inner, out->max);
	if ((rc = web_set_str(data, "lang", lang)) ||
	    (rc = page_title(w, lang, title, data)) ||
	    (rc = add_langs(w, lang, data)) ||
	    (rc = web_set_str(data, "lang_name",
	    sd_i18n_lang_name(w->i18n, lang))) ||
	    (rc = default_str(data, "lang_note", "")))
		goto done;
	rc = SD_E_NOMEM;
	if (json_object_set_new(data, "is_en",
	    json_boolean(strcmp(lang, "en") == 0)) ||
	    (json_object_get(data, "script") == NULL &&
	    json_object_set_new(data, "script", json_false())))
		goto done;
	if ((rc = sd_tmpl_render(body, data, tmpl_tr, &tc, &inner, err,
	    sizeof(err))) != SD_OK)
		goto fail;
	if ((rc = web_set_strn(data, "body", (const char *)inner.data,
	    inner.len)) != SD_OK)
		goto done;
	if ((rc = sd_tmpl_render(w->layout, data, tmpl_tr, &tc, out, err,
	    sizeof(err))) != SD_OK)
		goto fail;
	goto done;
fail:
	/* A template that names a missing variable is a defect to fix, not a
	 * page to show half of. */
	if (rc == SD_E_FORMAT)
		fprintf(stderr, "sealdrop: template error: %s\n", err);
	sd_buf_reset(out);
done:
	sd_buf_free(&inner);
	return rc;
}

struct status_text {
	int status;
	const char *title;
	const char *text;
};

static const struct status_text statuses[] = {
	{ 400, N_("The request could not be understood"),
	  N_("Something in what was sent is not right. Go back to the form, "
	  "check your answers and send it again.") },
	{ 404, N_("Page not found"),
	  N_("There is no page at this address. Check the address, or go to the "
	  "start page.") },
	{ 405, N_("This action is not allowed here"),
	  N_("This address does not accept this kind of request. Go to the start "
	  "page and use the form.") },
	{ 413, N_("What you sent is too large"),
	  N_("The report or its attached files are larger than the limits. Make "
	  "the text shorter or attach fewer or smaller files, then send it "
	  "again.") },
	{ 429, N_("Too many requests"),
	  N_("The service is receiving too many reports right now. Wait a few "
	  "minutes and send your report again.") },
	{ 500, N_("Something went wrong"),
	  N_("The service could not complete your request. Nothing was stored. "
	  "Try again later.") },
	{ 503, N_("The service cannot take reports right now"),
	  N_("Your report was not stored. Wait a while and send it again.") },
};

int
sd_error_page(const sd_web *w, const char *lang, int status, sd_buf *out)
{
	const struct status_text *st = &statuses[5];
	json_t *data = json_object();
	size_t i;
	int rc = SD_E_NOMEM;

	for (i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
		if (statuses[i].status == status)
			st = &statuses[i];
	if (data == NULL ||
	    json_object_set_new(data, "status", json_integer(status)) ||
	    web_set_str(data, "heading", web_tr(w, lang, st->title)) ||
	    web_set_str(data, "text", web_tr(w, lang, st->text)))
		goto done;
	rc = web_page(w, lang, st->title, w->error, data, out);
done:
	json_decref(data);
	return rc;
}
