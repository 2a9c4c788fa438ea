/* The audit: whatever chose the pattern, check it.
 *
 * First the outsider, who knows every published cell, the relations and
 * that hidden cells are not empty: two LPs per suppressed cell give its
 * feasibility interval. A secondary cell pinned to one value hides
 * nothing and is published. Then every primary cell of the system (new or
 * from an earlier release), in each direction it needs, against every
 * single contributor, who also knows its own contribution to every
 * variable and whether it is alone in a cell: a deviation from the true
 * values that the attacker cannot rule out and that moves the primary cell
 * by its level proves the requirement for that attacker. One deviation
 * that every attacker's knowledge allows at once settles them all; else
 * the certificates found so far are tried, and an LP decides the rest. A
 * requirement that fails is returned for the pattern to meet. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sd_err.h"
#include "sd_progress.h"
#include "sdc_impl.h"

#define POOL_MAX 8

struct sdc_pool {
	struct sdc_cert c[POOL_MAX];
	double move[POOL_MAX];    /* how far each moves the cell, scaled */
	size_t n, next;
};

/* The LPs work near 1 after scaling; what they return is exact to far
 * better than this. */
sd_progress *
sdc_progress_for(const sdc_sys *s, const char *what, const char *unit,
    size_t n)
{
	/* small systems are done before a line would help */
	if (n < 50 && s->nvar < 5000)
		return NULL;
	return sd_progress_start(what, unit, n);
}

double
sdc_tol(const sdc_sys *s)
{
	return 1e-9 * s->scale;
}

/* How far a deviation should move a cell to meet level, within room (how
 * far the cell can move at all), and whether a measured move meets it: to
 * within the LPs' accuracy, but never more loosely than a hundredth of the
 * level itself, so that a level of one unit is checked as one unit
 * whatever the size of the table. */
double
sdc_target(const sdc_sys *s, double level, double room)
{
	(void)s;
	return level < room ? level : room;
}

static int
meets(const sdc_sys *s, double have, double level, double room)
{
	double need = level < room ? level : room, slack = sdc_tol(s);

	if (slack > 0.01 * need)
		slack = 0.01 * need;
	return have >= need - slack;
}

static void
cert_free(struct sdc_cert *c)
{
	free(c->var);
	free(c->d);
	memset(c, 0, sizeof(*c));
}

static void
pools_free(struct sdc_pool *p, size_t n)
{
	size_t i, k;

	for (i = 0; p != NULL && i < n; i++)
		for (k = 0; k < p[i].n; k++)
			cert_free(&p[i].c[k]);
	free(p);
}

void
sdc_pools_clear(sdc_sys *s)
{
	pools_free(s->pool, s->pool != NULL ? 2 * s->nvar : 0);
	s->pool = NULL;
	pools_free(s->upool, s->nupool);
	s->upool = NULL;
	s->nupool = 0;
}

/* The pool of union u, direction up (grown as unions are found). */
static struct sdc_pool *
upool_of(sdc_sys *s, size_t u, int up)
{
	if (2 * s->nuni > s->nupool) {
		size_t n = 2 * s->capuni;
		struct sdc_pool *p = realloc(s->upool, n * sizeof(*p));
		if (p == NULL)
			return NULL;
		memset(p + s->nupool, 0, (n - s->nupool) * sizeof(*p));
		s->upool = p;
		s->nupool = n;
	}
	return &s->upool[2 * u + (up ? 1 : 0)];
}

static int
pools_ready(sdc_sys *s)
{
	if (s->pool != NULL)
		return SD_OK;
	s->pool = calloc(2 * s->nvar, sizeof(*s->pool));
	return s->pool == NULL ? SD_E_NOMEM : SD_OK;
}

/* The deviation the LP just found, which moves its cell by move, as a
 * certificate of pool p (the oldest one goes when p is full). */
static int
pool_add(sdc_sys *s, struct sdc_pool *p, double move)
{
	struct sdc_cert c;
	size_t k;
	int rc;

	if ((rc = sdc_lp_cert(s, &c)) != SD_OK)
		return rc;
	k = p->n < POOL_MAX ? p->n++ : p->next++ % POOL_MAX;
	if (p->n == POOL_MAX && k < POOL_MAX && p->c[k].var != NULL)
		cert_free(&p->c[k]);
	p->c[k] = c;
	p->move[k] = move / s->scale;
	return SD_OK;
}

