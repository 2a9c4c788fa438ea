#include "server_harness.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <sodium.h>
#include <sqlite3.h>

#include "sd_encode.h"
#include "sd_envelope.h"
#include "sd_err.h"
#include "sd_file.h"
#include "sd_keys.h"
#include "scratch_home.h"

#define H_BODY_MAX (80u * 1024 * 1024)

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

void h_bin(char *out, size_t cap, const char *rel)
{
	const char *b = getenv("SD_BINARY_DIR");

	assert_non_null(b);
	assert_true((size_t)snprintf(out, cap, "%s/%s", b, rel) < cap);
}

static pid_t spawn(char *const argv[], const char *const env[],
    const char *out, const char *err)
{
	pid_t pid = fork();
	int fd;
	size_t i;

	assert_true(pid >= 0);
	if (pid != 0)
		return pid;
	sd_scratch_home_child();
	for (i = 0; env != NULL && env[i] != NULL; i++)
		putenv((char *)(uintptr_t)env[i]);
	if (out != NULL) {
		fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0)
			_exit(126);
		close(fd);
	}
	if (err != NULL) {
		fd = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0 || dup2(fd, STDERR_FILENO) < 0)
			_exit(126);
		close(fd);
	} else if (out != NULL) {
		dup2(STDOUT_FILENO, STDERR_FILENO);
	}
	execv(argv[0], argv);
	_exit(127);
}

