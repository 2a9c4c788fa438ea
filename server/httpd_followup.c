/* GET and POST /followup: the follow-up page for a reader without
 * JavaScript (docs/followup.md). The code comes only in the body of a post,
 * held whole in guarded memory; the server derives the mailbox from it
 * (guarded memory), takes the mailbox's messages from its own store as a
 * fetch does (the same lookup, counted against the same limits), opens
 * them against the channel's ack key and shows them; or it builds an answer
 * as sealdrop-submit answer does, seals it to the channel and stores it as
 * a form post is stored. The code, F, the keys and every plaintext copy
 * are wiped once the page is built. A wrong code and an empty mailbox take
 * the same path and give the same page. */
#include "server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "mailbox.h"
#include "postbody.h"
#include "sd_encode.h"
#include "sd_envelope.h"
#include "sd_err.h"
#include "sd_mailbox.h"
#include "sd_mem.h"

/* the code, a message id and an answer of 100,000 characters of up to
 * four bytes, each byte sent as %XX */
#define FOLLOWUP_BODY_MAX (1280 * 1024 + 4096)
#define CODE_INPUT_MAX 128
#define HTML "text/html; charset=utf-8"


struct followup {
	struct sd_post_body body;   /* guarded memory, decoded in place */
	const char *lang;
	const char *code;           /* the fields, pointing into body */
	size_t code_len;
	const char *text;
	size_t text_len;
	char reply_to[SD_MSG_ID_HEX];
	unsigned seen;              /* bit per field, each at most once */
	char *canon;                /* the code as shown: guarded memory */
	sd_mailbox *mb;             /* guarded memory */
	sd_msg **msgs;
	size_t n_msgs;
	struct sd_form_errors errs;
	uint8_t *env;               /* sealed: no secret */
	size_t envlen;
	char authority[SD_B64_LEN(SD_PK_BYTES)];   /* for the page's script */
};

static size_t followup_max(const struct sd_server *srv)
{
	(void)srv;
	return FOLLOWUP_BODY_MAX;
}

static void forget_messages(struct followup *s)
{
	size_t i;

	for (i = 0; i < s->n_msgs; i++)
		sd_msg_free(s->msgs[i]);
	free(s->msgs);
	s->msgs = NULL;
	s->n_msgs = 0;
}

/* Everything the post brought or the code gave. */
static void wipe_all(struct followup *s)
{
	forget_messages(s);
	sd_post_body_release(&s->body);
	s->code = s->text = NULL;
	s->code_len = s->text_len = 0;
	if (s->canon != NULL)
		sodium_memzero(s->canon, SD_FOLLOWUP_CODE_CAP);
	sd_secret_free(s->canon);
	s->canon = NULL;
	sd_mailbox_free(s->mb);
	s->mb = NULL;
	sodium_memzero(&s->errs, sizeof(s->errs));
	sodium_memzero(s->reply_to, sizeof(s->reply_to));
}

static void followup_cleanup(struct sd_req *r)
{
	struct followup *s = r->ctx;

	if (s == NULL)
		return;
	wipe_all(s);
	free(s->env);
	sodium_memzero(s, sizeof(*s));
	free(s);
	r->ctx = NULL;
}

static struct followup *state_of(struct sd_req *r)
{
	if (r->ctx == NULL)
		r->ctx = calloc(1, sizeof(struct followup));
	return r->ctx;
}

static int followup_upload(struct sd_req *r, const char *data, size_t size)
{
	struct followup *s = state_of(r);

	if (s == NULL)
		return SD_E_NOMEM;
	return sd_post_body_add(&s->body, data, size, FOLLOWUP_BODY_MAX,
	    r->content_length);
}

static int once(unsigned *seen, unsigned bit)
{
	if (*seen & bit)
		return 0;
	*seen |= bit;
	return 1;
}

