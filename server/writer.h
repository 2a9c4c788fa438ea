/* Group commit: one writer thread commits everything queued in one
 * transaction and only then completes each submission, so a receipt is
 * never given for a row that is not durable, at a fraction of the syncs. */
#ifndef SD_WRITER_H
#define SD_WRITER_H

#include "store.h"

typedef struct sd_writer sd_writer;

struct sd_put {
	struct sd_store_item item;
	int result;                       /* SD_OK or SD_E_IO */
	/* runs on the writer thread once result is set */
	void (*done)(struct sd_put *p);
	void *arg;
	struct sd_put *next;
};

int sd_writer_start(sd_store *st, unsigned max_batch, sd_writer **out);
/* Queue p. hold(arg) runs under the queue lock before p can complete, so a
 * connection suspended there cannot be resumed before it is suspended.
 * SD_E_IO (nothing queued, hold not run) once the writer has drained. */
int sd_writer_submit(sd_writer *w, struct sd_put *p, void (*hold)(void *),
    void *arg);
/* Commit what is queued and end the thread; w stays valid, and later
 * submissions are refused, until sd_writer_stop. */
void sd_writer_drain(sd_writer *w);
/* Drain, then free w. */
void sd_writer_stop(sd_writer *w);

#endif
