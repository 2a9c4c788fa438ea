/* sealdrop-analyst list: the ingested reports, without any key: receipt,
 * day received, whether an analyst has opened it, its review, and its
 * follow-up thread as far as a details key has recorded it (--key records
 * it for every report). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "astore.h"
#include "main.h"
#include "review.h"
#include "sd_err.h"
#include "sd_keys.h"
#include "thread.h"

struct list_ctx {
	int pending;
	astore *s;
	const sd_seckey *details;       /* --key: record the threads */
	size_t n, accepted, rejected, open;
};

static void
usage(void)
{
	printf("usage: sealdrop-analyst list --store analyst.db [--pending]\n\n"
	    "Lists every ingested report in the order of the intake chain: "
	    "its receipt,\nthe day it was received, whether an analyst has "
	    "opened it (show or\nreview), and its review (accepted, rejected "
	    "or not reviewed). --pending\nlists only the reports not reviewed "
	    "yet. No key is needed: nothing of a\nreport's content is shown.\n\n"
	    "Follow-up: a report whose reporter can be asked shows its thread "
	    "(questions\nsent, answers received), and an answer of a reporter "
	    "says so, as far as a\ndetails key has recorded it (show, reply, "
	    "or list --key details.key, which\nopens the details of every "
	    "report to record them).\n");
}

static void
thread_suffix(struct list_ctx *c, const struct review_row *r)
{
	struct thread_info ti;

	if (thread_info(c->s, r->seq, &ti) != SD_OK || (!ti.known &&
	    c->details == NULL))
		return;
	if (!ti.known)
		printf("  no follow-up mailbox");
	else if (ti.is_answer)
		printf("  answer of a reporter (follow-up)");
	else
		printf("  follow-up: %zu question%s (%zu waiting), %zu answer%s",
		    ti.questions, ti.questions == 1 ? "" : "s", ti.waiting,
		    ti.answers, ti.answers == 1 ? "" : "s");
}

static int
line(void *ctx, const struct review_row *r)
{
	struct list_ctx *c = ctx;

	c->n++;
	c->accepted += r->state == REVIEW_ACCEPTED;
	c->rejected += r->state == REVIEW_REJECTED;
	c->open += r->state == REVIEW_NONE;
	if (c->pending && r->state != REVIEW_NONE)
		return SD_OK;
	printf("%s  %s  %-10s  %s%s%s", r->receipt, r->day, r->opened ?
	    "opened" : "not opened", review_state_name(r->state),
	    r->reviewed[0] ? " on " : "", r->reviewed);
	thread_suffix(c, r);
	printf("\n");
	return SD_OK;
}

int
cmd_list(int argc, char **argv)
{
	const char *store = NULL, *key = NULL, *passfile = NULL;
	int pending = 0, policy = 0, rc, status = 1;
	struct args_opt opts[] = {
		{ "store", 1, &store, NULL, NULL, NULL, 0 },
		{ "pending", 0, NULL, &pending, NULL, NULL, 0 },
		{ "key", 1, &key, NULL, NULL, NULL, 0 },
		{ "passphrase-file", 1, &passfile, NULL, NULL, NULL, 0 },
	};
	sd_seckey *details = NULL;
	const char *pos[1];
	size_t n_pos = 0;
	struct list_ctx c;
	astore *s = NULL;

	memset(&c, 0, sizeof(c));
	if ((rc = args_parse(argc, argv, opts, sizeof(opts) / sizeof(opts[0]),
	    pos, 0, &n_pos)) == ARGS_HELP) {
		usage();
		return 0;
	}
	if (rc != SD_OK)
		return 1;
	if (store == NULL) {
		args_err(argv[0], "give --store; e.g. sealdrop-analyst list "
		    "--store analyst.db");
		return 1;
	}
	if ((rc = astore_open(store, key ? ASTORE_WRITE : ASTORE_READ, &s)) !=
	    SD_OK) {
		args_err(argv[0], "cannot open store %s: %s", store,
		    rc == SD_E_FORMAT ? "not an analyst store" :
		    "missing or unreadable");
		return 1;
	}
	c.pending = pending;
	c.s = s;
	if (key != NULL && args_key_load(argv[0], key, passfile,
	    SD_ROLE_DETAILS, NULL, &details) != SD_OK)
		goto done;
	c.details = details;
	if ((rc = review_policy(s, &policy)) != SD_OK ||
	    (details != NULL && (rc = thread_catch_up(s, details, 1)) != SD_OK) ||
	    (rc = review_each(s, line, &c)) != SD_OK) {
		args_err(argv[0], "cannot read the reports of %s (%s)", store,
		    astore_errmsg(s));
		goto done;
	}
	printf("%zu report%s: %zu accepted, %zu rejected, %zu not reviewed. "
	    "Review policy %s: %s.\n", c.n, c.n == 1 ? "" : "s", c.accepted,
	    c.rejected, c.open, policy ? "on" : "off", policy ?
	    "tables and reports count accepted reports only" :
	    "tables and reports count every valid report");
	status = 0;
done:
	sd_seckey_free(details);
	astore_close(s);
	return status;
}
