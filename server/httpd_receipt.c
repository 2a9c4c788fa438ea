/* POST /receipt: the receipt a reader carries in the hidden fields of the
 * receipt page, as a text file to save (action=save) or as the page again
 * in another language (action=show). Works without JavaScript. The
 * signature must be this service's over the receipt number and the day:
 * the server checks it and never signs what a post brings. */
#include "server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "postbody.h"
#include "sd_encode.h"
#include "sd_envelope.h"
#include "sd_err.h"
#include "sd_mailbox.h"

#define RECEIPT_BODY_MAX 4096
#define HTML "text/html; charset=utf-8"

struct receipt_post {
	char receipt[SD_RECEIPT_LEN + 1];
	char day[11];
	char ref[33];
	char sig[SD_B64_LEN(64)];
	char action[8];
	char code[SD_FOLLOWUP_CODE_CAP + 16];  /* as posted; "" for none */
	unsigned seen;       /* bit per field, each at most once */
};

static size_t receipt_max(const struct sd_server *srv)
{
	(void)srv;
	return RECEIPT_BODY_MAX;
}

static int receipt_upload(struct sd_req *r, const char *data, size_t size)
{
	if (r->body.max == 0)
		sd_buf_init(&r->body, RECEIPT_BODY_MAX);
	return sd_buf_add(&r->body, data, size);
}

static int take(char *dst, size_t cap, unsigned bit, unsigned *seen,
    const struct sd_post_part *p)
{
	if ((*seen & bit) || p->len >= cap || memchr(p->data, 0, p->len))
		return SD_E_INVAL;
	*seen |= bit;
	memcpy(dst, p->data, p->len);
	dst[p->len] = '\0';
	return SD_OK;
}

static int on_field(void *ctx, const struct sd_post_part *p)
{
	struct receipt_post *rp = ctx;

	if (strcmp(p->name, "receipt") == 0)
		return take(rp->receipt, sizeof(rp->receipt), 1, &rp->seen, p);
	if (strcmp(p->name, "day") == 0)
		return take(rp->day, sizeof(rp->day), 2, &rp->seen, p);
	if (strcmp(p->name, "incident_ref") == 0)
		return take(rp->ref, sizeof(rp->ref), 4, &rp->seen, p);
	if (strcmp(p->name, "signature") == 0)
		return take(rp->sig, sizeof(rp->sig), 8, &rp->seen, p);
	if (strcmp(p->name, "action") == 0)
		return take(rp->action, sizeof(rp->action), 16, &rp->seen, p);
	if (strcmp(p->name, "followup_code") == 0)
		return take(rp->code, sizeof(rp->code), 32, &rp->seen, p);
	return SD_E_INVAL;
}

static int all_of(const char *s, const char *set, size_t len)
{
	return strlen(s) == len && strspn(s, set) == len;
}

/* The follow-up code, if any, must be one (the receipt page only carries
 * it on); it is shown again in its canonical form. It is not checked
 * against anything: the server knows no code. */
static int canonical_code(struct receipt_post *rp)
{
	uint8_t f[SD_FOLLOWUP_BYTES];

	if (sd_followup_parse(rp->code, strlen(rp->code), f) != SD_OK)
		return 0;
	sodium_memzero(rp->code, sizeof(rp->code));
	sd_followup_format(rp->code, f);
	sodium_memzero(f, sizeof(f));
	return 1;
}

/* Well-formed, and signed by this server's receipt key (that of the
 * channel served, or of the one it replaces during a rotation). */
static int valid(const struct sd_server *srv, struct receipt_post *rp)
{
	uint8_t sig[64];
	char msg[128];
	size_t got = 0;
	int n;

	if (!all_of(rp->receipt, "abcdefghijklmnopqrstuvwxyz234567",
	    SD_RECEIPT_LEN) || !sd_date_valid(rp->day) ||
	    (rp->ref[0] != '\0' && !all_of(rp->ref, "0123456789abcdef", 32)) ||
	    sd_b64_decode(sig, sizeof(sig), &got, rp->sig, strlen(rp->sig)) !=
	    SD_OK || got != sizeof(sig))
		return 0;
	if ((n = sd_receipt_message(msg, sizeof(msg), rp->receipt, rp->day)) < 0)
		return 0;
	if (rp->code[0] != '\0' && !canonical_code(rp))
		return 0;
	if (crypto_sign_verify_detached(sig, (const uint8_t *)msg, (size_t)n,
	    sd_channel_receipt_pk(srv->channel)) == 0)
		return 1;
	return srv->previous != NULL && crypto_sign_verify_detached(sig,
	    (const uint8_t *)msg, (size_t)n,
	    sd_channel_receipt_pk(srv->previous)) == 0;
}

static enum MHD_Result answer(struct sd_req *r, struct receipt_post *rp,
    const char *lang)
{
	char key[SD_B64_LEN(SD_PK_BYTES)], name[64];
	struct sd_receipt_view rv;
	sd_buf out;
	int rc;

	sd_b64_encode(key, sizeof(key), sd_channel_receipt_pk(r->srv->channel),
	    SD_PK_BYTES);
	rv.receipt = rp->receipt;
	rv.day = rp->day;
	rv.incident_ref = rp->ref;
	rv.signature_b64 = rp->sig;
	rv.receipt_key_b64 = key;
	rv.followup_code = rp->code;
	sd_buf_init(&out, SD_WEB_PAGE_MAX);
	if (strcmp(rp->action, "save") == 0) {
		snprintf(name, sizeof(name), "sealdrop-receipt-%s.txt",
		    rp->receipt);
		if ((rc = sd_receipt_text(r->srv->web, lang, &rv, &out)) ==
		    SD_OK)
			return sd_reply_download(r, "text/plain; charset=utf-8",
			    name, &out);
	} else if ((rc = sd_receipt_page(r->srv->web, lang, &rv, &out)) ==
	    SD_OK) {
		return sd_reply_buf(r, MHD_HTTP_OK, HTML, &out);
	}
	sd_buf_free(&out);
	return sd_reply_error_page(r, MHD_HTTP_INTERNAL_SERVER_ERROR, lang);
}

static enum MHD_Result receipt_finish(struct sd_req *r)
{
	const char *lang = sd_req_lang(r);
	const char *ct = MHD_lookup_connection_value(r->conn,
	    MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
	struct receipt_post rp;
	enum MHD_Result ret;

	memset(&rp, 0, sizeof(rp));
	if (r->upload_err != SD_OK || r->body.data == NULL ||
	    !sd_post_is(ct, "application/x-www-form-urlencoded") ||
	    sd_post_urlencoded(r->body.data, r->body.len, on_field, &rp) !=
	    SD_OK || (rp.seen & 11) != 11 ||
	    (strcmp(rp.action, "save") != 0 && strcmp(rp.action, "show") != 0) ||
	    !valid(r->srv, &rp))
		ret = sd_reply_error_page(r, MHD_HTTP_BAD_REQUEST, lang);
	else
		ret = answer(r, &rp, lang);
	sodium_memzero(&rp, sizeof(rp));
	return ret;
}

const struct sd_route sd_route_receipt = {
	.method = "POST",
	.path = "/receipt",
	.html = 1,
	.log_name = "/receipt",
	.max_body = receipt_max,
	.upload = receipt_upload,
	.finish = receipt_finish,
};