int
sdc_pool_keep(sdc_sys *s, size_t var, int up, double move)
{
	int rc;

	if ((rc = pools_ready(s)) != SD_OK)
		return rc;
	return pool_add(s, &s->pool[2 * var + (up ? 1 : 0)], move);
}

/* Whether attacker a is checked on var in direction up, and then the
 * protection owed to it (*la) and how far the LP must move var for it
 * (*ta): not when it is not in play, alone in the cell, or owed no lower
 * protection. */
static int
att_needs(const sdc_sys *s, size_t var, int up, double level,
    const unsigned char *play, size_t a, double *la, double *ta)
{
	if (!play[a] || sdc_att_alone(&s->att[a], var))
		return 0;
	*la = up ? level : sdc_req_lower(s, var, a);
	if (*la <= 0.0)
		return 0;
	*ta = sdc_target(s, *la, up ? (double)INFINITY :
	    sdc_room_down(s, var, a));
	return 1;
}

/* Does certificate c, scaled to move its cell by want, stay within what
 * attacker a knows, with the pattern as it is now? Only the variables both
 * mention can break the first; a cell it moves that is published now
 * breaks the second. */
static int
cert_fits(const sdc_sys *s, const struct sdc_cert *c, double move,
    double want, const struct sdc_att *a)
{
	double f = want / move;
	size_t i = 0, k = 0;

	for (i = 0; i < c->n; i++)
		if (sdc_var_published(s, c->var[i]))
			return 0;
	if (a == NULL)
		return 1;
	i = 0;
	while (i < c->n && k < a->n) {
		if (c->var[i] < a->var[k]) {
			i++;
			continue;
		}
		if (c->var[i] > a->var[k]) {
			k++;
			continue;
		}
		if (a->alone[k])
			return 0;
		if (c->d[i] < 0.0) {
			size_t v = c->var[i];
			double room = (s->v[v].truth - s->v[v].lb0 - a->own[k]) /
			    s->scale;
			if (-c->d[i] * f > room + 1e-9)
				return 0;
		}
		i++;
		k++;
	}
	return 1;
}

static int
pool_covers(const sdc_sys *s, const struct sdc_pool *p, double want,
    const struct sdc_att *a)
{
	size_t k;

	for (k = 0; k < p->n; k++)
		if (p->move[k] >= want && cert_fits(s, &p->c[k], p->move[k],
		    want, a))
			return 1;
	return 0;
}

/* Intervals of every suppressed variable that the checks read. */
static int
intervals(sdc_sys *s)
{
	size_t i;
	int rc = SD_OK;

	for (i = 0; i < s->nvar && rc == SD_OK; i++) {
		struct sdc_cell *c = sdc_var_cell(s, i);
		if (c == NULL)
			continue;
		c->lo = c->hi = (double)c->value;
		if (!c->exists || !sdc_is_suppressed(c->st))
			continue;
		if (!s->v[i].isnew && !sdc_is_primary(c->st))
			continue;
		rc = sdc_lp_interval(s, i, &c->lo, &c->hi);
	}
	return rc;
}

/* A secondary cell that the audit pins to one value hides nothing: every
 * table consistent with the release has that value there, so publishing it
 * leaves every other interval as it was. */
static size_t
publish_exact(sdc_sys *s)
{
	size_t i, n = 0;
	double tol = sdc_tol(s);

	for (i = 0; i < s->nvar; i++) {
		struct sdc_cell *c = sdc_var_cell(s, i);
		if (c == NULL || !s->v[i].isnew || !c->exists ||
		    c->st != SDC_SECONDARY || c->hi - c->lo > tol)
			continue;
		c->st = SDC_FREE;
		n++;
	}
	return n;
}

/* Attackers that know something of a hidden variable or an atom. */
static int
in_play(const sdc_sys *s, unsigned char *play)
{
	size_t a, k, n = 0;

	for (a = 0; a < s->natt; a++) {
		const struct sdc_att *at = &s->att[a];
		play[a] = 0;
		for (k = 0; k < at->n && !play[a]; k++)
			play[a] = !sdc_var_published(s, at->var[k]);
		n += play[a];
	}
	return n > 0;
}

/* In a count table a lower protection that no pattern could give, not even
 * one hiding every cell of the release, is what the cells published as
 * empty (and the reports the attacker knows) already imply: the cell is
 * then as protected from below as it can be when it is as far from its
 * lower bound as hiding everything would make it. *level becomes what is
 * reachable; *ok when the pattern reaches it. Upper protection has no such
 * allowance: a cell pinned from above is disclosed. */
