#include "org.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sodium.h>

#include "sd_encode.h"
#include "sd_err.h"
#include "sd_file.h"
#include "sd_mem.h"

#define ORG_COMMENT "untrusted comment: sealdrop organisation secret " \
	"(keep a backup; never share it)\n"
#define ORG_FILE_MAX 1024

int
sub_data_path(char *out, size_t cap, const char *name)
{
	const char *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");
	int n;

	/* the XDG spec says a relative value is to be ignored */
	if (xdg != NULL && xdg[0] == '/')
		n = snprintf(out, cap, "%s/sealdrop/%s", xdg, name);
	else if (home != NULL && home[0] == '/')
		n = snprintf(out, cap, "%s/.local/share/sealdrop/%s", home, name);
	else
		return SD_E_INVAL;
	return n < 0 || (size_t)n >= cap ? SD_E_TOOBIG : SD_OK;
}

int
sub_make_parent(const char *path)
{
	char dir[4096];
	size_t i, n = strlen(path);

	if (n >= sizeof(dir))
		return SD_E_TOOBIG;
	memcpy(dir, path, n + 1);
	for (i = 1; i < n; i++) {
		if (dir[i] != '/')
			continue;
		dir[i] = '\0';
		if (mkdir(dir, 0700) != 0 && errno != EEXIST)
			return SD_E_IO;
		dir[i] = '/';
	}
	return SD_OK;
}

int
sub_org_init(const char *path, int force, char reporter[SUB_REPORTER_HEX])
{
	return sub_org_init_from(path, force, NULL, reporter, NULL);
}

int
sub_org_init_from(const char *path, int force, const uint8_t *from,
    char reporter[SUB_REPORTER_HEX], char code[SD_ORG_CODE_LEN])
{
	const size_t b64 = SD_B64_LEN(SUB_ORG_SECRET_BYTES);
	const size_t cap = sizeof(ORG_COMMENT) + b64 + 1;
	uint8_t *secret = NULL;
	char *text = NULL;
	size_t len;
	int rc = SD_E_NOMEM;

	secret = sd_secret_alloc(SUB_ORG_SECRET_BYTES);
	text = sd_secret_alloc(cap);
	if (secret == NULL || text == NULL)
		goto out;
	if (from != NULL)
		memcpy(secret, from, SUB_ORG_SECRET_BYTES);
	else
		randombytes_buf(secret, SUB_ORG_SECRET_BYTES);
	len = strlen(ORG_COMMENT);
	memcpy(text, ORG_COMMENT, len);
	sd_b64_encode(text + len, cap - len, secret, SUB_ORG_SECRET_BYTES);
	len += strlen(text + len);
	text[len++] = '\n';
	if ((rc = sub_make_parent(path)) != SD_OK)
		goto out;
	if ((rc = sd_file_write(path, text, len, 0600, force)) != SD_OK)
		goto out;
	sd_reporter_derive(reporter, secret);
	if (code != NULL)
		sd_org_code_encode(code, secret);
out:
	sd_secret_free(secret);
	sd_secret_free(text);
	return rc;
}

/* The key line is the first one that is not a comment. */
static int
parse_secret(const char *text, size_t len, uint8_t *secret)
{
	const char *p = text, *end = text + len, *nl = NULL;
	size_t n, got = 0;

	while (p < end && strncmp(p, "untrusted comment:", 18) == 0) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			return SD_E_KEYFILE;
		p = nl + 1;
	}
	nl = memchr(p, '\n', (size_t)(end - p));
	n = (size_t)((nl ? nl : end) - p);
	if (n > 0 && p[n - 1] == '\r')
		n--;
	if (sd_b64_decode(secret, SUB_ORG_SECRET_BYTES, &got, p, n) != SD_OK ||
	    got != SUB_ORG_SECRET_BYTES)
		return SD_E_KEYFILE;
	return SD_OK;
}

int
sub_org_reporter(const char *path, char reporter[SUB_REPORTER_HEX])
{
	return sub_org_code(path, NULL, reporter);
}

int
sub_org_code(const char *path, char code[SD_ORG_CODE_LEN],
    char reporter[SUB_REPORTER_HEX])
{
	struct stat st;
	uint8_t *text = NULL, *secret = NULL;
	size_t len = 0;
	int rc;

	if (stat(path, &st) != 0)
		return SD_E_IO;
	if ((st.st_mode & 077) != 0)
		return SD_E_INVAL;
	if ((rc = sd_file_read(path, ORG_FILE_MAX, &text, &len)) != SD_OK)
		return rc == SD_E_TOOBIG ? SD_E_KEYFILE : rc;
	if ((secret = sd_secret_alloc(SUB_ORG_SECRET_BYTES)) == NULL) {
		rc = SD_E_NOMEM;
		goto out;
	}
	if ((rc = parse_secret((const char *)text, len, secret)) == SD_OK) {
		sd_reporter_derive(reporter, secret);
		if (code != NULL)
			sd_org_code_encode(code, secret);
	}
out:
	sd_secret_free(secret);
	sodium_memzero(text, len);
	free(text);
	return rc;
}
