/* libmicrohttpd set-up, the route table and the per-request state. Limits
 * are enforced before a body is read wherever the request says its size. */
#include "server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "sd_encode.h"
#include "sd_envelope.h"
#include "sd_err.h"
#include "sd_mem.h"

static const struct sd_route *const routes[] = {
	&sd_route_form, &sd_route_submit, &sd_route_reports,
	&sd_route_channel, &sd_route_health, &sd_route_static,
	&sd_route_receipt, &sd_route_mailbox, &sd_route_followup,
	&sd_route_followup_post,
};
#define N_ROUTES (sizeof(routes) / sizeof(routes[0]))

static const char *method_name(const char *m)
{
	static const char *const known[] = {
		"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH",
		"TRACE", "CONNECT",
	};
	size_t i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		if (strcmp(m, known[i]) == 0)
			return known[i];
	}
	return "OTHER";
}

static int path_matches(const struct sd_route *rt, const char *url)
{
	if (rt->prefix)
		return strncmp(url, rt->path, strlen(rt->path)) == 0;
	return strcmp(url, rt->path) == 0;
}

static int method_matches(const struct sd_route *rt, const char *m)
{
	if (strcmp(rt->method, m) == 0)
		return 1;
	return strcmp(m, "HEAD") == 0 && strcmp(rt->method, "GET") == 0;
}

/* The route for url and method; *path_only gets a route that has the path
 * but another method (for 405). */
static const struct sd_route *find_route(const char *url, const char *m,
    const struct sd_route **path_only)
{
	size_t i;

	*path_only = NULL;
	for (i = 0; i < N_ROUTES; i++) {
		if (!path_matches(routes[i], url))
			continue;
		if (method_matches(routes[i], m))
			return routes[i];
		*path_only = routes[i];
	}
	return NULL;
}

static uint64_t content_length(struct MHD_Connection *c)
{
	const char *v = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_LENGTH);
	char *end = NULL;
	unsigned long long n;

	if (v == NULL)
		return UINT64_MAX;
	/* a length we cannot read is too large, never "unknown" */
	if (v[0] < '0' || v[0] > '9')
		return UINT64_MAX - 1;
	errno = 0;
	n = strtoull(v, &end, 10);
	if (errno != 0 || *end != '\0' || n >= UINT64_MAX - 1)
		return UINT64_MAX - 1;
	return n;
}

static struct sd_req *req_new(struct sd_server *srv, struct MHD_Connection *c,
    const char *url, const char *method)
{
	struct sd_req *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return NULL;
	r->srv = srv;
	r->conn = c;
	r->url = url;
	r->method = method_name(method);
	r->t0_ns = sd_now_ns();
	r->content_length = content_length(c);
	sd_buf_init(&r->body, 0);
	sd_spool_file_init(&r->spool);
	__atomic_add_fetch(&srv->in_flight, 1, __ATOMIC_SEQ_CST);
	return r;
}

/* A refusal before the route's own handler: a short text for programs, the
 * error page in the reader's language on the routes people use. */
static enum MHD_Result refuse_with(struct sd_req *r, unsigned status,
    const char *text)
{
	if (r->route != NULL && r->route->html)
		return sd_reply_error_page(r, status, sd_req_lang(r));
	return sd_reply_text(r, status, text);
}

void sd_req_drop_body(struct sd_req *r)
{
	/* what the route made of it (a form post's fields) goes too */
	if (r->route != NULL && r->route->cleanup != NULL)
		r->route->cleanup(r);
	sd_buf_free(&r->body);
	sd_spool_file_end(r->srv->spool, &r->spool);
	__atomic_sub_fetch(&r->srv->body_bytes, r->reserved, __ATOMIC_SEQ_CST);
	r->reserved = 0;
}

static enum MHD_Result refuse_reply(struct sd_req *r)
{
	if (r->refuse == MHD_HTTP_SERVICE_UNAVAILABLE)
		return refuse_with(r, MHD_HTTP_SERVICE_UNAVAILABLE,
		    "the server is busy; try again in a minute");
	return refuse_with(r, MHD_HTTP_CONTENT_TOO_LARGE,
	    "request body too large");
}

