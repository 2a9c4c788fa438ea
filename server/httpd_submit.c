/* POST /submit: the form without JavaScript. The body is held whole in
 * guarded memory and parsed in place. A button between the steps gets the
 * next page (the answers ride along in its fields and nothing is kept);
 * the send button gets the report built by the form module, sealed at once
 * with the channel, and every plaintext copy is wiped before the envelope
 * is stored. Only then the receipt page is sent. */
#include "server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "postbody.h"
#include "sd_encode.h"
#include "sd_envelope.h"
#include "sd_err.h"
#include "sd_mailbox.h"
#include "sd_mem.h"

#define HTML "text/html; charset=utf-8"

struct attachment {
	uint8_t *plain;        /* meta_len | meta | bytes, guarded memory */
	size_t len;
};

struct submit {
	struct sd_post_body body;   /* guarded memory */
	const char *lang;
	sd_form_input *in;
	struct sd_form_errors errs;
	struct attachment att[SD_ENV_MAX_ATTACHMENTS];
	size_t n_att;
	int too_many;
	int too_large;
	uint8_t *env;          /* sealed: no secret */
	size_t envlen;
	struct sd_form_view view;
	/* the report's incident reference, for the receipt page: kept past the
	 * wipe of the rest, wiped in cleanup */
	char ref[40];
	/* the follow-up code of the report, shown once on the receipt page:
	 * guarded memory, wiped once the page is built */
	char *code;
};

static size_t submit_max(const struct sd_server *srv)
{
	return srv->cfg.max_form;
}

static void wipe_plaintext(struct submit *s)
{
	size_t i;

	sd_post_body_release(&s->body);
	sd_form_input_free(s->in);
	s->in = NULL;
	for (i = 0; i < s->n_att; i++) {
		sd_secret_free(s->att[i].plain);
		s->att[i].plain = NULL;
	}
	s->n_att = 0;
	sodium_memzero(&s->errs, sizeof(s->errs));
}

static void forget_code(struct submit *s)
{
	if (s->code != NULL)
		sodium_memzero(s->code, SD_FOLLOWUP_CODE_CAP);
	sd_secret_free(s->code);
	s->code = NULL;
}

static void submit_cleanup(struct sd_req *r)
{
	struct submit *s = r->ctx;

	if (s == NULL)
		return;
	wipe_plaintext(s);
	forget_code(s);
	free(s->env);
	sodium_memzero(s, sizeof(*s));
	free(s);
	r->ctx = NULL;
}

static int submit_upload(struct sd_req *r, const char *data, size_t size)
{
	struct submit *s = r->ctx;

	if (s == NULL) {
		s = calloc(1, sizeof(*s));
		if (s == NULL)
			return SD_E_NOMEM;
		r->ctx = s;
	}
	/* the size said up front was checked against max already */
	return sd_post_body_add(&s->body, data, size, r->srv->cfg.max_form,
	    r->content_length);
}

static void clean_media_type(char *mt)
{
	size_t i;

	for (i = 0; mt[i] != '\0'; i++) {
		if (mt[i] < 0x21 || mt[i] > 0x7e || mt[i] == ';') {
			mt[i] = '\0';
			break;
		}
	}
	if (mt[0] == '\0' || strchr(mt, '/') == NULL)
		snprintf(mt, 32, "application/octet-stream");
}

/* meta_len:u32 | {"name","media_type","size"} | bytes (PRODUCT.md s. 3) */
static int add_attachment(struct submit *s, const struct sd_post_part *p)
{
	struct sd_post_part q = *p;
	json_t *meta = NULL;
	char *mj = NULL;
	size_t mlen;
	struct attachment *a = &s->att[s->n_att];
	int rc = SD_E_NOMEM;

	clean_media_type(q.media_type);
	meta = json_pack("{s:s,s:s,s:I}", "name", q.filename, "media_type",
	    q.media_type, "size", (json_int_t)q.len);
	if (meta == NULL)   /* a name that is not UTF-8 */
		meta = json_pack("{s:s,s:s,s:I}", "name", "attachment",
		    "media_type", q.media_type, "size", (json_int_t)q.len);
	if (meta == NULL || (mj = json_dumps(meta, JSON_COMPACT)) == NULL)
		goto out;
	mlen = strlen(mj);
	rc = SD_E_TOOBIG;
	if (mlen > SD_ATTACHMENT_META_MAX)
		goto out;
	rc = SD_E_NOMEM;
	a->len = 4 + mlen + q.len;
	a->plain = sd_secret_alloc(a->len);
	if (a->plain == NULL)
		goto out;
	a->plain[0] = (uint8_t)(mlen & 0xff);
	a->plain[1] = (uint8_t)((mlen >> 8) & 0xff);
	a->plain[2] = (uint8_t)((mlen >> 16) & 0xff);
	a->plain[3] = (uint8_t)((mlen >> 24) & 0xff);
	memcpy(a->plain + 4, mj, mlen);
	if (q.len > 0)
		memcpy(a->plain + 4 + mlen, q.data, q.len);
	s->n_att++;
	rc = SD_OK;
out:
	if (mj != NULL) {
		sodium_memzero(mj, strlen(mj));
		free(mj);
	}
	json_decref(meta);
	sodium_memzero(&q, sizeof(q));
	return rc;
}

