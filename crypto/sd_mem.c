#include "sd_mem.h"
#include "sd_err.h"
#include "sd_file.h"

#include <sodium.h>
#include <sys/prctl.h>
#include <sys/resource.h>

int
sd_crypto_init(void)
{
	struct rlimit rl = { 0, 0 };

	/* A core dump of a process holding a key or a plaintext report would
	 * write it to disk: switch them off before anything is loaded. */
	if (setrlimit(RLIMIT_CORE, &rl) != 0)
		return SD_E_INVAL;
	(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	sd_file_init();
	if (sodium_init() < 0)
		return SD_E_INVAL;
	return SD_OK;
}

void *
sd_secret_alloc(size_t n)
{
	return sodium_malloc(n ? n : 1);
}

void
sd_secret_free(void *p)
{
	if (p)
		sodium_free(p);
}
