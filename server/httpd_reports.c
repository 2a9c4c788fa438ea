/* POST /api/v1/reports: an envelope sealed by the submitter. The server
 * checks its structure against the channel, without any key, stores it and
 * answers with the signed receipt (PRODUCT.md section 6). */
#include "server.h"

#include <stdio.h>
#include <string.h>

#include "sd_encode.h"
#include "sd_envelope.h"
#include "sd_err.h"

static size_t reports_max(const struct sd_server *srv)
{
	return srv->cfg.max_envelope;
}

/* Move what is in memory to the spool and go on there. */
static int to_spool(struct sd_req *r)
{
	int rc = SD_OK;

	if (r->body.len > 0)
		rc = sd_spool_write(r->srv->spool, &r->spool, r->body.data,
		    r->body.len);
	sd_buf_free(&r->body);
	sd_buf_init(&r->body, r->srv->cfg.max_envelope);
	return rc;
}

/* In memory while the body is small and the budget allows; on disk when
 * it is announced or grows past --spool-above, or memory is short: the
 * envelope is sealed. Memory is counted as the buffer grows (twice the
 * bytes: the buffer doubles), so a length announced and not sent holds
 * nothing. */
static int reports_upload(struct sd_req *r, const char *data, size_t size)
{
	const struct sd_config *cfg = &r->srv->cfg;
	size_t total = r->body.len + r->spool.len + size;

	if (total > cfg->max_envelope)
		return SD_E_TOOBIG;
	if (r->body.max == 0)
		sd_buf_init(&r->body, cfg->max_envelope);
	if (r->spool.reserved == 0 && total <= cfg->spool_above &&
	    (r->content_length == UINT64_MAX ||
	    r->content_length <= cfg->spool_above) &&
	    sd_req_reserve(r, 2 * size))
		return sd_buf_add(&r->body, data, size);
	if (r->srv->spool == NULL || cfg->max_spool == 0)
		return SD_E_NOMEM;
	if (r->spool.reserved == 0 && to_spool(r) != SD_OK)
		return SD_E_NOMEM;
	return sd_spool_write(r->srv->spool, &r->spool, data, size);
}

static const char *envelope_problem(int rc)
{
	switch (rc) {
	case SD_E_CHANNEL:
		return "envelope: sealed for another channel; fetch "
		    "/api/v1/channel and seal again";
	case SD_E_RECIPIENTS:
		return "envelope: the recipients are not those of the current "
		    "channel; fetch /api/v1/channel and seal again";
	default:
		return NULL;
	}
}

static enum MHD_Result bad_envelope(struct sd_req *r, int rc)
{
	char msg[256];
	const char *m = envelope_problem(rc);

	if (m == NULL) {
		snprintf(msg, sizeof(msg), "envelope: %s", sd_strerror(rc));
		m = msg;
	}
	return sd_reply_text(r, MHD_HTTP_BAD_REQUEST, m);
}

static enum MHD_Result receipt_reply(struct sd_req *r)
{
	char sig[SD_B64_LEN(64)];
	char json[256];
	const struct sd_store_item *it = &r->put.item;
	int n;

	if (r->put.result != SD_OK)
		return sd_reply_text(r, MHD_HTTP_SERVICE_UNAVAILABLE,
		    "cannot store the report durably now; nothing was "
		    "stored, try again later");
	if (sd_sign_receipt(r->srv, it->receipt, it->day, sig,
	    sizeof(sig)) != SD_OK)
		return sd_reply_text(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
		    "cannot sign the receipt");
	n = snprintf(json, sizeof(json), "{\"receipt\":\"%s\",\"day\":\"%s\","
	    "\"signature\":\"%s\"}\n", it->receipt, it->day, sig);
	if (n < 0 || (size_t)n >= sizeof(json))
		return MHD_NO;
	return sd_reply(r, it->duplicate ? MHD_HTTP_OK : MHD_HTTP_CREATED,
	    "application/json", json, (size_t)n);
}

/* The current channel, or during a rotation the previous one while it is
 * still valid, whichever the envelope names. */
static const sd_channel *channel_of(const struct sd_server *srv,
    const struct sd_envelope_view *v)
{
	const sd_channel *p = srv->previous;
	char today[11];

	if (p == NULL || memcmp(v->channel_id, sd_channel_id(p),
	    SD_CHANNEL_ID_BYTES) != 0)
		return srv->channel;
	sd_today(today);
	return strcmp(today, sd_channel_expires(p)) <= 0 ? p : srv->channel;
}

static enum MHD_Result reports_finish(struct sd_req *r)
{
	struct sd_envelope_view v;
	const uint8_t *env = NULL;
	size_t len = 0;
	int rc;

	if (__atomic_load_n(&r->put_state, __ATOMIC_ACQUIRE) == SD_PUT_DONE) {
		sd_req_drop_body(r);
		return receipt_reply(r);
	}
	if (r->put_state == SD_PUT_WAITING)
		return MHD_YES;
	/* part of the body was lost (out of memory): never judge the rest */
	if (r->upload_err != SD_OK)
		return sd_reply_text(r, MHD_HTTP_SERVICE_UNAVAILABLE,
		    "the server is busy; try again in a minute");
	if (r->spool.len > 0) {
		if (sd_spool_map(&r->spool, &env) != SD_OK)
			return sd_reply_text(r, MHD_HTTP_SERVICE_UNAVAILABLE,
			    "the server is busy; try again in a minute");
		len = r->spool.len;
	} else {
		env = r->body.data;
		len = r->body.len;
	}
	if (len == 0)
		return sd_reply_text(r, MHD_HTTP_BAD_REQUEST,
		    "send the sealed envelope as the request body");
	rc = sd_envelope_parse(env, len, &v);
	if (rc == SD_OK)
		rc = sd_envelope_check_channel(&v, channel_of(r->srv, &v));
	if (rc != SD_OK)
		return bad_envelope(r, rc);
	sd_req_store(r, env, len);
	return MHD_YES;
}

const struct sd_route sd_route_reports = {
	.method = "POST",
	.path = "/api/v1/reports",
	.log_name = "/api/v1/reports",
	.max_body = reports_max,
	.own_accounting = 1,
	.upload = reports_upload,
	.finish = reports_finish,
};