int h_run(char *const argv[], const char *const env[], const char *outfile)
{
	pid_t pid = spawn(argv, env, outfile, NULL);
	int st = 0;

	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

static const char *const pass_env[] = {
	"SEALDROP_PASSPHRASE=" H_PASS, NULL
};

void h_make_keys(const char *dir, const char *expires)
{
	static const char *const roles[] = {
		"authority", "stats", "details", "ack", "receipt",
	};
	char analyst[512];
	char out[512];
	char a[512], r1[512], r2[512], rk[512], ak[512], ch[512];
	size_t i;

	mkdir(dir, 0700);
	h_bin(analyst, sizeof(analyst), "analyst/sealdrop-analyst");
	for (i = 0; i < sizeof(roles) / sizeof(roles[0]); i++) {
		char *argv[] = { analyst, h_s("keygen"), h_s("--role"),
		    (char *)(uintptr_t)roles[i], h_s("--out"), out,
		    h_s("--kdf"), h_s("interactive"), h_s("--force"),
		    NULL };

		snprintf(out, sizeof(out), "%s/%s", dir, roles[i]);
		assert_int_equal(h_run(argv, pass_env, "keygen.log"), 0);
	}
	snprintf(a, sizeof(a), "%s/authority.key", dir);
	snprintf(r1, sizeof(r1), "%s/stats.pub", dir);
	snprintf(r2, sizeof(r2), "%s/details.pub", dir);
	snprintf(rk, sizeof(rk), "%s/receipt.pub", dir);
	snprintf(ak, sizeof(ak), "%s/ack.pub", dir);
	snprintf(ch, sizeof(ch), "%s/channel.json", dir);
	{
		char *argv[] = { analyst, h_s("channel"), h_s("--authority"),
		    a, h_s("--recipient"), r1, h_s("--recipient"), r2,
		    h_s("--receipt-key"), rk, h_s("--ack-key"), ak,
		    h_s("--expires"), (char *)(uintptr_t)expires,
		    h_s("--out"), ch, h_s("--force"), NULL };

		assert_int_equal(h_run(argv, pass_env, "channel.log"), 0);
	}
}

int h_has_arg(const char *const argv[], const char *arg)
{
	size_t i;

	for (i = 0; argv != NULL && argv[i] != NULL; i++)
		if (strcmp(argv[i], arg) == 0)
			return 1;
	return 0;
}

void h_give_dir(const char *dir, const char *user)
{
	struct passwd *pw = getpwnam(user);

	assert_non_null(pw);
	assert_int_equal(chown(dir, pw->pw_uid, pw->pw_gid), 0);
}

static int listening(struct h_server *s)
{
	static const char tag[] = "listening on http://127.0.0.1:";
	uint8_t *out = NULL;
	size_t len = 0;
	const char *p = NULL;

	out = h_read(s->out, &len);
	if (out == NULL)
		return 0;
	p = strstr((const char *)out, tag);
	if (p != NULL)
		s->port = (unsigned)strtoul(p + sizeof(tag) - 1, NULL, 10);
	free(out);
	return p != NULL && s->port != 0;
}

/* Servers still running when a test fails are killed by h_teardown, so a
 * failure never leaves a process behind. */
#define H_MAX_SERVERS 64
static pid_t running[H_MAX_SERVERS];

static void track(pid_t pid, int on)
{
	size_t i;

	for (i = 0; i < H_MAX_SERVERS; i++) {
		if (on && running[i] == 0) {
			running[i] = pid;
			return;
		}
		if (!on && running[i] == pid) {
			running[i] = 0;
			return;
		}
	}
}

void h_reaped(struct h_server *s)
{
	track(s->pid, 0);
	s->pid = 0;
}

int h_teardown(void **state)
{
	size_t i;
	int st;

	(void)state;
	for (i = 0; i < H_MAX_SERVERS; i++) {
		if (running[i] > 0) {
			kill(running[i], SIGKILL);
			waitpid(running[i], &st, 0);
			running[i] = 0;
		}
	}
	return 0;
}

int h_start(struct h_server *s, const char *dir, const char *db,
    const char *const extra[], const char *const env[])
{
	static int serial;
	char bin[512], ch[512], auth[512], rk[512], tmpl[512];
	char *argv[64];
	const char *envs[16];
	size_t n = 0;
	size_t e = 0;
	int st = 0;
	int i;

	memset(s, 0, sizeof(*s));
	serial++;
	snprintf(s->log, sizeof(s->log), "server-%d.log", serial);
	snprintf(s->out, sizeof(s->out), "server-%d.out", serial);
	h_bin(bin, sizeof(bin), "server/sealdrop-server");
	snprintf(ch, sizeof(ch), "%s/channel.json", dir);
	snprintf(auth, sizeof(auth), "%s/authority.pub", dir);
	snprintf(rk, sizeof(rk), "%s/receipt.key", dir);
	snprintf(tmpl, sizeof(tmpl), "%s/templates", getenv("SD_SOURCE_DIR"));
	argv[n++] = bin;
	argv[n++] = h_s("--listen");
	argv[n++] = h_s("127.0.0.1:0");
	argv[n++] = h_s("--db");
	argv[n++] = (char *)(uintptr_t)db;
	argv[n++] = h_s("--channel");
	argv[n++] = ch;
	argv[n++] = h_s("--authority");
	argv[n++] = auth;
	argv[n++] = h_s("--receipt-key");
	argv[n++] = rk;
	argv[n++] = h_s("--templates");
	argv[n++] = tmpl;
	for (i = 0; extra != NULL && extra[i] != NULL && n < 60; i++)
		argv[n++] = (char *)(uintptr_t)extra[i];
	if (geteuid() == 0 && !h_has_arg(extra, "--user")) {
		/* root (as in CI) must name the user to become */
		h_give_dir(".", H_USER);
		argv[n++] = h_s("--user");
		argv[n++] = h_s(H_USER);
	}
	argv[n] = NULL;
	envs[e++] = pass_env[0];
	for (i = 0; env != NULL && env[i] != NULL && e < 15; i++)
		envs[e++] = env[i];
	envs[e] = NULL;
	/* an old file of an earlier run must not be read as this one's */
	unlink(s->out);
	unlink(s->log);
	s->pid = spawn(argv, envs, s->out, s->log);
	track(s->pid, 1);
	for (i = 0; i < 300; i++) {   /* 30 s at most */
		if (listening(s))
			return 0;
		if (waitpid(s->pid, &st, WNOHANG) == s->pid) {
			track(s->pid, 0);
			s->pid = 0;
			return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
		}
		sleep_ms(100);
	}
	kill(s->pid, SIGKILL);
	waitpid(s->pid, &st, 0);
	track(s->pid, 0);
	s->pid = 0;
	fail_msg("the server did not start within 30 s");
	return -1;
}

int h_stop(struct h_server *s)
{
	int st = 0;
	int i;

	if (s->pid <= 0)
		return -1;
	kill(s->pid, SIGTERM);
	for (i = 0; i < 600; i++) {   /* 60 s at most */
		if (waitpid(s->pid, &st, WNOHANG) == s->pid) {
			track(s->pid, 0);
			s->pid = 0;
			return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
		}
		sleep_ms(100);
	}
	kill(s->pid, SIGKILL);
	waitpid(s->pid, &st, 0);
	track(s->pid, 0);
	s->pid = 0;
	return -1;
}

static size_t collect(char *p, size_t size, size_t n, void *ud)
{
	sd_buf *b = ud;

	if (sd_buf_add(b, p, size * n) != SD_OK)
		return 0;
	return size * n;
}

void h_http(const struct h_server *s, const char *method, const char *path,
    const char *ctype, const void *body, size_t len, const char *extra_header,
    struct h_resp *r)
{
	char url[512];
	char ct[256];
	struct curl_slist *hdrs = NULL;
	CURL *c = curl_easy_init();
	CURLcode rc;

	assert_non_null(c);
	memset(r, 0, sizeof(*r));
	sd_buf_init(&r->body, H_BODY_MAX);
	sd_buf_init(&r->headers, 64 * 1024);
	snprintf(url, sizeof(url), "http://127.0.0.1:%u%s", s->port, path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &r->body);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &r->headers);
	if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	else
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	if (body != NULL) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)len);
	}
	if (ctype != NULL) {
		snprintf(ct, sizeof(ct), "Content-Type: %s", ctype);
		hdrs = curl_slist_append(hdrs, ct);
	}
	if (extra_header != NULL)
		hdrs = curl_slist_append(hdrs, extra_header);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	rc = curl_easy_perform(c);
	if (rc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	else
		print_message("%s %s: %s\n", method, path,
		    curl_easy_strerror(rc));
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(c);
}

