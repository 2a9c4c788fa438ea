#include "guard.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "ratelimit.h"
#include "sd_err.h"

#define TICK_MS 200

enum phase { PH_WAITING, PH_BODY, PH_WORKING, PH_CUT, PH_COUNT };

struct gconn {
	struct gconn *prev;
	struct gconn *next;
	int fd;
	enum phase phase;
	uint64_t since_ns;          /* when the phase began */
	uint64_t bytes;             /* of the body, atomic */
};

struct glist {
	struct gconn *head;
	struct gconn *tail;
	unsigned long n;
};

struct sd_guard {
	struct sd_guard_conf conf;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t thread;
	int stopping;
	struct glist lists[PH_COUNT];
	struct sd_guard_stats st;
};

static void unlink_conn(sd_guard *g, struct gconn *c)
{
	struct glist *l = &g->lists[c->phase];

	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		l->head = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	else
		l->tail = c->prev;
	c->prev = c->next = NULL;
	l->n--;
}

/* Append: each list stays ordered by the time its phase began. */
static void link_conn(sd_guard *g, struct gconn *c, enum phase p,
    uint64_t now)
{
	struct glist *l = &g->lists[p];

	c->phase = p;
	c->since_ns = now;
	c->prev = l->tail;
	c->next = NULL;
	if (l->tail != NULL)
		l->tail->next = c;
	else
		l->head = c;
	l->tail = c;
	l->n++;
}

static void move_conn(sd_guard *g, struct gconn *c, enum phase p)
{
	if (c->phase == PH_CUT)
		return;   /* being closed: stays so */
	unlink_conn(g, c);
	link_conn(g, c, p, sd_now_ns());
}

/* The socket stays open (libmicrohttpd closes it, after telling us, under
 * the same lock): shutdown makes it see the end of the stream. */
static void cut(sd_guard *g, struct gconn *c, unsigned long *counter)
{
	shutdown(c->fd, SHUT_RDWR);
	unlink_conn(g, c);
	link_conn(g, c, PH_CUT, c->since_ns);
	(*counter)++;
}

static unsigned long live(const sd_guard *g)
{
	return g->lists[PH_WAITING].n + g->lists[PH_BODY].n +
	    g->lists[PH_WORKING].n;
}

static void sweep(sd_guard *g, uint64_t now)
{
	const uint64_t deadline = (uint64_t)g->conf.header_timeout_s *
	    1000000000u;
	struct gconn *c = NULL;
	struct gconn *next = NULL;
	uint64_t bytes;
	uint64_t age;

	if (deadline == 0)
		return;
	while ((c = g->lists[PH_WAITING].head) != NULL &&
	    now - c->since_ns > deadline)
		cut(g, c, &g->st.cut_headers);
	if (g->conf.min_body_rate == 0)
		return;
	for (c = g->lists[PH_BODY].head; c != NULL; c = next) {
		next = c->next;
		age = now - c->since_ns;
		if (age <= deadline)
			break;   /* ordered: every later one is younger */
		bytes = __atomic_load_n(&c->bytes, __ATOMIC_RELAXED);
		/* bytes / seconds < rate, without dividing */
		if ((double)bytes * 1e9 < (double)g->conf.min_body_rate *
		    (double)age)
			cut(g, c, &g->st.cut_slow);
	}
}

static void *guard_main(void *arg)
{
	sd_guard *g = arg;
	struct timespec ts;

	pthread_mutex_lock(&g->mu);
	while (!g->stopping) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += TICK_MS * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&g->cv, &g->mu, &ts);
		if (!g->stopping)
			sweep(g, sd_now_ns());
	}
	pthread_mutex_unlock(&g->mu);
	return NULL;
}

int sd_guard_start(const struct sd_guard_conf *conf, sd_guard **out)
{
	sd_guard *g = calloc(1, sizeof(*g));

	*out = NULL;
	if (g == NULL)
		return SD_E_NOMEM;
	g->conf = *conf;
	pthread_mutex_init(&g->mu, NULL);
	pthread_cond_init(&g->cv, NULL);
	if (pthread_create(&g->thread, NULL, guard_main, g) != 0) {
		pthread_mutex_destroy(&g->mu);
		pthread_cond_destroy(&g->cv);
		free(g);
		return SD_E_NOMEM;
	}
	*out = g;
	return SD_OK;
}

