/* Started as root, the server gives root up before it serves: everything
 * that needs root (the keys, the templates, a port below 1024) is opened
 * first, then the process moves into the data directory (chroot), becomes
 * the --user account, and only then opens the store and starts its threads.
 * After OpenBSD httpd's privilege drop. */
#ifndef SD_PRIVDROP_H
#define SD_PRIVDROP_H

#include <stddef.h>
#include <sys/types.h>

struct sd_priv {
	int root;              /* started as root: a drop is due */
	uid_t uid;
	gid_t gid;
	char user[64];
	char dir[4096];        /* the data directory (absolute), chroot target */
	int chroot;            /* 1: chroot to dir */
	int drop;              /* 1: become uid/gid (0 in sanitizer builds) */
};

/* Decide: resolve user (when root) and the data directory of db. Prints
 * one line and returns non-zero when root has no usable user. */
int sd_priv_prepare(struct sd_priv *p, const char *user, const char *db,
    int no_chroot);
/* Raise the limits the served load needs while we still may: open files
 * for nfiles connections, locked memory for memlock bytes. */
void sd_priv_limits(unsigned nfiles, size_t memlock);
/* chroot (when asked), then groups, gid, uid; verifies root cannot come
 * back. A no-op when not root. */
int sd_priv_drop(const struct sd_priv *p);
/* The path of db as the process sees it after sd_priv_drop. */
int sd_priv_path(const struct sd_priv *p, const char *db, char *out,
    size_t cap);

#endif
