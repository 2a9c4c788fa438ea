/* Slow and hostile clients against the real server, with a normal client
 * (the probe, from another loopback address, 127.0.0.2) that must keep
 * getting answers while the limits act:
 *   - 1,100 connections that send their headers one byte a second,
 *   - 5,000 connections that send nothing,
 *   - 8 API posts that announce 64 MiB and send slowly, and slow form
 *     posts that announce 50 MB,
 *   - oversized headers and bodies,
 * each with --per-ip-limit 0 (behind Tor every client has one address),
 * and the slow bodies also with the per-address limit. The probe's
 * latencies and the server's memory are printed: they are the figures of
 * docs/server.md. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "sd_envelope.h"
#include "sd_err.h"
#include "sd_mem.h"
#include "server_harness.h"

#define KEYS "keys"
#define OCTETS "application/octet-stream"
#define MAX_ATTACK 6000
/* longer than --header-timeout (10 s), so that the deadlines act */
#define PROBE_SECONDS 12
#define PROBE_MAX_MS 3000.0
/* What an attack may add to the server's resident memory. Under ASan
 * freed memory waits in its quarantine (256 MiB by default), so the
 * churn of tens of thousands of connections shows there and not in the
 * normal build. */
#if defined(SD_SANITIZED)
#define RSS_GROWTH_KIB (320 * 1024)
#else
#define RSS_GROWTH_KIB (64 * 1024)
#endif

static sd_channel *channel;
static uint8_t *probe_env;
static size_t probe_len;

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static int setup(void **state)
{
	struct rlimit rl = { MAX_ATTACK + 512, MAX_ATTACK + 512 };

	(void)state;
	signal(SIGPIPE, SIG_IGN);
	/* the attacker's own sockets */
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
		return -1;
	h_make_keys(KEYS, "2099-12-31");
	channel = h_channel(KEYS);
	h_envelope(channel, 0, &probe_env, &probe_len);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	return 0;
}

static int teardown_all(void **state)
{
	h_teardown(state);
	free(probe_env);
	sd_channel_free(channel);
	curl_global_cleanup();
	return 0;
}

/* ---- the attacker: n connections kept open, each re-opened when the
 * server closes it, fed a piece every second ---- */

enum kind { IDLE, SLOW_HEADERS, SLOW_API_BODY, SLOW_FORM_BODY };

struct attacker {
	enum kind kind;
	unsigned n;
	unsigned port;
	unsigned body_rate;        /* bytes per second per connection */
	pthread_t thread;
	int stop;
	int fds[MAX_ATTACK];
	size_t sent[MAX_ATTACK];
	unsigned long reopened;
	unsigned long open_now;
};

static int open_one(unsigned port)
{
	struct sockaddr_in a;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

	if (fd < 0)
		return -1;
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0 &&
	    errno != EINPROGRESS) {
		close(fd);
		return -1;
	}
	return fd;
}

static void feed(struct attacker *a, unsigned i)
{
	static const char slow_hdr[] = "POST /api/v1/reports HTTP/1.1\r\n"
	    "Host: 127.0.0.1\r\nX-Padding: ";
	static char body[65536];
	char head[256];
	const char *p = NULL;
	size_t n = 0;
	ssize_t w;
	int k;

	switch (a->kind) {
	case IDLE:
		return;
	case SLOW_HEADERS:
		/* the request line at once, then a byte a second */
		if (a->sent[i] == 0) {
			p = slow_hdr;
			n = sizeof(slow_hdr) - 1;
		} else {
			p = "a";
			n = 1;
		}
		break;
	case SLOW_API_BODY:
	case SLOW_FORM_BODY:
		if (a->sent[i] == 0) {
			k = snprintf(head, sizeof(head), "POST %s HTTP/1.1\r\n"
			    "Host: 127.0.0.1\r\nContent-Type: %s\r\n"
			    "Content-Length: %u\r\n\r\n", a->kind ==
			    SLOW_API_BODY ? "/api/v1/reports" : "/submit",
			    a->kind == SLOW_API_BODY ? OCTETS :
			    "application/x-www-form-urlencoded",
			    a->kind == SLOW_API_BODY ? 64u << 20 : 50u << 20);
			p = head;
			n = (size_t)k;
		} else {
			memset(body, 'a', sizeof(body));
			p = body;
			n = a->body_rate < sizeof(body) ? a->body_rate :
			    sizeof(body);
		}
		break;
	}
	w = send(a->fds[i], p, n, MSG_NOSIGNAL);
	if (w > 0)
		a->sent[i] += (size_t)w;
}

