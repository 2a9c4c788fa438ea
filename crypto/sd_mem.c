#include "sd_mem.h"
#include "sd_err.h"
#include "sd_file.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
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

void
sd_secret_lock_check(const char *prog)
{
	void *probe = NULL;

	/* sodium_malloc() goes on when mlock() fails, and the secrets may then
	 * reach swap: say so once, at start, where the operator can act. */
	probe = sodium_malloc(SD_SECRET_BLOCK);
	if (probe == NULL)
		return;
	if (sodium_mlock(probe, SD_SECRET_BLOCK) != 0)
		fprintf(stderr, "%s: warning: secret memory cannot be locked "
		    "(%s); keys and reports may be written to swap: raise "
		    "the locked-memory limit (ulimit -l, LimitMEMLOCK=)\n",
		    prog, strerror(errno));
	sodium_free(probe);
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

#define POOL_KEEP 128

static pthread_mutex_t pool_mu = PTHREAD_MUTEX_INITIALIZER;
static void *pool[POOL_KEEP];
static size_t pool_n;

void *
sd_secret_block_get(void)
{
	void *p = NULL;

	pthread_mutex_lock(&pool_mu);
	if (pool_n > 0)
		p = pool[--pool_n];
	pthread_mutex_unlock(&pool_mu);
	return p != NULL ? p : sodium_malloc(SD_SECRET_BLOCK);
}

void
sd_secret_block_put(void *p)
{
	if (p == NULL)
		return;
	sodium_memzero(p, SD_SECRET_BLOCK);
	pthread_mutex_lock(&pool_mu);
	if (pool_n < POOL_KEEP) {
		pool[pool_n++] = p;
		p = NULL;
	}
	pthread_mutex_unlock(&pool_mu);
	if (p != NULL)
		sodium_free(p);
}
