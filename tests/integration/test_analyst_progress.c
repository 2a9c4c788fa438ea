/* The real sealdrop-analyst shows progress on a terminal and nowhere else:
 * `ingest` and the opening of the reports by `table` run once with stderr
 * on a pseudo-terminal (forkpty), where the bar must be drawn and cleared
 * before the command's own lines, and once with stderr on a file, which
 * must hold no trace of it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <pty.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "sd_channel.h"
#include "sd_envelope.h"
#include "sd_err.h"
#include "sd_keys.h"
#include "sd_mem.h"
#include "server_harness.h"
#include "test_analyst_fixture.h"

#define N 300
#define OUT_MAX (1024 * 1024)

static char *out;               /* what the last run wrote */
static size_t out_len;

static const char *const pass_env[] = {
	"SEALDROP_PASSPHRASE=" H_PASS, "SEALDROP_TODAY=2026-11-22", NULL
};

static void
write_batch(void)
{
	static const char *const ms[] = { "DE", "FR", "IT" };
	uint8_t *env[N], zero[32] = { 0 }, last[32];
	size_t len[N], i;
	char stats[2048], hex[33];
	struct fx_rep r;
	enum sd_role role = SD_ROLE_NONE;
	uint8_t pk[32];
	sd_channel *ch = NULL;

	assert_int_equal(sd_pubkey_load("k/authority.pub", &role, pk), SD_OK);
	assert_int_equal(sd_channel_load_file("k/channel.json", pk, NULL, &ch),
	    SD_OK);
	for (i = 0; i < N; i++) {
		memset(&r, 0, sizeof(r));
		r.ref = (unsigned)i + 1;
		r.reporter = -1;
		r.ms = ms[i % 3];
		r.sector = "C";
		r.size = "small";
		r.discovered = "2026-Q1";
		r.loss = r.jobs = -1;
		fx_stats_json(stats, sizeof(stats), &r);
		env[i] = fx_seal(ch, stats, NULL, NULL, NULL, 0, &len[i]);
		assert_non_null(env[i]);
	}
	sodium_bin2hex(hex, sizeof(hex), sd_channel_id(ch), 16);
	remove("batch.sqlite");
	assert_int_equal(fx_batch_write("batch.sqlite", hex, zero, 1, env, len,
	    N, last), 0);
	for (i = 0; i < N; i++)
		free(env[i]);
	sd_channel_free(ch);
}

static int
setup(void **state)
{
	(void)state;
	assert_int_equal(sd_crypto_init(), SD_OK);
	h_make_keys("k", "2099-12-31");
	write_batch();
	out = malloc(OUT_MAX);
	return out == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	(void)state;
	free(out);
	return 0;
}

static void
child_exec(char *const argv[])
{
	size_t i;

	for (i = 0; pass_env[i] != NULL; i++)
		putenv((char *)(uintptr_t)pass_env[i]);
	execv(argv[0], argv);
	_exit(127);
}

/* Run the analyst with stdin, stdout and stderr on a new pseudo-terminal
 * of 120 columns; out gets what it wrote. */
static int
run_on_terminal(char *const argv[])
{
	struct winsize ws = { 24, 120, 0, 0 };
	int master = -1, st = 0;
	ssize_t n;
	pid_t pid;

	out_len = 0;
	pid = forkpty(&master, NULL, NULL, &ws);
	assert_true(pid >= 0);
	if (pid == 0)
		child_exec(argv);
	for (;;) {
		n = read(master, out + out_len, OUT_MAX - 1 - out_len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		out_len += (size_t)n;
		assert_true(out_len < OUT_MAX - 1);
	}
	out[out_len] = '\0';
	close(master);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The same with stdout and stderr on a file. */
static int
run_on_file(char *const argv[])
{
	int fd, st = 0;
	pid_t pid;
	char *text;
	size_t len = 0;

	fd = open("run.log", O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		child_exec(argv);
	}
	close(fd);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	text = (char *)h_read("run.log", &len);
	assert_non_null(text);
	assert_true(len < OUT_MAX);
	memcpy(out, text, len);
	out[len] = '\0';
	out_len = len;
	free(text);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Where the bar was drawn, the terminal must show a blank stretch before
 * the next output: the last "\r" before text is followed only by spaces
 * and another "\r" (the clearing), never by leftovers of the bar. */
static void
expect_cleared(const char *bar_text, const char *after)
{
	const char *last_bar = NULL, *p = out, *next, *q;

	while ((p = strstr(p, bar_text)) != NULL)
		last_bar = p++;
	assert_non_null(last_bar);
	next = strstr(last_bar, after);
	assert_non_null(next);
	q = strchr(last_bar, '\r');
	assert_non_null(q);
	assert_true(q < next);
	/* "\r" + spaces + "\r" clears it */
	q++;
	while (*q == ' ')
		q++;
	assert_int_equal(*q, '\r');
	assert_true(q < next);
}

/* a carriage return that does not end a line (CSV lines end in "\r\n") */
static int
bare_cr(void)
{
	size_t i;

	for (i = 0; i < out_len; i++)
		if (out[i] == '\r' && (i + 1 == out_len || out[i + 1] != '\n'))
			return 1;
	return 0;
}

static void
test_ingest_progress(void **state)
{
	char bin[512];
	char *argv[] = { bin, h_s("ingest"), h_s("--store"), h_s("a.db"),
		h_s("batch.sqlite"), NULL };

	(void)state;
	h_bin(bin, sizeof(bin), "analyst/sealdrop-analyst");
	h_fresh_db("a.db");
	assert_int_equal(run_on_terminal(argv), 0);
	assert_non_null(strstr(out, "\ringest batch.sqlite: checking the file"));
	assert_non_null(strstr(out, "\ringest batch.sqlite ["));
	assert_non_null(strstr(out, "/300 envelopes"));
	expect_cleared("/300 envelopes", "batch.sqlite: seq 1..300: 300 added");
	/* without a terminal: the same lines, and nothing of the bar */
	h_fresh_db("a.db");
	assert_int_equal(run_on_file(argv), 0);
	assert_non_null(strstr(out, "batch.sqlite: seq 1..300: 300 added"));
	assert_false(bare_cr());
	assert_null(strstr(out, "envelopes/s"));
	assert_null(strstr(out, "ingest batch.sqlite ["));
	assert_null(strstr(out, "checking the file"));
}

static void
test_opening_progress(void **state)
{
	char bin[512];
	char *argv[] = { bin, h_s("table"), h_s("--store"), h_s("a.db"),
		h_s("--key"), h_s("k/stats.key"), h_s("--rows"),
		h_s("member_state"), h_s("--format"), h_s("csv"), NULL };

	(void)state;
	h_bin(bin, sizeof(bin), "analyst/sealdrop-analyst");
	assert_int_equal(run_on_terminal(argv), 0);
	assert_non_null(strstr(out, "\ropening reports ["));
	assert_non_null(strstr(out, "/300 reports"));
	/* the table itself comes after the cleared bar */
	expect_cleared("/300 reports", "DE,Germany,100");
	assert_int_equal(run_on_file(argv), 0);
	assert_non_null(strstr(out, "DE,Germany,100"));
	assert_false(bare_cr());
	assert_null(strstr(out, "opening reports"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ingest_progress),
		cmocka_unit_test(test_opening_progress),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