static void *attack_main(void *arg)
{
	struct attacker *a = arg;
	static struct pollfd pfd[MAX_ATTACK];
	char buf[4096];
	uint64_t next_feed = 0;
	unsigned i;

	for (i = 0; i < a->n; i++) {
		a->fds[i] = open_one(a->port);
		a->sent[i] = 0;
	}
	while (!__atomic_load_n(&a->stop, __ATOMIC_SEQ_CST)) {
		unsigned long open_now = 0;

		for (i = 0; i < a->n; i++) {
			pfd[i].fd = a->fds[i];
			pfd[i].events = POLLIN;
			pfd[i].revents = 0;
		}
		poll(pfd, a->n, 100);
		for (i = 0; i < a->n; i++) {
			if (a->fds[i] >= 0 && (pfd[i].revents &
			    (POLLIN | POLLHUP | POLLERR)) != 0 &&
			    recv(a->fds[i], buf, sizeof(buf), 0) > 0)
				continue;   /* an answer: read on */
			if (a->fds[i] >= 0 && pfd[i].revents == 0)
				continue;
			/* closed by the server (or never opened): again */
			if (a->fds[i] >= 0)
				close(a->fds[i]);
			a->fds[i] = open_one(a->port);
			a->sent[i] = 0;
			a->reopened++;
		}
		if (now_ms() >= next_feed) {
			for (i = 0; i < a->n; i++) {
				if (a->fds[i] >= 0) {
					feed(a, i);
					open_now++;
				}
			}
			__atomic_store_n(&a->open_now, open_now,
			    __ATOMIC_SEQ_CST);
			next_feed = now_ms() + 1000;
		}
	}
	for (i = 0; i < a->n; i++)
		if (a->fds[i] >= 0)
			close(a->fds[i]);
	return NULL;
}

static struct attacker *attack(enum kind k, unsigned n, unsigned port,
    unsigned rate)
{
	struct attacker *a = calloc(1, sizeof(*a));

	assert_non_null(a);
	a->kind = k;
	a->n = n;
	a->port = port;
	a->body_rate = rate;
	assert_int_equal(pthread_create(&a->thread, NULL, attack_main, a), 0);
	return a;
}

static void attack_end(struct attacker *a)
{
	__atomic_store_n(&a->stop, 1, __ATOMIC_SEQ_CST);
	pthread_join(a->thread, NULL);
	free(a);
}

/* ---- the probe: a normal client from 127.0.0.2 ---- */

struct probe {
	unsigned long asked;
	unsigned long answered;    /* with the expected status */
	unsigned long other;
	double lat[4096];
	size_t n_lat;
	double max_ms;
};

static long probe_one(unsigned port, const char *path, const void *body,
    size_t len, double *ms)
{
	char url[128];
	CURL *c = curl_easy_init();
	struct curl_slist *h = NULL;
	long status = 0;
	uint64_t t0 = now_ms();
	FILE *null = fopen("/dev/null", "w");

	assert_non_null(c);
	snprintf(url, sizeof(url), "http://127.0.0.1:%u%s", port, path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_INTERFACE, "127.0.0.2");
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, null);
	if (body != NULL) {
		h = curl_slist_append(h, "Content-Type: " OCTETS);
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)len);
	}
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	*ms = (double)(now_ms() - t0);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	fclose(null);
	return status;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a;
	double y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* A GET and a POST of an envelope (already stored: 200) every 100 ms on
 * a new connection each time, for seconds. */
static void probe_run(const struct h_server *s, unsigned seconds,
    struct probe *p)
{
	uint64_t end = now_ms() + seconds * 1000u;
	double ms = 0;
	long st;

	memset(p, 0, sizeof(*p));
	while (now_ms() < end && p->n_lat + 2 < 4096) {
		st = probe_one(s->port, "/healthz", NULL, 0, &ms);
		p->asked++;
		if (st == 200)
			p->answered++;
		else
			p->other++;
		p->lat[p->n_lat++] = ms;
		st = probe_one(s->port, "/api/v1/reports", probe_env,
		    probe_len, &ms);
		p->asked++;
		if (st == 200 || st == 201)
			p->answered++;
		else
			p->other++;
		p->lat[p->n_lat++] = ms;
		usleep(100000);
	}
	qsort(p->lat, p->n_lat, sizeof(double), cmp_d);
	p->max_ms = p->n_lat > 0 ? p->lat[p->n_lat - 1] : 0;
}

static long kib(pid_t pid, const char *field)
{
	char path[64];
	char line[256];
	long v = -1;
	FILE *f = NULL;

	snprintf(path, sizeof(path), "/proc/%ld/status", (long)pid);
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, field, strlen(field)) == 0 &&
		    line[strlen(field)] == ':')
			v = strtol(line + strlen(field) + 1, NULL, 10);
	fclose(f);
	return v;
}

