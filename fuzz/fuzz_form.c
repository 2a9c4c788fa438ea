/* Form posts (POST /submit, the path without JavaScript): the body parsers
 * of server/postbody.c (urlencoded and multipart), the form input that
 * collects the fields, the step that builds the report from them, and the
 * re-rendered form that echoes what was posted. This follows
 * server/httpd_submit.c without libmicrohttpd around it.
 *
 * Input: the Content-Type header, a newline, then the body. The page
 * language is English or Danish by the parity of the input's length.
 *
 * Checks: every part lies inside the body; a report the form accepts
 * passes the schema the analyst applies; no posted "<fz" comes back as
 * markup in a page (the templates have none, so any there came from the
 * input unescaped). */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "fuzz.h"
#include "postbody.h"
#include "sd_envelope.h"
#include "sd_err.h"
#include "sd_schema.h"

struct post {
	sd_form_input *in;
	size_t files;
	const uint8_t *body;
	size_t len;
};

static sd_web *
web(void)
{
	static sd_web *w;

	if (w == NULL && sd_web_load(fz_source("templates"), &w) != SD_OK)
		abort();
	return w;
}

/* the attachment metadata the server builds from a file part */
static int
file_part(struct post *p, const struct sd_post_part *part)
{
	json_t *meta;
	char *mj;

	if (strcmp(part->name, SD_FORM_ATTACHMENT_FIELD) != 0)
		return SD_E_INVAL;
	if (part->filename[0] == '\0' && part->len == 0)
		return SD_OK;
	if (p->files++ == SD_ENV_MAX_ATTACHMENTS)
		return SD_OK;
	meta = json_pack("{s:s,s:s,s:I}", "name", part->filename, "media_type",
	    part->media_type, "size", (json_int_t)part->len);
	if (meta == NULL)
		return SD_OK;     /* not UTF-8: the server names it "attachment" */
	if ((mj = json_dumps(meta, JSON_COMPACT)) != NULL)
		free(mj);
	json_decref(meta);
	return SD_OK;
}

static int
on_part(void *ctx, const struct sd_post_part *part)
{
	struct post *p = ctx;

	if (part->name[sizeof(part->name) - 1] != '\0' ||
	    part->filename[sizeof(part->filename) - 1] != '\0' ||
	    part->media_type[sizeof(part->media_type) - 1] != '\0')
		abort();
	/* every part points into the body the server holds */
	if (part->len > 0 && (part->data < p->body ||
	    part->data + part->len > p->body + p->len))
		abort();
	if (!part->has_filename)
		return sd_form_input_put(p->in, part->name,
		    (const char *)part->data, 0, part->len);
	return file_part(p, part);
}

static void
no_markup_from_input(const sd_buf *page)
{
	if (page->len > 0 && memmem(page->data, page->len, "<fz", 3) != NULL)
		abort();
}

static void
build(const char *lang, const sd_form_input *in)
{
	struct sd_form_errors errs;
	struct sd_errlist el;
	struct sd_report r;
	sd_buf stats, details, page;
	json_error_t jerr;
	json_t *o;
	int rc;

	memset(&errs, 0, sizeof(errs));
	sd_buf_init(&stats, SD_STATS_MAX);
	sd_buf_init(&details, SD_DETAILS_MAX);
	sd_buf_init(&page, SD_WEB_PAGE_MAX);
	rc = sd_form_build(web(), lang, in, FZ_TODAY, NULL, &stats, &details,
	    &errs);
	if (rc == SD_OK) {
		el.n = 0;
		if (sd_report_parse((const char *)stats.data, stats.len, FZ_TODAY,
		    &r, &el) != SD_OK)
			abort();
		if (details.len > 0) {
			o = json_loadb((const char *)details.data, details.len,
			    JSON_REJECT_DUPLICATES, &jerr);
			if (o == NULL || sd_schema_validate(SD_PART_DETAILS, o,
			    FZ_TODAY, &el) != 0)
				abort();
			json_decref(o);
		}
	} else if (rc == SD_FORM_INVALID) {
		struct sd_form_view view;
		if (errs.n == 0 || errs.n > SD_FORM_MAX_ERRORS)
			abort();
		sd_form_view_init(&view, NULL);
		view.step = sd_form_step_of_errors(&errs);
		if (sd_form_page(web(), lang, in, &errs, &view, &page) == SD_OK)
			no_markup_from_input(&page);
	}
	/* the steps a post can ask for, and the page each shows */
	{
		struct sd_form_view view;
		struct sd_form_errors nerrs;
		memset(&nerrs, 0, sizeof(nerrs));
		sd_form_view_init(&view, NULL);
		if (sd_form_navigate(web(), lang, in, FZ_TODAY, &view, &nerrs) ==
		    SD_FORM_NEXT_SHOW) {
			sd_buf_reset(&page);
			if (sd_form_page(web(), lang, in, &nerrs, &view, &page) ==
			    SD_OK)
				no_markup_from_input(&page);
		}
	}
	sd_buf_free(&stats);
	sd_buf_free(&details);
	sd_buf_free(&page);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	const char *lang = size % 2 ? "da" : "en";
	struct post p;
	char *ct;
	uint8_t *body;
	size_t blen;
	int rc = SD_E_INVAL;

	fz_init();
	if (nl == NULL)
		return 0;
	ct = fz_strdup(data, (size_t)(nl - data));
	blen = size - (size_t)(nl + 1 - data);
	/* the urlencoded parser decodes in place */
	body = (uint8_t *)fz_strdup(nl + 1, blen);
	memset(&p, 0, sizeof(p));
	p.body = body;
	p.len = blen;
	if (sd_form_input_new(&p.in) != SD_OK)
		abort();
	if (sd_post_is(ct, "application/x-www-form-urlencoded"))
		rc = sd_post_urlencoded(body, blen, on_part, &p);
	else if (sd_post_is(ct, "multipart/form-data"))
		rc = sd_post_multipart(body, blen, ct, on_part, &p);
	if (rc == SD_OK)
		build(lang, p.in);
	sd_form_input_free(p.in);
	free(body);
	free(ct);
	return 0;
}