int sd_req_reserve(struct sd_req *r, size_t n)
{
	size_t max = r->srv->cfg.max_inflight;
	size_t now = __atomic_add_fetch(&r->srv->body_bytes, n, __ATOMIC_SEQ_CST);

	if (max != 0 && now > max) {
		__atomic_sub_fetch(&r->srv->body_bytes, n, __ATOMIC_SEQ_CST);
		return 0;
	}
	r->reserved += n;
	return 1;
}

static unsigned mem_factor(const struct sd_route *rt)
{
	return rt->mem_factor > 0 ? rt->mem_factor : 1;
}

/* The checks made before any body byte is read. */
static enum MHD_Result first_call(struct sd_req *r, const char *url,
    const char *method)
{
	const struct sd_route *other = NULL;
	size_t max = 0;

	r->route = find_route(url, method, &other);
	/* stopping: what is in flight finishes, nothing new begins (a
	 * request that came on a kept-alive connection after the drain began
	 * could otherwise be stored and lose its answer when the daemon
	 * stops) */
	if (__atomic_load_n(&r->srv->stopping, __ATOMIC_SEQ_CST)) {
		if (r->route == NULL)
			r->route = other;
		return refuse_with(r, MHD_HTTP_SERVICE_UNAVAILABLE,
		    "the server is stopping; try again in a minute");
	}
	if (r->route == NULL && other != NULL) {
		r->route = other;
		return sd_reply_text(r, MHD_HTTP_METHOD_NOT_ALLOWED,
		    "method not allowed");
	}
	if (r->route == NULL)
		return sd_reply_text(r, MHD_HTTP_NOT_FOUND, "not found");
	if (r->route->max_body == NULL)
		return MHD_YES;
	max = r->route->max_body(r->srv);
	if (r->content_length != UINT64_MAX && r->content_length > max)
		return refuse_with(r, MHD_HTTP_CONTENT_TOO_LARGE,
		    "request body too large");
	if (!sd_ratelimit_take(&r->srv->rate))
		return refuse_with(r, MHD_HTTP_TOO_MANY_REQUESTS,
		    "too many submissions right now; try again in a minute");
	/* memory is counted as bytes arrive, never as a length announces:
	 * a client that says 50 MB and sends slowly holds what it sent */
	return MHD_YES;
}

/* What the route holds of the body as it arrives: mem_factor bytes per
 * byte, and at least the guarded block it starts in. */
static int reserve_body(struct sd_req *r)
{
	size_t want = r->received * mem_factor(r->route);

	if (want < SD_SECRET_BLOCK)
		want = SD_SECRET_BLOCK;
	return want <= r->reserved || sd_req_reserve(r, want - r->reserved);
}

/* One piece of the body. */
static enum MHD_Result body_piece(struct sd_req *r, const char *data,
    size_t n)
{
	int rc;

	r->received += n;
	sd_guard_body_bytes(r->guard_rec, n);
	if (r->refuse != 0) {
		/* what is refused is dropped, not kept; past as much again
		 * the client is cut off with the answer, so a body that never
		 * ends does not hold the connection */
		r->dropped += n;
		if (r->dropped > r->route->max_body(r->srv))
			return refuse_reply(r);
		return MHD_YES;
	}
	if (r->route->upload == NULL || r->upload_err != SD_OK)
		return MHD_YES;
	if (!r->route->own_accounting && !reserve_body(r)) {
		r->refuse = MHD_HTTP_SERVICE_UNAVAILABLE;
		sd_req_drop_body(r);
		return MHD_YES;
	}
	rc = r->route->upload(r, data, n);
	if (rc == SD_E_TOOBIG)
		r->refuse = MHD_HTTP_CONTENT_TOO_LARGE;
	else if (rc == SD_E_NOMEM && r->route->own_accounting)
		r->refuse = MHD_HTTP_SERVICE_UNAVAILABLE;
	else if (rc != SD_OK)
		r->upload_err = rc;
	if (r->refuse != 0)
		sd_req_drop_body(r);
	return MHD_YES;
}

/* The body is complete: what the handler copies of it is counted before
 * it runs, so that a full budget is a 503 and not an allocation that
 * fails half-way. */
