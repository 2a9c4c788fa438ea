/* The running intake server: what every endpoint shares (read-only once
 * serving starts, except the rate limiter and the writer queue, which lock
 * themselves), the per-request state, and the reply helpers that put the
 * security headers on every response. */
#ifndef SD_SERVER_H
#define SD_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include <microhttpd.h>

#include "config.h"
#include "form.h"
#include "guard.h"
#include "ratelimit.h"
#include "sd_buf.h"
#include "sd_channel.h"
#include "sd_keys.h"
#include "spool.h"
#include "store.h"
#include "writer.h"

struct sd_static;   /* httpd_static.c */
struct sd_mbox;     /* mailbox.h */

struct sd_server {
	struct sd_config cfg;
	sd_channel *channel;
	sd_channel *previous;                 /* still valid during a rotation */
	sd_seckey *receipt_key;
	sd_store *store;
	sd_writer *writer;
	sd_web *web;
	struct sd_static *files;
	struct sd_ratelimit rate;
	struct sd_mbox *mbox;                 /* the follow-up messages */
	struct sd_ratelimit mbox_rate;        /* mailbox lookups, all */
	struct sd_addrlimit mbox_ip;          /* and by sender */
	struct MHD_Daemon *daemon;
	int listen_fd;                       /* bound before the privilege drop */
	int served_fd;                       /* its number, once MHD has it */
	int stop_fd;                         /* an eventfd put in its place */
	sd_guard *guard;
	sd_spool *spool;
	int stopping;                        /* SIGTERM: answers close */
	struct MHD_Response *channel_resp;   /* the descriptor as loaded */
	/* requests between their first byte and their completion */
	unsigned long in_flight;
	/* bytes of request bodies in memory, against cfg.max_inflight */
	size_t body_bytes;
	/* answers to submissions (POST) since the last counters line, by
	 * class: no time, no route detail */
	unsigned long n_stored, n_refused, n_busy, n_lost;
	unsigned long cuts_logged;     /* guard cuts at the last line */
};

struct sd_req;

struct sd_route {
	const char *method;        /* "GET" (HEAD is served too) or "POST" */
	const char *path;
	int prefix;                /* path is a prefix ("/static/") */
	int html;                  /* people read its refusals: HTML, their language */
	const char *log_name;      /* what the log line shows */
	/* the largest body the route takes; 0: none */
	size_t (*max_body)(const struct sd_server *srv);
	/* the upload counts its own memory (sd_req_reserve); otherwise each
	 * byte is counted mem_factor times as it arrives, and as many again
	 * when the body is complete (what the handler will copy) */
	int own_accounting;
	unsigned mem_factor;
	/* one piece of the body; SD_E_TOOBIG makes the answer 413 */
	int (*upload)(struct sd_req *r, const char *data, size_t size);
	/* the body is complete (again after a resume): queue the reply */
	enum MHD_Result (*finish)(struct sd_req *r);
	void (*cleanup)(struct sd_req *r);
};

enum sd_put_state { SD_PUT_NONE, SD_PUT_WAITING, SD_PUT_DONE };

struct sd_req {
	struct sd_server *srv;
	struct MHD_Connection *conn;
	const struct sd_route *route;
	const char *method;        /* a constant string, for the log */
	const char *url;           /* path only, valid during the request */
	uint64_t t0_ns;
	unsigned status;           /* 0 until a reply is queued */
	size_t bytes;
	uint64_t content_length;   /* UINT64_MAX when absent */
	unsigned refuse;           /* 413 or 503 decided while reading the body */
	size_t reserved;           /* of srv->body_bytes */
	size_t received;           /* body bytes that arrived */
	int body_done;             /* the whole body has arrived */
	void *guard_rec;           /* the connection in the guard */
	size_t dropped;            /* body bytes past the limit, not kept */
	int upload_err;            /* an sd_err from upload, answered 400 */
	int put_state;             /* enum sd_put_state, shared with the writer */
	struct sd_put put;
	sd_buf body;               /* raw body of API routes */
	struct sd_spool_file spool; /* or there, when large or memory is short */
	void *ctx;                 /* route state, freed by route->cleanup */
};

/* Endpoints (one file each). */
extern const struct sd_route sd_route_form;       /* GET / */
extern const struct sd_route sd_route_submit;     /* POST /submit */
extern const struct sd_route sd_route_reports;    /* POST /api/v1/reports */
extern const struct sd_route sd_route_channel;    /* GET /api/v1/channel */
extern const struct sd_route sd_route_health;     /* GET /healthz */
extern const struct sd_route sd_route_static;     /* GET /static/... */
extern const struct sd_route sd_route_receipt;    /* POST /receipt */
extern const struct sd_route sd_route_mailbox;    /* POST /api/v1/mailbox */
extern const struct sd_route sd_route_followup;   /* GET /followup */
extern const struct sd_route sd_route_followup_post;  /* POST /followup */

