/* POST /api/v1/mailbox: the sealed messages waiting for a mailbox id, as a
 * padded "SDMB" answer (docs/followup.md). A wrong id, an empty mailbox and
 * one with a short message take the same path and give the same size. */
#include "server.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include "mailbox.h"
#include "sd_err.h"

/* 32 hex characters, and a line end some clients add */
#define MAILBOX_BODY_MAX 64

int sd_req_mailbox_allowed(struct sd_req *r)
{
	const union MHD_ConnectionInfo *ci;
	const struct sockaddr *sa = NULL;
	const void *addr = "";
	size_t len = 0;

	ci = MHD_get_connection_info(r->conn,
	    MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci != NULL)
		sa = ci->client_addr;
	if (sa != NULL && sa->sa_family == AF_INET) {
		addr = &((const struct sockaddr_in *)(const void *)sa)->sin_addr;
		len = sizeof(struct in_addr);
	} else if (sa != NULL && sa->sa_family == AF_INET6) {
		/* the /64 a host is given is one sender */
		addr = &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
		len = 8;
	}
	if (!sd_addrlimit_take(&r->srv->mbox_ip, addr, len))
		return 0;
	return sd_ratelimit_take(&r->srv->mbox_rate);
}

static size_t mailbox_max(const struct sd_server *srv)
{
	(void)srv;
	return MAILBOX_BODY_MAX;
}

static int mailbox_upload(struct sd_req *r, const char *data, size_t size)
{
	if (r->body.max == 0)
		sd_buf_init(&r->body, MAILBOX_BODY_MAX);
	return sd_buf_add(&r->body, data, size);
}

static enum MHD_Result mailbox_finish(struct sd_req *r)
{
	uint8_t id[SD_MAILBOX_ID_BYTES];
	uint8_t *blob = NULL;
	size_t len = r->body.len, bloblen = 0;
	const char *s = (const char *)r->body.data;
	enum MHD_Result ret;

	while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == '\r'))
		len--;
	if (s == NULL || sd_mbox_id_parse(s, len, id) != SD_OK)
		return sd_reply_text(r, MHD_HTTP_BAD_REQUEST,
		    "send the mailbox id (32 hex characters) as the body");
	if (!sd_req_mailbox_allowed(r))
		return sd_reply_text(r, MHD_HTTP_TOO_MANY_REQUESTS,
		    "too many mailbox lookups; try again in a minute");
	if (sd_mbox_fetch(r->srv->mbox, id, &blob, &bloblen) != SD_OK)
		return sd_reply_text(r, MHD_HTTP_SERVICE_UNAVAILABLE,
		    "cannot read the mailbox now; try again later");
	ret = sd_reply(r, MHD_HTTP_OK, "application/octet-stream", blob,
	    bloblen);
	free(blob);
	return ret;
}

const struct sd_route sd_route_mailbox = {
	.method = "POST",
	.path = "/api/v1/mailbox",
	.log_name = "/api/v1/mailbox",
	.max_body = mailbox_max,
	.mem_factor = 2,
	.upload = mailbox_upload,
	.finish = mailbox_finish,
};
