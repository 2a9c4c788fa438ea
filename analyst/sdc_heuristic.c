/* Secondary suppression by one LP per protection requirement, in the
 * manner of the LP-based heuristics of Kelly and of Fischetti and Salazar.
 * For a primary cell that must be able to rise (or fall) by its level
 * against an attacker, find the cheapest deviation of the true values that
 * moves it so far, keeps every relation, and lowers no variable below what
 * that attacker knows it holds; already hidden cells and atoms move for
 * next to nothing, published cells of the new release at their cost.
 * Every cell the deviation touches is then suppressed, so that very
 * deviation stays consistent with the release and the requirement holds;
 * later suppressions only widen what an attacker cannot rule out.
 * A requirement first tried against all attackers at once that cannot be
 * met so is tried against the outsider alone; the audit then names the
 * attackers it leaves exposed, and each of them becomes a requirement of
 * its own.
 * The release pass takes back, largest first, each secondary cell that no
 * requirement needs: every requirement whose deviation used it must find
 * another among the cells still suppressed. The audit checks the result
 * independently. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sd_err.h"
#include "sd_progress.h"
#include "sdc_impl.h"

/* Bound on the bookkeeping of the release pass; beyond it it is skipped. */
#define USED_MAX ((size_t)64 << 20)
/* LPs the release pass may solve, per requirement and in all */
#define RELEASE_LPS_PER_REQ 4
#define RELEASE_LPS_MIN 400

static int
cmp_req(const void *a, const void *b)
{
	const struct sdc_req *x = a, *y = b;

	if (x->level != y->level)
		return (x->level < y->level) - (x->level > y->level);
	if (x->var != y->var)
		return (x->var > y->var) - (x->var < y->var);
	return (x->up < y->up) - (x->up > y->up);
}

static size_t
used_bytes(const sdc_sys *s)
{
	return s->nreq > 0 && s->nvar <= USED_MAX / s->nreq ? s->nvar : 0;
}

/* Suppress what the solved deviation moves; note it in r->used. */
static void
take(sdc_sys *s, struct sdc_req *r, int mark)
{
	size_t i;

	if (r->used != NULL)
		memset(r->used, 0, s->nvar);
	for (i = 0; i < s->nvar; i++) {
		if (!sdc_lp_moved(s, i))
			continue;
		if (r->used != NULL)
			r->used[i] = 1;
		if (mark && sdc_var_candidate(s, i) &&
		    sdc_var_status(s, i) == SDC_FREE)
			sdc_var_set_status(s, i, SDC_SECONDARY);
	}
}

static double
req_target(sdc_sys *s, const struct sdc_req *r)
{
	size_t a = r->att == SDC_ROBUST ? SDC_OUTSIDER : r->att;
	double room = 1e300;

	if (!r->up)
		room = r->uni == SDC_NONE ? sdc_room_down(s, r->var, a) :
		    sdc_union_room(s, r->uni, a);
	return sdc_target(s, r->level, room);
}

int
sdc_req_deviate(sdc_sys *s, const struct sdc_req *r, enum sdc_lpmode mode,
    int *ok)
{
	if (r->uni == SDC_NONE)
		return sdc_lp_deviate(s, r->var, r->up, req_target(s, r), r->att,
		    mode, ok);
	return sdc_lp_deviate_union(s, r->uni, r->up, req_target(s, r),
	    r->att, mode, ok);
}

static void
say_unprotectable(sdc_sys *s, const struct sdc_req *r)
{
	s->fail_var = r->var;
	snprintf(s->info.why, sizeof(s->info.why), "a confidential cell "
	    "cannot be hidden %s from %s, whatever else is withheld",
	    r->up ? "upwards" : "downwards", r->uni != SDC_NONE ? "a reporter "
	    "who knows the sum of several withheld cells" :
	    r->att == SDC_OUTSIDER ||
	    r->att == SDC_ROBUST ? "the published figures" :
	    "a reporter who knows its own figures");
}

static int
meet(sdc_sys *s, struct sdc_req *r)
{
	int rc, ok = 0;

	if (r->used == NULL && used_bytes(s) > 0)
		r->used = calloc(s->nvar, 1);
	if ((rc = sdc_req_deviate(s, r, SDC_LP_CHOOSE, &ok)) != SD_OK)
		return rc;
	if (!ok && r->att == SDC_ROBUST) {
		/* not against all at once: against the outsider now, the
		 * attackers it leaves exposed one by one after the audit */
		r->att = SDC_OUTSIDER;
		if ((rc = sdc_req_deviate(s, r, SDC_LP_CHOOSE, &ok)) != SD_OK)
			return rc;
	}
	if (!ok) {
		say_unprotectable(s, r);
		return SD_E_CONFIDENTIAL;
	}
	take(s, r, 1);
	/* every cell it moves is withheld now: the audit can start from it */
	if (r->uni == SDC_NONE)
		return sdc_pool_keep(s, r->var, r->up, req_target(s, r));
	return SD_OK;
}