static void report(const char *what, const struct h_server *s,
    const struct probe *p, const struct attacker *a, long rss0)
{
	double p50 = p->n_lat ? p->lat[p->n_lat / 2] : 0;
	double p99 = p->n_lat ? p->lat[(size_t)((double)p->n_lat * 0.99)] : 0;

	print_message("%s: probe %lu/%lu answered, p50 %.0f ms, p99 %.0f ms, "
	    "max %.0f ms; attacker %lu open, %lu re-opened; server RSS %ld "
	    "KiB (%ld before), peak %ld KiB\n", what, p->answered, p->asked,
	    p50, p99, p->max_ms, a != NULL ? a->open_now : 0,
	    a != NULL ? a->reopened : 0, kib(s->pid, "VmRSS"), rss0,
	    kib(s->pid, "VmHWM"));
}

static void assert_probe(const struct probe *p)
{
	assert_true(p->asked >= 20);
	assert_int_equal(p->answered, p->asked);
	assert_true(p->max_ms < PROBE_MAX_MS);
}

/* Seed the store with the probe's envelope so that its POSTs answer 200. */
static void seed(const struct h_server *s)
{
	struct h_resp r;

	h_http(s, "POST", "/api/v1/reports", OCTETS, probe_env, probe_len, NULL,
	    &r);
	assert_true(r.status == 201 || r.status == 200);
	h_resp_free(&r);
}

static const char *const tor[] = { "--per-ip-limit", "0", NULL };

static void one_attack(const char *name, const char *db,
    const char *const flags[], enum kind k, unsigned n, unsigned rate,
    unsigned seconds, unsigned long min_cut)
{
	struct h_server s;
	struct attacker *a = NULL;
	struct probe p;
	unsigned long cut;
	long rss0;

	h_fresh_db(db);
	assert_int_equal(h_start(&s, KEYS, db, flags, NULL), 0);
	seed(&s);
	rss0 = kib(s.pid, "VmRSS");
	a = attack(k, n, s.port, rate);
	sleep(2);   /* the connections are in place */
	probe_run(&s, seconds, &p);
	report(name, &s, &p, a, rss0);
	/* the limits acted: the server closed that many of the attacker's
	 * connections (each is opened again at once) */
	cut = a->reopened;
	attack_end(a);
	assert_probe(&p);
	if (cut < min_cut)
		fail_msg("%s: %lu connections cut, expected %lu", name, cut,
		    min_cut);
	/* memory stays bounded: what the attack may hold is small */
	assert_true(kib(s.pid, "VmRSS") - rss0 < RSS_GROWTH_KIB);
	assert_int_equal(h_stop(&s), 0);
}

static void test_slow_headers(void **state)
{
	(void)state;
	one_attack("1100 slow-header connections, --per-ip-limit 0",
	    "slowhdr.db", tor, SLOW_HEADERS, 1100, 0, PROBE_SECONDS, 1100);
}

static void test_idle_connections(void **state)
{
	(void)state;
	one_attack("5000 idle connections, --per-ip-limit 0", "idle.db", tor,
	    IDLE, 5000, 0, PROBE_SECONDS, 5000);
}

static void test_slow_api_bodies(void **state)
{
	(void)state;
	/* above the minimum rate: only the memory rules can act */
	one_attack("8 API posts announcing 64 MiB at 8 KiB/s, "
	    "--per-ip-limit 0", "slowapi.db", tor, SLOW_API_BODY, 8, 8192, 6, 0);
	one_attack("8 API posts announcing 64 MiB at 8 KiB/s, per-address "
	    "limit 64", "slowapi2.db", NULL, SLOW_API_BODY, 8, 8192, 6, 0);
}

static void test_slow_form_bodies(void **state)
{
	(void)state;
	one_attack("4 form posts announcing 50 MB at 64 KiB/s, "
	    "--per-ip-limit 0", "slowform.db", tor, SLOW_FORM_BODY, 4, 65536, 6, 0);
	/* below the minimum rate: cut after the header timeout */
	one_attack("200 form posts at 1 KiB/s (below the minimum rate), "
	    "--per-ip-limit 0", "trickle.db", tor, SLOW_FORM_BODY, 200, 1024, PROBE_SECONDS,
	    200);
}

/* Headers larger than the connection memory and bodies over the limit
 * are refused, and the probe goes on meanwhile. */
