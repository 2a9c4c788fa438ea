/* Parsers for form posts (application/x-www-form-urlencoded and
 * multipart/form-data) that work in place on a body the server holds
 * whole, in guarded memory it wipes afterwards. Nothing is copied: every
 * part points into the body, so no stray copy of a report is left in
 * memory nobody wipes. */
#ifndef SD_POSTBODY_H
#define SD_POSTBODY_H

#include <stddef.h>
#include <stdint.h>

#define SD_POST_MAX_PARTS 128
#define SD_POST_MAX_HEADERS 4096     /* bytes of one part's headers */
#define SD_POST_BOUNDARY_MAX 70      /* RFC 2046 */

struct sd_post_part {
	char name[64];
	int has_filename;            /* a file input, even an empty one */
	char filename[256];
	char media_type[128];
	const uint8_t *data;
	size_t len;
};

/* Called once per part; a non-zero return stops the parse and is
 * returned. */
typedef int (*sd_post_cb)(void *ctx, const struct sd_post_part *p);

/* Decodes buf in place. SD_E_INVAL on malformed input. */
int sd_post_urlencoded(uint8_t *buf, size_t len, sd_post_cb cb, void *ctx);
/* content_type is the request's Content-Type (holds the boundary). */
int sd_post_multipart(const uint8_t *buf, size_t len,
    const char *content_type, sd_post_cb cb, void *ctx);

/* 1 when the Content-Type names that media type (parameters ignored) */
int sd_post_is(const char *content_type, const char *media_type);

#endif
