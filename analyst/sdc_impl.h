/* Internals of the disclosure-control engine, shared by its modules:
 * sdc.c (tables and their accessors), sdc_primary.c (margins, rules,
 * protection levels), sdc_sys.c (the linked system, attackers, the driver),
 * sdc_lp.c (the deviation LP every other part solves), sdc_heuristic.c
 * and sdc_exact.c (choosing the pattern) and sdc_audit.c (checking it).
 * Not part of the public contract. */
#ifndef SD_SDC_IMPL_H
#define SD_SDC_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "sdc.h"
#include "sdc_sys.h"

struct sdc_contrib {
	uint32_t id;
	int64_t v;
};

/* Contributors that are single reports, kept as a summary: their number,
 * their sum and their largest values, which is all the rules and the audit
 * read. */
#define SDC_TOPK SDC_TOPK_PUBLIC
struct sdc_singles {
	size_t n;
	int64_t sum;
	int64_t top[SDC_TOPK];    /* largest first */
	size_t ntop;
};

struct sdc_cell {
	struct sdc_contrib *con;  /* per contributor after sdc_primary_run */
	size_t ncon;
	size_t capcon;
	struct sdc_singles one;   /* sdc_add_single contributions */
	int64_t added;            /* everything added, kept within range */
	int64_t value;
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
	int overflow;             /* a sum passed SDC_VALUE_MAX */
	int prepared;
	const char *method;
	struct sdc_audit_info info;
	int audited;              /* the last sdc_protect passed its audit */
};

int sdc_contrib_cmp(const void *a, const void *b);
void sdc_singles_add(struct sdc_singles *s, int64_t v);
void sdc_singles_merge(struct sdc_singles *into, const struct sdc_singles *from);
int sdc_primary_run(sdc_table *t, const struct sdc_params *p);
/* The rules on a group of cells of t taken together (their contributors
 * merged, as if one cell): *out's status and levels; out->con is malloc'ed. */
int sdc_rules_group(const sdc_table *t, const size_t *cells, size_t n,
    const struct sdc_params *p, struct sdc_cell *out);
/* In a count table a non-empty cell holds at least one report. */
double sdc_known_min(enum sdc_measure m);

static inline int
sdc_is_primary(enum sdc_status s)
{
	return s == SDC_SMALL || s == SDC_DOM_ONE || s == SDC_DOM_TWO ||
	    s == SDC_DOM_MANY;
}

static inline int
sdc_is_suppressed(enum sdc_status s)
{
	return sdc_is_primary(s) || s == SDC_SECONDARY;
}

/* ---- the linked system ---- */

struct sdc_var {
	double truth;
	double lb0;               /* known to anyone when hidden */
	sdc_table *t;             /* NULL: an atom */
	size_t cell;              /* index in t->cell */
	int isnew;                /* a cell of the release being made */
	double weight;            /* cost of suppressing it */
	double floor;             /* count cell: non-empty inner cells below */
	int unknown;              /* a cell that no release publishes */
};

/* What one attacker knows beyond the outsider. */
struct sdc_att {
	size_t n;
	size_t *var;              /* ascending */
	double *own;
	unsigned char *alone;
	int tail;                 /* stands for every single of its group with
	                           * a value up to its own (docs) */
};

/* A protection requirement: the primary cell var must be able to move by
 * level in direction up against attacker att (SDC_OUTSIDER, SDC_ROBUST:
 * all attackers at once, or an index). */
#define SDC_OUTSIDER ((size_t)-1)
#define SDC_ROBUST ((size_t)-2)
struct sdc_req {
	size_t var;               /* the primary cell (a union: its first) */
	int up;
	size_t att;
	double level;
	size_t uni;               /* SDC_NONE, or the union it is about */
	unsigned char *used;      /* the candidates its deviation moves */
};

/* Hidden cells of a line whose total is known: their sum is published in
 * effect, so together they are a cell of their own, and one that fails a
 * primary rule (a reporter in two of them with one other, say) is
 * protected like a primary cell. */
