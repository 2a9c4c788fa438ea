#include "ledger.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sd_err.h"

static const char *const ledger_sql =
    "CREATE TABLE IF NOT EXISTS releases("
    "  id INTEGER PRIMARY KEY, day TEXT NOT NULL, kind TEXT NOT NULL,"
    "  title TEXT NOT NULL, period TEXT NOT NULL, params TEXT NOT NULL,"
    "  records BLOB NOT NULL, n_records INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS release_tables("
    "  release INTEGER NOT NULL, idx INTEGER NOT NULL, title TEXT NOT NULL,"
    "  rows TEXT NOT NULL, cols TEXT NOT NULL, measure TEXT NOT NULL,"
    "  filters TEXT NOT NULL, period_from INTEGER, period_to INTEGER,"
    "  rows_first INTEGER NOT NULL, rows_n INTEGER NOT NULL,"
    "  cols_first INTEGER NOT NULL, cols_n INTEGER NOT NULL,"
    "  PRIMARY KEY(release, idx));"
    "CREATE TABLE IF NOT EXISTS release_cells("
    "  release INTEGER NOT NULL, idx INTEGER NOT NULL, row INTEGER NOT NULL,"
    "  col INTEGER NOT NULL, status TEXT NOT NULL, value INTEGER,"
    "  PRIMARY KEY(release, idx, row, col));";

/* Limits on what a ledger may hold, against a damaged or edited store. */
#define LEDGER_MAX_RELEASES 100000
#define LEDGER_MAX_TABLES 256
#define LEDGER_MAX_CELLS 2000000
#define LEDGER_MAX_RANGES 50000000

void
seqset_init(struct seqset *s)
{
	memset(s, 0, sizeof(*s));
}

void
seqset_free(struct seqset *s)
{
	free(s->lo);
	free(s->hi);
	seqset_init(s);
}

static int
seqset_push(struct seqset *s, int64_t lo, int64_t hi)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		int64_t *a, *b;
		if (cap > LEDGER_MAX_RANGES)
			return SD_E_TOOBIG;
		a = realloc(s->lo, cap * sizeof(*a));
		if (a == NULL)
			return SD_E_NOMEM;
		s->lo = a;
		b = realloc(s->hi, cap * sizeof(*b));
		if (b == NULL)
			return SD_E_NOMEM;
		s->hi = b;
		s->cap = cap;
	}
	s->lo[s->n] = lo;
	s->hi[s->n] = hi;
	s->n++;
	return SD_OK;
}

int
seqset_add(struct seqset *s, int64_t seq)
{
	if (s->n > 0 && seq <= s->hi[s->n - 1]) {
		if (seq >= s->lo[s->n - 1])
			return SD_OK;
		return SD_E_INVAL;
	}
	if (s->n > 0 && seq == s->hi[s->n - 1] + 1) {
		s->hi[s->n - 1] = seq;
		return SD_OK;
	}
	return seqset_push(s, seq, seq);
}

int
seqset_has(const struct seqset *s, int64_t seq)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->hi[mid] < seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->n && s->lo[lo] <= seq && seq <= s->hi[lo];
}

size_t
seqset_count(const struct seqset *s)
{
	size_t i, n = 0;

	for (i = 0; i < s->n; i++)
		n += (size_t)(s->hi[i] - s->lo[i] + 1);
	return n;
}

/* Ranges as little-endian pairs of int64: first seq, count. */
static int
seqset_encode(const struct seqset *s, uint8_t **out, size_t *len)
{
	uint8_t *b = NULL;
	size_t i, k;

	*out = NULL;
	*len = s->n * 16;
	if ((b = malloc(*len + 1)) == NULL)
		return SD_E_NOMEM;
	for (i = 0; i < s->n; i++) {
		uint64_t a = (uint64_t)s->lo[i];
		uint64_t c = (uint64_t)(s->hi[i] - s->lo[i] + 1);
		for (k = 0; k < 8; k++) {
			b[16 * i + k] = (uint8_t)(a >> (8 * k));
			b[16 * i + 8 + k] = (uint8_t)(c >> (8 * k));
		}
	}
	*out = b;
	return SD_OK;
}

static int
seqset_decode(struct seqset *s, const uint8_t *b, size_t len)
{
	size_t i, k;
	int rc;

	seqset_init(s);
	if (len % 16 != 0)
		return SD_E_FORMAT;
	for (i = 0; i < len / 16; i++) {
		uint64_t a = 0, c = 0;
		for (k = 0; k < 8; k++) {
			a |= (uint64_t)b[16 * i + k] << (8 * k);
			c |= (uint64_t)b[16 * i + 8 + k] << (8 * k);
		}
		if (c == 0 || a > (uint64_t)INT64_MAX - c ||
		    (s->n > 0 && (int64_t)a <= s->hi[s->n - 1]))
			return SD_E_FORMAT;
		if ((rc = seqset_push(s, (int64_t)a, (int64_t)(a + c - 1))) !=
		    SD_OK)
			return rc;
	}
	return SD_OK;
}