static void test_oversized(void **state)
{
	struct h_server s;
	struct h_resp r;
	struct probe p;
	char *big = NULL;
	size_t n = 200 * 1024;
	int i;

	(void)state;
	h_fresh_db("big.db");
	assert_int_equal(h_start(&s, KEYS, "big.db", tor, NULL), 0);
	seed(&s);
	big = malloc(n + 32);
	assert_non_null(big);
	memcpy(big, "X-Big: ", 7);
	memset(big + 7, 'a', n);
	big[n + 7] = '\0';
	for (i = 0; i < 3; i++) {
		h_http(&s, "GET", "/healthz", NULL, NULL, 0, big, &r);
		/* 431 or the connection cut: never served */
		assert_true(r.status == 431 || r.status == 0 ||
		    r.status == 414 || r.status == 400);
		h_resp_free(&r);
	}
	h_http(&s, "POST", "/api/v1/reports", OCTETS, big, n,
	    "Content-Length: 999999999999", &r);
	assert_int_equal(r.status, 413);
	h_resp_free(&r);
	free(big);
	probe_run(&s, 2, &p);
	report("after oversized headers and bodies", &s, &p, NULL,
	    kib(s.pid, "VmRSS"));
	assert_probe(&p);
	assert_int_equal(h_stop(&s), 0);
}

static const char form_body[] = "member_state=DK&organisation=company&"
	"sector=C&size_class=small&discovered_year=2025&discovered_quarter=2&"
	"secret_types=technical.source_code&attack_vectors=hacking&"
	"actor=competitor&actor_origin=eu&reported_to_police=no&"
	"narrative=A+short+account.&loss_eur=1";

/* Memory for bodies runs out (slow form posts hold --max-inflight): a form
 * post is answered 503 at once, a sealed API post still goes through (to
 * the spool), and once the holders are gone a form post is taken. */
static void test_body_memory_out(void **state)
{
	/* --timeout 5: a connection the server did not see close is let go
	 * after 5 s idle (seen under ASan, where recovery took that long) */
	static const char *const small[] = { "--per-ip-limit", "0",
	    "--max-inflight", "2097152", "--timeout", "5", NULL };
	struct h_server s;
	struct h_resp r;
	struct attacker *a = NULL;
	uint8_t *env = NULL;
	size_t len = 0;
	uint64_t t0;
	long st = 0;
	int i;

	(void)state;
	h_fresh_db("oom.db");
	assert_int_equal(h_start(&s, KEYS, "oom.db", small, NULL), 0);
	h_http(&s, "POST", "/submit", "application/x-www-form-urlencoded",
	    form_body, sizeof(form_body) - 1, NULL, &r);
	assert_int_equal(r.status, 200);
	h_resp_free(&r);
	a = attack(SLOW_FORM_BODY, 32, s.port, 65536);
	sleep(3);
	for (i = 0; i < 3; i++) {
		h_http(&s, "POST", "/submit",
		    "application/x-www-form-urlencoded", form_body,
		    sizeof(form_body) - 1, NULL, &r);
		assert_int_equal(r.status, 503);
		h_assert_security_headers(&r);
		h_resp_free(&r);
		h_envelope(channel, 0, &env, &len);
		h_http(&s, "POST", "/api/v1/reports", OCTETS, env, len, NULL,
		    &r);
		assert_int_equal(r.status, 201);
		h_resp_free(&r);
		free(env);
	}
	print_message("memory for bodies spent by 32 slow form posts: form "
	    "posts 503, API posts 201 (spooled); RSS %ld KiB\n",
	    kib(s.pid, "VmRSS"));
	attack_end(a);
	/* the holders are gone once the server has seen their connections
	 * close: the budget comes back (within moments; under ASan a few
	 * stayed until the idle timeout) */
	t0 = now_ms();
	for (i = 0; i < 80; i++) {
		usleep(250000);
		h_http(&s, "POST", "/submit",
		    "application/x-www-form-urlencoded", form_body,
		    sizeof(form_body) - 1, NULL, &r);
		st = r.status;
		h_resp_free(&r);
		if (st != 503)
			break;
	}
	assert_int_equal(st, 200);
	print_message("a form post taken again %llu ms after the holders "
	    "left\n", (unsigned long long)(now_ms() - t0));
	assert_int_equal(h_stop(&s), 0);
	assert_int_equal(h_db_count("oom.db", "SELECT count(*) FROM envelopes"),
	    5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_slow_headers, h_teardown),
		cmocka_unit_test_teardown(test_idle_connections, h_teardown),
		cmocka_unit_test_teardown(test_slow_api_bodies, h_teardown),
		cmocka_unit_test_teardown(test_slow_form_bodies, h_teardown),
		cmocka_unit_test_teardown(test_oversized, h_teardown),
		cmocka_unit_test_teardown(test_body_memory_out, h_teardown),
	};

	if (sd_crypto_init() != SD_OK)
		return 1;
	return cmocka_run_group_tests(tests, setup, teardown_all);
}
