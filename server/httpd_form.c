/* GET /: the report form, rendered on the server in the page language. */
#include "server.h"

#include <string.h>

#include "sd_encode.h"
#include "sd_err.h"

/* The browser's sealer is offered when its scripts are served: the page
 * then pins the authority key the server checked its channel against. */
void sd_req_form_view(const struct sd_req *r, struct sd_form_view *v)
{
	char b64[SD_B64_LEN(SD_PK_BYTES)];
	const struct sd_server *srv = r->srv;
	int sealing = sd_static_has(srv->files, SD_STATIC_FORM_JS) &&
	    sd_static_has(srv->files, SD_STATIC_SODIUM) &&
	    sd_static_has(srv->files, SD_STATIC_SODIUM_CORE) &&
	    sd_static_has(srv->files, SD_STATIC_ENVELOPE_JS);

	if (!sealing || sd_b64_encode(b64, sizeof(b64),
	    sd_channel_authority(srv->channel), SD_PK_BYTES) != SD_OK)
		b64[0] = '\0';
	sd_form_view_init(v, b64);
}

static enum MHD_Result form_finish(struct sd_req *r)
{
	const char *lang = sd_req_lang(r);
	struct sd_form_view view;
	sd_buf page;

	sd_req_form_view(r, &view);
	sd_buf_init(&page, SD_WEB_PAGE_MAX);
	if (sd_form_page(r->srv->web, lang, NULL, NULL, &view, &page) !=
	    SD_OK) {
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
