#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "spool.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "sd_err.h"

struct sd_spool {
	int dirfd;
	int tmpfile;           /* O_TMPFILE works there */
	size_t max;
	size_t used;           /* atomic */
};

/* A file without a name where the file system allows it; else a random
 * name unlinked at once. */
static int make_file(sd_spool *s)
{
	char name[48];
	uint8_t rnd[12];
	size_t i;
	int fd;

	if (s->tmpfile) {
		fd = openat(s->dirfd, ".", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
		if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR &&
		    errno != EINVAL))
			return fd;
		s->tmpfile = 0;
	}
	randombytes_buf(rnd, sizeof(rnd));
	memcpy(name, ".spool-", 7);
	for (i = 0; i < sizeof(rnd); i++)
		snprintf(name + 7 + 2 * i, 3, "%02x", rnd[i]);
	fd = openat(s->dirfd, name, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC |
	    O_NOFOLLOW, 0600);
	if (fd >= 0 && unlinkat(s->dirfd, name, 0) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int sd_spool_open(const char *dir, size_t max, sd_spool **out)
{
	sd_spool *s = calloc(1, sizeof(*s));

	*out = NULL;
	if (s == NULL)
		return SD_E_NOMEM;
	s->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->dirfd < 0) {
		free(s);
		return SD_E_IO;
	}
	s->tmpfile = 1;
	s->max = max;
	*out = s;
	return SD_OK;
}

int sd_spool_check(sd_spool *s)
{
	int fd = make_file(s);

	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

void sd_spool_close(sd_spool *s)
{
	if (s == NULL)
		return;
	close(s->dirfd);
	free(s);
}

void sd_spool_file_init(struct sd_spool_file *f)
{
	memset(f, 0, sizeof(*f));
	f->fd = -1;
}

static int take(sd_spool *s, size_t n)
{
	size_t now = __atomic_add_fetch(&s->used, n, __ATOMIC_SEQ_CST);

	if (now > s->max) {
		__atomic_sub_fetch(&s->used, n, __ATOMIC_SEQ_CST);
		return 0;
	}
	return 1;
}

int sd_spool_write(sd_spool *s, struct sd_spool_file *f, const void *p,
    size_t n)
{
	const uint8_t *b = p;
	ssize_t w;

	if (f->map != NULL)
		return SD_E_INVAL;
	if (!take(s, n))
		return SD_E_NOMEM;
	f->reserved += n;
	if (f->fd < 0 && (f->fd = make_file(s)) < 0)
		return SD_E_IO;
	while (n > 0) {
		w = write(f->fd, b, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return SD_E_IO;
		b += w;
		n -= (size_t)w;
		f->len += (size_t)w;
	}
	return SD_OK;
}

int sd_spool_map(struct sd_spool_file *f, const uint8_t **data)
{
	void *m = NULL;

	*data = NULL;
	if (f->fd < 0 || f->len == 0)
		return SD_E_INVAL;
	if (f->map == NULL) {
		m = mmap(NULL, f->len, PROT_READ, MAP_SHARED, f->fd, 0);
		if (m == MAP_FAILED)
			return SD_E_NOMEM;
		f->map = m;
	}
	*data = f->map;
	return SD_OK;
}

void sd_spool_file_end(sd_spool *s, struct sd_spool_file *f)
{
	if (f->map != NULL)
		munmap(f->map, f->len);
	if (f->fd >= 0)
		close(f->fd);
	if (s != NULL && f->reserved > 0)
		__atomic_sub_fetch(&s->used, f->reserved, __ATOMIC_SEQ_CST);
	sd_spool_file_init(f);
}

size_t sd_spool_in_use(const sd_spool *s)
{
	return s != NULL ? __atomic_load_n(&s->used, __ATOMIC_SEQ_CST) : 0;
}
