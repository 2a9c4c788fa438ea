#include "sd_file.h"
#include "sd_err.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int
sd_file_read(const char *path, size_t max, uint8_t **out, size_t *len)
{
	int fd, rc = SD_E_IO;
	size_t cap = 4096, n = 0;
	uint8_t *buf = NULL, *nb;
	ssize_t r;

	*out = NULL;
	*len = 0;
	fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return SD_E_IO;
	if ((buf = malloc(cap + 1)) == NULL) {
		rc = SD_E_NOMEM;
		goto fail;
	}
	for (;;) {
		if (n == cap) {
			if (cap > max) {
				rc = SD_E_TOOBIG;
				goto fail;
			}
			cap = cap * 2 > max + 1 ? max + 1 : cap * 2;
			if ((nb = realloc(buf, cap + 1)) == NULL) {
				rc = SD_E_NOMEM;
				goto fail;
			}
			buf = nb;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			goto fail;
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > max) {
			rc = SD_E_TOOBIG;
			goto fail;
		}
	}
	buf[n] = 0;
	*out = buf;
	*len = n;
	if (fd != STDIN_FILENO)
		close(fd);
	return SD_OK;
fail:
	free(buf);
	if (fd != STDIN_FILENO) {
		int e = errno;
		close(fd);
		errno = e;
	}
	return rc;
}

int
sd_file_write(const char *path, const void *data, size_t len,
    unsigned int mode, int force)
{
	char tmp[PATH_MAX];
	const uint8_t *p = data;
	int fd = -1, rc = SD_E_IO;
	struct stat st;

	if (!force && lstat(path, &st) == 0)
		return SD_E_EXISTS;
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmpXXXXXX", path) >= sizeof(tmp))
		return SD_E_INVAL;
	if ((fd = mkstemp(tmp)) < 0)
		return SD_E_IO;
	if (fchmod(fd, (mode_t)mode) != 0)
		goto fail;
	while (len > 0) {
		ssize_t w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			goto fail;
		p += w;
		len -= (size_t)w;
	}
	if (fsync(fd) != 0 || close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	/* without force, link() refuses to replace a file created meanwhile */
	if (force ? rename(tmp, path) != 0 : link(tmp, path) != 0) {
		if (errno == EEXIST)
			rc = SD_E_EXISTS;
		goto fail;
	}
	if (!force)
		unlink(tmp);
	return SD_OK;
fail:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return rc;
}
