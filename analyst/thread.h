/* Follow-up threads in the analyst store (PRODUCT.md section 8,
 * docs/followup.md): the questions the analysts sent to a report's mailbox
 * and the answers reporters sent back.
 *
 * The store keeps no mailbox key nor mailbox id of a sent message: a
 * report's mailbox is recorded as a tag, a hash of its public key keyed
 * with the details secret key, so a copy of analyst.db cannot be matched
 * with the mailbox ids the intake server sees. Reports and answers with the
 * same tag form one thread. A question's text is kept sealed to the details
 * key (as a review reason is); its sealed form and mailbox id wait for the
 * outbox and are dropped once written. */
#ifndef SD_ANALYST_THREAD_H
#define SD_ANALYST_THREAD_H

#include <stddef.h>
#include <stdint.h>

#include "astore.h"
#include "sd_keys.h"
#include "sd_mailbox.h"

#define THREAD_TAG_BYTES 32

/* What a details section says of the follow-up. */
struct thread_details {
	int has_mailbox;
	uint8_t pk[SD_PK_BYTES];
	int is_answer;                  /* a sealdrop.followup/1 envelope */
	char in_reply_to[SD_MSG_ID_HEX];  /* "" if none */
	char *text;                     /* the answer's text (malloc'ed) */
};
void thread_details_free(struct thread_details *d);

/* Open the details section of a stored envelope with key and read it.
 * SD_OK (d->has_mailbox says whether there is one); SD_E_NO_KEY when the
 * envelope has no details section; other sd_err when it does not open. */
int thread_read(const struct astore_env *e, const sd_seckey *details,
    struct thread_details *d);
/* Record what thread_read found (a report's mailbox or an answer). */
int thread_record(astore *s, int64_t seq, const sd_seckey *details,
    const struct thread_details *d);
/* Open and record; SD_OK also when there is nothing to record. */
int thread_record_env(astore *s, const struct astore_env *e,
    const sd_seckey *details);

/* Record every envelope ingested since the last catch-up (all: every
 * envelope), so answers find their thread: show, reply and list --key call
 * it. Needs a store opened for writing (else does nothing). */
int thread_catch_up(astore *s, const sd_seckey *details, int all);

/* Queue a question sealed for the mailbox pk (sd_msg_seal's output). */
int thread_queue(astore *s, int64_t seq, const sd_seckey *details,
    const uint8_t pk[SD_PK_BYTES], const char *id, const uint8_t *sealed,
    size_t len, const char *text, size_t textlen);

/* Write what waits as one signed batch to path and mark it sent, in one
 * transaction. *n is what the batch carries (0: nothing written), *left
 * what still waits because the batch is full. */
int thread_outbox(astore *s, const sd_seckey *ack, const char *path,
    int force, size_t *n, size_t *left, char batch_id[SD_MSG_ID_HEX]);

struct thread_info {
	int known;                      /* a details key has recorded it */
	int has_mailbox;
	int is_answer;
	int64_t answer_to;              /* the report an answer belongs to, or 0 */
	size_t questions, waiting, answers;
};
int thread_info(astore *s, int64_t seq, struct thread_info *ti);

/* Print the thread of the report at seq: questions with their status and
 * text, answers with theirs (opened with details). print_text prints
 * untrusted text safely. */
int thread_print(astore *s, int64_t seq, const sd_seckey *details,
    void (*print_text)(const char *));

#endif