void h_resp_free(struct h_resp *r)
{
	sd_buf_free(&r->body);
	sd_buf_free(&r->headers);
}

const char *h_header(const struct h_resp *r, const char *name, char *out,
    size_t cap)
{
	const char *p = (const char *)r->headers.data;
	size_t n = strlen(name);
	const char *eol = NULL;
	const char *v = NULL;

	while (p != NULL && *p != '\0') {
		eol = strstr(p, "\r\n");
		if (eol == NULL)
			break;
		if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
			v = p + n + 1;
			while (*v == ' ')
				v++;
			snprintf(out, cap, "%.*s", (int)(eol - v), v);
			return out;
		}
		p = eol + 2;
	}
	return NULL;
}

void h_assert_security_headers(const struct h_resp *r)
{
	static const char *const want[][2] = {
		{ "Cache-Control", "no-store" },
		{ "Referrer-Policy", "no-referrer" },
		{ "X-Content-Type-Options", "nosniff" },
		{ "X-Frame-Options", "DENY" },
		{ "Cross-Origin-Opener-Policy", "same-origin" },
	};
	char v[512];
	size_t i;

	assert_true(r->status > 0);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		if (h_header(r, want[i][0], v, sizeof(v)) == NULL)
			fail_msg("status %ld: no %s header", r->status,
			    want[i][0]);
		assert_string_equal(v, want[i][1]);
	}
	assert_non_null(h_header(r, "Content-Security-Policy", v, sizeof(v)));
	assert_non_null(strstr(v, "default-src 'none'"));
	assert_non_null(strstr(v, "frame-ancestors 'none'"));
	assert_null(strstr(v, "http"));   /* no third-party origin */
	assert_null(h_header(r, "Set-Cookie", v, sizeof(v)));
	assert_null(h_header(r, "Server", v, sizeof(v)));
}

