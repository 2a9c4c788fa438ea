#include "ingest.h"

#include <sodium.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "args.h"
#include "sd_encode.h"
#include "sd_err.h"
#include "sd_progress.h"

#define STORE_ID_HEX 32

struct batch_meta {
	char channel_id[2 * SD_CHANNEL_ID_BYTES + 1];
	char store_id[STORE_ID_HEX + 1];   /* '' in batches without one */
	uint8_t prev_chain[ASTORE_CHAIN_BYTES];
	int64_t first_seq, last_seq, count;
};

/* State of the pass over a batch's rows. */
struct pass {
	astore *s;
	const char *chain_id;     /* the batch's intake store */
	struct astore_tip tip;    /* of that chain */
	uint8_t prev[ASTORE_CHAIN_BYTES];
	int64_t expect;
	int64_t ingest_id;
	struct ingest_result *res;
	sd_progress *progress;  /* on a terminal only */
};

static int
refuse(struct ingest_result *res, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
refuse(struct ingest_result *res, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(res->refused, sizeof(res->refused), fmt, ap);
	va_end(ap);
	return rc;
}

static int
meta_value(sqlite3 *db, const char *key, char *out, size_t cap)
{
	sqlite3_stmt *st = NULL;
	int rc = SD_E_FORMAT;
	const unsigned char *v;
	int n;

	if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = ?1",
	    -1, &st, NULL) != SQLITE_OK)
		goto done;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW ||
	    sqlite3_column_type(st, 0) != SQLITE_TEXT ||
	    (v = sqlite3_column_text(st, 0)) == NULL)
		goto done;
	n = sqlite3_column_bytes(st, 0);
	if (n < 0 || (size_t)n >= cap)
		goto done;
	memcpy(out, v, (size_t)n + 1);
	rc = SD_OK;
done:
	sqlite3_finalize(st);
	return rc;
}

static int
meta_int(sqlite3 *db, const char *key, int64_t *out)
{
	char buf[32];
	unsigned long long v = 0;

	if (meta_value(db, key, buf, sizeof(buf)) != SD_OK ||
	    args_uint(buf, INT64_MAX / 2, &v) != SD_OK)
		return SD_E_FORMAT;
	*out = (int64_t)v;
	return SD_OK;
}