static int
has_ledger(sqlite3 *db, int *yes)
{
	sqlite3_stmt *st = NULL;
	int rc = SD_E_IO;

	*yes = 0;
	if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE "
	    "type = 'table' AND name = 'releases'", -1, &st, NULL) != SQLITE_OK)
		return SD_E_IO;
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		*yes = 1;
		rc = SD_OK;
		break;
	case SQLITE_DONE:
		rc = SD_OK;
		break;
	default:
		break;
	}
	sqlite3_finalize(st);
	return rc;
}

static void
text_col(sqlite3_stmt *st, int i, char *out, size_t cap, int *bad)
{
	const unsigned char *v = sqlite3_column_text(st, i);
	size_t n = v == NULL ? 0 : (size_t)sqlite3_column_bytes(st, i);

	if (v == NULL || n >= cap) {
		*bad = 1;
		out[0] = '\0';
		return;
	}
	memcpy(out, v, n);
	out[n] = '\0';
}

static int
params_parse(const char *text, struct sdc_params *p)
{
	unsigned th = 0, nk = 0;
	double pp = 0, k = 0, fr = 0;
	unsigned long em = 0;

	sdc_params_default(p);
	if (sscanf(text, "threshold=%u p=%lf nk=%u,%lf freq=%lf exact=%lu",
	    &th, &pp, &nk, &k, &fr, &em) != 6)
		return SD_E_FORMAT;
	p->threshold = th;
	p->p = pp;
	p->nk_n = nk;
	p->nk_k = k;
	p->freq_range = fr;
	p->exact_max_cells = em;
	return sdc_params_valid(p) ? SD_OK : SD_E_FORMAT;
}

static int
load_releases(sqlite3 *db, struct ledger_release **out, size_t *n)
{
	sqlite3_stmt *st = NULL;
	struct ledger_release *r = NULL;
	size_t cap = 0;
	int rc = SD_E_IO, step, bad = 0;

	if (sqlite3_prepare_v2(db, "SELECT id, day, kind, title, period, "
	    "params, records FROM releases ORDER BY id", -1, &st, NULL) !=
	    SQLITE_OK)
		return SD_E_IO;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct ledger_release *x;
		char params[256];
		if (*n == cap) {
			struct ledger_release *g;
			cap = cap ? cap * 2 : 8;
			if (cap > LEDGER_MAX_RELEASES) {
				rc = SD_E_TOOBIG;
				goto done;
			}
			if ((g = realloc(r, cap * sizeof(*r))) == NULL) {
				rc = SD_E_NOMEM;
				goto done;
			}
			r = g;
		}
		x = &r[*n];
		memset(x, 0, sizeof(*x));
		(*n)++;
		x->id = sqlite3_column_int64(st, 0);
		text_col(st, 1, x->day, sizeof(x->day), &bad);
		text_col(st, 2, x->kind, sizeof(x->kind), &bad);
		text_col(st, 3, x->title, sizeof(x->title), &bad);
		text_col(st, 4, x->period, sizeof(x->period), &bad);
		text_col(st, 5, params, sizeof(params), &bad);
		if (bad || params_parse(params, &x->par) != SD_OK ||
		    seqset_decode(&x->rec, sqlite3_column_blob(st, 6),
		    (size_t)sqlite3_column_bytes(st, 6)) != SD_OK) {
			rc = SD_E_FORMAT;
			goto done;
		}
	}
	rc = step == SQLITE_DONE ? SD_OK : SD_E_IO;
done:
	sqlite3_finalize(st);
	*out = r;
	return rc;
}

