/* The connection guard: what libmicrohttpd 0.9.75 cannot do for slow and
 * hostile clients. Its own timeout is an idle timeout, reset by every byte,
 * so a client that sends one byte a second keeps a connection for ever, and
 * at the connection limit it stops accepting: behind Tor, where every
 * client has the same address, one client could hold every connection.
 *
 * The guard knows each connection's phase:
 *   waiting  from accept (or the end of the previous request) until its
 *            request headers are complete: at most --header-timeout;
 *   body     while the body arrives: after --header-timeout seconds it must
 *            have averaged --min-body-rate bytes per second;
 *   working  the request is being answered: never cut by the guard.
 * A thread cuts what overstays (shutdown(2) on the socket: libmicrohttpd
 * then closes the connection as if the client had gone), and when a new
 * connection would pass --connection-limit the oldest waiting connection
 * makes room for it. No address is kept: only times and byte counts. */
#ifndef SD_GUARD_H
#define SD_GUARD_H

#include <stddef.h>
#include <stdint.h>

#include <microhttpd.h>

typedef struct sd_guard sd_guard;

struct sd_guard_conf {
	unsigned limit;             /* connections at most (soft) */
	unsigned header_timeout_s;  /* 0: no deadline */
	unsigned min_body_rate;     /* bytes per second; 0: none */
};

struct sd_guard_stats {
	unsigned long waiting;
	unsigned long body;
	unsigned long working;
	unsigned long cut_headers;   /* header deadline passed */
	unsigned long cut_slow;      /* body below the minimum rate */
	unsigned long evicted;       /* made room for a new connection */
	unsigned long refused;       /* no room and none to evict */
};

int sd_guard_start(const struct sd_guard_conf *conf, sd_guard **out);
/* Stop the thread and free; connections left are forgotten. */
void sd_guard_stop(sd_guard *g);

/* MHD_OPTION_NOTIFY_CONNECTION callback; cls is the guard. */
void sd_guard_notify(void *cls, struct MHD_Connection *c, void **socket_ctx,
    enum MHD_ConnectionNotificationCode code);

/* The connection's record (from its socket context), NULL when unknown. */
void *sd_guard_of(struct MHD_Connection *c);
/* Phase changes, from the request handlers. rec may be NULL. */
void sd_guard_headers_done(sd_guard *g, void *rec);
void sd_guard_body_bytes(void *rec, size_t n);
void sd_guard_working(sd_guard *g, void *rec);
void sd_guard_request_done(sd_guard *g, void *rec);

void sd_guard_get_stats(sd_guard *g, struct sd_guard_stats *st);

#endif
