/* Horizontal bar charts as inline SVG. */
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "out.h"
#include "sd_err.h"
#include "tr.h"

#define BAR_WIDTH 560
#define BAR_LABEL 210        /* right edge of the labels */
#define BAR_X 218
#define BAR_MAX 250          /* longest bar */
#define BAR_ROW 24
#define BAR_LINE 14          /* height of a label line */
/* A line of a label is at most BAR_LINE_W tenths of a pixel wide, by an
 * estimate of each character's width in a 12 px sans-serif (char_w): a
 * count of characters would let a line of capitals, or of Greek, run past
 * the left edge of the chart. */
#define BAR_LINE_W 2000
/* lines of a label, at most: the longest code label of any language (the
 * NACE sections in German or Greek, some 170 characters) stays whole */
#define BAR_LINES 9
#define BAR_HYPHEN "\xe2\x80\x90"   /* U+2010, where a word is broken */

struct bar {
	size_t row;
	int suppressed;
	int64_t v;
	unsigned h;              /* height of its row: its label's lines */
};

static int
by_value(const void *a, const void *b)
{
	const struct bar *x = a, *y = b;

	/* Suppressed bars go last, in code order: their place must not hint
	 * at their size. */
	if (x->suppressed != y->suppressed)
		return x->suppressed - y->suppressed;
	if (!x->suppressed && x->v != y->v)
		return x->v < y->v ? 1 : -1;
	return x->row < y->row ? -1 : x->row > y->row;
}

/* The lines of a label: line k is s[start[k]..end[k]), and a hyphen
 * follows it when a word was broken there. */
struct lines {
	size_t n;
	size_t start[BAR_LINES], end[BAR_LINES];
	int hyph[BAR_LINES];
};

/* Estimated width of the character at s (tenths of a pixel at 12 px). */
static unsigned
char_w(const unsigned char *s)
{
	if (*s >= 0x80)
		return 80;        /* accented Latin, Greek, Cyrillic */
	if (strchr(" ijl.,:;'!|", *s) != NULL)
		return 38;
	if (strchr("ftr()-/", *s) != NULL)
		return 50;
	if (*s == 'm' || *s == 'w' || *s == 'M' || *s == 'W')
		return 120;
	if (*s >= 'A' && *s <= 'Z')
		return 90;
	return 74;
}

/* A label broken into lines of at most BAR_LINE_W at spaces, never cut
 * short: only a word wider than a line is broken inside (with a hyphen),
 * and the last line takes whatever is left. */
static void
wrap_label(const char *s, struct lines *L)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, last_space, line;
	unsigned w, cw;

	memset(L, 0, sizeof(*L));
	while (i < n && L->n < BAR_LINES) {
		while (i < n && s[i] == ' ')
			i++;
		line = i;
		w = 0;
		last_space = 0;
		while (i < n) {
			/* a code point counts once, at its first byte */
			cw = (u[i] & 0xc0) == 0x80 ? 0 : char_w(u + i);
			if (cw > 0 && w + cw > BAR_LINE_W && i > line &&
			    L->n < BAR_LINES - 1)
				break;
			if (s[i] == ' ')
				last_space = i;
			w += cw;
			i++;
		}
		if (i < n && s[i] != ' ' && last_space > line)
			i = last_space;
		else if (i < n && s[i] != ' ')
			L->hyph[L->n] = 1;
		L->start[L->n] = line;
		L->end[L->n] = i;
		while (L->end[L->n] > line && s[L->end[L->n] - 1] == ' ')
			L->end[L->n]--;
		if (L->end[L->n] > line)
			L->n++;
	}
	if (L->n == 0)
		L->n = 1;
}

static unsigned
row_height(size_t lines)
{
	unsigned h = (unsigned)(lines * BAR_LINE + 10);

	return h > BAR_ROW ? h : BAR_ROW;
}

static size_t
collect(const struct ptable *pt, int keep_zero, struct bar *bars,
    double *max)
{
	size_t i, n = 0;

	*max = 0;
	for (i = 0; i < pt->rows->n; i++) {
		if (!ptable_has(pt, i, 0))
			continue;
		bars[n].row = i;
		bars[n].suppressed = ptable_suppressed(pt, i, 0);
		bars[n].v = ptable_value(pt, i, 0);
		if (!bars[n].suppressed && bars[n].v == 0 && !keep_zero)
			continue;
		if (!bars[n].suppressed && (double)bars[n].v > *max)
			*max = (double)bars[n].v;
		n++;
	}
	if (*max <= 0)
		*max = 1;
	return n;
}

