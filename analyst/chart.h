/* Inline SVG figures of the EU report: horizontal bar charts and a
 * schematic map of the Member States. Scales come from published values
 * only, and a suppressed cell is drawn the same whatever its value
 * (hatched, marked "c"), so a figure reveals nothing the table does not. */
#ifndef SD_ANALYST_CHART_H
#define SD_ANALYST_CHART_H

#include "cube.h"
#include "sd_buf.h"

enum chart_order { CHART_BY_VALUE, CHART_BY_CODE };

/* Bar chart of column 0 of a table, one bar per row (no total). Rows that
 * are empty are left out unless keep_zero. id makes the SVG's element ids
 * unique in the page. */
int chart_bars(const struct ptable *pt, enum chart_order order,
    int keep_zero, unsigned id, sd_buf *b);

/* Tile map of the 27 Member States shaded by column 0 of a table whose
 * rows are member_state. */
int euro_map_svg(const struct ptable *pt, unsigned id, sd_buf *b);

#endif
