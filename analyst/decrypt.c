#define _POSIX_C_SOURCE 200809L

#include "decrypt.h"

#include <jansson.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "sd_encode.h"
#include "sd_err.h"
#include "sd_mem.h"
#include "sd_open.h"
#include "sd_pad.h"
#include "sd_progress.h"

/* A slot carries up to DEC_BATCH envelopes (or DEC_BATCH_BYTES of them) from
 * the reading thread to a worker and back; a few slots per worker keep the
 * reader ahead without holding more than a few megabytes. */
#define DEC_BATCH 256
#define DEC_BATCH_BYTES (4u * 1024 * 1024)
#define DEC_STATS_PREFIX_MAX (SD_ENV_HEADER_LEN + 2 + \
	255 * SD_ENV_RECIPIENT_LEN + 24 + 8 + 2 * SD_ENV_CHUNK_CT)

enum slot_state { SLOT_FREE, SLOT_READY, SLOT_BUSY, SLOT_DONE };

struct item {
	int64_t seq;
	char receipt[SD_RECEIPT_LEN + 1];
	size_t off, len;
	int ok;
	int followup;           /* an answer of a reporter: never a figure */
	int foreign;            /* sealed to another stats key */
	struct sd_report r;
	char why[DEC_WHY_LEN];
};

struct slot {
	enum slot_state state;
	size_t n;
	struct item *it;
	uint8_t *buf;
	size_t used, cap;
};

struct pool {
	pthread_mutex_t mu;
	pthread_cond_t work_cv, done_cv;
	struct slot *slots;
	size_t nslots;
	size_t produced, taken, consumed;
	int stop;
	const sd_seckey *key;
	char today[11];
};

int
dec_stats_view(const uint8_t *b, size_t n, struct sd_envelope_view *v)
{
	size_t first = 0;

	/* the stored prefix is the header and the stats section, exactly */
	if (sd_envelope_parse_first(b, n, v, &first) != SD_OK || first != n)
		return SD_E_FORMAT;
	return SD_OK;
}

static void
open_item(const struct pool *p, const uint8_t *data, struct item *it,
    uint8_t *plain, size_t cap)
{
	struct sd_envelope_view v;
	struct sd_errlist errs;
	size_t plen = 0;
	int rc;

	it->ok = 0;
	it->followup = 0;
	it->foreign = 0;
	if (dec_stats_view(data, it->len, &v) != SD_OK) {
		snprintf(it->why, sizeof(it->why), "envelope structure is "
		    "damaged");
		return;
	}
	rc = sd_envelope_open_section_into(&v, 0, p->key, plain, cap, &plen);
	if (rc == SD_E_NO_KEY || rc == SD_E_UNSEAL) {
		it->foreign = 1;
		snprintf(it->why, sizeof(it->why), "not sealed to this stats "
		    "key (another channel's key?)");
		return;
	}
	if (rc != SD_OK) {
		snprintf(it->why, sizeof(it->why), "stats section does not "
		    "open: %s", sd_strerror(rc));
		return;
	}
	errs.n = 0;
	if (sd_followup_stats_is((const char *)plain, plen)) {
		sodium_memzero(plain, plen);
		it->followup = 1;
		return;
	}
	rc = sd_report_parse((const char *)plain, plen, p->today, &it->r,
	    &errs);
	sodium_memzero(plain, plen);
	if (rc != SD_OK) {
		snprintf(it->why, sizeof(it->why), "invalid report: %.180s",
		    errs.n > 0 ? errs.msg[0] : sd_strerror(rc));
		sodium_memzero(&it->r, sizeof(it->r));
		return;
	}
	it->ok = 1;
}

static void *
worker(void *arg)
{
	struct pool *p = arg;
	struct slot *sl;
	size_t i, cap = sd_pad_size(SD_STATS_MAX) + 1;
	/* one guarded buffer per worker: a guarded allocation per report
	 * would cost more than the decryption */
	uint8_t *plain = sd_secret_alloc(cap);

	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (!p->stop && p->taken == p->produced)
			pthread_cond_wait(&p->work_cv, &p->mu);
		if (p->taken == p->produced)
			break;
		sl = &p->slots[p->taken % p->nslots];
		p->taken++;
		sl->state = SLOT_BUSY;
		pthread_mutex_unlock(&p->mu);
		for (i = 0; i < sl->n; i++) {
			if (plain == NULL) {
				sl->it[i].ok = 0;
				snprintf(sl->it[i].why, sizeof(sl->it[i].why),
				    "out of guarded memory");
				continue;
			}
			open_item(p, sl->buf + sl->it[i].off, &sl->it[i], plain, cap);
		}
		pthread_mutex_lock(&p->mu);
		sl->state = SLOT_DONE;
		pthread_cond_broadcast(&p->done_cv);
	}
	pthread_mutex_unlock(&p->mu);
	sd_secret_free(plain);
	return NULL;
}