void sd_guard_stop(sd_guard *g)
{
	size_t p;
	struct gconn *c = NULL;

	if (g == NULL)
		return;
	pthread_mutex_lock(&g->mu);
	g->stopping = 1;
	pthread_cond_signal(&g->cv);
	pthread_mutex_unlock(&g->mu);
	pthread_join(g->thread, NULL);
	for (p = 0; p < PH_COUNT; p++) {
		while ((c = g->lists[p].head) != NULL) {
			unlink_conn(g, c);
			free(c);
		}
	}
	pthread_mutex_destroy(&g->mu);
	pthread_cond_destroy(&g->cv);
	free(g);
}

/* A new connection past the limit: the one that has waited longest for
 * its headers makes room; a client in the middle of its body or its answer
 * is never cut for a newcomer. With none waiting the newcomer goes. */
static void make_room(sd_guard *g, struct gconn *fresh)
{
	struct gconn *old = NULL;

	while (g->conf.limit > 0 && live(g) > g->conf.limit) {
		old = g->lists[PH_WAITING].head;
		if (old == NULL || old == fresh) {
			if (fresh->phase != PH_CUT)
				cut(g, fresh, &g->st.refused);
			return;
		}
		cut(g, old, &g->st.evicted);
	}
}

static void conn_started(sd_guard *g, struct MHD_Connection *mc,
    void **socket_ctx)
{
	const union MHD_ConnectionInfo *ci = NULL;
	struct gconn *c = calloc(1, sizeof(*c));

	*socket_ctx = NULL;
	ci = MHD_get_connection_info(mc, MHD_CONNECTION_INFO_CONNECTION_FD);
	if (c == NULL || ci == NULL) {
		free(c);
		return;   /* unguarded: the idle timeout still holds */
	}
	c->fd = ci->connect_fd;
	pthread_mutex_lock(&g->mu);
	link_conn(g, c, PH_WAITING, sd_now_ns());
	make_room(g, c);
	pthread_mutex_unlock(&g->mu);
	*socket_ctx = c;
}

void sd_guard_notify(void *cls, struct MHD_Connection *mc, void **socket_ctx,
    enum MHD_ConnectionNotificationCode code)
{
	sd_guard *g = cls;
	struct gconn *c = NULL;

	if (g == NULL)
		return;
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		conn_started(g, mc, socket_ctx);
		return;
	}
	c = *socket_ctx;
	if (c == NULL)
		return;
	pthread_mutex_lock(&g->mu);
	unlink_conn(g, c);
	pthread_mutex_unlock(&g->mu);
	free(c);
	*socket_ctx = NULL;
}

void *sd_guard_of(struct MHD_Connection *mc)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(mc,
	    MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return ci != NULL ? ci->socket_context : NULL;
}

static void to_phase(sd_guard *g, void *rec, enum phase p)
{
	struct gconn *c = rec;

	if (g == NULL || c == NULL)
		return;
	pthread_mutex_lock(&g->mu);
	if (c->phase != p)
		move_conn(g, c, p);
	pthread_mutex_unlock(&g->mu);
}

void sd_guard_headers_done(sd_guard *g, void *rec)
{
	struct gconn *c = rec;

	if (c != NULL)
		__atomic_store_n(&c->bytes, 0, __ATOMIC_RELAXED);
	to_phase(g, rec, PH_BODY);
}

void sd_guard_body_bytes(void *rec, size_t n)
{
	struct gconn *c = rec;

	if (c != NULL)
		__atomic_add_fetch(&c->bytes, n, __ATOMIC_RELAXED);
}

void sd_guard_working(sd_guard *g, void *rec)
{
	to_phase(g, rec, PH_WORKING);
}

void sd_guard_request_done(sd_guard *g, void *rec)
{
	to_phase(g, rec, PH_WAITING);
}

void sd_guard_get_stats(sd_guard *g, struct sd_guard_stats *st)
{
	memset(st, 0, sizeof(*st));
	if (g == NULL)
		return;
	pthread_mutex_lock(&g->mu);
	*st = g->st;
	st->waiting = g->lists[PH_WAITING].n;
	st->body = g->lists[PH_BODY].n;
	st->working = g->lists[PH_WORKING].n;
	pthread_mutex_unlock(&g->mu);
}
