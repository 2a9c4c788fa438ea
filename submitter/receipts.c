#include "receipts.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* Field k (from 0) of a tab-separated line, copied to out; 0 when the line
 * has fewer fields or the field does not fit. */
static int
field(const char *line, int k, char *out, size_t cap)
{
	const char *p = line, *end = NULL;
	size_t n;

	while (k-- > 0) {
		if ((p = strchr(p, '\t')) == NULL)
			return 0;
		p++;
	}
	end = p + strcspn(p, "\t\n");
	n = (size_t)(end - p);
	if (n >= cap)
		return 0;
	memcpy(out, p, n);
	out[n] = '\0';
	return 1;
}

static int
all_hex(const char *s, size_t n)
{
	return strlen(s) == n && strspn(s, "0123456789abcdef") == n;
}

/* A log line written by this version or an older one (five fields). */
static int
parse_line(const char *line, struct sub_logged *l)
{
	memset(l, 0, sizeof(*l));
	if (!field(line, 0, l->receipt, sizeof(l->receipt)) ||
	    strlen(l->receipt) != SD_RECEIPT_LEN ||
	    !field(line, 1, l->day, sizeof(l->day)))
		return 0;
	if (!field(line, 5, l->incident_ref, sizeof(l->incident_ref)) ||
	    !field(line, 6, l->reporter, sizeof(l->reporter)) ||
	    !all_hex(l->incident_ref, SUB_INCIDENT_HEX - 1) ||
	    (strcmp(l->reporter, "-") != 0 &&
	    !all_hex(l->reporter, SUB_REPORTER_HEX - 1))) {
		l->incident_ref[0] = l->reporter[0] = '\0';
		return 1;
	}
	if (strcmp(l->reporter, "-") == 0)
		l->reporter[0] = '\0';
	l->has_identity = 1;
	if (!field(line, 7, l->followup, sizeof(l->followup)) ||
	    strncmp(l->followup, "FU-", 3) != 0)
		l->followup[0] = '\0';
	return 1;
}


int
sub_receipts_append(const char *path, const struct sub_receipt *r,
    const char *server, const uint8_t channel_id[SD_CHANNEL_ID_BYTES],
    const char *incident_ref, const char *reporter)
{
	char line[1024 + 4096], cid[2 * SD_CHANNEL_ID_BYTES + 1];
	int fd = -1, n, rc = SD_E_IO;

	if (!printable(server) || incident_ref == NULL ||
	    !all_hex(incident_ref, SUB_INCIDENT_HEX - 1) ||
	    (reporter != NULL && !all_hex(reporter, SUB_REPORTER_HEX - 1)) ||
	    memchr(r->followup, '\0', sizeof(r->followup)) == NULL ||
	    !printable(r->followup[0] ? r->followup : "-"))
		return SD_E_INVAL;
	sd_hex_encode(cid, sizeof(cid), channel_id, SD_CHANNEL_ID_BYTES);
	n = snprintf(line, sizeof(line), "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n",
	    r->receipt, r->day, r->signature, server, cid, incident_ref,
	    reporter != NULL ? reporter : "-",
	    r->followup[0] ? r->followup : "-");
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

int
sub_receipts_find(const char *path, const char *receipt,
    struct sub_logged *out)
{
	char want[SD_RECEIPT_LEN + 1], line[8192];
	struct sub_logged l;
	size_t i, n = strlen(receipt);
	int found = 0, rc = SD_E_INVAL, whole = 1;
	FILE *f = NULL;

	memset(out, 0, sizeof(*out));
	if (n < SUB_RECEIPT_PREFIX_MIN || n > SD_RECEIPT_LEN)
		return SD_E_INVAL;
	for (i = 0; i <= n; i++)
		want[i] = (char)(receipt[i] >= 'A' && receipt[i] <= 'Z' ?
		    receipt[i] + 32 : receipt[i]);
	if ((f = fopen(path, "re")) == NULL)
		return SD_E_IO;
	while (fgets(line, sizeof(line), f) != NULL) {
		/* a line longer than any this program writes is not ours */
		if (strchr(line, '\n') == NULL && !feof(f)) {
			whole = 0;
			continue;
		}
		if (!whole) {
			whole = 1;
			continue;
		}
		if (!parse_line(line, &l) || strncmp(l.receipt, want, n) != 0)
			continue;
		if (found && strcmp(l.receipt, out->receipt) != 0) {
			rc = SD_E_FORMAT;
			goto out;
		}
		/* the same envelope sent twice is logged twice; a line that
		 * knows the incident is preferred to one that does not */
		if (!found || (!out->has_identity && l.has_identity))
			*out = l;
		found = 1;
	}
	if (ferror(f)) {
		rc = SD_E_IO;
		goto out;
	}
	rc = found ? SD_OK : SD_E_INVAL;
out:
	fclose(f);
	if (rc != SD_OK)
		memset(out, 0, sizeof(*out));
	return rc;
}