static int
slot_add(struct slot *sl, int64_t seq, const char *receipt,
    const uint8_t *data, size_t len)
{
	struct item *it = &sl->it[sl->n];
	size_t ncap;
	uint8_t *nb;

	if (sl->used + len > sl->cap) {
		ncap = sl->cap ? sl->cap : 64 * 1024;
		while (ncap < sl->used + len)
			ncap *= 2;
		if ((nb = malloc(ncap)) == NULL)
			return SD_E_NOMEM;
		if (sl->buf != NULL) {
			memcpy(nb, sl->buf, sl->used);
			free(sl->buf);
		}
		sl->buf = nb;
		sl->cap = ncap;
	}
	memcpy(sl->buf + sl->used, data, len);
	it->seq = seq;
	memcpy(it->receipt, receipt, SD_RECEIPT_LEN + 1);
	it->off = sl->used;
	it->len = len;
	sl->used += len;
	sl->n++;
	return SD_OK;
}

/* Fill one free slot from the store; *eof when the store is exhausted. */
static int
slot_fill(struct slot *sl, astore_iter *iter, int *eof)
{
	const uint8_t *data = NULL;
	char receipt[SD_RECEIPT_LEN + 1];
	int64_t seq = 0;
	size_t len = 0;
	int rc;

	sl->n = 0;
	sl->used = 0;
	while (sl->n < DEC_BATCH && sl->used < DEC_BATCH_BYTES) {
		rc = astore_iter_next(iter, &seq, receipt, &data, &len);
		if (rc == 0) {
			*eof = 1;
			break;
		}
		if (rc < 0)
			return rc;
		if (data == NULL || len > DEC_STATS_PREFIX_MAX)
			len = 0;
		if ((rc = slot_add(sl, seq, receipt, data ? data :
		    (const uint8_t *)"", len)) != SD_OK)
			return rc;
	}
	return SD_OK;
}

static void
add_reason(struct dec_summary *sum, const struct item *it)
{
	struct dec_reason *r = NULL;
	size_t i;

	sum->refused++;
	for (i = 0; i < sum->n_reasons; i++)
		if (strcmp(sum->reason[i].why, it->why) == 0)
			r = &sum->reason[i];
	if (r == NULL && sum->n_reasons < DEC_MAX_REASONS) {
		r = &sum->reason[sum->n_reasons++];
		memcpy(r->why, it->why, sizeof(r->why));
	}
	if (r == NULL) {
		sum->other++;
		return;
	}
	r->count++;
	if (r->n_examples < DEC_EXAMPLES)
		memcpy(r->example[r->n_examples++], it->receipt,
		    SD_RECEIPT_LEN + 1);
}

static int
deliver(struct slot *sl, dec_sink sink, void *ctx, struct dec_summary *sum,
    sd_progress *pg)
{
	size_t i;
	int rc = SD_OK;

	for (i = 0; i < sl->n && rc == SD_OK; i++) {
		sum->total++;
		if (sl->it[i].followup) {
			sum->followups++;
			continue;
		}
		if (!sl->it[i].ok) {
			sum->foreign += sl->it[i].foreign ? 1 : 0;
			add_reason(sum, &sl->it[i]);
			continue;
		}
		sum->opened++;
		rc = sink(ctx, sl->it[i].seq, sl->it[i].receipt, &sl->it[i].r);
	}
	sd_progress_set(pg, sum->total);
	sodium_memzero(sl->it, sizeof(*sl->it) * DEC_BATCH);
	return rc;
}

/* The reading loop: keep every free slot filled, hand results back in
 * order. */
static int
pump(struct pool *p, astore_iter *iter, dec_sink sink, void *ctx,
    struct dec_summary *sum, sd_progress *pg)
{
	struct slot *sl;
	int eof = 0, rc;

	for (;;) {
		while (!eof && p->produced - p->consumed < p->nslots) {
			sl = &p->slots[p->produced % p->nslots];
			if ((rc = slot_fill(sl, iter, &eof)) != SD_OK)
				return rc;
			if (sl->n == 0)
				break;
			pthread_mutex_lock(&p->mu);
			sl->state = SLOT_READY;
			p->produced++;
			pthread_cond_signal(&p->work_cv);
			pthread_mutex_unlock(&p->mu);
		}
		if (p->consumed == p->produced)
			return SD_OK;
		sl = &p->slots[p->consumed % p->nslots];
		pthread_mutex_lock(&p->mu);
		while (sl->state != SLOT_DONE)
			pthread_cond_wait(&p->done_cv, &p->mu);
		pthread_mutex_unlock(&p->mu);
		rc = deliver(sl, sink, ctx, sum, pg);
		sl->state = SLOT_FREE;
		p->consumed++;
		if (rc != SD_OK)
			return rc;
	}
}

