/* Statistical disclosure control for one two-dimensional table
 * (PRODUCT.md section 7). The caller adds contributions per cell; sdc_protect
 * computes the margins, applies the primary rules, chooses secondary
 * suppressions and audits the final pattern with linear programming.
 *
 * Cells are addressed (row, col) with 0 <= row <= nrows, 0 <= col <= ncols;
 * row == nrows is the total row (sum over rows) and col == ncols the total
 * column. A total exists only along an additive dimension: the total row
 * when rows are single-valued (rows_additive), the total column when
 * columns are single-valued (cols_additive). A one-dimensional table has
 * ncols == 1 and cols_additive == 0. */
#ifndef SD_SDC_H
#define SD_SDC_H

#include <stddef.h>
#include <stdint.h>

enum sdc_status {
	SDC_FREE = 'F',        /* published */
	SDC_SMALL = 'A',       /* primary: fewer contributors than the threshold */
	SDC_DOM_ONE = 'O',     /* primary: dominated by one contributor (p%, or (n,k) with n=1) */
	SDC_DOM_TWO = 'T',     /* primary: dominated by two or more contributors */
	SDC_SECONDARY = 'D',   /* secondary suppression */
	SDC_EMPTY = '-',       /* structurally empty: no contributor, published as 0 */
};

enum sdc_measure { SDC_COUNT, SDC_MAGNITUDE };

struct sdc_params {
	unsigned threshold;    /* minimum contributors, default 3 */
	double p;              /* p%-rule percentage, default 10; 0 = off */
	unsigned nk_n;         /* (n,k) dominance, 0 = off */
	double nk_k;           /* percent */
	size_t exact_max_cells;/* use the exact MIP up to this many cells */
	double freq_range;     /* percent of a magnitude cell's value that an
	                        * unsafe-by-frequency cell must be hidden by,
	                        * default 10; 0 = only "never exact" */
};

/* the largest n of the (n,k) rule */
#define SDC_TOPK_PUBLIC 8

void sdc_params_default(struct sdc_params *p);

/* Largest table side accepted by sdc_table_new. */
#define SDC_MAX_DIM 1024

typedef struct sdc_table sdc_table;

sdc_table *sdc_table_new(size_t nrows, size_t ncols, int rows_additive,
    int cols_additive, enum sdc_measure m);
void sdc_table_free(sdc_table *t);
/* Add one report's contribution to an inner cell. Contributions of the same
 * contributor id to a cell are summed before the rules apply. For COUNT
 * tables value is 1 per report. */
int sdc_add(sdc_table *t, size_t row, size_t col, uint32_t contributor,
    double value);

/* The same for a contributor that is a single report, which adds to any
 * cell or margin at most once: such contributions are kept as a summary
 * (count, sum, largest values), so a table's memory grows with its cells
 * and its multi-report contributors, not with the number of reports. */
int sdc_add_single(sdc_table *t, size_t row, size_t col, double value);

/* The cell is published in another table of the same release (the grand
 * total that tables of one measure share): it may not be chosen as a
 * secondary suppression, and the pattern is protected with it known. When
 * the cell itself fails a primary rule, sdc_protect refuses the table
 * (SD_E_CONFIDENTIAL), and no table of the release may publish it. */
int sdc_pin_published(sdc_table *t, size_t row, size_t col);

/* Margins, primary rules, secondary suppression, LP audit. SD_OK when the
 * final pattern passed its audit; otherwise an sd_err and nothing from this
 * table may be published. */
int sdc_protect(sdc_table *t, const struct sdc_params *p);

double sdc_value(const sdc_table *t, size_t row, size_t col);
size_t sdc_contributors(const sdc_table *t, size_t row, size_t col);
enum sdc_status sdc_status(const sdc_table *t, size_t row, size_t col);
int sdc_has_cell(const sdc_table *t, size_t row, size_t col); /* margins may not exist */
/* Audit result for a suppressed cell: the feasibility interval an attacker
 * can derive from the published cells. */
void sdc_interval(const sdc_table *t, size_t row, size_t col, double *lo,
    double *hi);
/* "exact" or "heuristic": how the pattern was chosen (for the methods note) */
const char *sdc_method(const sdc_table *t);
/* Protection a primary cell needs: the audit interval must reach value +
 * upper and value - lower (docs/disclosure-control.md). 0, 0 for a cell that
 * is not primary. Parameters are not published, so neither are these. */
void sdc_protection(const sdc_table *t, size_t row, size_t col, double *lower,
    double *upper);
/* Number of suppressed cells (primary and secondary, margins included). */
size_t sdc_suppressed_count(const sdc_table *t);

#endif
