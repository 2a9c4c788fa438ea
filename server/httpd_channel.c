/* GET /api/v1/channel: the channel descriptor byte for byte as loaded, so
 * that a submitter verifies exactly what the authority signed. */
#include "server.h"

#include "sd_channel.h"

static enum MHD_Result channel_finish(struct sd_req *r)
{
	size_t len = 0;

	(void)sd_channel_json(r->srv->channel, &len);
	return sd_reply_shared(r, MHD_HTTP_OK, r->srv->channel_resp, len);
}

const struct sd_route sd_route_channel = {
	.method = "GET",
	.path = "/api/v1/channel",
	.log_name = "/api/v1/channel",
	.finish = channel_finish,
};
