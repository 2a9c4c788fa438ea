/* GET /static/NAME: the style sheet and images of the form. The files are
 * read once at start-up; a request never reaches the file system, so no
 * path can escape the directory. */
#include "server.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sd_err.h"
#include "sd_file.h"

#define STATIC_MAX_FILES 128
#define STATIC_MAX_FILE (1024 * 1024)
#define STATIC_NAME_MAX 64

struct static_file {
	char name[STATIC_NAME_MAX + 1];
	struct MHD_Response *resp;
	size_t len;
};

struct sd_static {
	size_t n;
	struct static_file f[STATIC_MAX_FILES];
};

static const char *const types[][2] = {
	{ ".css", "text/css; charset=utf-8" },
	{ ".js", "text/javascript; charset=utf-8" },
	{ ".svg", "image/svg+xml" },
	{ ".png", "image/png" },
	{ ".ico", "image/x-icon" },
	{ ".woff2", "font/woff2" },
	{ ".txt", "text/plain; charset=utf-8" },
	{ ".json", "application/json" },
	{ ".html", "text/html; charset=utf-8" },
};

static const char *media_type(const char *name)
{
	size_t n = strlen(name);
	size_t i;
	size_t e;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		e = strlen(types[i][0]);
		if (n > e && strcmp(name + n - e, types[i][0]) == 0)
			return types[i][1];
	}
	return NULL;
}

static int safe_name(const char *s)
{
	size_t i;

	if (s[0] == '.' || s[0] == '\0' || strlen(s) > STATIC_NAME_MAX)
		return 0;
	for (i = 0; s[i] != '\0'; i++) {
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' &&
		    s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '.' || s[i] == '-' || s[i] == '_'))
			return 0;
	}
	return 1;
}

static int load_one(struct sd_static *st, const char *dir, const char *name)
{
	char path[SD_CFG_PATH_MAX + STATIC_NAME_MAX + 2];
	struct static_file *f = &st->f[st->n];
	uint8_t *data = NULL;
	size_t len = 0;
	int rc;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	rc = sd_file_read(path, STATIC_MAX_FILE, &data, &len);
	if (rc != SD_OK) {
		fprintf(stderr, "sealdrop-server: cannot read %s: %s\n", path,
		    sd_strerror(rc));
		return rc;
	}
	f->resp = MHD_create_response_from_buffer(len, data,
	    MHD_RESPMEM_MUST_COPY);
	free(data);
	if (f->resp == NULL || sd_security_headers(f->resp) != SD_OK ||
	    MHD_add_response_header(f->resp, MHD_HTTP_HEADER_CONTENT_TYPE,
	    media_type(name)) != MHD_YES) {
		if (f->resp != NULL)
			MHD_destroy_response(f->resp);
		f->resp = NULL;
		return SD_E_NOMEM;
	}
	snprintf(f->name, sizeof(f->name), "%s", name);
	f->len = len;
	st->n++;
	return SD_OK;
}

int sd_static_load(const char *dir, struct sd_static **out)
{
	struct sd_static *st = NULL;
	struct dirent *de = NULL;
	DIR *d = NULL;
	int rc = SD_E_NOMEM;

	*out = NULL;
	st = calloc(1, sizeof(*st));
	if (st == NULL)
		goto out;
	rc = SD_E_IO;
	d = opendir(dir);
	if (d == NULL) {
		fprintf(stderr, "sealdrop-server: cannot read the static "
		    "directory %s: %s; give --static DIR\n", dir,
		    strerror(errno));
		goto out;
	}
	while ((de = readdir(d)) != NULL) {
		if (!safe_name(de->d_name) || media_type(de->d_name) == NULL)
			continue;
		if (st->n == STATIC_MAX_FILES) {
			fprintf(stderr, "sealdrop-server: more than %d files in "
			    "%s\n", STATIC_MAX_FILES, dir);
			rc = SD_E_TOOBIG;
			goto out;
		}
		rc = load_one(st, dir, de->d_name);
		if (rc != SD_OK)
			goto out;
	}
	rc = SD_OK;
	*out = st;
	st = NULL;
out:
	if (d != NULL)
		closedir(d);
	sd_static_free(st);
	return rc;
}

void sd_static_free(struct sd_static *st)
{
	size_t i;

	if (st == NULL)
		return;
	for (i = 0; i < st->n; i++)
		MHD_destroy_response(st->f[i].resp);
	free(st);
}

static enum MHD_Result static_finish(struct sd_req *r)
{
	const struct sd_static *st = r->srv->files;
	const char *name = r->url + strlen("/static/");
	size_t i;

	for (i = 0; st != NULL && i < st->n; i++) {
		if (strcmp(st->f[i].name, name) == 0)
			return sd_reply_shared(r, MHD_HTTP_OK, st->f[i].resp,
			    st->f[i].len);
	}
	return sd_reply_text(r, MHD_HTTP_NOT_FOUND, "not found");
}

const struct sd_route sd_route_static = {
	.method = "GET",
	.path = "/static/",
	.prefix = 1,
	.log_name = "/static/*",
	.finish = static_finish,
};