static int
is_hex(const char *s, size_t n)
{
	size_t i;

	if (strlen(s) != n)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

static int
read_meta(sqlite3 *db, struct batch_meta *m, struct ingest_result *res)
{
	char fmt[64], prev[2 * ASTORE_CHAIN_BYTES + 1];
	size_t n = 0;

	if (meta_value(db, "format", fmt, sizeof(fmt)) != SD_OK)
		return refuse(res, SD_E_FORMAT, "not an export batch (no "
		    "readable meta 'format'); give a file written by "
		    "'sealdrop-server export'");
	if (strcmp(fmt, INGEST_BATCH_FORMAT) != 0)
		return refuse(res, SD_E_FORMAT, "batch format '%.64s' is not "
		    INGEST_BATCH_FORMAT, fmt);
	if (meta_value(db, "channel_id", m->channel_id,
	    sizeof(m->channel_id)) != SD_OK ||
	    !is_hex(m->channel_id, 2 * SD_CHANNEL_ID_BYTES))
		return refuse(res, SD_E_FORMAT, "batch meta 'channel_id' is "
		    "missing or not 32 hex digits");
	/* optional: batches of stores made before stores had an id */
	m->store_id[0] = '\0';
	if (meta_value(db, "store_id", m->store_id, sizeof(m->store_id)) !=
	    SD_OK)
		m->store_id[0] = '\0';
	if (m->store_id[0] != '\0' && !is_hex(m->store_id, STORE_ID_HEX))
		return refuse(res, SD_E_FORMAT, "batch meta 'store_id' is not "
		    "32 hex digits");
	if (meta_value(db, "prev_chain", prev, sizeof(prev)) != SD_OK ||
	    !is_hex(prev, 2 * ASTORE_CHAIN_BYTES) ||
	    sd_hex_decode(m->prev_chain, sizeof(m->prev_chain), &n, prev,
	    strlen(prev)) != SD_OK)
		return refuse(res, SD_E_FORMAT, "batch meta 'prev_chain' is "
		    "missing or not 64 hex digits");
	if (meta_int(db, "first_seq", &m->first_seq) != SD_OK ||
	    meta_int(db, "last_seq", &m->last_seq) != SD_OK ||
	    meta_int(db, "count", &m->count) != SD_OK)
		return refuse(res, SD_E_FORMAT, "batch meta 'first_seq', "
		    "'last_seq' or 'count' is missing or not a number");
	if (m->first_seq == 1 && !sodium_is_zero(m->prev_chain,
	    sizeof(m->prev_chain)))
		return refuse(res, SD_E_FORMAT, "batch meta 'prev_chain' must be "
		    "zero before the first row of a chain");
	if (m->count > 0 && (m->first_seq < 1 ||
	    m->last_seq - m->first_seq + 1 != m->count))
		return refuse(res, SD_E_FORMAT, "batch meta is inconsistent: "
		    "first_seq %lld, last_seq %lld, count %lld",
		    (long long)m->first_seq, (long long)m->last_seq,
		    (long long)m->count);
	return SD_OK;
}

static int
is_receipt(const unsigned char *r, int n)
{
	int i;

	if (r == NULL || n != SD_RECEIPT_LEN)
		return 0;
	for (i = 0; i < n; i++)
		if (!((r[i] >= 'a' && r[i] <= 'z') ||
		    (r[i] >= '2' && r[i] <= '7')))
			return 0;
	return 1;
}

/* Column types and sizes of one batch row, copied into row. */
static int
row_fields(sqlite3_stmt *st, struct astore_row *row, struct ingest_result *res)
{
	int64_t seq = sqlite3_column_int64(st, 0);
	const unsigned char *day = sqlite3_column_text(st, 2);

	if (sqlite3_column_type(st, 0) != SQLITE_INTEGER)
		return refuse(res, SD_E_FORMAT, "a row's seq is not an "
		    "integer");
	row->seq = seq;
	if (!is_receipt(sqlite3_column_text(st, 1),
	    sqlite3_column_bytes(st, 1)))
		return refuse(res, SD_E_FORMAT, "row seq %lld: receipt is not "
		    "32 base32 characters", (long long)seq);
	memcpy(row->receipt, sqlite3_column_text(st, 1), SD_RECEIPT_LEN + 1);
	if (day == NULL || sqlite3_column_bytes(st, 2) != 10 ||
	    !sd_date_valid((const char *)day))
		return refuse(res, SD_E_FORMAT, "row seq %lld: day is not a "
		    "date YYYY-MM-DD", (long long)seq);
	memcpy(row->day, day, 11);
	if (sqlite3_column_type(st, 4) != SQLITE_BLOB ||
	    sqlite3_column_bytes(st, 4) <= 0 ||
	    sqlite3_column_int64(st, 3) != sqlite3_column_bytes(st, 4))
		return refuse(res, SD_E_FORMAT, "row seq %lld: envelope is "
		    "missing or its size column is wrong", (long long)seq);
	row->envelope = sqlite3_column_blob(st, 4);
	row->len = (size_t)sqlite3_column_bytes(st, 4);
	if (sqlite3_column_type(st, 5) != SQLITE_BLOB ||
	    sqlite3_column_bytes(st, 5) != ASTORE_CHAIN_BYTES)
		return refuse(res, SD_E_FORMAT, "row seq %lld: chain is not "
		    "32 bytes", (long long)seq);
	memcpy(row->chain, sqlite3_column_blob(st, 5), ASTORE_CHAIN_BYTES);
	return SD_OK;
}

/* The chain hash and the envelope's structure and receipt. */
static int
row_verify(struct pass *p, struct astore_row *row)
{
	struct sd_envelope_view v;
	crypto_generichash_state h;
	uint8_t chain[ASTORE_CHAIN_BYTES];
	char receipt[SD_RECEIPT_LEN + 1];
	int rc;

	if (row->seq != p->expect)
		return refuse(p->res, SD_E_FORMAT, "gap in the batch: row seq "
		    "%lld where %lld was expected", (long long)row->seq,
		    (long long)p->expect);
	crypto_generichash_init(&h, NULL, 0, sizeof(chain));
	crypto_generichash_update(&h, p->prev, sizeof(p->prev));
	crypto_generichash_update(&h, (const uint8_t *)row->receipt,
	    SD_RECEIPT_LEN);
	crypto_generichash_final(&h, chain, sizeof(chain));
	if (sodium_memcmp(chain, row->chain, sizeof(chain)) != 0)
		return refuse(p->res, SD_E_FORMAT, "chain hash of row seq %lld "
		    "does not match: the batch was modified or damaged",
		    (long long)row->seq);
	if ((rc = sd_envelope_parse(row->envelope, row->len, &v)) != SD_OK)
		return refuse(p->res, SD_E_FORMAT, "envelope of row seq %lld "
		    "(receipt %s) is malformed: %s", (long long)row->seq,
		    row->receipt, sd_strerror(rc));
	sd_receipt_id(receipt, row->envelope, row->len);
	if (strcmp(receipt, row->receipt) != 0)
		return refuse(p->res, SD_E_FORMAT, "envelope of row seq %lld "
		    "does not match its receipt %s: it was modified",
		    (long long)row->seq, row->receipt);
	row->stats_end = v.n_sections > 1 ?
	    (size_t)(v.sec[1].start - row->envelope) : row->len;
	memcpy(p->prev, chain, sizeof(chain));
	p->expect++;
	return SD_OK;
}

/* A row this intake chain already has must be the very same row; an
 * envelope the store holds from another chain is linked, not stored
 * again. *skip: 1 known in this chain, 2 envelope known from another. */
static int
row_known(struct pass *p, const struct astore_row *row, int *skip)
{
	char receipt[SD_RECEIPT_LEN + 1];
	uint8_t chain[ASTORE_CHAIN_BYTES];
	int found = 0, rc;

	*skip = 0;
	/* this chain has links up to its tip only */
	if (!p->tip.empty && row->seq <= p->tip.seq &&
	    (rc = astore_link_at(p->s, p->chain_id, row->seq, receipt, chain,
	    &found)) != SD_OK)
		return refuse(p->res, rc, "cannot read the store: %s",
		    astore_errmsg(p->s));
	if (found && (strcmp(receipt, row->receipt) != 0 ||
	    sodium_memcmp(chain, row->chain, sizeof(chain)) != 0))
		return refuse(p->res, SD_E_FORMAT, "row seq %lld differs from "
		    "the row already ingested with that seq from this intake "
		    "store: the batch was forged, or the store was replaced "
		    "(a new store has a new store_id)", (long long)row->seq);
	if (found) {
		*skip = 1;
		return SD_OK;
	}
	if (!p->tip.empty && row->seq <= p->tip.seq)
		return refuse(p->res, SD_E_FORMAT, "row seq %lld precedes the "
		    "ingested chain and cannot be linked to it",
		    (long long)row->seq);
	if ((rc = astore_has_receipt(p->s, row->receipt, &found)) != SD_OK)
		return refuse(p->res, rc, "cannot read the store: %s",
		    astore_errmsg(p->s));
	*skip = found ? 2 : 0;
	return SD_OK;
}

static int
row_take(struct pass *p, struct astore_row *row)
{
	int rc, skip = 0;

	if (!p->tip.empty && row->seq == p->tip.seq + 1 &&
	    p->expect == row->seq &&
	    sodium_memcmp(p->prev, p->tip.chain, sizeof(p->prev)) != 0)
		return refuse(p->res, SD_E_FORMAT, "batch does not continue "
		    "the ingested chain: the chain before seq %lld differs "
		    "from the last one ingested", (long long)row->seq);
	if ((rc = row_verify(p, row)) != SD_OK)
		return rc;
	if ((rc = row_known(p, row, &skip)) != SD_OK)
		return rc;
	if (skip == 1) {
		p->res->skipped++;
		return SD_OK;
	}
	if ((skip == 0 && (rc = astore_put(p->s, row, p->ingest_id)) !=
	    SD_OK) || (rc = astore_link_put(p->s, p->chain_id, row)) != SD_OK)
		return refuse(p->res, rc, "cannot store row seq %lld: %s",
		    (long long)row->seq, astore_errmsg(p->s));
	if (skip == 2)
		p->res->skipped++;
	else
		p->res->added++;
	return SD_OK;
}

static int
continuity(const struct pass *p, const struct batch_meta *m)
{
	if (p->tip.empty || m->count == 0)
		return SD_OK;
	if (m->first_seq > p->tip.seq + 1)
		return refuse(p->res, SD_E_FORMAT, "batch does not continue "
		    "the ingested chain: it starts at seq %lld but the store "
		    "ends at seq %lld; ingest the batches in between first",
		    (long long)m->first_seq, (long long)p->tip.seq);
	return SD_OK;
}

static int
rows_pass(sqlite3 *db, struct pass *p, const struct batch_meta *m)
{
	sqlite3_stmt *st = NULL;
	struct astore_row row;
	int rc = SD_OK, step;

	if (sqlite3_prepare_v2(db, "SELECT seq, receipt, day, size, envelope, "
	    "chain FROM envelopes ORDER BY seq", -1, &st, NULL) != SQLITE_OK) {
		rc = refuse(p->res, SD_E_FORMAT, "batch has no readable "
		    "envelopes table: %s", sqlite3_errmsg(db));
		goto done;
	}
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&row, 0, sizeof(row));
		if ((rc = row_fields(st, &row, p->res)) != SD_OK ||
		    (rc = row_take(p, &row)) != SD_OK)
			goto done;
		p->res->rows++;
		sd_progress_set(p->progress, p->res->rows);
	}
	if (step != SQLITE_DONE) {
		rc = refuse(p->res, SD_E_FORMAT, "cannot read the batch: %s",
		    sqlite3_errmsg(db));
		goto done;
	}
	if ((int64_t)p->res->rows != m->count ||
	    (m->count > 0 && p->expect - 1 != m->last_seq))
		rc = refuse(p->res, SD_E_FORMAT, "batch holds %zu rows but its "
		    "meta says %lld (seq %lld to %lld): rows are missing",
		    p->res->rows, (long long)m->count, (long long)m->first_seq,
		    (long long)m->last_seq);
