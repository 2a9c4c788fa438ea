/* Public keys given to a command (`--authority`, `--recipient`,
 * `--receipt-key`, `--ack-key`): a NAME.pub file, or the base64 string
 * itself with an optional "role:" prefix. Each input is tried as the file
 * and, when it names no file, as the string. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"
#include "sd_err.h"

static void
check(const char *arg)
{
	uint8_t pk[SD_PK_BYTES];
	enum sd_role role = SD_ROLE_RECEIPT;

	if (sd_pubkey_load(arg, &role, pk) == SD_OK &&
	    (role < SD_ROLE_NONE || role > SD_ROLE_RECEIPT))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path;
	struct stat st;
	char *s;

	fz_init();
	if ((path = fz_file("input.pub", data, size)) != NULL)
		check(path);
	/* a string that names an existing file would be read as one: the
	 * file case is the one above */
	s = fz_strdup(data, size);
	if (strchr(s, '/') == NULL && stat(s, &st) != 0)
		check(s);
	free(s);
	return 0;
}
