/* Spooled request bodies: a large or slow API body goes to an unnamed file
 * (O_TMPFILE) in the spool directory instead of memory, and is mapped
 * read-only when it is complete. Only sealed envelopes are spooled: a form
 * body holds plaintext and never touches the disk. The file has no name,
 * so nothing of it outlives the request, even a crash. */
#ifndef SD_SPOOL_H
#define SD_SPOOL_H

#include <stddef.h>
#include <stdint.h>

typedef struct sd_spool sd_spool;

struct sd_spool_file {
	int fd;                /* -1 when none */
	size_t len;            /* bytes written */
	size_t reserved;       /* of the spool's budget */
	uint8_t *map;
};

/* Open dir (kept as a descriptor: it works after chroot) with a budget of
 * max bytes for all spooled bodies together; checks that a file can be
 * made there. */
int sd_spool_open(const char *dir, size_t max, sd_spool **out);
void sd_spool_close(sd_spool *s);
/* 1 when a file can be made now (run after the privileges are dropped). */
int sd_spool_check(sd_spool *s);

void sd_spool_file_init(struct sd_spool_file *f);
/* Append n bytes, creating the file on first use. SD_E_NOMEM when the
 * budget is spent, SD_E_IO when the disk refuses (full). */
int sd_spool_write(sd_spool *s, struct sd_spool_file *f, const void *p,
    size_t n);
/* Map what was written, read-only. */
int sd_spool_map(struct sd_spool_file *f, const uint8_t **data);
/* Unmap, close and give the budget back. */
void sd_spool_file_end(sd_spool *s, struct sd_spool_file *f);

size_t sd_spool_in_use(const sd_spool *s);

#endif
