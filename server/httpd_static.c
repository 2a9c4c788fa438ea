/* GET /static/NAME: the style sheet and scripts of the form. The files are
 * read once at start-up; a request never reaches the file system, so no
 * path can escape the directory.
 *
 * Served: every file of a known type in the static directory and its
 * folders (two levels deep), except the npm tree; and the browser's
 * libsodium, which npm installs from the lock file beside it
 * (vendor/package-lock.json): vendor/files.list names the files of
 * vendor/node_modules/ served under /static/vendor/. Nothing of npm is
 * copied into the source tree. */
#include "server.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sd_err.h"
#include "sd_file.h"

#define STATIC_MAX_FILES 128
#define STATIC_MAX_FILE (2 * 1024 * 1024)
#define STATIC_NAME_MAX 128
#define STATIC_MAX_DEPTH 2
#define VENDOR_LIST "vendor/files.list"
#define VENDOR_LIST_MAX (16 * 1024)
#define VENDOR_TREE "vendor/node_modules"

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
	{ ".mjs", "text/javascript; charset=utf-8" },
	{ ".svg", "image/svg+xml" },
	{ ".png", "image/png" },
	{ ".ico", "image/x-icon" },
	{ ".woff2", "font/woff2" },
	{ ".txt", "text/plain; charset=utf-8" },
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

/* One path component of letters, digits, '.', '-', '_', not hidden. */
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

static int load_one(struct sd_static *st, const char *path, const char *name)
{
	struct static_file *f = &st->f[st->n];
	uint8_t *data = NULL;
	size_t len = 0;
	int rc;

	if (st->n == STATIC_MAX_FILES) {
		fprintf(stderr, "sealdrop-server: more than %d static files\n",
		    STATIC_MAX_FILES);
		return SD_E_TOOBIG;
	}
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

static int join(char *out, size_t cap, const char *a, const char *b)
{
	int n = snprintf(out, cap, "%s%s%s", a, a[0] ? "/" : "", b);

	return n < 0 || (size_t)n >= cap ? SD_E_TOOBIG : SD_OK;
}

/* The files of dir/rel (rel "" for the top) under the names rel/NAME. */
static int load_dir(struct sd_static *st, const char *dir, const char *rel,
    int depth)
{
	char path[SD_CFG_PATH_MAX + STATIC_NAME_MAX + 2];
	char name[STATIC_NAME_MAX + 1];
	char sub[SD_CFG_PATH_MAX + STATIC_NAME_MAX + 2];
	struct dirent *de = NULL;
	struct stat sb;
	DIR *d = NULL;
	int rc = SD_OK;

	if (join(path, sizeof(path), dir, rel) != SD_OK)
		return SD_E_TOOBIG;
	if ((d = opendir(path)) == NULL) {
		fprintf(stderr, "sealdrop-server: cannot read the static "
		    "directory %s: %s; give --static DIR\n", path,
		    strerror(errno));
		return SD_E_IO;
	}
	while (rc == SD_OK && (de = readdir(d)) != NULL) {
		if (!safe_name(de->d_name) ||
		    join(name, sizeof(name), rel, de->d_name) != SD_OK ||
		    join(sub, sizeof(sub), path, de->d_name) != SD_OK ||
		    stat(sub, &sb) != 0)
			continue;
		if (S_ISDIR(sb.st_mode)) {
			/* npm's tree is served only through files.list */
			if (depth < STATIC_MAX_DEPTH &&
			    strcmp(de->d_name, "node_modules") != 0)
				rc = load_dir(st, dir, name, depth + 1);
			continue;
		}
		if (S_ISREG(sb.st_mode) && media_type(de->d_name) != NULL)
			rc = load_one(st, sub, name);
	}
	closedir(d);
	return rc;
}

/* "NAME PATH" lines: /static/vendor/NAME is vendor/node_modules/PATH. A
 * missing file is said once on stderr and leaves the form without the
 * browser's sealer (the form still works, sealed by the server). */
static int load_vendor(struct sd_static *st, const char *dir)
{
	char path[SD_CFG_PATH_MAX + 64], file[SD_CFG_PATH_MAX + 512];
	char line[512], name[STATIC_NAME_MAX + 1], rel[400];
	uint8_t *text = NULL;
	size_t len = 0, i = 0, k;
	int rc, missing = 0;

	if (join(path, sizeof(path), dir, VENDOR_LIST) != SD_OK)
		return SD_E_TOOBIG;
	rc = sd_file_read(path, VENDOR_LIST_MAX, &text, &len);
	if (rc == SD_E_IO && errno == ENOENT)
		return SD_OK;
	if (rc != SD_OK) {
		fprintf(stderr, "sealdrop-server: cannot read %s: %s\n", path,
		    sd_strerror(rc));
		return rc;
	}
	while (rc == SD_OK && i < len) {
		for (k = 0; i < len && text[i] != '\n'; i++)
			if (k + 1 < sizeof(line))
				line[k++] = (char)text[i];
		line[k] = '\0';
		i++;
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if (sscanf(line, "%128s %399s", name, rel) != 2 ||
		    !safe_name(name) || media_type(name) == NULL ||
		    strstr(rel, "..") != NULL || rel[0] == '/') {
			fprintf(stderr, "sealdrop-server: %s: a line is not "
			    "'NAME PATH-UNDER-node_modules': %s\n", path, line);
			rc = SD_E_FORMAT;
			break;
		}
		snprintf(file, sizeof(file), "%s/%s/%s", dir, VENDOR_TREE, rel);
		if (access(file, R_OK) != 0) {
			missing = 1;
			continue;
		}
		snprintf(line, sizeof(line), "vendor/%s", name);
		rc = load_one(st, file, line);
	}
	if (missing)
		fprintf(stderr, "sealdrop-server: the browser's libsodium is not "
		    "installed in %s/%s (scripts/setup-deps.sh installs it with "
		    "npm ci); the form is served without sealing in the "
		    "browser, and the server seals form posts\n", dir,
		    VENDOR_TREE);
	free(text);
	return rc;
}

int sd_static_load(const char *dir, struct sd_static **out)
{
	struct sd_static *st = NULL;
	int rc = SD_E_NOMEM;

	*out = NULL;
	st = calloc(1, sizeof(*st));
	if (st == NULL)
		goto out;
	if ((rc = load_dir(st, dir, "", 0)) != SD_OK ||
	    (rc = load_vendor(st, dir)) != SD_OK)
		goto out;
	*out = st;
	st = NULL;
out:
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

int sd_static_has(const struct sd_static *st, const char *name)
{
	size_t i;

	for (i = 0; st != NULL && i < st->n; i++)
		if (strcmp(st->f[i].name, name) == 0)
			return 1;
	return 0;
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