done:
	sqlite3_finalize(st);
	return rc;
}

/* The columns of a batch's envelopes table, as docs/intake-batch.md has
 * them: name, declared type, primary key position. */
static const struct { const char *name, *type; int pk; } batch_cols[] = {
	{ "seq", "INTEGER", 1 }, { "receipt", "TEXT", 0 }, { "day", "TEXT", 0 },
	{ "size", "INTEGER", 0 }, { "envelope", "BLOB", 0 }, { "chain", "BLOB", 0 },
};

/* A batch comes from the online intake host: only the two tables of the
 * format, with exactly their columns and no generated or hidden ones, and
 * a file that passes SQLite's own consistency check. */
static int
batch_shape(sqlite3 *db, struct ingest_result *res)
{
	sqlite3_stmt *st = NULL;
	size_t i = 0;
	int rc = SD_E_FORMAT, ok = 1;

	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_schema WHERE name "
	    "NOT IN ('meta','envelopes','sqlite_autoindex_meta_1',"
	    "'sqlite_autoindex_envelopes_1')", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW || sqlite3_column_int64(st, 0) != 0)
		ok = 0;
	sqlite3_finalize(st);
	st = NULL;
	if (ok && sqlite3_prepare_v2(db, "PRAGMA table_xinfo(envelopes)", -1, &st,
	    NULL) == SQLITE_OK) {
		while (ok && sqlite3_step(st) == SQLITE_ROW) {
			const char *name = (const char *)sqlite3_column_text(st, 1);
			const char *type = (const char *)sqlite3_column_text(st, 2);
			if (i >= sizeof(batch_cols) / sizeof(batch_cols[0]) ||
			    name == NULL || type == NULL ||
			    strcmp(name, batch_cols[i].name) != 0 ||
			    strcmp(type, batch_cols[i].type) != 0 ||
			    sqlite3_column_int(st, 5) != batch_cols[i].pk ||
			    sqlite3_column_int(st, 6) != 0)
				ok = 0;
			i++;
		}
		ok = ok && i == sizeof(batch_cols) / sizeof(batch_cols[0]);
	} else
		ok = 0;
	sqlite3_finalize(st);
	st = NULL;
	if (!ok)
		return refuse(res, SD_E_FORMAT, "not an export batch: its tables "
		    "are not those of 'sealdrop-server export'");
	if (sqlite3_prepare_v2(db, "PRAGMA quick_check", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW ||
	    strcmp((const char *)sqlite3_column_text(st, 0), "ok") != 0)
		rc = refuse(res, SD_E_FORMAT, "the batch file is damaged (SQLite "
		    "consistency check failed)");
	else
		rc = SD_OK;
	sqlite3_finalize(st);
	return rc;
}

