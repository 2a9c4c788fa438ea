/* GET /healthz: the process serves. It says nothing about what is stored. */
#include "server.h"

static enum MHD_Result health_finish(struct sd_req *r)
{
	static const char ok[] = "{\"status\":\"ok\"}\n";

	return sd_reply(r, MHD_HTTP_OK, "application/json", ok,
	    sizeof(ok) - 1);
}

const struct sd_route sd_route_health = {
	.method = "GET",
	.path = "/healthz",
	.log_name = "/healthz",
	.finish = health_finish,
};
