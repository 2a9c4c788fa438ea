/* Statistical disclosure control (PRODUCT.md section 7).
 *
 * A table (sdc_table) holds the contributions of one two-dimensional table:
 * the caller adds them per cell, sdc_prepare computes the margins and
 * applies the primary rules, and sdc_protect chooses secondary suppressions
 * for that table alone and audits the pattern with linear programming
 * against the outsider and against every single contributor. Tables that
 * are released together, or with earlier releases, are protected as one
 * linked system instead (sdc_sys.h).
 *
 * Cells are addressed (row, col) with 0 <= row <= nrows, 0 <= col <= ncols;
 * row == nrows is the total row (sum over rows) and col == ncols the total
 * column. A total exists only along an additive dimension: the total row
 * when rows are single-valued (rows_additive), the total column when
 * columns are single-valued (cols_additive). A one-dimensional table has
 * ncols == 1 and cols_additive == 0.
 *
 * Values are whole numbers (reports, euros, jobs) and are kept exact: a
 * sum that would leave the range of SDC_VALUE_MAX is refused. */
#ifndef SD_SDC_H
#define SD_SDC_H

#include <stddef.h>
#include <stdint.h>

enum sdc_status {
	SDC_FREE = 'F',        /* published */
	SDC_SMALL = 'A',       /* primary: fewer contributors than the threshold */
	SDC_DOM_ONE = 'O',     /* primary: dominated by one contributor (p%, or (n,k) with n=1) */
	SDC_DOM_TWO = 'T',     /* primary: dominated by two contributors ((n,k) with n=2) */
	SDC_DOM_MANY = 'C',    /* primary: dominated by three or more ((n,k) with n>=3) */
	SDC_SECONDARY = 'D',   /* secondary suppression */
	SDC_EMPTY = '-',       /* structurally empty: no contributor, published as 0 */
};

enum sdc_measure { SDC_COUNT, SDC_MAGNITUDE };

/* The largest value a cell may reach. Every published figure is exact, and
 * the linear programs of the audit work in double precision, in which every
 * whole number up to 2^53 is exact. */
#define SDC_VALUE_MAX ((int64_t)1 << 53)

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
int sdc_params_valid(const struct sdc_params *p);

/* Largest table side accepted by sdc_table_new; a table with margins has
 * at most SDC_MAX_DIM on each side, one without (a list of unknowns)
 * SDC_MAX_ROWS rows. */
#define SDC_MAX_DIM 1024
#define SDC_MAX_ROWS (1u << 18)

typedef struct sdc_table sdc_table;

sdc_table *sdc_table_new(size_t nrows, size_t ncols, int rows_additive,
    int cols_additive, enum sdc_measure m);
void sdc_table_free(sdc_table *t);
size_t sdc_nrows(const sdc_table *t);
size_t sdc_ncols(const sdc_table *t);
enum sdc_measure sdc_measure_of(const sdc_table *t);
/* Add one report's contribution to an inner cell. Contributions of the same
 * contributor id to a cell are summed before the rules apply. For COUNT
 * tables value is 1 per report. SD_E_RANGE when a sum would pass
 * SDC_VALUE_MAX. */
int sdc_add(sdc_table *t, size_t row, size_t col, uint32_t contributor,
    int64_t value);

/* The same for a contributor that is a single report, which adds to any
 * cell or margin at most once: such contributions are kept as a summary
 * (count, sum, largest values), so a table's memory grows with its cells
 * and its multi-report contributors, not with the number of reports. The
 * largest values are also what the audit needs of them: docs/
 * disclosure-control.md shows why checking those is enough. */
int sdc_add_single(sdc_table *t, size_t row, size_t col, int64_t value);

/* The cell is published in another table of the same release (the grand
 * total that tables of one measure share): it may not be chosen as a
 * secondary suppression, and the pattern is protected with it known. When
 * the cell itself fails a primary rule, sdc_protect refuses the table
 * (SD_E_CONFIDENTIAL), and no table of the release may publish it. */
int sdc_pin_published(sdc_table *t, size_t row, size_t col);

/* Margins, primary rules and protection levels; no pattern yet. */
int sdc_prepare(sdc_table *t, const struct sdc_params *p);
/* The status of a table released earlier, as the ledger recorded it. Call
 * after sdc_prepare; SD_E_INVAL for a cell that does not exist or a letter
 * that is not a status. */
int sdc_set_status(sdc_table *t, size_t row, size_t col, enum sdc_status st);

/* Prepare, secondary suppression, LP audit, for this table alone. SD_OK
 * when the final pattern passed its audit; otherwise an sd_err and nothing
 * from this table may be published. */
int sdc_protect(sdc_table *t, const struct sdc_params *p);

/* a primary status letter (A, O, T, C) */
int sdc_is_primary_status(enum sdc_status st);

/* The cell value, exact. */
int64_t sdc_value(const sdc_table *t, size_t row, size_t col);
size_t sdc_contributors(const sdc_table *t, size_t row, size_t col);
enum sdc_status sdc_status(const sdc_table *t, size_t row, size_t col);
int sdc_has_cell(const sdc_table *t, size_t row, size_t col); /* margins may not exist */
/* Audit result for a suppressed cell: the feasibility interval an outsider
 * can derive from everything published. */
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

/* What the last audit of a release modelled, for its methods note. */
struct sdc_audit_info {
	size_t contributors;     /* single contributors audited as attackers */
	size_t requirements;     /* protection requirements checked */
	size_t lps;              /* linear programs solved */
	size_t earlier_tables;   /* tables of earlier releases in the system */
	int exact;               /* the pattern came from the exact model */
	char why[160];           /* when protection failed: why, in words */
};
const struct sdc_audit_info *sdc_info(const sdc_table *t);

#endif
