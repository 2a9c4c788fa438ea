#include "writer.h"

#include <pthread.h>
#include <stdlib.h>

#include "sd_err.h"

struct sd_writer {
	sd_store *st;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct sd_put *head;
	struct sd_put *tail;
	int stopping;
	int exited;               /* the thread has ended: nothing is taken */
	unsigned max_batch;
	struct sd_put **batch;
	struct sd_store_item **items;
};

static size_t take_batch(sd_writer *w)
{
	size_t n = 0;

	while (w->head != NULL && n < w->max_batch) {
		w->batch[n] = w->head;
		w->items[n] = &w->head->item;
		w->head = w->head->next;
		n++;
	}
	if (w->head == NULL)
		w->tail = NULL;
	return n;
}

/* A failed batch is retried row by row, so that one row that does not fit
 * (a full disk) fails alone and the others, duplicates above all, still
 * get their answer. */
static void commit(sd_writer *w, size_t n)
{
	size_t i;

	if (sd_store_put(w->st, w->items, n) == SD_OK) {
		for (i = 0; i < n; i++)
			w->batch[i]->result = SD_OK;
		return;
	}
	/* another process holds the database: retrying row by row would wait
	 * the busy timeout for each; the whole batch is answered 503 now */
	if (sd_store_busy(w->st)) {
		for (i = 0; i < n; i++)
			w->batch[i]->result = SD_E_IO;
		return;
	}
	for (i = 0; i < n; i++)
		w->batch[i]->result = sd_store_put(w->st, &w->items[i], 1);
}

static void *writer_main(void *arg)
{
	sd_writer *w = arg;
	size_t n;
	size_t i;

	for (;;) {
		pthread_mutex_lock(&w->mu);
		while (w->head == NULL && !w->stopping)
			pthread_cond_wait(&w->cv, &w->mu);
		if (w->head == NULL) {
			pthread_mutex_unlock(&w->mu);
			return NULL;
		}
		n = take_batch(w);
		pthread_mutex_unlock(&w->mu);
		commit(w, n);
		for (i = 0; i < n; i++)
			w->batch[i]->done(w->batch[i]);
	}
}

static void writer_free(sd_writer *w)
{
	if (w == NULL)
		return;
	free(w->batch);
	free(w->items);
	free(w);
}

int sd_writer_start(sd_store *st, unsigned max_batch, sd_writer **out)
{
	sd_writer *w = NULL;

	*out = NULL;
	if (max_batch == 0)
		max_batch = 1;
	w = calloc(1, sizeof(*w));
	if (w == NULL)
		return SD_E_NOMEM;
	w->st = st;
	w->max_batch = max_batch;
	w->batch = calloc(max_batch, sizeof(*w->batch));
	w->items = calloc(max_batch, sizeof(*w->items));
	if (w->batch == NULL || w->items == NULL) {
		writer_free(w);
		return SD_E_NOMEM;
	}
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	if (pthread_create(&w->thread, NULL, writer_main, w) != 0) {
		pthread_mutex_destroy(&w->mu);
		pthread_cond_destroy(&w->cv);
		writer_free(w);
		return SD_E_NOMEM;
	}
	*out = w;
	return SD_OK;
}

int sd_writer_submit(sd_writer *w, struct sd_put *p, void (*hold)(void *),
    void *arg)
{
	p->next = NULL;
	p->result = SD_E_IO;
	pthread_mutex_lock(&w->mu);
	if (w->exited) {
		/* a request that outlived the drain: nobody would commit it */
		pthread_mutex_unlock(&w->mu);
		return SD_E_IO;
	}
	if (hold != NULL)
		hold(arg);
	if (w->tail != NULL)
		w->tail->next = p;
	else
		w->head = p;
	w->tail = p;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	return SD_OK;
}

void sd_writer_drain(sd_writer *w)
{
	if (w == NULL)
		return;
	pthread_mutex_lock(&w->mu);
	if (w->exited) {
		pthread_mutex_unlock(&w->mu);
		return;
	}
	w->stopping = 1;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
	pthread_mutex_lock(&w->mu);
	w->exited = 1;
	pthread_mutex_unlock(&w->mu);
}

void sd_writer_stop(sd_writer *w)
{
	if (w == NULL)
		return;
	sd_writer_drain(w);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	writer_free(w);
}