static int
structural(sdc_sys *s, size_t var, int up, size_t a, double *level, int *ok)
{
	double all = 0.0, now = 0.0;
	int rc;

	*ok = 0;
	if (up || s->m != SDC_COUNT)
		return SD_OK;
	if ((rc = sdc_lp_reach(s, var, 0, a, SDC_LP_CHOOSE, &all)) != SD_OK)
		return rc;
	if (all >= *level - sdc_tol(s))
		return SD_OK;
	if ((rc = sdc_lp_reach(s, var, 0, a, SDC_LP_FROZEN, &now)) != SD_OK)
		return rc;
	*level = all > 0.0 ? all * (1.0 - 1e-9) : 0.0;
	*ok = now >= all - sdc_tol(s) - 1e-9 * all;
	return SD_OK;
}

/* Does one certificate of pool p move var by target tr against the
 * outsider and fit every attacker in play at its own level? Then the
 * robust LP would find a deviation too. */
static int
pool_covers_all(const sdc_sys *s, const struct sdc_pool *p, size_t var,
    int up, double level, double tr, const unsigned char *play)
{
	size_t k, a;

	for (k = 0; k < p->n; k++) {
		int fits = p->move[k] >= tr / s->scale &&
		    cert_fits(s, &p->c[k], p->move[k], tr / s->scale, NULL);
		for (a = 0; a < s->natt && fits; a++) {
			double la, ta;
			if (!att_needs(s, var, up, level, play, a, &la, &ta))
				continue;
			fits = p->move[k] >= ta / s->scale && cert_fits(s,
			    &p->c[k], p->move[k], ta / s->scale, &s->att[a]);
		}
		if (fits)
			return 1;
	}
	return 0;
}

static int
check_attackers(sdc_sys *s, size_t var, int up, double level,
    const unsigned char *play, size_t *bad)
{
	struct sdc_pool *p = &s->pool[2 * var + (up ? 1 : 0)];
	double room = up ? (double)INFINITY : sdc_room_down(s, var, SDC_OUTSIDER);
	double tr = sdc_target(s, level, room);
	size_t a;
	int rc, ok = 0;

	/* one deviation that all of them allow: one proved before (in an
	 * earlier round of the audit), else the LP's */
	if (pool_covers_all(s, p, var, up, level, tr, play))
		return SD_OK;
	if ((rc = sdc_lp_deviate(s, var, up, tr, SDC_ROBUST, SDC_LP_FROZEN,
	    &ok)) != SD_OK)
		return rc;
	if (ok)
		return pool_add(s, p, tr);
	for (a = 0; a < s->natt; a++) {
		double la, ta;
		if (!att_needs(s, var, up, level, play, a, &la, &ta))
			continue;
		if (pool_covers(s, p, ta / s->scale, &s->att[a]))
			continue;
		if ((rc = sdc_lp_deviate(s, var, up, ta, a, SDC_LP_FROZEN,
		    &ok)) != SD_OK)
			return rc;
		if (!ok) {
			int fine = 0;
			if ((rc = structural(s, var, up, a, &la, &fine)) != SD_OK)
				return rc;
			if (fine)
				continue;
			if ((rc = sdc_req_add(s, var, up, a, la)) != SD_OK)
				return rc;
			(*bad)++;
			continue;
		}
		if ((rc = pool_add(s, p, ta)) != SD_OK)
			return rc;
	}
	return SD_OK;
}

static int
check_cell(sdc_sys *s, size_t var, const unsigned char *play, int any,
    size_t *bad)
{
	const struct sdc_cell *c = sdc_var_cell(s, var);
	double X = (double)c->value;
	int d, rc = SD_OK;

	for (d = 0; d < 2 && rc == SD_OK; d++) {
		int up = d == 0;
		double level = up ? c->upl : c->lpl;
		double room = up ? (double)INFINITY : sdc_room_down(s, var, SDC_OUTSIDER);
		double have = up ? c->hi - X : X - c->lo;
		if (level <= 0.0)
			continue;
		if (!meets(s, have, level, room)) {
			int fine = 0;
			if ((rc = structural(s, var, up, SDC_OUTSIDER, &level,
			    &fine)) != SD_OK)
				return rc;
			if (fine)
				continue;
			if ((rc = sdc_req_add(s, var, up, SDC_OUTSIDER, level)) !=
			    SD_OK)
				return rc;
			(*bad)++;
			continue;
		}
		if (any)
			rc = check_attackers(s, var, up, level, play, bad);
	}
	return rc;
}

