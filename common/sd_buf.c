#include "sd_buf.h"
#include "sd_err.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
sd_buf_init(sd_buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

/* Grow to hold need+1 bytes (the NUL). The old block is wiped before it is
 * released, so realloc never leaves a copy of a plaintext behind. */
static int
grow(sd_buf *b, size_t need)
{
	size_t ncap;
	uint8_t *n;

	if (need + 1 <= b->cap)
		return SD_OK;
	ncap = b->cap ? b->cap : 256;
	while (ncap < need + 1)
		ncap = ncap > SIZE_MAX / 2 ? need + 1 : ncap * 2;
	if (ncap > b->max + 1)
		ncap = b->max + 1;
	if ((n = malloc(ncap)) == NULL)
		return SD_E_NOMEM;
	if (b->data) {
		memcpy(n, b->data, b->len + 1);
		sodium_memzero(b->data, b->cap);
		free(b->data);
	}
	b->data = n;
	b->cap = ncap;
	return SD_OK;
}

int
sd_buf_add(sd_buf *b, const void *p, size_t n)
{
	int rc;

	if (n > b->max || b->len > b->max - n)
		return SD_E_TOOBIG;
	if ((rc = grow(b, b->len + n)) != SD_OK)
		return rc;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = 0;
	return SD_OK;
}

int
sd_buf_adds(sd_buf *b, const char *s)
{
	return sd_buf_add(b, s, strlen(s));
}

int
sd_buf_addf(sd_buf *b, const char *fmt, ...)
{
	va_list ap;
	char small[512];
	char *big = NULL;
	int n, rc;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return SD_E_INVAL;
	if ((size_t)n < sizeof(small))
		return sd_buf_add(b, small, (size_t)n);
	if ((size_t)n > b->max)
		return SD_E_TOOBIG;
	if ((big = malloc((size_t)n + 1)) == NULL)
		return SD_E_NOMEM;
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	rc = sd_buf_add(b, big, (size_t)n);
	sodium_memzero(big, (size_t)n + 1);
	free(big);
	return rc;
}

void
sd_buf_reset(sd_buf *b)
{
	if (b->data)
		sodium_memzero(b->data, b->cap);
	b->len = 0;
}

void
sd_buf_free(sd_buf *b)
{
	if (b->data) {
		sodium_memzero(b->data, b->cap);
		free(b->data);
	}
	b->data = NULL;
	b->len = b->cap = 0;
}

uint8_t *
sd_buf_take(sd_buf *b, size_t *len)
{
	uint8_t *d = b->data;

	if (d == NULL && grow(b, 0) == SD_OK) {
		d = b->data;
		d[0] = 0;
	}
	if (len)
		*len = b->len;
	b->data = NULL;
	b->len = b->cap = 0;
	return d;
}