static int body_complete(struct sd_req *r)
{
	r->body_done = 1;
	sd_guard_working(r->srv->guard, r->guard_rec);
	if (r->refuse != 0 || r->route->max_body == NULL ||
	    r->route->own_accounting || r->received == 0)
		return 1;
	return sd_req_reserve(r, r->received * mem_factor(r->route));
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
    const char *url, const char *method, const char *version,
    const char *data, size_t *size, void **req_cls)
{
	struct sd_server *srv = cls;
	struct sd_req *r = *req_cls;

	(void)version;
	if (r == NULL) {
		r = req_new(srv, c, url, method);
		if (r == NULL)
			return MHD_NO;
		*req_cls = r;
		r->guard_rec = sd_guard_of(c);
		sd_guard_headers_done(srv->guard, r->guard_rec);
		return first_call(r, url, method);
	}
	r->url = url;
	if (r->status != 0) {
		/* answered early: the rest of the body is dropped */
		if (*size != 0) {
			r->received += *size;
			sd_guard_body_bytes(r->guard_rec, *size);
		}
		*size = 0;
		return MHD_YES;
	}
	if (*size != 0) {
		size_t n = *size;

		*size = 0;
		return body_piece(r, data, n);
	}
	if (!r->body_done && !body_complete(r)) {
		r->refuse = MHD_HTTP_SERVICE_UNAVAILABLE;
		sd_req_drop_body(r);
	}
	if (r->refuse != 0)
		return refuse_reply(r);
	return r->route->finish(r);
}

static void count_answer(struct sd_server *srv, unsigned status)
{
	unsigned long *c = &srv->n_refused;

	if (status == 0)
		c = &srv->n_lost;
	else if (status < 300)
		c = &srv->n_stored;
	else if (status >= 500)
		c = &srv->n_busy;
	__atomic_add_fetch(c, 1, __ATOMIC_RELAXED);
}

void sd_daemon_log_counters(struct sd_server *srv)
{
	struct sd_guard_stats g;
	unsigned long ok = __atomic_exchange_n(&srv->n_stored, 0,
	    __ATOMIC_RELAXED);
	unsigned long bad = __atomic_exchange_n(&srv->n_refused, 0,
	    __ATOMIC_RELAXED);
	unsigned long busy = __atomic_exchange_n(&srv->n_busy, 0,
	    __ATOMIC_RELAXED);
	unsigned long lost = __atomic_exchange_n(&srv->n_lost, 0,
	    __ATOMIC_RELAXED);
	unsigned long cuts;

	sd_guard_get_stats(srv->guard, &g);
	cuts = g.cut_headers + g.cut_slow + g.evicted + g.refused;
	if (ok + bad + busy + lost == 0 && cuts == srv->cuts_logged)
		return;
	fprintf(stderr, "sealdrop-server: since the last count: %lu "
	    "submissions answered 2xx, %lu refused 4xx, %lu 503, %lu without "
	    "an answer; connections cut since start: %lu header deadline, "
	    "%lu slow body, %lu to make room, %lu refused; spool in use %zu "
	    "bytes\n", ok, bad, busy, lost, g.cut_headers, g.cut_slow,
	    g.evicted, g.refused, sd_spool_in_use(srv->spool));
	srv->cuts_logged = cuts;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **req_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct sd_server *srv = cls;
	struct sd_req *r = *req_cls;

	(void)c;
	(void)toe;
	if (r == NULL)
		return;
	if (srv->cfg.log_requests)
		sd_log_request(r->method, r->route != NULL ?
		    r->route->log_name : "-", r->status, r->bytes,
		    sd_now_ns() - r->t0_ns);
	if (r->route != NULL && r->route->max_body != NULL)
		count_answer(srv, r->status);
	if (r->route != NULL && r->route->cleanup != NULL)
		r->route->cleanup(r);
	sd_buf_free(&r->body);
	sd_spool_file_end(srv->spool, &r->spool);
	__atomic_sub_fetch(&srv->body_bytes, r->reserved, __ATOMIC_SEQ_CST);
	sd_guard_request_done(srv->guard, r->guard_rec);
	free(r);
	*req_cls = NULL;
	__atomic_sub_fetch(&srv->in_flight, 1, __ATOMIC_SEQ_CST);
}

/* URL decoding that cannot cut a path short: a %00 would end the C string
 * the handlers see ("/static/a.css%00.js" served as "/static/a.css"). It
 * becomes a byte no route or file name accepts. */
