#include "query.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "args.h"
#include "ledger.h"
#include "review.h"
#include "sd_err.h"
#include "sd_file.h"

static int
parse_nk(const char *s, struct sdc_params *out)
{
	const char *comma = strchr(s, ',');
	char n[16];
	unsigned long long v = 0;
	double k = 0;

	if (comma == NULL || (size_t)(comma - s) >= sizeof(n))
		return SD_E_INVAL;
	snprintf(n, sizeof(n), "%.*s", (int)(comma - s), s);
	if (args_uint(n, SDC_TOPK_PUBLIC, &v) != SD_OK || v == 0 ||
	    args_double(comma + 1, 0.0, 100.0, &k) != SD_OK || k <= 0.0)
		return SD_E_INVAL;
	out->nk_n = (unsigned)v;
	out->nk_k = k;
	return SD_OK;
}

int
query_params(const char *cmd, const char *threshold, const char *p,
    const char *nk, struct sdc_params *out)
{
	unsigned long long v = 0;

	sdc_params_default(out);
	if (threshold != NULL) {
		if (args_uint(threshold, 1000000, &v) != SD_OK || v == 0) {
			args_err(cmd, "--threshold must be a whole number of "
			    "contributors from 1, e.g. --threshold 3");
			return SD_E_INVAL;
		}
		out->threshold = (unsigned)v;
	}
	if (p != NULL && args_double(p, 0.0, 100.0, &out->p) != SD_OK) {
		args_err(cmd, "--p must be a percentage from 0 to 100, e.g. "
		    "--p 10 (0 turns the p%%-rule off)");
		return SD_E_INVAL;
	}
	if (nk != NULL && parse_nk(nk, out) != SD_OK) {
		args_err(cmd, "--nk must be n,k with n from 1 to %d and k a "
		    "percentage, e.g. --nk 2,85", SDC_TOPK_PUBLIC);
		return SD_E_INVAL;
	}
	/* published output never states the parameters, so whoever weakens
	 * them must hear it here */
	{
		struct sdc_params def;
		sdc_params_default(&def);
		if (out->threshold < def.threshold || out->p < def.p)
			args_err(cmd, "warning: protection weaker than the default "
			    "(fewer than %u contributors or p below %g%%); check "
			    "before publishing", def.threshold, def.p);
	}
	return SD_OK;
}

int
query_load(const char *cmd, const char *store, const char *keypath,
    const char *passfile, int writable, struct query *q)
{
	struct seqset only;
	int rc;

	seqset_init(&only);
	memset(q, 0, sizeof(*q));
	recset_init(&q->rs);
	if ((rc = astore_open(store, writable ? ASTORE_WRITE : ASTORE_READ,
	    &q->s)) != SD_OK) {
		args_err(cmd, "cannot open store %s: %s; give the file made by "
		    "'sealdrop-analyst ingest'", store, rc == SD_E_FORMAT ?
		    "not an analyst store" : "missing or unreadable");
		return rc;
	}
	if ((rc = args_key_load(cmd, keypath, passfile, SD_ROLE_STATS, NULL,
	    &q->key)) != SD_OK)
		return rc;
	if ((rc = review_policy(q->s, &q->review)) != SD_OK) {
		args_err(cmd, "cannot read the review policy of %s (%s)", store,
		    astore_errmsg(q->s));
		return rc;
	}
	if (q->review && (rc = review_accepted(q->s, &only)) != SD_OK) {
		args_err(cmd, "cannot read the reviews of %s (%s)", store,
		    astore_errmsg(q->s));
		return rc;
	}
	q->accepted = seqset_count(&only);
	rc = recset_load(q->s, q->key, NULL, args_threads(), q->review ? &only :
	    NULL, &q->rs, &q->sum);
	seqset_free(&only);
	if (rc != SD_OK) {
		args_err(cmd, "cannot read the reports of %s: %s (%s)", store,
		    sd_strerror(rc), astore_errmsg(q->s));
		return rc;
	}
	dec_summary_print(&q->sum, cmd, stderr);
	/* a table of zeros from the wrong key would pass for a real one; an
	 * empty store is not that (the outputs say it is empty) */
	if (q->sum.foreign > 0 && q->sum.opened == 0 &&
	    q->sum.followups == 0) {
		args_err(cmd, "no report opened with %s; is it the stats key "
		    "of this channel? Nothing was written", keypath);
		return SD_E_NO_KEY;
	}
	return SD_OK;
}

const char *
query_empty_note(const struct query *q, const struct period *p, char *buf,
    size_t cap)
{
	const char *which = q->review ? "accepted reports" : "reports";
	unsigned v;
	size_t k;

	if (q->rs.n == 0) {
		snprintf(buf, cap, "no %s in the store", which);
		return buf;
	}
	if (!p->set)
		return NULL;
	for (k = 0; k < q->rs.n; k++) {
		v = cube_rec_value(&q->rs.r[k], DF_QUARTER);
		if (v >= p->from && v <= p->to)
			return NULL;
	}
	snprintf(buf, cap, "no %s in the period %s", which, p->text);
	return buf;
}

void
query_free(struct query *q)
{
	recset_free(&q->rs);
	sd_seckey_free(q->key);
	astore_close(q->s);
	memset(q, 0, sizeof(*q));
}

int
query_write(const char *cmd, const char *path, int force, const sd_buf *b)
{
	int rc;

	if (path == NULL || strcmp(path, "-") == 0) {
		if (b->len > 0 && fwrite(b->data, 1, b->len, stdout) != b->len) {
			args_err(cmd, "cannot write to standard output");
			return SD_E_IO;
		}
		return fflush(stdout) == 0 ? SD_OK : SD_E_IO;
	}
	rc = sd_file_write(path, b->data ? b->data : (const uint8_t *)"",
	    b->len, 0644, force);
	if (rc == SD_E_EXISTS)
		args_err(cmd, "%s exists; give --force to replace it or "
		    "another --out", path);
	else if (rc != SD_OK)
		args_err(cmd, "cannot write %s (%s); check the directory",
		    path, strerror(errno));
	return rc;
}

/* The directory --out goes into must take a new file: found out before
 * the passphrase is asked and every report opened, not after. */
static int
check_out_dir(const char *cmd, const char *path)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');
	struct stat st;
	size_t n;

	if (slash == NULL) {
		snprintf(dir, sizeof(dir), ".");
	} else {
		n = slash == path ? 1 : (size_t)(slash - path);
		if (n >= sizeof(dir)) {
			args_err(cmd, "--out %s: the directory name is too long",
			    path);
			return SD_E_INVAL;
		}
		memcpy(dir, path, n);
		dir[n] = '\0';
	}
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		args_err(cmd, "--out %s: the directory %s does not exist; create "
		    "it or give another --out", path, dir);
		return SD_E_IO;
	}
	if (access(dir, W_OK | X_OK) != 0) {
		args_err(cmd, "--out %s: the directory %s is not writable (%s); "
		    "give --out in a directory you can write to", path, dir,
		    strerror(errno));
		return SD_E_IO;
	}
	return SD_OK;
}

int
query_check_out(const char *cmd, const char *path, int force)
{
	struct stat st;
	int rc;

	if (path == NULL || strcmp(path, "-") == 0)
		return SD_OK;
	if ((rc = check_out_dir(cmd, path)) != SD_OK || force)
		return rc;
	if (stat(path, &st) == 0) {
		args_err(cmd, "%s exists; give --force to replace it or another "
		    "--out", path);
		return SD_E_EXISTS;
	}
	return SD_OK;
}
