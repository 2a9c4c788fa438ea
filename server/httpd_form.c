/* GET /: the report form, rendered on the server in the page language. */
#include "server.h"

#include "sd_err.h"

static enum MHD_Result form_finish(struct sd_req *r)
{
	const char *lang = sd_req_lang(r);
	sd_buf page;

	sd_buf_init(&page, SD_WEB_PAGE_MAX);
	if (sd_form_page(r->srv->web, lang, NULL, NULL, &page) != SD_OK) {
		sd_buf_free(&page);
		return sd_reply_text(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
		    "the form cannot be shown; the server log says why");
	}
	return sd_reply_buf(r, MHD_HTTP_OK, "text/html; charset=utf-8", &page);
}

const struct sd_route sd_route_form = {
	.method = "GET",
	.path = "/",
	.log_name = "/",
	.finish = form_finish,
};
