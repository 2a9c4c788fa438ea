/* What the server's integration tests share: keys made by the real
 * sealdrop-analyst, the real sealdrop-server started on a free loopback
 * port, and HTTP through libcurl. */
#ifndef SERVER_HARNESS_H
#define SERVER_HARNESS_H

#include <stddef.h>
#include <stdint.h>
#include <pthread.h>
#include <sys/types.h>

#include "sd_buf.h"
#include "sd_channel.h"
#include "sd_envelope.h"

#define H_PASS "integration-test-passphrase"
/* Started as root (as in CI), the server runs as this user. */
#define H_USER "nobody"

/* argv wants char *; the strings are never written */
static inline char *h_s(const char *s)
{
	return (char *)(uintptr_t)s;
}

struct h_server {
	pid_t pid;
	unsigned port;
	char log[256];      /* the server's stderr */
	char out[256];      /* its stdout */
};

struct h_resp {
	long status;
	sd_buf body;
	sd_buf headers;
};

/* Path of a built program, e.g. "server/sealdrop-server". */
void h_bin(char *out, size_t cap, const char *rel);
/* Run a program (argv NULL-terminated) with extra "K=V" env (may be NULL);
 * stdout+stderr go to outfile (may be NULL). The exit status, or -1. */
int h_run(char *const argv[], const char *const env[], const char *outfile);
/* Keys authority, stats, details, ack, receipt under dir and
 * dir/channel.json expiring on expires. */
void h_make_keys(const char *dir, const char *expires);
/* Start the server with the demo keys of dir, db, and extra flags
 * (NULL-terminated, may be NULL); env as for h_run. Returns 0 and fills s
 * once it listens; otherwise the exit status (the server refused). */
int h_start(struct h_server *s, const char *dir, const char *db,
    const char *const extra[], const char *const env[]);
/* 1 when argv (NULL-terminated, may be NULL) holds arg */
int h_has_arg(const char *const argv[], const char *arg);
/* chown dir to user: where a server started as root may write */
void h_give_dir(const char *dir, const char *user);
/* cmocka teardown: kill every server a failed test left running */
int h_teardown(void **state);
/* The test has waited for s itself: forget it. */
void h_reaped(struct h_server *s);
/* SIGTERM, then wait: the exit status (-1 on a signal or a timeout). */
int h_stop(struct h_server *s);

/* One request. ctype and body may be NULL; extra_header may be NULL. */
void h_http(const struct h_server *s, const char *method, const char *path,
    const char *ctype, const void *body, size_t len, const char *extra_header,
    struct h_resp *r);
void h_resp_free(struct h_resp *r);
/* The value of a response header (case-insensitive) or NULL. */
const char *h_header(const struct h_resp *r, const char *name, char *out,
    size_t cap);
/* Assert the security headers of PRODUCT.md section 6 and no cookie. */
void h_assert_security_headers(const struct h_resp *r);

/* The channel of dir, loaded against its authority. */
sd_channel *h_channel(const char *dir);
/* A fresh envelope for ch (a distinct incident_ref each call), with an
 * attachment of extra bytes when extra > 0. */
void h_envelope(const sd_channel *ch, size_t extra, uint8_t **env,
    size_t *len);

/* Bytes of a whole file (malloc'ed) or NULL when absent. */
uint8_t *h_read(const char *path, size_t *len);
/* 1 when needle occurs in the file */
int h_file_has(const char *path, const char *needle);
/* Remove a store and its -wal and -shm: scratch directories outlive runs. */
void h_fresh_db(const char *db);
/* count(*) of a query on the SQLite file */
long long h_db_count(const char *db, const char *sql);
/* The newest stored envelope of db, written to path; its receipt into
 * receipt (cap bytes; may be NULL). */
void h_last_envelope(const char *db, const char *path, char *receipt,
    size_t cap);

#endif

/* A load of distinct envelopes on conns keep-alive connections, in a
 * thread, until h_load_stop. Every receipt the server gave back (201 or
 * 200, checked against the envelope) is kept. */
struct h_ack {
	char receipt[SD_RECEIPT_LEN + 1];
	uint64_t started_ms;    /* when its request began (monotonic) */
};

struct h_load {
	const struct h_server *srv;
	const sd_channel *ch;
	unsigned conns;
	int stop;
	pthread_t thread;
	struct h_ack *acks;
	size_t n_acks;
	size_t cap_acks;
	unsigned long refused;      /* no connection */
	unsigned long cut;          /* connection lost before the answer */
	uint64_t cut_first_started; /* earliest start of a cut request */
	unsigned long other;        /* another status */
	unsigned long wrong;        /* a receipt that is not the envelope's */
};

void h_load_start(struct h_load *l, const struct h_server *s,
    const sd_channel *ch, unsigned conns);
void h_load_stop(struct h_load *l);
void h_load_free(struct h_load *l);
uint64_t h_now_ms(void);

/* The store's rows chain from zero: seq 1..n, each chain hash the
 * BLAKE2b of the previous and the receipt, the meta head on the last. */
void h_assert_chain(const char *db);
