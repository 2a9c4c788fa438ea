/* A linked system of tables protected together (docs/disclosure-control.md,
 * "Linked tables and the ledger"). Its variables are the cells of every
 * table in it and the unknowns that no release publishes (the finest cells
 * the tables share); its rows are the linear relations that hold between
 * them. The tables of the release being made are the candidates: their
 * cells may be suppressed. Tables of earlier releases are fixed: what they
 * published is known, what they hid stays hidden, and their primary cells
 * must stay protected.
 *
 * Single contributors are the attackers: each knows its own contribution to
 * every variable it is in, and whether it is alone in a cell. The caller
 * adds them; sdc_sys_protect chooses the pattern and audits it against the
 * outsider and every attacker, and suppresses further until it holds. */
#ifndef SD_SDC_SYS_H
#define SD_SDC_SYS_H

#include <stddef.h>
#include <stdint.h>

#include "sdc.h"

typedef struct sdc_sys sdc_sys;

sdc_sys *sdc_sys_new(enum sdc_measure m);
/* Frees the system, not the tables in it. */
void sdc_sys_free(sdc_sys *s);

/* Every cell of t (after sdc_prepare) becomes a variable: cell (r, c) is
 * *base + r * (ncols + 1) + c, existing or not. is_new: a table of the
 * release being made (its cells are candidates); otherwise a table released
 * earlier whose statuses were set with sdc_set_status. */
int sdc_sys_add_table(sdc_sys *s, sdc_table *t, int is_new, size_t *base);
/* The cells of t (prepared, statuses set) as unknowns that no release
 * publishes: known to be non-empty to no one, but a primary among them is
 * protected like any primary cell. */
int sdc_sys_add_unknowns(sdc_sys *s, sdc_table *t, size_t *base);
/* An unknown that no release publishes, with its true value. */
int sdc_sys_add_atom(sdc_sys *s, int64_t truth, size_t *var);
/* A relation sum(coef[i] * var[i]) == 0, or >= 0 when ge; the true values
 * must satisfy it (SD_E_INVAL otherwise). */
int sdc_sys_add_row(sdc_sys *s, int ge, size_t n, const size_t *var,
    const double *coef);
/* The relations of t's own margins (rows and columns summing to their
 * totals); a caller whose rows already imply them need not add these. */
int sdc_sys_add_table_relations(sdc_sys *s, size_t base, const sdc_table *t);

/* A contributor with several reports (or any contributor given one by
 * one): own[i] is its contribution to var[i], alone[i] says that it is the
 * only contributor of var[i]. Every variable it is in must be listed. */
int sdc_sys_add_attacker(sdc_sys *s, size_t n, const size_t *var,
    const int64_t *own, const unsigned char *alone);
/* count single reports that are each in exactly the variables var[0..n)
 * with their whole value (for a count, 1), none of them alone anywhere
 * unless count == 1; top[0..ntop) are their largest values, largest first
 * (at most SDC_TOPK_PUBLIC). */
int sdc_sys_add_singles(sdc_sys *s, size_t n, const size_t *var,
    const unsigned char *alone, const int64_t *top, size_t ntop,
    size_t count);

/* The attackers can also come from fn, called whenever the audit needs
 * them afresh (the pattern decides which contributors know something that
 * is not published): fn adds, with sdc_sys_add_attacker and
 * sdc_sys_add_singles, every contributor that is in at least one variable
 * marked in relevant[] (nvar entries), with every variable it is in. */
typedef int (*sdc_attacker_fn)(void *ctx, sdc_sys *s,
    const unsigned char *relevant);
void sdc_sys_set_attackers(sdc_sys *s, sdc_attacker_fn fn, void *ctx);
size_t sdc_sys_nvar(const sdc_sys *s);

/* Choose secondary suppressions among the new tables' cells so that every
 * primary cell of every table in the system is protected against the
 * outsider and every attacker, then audit. SD_OK with the statuses set in
 * the new tables; SD_E_CONFIDENTIAL when no pattern can protect them
 * (sdc_sys_info says why); another sd_err on failure. */
int sdc_sys_protect(sdc_sys *s, const struct sdc_params *p);
const struct sdc_audit_info *sdc_sys_info(const sdc_sys *s);
const char *sdc_sys_method(const sdc_sys *s);
/* After SD_E_CONFIDENTIAL: a variable that could not be protected (a cell
 * of one of the tables), or (size_t)-1. */
size_t sdc_sys_fail_var(const sdc_sys *s);

#endif
