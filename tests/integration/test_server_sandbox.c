/* Started as root, the real server gives root up: it runs as the --user
 * account inside the data directory, with no new privileges and the
 * seccomp filter on every thread, and a call outside the allow-list ends
 * it. Without a usable user it refuses to start as root. */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <pwd.h>

#include "sd_err.h"
#include "sd_mem.h"
#include "server_harness.h"

#define KEYS "keys"

static int setup(void **state)
{
	(void)state;
	h_make_keys(KEYS, "2099-12-31");
	return 0;
}

/* The value after "Name:" in /proc/PID/status (first field). */
static long status_field(pid_t pid, const char *name, char *line,
    size_t cap)
{
	char path[64];
	FILE *f = NULL;
	size_t n = strlen(name);
	long v = -1;

	snprintf(path, sizeof(path), "/proc/%ld/status", (long)pid);
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, (int)cap, f) != NULL) {
		if (strncmp(line, name, n) == 0 && line[n] == ':') {
			v = strtol(line + n + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return v;
}

/* Every thread carries the filter, not only the main one. */
static void assert_threads(pid_t pid, const char *field, long want)
{
	char cmd[128];
	char line[256];
	uint8_t *out = NULL;
	size_t len = 0;
	char *p = NULL;
	char *nl = NULL;
	int threads = 0;

	snprintf(cmd, sizeof(cmd), "ls /proc/%ld/task > tasks.txt", (long)pid);
	assert_int_equal(system(cmd), 0);
	out = h_read("tasks.txt", &len);
	assert_non_null(out);
	for (p = (char *)out; *p != '\0'; p = nl + 1) {
		char path[96];
		FILE *f = NULL;
		long v = -1;

		nl = strchr(p, '\n');
		if (nl == NULL)
			break;
		*nl = '\0';
		snprintf(path, sizeof(path), "/proc/%ld/task/%s/status",
		    (long)pid, p);
		f = fopen(path, "r");
		if (f == NULL)
			continue;
		while (fgets(line, sizeof(line), f) != NULL)
			if (strncmp(line, field, strlen(field)) == 0 &&
			    line[strlen(field)] == ':')
				v = strtol(line + strlen(field) + 1, NULL, 10);
		fclose(f);
		if (v != want)
			fail_msg("thread %s of %ld: %s %ld, want %ld", p,
			    (long)pid, field, v, want);
		threads++;
	}
	free(out);
	/* the writer, the guard and the HTTP pool at least */
	assert_true(threads >= 4);
}

static void test_runs_unprivileged(void **state)
{
	struct h_server s;
	struct h_resp r;
	struct passwd *pw = NULL;
	char line[256];
	char link[64];
	char root[PATH_MAX];
	char cwd[PATH_MAX];
	ssize_t n;

	(void)state;
	if (geteuid() != 0) {
		print_message("not root: the privilege drop is not exercised\n");
		skip();
	}
#if defined(SD_SANITIZED)
	print_message("sanitizer build: the server stays as started (no "
	    "chroot, no user change, no filter: LeakSanitizer needs /proc and "
	    "ptrace); all of it is checked in the normal build\n");
	skip();
#endif
	pw = getpwnam(H_USER);
	assert_non_null(pw);
	h_fresh_db("priv.db");
	assert_int_equal(h_start(&s, KEYS, "priv.db", NULL, NULL), 0);
	h_http(&s, "GET", "/healthz", NULL, NULL, 0, NULL, &r);
	assert_int_equal(r.status, 200);
	h_resp_free(&r);

	/* real, effective, saved and filesystem ids: the user's */
	assert_int_equal(status_field(s.pid, "Uid", line, sizeof(line)),
	    (long)pw->pw_uid);
	assert_non_null(strstr(line, "\t"));
	{
		unsigned long ids[4] = { 1, 1, 1, 1 };

		assert_int_equal(sscanf(line, "Uid:\t%lu\t%lu\t%lu\t%lu",
		    &ids[0], &ids[1], &ids[2], &ids[3]), 4);
		assert_true(ids[0] != 0 && ids[1] != 0 && ids[2] != 0 &&
		    ids[3] != 0);
	}
	assert_int_not_equal(status_field(s.pid, "Gid", line, sizeof(line)),
	    0);
	/* no supplementary groups left from root */
	status_field(s.pid, "Groups", line, sizeof(line));
	assert_int_equal(strspn(line + 7, " \t\n"), strlen(line + 7));
	/* inside the data directory */
	snprintf(link, sizeof(link), "/proc/%ld/root", (long)s.pid);
	n = readlink(link, root, sizeof(root) - 1);
	assert_true(n > 0);
	root[n] = '\0';
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_string_equal(root, cwd);
	/* the store was made by the user, not by root */
	{
		struct stat st;

		assert_int_equal(stat("priv.db", &st), 0);
		assert_int_equal(st.st_uid, pw->pw_uid);
	}
	assert_int_equal(status_field(s.pid, "NoNewPrivs", line,
	    sizeof(line)), 1);
	assert_int_equal(status_field(s.pid, "Seccomp", line, sizeof(line)),
	    2);
	assert_threads(s.pid, "Seccomp", 2);
	assert_threads(s.pid, "NoNewPrivs", 1);
	/* and it still serves what it must: a submission is stored */
	{
		sd_channel *ch = h_channel(KEYS);
		uint8_t *env = NULL;
		size_t len = 0;

		h_envelope(ch, 0, &env, &len);
		h_http(&s, "POST", "/api/v1/reports",
		    "application/octet-stream", env, len, NULL, &r);
		assert_int_equal(r.status, 201);
		h_resp_free(&r);
		free(env);
		sd_channel_free(ch);
	}
	assert_int_equal(h_stop(&s), 0);
	assert_int_equal(h_db_count("priv.db",
	    "SELECT count(*) FROM envelopes"), 1);
}

static void test_refuses_root(void **state)
{
	static const char *const nouser[] = { "--user",
	    "no-such-user-sealdrop-test", NULL };
	static const char *const rootuser[] = { "--user", "root", NULL };
	struct h_server s;

	(void)state;
	if (geteuid() != 0) {
		print_message("not root: nothing to refuse\n");
		skip();
	}
	h_fresh_db("refuse.db");
	assert_int_not_equal(h_start(&s, KEYS, "refuse.db", nouser, NULL), 0);
	assert_true(h_file_has(s.log, "--user no-such-user-sealdrop-test"));
	assert_true(h_file_has(s.log, "does not exist"));
	assert_int_not_equal(h_start(&s, KEYS, "refuse.db", rootuser, NULL),
	    0);
	assert_true(h_file_has(s.log, "not unprivileged"));
	/* nothing was opened: no store was made */
	assert_int_not_equal(access("refuse.db", F_OK), 0);
}

/* The hidden --test-forbidden-call makes the main thread call socket(2)
 * on SIGUSR1, which no request can send; the filter must end the
 * process. */
static void test_forbidden_call_kills(void **state)
{
	static const char *const hook[] = { "--test-forbidden-call", NULL };
	struct h_server s;
	struct h_resp r;
	int st = 0;
	int i;
	pid_t pid;

	(void)state;
#if defined(SD_SANITIZED)
	print_message("sanitizer build: no seccomp filter to trip\n");
	skip();
#endif
	h_fresh_db("trap.db");
	assert_int_equal(h_start(&s, KEYS, "trap.db", hook, NULL), 0);
	h_http(&s, "GET", "/healthz", NULL, NULL, 0, NULL, &r);
	assert_int_equal(r.status, 200);
	h_resp_free(&r);
	pid = s.pid;
	assert_int_equal(kill(pid, SIGUSR1), 0);
	for (i = 0; i < 100; i++) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			break;
		usleep(50000);
	}
	assert_true(i < 100);
	h_reaped(&s);
	/* the SIGSYS handler names the call and exits 70 */
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 70);
	assert_true(h_file_has(s.log, "sandbox: system call"));
	assert_false(h_file_has(s.log, "let socket(2) through"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_runs_unprivileged, h_teardown),
		cmocka_unit_test_teardown(test_refuses_root, h_teardown),
		cmocka_unit_test_teardown(test_forbidden_call_kills,
		    h_teardown),
	};

	if (sd_crypto_init() != SD_OK)
		return 1;
	return cmocka_run_group_tests(tests, setup, h_teardown);
}