static void
pool_free(struct pool *p)
{
	size_t i;

	if (p->slots == NULL)
		return;
	for (i = 0; i < p->nslots; i++) {
		if (p->slots[i].it != NULL) {
			sodium_memzero(p->slots[i].it,
			    sizeof(struct item) * DEC_BATCH);
			free(p->slots[i].it);
		}
		free(p->slots[i].buf);
	}
	free(p->slots);
	p->slots = NULL;
}

static int
pool_init(struct pool *p, unsigned nthreads)
{
	size_t i;

	p->nslots = 2 * (size_t)nthreads + 2;
	if ((p->slots = calloc(p->nslots, sizeof(*p->slots))) == NULL)
		return SD_E_NOMEM;
	for (i = 0; i < p->nslots; i++)
		if ((p->slots[i].it = calloc(DEC_BATCH,
		    sizeof(struct item))) == NULL)
			return SD_E_NOMEM;
	return SD_OK;
}

static void
stop_workers(struct pool *p, pthread_t *th, unsigned n)
{
	unsigned i;

	pthread_mutex_lock(&p->mu);
	p->stop = 1;
	pthread_cond_broadcast(&p->work_cv);
	pthread_mutex_unlock(&p->mu);
	for (i = 0; i < n; i++)
		pthread_join(th[i], NULL);
}

int
dec_run(astore *s, const sd_seckey *key, const char *today,
    unsigned nthreads, dec_sink sink, void *ctx, struct dec_summary *sum)
{
	struct pool p;
	pthread_t *th = NULL;
	astore_iter *iter = NULL;
	sd_progress *pg = NULL;
	unsigned started = 0;
	int64_t total = 0;
	int rc;

	memset(sum, 0, sizeof(*sum));
	memset(&p, 0, sizeof(p));
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.work_cv, NULL);
	pthread_cond_init(&p.done_cv, NULL);
	p.key = key;
	if (today != NULL)
		snprintf(p.today, sizeof(p.today), "%s", today);
	else
		sd_today(p.today);
	if (nthreads == 0)
		nthreads = 1;
	/* jansson seeds its hash function on first use; do it before any
	 * worker parses. */
	json_object_seed(0);
	if ((rc = pool_init(&p, nthreads)) != SD_OK ||
	    (rc = astore_iter_stats(s, &iter)) != SD_OK)
		goto done;
	rc = SD_E_NOMEM;
	if ((th = calloc(nthreads, sizeof(*th))) == NULL)
		goto done;
	for (started = 0; started < nthreads; started++)
		if (pthread_create(&th[started], NULL, worker, &p) != 0)
			break;
	if (started == 0)
		goto done;
	/* a bar on a terminal; the total is every stored envelope */
	if (astore_count(s, &total) != SD_OK)
		total = 0;
	pg = sd_progress_start("opening reports", "reports",
	    total > 0 ? (uint64_t)total : 0);
	rc = pump(&p, iter, sink, ctx, sum, pg);
	sd_progress_end(pg);
done:
	if (th != NULL)
		stop_workers(&p, th, started);
	free(th);
	astore_iter_free(iter);
	pool_free(&p);
	pthread_cond_destroy(&p.work_cv);
	pthread_cond_destroy(&p.done_cv);
	pthread_mutex_destroy(&p.mu);
	return rc;
}

void
dec_summary_print(const struct dec_summary *sum, const char *cmd, FILE *f)
{
	size_t i, j;

	if (sum->refused == 0)
		return;
	fprintf(f, "sealdrop-analyst %s: %zu of %zu reports refused and left "
	    "out of every figure; run 'sealdrop-analyst show' on the receipts "
	    "named to look at them:\n", cmd, sum->refused, sum->total);
	for (i = 0; i < sum->n_reasons; i++) {
		fprintf(f, "  %zu x %s (e.g.", sum->reason[i].count,
		    sum->reason[i].why);
		for (j = 0; j < sum->reason[i].n_examples; j++)
			fprintf(f, " %s", sum->reason[i].example[j]);
		fprintf(f, ")\n");
	}
	if (sum->other > 0)
		fprintf(f, "  %zu x other reasons\n", sum->other);
}