sd_channel *h_channel(const char *dir)
{
	char path[512];
	uint8_t pk[SD_PK_BYTES];
	enum sd_role role = SD_ROLE_NONE;
	sd_channel *ch = NULL;

	snprintf(path, sizeof(path), "%s/authority.pub", dir);
	assert_int_equal(sd_pubkey_load(path, &role, pk), SD_OK);
	snprintf(path, sizeof(path), "%s/channel.json", dir);
	assert_int_equal(sd_channel_load_file(path, pk, NULL, &ch), SD_OK);
	return ch;
}

void h_envelope(const sd_channel *ch, size_t extra, uint8_t **env,
    size_t *len)
{
	uint8_t ref[16];
	char refhex[33];
	char stats[1024];
	static const char meta[] = "{\"name\":\"a.bin\",\"media_type\":"
	    "\"application/octet-stream\",\"size\":0}";
	struct sd_section_in sec[2];
	uint8_t *att = NULL;
	size_t n = 1;
	int k;

	randombytes_buf(ref, sizeof(ref));
	sd_hex_encode(refhex, sizeof(refhex), ref, sizeof(ref));
	k = snprintf(stats, sizeof(stats), "{\"schema\":\"sealdrop.report/1\","
	    "\"incident_ref\":\"%s\",\"member_state\":\"DK\","
	    "\"organisation\":\"company\",\"sector\":\"C\",\"size_class\":"
	    "\"small\",\"discovered\":\"2025-Q2\",\"secret_types\":"
	    "[\"technical.source_code\"],\"attack_vectors\":[\"hacking\"],"
	    "\"actor\":\"competitor\",\"actor_origin\":\"eu\","
	    "\"reported_to_police\":false}", refhex);
	sec[0].type = SD_SEC_STATS;
	sec[0].data = (const uint8_t *)stats;
	sec[0].len = (size_t)k;
	if (extra > 0) {
		/* details must come before attachments: only stats here, so
		 * the attachment follows stats directly */
		att = calloc(1, 4 + sizeof(meta) + extra);
		assert_non_null(att);
		att[0] = (uint8_t)(sizeof(meta) - 1);
		memcpy(att + 4, meta, sizeof(meta) - 1);
		randombytes_buf(att + 4 + sizeof(meta) - 1, extra);
		sec[1].type = SD_SEC_ATTACHMENT;
		sec[1].data = att;
		sec[1].len = 4 + sizeof(meta) - 1 + extra;
		n = 2;
	}
	assert_int_equal(sd_envelope_seal(ch, sec, n, env, len), SD_OK);
	free(att);
}

uint8_t *h_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long n;

	*len = 0;
	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		fclose(f);
		return NULL;
	}
	buf = malloc((size_t)n + 1);
	if (buf != NULL && fread(buf, 1, (size_t)n, f) == (size_t)n) {
		buf[n] = 0;
		*len = (size_t)n;
	} else {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

int h_file_has(const char *path, const char *needle)
{
	size_t len = 0;
	uint8_t *d = h_read(path, &len);
	int found;

	if (d == NULL)
		return 0;
	found = memmem(d, len, needle, strlen(needle)) != NULL;
	free(d);
	return found;
}

long long h_db_count(const char *db, const char *sql)
{
	sqlite3 *h = NULL;
	sqlite3_stmt *st = NULL;
	long long n = -1;

	assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL),
	    SQLITE_OK);
	sqlite3_busy_timeout(h, 5000);
	assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(h);
	return n;
}

