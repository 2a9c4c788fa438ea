/* Progress on a terminal: through a real pseudo-terminal (forkpty) the bar
 * is drawn with counts, rate and time left, at most a few times a second,
 * within the terminal's width, and cleared at the end; with stderr on a
 * pipe or a file, not one byte is written. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "sd_progress.h"

#define OUT_MAX (256 * 1024)

struct term {
	char out[OUT_MAX];      /* every byte the child wrote */
	size_t len;
	int status;
	/* the screen as a terminal shows it at the end */
	char lines[64][512];
	size_t n_lines;         /* the last one is where the cursor is */
	size_t widest;          /* the largest column written */
};

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static double
now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* What a terminal shows after these bytes: \r goes back to column 0, \n to
 * a new line, anything else is written over what was there. */
static void
emulate(struct term *t)
{
	size_t i, col = 0;
	char *line;

	memset(t->lines, 0, sizeof(t->lines));
	t->n_lines = 1;
	t->widest = 0;
	for (i = 0; i < t->len; i++) {
		char c = t->out[i];

		line = t->lines[t->n_lines - 1];
		if (c == '\r') {
			col = 0;
		} else if (c == '\n') {
			assert_true(t->n_lines < 64);
			t->n_lines++;
			col = 0;
		} else {
			assert_true(col + 1 < sizeof(t->lines[0]));
			line[col++] = c;
			if (col > t->widest)
				t->widest = col;
		}
	}
}

/* Line i as it looks, without trailing spaces: "" when it was cleared. */
static const char *
line_at(struct term *t, size_t i)
{
	char *l = t->lines[i];
	size_t n = strlen(l);

	while (n > 0 && l[n - 1] == ' ')
		l[--n] = '\0';
	return l;
}

static const char *
last_line(struct term *t)
{
	return line_at(t, t->n_lines - 1);
}

/* Run child() with stderr (and stdin, stdout) on a new pseudo-terminal of
 * cols columns; collect what it wrote. */
static void
in_pty(struct term *t, int cols, void (*child)(void))
{
	struct winsize ws = { 24, (unsigned short)cols, 0, 0 };
	int master = -1;
	ssize_t n;
	pid_t pid;

	memset(t, 0, sizeof(*t));
	pid = forkpty(&master, NULL, NULL, &ws);
	assert_true(pid >= 0);
	if (pid == 0) {
		child();
		_exit(0);
	}
	for (;;) {
		n = read(master, t->out + t->len, sizeof(t->out) - 1 - t->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)             /* EIO once the child has gone */
			break;
		t->len += (size_t)n;
		assert_true(t->len < sizeof(t->out) - 1);
	}
	close(master);
	assert_int_equal(waitpid(pid, &t->status, 0), pid);
	assert_true(WIFEXITED(t->status));
	assert_int_equal(WEXITSTATUS(t->status), 0);
	emulate(t);
}

static size_t
count(const char *hay, size_t len, const char *needle)
{
	size_t k = 0, n = strlen(needle), i;

	for (i = 0; i + n <= len; i++)
		if (memcmp(hay + i, needle, n) == 0)
			k++;
	return k;
}

static int
has(const struct term *t, const char *needle)
{
	return count(t->out, t->len, needle) > 0;
}

static void
steps_child(void)
{
	sd_progress *p = sd_progress_start("checking", "items", 100);

	if (p == NULL)
		_exit(3);
	sd_progress_set(p, 10);
	sleep_ms(300);
	sd_progress_set(p, 50);
	sleep_ms(300);
	sd_progress_add(p, 50);
	sd_progress_end(p);
}

static void
test_bar_on_terminal(void **state)
{
	struct term *t = malloc(sizeof(*t));

	(void)state;
	assert_non_null(t);
	in_pty(t, 100, steps_child);
	assert_true(has(t, "checking ["));
	assert_true(has(t, "10/100 items"));
	assert_true(has(t, "]  50% 50/100 items"));
	assert_true(has(t, "] 100% 100/100 items"));
	/* a rate once time has passed, and the time left while some is */
	assert_true(has(t, " items "));
	assert_true(has(t, "/s 0:00 left") || has(t, "/s 0:01 left"));
	assert_true(has(t, "##########"));
	/* plain characters only, no line feed: it stays on one line */
	assert_null(memchr(t->out, '\033', t->len));
	assert_null(memchr(t->out, '\n', t->len));
	/* and the line is clear at the end */
	assert_int_equal(t->n_lines, 1);
	assert_string_equal(last_line(t), "");
	free(t);
}

static void
many_child(void)
{
	sd_progress *p = sd_progress_start("counting", "things", 0);
	double t0 = now_s();
	uint64_t i = 0;

	if (p == NULL)
		_exit(3);
	while (now_s() - t0 < 1.3)
		sd_progress_set(p, ++i);
	sd_progress_end(p);
}

