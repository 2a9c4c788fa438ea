/* Responses. Every one of them, errors included, carries the same security
 * headers (PRODUCT.md section 6); no cookie is ever set. */
#include "server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "sd_encode.h"
#include "sd_envelope.h"
#include "sd_err.h"

/* Scripts from this server only, nothing inline; 'wasm-unsafe-eval' lets
 * the browser's libsodium compile its WebAssembly (without it libsodium
 * falls back to plain JavaScript, several times slower on attachments);
 * connections back to this server only, for the channel and the sealed
 * report. */
#define CSP "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; " \
	"style-src 'self'; img-src 'self'; connect-src 'self'; " \
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

static const char *const security_headers[][2] = {
	{ "Cache-Control", "no-store" },
	{ "Content-Security-Policy", CSP },
	{ "Referrer-Policy", "no-referrer" },
	{ "X-Content-Type-Options", "nosniff" },
	{ "X-Frame-Options", "DENY" },
	{ "Cross-Origin-Opener-Policy", "same-origin" },
	{ "Cross-Origin-Resource-Policy", "same-origin" },
};

int sd_security_headers(struct MHD_Response *resp)
{
	size_t i;

	for (i = 0; i < sizeof(security_headers) /
	    sizeof(security_headers[0]); i++) {
		if (MHD_add_response_header(resp, security_headers[i][0],
		    security_headers[i][1]) != MHD_YES)
			return SD_E_NOMEM;
	}
	return SD_OK;
}

static enum MHD_Result queue(struct sd_req *r, unsigned status,
    const char *ctype, struct MHD_Response *resp, size_t len)
{
	enum MHD_Result ret;

	if (resp == NULL)
		return MHD_NO;
	if (sd_security_headers(resp) != SD_OK || (ctype != NULL &&
	    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
	    ctype) != MHD_YES)) {
		MHD_destroy_response(resp);
		return MHD_NO;
	}
	/* stopping: this answer is the connection's last */
	if (__atomic_load_n(&r->srv->stopping, __ATOMIC_SEQ_CST))
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION,
		    "close");
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED && r->route != NULL)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW,
		    strcmp(r->route->method, "GET") == 0 ? "GET, HEAD" :
		    r->route->method);
	ret = MHD_queue_response(r->conn, status, resp);
	MHD_destroy_response(resp);
	if (ret == MHD_YES) {
		r->status = status;
		r->bytes = len;
	}
	return ret;
}

enum MHD_Result sd_reply(struct sd_req *r, unsigned status,
    const char *ctype, const void *data, size_t len)
{
	struct MHD_Response *resp = NULL;

	resp = MHD_create_response_from_buffer(len, (void *)(uintptr_t)data,
	    MHD_RESPMEM_MUST_COPY);
	return queue(r, status, ctype, resp, len);
}

enum MHD_Result sd_reply_text(struct sd_req *r, unsigned status,
    const char *msg)
{
	char text[512];
	int n;

	n = snprintf(text, sizeof(text), "%s\n", msg);
	if (n < 0)
		return MHD_NO;
	if ((size_t)n >= sizeof(text))
		n = (int)sizeof(text) - 1;
	return sd_reply(r, status, "text/plain; charset=utf-8", text,
	    (size_t)n);
}

struct wiped {
	uint8_t *data;
	size_t len;
};

static void wipe_free(void *cls)
{
	struct wiped *w = cls;

	sodium_memzero(w->data, w->len);
	free(w->data);
	free(w);
}

static struct MHD_Response *wiped_response(sd_buf *b, size_t *len)
{
	struct MHD_Response *resp = NULL;
	struct wiped *w = calloc(1, sizeof(*w));

	if (w == NULL) {
		sd_buf_free(b);
		return NULL;
	}
	w->data = sd_buf_take(b, &w->len);
	if (w->data == NULL) {
		free(w);
		return NULL;
	}
	resp = MHD_create_response_from_buffer_with_free_callback_cls(w->len,
	    w->data, wipe_free, w);
	*len = w->len;
	if (resp == NULL)
		wipe_free(w);
	return resp;
}

