/* A schematic map of the 27 Member States: one square tile per country,
 * placed roughly where it lies, shaded by value. Equal tiles keep small
 * countries as visible as large ones, and the map needs no geographic
 * data. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "out.h"
#include "sd_err.h"
#include "tr.h"

#define TILE 64
#define GAP 4
#define MAP_COLS 7
#define MAP_ROWS 7
#define LEGEND_X (MAP_COLS * (TILE + GAP) + 20)
#define MAP_W (LEGEND_X + 190)
#define MAP_H (MAP_ROWS * (TILE + GAP))
#define BINS 5

static const struct {
	const char code[3];
	unsigned char x, y;
} tiles[] = {
	{ "SE", 5, 0 }, { "FI", 6, 0 },
	{ "IE", 0, 1 }, { "DK", 3, 1 }, { "EE", 6, 1 },
	{ "NL", 2, 2 }, { "DE", 3, 2 }, { "PL", 4, 2 }, { "LV", 6, 2 },
	{ "BE", 2, 3 }, { "LU", 3, 3 }, { "CZ", 4, 3 }, { "SK", 5, 3 },
	{ "LT", 6, 3 },
	{ "FR", 2, 4 }, { "AT", 3, 4 }, { "HU", 4, 4 }, { "RO", 5, 4 },
	{ "PT", 0, 5 }, { "ES", 1, 5 }, { "IT", 2, 5 }, { "SI", 3, 5 },
	{ "HR", 4, 5 }, { "BG", 5, 5 },
	{ "MT", 2, 6 }, { "EL", 5, 6 }, { "CY", 6, 6 },
};

static const char *const shade[BINS] = {
	"#dbe6f6", "#a9c3ea", "#6f97d6", "#3a66b8", "#0b2f86",
};

static int
row_of(const struct ptable *pt, const char *code, size_t *row)
{
	size_t i;

	for (i = 0; i < pt->rows->n; i++)
		if (strcmp(pt->rows->code[i], code) == 0) {
			*row = i;
			return 1;
		}
	return 0;
}

/* Colour classes from the published values themselves: the distinct
 * positive values in order, cut into up to BINS groups of about as many
 * values each (quantiles of the distinct values), so that close values
 * spread over the classes instead of all falling into the top one of
 * equal intervals from zero. Suppressed cells take no part. top[k] is the
 * highest value of class k; *n the number of classes. */
struct classes {
	int64_t top[BINS];
	int n;
};

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static void
make_classes(const struct ptable *pt, struct classes *c)
{
	int64_t v[DIM_MAX_CODES];
	size_t i, n = 0, d = 0;
	int k;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < pt->rows->n && n < DIM_MAX_CODES; i++)
		if (ptable_has(pt, i, 0) && !ptable_suppressed(pt, i, 0) &&
		    ptable_value(pt, i, 0) > 0)
			v[n++] = ptable_value(pt, i, 0);
	qsort(v, n, sizeof(v[0]), cmp_i64);
	for (i = 0; i < n; i++)          /* distinct values, in place */
		if (d == 0 || v[i] != v[d - 1])
			v[d++] = v[i];
	c->n = d < BINS ? (int)d : BINS;
	for (k = 0; k < c->n; k++)
		c->top[k] = v[(size_t)(k + 1) * d / (size_t)c->n - 1];
}

static int
bin_of(int64_t v, const struct classes *c)
{
	int k;

	for (k = 0; k < c->n - 1; k++)
		if (v <= c->top[k])
			break;
	/* with fewer classes than shades, spread them over the whole ramp */
	return c->n <= 1 ? BINS - 1 : k * (BINS - 1) / (c->n - 1);
}

static int
tile(const struct ptable *pt, size_t t, const struct classes *c, unsigned id,
    sd_buf *b)
{
	unsigned x = tiles[t].x * (TILE + GAP), y = tiles[t].y * (TILE + GAP);
	const char *ink = "#5c6370", *name = tiles[t].code;
	char num[64], fill[32] = "#eceff4";
	size_t row = 0;
	int64_t v = 0;
	int sup = 0, k, rc;

	if (row_of(pt, tiles[t].code, &row)) {
		name = pt->rows->clabel[row];
		if (ptable_has(pt, row, 0)) {
			sup = ptable_suppressed(pt, row, 0);
			v = ptable_value(pt, row, 0);
		}
	}
	if (sup) {
		snprintf(num, sizeof(num), "c");
		snprintf(fill, sizeof(fill), "url(#mhatch%u)", id);
		ink = "#b3261e";
	} else {
		out_number(v, 1, num, sizeof(num));
		if (v > 0) {
			k = bin_of(v, c);
			snprintf(fill, sizeof(fill), "%s", shade[k]);
			ink = k >= 3 ? "#ffffff" : "#0b1a3a";
		}
	}
	if ((rc = sd_buf_adds(b, "<g><title>")) != SD_OK ||
	    (rc = out_html_escape(b, name)) != SD_OK ||
	    (rc = sd_buf_adds(b, ": ")) != SD_OK ||
	    (rc = sup ? tr_put(b, N_("confidential")) : sd_buf_adds(b, num)) !=
	    SD_OK || (rc = sd_buf_adds(b, "</title>")) != SD_OK)
		return rc;
	return sd_buf_addf(b, "<rect x=\"%u\" y=\"%u\" width=\"%d\" "
	    "height=\"%d\" rx=\"6\" fill=\"%s\" stroke=\"#ffffff\"/>"
	    "<text x=\"%u\" y=\"%u\" text-anchor=\"middle\" font-weight=\"700\" "
	    "font-size=\"15\" fill=\"%s\">%s</text><text x=\"%u\" y=\"%u\" "
	    "text-anchor=\"middle\" font-size=\"11\" fill=\"%s\"%s>%s</text>"
	    "</g>\n", x, y, TILE, TILE, fill, x + TILE / 2, y + 28, ink,
	    tiles[t].code, x + TILE / 2, y + 48, ink,
	    sup ? " font-style=\"italic\"" : "", num);
}

