/* Bounded growing buffer (after curl's dynbuf): every buffer has a maximum
 * and refuses to grow past it. Freed memory is wiped, because these buffers
 * also carry plaintext reports on the form path. */
#ifndef SD_BUF_H
#define SD_BUF_H

#include <stddef.h>
#include <stdint.h>

typedef struct sd_buf {
	uint8_t *data;  /* always NUL-terminated when non-NULL */
	size_t len;
	size_t cap;
	size_t max;     /* hard limit on len */
} sd_buf;

void sd_buf_init(sd_buf *b, size_t max);
/* SD_OK, SD_E_TOOBIG (nothing appended) or SD_E_NOMEM */
int sd_buf_add(sd_buf *b, const void *p, size_t n);
int sd_buf_adds(sd_buf *b, const char *s);
int sd_buf_addf(sd_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* empty the buffer (wiping it), keep the allocation */
void sd_buf_reset(sd_buf *b);
/* wipe and release */
void sd_buf_free(sd_buf *b);
/* hand the data to the caller (malloc'ed, NUL-terminated); b is emptied */
uint8_t *sd_buf_take(sd_buf *b, size_t *len);

#endif