enum MHD_Result sd_reply_download(struct sd_req *r, const char *ctype,
    const char *filename, sd_buf *b)
{
	char cd[160];
	size_t len = 0;
	struct MHD_Response *resp = NULL;
	int n = snprintf(cd, sizeof(cd), "attachment; filename=\"%s\"",
	    filename);

	if (n < 0 || (size_t)n >= sizeof(cd) || strpbrk(filename, "\"\\\r\n")) {
		sd_buf_free(b);
		return MHD_NO;
	}
	if ((resp = wiped_response(b, &len)) == NULL)
		return MHD_NO;
	if (MHD_add_response_header(resp, "Content-Disposition", cd) !=
	    MHD_YES) {
		MHD_destroy_response(resp);
		return MHD_NO;
	}
	return queue(r, MHD_HTTP_OK, ctype, resp, len);
}

enum MHD_Result sd_reply_buf(struct sd_req *r, unsigned status,
    const char *ctype, sd_buf *b)
{
	struct MHD_Response *resp = NULL;
	struct wiped *w = NULL;

	w = calloc(1, sizeof(*w));
	if (w == NULL) {
		sd_buf_free(b);
		return MHD_NO;
	}
	w->data = sd_buf_take(b, &w->len);
	if (w->data == NULL) {
		free(w);
		return MHD_NO;
	}
	resp = MHD_create_response_from_buffer_with_free_callback_cls(w->len,
	    w->data, wipe_free, w);
	if (resp == NULL) {
		wipe_free(w);
		return MHD_NO;
	}
	return queue(r, status, ctype, resp, w->len);
}

enum MHD_Result sd_reply_shared(struct sd_req *r, unsigned status,
    struct MHD_Response *resp, size_t len)
{
	enum MHD_Result ret;

	ret = MHD_queue_response(r->conn, status, resp);
	if (ret == MHD_YES) {
		r->status = status;
		r->bytes = len;
	}
	return ret;
}

const char *sd_req_lang(struct sd_req *r)
{
	const char *q = MHD_lookup_connection_value(r->conn,
	    MHD_GET_ARGUMENT_KIND, "lang");
	const char *al = MHD_lookup_connection_value(r->conn,
	    MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_LANGUAGE);

	return sd_web_lang(r->srv->web, q, al);
}

static const char *status_text(unsigned status)
{
	switch (status) {
	case 400: return "bad request";
	case 404: return "not found";
	case 405: return "method not allowed";
	case 413: return "too large";
	case 429: return "too many requests, try again in a minute";
	case 503: return "cannot store now, try again later";
	default: return "server error";
	}
}

enum MHD_Result sd_reply_error_page(struct sd_req *r, unsigned status,
    const char *lang)
{
	sd_buf page;

	if (r->srv->web == NULL)
		return sd_reply_text(r, status, status_text(status));
	sd_buf_init(&page, SD_WEB_PAGE_MAX);
	if (sd_error_page(r->srv->web, lang != NULL ? lang : "en", status,
	    &page) != SD_OK) {
		sd_buf_free(&page);
		return sd_reply_text(r, status, status_text(status));
	}
	return sd_reply_buf(r, status, "text/html; charset=utf-8", &page);
}

int sd_sign_receipt(const struct sd_server *srv, const char *receipt,
    const char *day, char *signature_b64, size_t cap)
{
	char msg[128];
	uint8_t sig[64];
	int rc;

	/* the length on success */
	rc = sd_receipt_message(msg, sizeof(msg), receipt, day);
	if (rc < 0)
		return rc;
	rc = sd_seckey_sign(srv->receipt_key, sig, (const uint8_t *)msg,
	    strlen(msg));
	if (rc != SD_OK)
		return rc;
	return sd_b64_encode(signature_b64, cap, sig, sizeof(sig));
}
