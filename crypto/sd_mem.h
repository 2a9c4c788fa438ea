/* Process set-up for tools that hold secrets, and guarded secret memory. */
#ifndef SD_MEM_H
#define SD_MEM_H

#include <stddef.h>

/* sodium_init(), core dumps off (RLIMIT_CORE=0, PR_SET_DUMPABLE=0).
 * Call first in every main(). Returns SD_OK or SD_E_INVAL. */
int sd_crypto_init(void);

/* Warns once on stderr, as PROG, when guarded memory cannot be locked
 * (RLIMIT_MEMLOCK too low), since secrets could then reach swap. */
void sd_secret_lock_check(const char *prog);

/* sodium_malloc'ed memory: guard pages, mlock'ed, wiped on free. */
void *sd_secret_alloc(size_t n);
void sd_secret_free(void *p);   /* NULL is fine */

/* Guarded blocks of SD_SECRET_BLOCK bytes, kept in a pool: a guarded
 * allocation costs system calls and a TLB flush on release, more than
 * handling a small form post. A block comes back wiped. */
#define SD_SECRET_BLOCK (64 * 1024)
void *sd_secret_block_get(void);
void sd_secret_block_put(void *p);   /* wipes; NULL is fine */

#endif
