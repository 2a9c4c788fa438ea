#include "submit_harness.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "sd_channel.h"
#include "sd_encode.h"
#include "sd_envelope.h"
#include "sd_err.h"
#include "sd_keys.h"
#include "scratch_home.h"

#define RUN_LIMIT_MS 180000
#define HEAD_MAX 65536
#define BODY_MAX (80u * 1024 * 1024)
#define ANSWER_MAX (1024 * 1024)

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

const char *
h_bin(const char *rel)
{
	static char ring[4][4096];
	static int k;
	const char *dir = getenv("SD_BINARY_DIR");
	char *out = ring[k++ % 4];

	assert_non_null(dir);
	snprintf(out, sizeof(ring[0]), "%s/%s", dir, rel);
	return out;
}

char *
h_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	if (len != NULL)
		*len = (size_t)n;
	return buf;
}

void
h_write(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

int
h_field(const char *text, const char *name, char *out, size_t cap)
{
	size_t n = strlen(name), k = 0;
	const char *p = text;

	while (p != NULL && *p != '\0') {
		if (strncmp(p, name, n) == 0 && p[n] == ':') {
			p += n + 1;
			while (*p == ' ')
				p++;
			while (p[k] != '\0' && p[k] != '\n' && p[k] != ' ' &&
			    k + 1 < cap) {
				out[k] = p[k];
				k++;
			}
			out[k] = '\0';
			return 0;
		}
		p = strchr(p, '\n');
		if (p != NULL)
			p++;
	}
	return -1;
}

uint16_t
h_free_port(void)
{
	struct sockaddr_in a;
	socklen_t al = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	uint16_t port;

	assert_true(fd >= 0);
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &al), 0);
	port = ntohs(a.sin_port);
	close(fd);
	return port;
}

static void
load_pub(const char *name, uint8_t pk[SD_PK_BYTES])
{
	char path[256];
	enum sd_role role;

	snprintf(path, sizeof(path), "%s.pub", name);
	assert_int_equal(sd_pubkey_load(path, &role, pk), SD_OK);
}

void
h_make_channel(const char *authority, const char *expires, const char *out)
{
	struct sd_recipient rcp[2];
	struct sd_channel_spec spec;
	sd_seckey *a = NULL;
	char path[256], *json = NULL;
	size_t len = 0;

	memset(rcp, 0, sizeof(rcp));
	memset(&spec, 0, sizeof(spec));
	load_pub("stats", rcp[0].pk);
	rcp[0].role = SD_ROLE_STATS;
	snprintf(rcp[0].label, sizeof(rcp[0].label), "statistics");
	load_pub("details", rcp[1].pk);
	rcp[1].role = SD_ROLE_DETAILS;
	snprintf(rcp[1].label, sizeof(rcp[1].label), "law enforcement");
	sd_key_id(rcp[0].key_id, rcp[0].pk);
	sd_key_id(rcp[1].key_id, rcp[1].pk);
	spec.recipients = rcp;
	spec.n_recipients = 2;
	load_pub("receipt", spec.receipt_pk);
	snprintf(spec.issued, sizeof(spec.issued), "2025-01-01");
	snprintf(spec.expires, sizeof(spec.expires), "%s", expires);
	snprintf(path, sizeof(path), "%s.key", authority);
	assert_int_equal(sd_seckey_load(path, H_PASS, strlen(H_PASS), &a), SD_OK);
	assert_int_equal(sd_channel_create(a, &spec, &json, &len), SD_OK);
	h_write(out, json, len);
	free(json);
	sd_seckey_free(a);
}

void
h_make_world(const char *expires)
{
	static const struct {
		const char *name;
		enum sd_role role;
	} keys[] = {
		{ "A", SD_ROLE_AUTHORITY }, { "B", SD_ROLE_AUTHORITY },
		{ "stats", SD_ROLE_STATS }, { "details", SD_ROLE_DETAILS },
		{ "receipt", SD_ROLE_RECEIPT }, { "other_receipt", SD_ROLE_RECEIPT },
	};
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		assert_int_equal(sd_keygen(keys[i].role, keys[i].name, H_PASS,
		    strlen(H_PASS), SD_KDF_INTERACTIVE, 1), SD_OK);
	h_make_channel("A", expires, "channel.json");
	h_make_channel("B", expires, "channel_b.json");
}