static size_t unescape(void *cls, struct MHD_Connection *c, char *s)
{
	size_t n = MHD_http_unescape(s), i;

	(void)cls;
	(void)c;
	for (i = 0; i < n; i++)
		if (s[i] == '\0')
			s[i] = '\x7f';
	return n;
}

/* "host:port" with an IPv4 address or "[v6]:port". */
static int parse_listen(const char *s, struct sockaddr_storage *ss,
    int *v6)
{
	char host[64];
	const char *colon = strrchr(s, ':');
	char *end = NULL;
	size_t hlen;
	unsigned long port;

	memset(ss, 0, sizeof(*ss));
	if (colon == NULL)
		return SD_E_INVAL;
	hlen = (size_t)(colon - s);
	if (hlen >= sizeof(host))
		return SD_E_INVAL;
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (colon[1] == '\0' || *end != '\0' || errno != 0 || port > 65535)
		return SD_E_INVAL;
	memcpy(host, s, hlen);
	host[hlen] = '\0';
	*v6 = hlen >= 2 && host[0] == '[' && host[hlen - 1] == ']';
	if (*v6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)(void *)ss;

		host[hlen - 1] = '\0';
		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)port);
		return inet_pton(AF_INET6, host + 1, &a->sin6_addr) == 1 ?
		    SD_OK : SD_E_INVAL;
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)(void *)ss;

		a->sin_family = AF_INET;
		a->sin_port = htons((uint16_t)port);
		return inet_pton(AF_INET, host, &a->sin_addr) == 1 ?
		    SD_OK : SD_E_INVAL;
	}
}

static unsigned pool_size(const struct sd_config *cfg)
{
	long n;

	if (cfg->threads > 0)
		return cfg->threads;
	n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 && n < 256 ? (unsigned)n : 2;
}

int sd_daemon_bind(struct sd_server *srv, uint16_t *port)
{
	const struct sd_config *cfg = &srv->cfg;
	struct sockaddr_storage ss;
	socklen_t sl = 0;
	int v6 = 0;
	int on = 1;
	int fd = -1;

	srv->listen_fd = -1;
	if (parse_listen(cfg->listen, &ss, &v6) != SD_OK) {
		fprintf(stderr, "sealdrop-server: --listen wants ADDRESS:PORT "
		    "such as 127.0.0.1:8080 or [::1]:8080, not '%s'\n",
		    cfg->listen);
		return SD_E_INVAL;
	}
	sl = v6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
	fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) != 0 ||
	    (v6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on,
	    sizeof(on)) != 0) ||
	    bind(fd, (struct sockaddr *)&ss, sl) != 0 ||
	    listen(fd, 1024) != 0) {
		fprintf(stderr, "sealdrop-server: cannot listen on %s: %s; "
		    "choose another --listen\n", cfg->listen, strerror(errno));
		if (fd >= 0)
			close(fd);
		return SD_E_IO;
	}
	sl = sizeof(ss);
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0)
		*port = ntohs(v6 ? ((struct sockaddr_in6 *)(void *)&ss)->sin6_port :
		    ((struct sockaddr_in *)(void *)&ss)->sin_port);
	srv->listen_fd = fd;
	return SD_OK;
}

/* libmicrohttpd's own limit sits above ours: the guard keeps the count at
 * --connection-limit by cutting the oldest waiting connection, and needs
 * room for the newcomer meanwhile; at its own limit the library would stop
 * accepting and leave everyone in the backlog. */
static unsigned hard_limit(const struct sd_config *cfg)
{
	if (cfg->conn_limit == 0)
		return 0;   /* the library's default, and no eviction */
	return cfg->conn_limit + cfg->conn_limit / 8 + 16;
}