static int
legend(const struct classes *c, unsigned id, sd_buf *b)
{
	char lo[64], hi[64];
	int64_t prev = 0;
	unsigned y = 10;
	int k, rc;

	if ((rc = sd_buf_addf(b, "<g font-size=\"12\" fill=\"#1a1a1a\">"
	    "<text x=\"%d\" y=\"%u\" font-weight=\"600\">", LEGEND_X, y)) !=
	    SD_OK || (rc = tr_put(b, N_("Legend"))) != SD_OK ||
	    (rc = sd_buf_adds(b, "</text>\n")) != SD_OK)
		return rc;
	for (k = 0; k < c->n; k++) {
		y += 24;
		out_number(prev + 1, 1, lo, sizeof(lo));
		out_number(c->top[k], 1, hi, sizeof(hi));
		if ((rc = sd_buf_addf(b, "<rect x=\"%d\" y=\"%u\" width=\"18\" "
		    "height=\"18\" fill=\"%s\"/><text x=\"%d\" y=\"%u\">%s%s%s"
		    "</text>\n", LEGEND_X, y - 13, shade[bin_of(c->top[k], c)],
		    LEGEND_X + 26, y, strcmp(lo, hi) ? lo : "",
		    strcmp(lo, hi) ? "\xe2\x80\x93" : "", hi)) != SD_OK)
			return rc;
		prev = c->top[k];
	}
	if ((rc = sd_buf_addf(b, "<rect x=\"%d\" y=\"%u\" width=\"18\" "
	    "height=\"18\" fill=\"#eceff4\"/><text x=\"%d\" y=\"%u\">",
	    LEGEND_X, y + 11, LEGEND_X + 26, y + 24)) != SD_OK ||
	    /* TRANSLATORS: the map's legend: a Member State with no report */
	    (rc = tr_put(b, N_("none"))) != SD_OK ||
	    (rc = sd_buf_addf(b, "</text><rect x=\"%d\" y=\"%u\" width=\"18\" "
	    "height=\"18\" fill=\"url(#mhatch%u)\" stroke=\"#b3261e\" "
	    "stroke-width=\"0.5\"/><text x=\"%d\" y=\"%u\">", LEGEND_X,
	    y + 35, id, LEGEND_X + 26, y + 48)) != SD_OK ||
	    (rc = tr_put(b, N_("confidential"))) != SD_OK)
		return rc;
	return sd_buf_adds(b, "</text></g>\n");
}

int
euro_map_svg(const struct ptable *pt, unsigned id, sd_buf *b)
{
	struct classes c;
	size_t t;
	int rc;

	make_classes(pt, &c);
	if ((rc = sd_buf_addf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
	    "viewBox=\"0 0 %d %d\" width=\"%d\" role=\"img\" class=\"map\" "
	    "aria-label=\"", MAP_W, MAP_H, MAP_W)) != SD_OK ||
	    (rc = tr_put(b, N_("schematic map of the Member States"))) !=
	    SD_OK ||
	    (rc = sd_buf_addf(b, "\"><defs>"
	    "<pattern id=\"mhatch%u\" width=\"7\" height=\"7\" "
	    "patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">"
	    "<rect width=\"7\" height=\"7\" fill=\"#fbeaea\"/><line x1=\"0\" "
	    "y1=\"0\" x2=\"0\" y2=\"7\" stroke=\"#b3261e\" stroke-width=\"2\"/>"
	    "</pattern></defs><g font-family=\"system-ui,Arial,sans-serif\">\n",
	    id)) != SD_OK)
		return rc;
	for (t = 0; t < sizeof(tiles) / sizeof(tiles[0]); t++)
		if ((rc = tile(pt, t, &c, id, b)) != SD_OK)
			return rc;
	if ((rc = legend(&c, id, b)) != SD_OK)
		return rc;
	return sd_buf_adds(b, "</g></svg>\n");
}