int
sdc_heuristic_add(sdc_sys *s, size_t first)
{
	sd_progress *prog = NULL;
	size_t k;
	int rc = SD_OK;

	if (first >= s->nreq)
		return SD_OK;
	if (s->nreq - first > 1)
		qsort(s->req + first, s->nreq - first, sizeof(*s->req),
		    cmp_req);
	prog = sdc_progress_for(s, "secondary suppression", "requirements",
	    s->nreq - first);
	for (k = first; k < s->nreq && rc == SD_OK; k++) {
		rc = meet(s, &s->req[k]);
		sd_progress_set(prog, k - first + 1);
	}
	sd_progress_end(prog);
	return rc;
}

/* Can secondary variable j be published? Every requirement that moved it
 * must find a deviation among the cells still suppressed. */
static int
try_release(sdc_sys *s, size_t j, unsigned char *trial, int *released)
{
	size_t k, n = s->nvar;
	int rc = SD_OK, ok = 1;

	*released = 0;
	sdc_var_set_status(s, j, SDC_FREE);
	for (k = 0; k < s->nreq && ok; k++) {
		struct sdc_req *r = &s->req[k];
		memcpy(trial + k * n, r->used, n);
		if (!r->used[j])
			continue;
		if ((rc = sdc_req_deviate(s, r, SDC_LP_FROZEN, &ok)) != SD_OK)
			break;
		if (ok) {
			size_t i;
			for (i = 0; i < n; i++)
				trial[k * n + i] = (unsigned char)sdc_lp_moved(s, i);
		}
	}
	if (rc != SD_OK || !ok) {
		sdc_var_set_status(s, j, SDC_SECONDARY);
		return rc;
	}
	for (k = 0; k < s->nreq; k++)
		memcpy(s->req[k].used, trial + k * n, n);
	*released = 1;
	return SD_OK;
}

static int
cmp_value_desc(const void *a, const void *b, void *ctx)
{
	const sdc_sys *s = ctx;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	double vx = s->v[x].truth, vy = s->v[y].truth;

	if (vx != vy)
		return (vx < vy) - (vx > vy);
	return (x > y) - (x < y);
}

/* insertion sort: few secondaries */
static void
order_secondaries(const sdc_sys *s, size_t *order, size_t *n)
{
	size_t i, k = 0, a, b;

	for (i = 0; i < s->nvar; i++)
		if (sdc_var_candidate(s, i) &&
		    sdc_var_status(s, i) == SDC_SECONDARY)
			order[k++] = i;
	for (a = 1; a < k; a++) {
		size_t x = order[a];
		for (b = a; b > 0 && cmp_value_desc(&order[b - 1], &x,
		    (void *)(uintptr_t)s) > 0; b--)
			order[b] = order[b - 1];
		order[b] = x;
	}
	*n = k;
}

int
sdc_heuristic_release(sdc_sys *s)
{
	unsigned char *trial = NULL;
	size_t *order = NULL, n = 0, i, k, budget;
	int rc = SD_OK, released = 0;

	for (k = 0; k < s->nreq; k++)
		if (s->req[k].used == NULL)
			return SD_OK;    /* no bookkeeping: keep the pattern */
	if (s->nreq == 0)
		return SD_OK;
	order = calloc(s->nvar + 1, sizeof(*order));
	trial = calloc(s->nreq, s->nvar);
	if (order == NULL || trial == NULL) {
		rc = SD_E_NOMEM;
		goto done;
	}
	order_secondaries(s, order, &n);
	/* a bounded amount of work: every cell kept is still a safe pattern,
	 * only a less economical one */
	budget = s->info.lps + RELEASE_LPS_PER_REQ * s->nreq + RELEASE_LPS_MIN;
	for (i = 0; i < n && rc == SD_OK && s->info.lps < budget; i++)
		rc = try_release(s, order[i], trial, &released);
	/* a certificate that rests on a cell published now is no longer
	 * taken: cert_fits() reads the pattern as it is */
done:
	free(order);
	free(trial);
	return rc;
}
