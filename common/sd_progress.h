/* Progress of a long run, on a terminal only (PRODUCT.md section 5): one
 * line on stderr with what is being done, a bar when the total is known,
 * the count, the rate and the time left, e.g.
 *
 *   opening reports [##########..........]  50%  500000/1000000 41203/s 0:12 left
 *
 * It is redrawn at most SD_PROGRESS_HZ times a second, whatever the number
 * of updates, and cleared at the end, so what the command prints afterwards
 * starts on a clean line. When stderr is not a terminal nothing at all is
 * written: logs, pipes and files stay as they were. Only plain characters
 * are written ("\r" and spaces clear the line), so a dumb terminal works.
 *
 * Call it from one thread. Every function takes NULL and then does
 * nothing, so a caller never needs to test whether progress is shown:
 *
 *   sd_progress *p = sd_progress_start("secondary suppression", "cells", n);
 *   for (i = 0; i < n; i++) {
 *           ...;
 *           sd_progress_set(p, i + 1);
 *   }
 *   sd_progress_end(p);
 */
#ifndef SD_PROGRESS_H
#define SD_PROGRESS_H

#include <stdint.h>

#define SD_PROGRESS_HZ 4

typedef struct sd_progress sd_progress;

/* label says what is being done ("ingest batch-1.sqlite"), unit what is
 * counted ("reports"); total is 0 when it is not known (then no bar and no
 * time left). With unit NULL and total 0 the line is the label alone, for a
 * step that cannot count (one long SQLite statement). NULL when stderr is
 * not a terminal (or memory is short). The line is first drawn at the first
 * update. */
sd_progress *sd_progress_start(const char *label, const char *unit,
    uint64_t total);
/* done so far; cheap enough to call for every item */
void sd_progress_set(sd_progress *p, uint64_t done);
void sd_progress_add(sd_progress *p, uint64_t n);
/* when the total becomes known, or changes */
void sd_progress_set_total(sd_progress *p, uint64_t total);
/* Clear the line, e.g. before printing a message on stderr; the next
 * update draws it again. */
void sd_progress_hide(sd_progress *p);
/* Clear the line and release p. */
void sd_progress_end(sd_progress *p);

#endif
