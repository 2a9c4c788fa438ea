/* What the submitter's integration tests share: keys and channels made with
 * the real key code, the real programs run as child processes, and a small
 * HTTP relay on 127.0.0.1 that can serve a substitute channel, refuse or drop
 * requests, and records what reached it. */
#ifndef SUBMIT_HARNESS_H
#define SUBMIT_HARNESS_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "sd_keys.h"

#define H_PASS "correct horse battery staple"

/* Key pairs A (authority), B (another authority), stats, details, receipt,
 * other_receipt as NAME.key / NAME.pub in the current directory; channels
 * channel.json (signed by A, expiring on expires) and channel_b.json (signed
 * by B). */
void h_make_world(const char *expires);
/* Sign a channel for the current recipients with authority NAME.key. */
void h_make_channel(const char *authority, const char *expires,
    const char *out);

/* Run a program; stdout and stderr are returned (malloc'ed, NUL-terminated).
 * env entries "K=V" are added to the environment; stdin_text may be NULL. */
struct h_run {
	int status;             /* exit status, or 128+signal */
	char *out;
	char *err;
};
void h_run(struct h_run *r, const char *const argv[], const char *const env[],
    const char *stdin_text);
void h_run_free(struct h_run *r);
/* path of a built program, e.g. "submitter/sealdrop-submit" */
const char *h_bin(const char *rel);

/* The real intake server on a free loopback port. */
struct h_server {
	int pid;
	uint16_t port;
	char url[64];
};
void h_server_start(struct h_server *s, const char *db, const char *channel);
void h_server_stop(struct h_server *s);
/* rows in the server's store with this receipt (receipt NULL: all rows) */
int h_db_rows(const char *db, const char *receipt);

/* The relay. Requests are forwarded to upstream_port unless a rule below
 * answers them first. */
struct h_relay {
	uint16_t port;
	uint16_t upstream_port;     /* 0: nothing to forward to */
	const char *channel;        /* served instead of the upstream's */
	size_t channel_len;
	int refuse_posts;           /* answer 503 to this many POSTs first */
	int drop_posts;             /* forward, then drop the answer, this many */
	const char *post_answer;    /* fixed answer to every POST (not sent on) */
	const struct sd_seckey *signer; /* answer POSTs with their true receipt
	                             * signed by this key (not sent on) */
	char url[64];
	/* records */
	int n_gets;
	int n_posts;
	int posts_differ;           /* a resent POST body was not identical */
	uint8_t *first_post;
	size_t first_post_len;
	/* internals */
	int fd;
	int stop;
	pthread_t thread;
	pthread_mutex_t lock;
};
void h_relay_start(struct h_relay *r);
void h_relay_stop(struct h_relay *r);

/* Read a whole file (malloc'ed, NUL-terminated). */
char *h_read(const char *path, size_t *len);
void h_write(const char *path, const void *data, size_t len);
/* the value after "name:" in the submitter's output, copied to out */
int h_field(const char *text, const char *name, char *out, size_t cap);
uint16_t h_free_port(void);

#endif
