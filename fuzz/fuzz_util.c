/* Functions shared by the fuzz targets: a scratch directory for parsers that
 * read files, the fixed keys of the test vectors, signing for parsers that
 * only look at a body once its signature verifies. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dirent.h>

#include "fuzz.h"
#include "sd_err.h"
#include "sd_file.h"
#include "sd_mem.h"
#include "sd_signed.h"

#ifndef FUZZ_SOURCE_DIR
#error "FUZZ_SOURCE_DIR must name the source tree"
#endif

static char scratch[512];
static int ready;

static void
remove_scratch(void)
{
	char p[1024];
	struct dirent *e;
	DIR *d;

	if (scratch[0] == '\0' || (d = opendir(scratch)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", scratch, e->d_name);
		unlink(p);
	}
	closedir(d);
	rmdir(scratch);
}

void
fz_init(void)
{
	const char *tmp;

	if (ready)
		return;
	ready = 1;
	if (sd_crypto_init() != SD_OK)
		abort();
	setenv("SEALDROP_TODAY", FZ_TODAY, 1);
	/* the targets that read files write one per input: memory is faster */
	tmp = getenv("TMPDIR");
	if (tmp == NULL || tmp[0] == '\0')
		tmp = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
	snprintf(scratch, sizeof(scratch), "%s/sealdrop-fuzz-XXXXXX", tmp);
	if (mkdtemp(scratch) == NULL) {
		perror("fuzz: cannot make a scratch directory");
		abort();
	}
	atexit(remove_scratch);
}

const char *
fz_source(const char *rel)
{
	static char p[4096];

	snprintf(p, sizeof(p), "%s/%s", FUZZ_SOURCE_DIR, rel);
	return p;
}

const char *
fz_path(const char *name)
{
	static char p[1024];

	fz_init();
	snprintf(p, sizeof(p), "%s/%s", scratch, name);
	return p;
}

const char *
fz_file(const char *name, const void *data, size_t len)
{
	const char *p = fz_path(name);
	FILE *f;

	unlink(p);
	if ((f = fopen(p, "wb")) == NULL)
		return NULL;
	if (len > 0 && fwrite(data, 1, len, f) != len) {
		fclose(f);
		return NULL;
	}
	return fclose(f) == 0 ? p : NULL;
}

const sd_seckey *
fz_key(enum sd_role role, uint8_t byte)
{
	static struct { enum sd_role role; uint8_t byte; sd_seckey *k; } keys[8];
	static size_t n;
	uint8_t raw[32];
	size_t i;

	fz_init();
	for (i = 0; i < n; i++)
		if (keys[i].role == role && keys[i].byte == byte)
			return keys[i].k;
	if (n == sizeof(keys) / sizeof(keys[0]))
		abort();
	memset(raw, byte, sizeof(raw));
	if (sd_seckey_from_raw(role, raw, &keys[n].k) != SD_OK)
		abort();
	keys[n].role = role;
	keys[n].byte = byte;
	return keys[n++].k;
}

char *
fz_strdup(const uint8_t *data, size_t len)
{
	char *s = malloc(len + 1);

	if (s == NULL)
		abort();
	if (len > 0)
		memcpy(s, data, len);
	s[len] = '\0';
	return s;
}

char *
fz_sign(const char *format, const char *keyfield, const sd_seckey *k,
    const uint8_t *body, size_t len, size_t *outlen)
{
	char *doc = NULL;

	if (sd_signed_create(format, keyfield, k, body, len, &doc, outlen) != SD_OK)
		return NULL;
	return doc;
}

const sd_channel *
fz_vector_channel(void)
{
	static sd_channel *ch;
	uint8_t *text = NULL;
	size_t len = 0;
	const sd_seckey *auth;

	if (ch != NULL)
		return ch;
	auth = fz_key(SD_ROLE_AUTHORITY, FZ_AUTHORITY_BYTE);
	if (sd_file_read(fz_source("tests/vectors/channel.json"), 65536, &text,
	    &len) != SD_OK || sd_channel_load((const char *)text, len,
	    sd_seckey_pk(auth), FZ_TODAY, &ch) != SD_OK)
		abort();
	free(text);
	return ch;
}