static struct ledger_release *
release_by_id(struct ledger_release *r, size_t n, int64_t id)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (r[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && r[lo].id == id ? &r[lo] : NULL;
}

static int
load_tables(sqlite3 *db, struct ledger_release *r, size_t n)
{
	sqlite3_stmt *st = NULL;
	int rc = SD_E_FORMAT, step, bad = 0;

	if (sqlite3_prepare_v2(db, "SELECT release, idx, title, rows, cols, "
	    "measure, filters, period_from, period_to, rows_first, rows_n, "
	    "cols_first, cols_n FROM release_tables ORDER BY release, idx", -1,
	    &st, NULL) != SQLITE_OK)
		return SD_E_IO;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct ledger_release *x = release_by_id(r, n,
		    sqlite3_column_int64(st, 0));
		struct ledger_table *t, *g;
		if (x == NULL || sqlite3_column_int64(st, 1) != (int64_t)x->ntab ||
		    x->ntab >= LEDGER_MAX_TABLES)
			goto done;
		if ((g = realloc(x->tab, (x->ntab + 1) * sizeof(*g))) == NULL) {
			rc = SD_E_NOMEM;
			goto done;
		}
		x->tab = g;
		t = &x->tab[x->ntab++];
		memset(t, 0, sizeof(*t));
		text_col(st, 2, t->title, sizeof(t->title), &bad);
		text_col(st, 3, t->rows, sizeof(t->rows), &bad);
		text_col(st, 4, t->cols, sizeof(t->cols), &bad);
		text_col(st, 5, t->measure, sizeof(t->measure), &bad);
		text_col(st, 6, t->filters, sizeof(t->filters), &bad);
		t->period_set = sqlite3_column_type(st, 7) != SQLITE_NULL;
		t->period_from = (unsigned)sqlite3_column_int64(st, 7);
		t->period_to = (unsigned)sqlite3_column_int64(st, 8);
		t->rows_first = (unsigned)sqlite3_column_int64(st, 9);
		t->rows_n = (size_t)sqlite3_column_int64(st, 10);
		t->cols_first = (unsigned)sqlite3_column_int64(st, 11);
		t->cols_n = (size_t)sqlite3_column_int64(st, 12);
		if (bad)
			goto done;
	}
	rc = step == SQLITE_DONE ? SD_OK : SD_E_IO;
done:
	sqlite3_finalize(st);
	return rc;
}

static int
load_cells(sqlite3 *db, struct ledger_release *r, size_t n)
{
	sqlite3_stmt *st = NULL;
	size_t total = 0;
	int rc = SD_E_FORMAT, step;

	if (sqlite3_prepare_v2(db, "SELECT release, idx, row, col, status, "
	    "value FROM release_cells ORDER BY release, idx, row, col", -1,
	    &st, NULL) != SQLITE_OK)
		return SD_E_IO;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct ledger_release *x = release_by_id(r, n,
		    sqlite3_column_int64(st, 0));
		int64_t idx = sqlite3_column_int64(st, 1);
		const unsigned char *stxt = sqlite3_column_text(st, 4);
		struct ledger_table *t;
		struct ledger_cell *c, *g;
		if (x == NULL || idx < 0 || idx >= (int64_t)x->ntab ||
		    stxt == NULL || sqlite3_column_bytes(st, 4) != 1 ||
		    ++total > LEDGER_MAX_CELLS)
			goto done;
		t = &x->tab[idx];
		if ((g = realloc(t->cell, (t->ncell + 1) * sizeof(*g))) == NULL) {
			rc = SD_E_NOMEM;
			goto done;
		}
		t->cell = g;
		c = &t->cell[t->ncell++];
		c->row = (uint32_t)sqlite3_column_int64(st, 2);
		c->col = (uint32_t)sqlite3_column_int64(st, 3);
		c->status = (char)stxt[0];
		c->value = sqlite3_column_type(st, 5) == SQLITE_NULL ? -1 :
		    sqlite3_column_int64(st, 5);
	}
	rc = step == SQLITE_DONE ? SD_OK : SD_E_IO;
done:
	sqlite3_finalize(st);
	return rc;
}