static int is_msg_id(const uint8_t *p, size_t len)
{
	size_t i;

	if (len != SD_MSG_ID_HEX - 1)
		return 0;
	for (i = 0; i < len; i++)
		if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f')))
			return 0;
	return 1;
}

static int on_field(void *ctx, const struct sd_post_part *p)
{
	struct followup *s = ctx;

	if (strcmp(p->name, "code") == 0 && once(&s->seen, 1) &&
	    p->len <= CODE_INPUT_MAX) {
		s->code = (const char *)p->data;
		s->code_len = p->len;
		return SD_OK;
	}
	if (strcmp(p->name, "in_reply_to") == 0 && once(&s->seen, 2) &&
	    is_msg_id(p->data, p->len)) {
		memcpy(s->reply_to, p->data, p->len);
		s->reply_to[p->len] = '\0';
		return SD_OK;
	}
	if (strcmp(p->name, "text") == 0 && once(&s->seen, 4)) {
		s->text = (const char *)p->data;
		s->text_len = p->len;
		return SD_OK;
	}
	return SD_E_INVAL;
}

static int parse_body(struct sd_req *r, struct followup *s)
{
	const char *ct = MHD_lookup_connection_value(r->conn,
	    MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);

	if (r->upload_err != SD_OK || s->body.data == NULL ||
	    !sd_post_is(ct, "application/x-www-form-urlencoded"))
		return SD_E_INVAL;
	return sd_post_urlencoded(s->body.data, s->body.len, on_field, s);
}

/* The mailbox of the code: F and the code as shown in guarded memory,
 * F wiped at once. SD_E_CODE for what is not a follow-up code. */
static int derive(struct followup *s)
{
	uint8_t *f = sd_secret_alloc(SD_FOLLOWUP_BYTES);
	int rc = SD_E_NOMEM;

	if (f == NULL || (s->canon = sd_secret_alloc(SD_FOLLOWUP_CODE_CAP)) ==
	    NULL)
		goto out;
	rc = SD_E_CODE;
	if (s->code == NULL || sd_followup_parse(s->code, s->code_len, f) !=
	    SD_OK)
		goto out;
	sd_followup_format(s->canon, f);
	rc = sd_mailbox_derive(f, &s->mb);
out:
	sd_secret_free(f);
	return rc;
}

/* During a rotation, the channel it replaces while that is still valid:
 * messages the analysts signed with its ack key are still theirs. */
static const sd_channel *previous_of(const struct sd_server *srv)
{
	char today[11];

	if (srv->previous == NULL)
		return NULL;
	sd_today(today);
	return strcmp(today, sd_channel_expires(srv->previous)) <= 0 ?
	    srv->previous : NULL;
}

/* The page takes the code form over when its scripts are served: it then
 * pins the authority key the server checked its channel against. */
static void view_init(const struct sd_req *r, struct followup *s,
    struct sd_followup_view *v)
{
	const struct sd_server *srv = r->srv;
	int scripts = sd_static_has(srv->files, SD_STATIC_FOLLOWUP_JS) &&
	    sd_static_has(srv->files, SD_STATIC_FOLLOWUP_LIB) &&
	    sd_static_has(srv->files, SD_STATIC_SODIUM) &&
	    sd_static_has(srv->files, SD_STATIC_SODIUM_CORE) &&
	    sd_static_has(srv->files, SD_STATIC_ENVELOPE_JS);

	memset(v, 0, sizeof(*v));
	v->retention_days = srv->cfg.message_retention;
	if (scripts && sd_b64_encode(s->authority, sizeof(s->authority),
	    sd_channel_authority(srv->channel), SD_PK_BYTES) == SD_OK)
		v->authority_b64 = s->authority;
	if (previous_of(srv) != NULL)
		v->previous_channel = sd_channel_json(srv->previous, NULL);
}

