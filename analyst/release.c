#include "release.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "sd_encode.h"
#include "sd_err.h"

int
release_open(struct release *R, struct query *q, const struct sdc_params *p,
    int draft, const char *kind, const char *title, const char *period,
    const char *cmd)
{
	int rc;

	memset(R, 0, sizeof(*R));
	linked_init(&R->L, &q->rs, p);
	R->draft = draft;
	snprintf(R->kind, sizeof(R->kind), "%s", kind);
	snprintf(R->title, sizeof(R->title), "%s", title);
	snprintf(R->period, sizeof(R->period), "%s", period ? period : "");
	if (draft) {
		snprintf(R->idtext, sizeof(R->idtext), "%s", RELEASE_DRAFT);
		return SD_OK;
	}
	if ((rc = ledger_load(q->s, &R->old, &R->nold)) != SD_OK ||
	    (rc = ledger_next_id(q->s, &R->id)) != SD_OK) {
		args_err(cmd, "cannot read the release ledger of the store: %s "
		    "(%s)", sd_strerror(rc), astore_errmsg(q->s));
		return rc;
	}
	snprintf(R->idtext, sizeof(R->idtext), "%lld", (long long)R->id);
	return SD_OK;
}

void
release_free(struct release *R)
{
	linked_free(&R->L);
	ledger_free(R->old, R->nold);
	memset(R, 0, sizeof(*R));
}

int
release_add(struct release *R, const struct query *q, struct cube_spec *spec,
    const char *title, int pin_total, size_t *index, const char *cmd)
{
	sdc_table *t = NULL;
	int rc;

	if ((rc = cube_build(&q->rs, spec, &t)) != SD_OK) {
		if (rc == SD_E_RANGE)
			args_err(cmd, "cannot build the table '%s': %s; make it of "
			    "a shorter period, or with a filter", title,
			    sd_strerror(rc));
		else
			args_err(cmd, "cannot build the table '%s': %s; choose a "
			    "shorter period for a time dimension", title,
			    sd_strerror(rc));
		return rc;
	}
	/* Tables of one measure share their grand total. Pinned, it is never
	 * a secondary suppression, so the release publishes it everywhere or
	 * the table is refused. */
	if (pin_total && !spec->rows->multi &&
	    (spec->cols == NULL || !spec->cols->multi) &&
	    (rc = sdc_pin_published(t, spec->rows->n,
	    spec->cols ? spec->cols->n : 0)) != SD_OK) {
		sdc_table_free(t);
		return rc;
	}
	*index = R->L.nnew;
	if ((rc = linked_add_new(&R->L, spec, t, title)) != SD_OK) {
		sdc_table_free(t);
		return rc;
	}
	return SD_OK;
}

static const char *
reason(const struct release *R, int rc)
{
	if (R->L.why[0] != '\0')
		return R->L.why;
	return sd_strerror(rc);
}

int
release_protect(struct release *R, int drop, const char *cmd)
{
	int rc;

	if (!R->draft && R->L.nrel == 0 && R->nold > 0 &&
	    (rc = linked_add_ledger(&R->L, R->old, R->nold)) != SD_OK) {
		args_err(cmd, "%s", reason(R, rc));
		return rc;
	}
	for (;;) {
		size_t f;
		rc = linked_protect(&R->L);
		if (rc == SD_OK)
			return SD_OK;
		f = R->L.fail_table;
		if (rc != SD_E_CONFIDENTIAL || !drop || f == LK_NEW ||
		    f >= R->L.nnew) {
			args_err(cmd, "the release cannot be protected: %s; nothing "
			    "was written", reason(R, rc));
			return rc;
		}
		args_err(cmd, "table '%s' is left out: %s", R->L.tab[f].title,
		    reason(R, rc));
		sdc_table_free(R->L.tab[f].t);
		R->L.tab[f].t = NULL;
		R->dropped++;
	}
}

void
release_ptable(const struct release *R, size_t i, struct ptable *pt)
{
	const struct lk_table *x = &R->L.tab[i];

	memset(pt, 0, sizeof(*pt));
	pt->rows = &x->rows;
	pt->cols = x->spec.cols != NULL ? &x->cols : NULL;
	pt->measure = x->spec.measure;
	pt->t = x->t;
	pt->period = x->spec.period.set ? x->spec.period.text : "";
	pt->filter = x->spec.filter;
	pt->n_filters = x->spec.n_filters;
	pt->release = R->idtext;
	pt->draft = R->draft;
	pt->has_span = cube_span(R->L.rs, &x->spec, &pt->span_from,
	    &pt->span_to);
	if (!pt->has_span) {
		struct cube_spec all;
		memset(&all, 0, sizeof(all));
		pt->has_span = cube_span(R->L.rs, &all, &pt->span_from,
		    &pt->span_to);
	}
}

static int
record(struct release *R, const struct query *q, struct ledger_release *out)
{
	size_t i, k;
	int rc;

	memset(out, 0, sizeof(*out));
	out->id = R->id;
	sd_today(out->day);
	snprintf(out->kind, sizeof(out->kind), "%s", R->kind);
	snprintf(out->title, sizeof(out->title), "%s", R->title);
	snprintf(out->period, sizeof(out->period), "%s", R->period);
	out->par = R->L.par;
	seqset_init(&out->rec);
	for (k = 0; k < q->rs.n; k++)
		if ((rc = seqset_add(&out->rec, q->rs.r[k].seq)) != SD_OK)
			return rc;
	if ((out->tab = calloc(R->L.nnew + 1, sizeof(*out->tab))) == NULL)
		return SD_E_NOMEM;
	for (i = 0; i < R->L.nnew; i++) {
		if (R->L.tab[i].t == NULL || !R->L.tab[i].ok)
			continue;
		if ((rc = linked_ledger_table(&R->L, i,
		    &out->tab[out->ntab++])) != SD_OK)
			return rc;
	}
	return SD_OK;
}

int
release_commit(struct release *R, struct query *q, const char *path,
    int force, const sd_buf *b, const char *cmd)
{
	struct ledger_release rel;
	int64_t now = 0;
	int rc;

	if (R->draft)
		return query_write(cmd, path, force, b);
	memset(&rel, 0, sizeof(rel));
	if ((rc = astore_begin(q->s)) != SD_OK) {
		args_err(cmd, "cannot record the release: the store is busy or "
		    "read-only (%s); nothing was written", astore_errmsg(q->s));
		return rc;
	}
	/* another release since this one was audited would not have been in
	 * its audit */
	if ((rc = ledger_next_id(q->s, &now)) != SD_OK || now != R->id) {
		args_err(cmd, "another release was recorded while this one was "
		    "made; run it again so that it is audited with that one");
		rc = rc == SD_OK ? SD_E_INVAL : rc;
		goto fail;
	}
	if ((rc = record(R, q, &rel)) != SD_OK ||
	    (rc = ledger_put(q->s, &rel)) != SD_OK) {
		args_err(cmd, "cannot record the release in the ledger: %s (%s); "
		    "nothing was written", sd_strerror(rc), astore_errmsg(q->s));
		goto fail;
	}
	if ((rc = query_write(cmd, path, force, b)) != SD_OK)
		goto fail;
	if ((rc = astore_commit(q->s)) != SD_OK) {
		args_err(cmd, "the output was written but the ledger could not "
		    "record it (%s); delete the output, it was not released",
		    astore_errmsg(q->s));
		goto fail;
	}
	ledger_free_one(&rel);
	return SD_OK;
fail:
	astore_rollback(q->s);
	ledger_free_one(&rel);
	return rc;
}