struct sdc_union {
	size_t n;
	size_t *var;              /* ascending */
	double X;
	double upl, lpl;
	double floor;             /* count: its non-empty cells */
	int old;                  /* a line of an earlier release */
};

/* A deviation from the true values that is consistent with everything
 * published and moves a primary cell by its level: proof, for every
 * attacker whose knowledge it respects, that the requirement holds. */
struct sdc_cert {
	size_t n;
	size_t *var;              /* ascending */
	double *d;                /* scaled */
};

struct sdc_pool;              /* certificates per requirement, sdc_audit.c */
struct sdc_lp;                /* sdc_lp.c */

struct sdc_sys {
	enum sdc_measure m;
	struct sdc_var *v;
	size_t nvar, capvar;
	/* rows: sum(coef * var) == 0 (or >= 0 when ge) */
	size_t nrow, caprow, nent, capent;
	size_t *rstart;
	size_t *rvar;
	double *rcoef;
	unsigned char *rge;
	double *rslack;           /* value of the row at the true values */
	sdc_table **tab;
	size_t *tabbase;
	int *tabnew;
	size_t ntab, captab;
	struct sdc_att *att;
	size_t natt, capatt;
	size_t ncontrib;          /* contributors the attackers stand for */
	sdc_attacker_fn att_fn;    /* where the attackers come from */
	void *att_ctx;
	/* relations by variable, for what the published cells determine */
	size_t *vstart, *vrow;
	struct sdc_req *req;
	size_t nreq, capreq;
	struct sdc_union *uni;
	size_t nuni, capuni;
	double scale;             /* largest true value, at least 1 */
	double cand_sum;
	struct sdc_params par;
	struct sdc_lp *lp;
	struct sdc_pool *pool;    /* certificates per (variable, direction) */
	struct sdc_pool *upool;   /* the same per (union, direction) */
	size_t nupool;
	const char *method;
	struct sdc_audit_info info;
	size_t fail_var;          /* what could not be protected */
	int progress;             /* stderr is a terminal */
};

#define SDC_NONE ((size_t)-1)

/* a variable is published when it is a cell that is not suppressed */
int sdc_var_published(const sdc_sys *s, size_t i);
int sdc_var_candidate(const sdc_sys *s, size_t i);
enum sdc_status sdc_var_status(const sdc_sys *s, size_t i);
void sdc_var_set_status(sdc_sys *s, size_t i, enum sdc_status st);
struct sdc_cell *sdc_var_cell(const sdc_sys *s, size_t i);
/* own contribution of attacker a to var (0 when not in it); *alone set */
double sdc_att_own(const struct sdc_att *a, size_t var, int *alone);
/* the lower bound (and whether fixed) of var for attacker a */
void sdc_att_bounds(const sdc_sys *s, size_t a, size_t var, double *lb,
    int *fixed);
/* is a alone in var */
int sdc_att_alone(const struct sdc_att *a, size_t var);
/* how far var can fall for attacker a (SDC_OUTSIDER: anyone) */
double sdc_room_down(const sdc_sys *s, size_t var, size_t a);
/* the lower protection a requires of primary var */
double sdc_req_lower(const sdc_sys *s, size_t var, size_t a);
/* the attackers afresh from the source, for the current pattern */
int sdc_attackers_refresh(sdc_sys *s);

/* sdc_lp.c: one LP over deviations from the true values, built once per
 * system. Bounds per mode:
 *   the pattern (published candidates may move at their cost) or frozen
 *   (only hidden cells and atoms move), for the outsider, one attacker, or
 *   all at once (robust, the attacker alone in the primary cell aside). */
enum sdc_lpmode { SDC_LP_CHOOSE, SDC_LP_FROZEN };
int sdc_lp_build(sdc_sys *s);
void sdc_lp_free(sdc_sys *s);
/* Move var by level (in units) in direction up under attacker att; SD_OK
 * and *ok = 1 with a solution, *ok = 0 when no such deviation exists. */
