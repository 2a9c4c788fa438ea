/* Horizontal bar charts as inline SVG. */
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "out.h"
#include "sd_err.h"

#define BAR_WIDTH 560
#define BAR_LABEL 210        /* right edge of the labels */
#define BAR_X 218
#define BAR_MAX 250          /* longest bar */
#define BAR_ROW 24
#define BAR_LABEL_MAX 32     /* characters before a label is cut */

struct bar {
	size_t row;
	int suppressed;
	int64_t v;
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

/* Label cut to fit, on a character boundary. */
static void
fit_label(const char *s, char *out, size_t cap)
{
	size_t n = strlen(s), cut;

	if (n <= BAR_LABEL_MAX) {
		snprintf(out, cap, "%s", s);
		return;
	}
	cut = BAR_LABEL_MAX - 2;
	while (cut > 0 && ((unsigned char)s[cut] & 0xc0) == 0x80)
		cut--;
	while (cut > 0 && s[cut - 1] == ' ')
		cut--;
	snprintf(out, cap, "%.*s\xe2\x80\xa6", (int)cut, s);
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
bar_row(const struct ptable *pt, const struct bar *br, size_t k, double max,
    unsigned id, sd_buf *b)
{
	char lab[128], full[160], num[64];
	unsigned y = (unsigned)(k * BAR_ROW);
	double w;
	int rc;

	fit_label(dim_short_label(pt->rows, br->row, full, sizeof(full)), lab,
	    sizeof(lab));
	if ((rc = sd_buf_addf(b, "<text x=\"%d\" y=\"%u\" text-anchor=\"end\">",
	    BAR_LABEL, y + 16)) != SD_OK ||
	    (rc = out_html_escape(b, lab)) != SD_OK ||
	    (rc = sd_buf_adds(b, "</text>")) != SD_OK)
		return rc;
	if (br->suppressed)
		return sd_buf_addf(b, "<rect x=\"%d\" y=\"%u\" width=\"36\" "
		    "height=\"16\" fill=\"url(#hatch%u)\" stroke=\"#b3261e\" "
		    "stroke-width=\"0.5\"/><text x=\"%d\" y=\"%u\" "
		    "fill=\"#b3261e\" font-style=\"italic\">confidential"
		    "</text>\n", BAR_X, y + 4, id, BAR_X + 42, y + 16);
	w = (double)br->v / max * BAR_MAX;
	if (br->v > 0 && w < 1)
		w = 1;
	return sd_buf_addf(b, "<rect x=\"%d\" y=\"%u\" width=\"%.1f\" "
	    "height=\"16\" fill=\"#003399\"/><text x=\"%.1f\" y=\"%u\">%s"
	    "</text>\n", BAR_X, y + 4, w, BAR_X + w + 6, y + 16,
	    out_number(br->v, 1, num, sizeof(num)));
}

int
chart_bars(const struct ptable *pt, enum chart_order order, int keep_zero,
    unsigned id, sd_buf *b)
{
	struct bar *bars = NULL;
	double max = 0;
	size_t n, k;
	int rc = SD_E_NOMEM;

	if ((bars = calloc(pt->rows->n + 1, sizeof(*bars))) == NULL)
		return rc;
	n = collect(pt, keep_zero, bars, &max);
	if (order == CHART_BY_VALUE)
		qsort(bars, n, sizeof(*bars), by_value);
	if (n == 0) {
		rc = sd_buf_adds(b, "<p class=\"note\">No reports.</p>\n");
		goto done;
	}
	if ((rc = sd_buf_addf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
	    "viewBox=\"0 0 %d %zu\" width=\"%d\" role=\"img\" "
	    "aria-label=\"bar chart\"><defs><pattern id=\"hatch%u\" width=\"6\" "
	    "height=\"6\" patternUnits=\"userSpaceOnUse\" "
	    "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" "
	    "fill=\"#fbeaea\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" "
	    "stroke=\"#b3261e\" stroke-width=\"2\"/></pattern></defs>"
	    "<g font-family=\"system-ui,Arial,sans-serif\" font-size=\"12\" "
	    "fill=\"#1a1a1a\">\n", BAR_WIDTH, n * BAR_ROW + 4, BAR_WIDTH, id)) !=
	    SD_OK)
		goto done;
	for (k = 0; k < n; k++)
		if ((rc = bar_row(pt, &bars[k], k, max, id, b)) != SD_OK)
			goto done;
	rc = sd_buf_adds(b, "</g></svg>\n");
done:
	free(bars);
	return rc;
}