/* ---- unions ---- */

static int
union_known(const sdc_sys *s, const size_t *var, size_t n)
{
	size_t u;

	for (u = 0; u < s->nuni; u++)
		if (s->uni[u].n == n &&
		    memcmp(s->uni[u].var, var, n * sizeof(*var)) == 0)
			return 1;
	return 0;
}

/* The hidden cells of one line of table t (cells[0..n) of it, total the
 * line's total): a union when the total is known and two or more of them
 * are hidden, and when together they fail a primary rule. */
static int
union_line(sdc_sys *s, const sdc_table *t, size_t base, int old,
    const size_t *cells, size_t n, size_t total, const unsigned char *det)
{
	size_t h[2 * SDC_MAX_DIM + 2], var[2 * SDC_MAX_DIM + 2], k, nh = 0;
	struct sdc_cell g;
	int rc;

	if (!t->cell[total].exists || !det[base + total])
		return SD_OK;
	for (k = 0; k < n; k++) {
		const struct sdc_cell *c = &t->cell[cells[k]];
		if (c->exists && sdc_is_suppressed(c->st)) {
			h[nh] = cells[k];
			var[nh] = base + cells[k];
			nh++;
		}
	}
	if (nh < 2 || union_known(s, var, nh))
		return SD_OK;
	if ((rc = sdc_rules_group(t, h, nh, &s->par, &g)) != SD_OK) {
		free(g.con);
		return rc;
	}
	free(g.con);
	if (!sdc_is_primary(g.st))
		return SD_OK;
	if (s->nuni == s->capuni) {
		size_t cap = s->capuni ? s->capuni * 2 : 16;
		struct sdc_union *x = realloc(s->uni, cap * sizeof(*x));
		if (x == NULL)
			return SD_E_NOMEM;
		s->uni = x;
		s->capuni = cap;
	}
	{
		struct sdc_union *u = &s->uni[s->nuni];
		memset(u, 0, sizeof(*u));
		if ((u->var = calloc(nh, sizeof(*u->var))) == NULL)
			return SD_E_NOMEM;
		memcpy(u->var, var, nh * sizeof(*var));
		u->n = nh;
		u->X = (double)g.value;
		u->upl = g.upl;
		u->lpl = g.lpl;
		u->old = old;
		s->nuni++;
	}
	return SD_OK;
}

static int
unions_find(sdc_sys *s)
{
	unsigned char *det = NULL;
	size_t ti, r, c, cells[SDC_MAX_DIM + 1];
	int rc;

	if ((det = calloc(s->nvar + 1, 1)) == NULL)
		return SD_E_NOMEM;
	if ((rc = sdc_determined(s, det)) != SD_OK)
		goto done;
	for (ti = 0; ti < s->ntab && rc == SD_OK; ti++) {
		const sdc_table *t = s->tab[ti];
		size_t base = s->tabbase[ti];
		int old = s->tabnew[ti] == 0;
		if (s->tabnew[ti] == 2 || t->nrows > SDC_MAX_DIM)
			continue;
		for (r = 0; t->cadd && r <= t->nrows && rc == SD_OK; r++) {
			for (c = 0; c < t->ncols; c++)
				cells[c] = r * t->stride + c;
			rc = union_line(s, t, base, old, cells, t->ncols,
			    r * t->stride + t->ncols, det);
		}
		for (c = 0; t->radd && c <= t->ncols && rc == SD_OK; c++) {
			for (r = 0; r < t->nrows; r++)
				cells[r] = r * t->stride + c;
			rc = union_line(s, t, base, old, cells, t->nrows,
			    t->nrows * t->stride + c, det);
		}
	}
done:
	free(det);
	return rc;
}

static int
alone_union(const sdc_sys *s, const struct sdc_att *a, size_t u)
{
	size_t k;

	for (k = 0; k < s->uni[u].n; k++)
		if (!sdc_att_alone(a, s->uni[u].var[k]))
			return 0;
	return 1;
}

/* A union of an earlier release that no pattern of this one can protect
 * was exposed before: this release is not what exposes it. */
static int
union_beyond(sdc_sys *s, size_t u, int up, double level, int *beyond)
{
	int ok = 0, rc;

	*beyond = 0;
	if (!s->uni[u].old)
		return SD_OK;
	rc = sdc_lp_deviate_union(s, u, up, level, SDC_OUTSIDER, SDC_LP_CHOOSE,
	    &ok);
	*beyond = !ok;
	return rc;
}