static void
child_exec(const char *const argv[], const char *const env[], const char *in,
    const char *out, const char *err)
{
	int fd;
	size_t i;

	/* a test that dies must not leave a server behind */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	sd_scratch_home_child();
	for (i = 0; env != NULL && env[i] != NULL; i++)
		putenv((char *)(uintptr_t)env[i]);
	if ((fd = open(in, O_RDONLY)) < 0 || dup2(fd, 0) < 0)
		_exit(126);
	if ((fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0 ||
	    dup2(fd, 1) < 0)
		_exit(126);
	if ((fd = open(err, O_WRONLY | O_CREAT | O_APPEND, 0600)) < 0 ||
	    dup2(fd, 2) < 0)
		_exit(126);
	execv(argv[0], (char *const *)(uintptr_t)argv);
	_exit(127);
}

static int
wait_child(pid_t pid, long limit_ms)
{
	int st = 0;
	long waited = 0;
	pid_t w;

	while ((w = waitpid(pid, &st, WNOHANG)) == 0 && waited < limit_ms) {
		sleep_ms(10);
		waited += 10;
	}
	if (w == 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
		fail_msg("%s", "a child process ran past its time limit");
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

void
h_run(struct h_run *r, const char *const argv[], const char *const env[],
    const char *stdin_text)
{
	const char *in = "/dev/null";
	pid_t pid;

	if (stdin_text != NULL) {
		h_write("run.in", stdin_text, strlen(stdin_text));
		in = "run.in";
	}
	unlink("run.err");
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		child_exec(argv, env, in, "run.out", "run.err");
	r->status = wait_child(pid, RUN_LIMIT_MS);
	r->out = h_read("run.out", NULL);
	r->err = h_read("run.err", NULL);
}

void
h_run_free(struct h_run *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}

static int
http_status(uint16_t port, const char *path)
{
	struct sockaddr_in a;
	char req[256], buf[64];
	int fd, st = -1;
	ssize_t n;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons(port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0) {
		snprintf(req, sizeof(req), "GET %s HTTP/1.0\r\n\r\n", path);
		if (send(fd, req, strlen(req), MSG_NOSIGNAL) > 0 &&
		    (n = recv(fd, buf, sizeof(buf) - 1, 0)) > 12) {
			buf[n] = '\0';
			st = (int)strtol(buf + 9, NULL, 10);
		}
	}
	close(fd);
	return st;
}

void
h_server_start(struct h_server *s, const char *db, const char *channel)
{
	char listen[64];
	const char *argv[] = { h_bin("server/sealdrop-server"), "--listen",
		listen, "--db", db, "--channel", channel, "--authority", "A.pub",
		"--receipt-key", "receipt.key", "--rate", "100000", "--burst",
		"100000", NULL, NULL, NULL };
	struct passwd *pw = NULL;
	const char *env[] = { "SEALDROP_PASSPHRASE=" H_PASS, NULL };
	int i, st = 0;
	pid_t pid;

	assert_int_equal(access(argv[0], X_OK), 0);
	if (geteuid() == 0) {
		/* started as root the server becomes an unprivileged user,
		 * who must be able to write the store's directory */
		pw = getpwnam("nobody");
		assert_non_null(pw);
		assert_int_equal(chown(".", pw->pw_uid, pw->pw_gid), 0);
		argv[15] = "--user";
		argv[16] = "nobody";
	}
	s->port = h_free_port();
	snprintf(listen, sizeof(listen), "127.0.0.1:%u", s->port);
	snprintf(s->url, sizeof(s->url), "http://127.0.0.1:%u", s->port);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		child_exec(argv, env, "/dev/null", "/dev/null", "server.log");
	s->pid = pid;
	for (i = 0; i < 400; i++) {
		if (http_status(s->port, "/healthz") == 200)
			return;
		if (waitpid(pid, &st, WNOHANG) == pid)
			fail_msg("sealdrop-server exited; see %s", "server.log");
		sleep_ms(25);
	}
	fail_msg("%s", "sealdrop-server did not answer /healthz");
}

void
h_server_stop(struct h_server *s)
{
	if (s->pid <= 0)
		return;
	kill(s->pid, SIGTERM);
	wait_child(s->pid, 20000);
	s->pid = 0;
}

int
h_db_rows(const char *db, const char *receipt)
{
	sqlite3 *h = NULL;
	sqlite3_stmt *st = NULL;
	int n = -1;

	assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READWRITE, NULL),
	    SQLITE_OK);
	sqlite3_busy_timeout(h, 5000);
	assert_int_equal(sqlite3_prepare_v2(h, receipt ? "SELECT count(*) FROM "
	    "envelopes WHERE receipt = ?1" : "SELECT count(*) FROM envelopes",
	    -1, &st, NULL), SQLITE_OK);
	if (receipt != NULL)
		sqlite3_bind_text(st, 1, receipt, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(h);
	return n;
}

/* ---- the relay ---- */

static int
send_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	ssize_t w;

	while (n > 0) {
		w = send(fd, c, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

struct request {
	char method[8];
	char path[256];
	uint8_t *body;
	size_t body_len;
};

static long
content_length(const char *head)
{
	const char *p = head;

	while ((p = strchr(p, '\n')) != NULL) {
		p++;
		if (strncasecmp(p, "content-length:", 15) == 0)
			return strtol(p + 15, NULL, 10);
	}
	return 0;
}

static int
read_request(int fd, struct request *q)
{
	char *buf = malloc(HEAD_MAX + 1), *end = NULL;
	size_t have = 0, head_len, want;
	long cl;
	ssize_t n;

	memset(q, 0, sizeof(*q));
	if (buf == NULL)
		return -1;
	while (end == NULL && have < HEAD_MAX) {
		if ((n = recv(fd, buf + have, HEAD_MAX - have, 0)) <= 0)
			goto fail;
		have += (size_t)n;
		buf[have] = '\0';
		end = strstr(buf, "\r\n\r\n");
	}
	if (end == NULL || sscanf(buf, "%7s %255s", q->method, q->path) != 2)
		goto fail;
	head_len = (size_t)(end - buf) + 4;
	*end = '\0';
	cl = content_length(buf);
	if (cl < 0 || (size_t)cl > BODY_MAX)
		goto fail;
	want = (size_t)cl;
	if ((q->body = malloc(want + 1)) == NULL)
		goto fail;
	q->body_len = have - head_len < want ? have - head_len : want;
	memcpy(q->body, buf + head_len, q->body_len);
	while (q->body_len < want) {
		n = recv(fd, q->body + q->body_len, want - q->body_len, 0);
		if (n <= 0)
			goto fail;
		q->body_len += (size_t)n;
	}
	free(buf);
	return 0;
fail:
	free(buf);
	free(q->body);
	q->body = NULL;
	return -1;
}

static void
answer(int fd, const char *status, const char *type, const char *body,
    size_t len)
{
	char head[256];

	snprintf(head, sizeof(head), "HTTP/1.1 %s\r\nContent-Type: %s\r\n"
	    "Content-Length: %zu\r\nConnection: close\r\n\r\n", status, type, len);
	if (send_all(fd, head, strlen(head)) == 0)
		send_all(fd, body, len);
}

/* Send the request on with Connection: close and collect the whole answer. */
static char *
forward(uint16_t port, const struct request *q, size_t *len)
{
	struct sockaddr_in a;
	char head[512], *out = malloc(ANSWER_MAX);
	size_t have = 0;
	ssize_t n;
	int fd;

	*len = 0;
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons(port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (out == NULL || (fd = socket(AF_INET, SOCK_STREAM, 0)) < 0) {
		free(out);
		return NULL;
	}
	snprintf(head, sizeof(head), "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
	    "Content-Type: application/octet-stream\r\nContent-Length: %zu\r\n"
	    "Connection: close\r\n\r\n", q->method, q->path, port, q->body_len);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    send_all(fd, head, strlen(head)) != 0 ||
	    send_all(fd, q->body, q->body_len) != 0) {
		close(fd);
		free(out);
		return NULL;
	}
	while (have < ANSWER_MAX && (n = recv(fd, out + have, ANSWER_MAX - have,
	    0)) > 0)
		have += (size_t)n;
	close(fd);
	*len = have;
	return out;
}

static void
record_post(struct h_relay *r, const struct request *q)
{
	r->n_posts++;
	if (r->first_post == NULL) {
		r->first_post = malloc(q->body_len + 1);
		assert_non_null(r->first_post);
		memcpy(r->first_post, q->body, q->body_len);
		r->first_post_len = q->body_len;
	} else if (r->first_post_len != q->body_len ||
	    memcmp(r->first_post, q->body, q->body_len) != 0) {
		r->posts_differ = 1;
	}
}

/* What an intake server says, signed by a key of the test's choosing. */
static void
signed_answer(int fd, const sd_seckey *k, const struct request *q)
{
	char rid[SD_RECEIPT_LEN + 1], day[11], msg[128], b64[SD_B64_LEN(64)];
	char body[512];
	uint8_t sig[64];

	sd_receipt_id(rid, q->body, q->body_len);
	sd_today(day);
	assert_true(sd_receipt_message(msg, sizeof(msg), rid, day) > 0);
	assert_int_equal(sd_seckey_sign(k, sig, (const uint8_t *)msg,
	    strlen(msg)), SD_OK);
	sd_b64_encode(b64, sizeof(b64), sig, sizeof(sig));
	snprintf(body, sizeof(body), "{\"receipt\":\"%s\",\"day\":\"%s\","
	    "\"signature\":\"%s\"}", rid, day, b64);
	answer(fd, "201 Created", "application/json", body, strlen(body));
}

static void
serve_one(struct h_relay *r, int fd)
{
	struct request q;
	char *up = NULL;
	size_t up_len = 0;
	int post, drop = 0;

	if (read_request(fd, &q) != 0)
		return;
	post = strcmp(q.method, "POST") == 0;
	pthread_mutex_lock(&r->lock);
	if (post)
		record_post(r, &q);
	else
		r->n_gets++;
	if (!post && r->channel != NULL && strcmp(q.path, "/api/v1/channel") == 0) {
		pthread_mutex_unlock(&r->lock);
		answer(fd, "200 OK", "application/json", r->channel, r->channel_len);
		goto out;
	}
	if (post && r->refuse_posts > 0) {
		r->refuse_posts--;
		pthread_mutex_unlock(&r->lock);
		answer(fd, "503 Service Unavailable", "text/plain", "busy\n", 5);
		goto out;
	}
	if (post && r->signer != NULL) {
		pthread_mutex_unlock(&r->lock);
		signed_answer(fd, r->signer, &q);
		goto out;
	}
	if (post && r->post_answer != NULL) {
		pthread_mutex_unlock(&r->lock);
		answer(fd, "201 Created", "application/json", r->post_answer,
		    strlen(r->post_answer));
		goto out;
	}
	if (post && r->drop_posts > 0) {
		r->drop_posts--;
		drop = 1;
	}
	pthread_mutex_unlock(&r->lock);
	if (r->upstream_port != 0)
		up = forward(r->upstream_port, &q, &up_len);
	if (up != NULL && !drop)
		send_all(fd, up, up_len);
	free(up);
out:
	free(q.body);
}

static void *
relay_main(void *arg)
{
	struct h_relay *r = arg;
	struct pollfd p;
	int fd, stop = 0;

	while (!stop) {
		p.fd = r->fd;
		p.events = POLLIN;
		if (poll(&p, 1, 50) > 0 && (fd = accept(r->fd, NULL, NULL)) >= 0) {
			serve_one(r, fd);
			close(fd);
		}
		pthread_mutex_lock(&r->lock);
		stop = r->stop;
		pthread_mutex_unlock(&r->lock);
	}
	return NULL;
}

void
h_relay_start(struct h_relay *r)
{
	struct sockaddr_in a;
	socklen_t al = sizeof(a);

	r->fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(r->fd >= 0);
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(r->fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(r->fd, 16), 0);
	assert_int_equal(getsockname(r->fd, (struct sockaddr *)&a, &al), 0);
	r->port = ntohs(a.sin_port);
	snprintf(r->url, sizeof(r->url), "http://127.0.0.1:%u", r->port);
	r->stop = 0;
	assert_int_equal(pthread_mutex_init(&r->lock, NULL), 0);
	assert_int_equal(pthread_create(&r->thread, NULL, relay_main, r), 0);
}

void
h_relay_stop(struct h_relay *r)
{
	pthread_mutex_lock(&r->lock);
	r->stop = 1;
	pthread_mutex_unlock(&r->lock);
	pthread_join(r->thread, NULL);
	close(r->fd);
	pthread_mutex_destroy(&r->lock);
	free(r->first_post);
	r->first_post = NULL;
}
