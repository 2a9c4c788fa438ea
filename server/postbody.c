#include "postbody.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "sd_err.h"
#include "sd_mem.h"

#define BODY_FIRST_CAP (64 * 1024)   /* past the first block */

int sd_post_is(const char *ct, const char *mt)
{
	size_t n = strlen(mt);

	if (ct == NULL || strncasecmp(ct, mt, n) != 0)
		return 0;
	return ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ';
}

static int hexval(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Percent-decode s[0..n) in place; returns the new length or -1. */
static long url_decode(uint8_t *s, size_t n)
{
	size_t i;
	size_t o = 0;
	int hi;
	int lo;

	for (i = 0; i < n; i++) {
		if (s[i] == '+') {
			s[o++] = ' ';
		} else if (s[i] == '%') {
			if (i + 2 >= n)
				return -1;
			hi = hexval(s[i + 1]);
			lo = hexval(s[i + 2]);
			if (hi < 0 || lo < 0)
				return -1;
			s[o++] = (uint8_t)(hi * 16 + lo);
			i += 2;
		} else {
			s[o++] = s[i];
		}
	}
	return (long)o;
}

static int url_pair(uint8_t *p, size_t n, sd_post_cb cb, void *ctx)
{
	struct sd_post_part part;
	uint8_t *eq = memchr(p, '=', n);
	size_t klen = eq != NULL ? (size_t)(eq - p) : n;
	long k;
	long v = 0;
	int rc;

	memset(&part, 0, sizeof(part));
	k = url_decode(p, klen);
	if (k <= 0 || (size_t)k >= sizeof(part.name) ||
	    memchr(p, '\0', (size_t)k) != NULL)
		return SD_E_INVAL;
	memcpy(part.name, p, (size_t)k);
	if (eq != NULL) {
		v = url_decode(eq + 1, n - klen - 1);
		if (v < 0)
			return SD_E_INVAL;
		part.data = eq + 1;
	} else {
		part.data = p + n;
	}
	part.len = (size_t)v;
	rc = cb(ctx, &part);
	sodium_memzero(&part, sizeof(part));
	return rc;
}

int sd_post_urlencoded(uint8_t *buf, size_t len, sd_post_cb cb, void *ctx)
{
	size_t pos = 0;
	size_t parts = 0;
	uint8_t *amp = NULL;
	size_t n;
	int rc;

	while (pos < len) {
		amp = memchr(buf + pos, '&', len - pos);
		n = amp != NULL ? (size_t)(amp - (buf + pos)) : len - pos;
		if (n > 0) {
			if (++parts > SD_POST_MAX_PARTS)
				return SD_E_TOOBIG;
			rc = url_pair(buf + pos, n, cb, ctx);
			if (rc != SD_OK)
				return rc;
		}
		pos += n + 1;
	}
	return SD_OK;
}

/* The boundary parameter of a multipart Content-Type. */
static int get_boundary(const char *ct, char *out, size_t cap)
{
	const char *p = strcasestr(ct, "boundary=");
	size_t n = 0;

	if (p == NULL)
		return SD_E_INVAL;
	p += strlen("boundary=");
	if (*p == '"') {
		p++;
		while (p[n] != '\0' && p[n] != '"')
			n++;
		if (p[n] != '"')
			return SD_E_INVAL;
	} else {
		while (p[n] != '\0' && p[n] != ';' && p[n] != ' ')
			n++;
	}
	if (n == 0 || n > SD_POST_BOUNDARY_MAX || n >= cap)
		return SD_E_INVAL;
	memcpy(out, p, n);
	out[n] = '\0';
	return SD_OK;
}

/* Copy the value of param (name="..." or name=token) from a header value
 * into out. 1 found, 0 absent, SD_E_INVAL malformed or too long. */
static int header_param(const char *h, size_t hlen, const char *param,
    char *out, size_t cap)
{
	size_t plen = strlen(param);
	size_t i;
	size_t o = 0;

	for (i = 0; i + plen + 1 < hlen; i++) {
		if ((i > 0 && h[i - 1] != ';' && h[i - 1] != ' ') ||
		    strncasecmp(h + i, param, plen) != 0 || h[i + plen] != '=')
			continue;
		i += plen + 1;
		if (h[i] != '"') {
			while (i < hlen && h[i] != ';' && h[i] != ' ' &&
			    o + 1 < cap)
				out[o++] = h[i++];
		} else {
			for (i++; i < hlen && h[i] != '"'; i++) {
				if (h[i] == '\\' && i + 1 < hlen)
					i++;
				if (o + 1 >= cap)
					return SD_E_INVAL;
				out[o++] = h[i];
			}
			if (i >= hlen)
				return SD_E_INVAL;
		}
		out[o] = '\0';
		return 1;
	}
	return 0;
}

static int part_header(const char *h, size_t n, struct sd_post_part *part,
    int *disposition)
{
	static const char cd[] = "content-disposition:";
	static const char ctype[] = "content-type:";
	int rc;

	if (n >= sizeof(cd) - 1 && strncasecmp(h, cd, sizeof(cd) - 1) == 0) {
		*disposition = 1;
		if (strstr(h, "form-data") == NULL)
			return SD_E_INVAL;
		rc = header_param(h, n, "name", part->name, sizeof(part->name));
		if (rc != 1)
			return SD_E_INVAL;
		rc = header_param(h, n, "filename", part->filename,
		    sizeof(part->filename));
		if (rc < 0)
			return rc;
		part->has_filename = rc;
	} else if (n >= sizeof(ctype) - 1 &&
	    strncasecmp(h, ctype, sizeof(ctype) - 1) == 0) {
		h += sizeof(ctype) - 1;
		n -= sizeof(ctype) - 1;
		while (n > 0 && *h == ' ') {
			h++;
			n--;
		}
		if (n >= sizeof(part->media_type))
			return SD_E_INVAL;
		memcpy(part->media_type, h, n);
		part->media_type[n] = '\0';
	}
	return SD_OK;
}

/* Parse the header block h[0..n) (lines ending in CRLF). */
static int part_headers(const uint8_t *h, size_t n, struct sd_post_part *part)
{
	char line[SD_POST_MAX_HEADERS + 1];
	const uint8_t *end = NULL;
	size_t pos = 0;
	size_t l;
	int disposition = 0;
	int rc;

	while (pos < n) {
		end = memmem(h + pos, n - pos, "\r\n", 2);
		l = end != NULL ? (size_t)(end - (h + pos)) : n - pos;
		if (l > SD_POST_MAX_HEADERS || memchr(h + pos, '\0', l) != NULL)
			return SD_E_INVAL;
		memcpy(line, h + pos, l);
		line[l] = '\0';
		rc = part_header(line, l, part, &disposition);
		sodium_memzero(line, l);
		if (rc != SD_OK)
			return rc;
		pos += l + 2;
	}
	return disposition ? SD_OK : SD_E_INVAL;
}

int sd_post_multipart(const uint8_t *buf, size_t len, const char *ct,
    sd_post_cb cb, void *ctx)
{
	char b[SD_POST_BOUNDARY_MAX + 5];
	char boundary[SD_POST_BOUNDARY_MAX + 1];
	struct sd_post_part part;
	const uint8_t *p = buf;
	const uint8_t *end = buf + len;
	const uint8_t *hdr_end = NULL;
	const uint8_t *next = NULL;
	size_t blen;
	size_t parts = 0;
	int rc;

	if (ct == NULL || get_boundary(ct, boundary, sizeof(boundary)) != SD_OK)
		return SD_E_INVAL;
	/* every delimiter but the first is preceded by CRLF */
	blen = (size_t)snprintf(b, sizeof(b), "\r\n--%s", boundary);
	if (len < blen - 2 || memcmp(p, b + 2, blen - 2) != 0)
		return SD_E_INVAL;
	p += blen - 2;
	for (;;) {
		if (end - p >= 2 && p[0] == '-' && p[1] == '-')
			return SD_OK;
		if (end - p < 2 || p[0] != '\r' || p[1] != '\n')
			return SD_E_INVAL;
		p += 2;
		if (++parts > SD_POST_MAX_PARTS)
			return SD_E_TOOBIG;
		hdr_end = memmem(p, (size_t)(end - p), "\r\n\r\n", 4);
		if (hdr_end == NULL ||
		    (size_t)(hdr_end - p) > SD_POST_MAX_HEADERS)
			return SD_E_INVAL;
		memset(&part, 0, sizeof(part));
		rc = part_headers(p, (size_t)(hdr_end - p) + 2, &part);
		if (rc != SD_OK)
			return rc;
		p = hdr_end + 4;
		next = memmem(p, (size_t)(end - p), b, blen);
		if (next == NULL)
			return SD_E_INVAL;
		part.data = p;
		part.len = (size_t)(next - p);
		rc = cb(ctx, &part);
		/* the names may be plaintext of the report */
		sodium_memzero(&part, sizeof(part));
		if (rc != SD_OK)
			return rc;
		p = next + blen;
	}
}

void sd_post_body_release(struct sd_post_body *b)
{
	if (b->pooled)
		sd_secret_block_put(b->data);
	else
		sd_secret_free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
	b->pooled = 0;
}

/* Grow the guarded buffer; old blocks are wiped by sd_secret_free. */
static int body_reserve(struct sd_post_body *b, size_t need, size_t max)
{
	uint8_t *n = NULL;
	size_t cap = b->cap != 0 ? b->cap : BODY_FIRST_CAP;

	if (need <= b->cap)
		return SD_OK;
	if (need > max)
		return SD_E_TOOBIG;
	while (cap < need)
		cap = cap > max / 2 ? max : cap * 2;
	n = sd_secret_alloc(cap);
	if (n == NULL)
		return SD_E_NOMEM;
	if (b->len > 0)
		memcpy(n, b->data, b->len);
	need = b->len;
	sd_post_body_release(b);
	b->data = n;
	b->len = need;
	b->cap = cap;
	return SD_OK;
}

int sd_post_body_add(struct sd_post_body *b, const char *data, size_t size,
    size_t max, uint64_t announced)
{
	int rc;

	if (b->data == NULL && b->cap == 0) {
		if ((b->data = sd_secret_block_get()) == NULL)
			return SD_E_NOMEM;
		b->cap = SD_SECRET_BLOCK;
		b->pooled = 1;
	}
	if (size > max || b->len > max - size)
		return SD_E_TOOBIG;
	rc = body_reserve(b, b->len + size,
	    announced < max ? (size_t)announced : max);
	if (rc != SD_OK)
		return rc;
	memcpy(b->data + b->len, data, size);
	b->len += size;
	return SD_OK;
}