/* 1 when a mailbox lookup from this request's sender may go ahead (the
 * limits by sender and in all); 0: answer 429. */
int sd_req_mailbox_allowed(struct sd_req *r);

/* Reply helpers: every response gets the security headers. The data is
 * copied. */
enum MHD_Result sd_reply(struct sd_req *r, unsigned status,
    const char *ctype, const void *data, size_t len);
/* A short plain text message (a newline is added). */
enum MHD_Result sd_reply_text(struct sd_req *r, unsigned status,
    const char *msg);
/* Hand over a buffer that may hold report plaintext: it is wiped when the
 * response is done with it. b is emptied. */
enum MHD_Result sd_reply_buf(struct sd_req *r, unsigned status,
    const char *ctype, sd_buf *b);
/* A file to save (Content-Disposition: attachment) that may hold report
 * plaintext: wiped like sd_reply_buf. filename is plain ASCII. */
enum MHD_Result sd_reply_download(struct sd_req *r, const char *ctype,
    const char *filename, sd_buf *b);
/* A response made once at start-up and shared. */
enum MHD_Result sd_reply_shared(struct sd_req *r, unsigned status,
    struct MHD_Response *resp, size_t len);
/* An HTML error page in the request's language, or text if none renders. */
enum MHD_Result sd_reply_error_page(struct sd_req *r, unsigned status,
    const char *lang);
int sd_security_headers(struct MHD_Response *resp);

/* Count n more bytes of this request in memory against --max-inflight;
 * 0 when they do not fit. Given back when the request ends. */
int sd_req_reserve(struct sd_req *r, size_t n);

/* Queue the envelope (len bytes, kept by the caller until the request
 * ends) in r->put with its receipt and today's day, and suspend the
 * connection; the writer resumes it once the row is durable
 * (r->put_state DONE). */
void sd_req_store(struct sd_req *r, const uint8_t *env, size_t len);
/* The body is of no more use (refused, or stored): it is wiped, with what
 * the route made of it, and what it held of the memory and spool budgets
 * is given back at once, not when the connection is done: a client's
 * next request may come before that. */
void sd_req_drop_body(struct sd_req *r);
/* The receipt of a stored envelope, signed: signature_b64 holds
 * SD_B64_LEN(64) bytes. */
int sd_sign_receipt(const struct sd_server *srv, const char *receipt,
    const char *day, char *signature_b64, size_t cap);

/* Page language for the web routes. */
const char *sd_req_lang(struct sd_req *r);

/* Write the counters line (and reset the counters) when anything
 * happened since the last one. */
void sd_daemon_log_counters(struct sd_server *srv);

/* Daemon (daemon.c). Bind the listening socket (before the privilege
 * drop: the port may be below 1024), then serve on it. */
int sd_daemon_bind(struct sd_server *srv, uint16_t *port);
int sd_daemon_start(struct sd_server *srv);
/* Open files the configured load needs. */
unsigned sd_daemon_files(const struct sd_config *cfg);
/* Stop taking connections, let requests in flight finish (up to the drain
 * time), commit what is queued, stop. */
void sd_daemon_stop(struct sd_server *srv);

/* Static files (httpd_static.c), loaded once at start-up: the files of
 * dir and its folders, and the browser's libsodium from the npm packages
 * that dir/vendor/files.list names (installed by scripts/setup-deps.sh). */
int sd_static_load(const char *dir, struct sd_static **out);
void sd_static_free(struct sd_static *s);
/* 1 when /static/name is served. */
int sd_static_has(const struct sd_static *s, const char *name);
#define SD_STATIC_FORM_JS "js/sealdrop-form.js"
#define SD_STATIC_ENVELOPE_JS "js/sealdrop-envelope.js"
#define SD_STATIC_FOLLOWUP_JS "js/sealdrop-followup-page.js"
#define SD_STATIC_FOLLOWUP_LIB "js/sealdrop-followup.js"
#define SD_STATIC_SODIUM "vendor/libsodium-wrappers.mjs"
#define SD_STATIC_SODIUM_CORE "vendor/libsodium.mjs"

/* The view of a form page for this request: the first step, with the
 * browser's sealer when its scripts are served (httpd_form.c). */
void sd_req_form_view(const struct sd_req *r, struct sd_form_view *v);

#endif