/* Render v, wipe what the post brought, send the page. */
static enum MHD_Result show(struct sd_req *r, struct followup *s,
    unsigned status, const struct sd_followup_view *v)
{
	sd_buf page;
	int rc;

	sd_buf_init(&page, SD_WEB_PAGE_MAX);
	rc = sd_followup_page(r->srv->web, s->lang, v, &page);
	wipe_all(s);
	if (rc != SD_OK) {
		sd_buf_free(&page);
		return sd_reply_error_page(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
		    s->lang);
	}
	return sd_reply_buf(r, status, HTML, &page);
}

static enum MHD_Result ask(struct sd_req *r, struct followup *s,
    const char *code_error)
{
	struct sd_followup_view v;

	view_init(r, s, &v);
	v.ask = 1;
	v.code_error = code_error;
	return show(r, s, code_error != NULL ? MHD_HTTP_BAD_REQUEST :
	    MHD_HTTP_OK, &v);
}

/* One message opened against the channel's ack key, or, when it is signed
 * by another, against the previous channel's. */
static int open_one(const struct sd_server *srv, const sd_mailbox *mb,
    const struct sd_sealed_ref *it, sd_msg **out)
{
	const sd_channel *prev = previous_of(srv);
	const uint8_t *ack = sd_channel_ack_pk(srv->channel);
	const uint8_t *old = prev != NULL ? sd_channel_ack_pk(prev) : NULL;
	sd_msg *m = NULL;
	int rc;

	*out = NULL;
	if (ack == NULL)
		return SD_E_INVAL;
	if ((rc = sd_msg_open(mb, ack, it->data, it->len, out)) != SD_OK ||
	    sd_msg_verified(*out) || old == NULL)
		return rc;
	if (sd_msg_open(mb, old, it->data, it->len, &m) == SD_OK &&
	    sd_msg_verified(m)) {
		sd_msg_free(*out);
		*out = m;
		return SD_OK;
	}
	sd_msg_free(m);
	return SD_OK;
}

/* The messages of the mailbox from the store, as a fetch gives them, each
 * opened against the channel's ack key (open_one). A message that does
 * not open with this mailbox's key is not shown. */
static int open_messages(struct sd_req *r, struct followup *s)
{
	struct sd_sealed_ref *items = NULL;
	uint8_t *blob = NULL;
	size_t bloblen = 0, n = 0, i;
	sd_msg *m = NULL;
	int rc;

	if ((rc = sd_mbox_fetch(r->srv->mbox, sd_mailbox_id(s->mb), &blob,
	    &bloblen)) != SD_OK)
		return rc;
	if ((rc = sd_mbox_blob_parse(blob, bloblen, &items, &n)) != SD_OK)
		goto out;
	rc = SD_E_NOMEM;
	if (n > 0 && (s->msgs = calloc(n, sizeof(*s->msgs))) == NULL)
		goto out;
	for (i = 0; i < n; i++) {
		if (open_one(r->srv, s->mb, &items[i], &m) == SD_OK)
			s->msgs[s->n_msgs++] = m;
	}
	rc = SD_OK;
out:
	free(items);
	free(blob);
	return rc;
}

/* The messages page; with an answer that could not be sent, that answer
 * kept under its message with why (status 400). */
static enum MHD_Result list(struct sd_req *r, struct followup *s)
{
	struct sd_followup_view v;
	int failed = s->errs.n > 0;

	if (!sd_req_mailbox_allowed(r)) {
		wipe_all(s);
		return sd_reply_error_page(r, MHD_HTTP_TOO_MANY_REQUESTS,
		    s->lang);
	}
	if (open_messages(r, s) != SD_OK) {
		wipe_all(s);
		return sd_reply_error_page(r, MHD_HTTP_SERVICE_UNAVAILABLE,
		    s->lang);
	}
	view_init(r, s, &v);
	v.list = 1;
	v.msgs = (const struct sd_msg *const *)s->msgs;
	v.n_msgs = s->n_msgs;
	v.code = s->canon;
	if (failed) {
		v.reply_to = s->reply_to;
		v.answer = s->text;
		v.answer_len = s->text_len;
		v.answer_error = s->errs.e[0].msg;
	}
	return show(r, s, failed ? MHD_HTTP_BAD_REQUEST : MHD_HTTP_OK, &v);
}

