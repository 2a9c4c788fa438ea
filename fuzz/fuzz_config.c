/* The server's configuration: a --config file of `key = value` lines, and
 * the same options as command-line flags (the input split into arguments
 * at newlines). Checks: whatever is accepted keeps every string
 * NUL-terminated within its field and every number within its bound. */
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "fuzz.h"
#include "sd_envelope.h"
#include "sd_err.h"

#define MAX_ARGS 32

static void
check(const struct sd_config *c)
{
	const char *s[] = { c->listen, c->db, c->channel, c->previous_channel,
	    c->authority, c->receipt_key, c->passphrase_file, c->templates,
	    c->static_dir };
	size_t i;

	for (i = 0; i < sizeof(s) / sizeof(s[0]); i++)
		if (memchr(s[i], '\0', SD_CFG_PATH_MAX) == NULL)
			abort();
	if (c->threads > 256 || c->conn_limit > 65536 ||
	    c->max_envelope > SD_ENVELOPE_MAX || c->max_form > SD_DEF_FORM_MAX ||
	    c->max_batch > 4096 || c->timeout_s > 3600 || c->drain_s > 3600 ||
	    (c->no_sandbox != 0 && c->no_sandbox != 1))
		abort();
}

static void
as_flags(const uint8_t *data, size_t size)
{
	char prog[] = "sealdrop-server";
	char *copy = fz_strdup(data, size), *argv[MAX_ARGS + 1], *p = copy;
	struct sd_config c;
	int argc = 0;

	argv[argc++] = prog;
	while (argc < MAX_ARGS && p != NULL) {
		char *nl = strchr(p, '\n');
		if (nl != NULL)
			*nl++ = '\0';
		/* a --config FILE in the flags would read any file named */
		if (strncmp(p, "--config", 8) != 0)
			argv[argc++] = p;
		p = nl;
	}
	argv[argc] = NULL;
	sd_config_defaults(&c);
	if (sd_config_parse(&c, argc, argv, 1) == SD_OK)
		check(&c);
	free(copy);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sd_config c;
	const char *path;

	fz_init();
	sd_config_defaults(&c);
	if ((path = fz_file("server.conf", data, size)) == NULL)
		abort();
	if (sd_config_file(&c, path) == SD_OK)
		check(&c);
	as_flags(data, size);
	return 0;
}