static int
check_union(sdc_sys *s, size_t u, const unsigned char *play, size_t *bad)
{
	const struct sdc_union *x = &s->uni[u];
	double lo = 0.0, hi = 0.0;
	size_t a;
	int d, rc, ok = 0, beyond = 0;

	if ((rc = sdc_lp_interval_union(s, u, &lo, &hi)) != SD_OK)
		return rc;
	for (d = 0; d < 2; d++) {
		int up = d == 0;
		double level = up ? x->upl : x->lpl;
		double room = up ? (double)INFINITY :
		    sdc_union_room(s, u, SDC_OUTSIDER);
		if (level <= 0.0)
			continue;
		if (!meets(s, up ? hi - x->X : x->X - lo, level, room)) {
			if ((rc = union_beyond(s, u, up, sdc_target(s, level,
			    room), &beyond)) != SD_OK)
				return rc;
			if (beyond)
				continue;
			if ((rc = sdc_req_add_union(s, u, up, SDC_OUTSIDER,
			    level)) != SD_OK)
				return rc;
			(*bad)++;
			continue;
		}
		if ((rc = sdc_lp_deviate_union(s, u, up, sdc_target(s, level,
		    room), SDC_ROBUST, SDC_LP_FROZEN, &ok)) != SD_OK)
			return rc;
		if (ok)
			continue;
		for (a = 0; a < s->natt; a++) {
			struct sdc_pool *p;
			double la, ta;
			if (!play[a] || alone_union(s, &s->att[a], u))
				continue;
			la = up ? level : sdc_union_lower(s, u, a);
			if (la <= 0.0)
				continue;
			ta = sdc_target(s, la, up ? (double)INFINITY :
			    sdc_union_room(s, u, a));
			if ((p = upool_of(s, u, up)) == NULL)
				return SD_E_NOMEM;
			if (pool_covers(s, p, ta / s->scale, &s->att[a]))
				continue;
			if ((rc = sdc_lp_deviate_union(s, u, up, ta, a,
			    SDC_LP_FROZEN, &ok)) != SD_OK)
				return rc;
			if (ok) {
				rc = pool_add(s, p, ta);
				sdc_lp_settle(s);
				if (rc != SD_OK)
					return rc;
				continue;
			}
			if ((rc = union_beyond(s, u, up, ta, &beyond)) != SD_OK)
				return rc;
			if (beyond)
				continue;
			if ((rc = sdc_req_add_union(s, u, up, a, la)) != SD_OK)
				return rc;
			(*bad)++;
		}
	}
	return SD_OK;
}

int
sdc_audit(sdc_sys *s, size_t *first, size_t *bad)
{
	unsigned char *play = NULL;
	sd_progress *prog = NULL;
	size_t i, nprim = 0, done = 0;
	int rc, any;

	*bad = 0;
	*first = s->nreq;
	if ((rc = pools_ready(s)) != SD_OK)
		return rc;
	do {
		if ((rc = intervals(s)) != SD_OK)
			return rc;
	} while (publish_exact(s) > 0);
	/* who knows something that is not published depends on the pattern;
	 * certificates stay valid, they say nothing of who checks them */
	if ((rc = sdc_attackers_refresh(s)) != SD_OK)
		return rc;
	if ((play = calloc(s->natt + 1, 1)) == NULL)
		return SD_E_NOMEM;
	any = in_play(s, play);
	for (i = 0; i < s->nvar; i++) {
		const struct sdc_cell *c = sdc_var_cell(s, i);
		nprim += c != NULL && c->exists && sdc_is_primary(c->st);
	}
	prog = sdc_progress_for(s, "auditing the protection", "cells", nprim);
	for (i = 0; i < s->nvar && rc == SD_OK; i++) {
		const struct sdc_cell *c = sdc_var_cell(s, i);
		if (c == NULL || !c->exists || !sdc_is_primary(c->st))
			continue;
		rc = check_cell(s, i, play, any, bad);
		sd_progress_set(prog, ++done);
	}
	sd_progress_end(prog);
	/* the sums of hidden cells that lines give away */
	if (rc == SD_OK)
		rc = unions_find(s);
	for (i = 0; i < s->nuni && rc == SD_OK; i++)
		rc = check_union(s, i, play, bad);
	free(play);
	return rc;
}