void h_fresh_db(const char *db)
{
	char p[256];

	unlink(db);
	snprintf(p, sizeof(p), "%s-wal", db);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", db);
	unlink(p);
}

uint64_t h_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

struct h_slot {
	CURL *h;
	uint8_t *env;
	size_t len;
	uint64_t t0;
	sd_buf body;
};

static void slot_arm(struct h_load *l, struct h_slot *s, const char *url)
{
	free(s->env);
	s->env = NULL;
	h_envelope(l->ch, 0, &s->env, &s->len);
	sd_buf_free(&s->body);
	sd_buf_init(&s->body, 4096);
	curl_easy_reset(s->h);
	curl_easy_setopt(s->h, CURLOPT_URL, url);
	curl_easy_setopt(s->h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(s->h, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(s->h, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(s->h, CURLOPT_WRITEDATA, &s->body);
	curl_easy_setopt(s->h, CURLOPT_POSTFIELDS, s->env);
	curl_easy_setopt(s->h, CURLOPT_POSTFIELDSIZE, (long)s->len);
	s->t0 = h_now_ms();
}

static void load_done(struct h_load *l, struct h_slot *s, CURLcode res)
{
	char want[SD_RECEIPT_LEN + 1];
	const char *p = NULL;
	long status = 0;

	if (res == CURLE_COULDNT_CONNECT) {
		l->refused++;
		return;
	}
	if (res != CURLE_OK) {
		if (l->cut == 0 || s->t0 < l->cut_first_started)
			l->cut_first_started = s->t0;
		l->cut++;
		return;
	}
	curl_easy_getinfo(s->h, CURLINFO_RESPONSE_CODE, &status);
	if (status != 201 && status != 200) {
		l->other++;
		return;
	}
	sd_receipt_id(want, s->env, s->len);
	p = s->body.data != NULL ? strstr((const char *)s->body.data,
	    "\"receipt\":\"") : NULL;
	if (p == NULL || strncmp(p + 11, want, SD_RECEIPT_LEN) != 0) {
		l->wrong++;
		return;
	}
	if (l->n_acks == l->cap_acks) {
		l->cap_acks = l->cap_acks ? 2 * l->cap_acks : 1024;
		l->acks = realloc(l->acks, l->cap_acks * sizeof(*l->acks));
		if (l->acks == NULL)
			abort();
	}
	memcpy(l->acks[l->n_acks].receipt, want, sizeof(want));
	l->acks[l->n_acks].started_ms = s->t0;
	l->n_acks++;
}

static void *load_main(void *arg)
{
	struct h_load *l = arg;
	struct h_slot *slots = calloc(l->conns, sizeof(*slots));
	CURLM *m = curl_multi_init();
	CURLMsg *msg = NULL;
	char url[128];
	int active = 0;
	int left = 0;
	unsigned i;

	if (slots == NULL || m == NULL)
		abort();
	snprintf(url, sizeof(url), "http://127.0.0.1:%u/api/v1/reports",
	    l->srv->port);
	for (i = 0; i < l->conns; i++) {
		slots[i].h = curl_easy_init();
		sd_buf_init(&slots[i].body, 4096);
		slot_arm(l, &slots[i], url);
		curl_multi_add_handle(m, slots[i].h);
	}
	while (!__atomic_load_n(&l->stop, __ATOMIC_SEQ_CST)) {
		curl_multi_perform(m, &active);
		while ((msg = curl_multi_info_read(m, &left)) != NULL) {
			if (msg->msg != CURLMSG_DONE)
				continue;
			for (i = 0; i < l->conns &&
			    slots[i].h != msg->easy_handle; i++)
				;
			if (i == l->conns)
				continue;
			load_done(l, &slots[i], msg->data.result);
			curl_multi_remove_handle(m, slots[i].h);
			slot_arm(l, &slots[i], url);
			curl_multi_add_handle(m, slots[i].h);
		}
		curl_multi_poll(m, NULL, 0, 20, NULL);
	}
	for (i = 0; i < l->conns; i++) {
		curl_multi_remove_handle(m, slots[i].h);
		curl_easy_cleanup(slots[i].h);
		free(slots[i].env);
		sd_buf_free(&slots[i].body);
	}
	curl_multi_cleanup(m);
	free(slots);
	return NULL;
}

void h_load_start(struct h_load *l, const struct h_server *s,
    const sd_channel *ch, unsigned conns)
{
	struct h_ack *keep = l->acks;
	size_t n = l->n_acks, cap = l->cap_acks;

	/* acks of earlier runs are kept: a load goes on across restarts */
	memset(l, 0, sizeof(*l));
	l->acks = keep;
	l->n_acks = n;
	l->cap_acks = cap;
	l->srv = s;
	l->ch = ch;
	l->conns = conns;
	assert_int_equal(pthread_create(&l->thread, NULL, load_main, l), 0);
}

void h_load_stop(struct h_load *l)
{
	__atomic_store_n(&l->stop, 1, __ATOMIC_SEQ_CST);
	pthread_join(l->thread, NULL);
}

void h_load_free(struct h_load *l)
{
	free(l->acks);
	memset(l, 0, sizeof(*l));
}

void h_assert_chain(const char *db)
{
	sqlite3 *h = NULL;
	sqlite3_stmt *st = NULL;
	uint8_t chain[32];
	char hex[65];
	long long seq = 0;
	crypto_generichash_state g;

	memset(chain, 0, sizeof(chain));
	assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL),
	    SQLITE_OK);
	sqlite3_busy_timeout(h, 5000);
	assert_int_equal(sqlite3_prepare_v2(h, "SELECT seq, receipt, envelope, "
	    "chain FROM envelopes ORDER BY seq", -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		char rid[SD_RECEIPT_LEN + 1];

		assert_int_equal(sqlite3_column_int64(st, 0), ++seq);
		sd_receipt_id(rid, sqlite3_column_blob(st, 2),
		    (size_t)sqlite3_column_bytes(st, 2));
		assert_string_equal(rid, (const char *)sqlite3_column_text(st,
		    1));
		crypto_generichash_init(&g, NULL, 0, 32);
		crypto_generichash_update(&g, chain, 32);
		crypto_generichash_update(&g, (const uint8_t *)rid,
		    SD_RECEIPT_LEN);
		crypto_generichash_final(&g, chain, 32);
		assert_int_equal(sqlite3_column_bytes(st, 3), 32);
		assert_memory_equal(sqlite3_column_blob(st, 3), chain, 32);
	}
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_prepare_v2(h, "SELECT value FROM meta WHERE "
	    "key='last_seq'", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(strtoll((const char *)sqlite3_column_text(st, 0),
	    NULL, 10), seq);
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_prepare_v2(h, "SELECT value FROM meta WHERE "
	    "key='last_chain'", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	sd_hex_encode(hex, sizeof(hex), chain, 32);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), hex);
	sqlite3_finalize(st);
	sqlite3_close(h);
}

void h_last_envelope(const char *db, const char *path, char *receipt,
    size_t cap)
{
	sqlite3 *h = NULL;
	sqlite3_stmt *st = NULL;

	assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL),
	    SQLITE_OK);
	sqlite3_busy_timeout(h, 5000);
	assert_int_equal(sqlite3_prepare_v2(h, "SELECT receipt, envelope FROM "
	    "envelopes ORDER BY seq DESC LIMIT 1", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	if (receipt != NULL)
		snprintf(receipt, cap, "%s",
		    (const char *)sqlite3_column_text(st, 0));
	assert_int_equal(sd_file_write(path, sqlite3_column_blob(st, 1),
	    (size_t)sqlite3_column_bytes(st, 1), 0600, 1), SD_OK);
	sqlite3_finalize(st);
	sqlite3_close(h);
}
