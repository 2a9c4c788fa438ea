#include "sd_file.h"
#include "sd_err.h"

#include <sodium.h>

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
	size_t cap = 4096, ncap, n = 0;
	uint8_t *buf = NULL, *nb;
	struct stat st;
	ssize_t r;

	*out = NULL;
	*len = 0;
	fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return SD_E_IO;
	/* a regular file is read into one block of its size */
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= 0 &&
	    (uint64_t)st.st_size < max)
		cap = (size_t)st.st_size + 1;
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
			ncap = cap * 2 > max + 1 ? max + 1 : cap * 2;
			/* no realloc: the old block may hold a plaintext report
			 * and is wiped before it is released */
			if ((nb = malloc(ncap + 1)) == NULL) {
				rc = SD_E_NOMEM;
				goto fail;
			}
			memcpy(nb, buf, n);
			sodium_memzero(buf, cap + 1);
			free(buf);
			buf = nb;
			cap = ncap;
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
	if (buf) {
		sodium_memzero(buf, cap + 1);
		free(buf);
	}
	if (fd != STDIN_FILENO) {
		int e = errno;
		close(fd);
		errno = e;
	}
	return rc;
}

static mode_t
current_umask(void)
{
	static mode_t mask = (mode_t)-1;

	/* read once, early (sd_crypto_init calls this) and before threads */
	if (mask == (mode_t)-1) {
		mask = umask(077);
		umask(mask);
	}
	return mask;
}

void
sd_file_init(void)
{
	(void)current_umask();
}

static int
sync_dir(const char *path)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	int fd, rc;

	if (slash == NULL)
		memcpy(dir, ".", 2);
	else if ((size_t)(slash - path) + 1 >= sizeof(dir))
		return -1;
	else {
		memcpy(dir, path, (size_t)(slash - path) + (slash == path));
		dir[(slash - path) + (slash == path)] = '\0';
	}
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* Put tmp in place of path; without force never replace an existing file,
 * even one created meanwhile. */
static int
place(const char *tmp, const char *path, int force)
{
	if (force)
		return rename(tmp, path);
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -1;
	/* file systems without RENAME_NOREPLACE */
	if (link(tmp, path) != 0)
		return -1;
	unlink(tmp);
	return 0;
}

int
sd_file_write(const char *path, const void *data, size_t len,
    unsigned int mode, int force)
{
	char tmp[PATH_MAX];
	const uint8_t *p = data;
	int fd = -1, rc = SD_E_IO, e;
	struct stat st;

	if (!force && lstat(path, &st) == 0)
		return SD_E_EXISTS;
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmpXXXXXX", path) >= sizeof(tmp))
		return SD_E_INVAL;
	if ((fd = mkstemp(tmp)) < 0)
		return SD_E_IO;
	if (fchmod(fd, (mode_t)mode & ~current_umask()) != 0)
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
	if (fsync(fd) != 0)
		goto fail;
	e = close(fd);
	fd = -1;
	if (e != 0)
		goto fail;
	if (place(tmp, path, force) != 0) {
		if (errno == EEXIST)
			rc = SD_E_EXISTS;
		goto fail;
	}
	/* the new name must survive a crash as well as the bytes */
	if (sync_dir(path) != 0)
		return SD_E_IO;
	return SD_OK;
fail:
	e = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	errno = e;
	return rc;
}

int
sd_file_create_private(const char *path)
{
	int fd, rc = SD_OK;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd < 0)
		return errno == EEXIST ? SD_OK : SD_E_IO;
	/* a umask such as 0277 would leave the owner without write access */
	if (fchmod(fd, 0600) != 0)
		rc = SD_E_IO;
	if (close(fd) != 0 && rc == SD_OK)
		rc = SD_E_IO;
	if (rc != SD_OK) {
		int e = errno;

		unlink(path);
		errno = e;
	}
	return rc;
}