int sdc_lp_deviate(sdc_sys *s, size_t var, int up, double level, size_t att,
    enum sdc_lpmode mode, int *ok);
/* after a solved deviation: the variables it moves */
int sdc_lp_moved(const sdc_sys *s, size_t i);
/* after a solved deviation: the certificate */
int sdc_lp_cert(const sdc_sys *s, struct sdc_cert *c);
/* how far var can move in direction up under attacker att (in units;
 * INFINITY when without bound): with the pattern (frozen) or with every
 * candidate hidden (choose) */
int sdc_lp_reach(sdc_sys *s, size_t var, int up, size_t att,
    enum sdc_lpmode mode, double *reach);
/* the same for the sum of union u's cells */
int sdc_lp_deviate_union(sdc_sys *s, size_t u, int up, double level,
    size_t att, enum sdc_lpmode mode, int *ok);
int sdc_lp_interval_union(sdc_sys *s, size_t u, double *lo, double *hi);
/* a union's deviation keeps its row until the next LP (its solution is
 * read in between); this takes it out */
void sdc_lp_settle(sdc_sys *s);
/* outsider interval of var given the pattern: *lo, *hi in units */
int sdc_lp_interval(sdc_sys *s, size_t var, double *lo, double *hi);
/* the limits a deviation for (var, up, level, att) has: how far each
 * variable may fall (scaled) and which may not move */
void sdc_lp_caps(sdc_sys *s, size_t var, int up, double level, size_t att,
    const double **dcap, const unsigned char **fixd);

/* sdc_heuristic.c / sdc_exact.c */
int sdc_heuristic_add(sdc_sys *s, size_t first_req);
int sdc_heuristic_release(sdc_sys *s);
/* SD_OK and *solved = 1 with the pattern in place */
int sdc_exact_run(sdc_sys *s, int *solved);

/* sdc_audit.c */
struct sd_progress;
/* a progress line for a long step, or NULL (sd_progress.h) */
struct sd_progress *sdc_progress_for(const sdc_sys *s, const char *what,
    const char *unit, size_t n);
/* accuracy of the LPs, in units */
double sdc_tol(const sdc_sys *s);
/* how far to move for level, within room */
double sdc_target(const sdc_sys *s, double level, double room);
void sdc_pools_clear(sdc_sys *s);
/* Keep the deviation the LP just found, which moves var by move in
 * direction up, as a certificate for the audit: it still proves the
 * requirement while every cell it moves stays withheld. */
int sdc_pool_keep(sdc_sys *s, size_t var, int up, double move);
/* Intervals of every suppressed variable (outsider), published exact
 * secondaries released; then every requirement of every primary against
 * the outsider and every attacker. *violated: requirements added to
 * s->req from index *first for the ones that failed. */
int sdc_audit(sdc_sys *s, size_t *first, size_t *violated);
/* add a requirement; SD_OK */
int sdc_req_add(sdc_sys *s, size_t var, int up, size_t att, double level);
int sdc_req_add_union(sdc_sys *s, size_t u, int up, size_t att, double level);
/* the lower protection attacker a requires of union u, and how far u can
 * fall for it */
double sdc_union_lower(const sdc_sys *s, size_t u, size_t a);
double sdc_union_room(const sdc_sys *s, size_t u, size_t a);
/* what everyone works out from the published cells alone */
int sdc_determined(sdc_sys *s, unsigned char *det);
/* the deviation of requirement r (cell or union) in mode, to its target */
int sdc_req_deviate(sdc_sys *s, const struct sdc_req *r, enum sdc_lpmode mode,
    int *ok);
/* Primary cells and their requirements against the outsider and all
 * attackers at once. */
int sdc_req_collect(sdc_sys *s);
void sdc_req_clear(sdc_sys *s);

#endif
