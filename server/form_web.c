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

static int
add_langs(const sd_web *w, const char *lang, json_t *data)
{
	json_t *arr = json_array(), *o = NULL;
	const char *code = NULL;
	char href[32];
	size_t i;

	if (arr == NULL || json_object_set_new(data, "langs", arr) != 0)
		return SD_E_NOMEM;
	for (i = 0; i < sd_web_n_langs(w); i++) {
		code = sd_web_lang_at(w, i);
		snprintf(href, sizeof(href), "/?lang=%s", code);
		if ((o = json_object()) == NULL || json_array_append_new(arr, o) ||
		    web_set_str(o, "code", code) ||
		    web_set_str(o, "lang_name", sd_i18n_lang_name(w->i18n, code)) ||
		    web_set_str(o, "href", href) ||
		    json_object_set_new(o, "current",
		    json_boolean(strcmp(code, lang) == 0)))
			return SD_E_NOMEM;
	}
	return SD_OK;
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
	/* Leaving the receipt page for another language would lose the
	 * receipt, which is shown once; that page says so and has no links. */
	if (json_object_get(data, "switch_langs") == NULL &&
	    json_object_set_new(data, "switch_langs", json_true()))
		return SD_E_NOMEM;
	if ((rc = web_set_str(data, "lang", lang)) ||
	    (rc = web_set_str(data, "title", web_tr(w, lang, title))) ||
	    (rc = add_langs(w, lang, data)))
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

int
sd_receipt_page(const sd_web *w, const char *lang, const char *receipt,
    const char *day, const char *signature_b64, sd_buf *out)
{
	json_t *data = json_object();
	int rc = SD_E_NOMEM;

	if (data == NULL || web_set_str(data, "receipt", receipt) ||
	    json_object_set_new(data, "switch_langs", json_false()) ||
	    web_set_str(data, "day", day) ||
	    web_set_str(data, "signature", signature_b64))
		goto done;
	rc = web_page(w, lang, "Your report has been received", w->receipt,
	    data, out);
done:
	json_decref(data);
	return rc;
}

struct status_text {
	int status;
	const char *title;
	const char *text;
};

static const struct status_text statuses[] = {
	{ 400, "The request could not be understood",
	  "Something in what was sent is not right. Go back to the form, "
	  "check your answers and send it again." },
	{ 404, "Page not found",
	  "There is no page at this address. Check the address, or go to the "
	  "start page." },
	{ 405, "This action is not allowed here",
	  "This address does not accept this kind of request. Go to the start "
	  "page and use the form." },
	{ 413, "What you sent is too large",
	  "The report or its attached files are larger than the limits. Make "
	  "the text shorter or attach fewer or smaller files, then send it "
	  "again." },
	{ 429, "Too many requests",
	  "The service is receiving too many reports right now. Wait a few "
	  "minutes and send your report again." },
	{ 500, "Something went wrong",
	  "The service could not complete your request. Nothing was stored. "
	  "Try again later." },
	{ 503, "The service cannot take reports right now",
	  "Your report was not stored. Wait a while and send it again." },
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