static void
test_few_updates_a_second(void **state)
{
	struct term *t = malloc(sizeof(*t));
	size_t draws;

	(void)state;
	assert_non_null(t);
	in_pty(t, 100, many_child);
	/* millions of updates in 1.3 s, a handful of lines drawn */
	draws = count(t->out, t->len, "\rcounting ");
	if (draws < 3 || draws > (size_t)(1.3 * SD_PROGRESS_HZ) + 2)
		fail_msg("%zu lines drawn in 1.3 s", draws);
	/* no total: no bar and no time left, but the count and the rate */
	assert_false(has(t, "["));
	assert_false(has(t, "left"));
	assert_true(has(t, " things "));
	assert_true(has(t, "/s"));
	assert_string_equal(last_line(t), "");
	free(t);
}

static void
label_child(void)
{
	sd_progress *p = sd_progress_start("checking the file", NULL, 0);

	sd_progress_set(p, 0);
	sleep_ms(300);
	sd_progress_set(p, 0);
	sd_progress_end(p);
}

/* A step that cannot count shows what it does, and nothing else. */
static void
test_label_alone(void **state)
{
	struct term *t = malloc(sizeof(*t));

	(void)state;
	assert_non_null(t);
	in_pty(t, 100, label_child);
	assert_true(has(t, "\rchecking the file\r"));
	assert_false(has(t, "/s"));
	assert_string_equal(last_line(t), "");
	free(t);
}

static void
narrow_child(void)
{
	sd_progress *p = sd_progress_start("ingest a-batch-with-a-long-name",
	    "reports", 1000000);

	sd_progress_set(p, 1);
	sleep_ms(300);
	sd_progress_set(p, 500000);
	sd_progress_end(p);
}

/* A line wider than the terminal would wrap, and "\r" could not take it
 * back: it is cut one column short, and the bar goes first. */
static void
test_narrow_terminal(void **state)
{
	struct term *t = malloc(sizeof(*t));

	(void)state;
	assert_non_null(t);
	in_pty(t, 40, narrow_child);
	assert_true(t->widest <= 39);
	assert_true(has(t, "ingest a-batch"));
	assert_false(has(t, "[#"));
	assert_string_equal(last_line(t), "");
	in_pty(t, 120, narrow_child);
	assert_true(has(t, "[###"));
	assert_true(t->widest <= 119);
	free(t);
}

static void
hide_child(void)
{
	sd_progress *p = sd_progress_start("opening\033[2J reports", "reports",
	    10);

	sd_progress_set(p, 5);
	sd_progress_hide(p);
	fputs("a message of its own\n", stderr);
	sd_progress_set(p, 6);          /* drawn again at once */
	sd_progress_end(p);
}

/* A message printed between hide and the next update keeps its own line;
 * control characters in a label never reach the terminal. */
static void
test_hide_for_a_message(void **state)
{
	struct term *t = malloc(sizeof(*t));

	(void)state;
	assert_non_null(t);
	in_pty(t, 100, hide_child);
	assert_int_equal(t->n_lines, 2);
	assert_string_equal(line_at(t, 0), "a message of its own");
	assert_true(has(t, "6/10 reports"));
	assert_null(memchr(t->out, '\033', t->len));
	assert_true(has(t, "opening?[2J reports"));
	assert_string_equal(last_line(t), "");
	free(t);
}

/* With stderr on a pipe, then on a file: start gives NULL, every call takes
 * it, and not one byte is written. */
static void
quiet_child(void)
{
	sd_progress *p = sd_progress_start("checking", "items", 100);
	int i;

	if (p != NULL)
		_exit(4);
	for (i = 0; i < 100; i++) {
		sd_progress_set(p, (uint64_t)i);
		sd_progress_add(p, 1);
		if (i == 50)
			sd_progress_hide(p);
		sleep_ms(3);
	}
	sd_progress_set_total(p, 5);
	sd_progress_end(p);
}

static void
test_nothing_without_terminal(void **state)
{
	char buf[64];
	int fds[2], st = 0, fd;
	pid_t pid;
	ssize_t n;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(fds[1], STDERR_FILENO);
		close(fds[0]);
		quiet_child();
		_exit(0);
	}
	close(fds[1]);
	n = read(fds[0], buf, sizeof(buf));
	close(fds[0]);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	assert_int_equal(n, 0);

	fd = open("progress.err", O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(fd, STDERR_FILENO);
		quiet_child();
		_exit(0);
	}
	close(fd);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_int_equal(WEXITSTATUS(st), 0);
	fd = open("progress.err", O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(read(fd, buf, sizeof(buf)), 0);
	close(fd);
	/* and in this process, whatever its stderr is, NULL is taken */
	sd_progress_set(NULL, 1);
	sd_progress_add(NULL, 1);
	sd_progress_set_total(NULL, 1);
	sd_progress_hide(NULL);
	sd_progress_end(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bar_on_terminal),
		cmocka_unit_test(test_few_updates_a_second),
		cmocka_unit_test(test_label_alone),
		cmocka_unit_test(test_narrow_terminal),
		cmocka_unit_test(test_hide_for_a_message),
		cmocka_unit_test(test_nothing_without_terminal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