static int on_part(void *ctx, const struct sd_post_part *p)
{
	struct sd_req *r = ctx;
	struct submit *s = r->ctx;

	if (!p->has_filename)
		return sd_form_input_put(s->in, p->name, (const char *)p->data,
		    0, p->len);
	if (strcmp(p->name, SD_FORM_ATTACHMENT_FIELD) != 0)
		return SD_E_INVAL;
	if (p->filename[0] == '\0' && p->len == 0)
		return SD_OK;   /* a file input left empty */
	if (s->n_att == SD_ENV_MAX_ATTACHMENTS) {
		s->too_many = 1;
		return SD_OK;
	}
	if (p->len > SD_ATTACHMENT_FILE_MAX) {
		s->too_large = 1;
		return SD_OK;
	}
	return add_attachment(s, p);
}

static int parse_body(struct sd_req *r, struct submit *s)
{
	const char *ct = MHD_lookup_connection_value(r->conn,
	    MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
	int rc;

	rc = sd_form_input_new(&s->in);
	if (rc != SD_OK)
		return rc;
	if (sd_post_is(ct, "application/x-www-form-urlencoded"))
		return sd_post_urlencoded(s->body.data, s->body.len, on_part,
		    r);
	if (sd_post_is(ct, "multipart/form-data"))
		return sd_post_multipart(s->body.data, s->body.len, ct, on_part,
		    r);
	return SD_E_INVAL;
}

/* A step, the review, or a step again with its messages (400). */
static enum MHD_Result show(struct sd_req *r, struct submit *s)
{
	unsigned status = s->errs.n > 0 ? MHD_HTTP_BAD_REQUEST : MHD_HTTP_OK;
	sd_buf page;

	sd_buf_init(&page, SD_WEB_PAGE_MAX);
	if (sd_form_page(r->srv->web, s->lang, s->in, &s->errs, &s->view,
	    &page) != SD_OK) {
		sd_buf_free(&page);
		wipe_plaintext(s);
		return sd_reply_error_page(r, MHD_HTTP_BAD_REQUEST, s->lang);
	}
	wipe_plaintext(s);
	return sd_reply_buf(r, status, HTML, &page);
}

static enum MHD_Result rerender(struct sd_req *r, struct submit *s)
{
	s->view.step = sd_form_step_of_errors(&s->errs);
	return show(r, s);
}

static int seal(struct sd_req *r, struct submit *s, const sd_buf *stats,
    const sd_buf *details)
{
	struct sd_section_in sec[SD_ENV_MAX_SECTIONS];
	size_t n = 0;
	size_t i;

	sec[n].type = SD_SEC_STATS;
	sec[n].data = stats->data;
	sec[n++].len = stats->len;
	if (details->len > 0) {
		sec[n].type = SD_SEC_DETAILS;
		sec[n].data = details->data;
		sec[n++].len = details->len;
	}
	for (i = 0; i < s->n_att; i++) {
		sec[n].type = SD_SEC_ATTACHMENT;
		sec[n].data = s->att[i].plain;
		sec[n++].len = s->att[i].len;
	}
	return sd_envelope_seal(r->srv->channel, sec, n, &s->env, &s->envlen);
}

/* The incident reference as the sealed report holds it. */
static void keep_ref(struct submit *s, const sd_buf *stats)
{
	json_t *o = json_loadb((const char *)stats->data, stats->len, 0, NULL);
	const char *ref = json_string_value(json_object_get(o, "incident_ref"));

	snprintf(s->ref, sizeof(s->ref), "%s", ref ? ref : "");
	json_decref(o);
}

/* The follow-up of this report (docs/followup.md): a secret F drawn here,
 * its code kept for the receipt page, the mailbox key pair derived from it
 * (sd_mailbox: guarded memory). F itself is wiped at once; the server keeps
 * neither, and the mailbox public key goes only into the sealed details. */
static int draw_followup(struct submit *s, sd_mailbox **mb)
{
	uint8_t *f = sd_secret_alloc(SD_FOLLOWUP_BYTES);
	int rc = SD_E_NOMEM;

	*mb = NULL;
	forget_code(s);
	if (f == NULL ||
	    (s->code = sd_secret_alloc(SD_FOLLOWUP_CODE_CAP)) == NULL)
		goto out;
	sd_followup_draw(f);
	sd_followup_format(s->code, f);
	if ((rc = sd_mailbox_derive(f, mb)) != SD_OK)
		forget_code(s);
out:
	sd_secret_free(f);
	return rc;
}

/* Form fields to envelope; the plaintext is gone when this returns. */
static enum MHD_Result build_and_seal(struct sd_req *r, struct submit *s)
{
	sd_buf stats;
	sd_buf details;
	sd_mailbox *mb = NULL;
	int rc;

	sd_buf_init(&stats, SD_STATS_MAX);
	sd_buf_init(&details, SD_DETAILS_MAX);
	rc = draw_followup(s, &mb);
	if (rc == SD_OK)
		rc = sd_form_build(r->srv->web, s->lang, s->in, NULL,
		    sd_mailbox_pk(mb), &stats, &details, &s->errs);
	sd_mailbox_free(mb);
	if (rc == SD_OK && (s->too_many || s->too_large))
		rc = SD_FORM_INVALID;
	if (s->too_many)
		sd_form_errors_add(r->srv->web, s->lang, &s->errs,
		    SD_FORM_ATTACHMENT_FIELD, SD_FORM_MSG_TOO_MANY_FILES);
	if (s->too_large)
		sd_form_errors_add(r->srv->web, s->lang, &s->errs,
		    SD_FORM_ATTACHMENT_FIELD, SD_FORM_MSG_FILE_TOO_LARGE);
	if (rc == SD_OK)
		rc = seal(r, s, &stats, &details);
	if (rc == SD_OK)
		keep_ref(s, &stats);
	sd_buf_free(&stats);
	sd_buf_free(&details);
	if (rc != SD_OK)
		forget_code(s);
	if (rc == SD_FORM_INVALID)
		return rerender(r, s);
	wipe_plaintext(s);
	if (rc == SD_FORM_HONEYPOT)
		return sd_reply_error_page(r, MHD_HTTP_BAD_REQUEST, s->lang);
	if (rc != SD_OK)
		return sd_reply_error_page(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
		    s->lang);
	sd_req_store(r, s->env, s->envlen);
	return MHD_YES;
}

static enum MHD_Result receipt_page(struct sd_req *r, struct submit *s)
{
	char sig[SD_B64_LEN(64)], key[SD_B64_LEN(SD_PK_BYTES)];
	const struct sd_store_item *it = &r->put.item;
	struct sd_receipt_view rv;
	sd_buf page;

	if (r->put.result != SD_OK) {
		forget_code(s);
		return sd_reply_error_page(r, MHD_HTTP_SERVICE_UNAVAILABLE,
		    s->lang);
	}
	sd_buf_init(&page, SD_WEB_PAGE_MAX);
	rv.receipt = it->receipt;
	rv.day = it->day;
	rv.incident_ref = s->ref;
	rv.signature_b64 = sig;
	rv.receipt_key_b64 = key;
	/* the code belongs to the envelope this post sealed; a store that
	 * already had these very bytes holds the code of an earlier post, so
	 * none is shown rather than a wrong one */
	rv.followup_code = it->duplicate || s->code == NULL ? "" : s->code;
	if (sd_sign_receipt(r->srv, it->receipt, it->day, sig,
	    sizeof(sig)) != SD_OK || sd_b64_encode(key, sizeof(key),
	    sd_channel_receipt_pk(r->srv->channel), SD_PK_BYTES) != SD_OK ||
	    sd_receipt_page(r->srv->web, s->lang, &rv, &page) != SD_OK) {
		forget_code(s);
		sd_buf_free(&page);
		return sd_reply_error_page(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
		    s->lang);
	}
	forget_code(s);
	return sd_reply_buf(r, MHD_HTTP_OK, HTML, &page);
}

static enum MHD_Result submit_finish(struct sd_req *r)
{
	struct submit *s = r->ctx;
	int rc;

	if (s == NULL) {
		s = calloc(1, sizeof(*s));
		if (s == NULL)
			return MHD_NO;
		r->ctx = s;
	}
	if (__atomic_load_n(&r->put_state, __ATOMIC_ACQUIRE) == SD_PUT_DONE)
		return receipt_page(r, s);
	if (r->put_state == SD_PUT_WAITING)
		return MHD_YES;
	s->lang = sd_req_lang(r);
	if (r->upload_err != SD_OK) {
		wipe_plaintext(s);
		return sd_reply_error_page(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
		    s->lang);
	}
	rc = parse_body(r, s);
	if (rc == SD_E_TOOBIG) {
		wipe_plaintext(s);
		return sd_reply_error_page(r, MHD_HTTP_CONTENT_TOO_LARGE,
		    s->lang);
	}
	if (rc != SD_OK) {
		wipe_plaintext(s);
		return sd_reply_error_page(r, MHD_HTTP_BAD_REQUEST, s->lang);
	}
	sd_req_form_view(r, &s->view);
	switch (sd_form_navigate(r->srv->web, s->lang, s->in, NULL, &s->view,
	    &s->errs)) {
	case SD_FORM_NEXT_SEND:
		return build_and_seal(r, s);
	case SD_FORM_NEXT_SHOW:
		/* files come with the send button only; any others go unread */
		return show(r, s);
	default:
		wipe_plaintext(s);
		return sd_reply_error_page(r, MHD_HTTP_BAD_REQUEST, s->lang);
	}
}

const struct sd_route sd_route_submit = {
	.method = "POST",
	.path = "/submit",
	.html = 1,
	.log_name = "/submit",
	.max_body = submit_max,
	/* the body grows by doubling; then attachments and envelope */
	.mem_factor = 2,
	.upload = submit_upload,
	.finish = submit_finish,
	.cleanup = submit_cleanup,
};