/* The answer, built as sealdrop-submit answer builds it and sealed to the
 * channel; the plaintext is gone when this returns. */
static enum MHD_Result answer(struct sd_req *r, struct followup *s)
{
	struct sd_section_in sec[2];
	sd_buf stats, details;
	int rc;

	sd_buf_init(&stats, SD_STATS_MAX);
	sd_buf_init(&details, SD_DETAILS_MAX);
	rc = sd_form_followup_build(r->srv->web, s->lang, s->text, s->text_len,
	    s->reply_to, sd_mailbox_pk(s->mb), &stats, &details, &s->errs);
	if (rc == SD_OK) {
		sec[0].type = SD_SEC_STATS;
		sec[0].data = stats.data;
		sec[0].len = stats.len;
		sec[1].type = SD_SEC_DETAILS;
		sec[1].data = details.data;
		sec[1].len = details.len;
		rc = sd_envelope_seal(r->srv->channel, sec, 2, &s->env,
		    &s->envlen);
	}
	sd_buf_free(&stats);
	sd_buf_free(&details);
	if (rc == SD_FORM_INVALID)
		return list(r, s);
	wipe_all(s);
	if (rc != SD_OK)
		return sd_reply_error_page(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
		    s->lang);
	sd_req_store(r, s->env, s->envlen);
	return MHD_YES;
}

static enum MHD_Result sent(struct sd_req *r, struct followup *s)
{
	struct sd_followup_view v;

	if (r->put.result != SD_OK)
		return sd_reply_error_page(r, MHD_HTTP_SERVICE_UNAVAILABLE,
		    s->lang);
	view_init(r, s, &v);
	v.receipt = r->put.item.receipt;
	v.day = r->put.item.day;
	return show(r, s, MHD_HTTP_OK, &v);
}

static enum MHD_Result followup_post(struct sd_req *r)
{
	struct followup *s = state_of(r);
	int rc;

	if (s == NULL)
		return MHD_NO;
	if (__atomic_load_n(&r->put_state, __ATOMIC_ACQUIRE) == SD_PUT_DONE)
		return sent(r, s);
	if (r->put_state == SD_PUT_WAITING)
		return MHD_YES;
	s->lang = sd_req_lang(r);
	if (parse_body(r, s) != SD_OK || (s->text != NULL) !=
	    (s->reply_to[0] != '\0')) {
		wipe_all(s);
		return sd_reply_error_page(r, MHD_HTTP_BAD_REQUEST, s->lang);
	}
	if ((rc = derive(s)) == SD_E_CODE)
		return ask(r, s, SD_M_NOT_A_CODE);
	if (rc != SD_OK) {
		wipe_all(s);
		return sd_reply_error_page(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
		    s->lang);
	}
	return s->text != NULL ? answer(r, s) : list(r, s);
}

static enum MHD_Result followup_get(struct sd_req *r)
{
	struct followup *s = state_of(r);

	if (s == NULL)
		return MHD_NO;
	s->lang = sd_req_lang(r);
	return ask(r, s, NULL);
}

const struct sd_route sd_route_followup = {
	.method = "GET",
	.path = "/followup",
	.html = 1,
	.log_name = "/followup",
	.finish = followup_get,
	.cleanup = followup_cleanup,
};

const struct sd_route sd_route_followup_post = {
	.method = "POST",
	.path = "/followup",
	.html = 1,
	.log_name = "/followup",
	.max_body = followup_max,
	.mem_factor = 2,
	.upload = followup_upload,
	.finish = followup_post,
	.cleanup = followup_cleanup,
};
