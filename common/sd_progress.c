#include "sd_progress.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define LABEL_MAX 96
#define UNIT_MAX 24
#define LINE_MAX_COLS 240
#define BAR_MAX 30
#define BAR_MIN 10
#define TAIL_MAX 128
/* a line is cut to the width after it is written: it must hold that much */
_Static_assert(1 + LABEL_MAX + BAR_MAX + TAIL_MAX + 16 > LINE_MAX_COLS,
    "progress line buffer too small");
#define INTERVAL_NS (1000000000L / SD_PROGRESS_HZ)

struct sd_progress {
	int fd;
	char label[LABEL_MAX];
	char unit[UNIT_MAX];
	uint64_t total, done;
	struct timespec t0, last;
	int drawn;              /* drawn at least once */
	size_t shown;           /* characters of the line on the screen */
};

static long long
elapsed_ns(const struct timespec *from, const struct timespec *to)
{
	return (long long)(to->tv_sec - from->tv_sec) * 1000000000LL +
	    (to->tv_nsec - from->tv_nsec);
}

/* Whole writes, or nothing more: a terminal that went away only ends the
 * progress line, never the run. */
static void
put(sd_progress *p, const char *s, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(p->fd, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

/* The width to draw in: one column short of the terminal's, so that the
 * line never wraps (a wrapped line cannot be taken back with "\r"). */
static size_t
columns(const sd_progress *p)
{
	struct winsize ws;
	size_t c = 80;

	if (ioctl(p->fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		c = ws.ws_col;
	if (c > LINE_MAX_COLS)
		c = LINE_MAX_COLS;
	return c > 1 ? c - 1 : 1;
}

static void
clock_text(char *out, size_t cap, double s)
{
	unsigned long t = s > 0 && s < 360000.0 ? (unsigned long)(s + 0.5) : 0;

	if (t >= 3600)
		snprintf(out, cap, "%lu:%02lu:%02lu", t / 3600, t / 60 % 60,
		    t % 60);
	else
		snprintf(out, cap, "%lu:%02lu", t / 60, t % 60);
}

/* Count, rate and time left: everything after the bar. */
static void
numbers(const sd_progress *p, double secs, char *out, size_t cap)
{
	char left[32];
	double rate = secs > 0.05 ? (double)p->done / secs : 0.0;
	int n;

	out[0] = '\0';
	if (p->total == 0 && p->unit[0] == '\0')
		return;         /* a step that counts nothing: its label alone */
	if (p->total > 0)
		n = snprintf(out, cap, "%llu/%llu %s", (unsigned long long)p->done,
		    (unsigned long long)p->total, p->unit);
	else
		n = snprintf(out, cap, "%llu %s", (unsigned long long)p->done,
		    p->unit);
	if (n < 0 || (size_t)n >= cap || rate <= 0.0)
		return;
	if (rate < 10000.0)
		n += snprintf(out + n, cap - (size_t)n, " %.0f/s", rate);
	else if (rate < 1e7)
		n += snprintf(out + n, cap - (size_t)n, " %.1fk/s", rate / 1e3);
	else
		n += snprintf(out + n, cap - (size_t)n, " %.1fM/s", rate / 1e6);
	if (n < 0 || (size_t)n >= cap || p->total <= p->done)
		return;
	clock_text(left, sizeof(left), (double)(p->total - p->done) / rate);
	snprintf(out + n, cap - (size_t)n, " %s left", left);
}

/* The longest the numbers get: done as long as total, a rate such as
 * "999.9k/s" and hours left. */
static size_t
tail_room(const sd_progress *p)
{
	char total[24];
	int n = snprintf(total, sizeof(total), "%llu",
	    (unsigned long long)p->total);

	return 2 * (size_t)(n > 0 ? n : 1) + 2 + strlen(p->unit) +
	    sizeof(" 999.9k/s 9:59:59 left") - 1;
}

static void
draw(sd_progress *p, const struct timespec *now)
{
	/* room for everything, cut to the terminal's width afterwards */
	char line[1 + LABEL_MAX + BAR_MAX + TAIL_MAX + 16], tail[TAIL_MAX];
	char bar[BAR_MAX + 1];
	size_t width = columns(p), len, fixed, nbar = 0, fill, i;
	double secs = (double)elapsed_ns(&p->t0, now) / 1e9;
	unsigned pct = 0;

	numbers(p, secs, tail, sizeof(tail));
	if (p->total > 0) {
		pct = p->done >= p->total ? 100 :
		    (unsigned)(p->done * 100 / p->total);
		/* "label [bar] 100% tail", with room for the longest tail
		 * of this run, so that the bar keeps its width */
		fixed = strlen(p->label) + 3 + 6 + tail_room(p);
		if (width >= fixed + BAR_MIN)
			nbar = width - fixed > BAR_MAX ? BAR_MAX : width - fixed;
	}
	if (nbar > 0) {
		fill = (size_t)((double)nbar * pct / 100.0);
		for (i = 0; i < nbar; i++)
			bar[i] = i < fill ? '#' : '.';
		bar[nbar] = '\0';
		snprintf(line + 1, sizeof(line) - 1, "%s [%s] %3u%% %s",
		    p->label, bar, pct, tail);
	} else if (p->total > 0) {
		snprintf(line + 1, sizeof(line) - 1, "%s %3u%% %s", p->label,
		    pct, tail);
	} else {
		snprintf(line + 1, sizeof(line) - 1, "%s%s%s", p->label,
		    tail[0] ? " " : "", tail);
	}
	line[0] = '\r';
	len = strlen(line + 1);
	if (len > width)
		len = width;
	/* spaces over what is left of a longer earlier line */
	for (i = len; i < p->shown && i < width; i++)
		line[1 + i] = ' ';
	put(p, line, 1 + (i > len ? i : len));
	p->shown = len;
	p->drawn = 1;
	p->last = *now;
}

static void
update(sd_progress *p)
{
	struct timespec now;

	if (clock_gettime(CLOCK_MONOTONIC, &now) != 0)
		return;
	if (p->drawn && elapsed_ns(&p->last, &now) < INTERVAL_NS)
		return;
	draw(p, &now);
}

static void
copy_text(char *dst, size_t cap, const char *src)
{
	size_t i;

	/* one line of plain text: control characters would move the cursor */
	for (i = 0; src != NULL && src[i] != '\0' && i + 1 < cap; i++)
		dst[i] = (unsigned char)src[i] < 0x20 || src[i] == 0x7f ?
		    '?' : src[i];
	dst[i] = '\0';
}

sd_progress *
sd_progress_start(const char *label, const char *unit, uint64_t total)
{
	sd_progress *p = NULL;

	if (!isatty(STDERR_FILENO))
		return NULL;
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	p->fd = STDERR_FILENO;
	copy_text(p->label, sizeof(p->label), label);
	copy_text(p->unit, sizeof(p->unit), unit);
	p->total = total;
	if (clock_gettime(CLOCK_MONOTONIC, &p->t0) != 0) {
		free(p);
		return NULL;
	}
	return p;
}

void
sd_progress_set(sd_progress *p, uint64_t done)
{
	if (p == NULL)
		return;
	p->done = done;
	update(p);
}

void
sd_progress_add(sd_progress *p, uint64_t n)
{
	if (p == NULL)
		return;
	p->done += n;
	update(p);
}

void
sd_progress_set_total(sd_progress *p, uint64_t total)
{
	if (p != NULL)
		p->total = total;
}

void
sd_progress_hide(sd_progress *p)
{
	char line[LINE_MAX_COLS + 2];
	size_t i;

	if (p == NULL || p->shown == 0)
		return;
	line[0] = '\r';
	for (i = 0; i < p->shown && i < LINE_MAX_COLS; i++)
		line[1 + i] = ' ';
	line[1 + i] = '\r';
	put(p, line, i + 2);
	p->shown = 0;
	p->drawn = 0;
}

void
sd_progress_end(sd_progress *p)
{
	if (p == NULL)
		return;
	sd_progress_hide(p);
	free(p);
}