int
ledger_load(astore *s, struct ledger_release **out, size_t *n)
{
	sqlite3 *db = astore_db(s);
	int rc, yes = 0;

	*out = NULL;
	*n = 0;
	if ((rc = has_ledger(db, &yes)) != SD_OK || !yes)
		return rc;
	if ((rc = load_releases(db, out, n)) != SD_OK ||
	    (rc = load_tables(db, *out, *n)) != SD_OK ||
	    (rc = load_cells(db, *out, *n)) != SD_OK) {
		ledger_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

void
ledger_free_one(struct ledger_release *r)
{
	size_t k;

	for (k = 0; r->tab != NULL && k < r->ntab; k++)
		free(r->tab[k].cell);
	free(r->tab);
	seqset_free(&r->rec);
	r->tab = NULL;
	r->ntab = 0;
}

void
ledger_free(struct ledger_release *r, size_t n)
{
	size_t i;

	for (i = 0; r != NULL && i < n; i++)
		ledger_free_one(&r[i]);
	free(r);
}

int
ledger_next_id(astore *s, int64_t *id)
{
	sqlite3 *db = astore_db(s);
	sqlite3_stmt *st = NULL;
	int rc = SD_E_IO, yes = 0;

	*id = 1;
	if ((rc = has_ledger(db, &yes)) != SD_OK || !yes)
		return rc;
	if (sqlite3_prepare_v2(db, "SELECT coalesce(max(id), 0) + 1 FROM "
	    "releases", -1, &st, NULL) != SQLITE_OK)
		return SD_E_IO;
	if (sqlite3_step(st) == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		rc = SD_OK;
	} else {
		rc = SD_E_IO;
	}
	sqlite3_finalize(st);
	return rc;
}

static int
put_release(sqlite3 *db, const struct ledger_release *r)
{
	sqlite3_stmt *st = NULL;
	char params[256];
	uint8_t *rec = NULL;
	size_t len = 0;
	int rc;

	snprintf(params, sizeof(params), "threshold=%u p=%.17g nk=%u,%.17g "
	    "freq=%.17g exact=%lu", r->par.threshold, r->par.p, r->par.nk_n,
	    r->par.nk_k, r->par.freq_range,
	    (unsigned long)r->par.exact_max_cells);
	if ((rc = seqset_encode(&r->rec, &rec, &len)) != SD_OK)
		return rc;
	rc = SD_E_IO;
	if (sqlite3_prepare_v2(db, "INSERT INTO releases VALUES(?1, ?2, ?3, "
	    "?4, ?5, ?6, ?7, ?8)", -1, &st, NULL) != SQLITE_OK)
		goto done;
	sqlite3_bind_int64(st, 1, r->id);
	sqlite3_bind_text(st, 2, r->day, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, r->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, r->title, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, r->period, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, params, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 7, rec, (int)len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, (int64_t)seqset_count(&r->rec));
	if (sqlite3_step(st) == SQLITE_DONE)
		rc = SD_OK;
done:
	sqlite3_finalize(st);
	free(rec);
	return rc;
}

static int
put_table(sqlite3 *db, int64_t id, size_t idx, const struct ledger_table *t)
{
	sqlite3_stmt *st = NULL;
	int rc = SD_E_IO;

	if (sqlite3_prepare_v2(db, "INSERT INTO release_tables VALUES(?1, ?2, "
	    "?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)", -1, &st, NULL) !=
	    SQLITE_OK)
		return SD_E_IO;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, (int64_t)idx);
	sqlite3_bind_text(st, 3, t->title, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, t->rows, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, t->cols, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, t->measure, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, t->filters, -1, SQLITE_STATIC);
	if (t->period_set) {
		sqlite3_bind_int64(st, 8, t->period_from);
		sqlite3_bind_int64(st, 9, t->period_to);
	}
	sqlite3_bind_int64(st, 10, t->rows_first);
	sqlite3_bind_int64(st, 11, (int64_t)t->rows_n);
	sqlite3_bind_int64(st, 12, t->cols_first);
	sqlite3_bind_int64(st, 13, (int64_t)t->cols_n);
	if (sqlite3_step(st) == SQLITE_DONE)
		rc = SD_OK;
	sqlite3_finalize(st);
	return rc;
}

static int
put_cells(sqlite3 *db, int64_t id, size_t idx, const struct ledger_table *t)
{
	sqlite3_stmt *st = NULL;
	char status[2] = { 0, 0 };
	size_t k;
	int rc = SD_OK;

	if (sqlite3_prepare_v2(db, "INSERT INTO release_cells VALUES(?1, ?2, "
	    "?3, ?4, ?5, ?6)", -1, &st, NULL) != SQLITE_OK)
		return SD_E_IO;
	for (k = 0; k < t->ncell && rc == SD_OK; k++) {
		const struct ledger_cell *c = &t->cell[k];
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		status[0] = c->status;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, (int64_t)idx);
		sqlite3_bind_int64(st, 3, c->row);
		sqlite3_bind_int64(st, 4, c->col);
		sqlite3_bind_text(st, 5, status, 1, SQLITE_TRANSIENT);
		if (c->value >= 0)
			sqlite3_bind_int64(st, 6, c->value);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = SD_E_IO;
	}
	sqlite3_finalize(st);
	return rc;
}

int
ledger_put(astore *s, const struct ledger_release *r)
{
	sqlite3 *db = astore_db(s);
	size_t i;
	int rc;

	if (sqlite3_exec(db, ledger_sql, NULL, NULL, NULL) != SQLITE_OK)
		return SD_E_IO;
	if ((rc = put_release(db, r)) != SD_OK)
		return rc;
	for (i = 0; i < r->ntab; i++)
		if ((rc = put_table(db, r->id, i, &r->tab[i])) != SD_OK ||
		    (rc = put_cells(db, r->id, i, &r->tab[i])) != SD_OK)
			return rc;
	return SD_OK;
}
