#include "receipts.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "org.h"
#include "sd_err.h"

/* A URL with a tab or newline would break the one-line-per-receipt format. */
static int
printable(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x21 || (unsigned char)*s == 0x7f)
			return 0;
	return 1;
}

static int
write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return SD_E_IO;
		p += w;
		n -= (size_t)w;
	}
	return SD_OK;
}

int
sub_receipts_append(const char *path, const struct sub_receipt *r,
    const char *server, const uint8_t channel_id[SD_CHANNEL_ID_BYTES])
{
	char line[1024 + 4096], cid[2 * SD_CHANNEL_ID_BYTES + 1];
	int fd = -1, n, rc = SD_E_IO;

	if (!printable(server))
		return SD_E_INVAL;
	sd_hex_encode(cid, sizeof(cid), channel_id, SD_CHANNEL_ID_BYTES);
	n = snprintf(line, sizeof(line), "%s\t%s\t%s\t%s\t%s\n", r->receipt,
	    r->day, r->signature, server, cid);
	if (n < 0 || (size_t)n >= sizeof(line))
		return SD_E_TOOBIG;
	if ((rc = sub_make_parent(path)) != SD_OK)
		return rc;
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (fd < 0)
		return SD_E_IO;
	/* an older log left readable by others is tightened, not trusted */
	if (fchmod(fd, 0600) != 0) {
		rc = SD_E_IO;
		goto out;
	}
	/* one write() per line, so concurrent runs never interleave a line */
	if ((rc = write_all(fd, line, (size_t)n)) != SD_OK)
		goto out;
	rc = fsync(fd) == 0 ? SD_OK : SD_E_IO;
out:
	if (close(fd) != 0 && rc == SD_OK)
		rc = SD_E_IO;
	return rc;
}
