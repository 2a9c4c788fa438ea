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

/* A body held whole in guarded memory as it arrives: it starts in a
 * pooled block (sodium_malloc touches every page it gives, so a client
 * that announces much and sends slowly holds only what it sent) and grows
 * by doubling; every block given up is wiped. */
struct sd_post_body {
	uint8_t *data;
	size_t len;
	size_t cap;
	int pooled;            /* data is an sd_secret_block */
};

/* Append size bytes. max is the route's limit, announced the size the
 * client said up front (or UINT64_MAX): the buffer never grows past the
 * smaller. SD_E_TOOBIG past max, SD_E_NOMEM. */
int sd_post_body_add(struct sd_post_body *b, const char *data, size_t size,
    size_t max, uint64_t announced);
/* Wipe and give back; b is empty afterwards. */
void sd_post_body_release(struct sd_post_body *b);

/* 1 when the Content-Type names that media type (parameters ignored) */
int sd_post_is(const char *content_type, const char *media_type);

#endif