static int
bar_label(const char *full, unsigned y, const struct lines *L, sd_buf *b)
{
	char part[512];
	size_t k, len;
	int rc;

	if ((rc = sd_buf_addf(b, "<text x=\"%d\" y=\"%u\" "
	    "text-anchor=\"end\">", BAR_LABEL, y + 16)) != SD_OK)
		return rc;
	for (k = 0; k < L->n; k++) {
		len = L->end[k] - L->start[k];
		if (len >= sizeof(part))
			len = sizeof(part) - 1;
		memcpy(part, full + L->start[k], len);
		part[len] = '\0';
		if ((rc = sd_buf_addf(b, "<tspan x=\"%d\"%s>", BAR_LABEL,
		    k ? " dy=\"14\"" : "")) != SD_OK ||
		    (rc = out_html_escape(b, part)) != SD_OK ||
		    (rc = sd_buf_adds(b, L->hyph[k] ? BAR_HYPHEN "</tspan>" :
		    "</tspan>")) != SD_OK)
			return rc;
	}
	return sd_buf_adds(b, "</text>");
}

static int
bar_row(const struct ptable *pt, const struct bar *br, unsigned y,
    double max, unsigned id, sd_buf *b)
{
	char buf[512], num[64];
	struct lines L;
	const char *full = dim_short_label(pt->rows, br->row, buf, sizeof(buf));
	double w;
	int rc;

	wrap_label(full, &L);
	if ((rc = bar_label(full, y, &L, b)) != SD_OK)
		return rc;
	if (br->suppressed) {
		if ((rc = sd_buf_addf(b, "<rect x=\"%d\" y=\"%u\" "
		    "width=\"36\" height=\"16\" fill=\"url(#hatch%u)\" "
		    "stroke=\"#b3261e\" stroke-width=\"0.5\"/><text x=\"%d\" "
		    "y=\"%u\" fill=\"#b3261e\" font-style=\"italic\">", BAR_X,
		    y + 4, id, BAR_X + 42, y + 16)) != SD_OK ||
		    (rc = tr_put(b, N_("confidential"))) != SD_OK)
			return rc;
		return sd_buf_adds(b, "</text>\n");
	}
	w = (double)br->v / max * BAR_MAX;
	if (br->v > 0 && w < 1)
		w = 1;
	return sd_buf_addf(b, "<rect x=\"%d\" y=\"%u\" width=\"%.1f\" "
	    "height=\"16\" fill=\"#003399\"/><text x=\"%.1f\" y=\"%u\">%s"
	    "</text>\n", BAR_X, y + 4, w, BAR_X + w + 6, y + 16,
	    out_number(br->v, 1, num, sizeof(num)));
}

/* Each row as tall as its label needs; the height of the whole chart. */
static unsigned
row_heights(const struct ptable *pt, struct bar *bars, size_t n)
{
	char buf[512];
	struct lines L;
	size_t k;
	unsigned h = 4;

	for (k = 0; k < n; k++) {
		wrap_label(dim_short_label(pt->rows, bars[k].row, buf,
		    sizeof(buf)), &L);
		bars[k].h = row_height(L.n);
		h += bars[k].h;
	}
	return h;
}

int
chart_bars(const struct ptable *pt, enum chart_order order, int keep_zero,
    unsigned id, sd_buf *b)
{
	struct bar *bars = NULL;
	double max = 0;
	size_t n, k;
	unsigned y;
	int rc = SD_E_NOMEM;

	if ((bars = calloc(pt->rows->n + 1, sizeof(*bars))) == NULL)
		return rc;
	n = collect(pt, keep_zero, bars, &max);
	if (order == CHART_BY_VALUE)
		qsort(bars, n, sizeof(*bars), by_value);
	if (n == 0) {
		if ((rc = sd_buf_adds(b, "<p class=\"note\">")) == SD_OK &&
		    (rc = tr_put(b, N_("No reports."))) == SD_OK)
			rc = sd_buf_adds(b, "</p>\n");
		goto done;
	}
	if ((rc = sd_buf_addf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
	    "viewBox=\"0 0 %d %u\" width=\"%d\" role=\"img\" class=\"bars\" "
	    "aria-label=\"", BAR_WIDTH, row_heights(pt, bars, n),
	    BAR_WIDTH)) != SD_OK ||
	    (rc = tr_put(b, N_("bar chart"))) != SD_OK ||
	    (rc = sd_buf_addf(b, "\"><defs><pattern id=\"hatch%u\" width=\"6\" "
	    "height=\"6\" patternUnits=\"userSpaceOnUse\" "
	    "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" "
	    "fill=\"#fbeaea\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" "
	    "stroke=\"#b3261e\" stroke-width=\"2\"/></pattern></defs>"
	    "<g font-family=\"system-ui,Arial,sans-serif\" font-size=\"12\" "
	    "fill=\"#1a1a1a\">\n", id)) != SD_OK)
		goto done;
	for (k = 0, y = 0; k < n; y += bars[k].h, k++)
		if ((rc = bar_row(pt, &bars[k], y, max, id, b)) != SD_OK)
			goto done;
	rc = sd_buf_adds(b, "</g></svg>\n");
done:
	free(bars);
	return rc;
}
