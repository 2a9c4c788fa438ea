/* Internals of the disclosure-control engine, shared by its modules:
 * sdc.c (table, accessors, sdc_protect), sdc_primary.c (margins, rules,
 * protection levels), sdc_exact.c (mixed-integer pattern), sdc_heuristic.c
 * (LP-based pattern for large tables) and sdc_audit.c (feasibility
 * intervals). Not part of the public contract. */
#ifndef SD_SDC_IMPL_H
#define SD_SDC_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "sdc.h"

struct sdc_contrib {
	uint32_t id;
	double v;
};

/* Contributors that are single reports, kept as a summary: their number,
 * their sum and their largest values, which is all the rules read. */
#define SDC_TOPK SDC_TOPK_PUBLIC
struct sdc_singles {
	size_t n;
	double sum;
	double top[SDC_TOPK];     /* largest first */
	size_t ntop;
};

struct sdc_cell {
	struct sdc_contrib *con;  /* per contributor after sdc_primary_run */
	size_t ncon;
	size_t capcon;
	struct sdc_singles one;   /* sdc_add_single contributions */
	double value;
	size_t ncontrib;
	enum sdc_status st;
	double upl;               /* upper protection level */
	double lpl;               /* lower protection level */
	double lo;                /* audit interval */
	double hi;
	int exists;
	int pinned;               /* published in another table: never suppressed */
};

/* Additive relations: for relation r, the cells rel_cell[rel_start[r] ..
 * rel_start[r+1]) with coefficients rel_coef sum to zero (inner cells +1,
 * their total -1). */
struct sdc_table {
	size_t nrows;
	size_t ncols;
	size_t stride;            /* ncols + 1 */
	size_t ncells;            /* (nrows + 1) * stride, existing or not */
	int radd;
	int cadd;
	enum sdc_measure m;
	struct sdc_cell *cell;
	size_t nrel;
	size_t *rel_start;
	size_t *rel_cell;
	double *rel_coef;
	double cand_sum;          /* sum of the values of all candidate cells */
	double scale;             /* largest cell value, at least 1 */
	const char *method;
	int audited;              /* the last sdc_protect passed its audit */
};

/* One protection requirement: the cell must be able to move by level in
 * the given direction without contradicting anything published. */
struct sdc_need {
	size_t cell;
	int up;
	double level;
};

int sdc_contrib_cmp(const void *a, const void *b);
void sdc_singles_add(struct sdc_singles *s, double v);
void sdc_singles_merge(struct sdc_singles *into, const struct sdc_singles *from);

/* GLPK time limit for the exact model; beyond it the heuristic decides. */
#define SDC_MIP_TIME_MS 1000

static inline int
sdc_is_primary(enum sdc_status s)
{
	return s == SDC_SMALL || s == SDC_DOM_ONE || s == SDC_DOM_TWO;
}

static inline int
sdc_is_suppressed(enum sdc_status s)
{
	return sdc_is_primary(s) || s == SDC_SECONDARY;
}

/* A cell that can be suppressed: it exists and has a contributor. */
static inline int
sdc_is_candidate(const struct sdc_cell *c)
{
	return c->exists && c->st != SDC_EMPTY && !c->pinned;
}

/* What an attacker knows about any suppressed cell without the table: it is
 * not empty (empty cells are published as 0), so a count is at least 1. */
double sdc_known_min(const sdc_table *t);
/* How far a candidate cell can fall before it reaches sdc_known_min. */
double sdc_down_capacity(const sdc_table *t, size_t cell);
/* Cost of suppressing a cell: 1 plus a fraction < 1 growing with its value,
 * so fewer cells always win and, among equal counts, less hidden value. */
double sdc_weight(const sdc_table *t, size_t cell);
/* The protection requirements of every primary cell; *needs is malloc'ed. */
int sdc_collect_needs(const sdc_table *t, struct sdc_need **needs,
    size_t *n);
/* Index of each candidate cell among the candidates (SIZE_MAX if none). */
int sdc_candidate_index(const sdc_table *t, size_t **map, size_t *n);
/* Relative tolerance for comparing LP results with table values. */
double sdc_tolerance(const sdc_table *t);

int sdc_primary_run(sdc_table *t, const struct sdc_params *p);
/* SD_OK and *solved = 1 with the pattern in place, or *solved = 0 when the
 * model could not be solved to optimality in time. */
int sdc_exact_run(sdc_table *t, int *solved);
int sdc_heuristic_run(sdc_table *t);
/* Feasibility interval [lo, hi] of every cell given what is published. */
int sdc_audit_run(sdc_table *t);
/* SD_OK when every primary cell reaches its protection and no suppressed
 * cell is exact; SD_E_INVAL otherwise. */
int sdc_audit_check(const sdc_table *t);

#endif