int sd_daemon_start(struct sd_server *srv)
{
	const struct sd_config *cfg = &srv->cfg;
	struct sd_guard_conf gc;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
	    MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ITC;

	/* made now: no new descriptor may be made once the sandbox is on */
	srv->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (srv->stop_fd < 0)
		return SD_E_IO;
	gc.limit = cfg->conn_limit;
	gc.header_timeout_s = cfg->header_timeout_s;
	gc.min_body_rate = cfg->min_body_rate;
	if (sd_guard_start(&gc, &srv->guard) != SD_OK)
		return SD_E_NOMEM;
	srv->daemon = MHD_start_daemon(flags, 0, NULL, NULL, on_request, srv,
	    MHD_OPTION_LISTEN_SOCKET, srv->listen_fd,
	    MHD_OPTION_THREAD_POOL_SIZE, pool_size(cfg),
	    MHD_OPTION_CONNECTION_LIMIT, hard_limit(cfg),
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, cfg->per_ip_limit,
	    MHD_OPTION_CONNECTION_TIMEOUT, cfg->timeout_s,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, cfg->conn_memory,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
	    MHD_OPTION_NOTIFY_CONNECTION, sd_guard_notify, srv->guard,
	    MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL,
	    MHD_OPTION_END);
	if (srv->daemon == NULL) {
		fprintf(stderr, "sealdrop-server: cannot start serving on %s\n",
		    cfg->listen);
		return SD_E_IO;
	}
	/* the daemon owns the socket now */
	srv->served_fd = srv->listen_fd;
	srv->listen_fd = -1;
	return SD_OK;
}

/* Descriptors the load needs: every connection, the store and the spool. */
unsigned sd_daemon_files(const struct sd_config *cfg)
{
	return (hard_limit(cfg) > 0 ? hard_limit(cfg) : 1024) + 256;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* New connections are refused from here on. MHD_quiesce_daemon of 0.9.75
 * races with its own epoll threads (both remove the listening socket from
 * the epoll set, and the loser aborts the process), so the listening
 * socket is closed under the library instead: an eventfd that never
 * becomes ready takes its descriptor number, the socket is released (the
 * kernel refuses new connections and drops it from every epoll set), and
 * MHD_stop_daemon later closes the eventfd. */
static void stop_listening(struct sd_server *srv)
{
	if (srv->served_fd < 0 || srv->stop_fd < 0)
		return;
	if (dup2(srv->stop_fd, srv->served_fd) < 0)
		return;
	close(srv->stop_fd);
	srv->stop_fd = -1;
}

void sd_daemon_stop(struct sd_server *srv)
{
	uint64_t deadline;

	if (srv->daemon == NULL) {
		sd_writer_stop(srv->writer);
		srv->writer = NULL;
		sd_guard_stop(srv->guard);
		srv->guard = NULL;
		if (srv->listen_fd >= 0)
			close(srv->listen_fd);
		srv->listen_fd = -1;
		if (srv->stop_fd >= 0)
			close(srv->stop_fd);
		srv->stop_fd = -1;
		return;
	}
	__atomic_store_n(&srv->stopping, 1, __ATOMIC_SEQ_CST);
	stop_listening(srv);
	deadline = sd_now_ns() + (uint64_t)srv->cfg.drain_s * 1000000000u;
	while (__atomic_load_n(&srv->in_flight, __ATOMIC_SEQ_CST) > 0 &&
	    sd_now_ns() < deadline)
		sleep_ms(10);
	/* commits what is queued and resumes those connections; a request
	 * that outlives the drain is refused by the writer (503), which stays
	 * allocated until no handler can run any more */
	sd_writer_drain(srv->writer);
	MHD_stop_daemon(srv->daemon);
	srv->daemon = NULL;
	sd_writer_stop(srv->writer);
	srv->writer = NULL;
	sd_guard_stop(srv->guard);
	srv->guard = NULL;
	if (srv->stop_fd >= 0)
		close(srv->stop_fd);
	srv->stop_fd = -1;
}

static void put_hold(void *arg)
{
	struct sd_req *r = arg;

	MHD_suspend_connection(r->conn);
}

static void put_done(struct sd_put *p)
{
	struct sd_req *r = p->arg;

	__atomic_store_n(&r->put_state, SD_PUT_DONE, __ATOMIC_RELEASE);
	MHD_resume_connection(r->conn);
}

void sd_req_store(struct sd_req *r, const uint8_t *env, size_t len)
{
	r->put.item.env = env;
	r->put.item.len = len;
	sd_receipt_id(r->put.item.receipt, env, len);
	sd_today(r->put.item.day);
	r->put_state = SD_PUT_WAITING;
	r->put.done = put_done;
	r->put.arg = r;
	if (sd_writer_submit(r->srv->writer, &r->put, put_hold, r) != SD_OK)
		/* not queued: the handler runs again and answers 503 */
		__atomic_store_n(&r->put_state, SD_PUT_DONE, __ATOMIC_RELEASE);
}
