#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "privdrop.h"

#include <errno.h>
#include <grp.h>
#include <libgen.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sd_err.h"

/* The absolute directory that holds db (db itself may not exist yet). */
static int data_dir(const char *db, char *out, size_t cap)
{
	char copy[PATH_MAX];
	char *d = NULL;
	char *real = NULL;

	if (strlen(db) >= sizeof(copy))
		return SD_E_TOOBIG;
	memcpy(copy, db, strlen(db) + 1);
	d = dirname(copy);
	real = realpath(d, NULL);
	if (real == NULL)
		return SD_E_IO;
	if (strlen(real) >= cap) {
		free(real);
		return SD_E_TOOBIG;
	}
	memcpy(out, real, strlen(real) + 1);
	free(real);
	return SD_OK;
}

int sd_priv_prepare(struct sd_priv *p, const char *user, const char *db,
    int no_chroot)
{
	struct passwd *pw = NULL;
	int rc;

	memset(p, 0, sizeof(*p));
	rc = data_dir(db, p->dir, sizeof(p->dir));
	if (rc != SD_OK) {
		fprintf(stderr, "sealdrop-server: the directory of --db %s: "
		    "%s; create it first\n", db, rc == SD_E_IO ?
		    strerror(errno) : sd_strerror(rc));
		return rc;
	}
	if (geteuid() != 0)
		return SD_OK;
	p->root = 1;
	p->chroot = !no_chroot;
	p->drop = 1;
#if defined(__SANITIZE_ADDRESS__)
	/* LeakSanitizer reads /proc and attaches to the threads at exit,
	 * which a chroot and a changed user forbid: builds with sanitizers
	 * check the user but stay as started (as they skip the filter) */
	p->chroot = 0;
	p->drop = 0;
#endif
	errno = 0;
	pw = getpwnam(user);
	if (pw == NULL || pw->pw_uid == 0 || pw->pw_gid == 0 ||
	    strlen(user) >= sizeof(p->user)) {
		fprintf(stderr, "sealdrop-server: started as root, the server "
		    "runs as --user %s, %s; create it (useradd --system "
		    "--no-create-home --shell /usr/sbin/nologin %s) or give "
		    "another unprivileged user\n", user, pw == NULL ?
		    "which does not exist" : "which is not unprivileged",
		    user);
		return SD_E_INVAL;
	}
	p->uid = pw->pw_uid;
	p->gid = pw->pw_gid;
	memcpy(p->user, user, strlen(user) + 1);
	return SD_OK;
}

/* Up to want; past the hard limit only where that may be raised (root). */
static void raise_limit(int res, rlim_t want)
{
	struct rlimit rl;
	struct rlimit both = { want, want };

	if (getrlimit(res, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY ||
	    rl.rlim_cur >= want)
		return;
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < want) {
		if (setrlimit(res, &both) == 0)
			return;
		want = rl.rlim_max;
	}
	rl.rlim_cur = want;
	setrlimit(res, &rl);
}

void sd_priv_limits(unsigned nfiles, size_t memlock)
{
	raise_limit(RLIMIT_NOFILE, (rlim_t)nfiles);
	raise_limit(RLIMIT_MEMLOCK, (rlim_t)memlock);
}

int sd_priv_drop(const struct sd_priv *p)
{
	if (!p->root || !p->drop)
		return SD_OK;
	if (p->chroot && (chroot(p->dir) != 0 || chdir("/") != 0)) {
		fprintf(stderr, "sealdrop-server: cannot chroot to %s: %s; "
		    "give --no-chroot where the system does not allow it\n",
		    p->dir, strerror(errno));
		return SD_E_IO;
	}
	if (!p->chroot && chdir(p->dir) != 0)
		return SD_E_IO;
	if (setgroups(0, NULL) != 0 ||
	    setresgid(p->gid, p->gid, p->gid) != 0 ||
	    setresuid(p->uid, p->uid, p->uid) != 0) {
		fprintf(stderr, "sealdrop-server: cannot become user %s: %s\n",
		    p->user, strerror(errno));
		return SD_E_IO;
	}
	/* root must be gone for good */
	if (setuid(0) == 0 || geteuid() == 0 || getuid() == 0 ||
	    getegid() == 0) {
		fprintf(stderr, "sealdrop-server: root could be regained; "
		    "refusing to serve\n");
		return SD_E_INVAL;
	}
	return SD_OK;
}

int sd_priv_path(const struct sd_priv *p, const char *db, char *out,
    size_t cap)
{
	char copy[PATH_MAX];
	const char *base = NULL;
	int n;

	if (strlen(db) >= sizeof(copy) || strlen(db) >= cap)
		return SD_E_TOOBIG;
	if (!p->root) {
		memcpy(out, db, strlen(db) + 1);
		return SD_OK;
	}
	memcpy(copy, db, strlen(db) + 1);
	base = basename(copy);
	/* in the data directory: "/" after chroot, else its absolute path */
	n = snprintf(out, cap, "%s/%s", p->chroot ? "" : p->dir, base);
	return n > 0 && (size_t)n < cap ? SD_OK : SD_E_TOOBIG;
}