/* Opened immutable: nothing is written beside the batch (no -wal, no
 * -shm on the transfer medium), and no -wal shipped with it is replayed. */
static int
open_batch(const char *path, sqlite3 **db, struct ingest_result *res)
{
	char uri[4096 * 3 + 64];
	size_t o = 0, i;
	static const char hex[] = "0123456789ABCDEF";

	o = (size_t)snprintf(uri, sizeof(uri), "file:");
	for (i = 0; path[i] != '\0'; i++) {
		unsigned char c = (unsigned char)path[i];
		if (o + 4 >= sizeof(uri))
			return refuse(res, SD_E_INVAL, "batch path is too long");
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '/' || c == '.' || c == '-' ||
		    c == '_')
			uri[o++] = (char)c;
		else {
			uri[o++] = '%';
			uri[o++] = hex[c >> 4];
			uri[o++] = hex[c & 15];
		}
	}
	if ((size_t)snprintf(uri + o, sizeof(uri) - o, "?mode=ro&immutable=1") >=
	    sizeof(uri) - o)
		return refuse(res, SD_E_INVAL, "batch path is too long");
	if (sqlite3_open_v2(uri, db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
		return refuse(res, SD_E_IO, "cannot open the batch: %s",
		    *db ? sqlite3_errmsg(*db) : "out of memory");
	if (astore_harden(*db) != SD_OK ||
	    sqlite3_exec(*db, "PRAGMA cell_size_check=ON; PRAGMA mmap_size=0",
	    NULL, NULL, NULL) != SQLITE_OK)
		return refuse(res, SD_E_IO, "cannot set up SQLite defences");
	return batch_shape(*db, res);
}

/* "ingest NAME" and what follows, NAME the batch's file name without its
 * directories */
static const char *
progress_label(char *out, size_t cap, const char *path, const char *then)
{
	const char *base = strrchr(path, '/');

	snprintf(out, cap, "ingest %.40s%s", base != NULL ? base + 1 : path,
	    then);
	return out;
}

/* The chain the batch continues, by its store_id. A store that got its id
 * after earlier batches had none continues the chain '' of those: that
 * chain becomes its own when the batch's prev_chain is the hash ingested
 * at first_seq - 1. */
static int
chain_of(astore *s, struct pass *p, const struct batch_meta *m)
{
	struct astore_tip legacy;
	char receipt[SD_RECEIPT_LEN + 1];
	uint8_t hash[ASTORE_CHAIN_BYTES];
	int found = 0, rc;

	if ((rc = astore_chain_tip(s, p->chain_id, &p->tip)) != SD_OK)
		return refuse(p->res, rc, "cannot read the store: %s",
		    astore_errmsg(s));
	if (!p->tip.empty || p->chain_id[0] == '\0' || m->first_seq <= 1)
		return SD_OK;
	if ((rc = astore_chain_tip(s, "", &legacy)) != SD_OK ||
	    (!legacy.empty && (rc = astore_link_at(s, "", m->first_seq - 1,
	    receipt, hash, &found)) != SD_OK))
		return refuse(p->res, rc, "cannot read the store: %s",
		    astore_errmsg(s));
	if (legacy.empty || !found ||
	    sodium_memcmp(hash, m->prev_chain, sizeof(hash)) != 0)
		return SD_OK;
	if (astore_chain_rename(s, "", p->chain_id) != SD_OK)
		return refuse(p->res, SD_E_IO, "cannot write the store: %s",
		    astore_errmsg(s));
	if ((rc = astore_chain_tip(s, p->chain_id, &p->tip)) != SD_OK)
		return refuse(p->res, rc, "cannot read the store: %s",
		    astore_errmsg(s));
	return SD_OK;
}

/* Verify and store inside one transaction of the store. */
static int
take_batch(astore *s, sqlite3 *db, const char *path, struct pass *p)
{
	struct batch_meta m;
	char label[64];
	int rc;

	memset(&m, 0, sizeof(m));
	if ((rc = read_meta(db, &m, p->res)) != SD_OK)
		return rc;
	memcpy(p->res->channel_id, m.channel_id, sizeof(m.channel_id));
	p->res->first_seq = m.first_seq;
	p->res->last_seq = m.last_seq;
	memcpy(p->res->store_id, m.store_id, sizeof(m.store_id));
	p->chain_id = p->res->store_id;
	if ((rc = chain_of(s, p, &m)) != SD_OK)
		return rc;
	p->res->new_chain = p->tip.empty;
	if ((rc = continuity(p, &m)) != SD_OK)
		return rc;
	memcpy(p->prev, m.prev_chain, sizeof(p->prev));
	p->expect = m.first_seq;
	if (astore_log(s, path, m.channel_id, m.first_seq, m.last_seq, 0, 0,
	    NULL, &p->ingest_id) != SD_OK)
		return refuse(p->res, SD_E_IO, "cannot write the store: %s",
		    astore_errmsg(s));
	p->progress = sd_progress_start(progress_label(label, sizeof(label),
	    path, ""), "envelopes", m.count > 0 ? (uint64_t)m.count : 0);
	rc = rows_pass(db, p, &m);
	sd_progress_end(p->progress);
	p->progress = NULL;
	if (rc != SD_OK)
		return rc;
	if (m.count > 0 && (p->tip.empty || m.last_seq > p->tip.seq) &&
	    astore_set_chain_tip(s, p->chain_id, m.last_seq, p->prev,
	    m.channel_id) != SD_OK)
		return refuse(p->res, SD_E_IO, "cannot write the store: %s",
		    astore_errmsg(s));
	if (astore_log_update(s, p->ingest_id, p->res->added,
	    p->res->skipped) != SD_OK)
		return refuse(p->res, SD_E_IO, "cannot write the store: %s",
		    astore_errmsg(s));
	return SD_OK;
}

int
ingest_batch(astore *s, const char *path, struct ingest_result *res)
{
	struct pass p;
	sqlite3 *db = NULL;
	sd_progress *check = NULL;
	char label[96];
	int rc;

	memset(res, 0, sizeof(*res));
	memset(&p, 0, sizeof(p));
	p.s = s;
	p.res = res;
	/* SQLite's check of a large file takes a while and cannot count */
	check = sd_progress_start(progress_label(label, sizeof(label), path,
	    ": checking the file"), NULL, 0);
	sd_progress_set(check, 0);
	rc = open_batch(path, &db, res);
	sd_progress_end(check);
	if (rc != SD_OK)
		goto done;
	if (astore_begin(s) != SD_OK) {
		rc = refuse(res, SD_E_IO, "cannot write the store: %s",
		    astore_errmsg(s));
		goto done;
	}
	if ((rc = take_batch(s, db, path, &p)) != SD_OK)
		goto rollback;
	if (astore_commit(s) != SD_OK) {
		rc = refuse(res, SD_E_IO, "cannot commit to the store: %s",
		    astore_errmsg(s));
		goto rollback;
	}
	goto done;
rollback:
	astore_rollback(s);
	res->added = 0;
	res->skipped = 0;
	(void)astore_log(s, path, res->channel_id, res->first_seq,
	    res->last_seq, 0, 0, res->refused, NULL);
done:
	sqlite3_close(db);
	return rc;
}
