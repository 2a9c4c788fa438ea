/* sealdrop-analyst review: record that a report was checked and accepted
 * or rejected (with a reason, sealed to the details key), or set the
 * policy that tables and reports count accepted reports only. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "astore.h"
#include "main.h"
#include "review.h"
#include "sd_err.h"
#include "sd_envelope.h"
#include "sd_keys.h"
#include "sd_mem.h"

struct review_opts {
	const char *store, *key, *passfile, *reason, *policy, *receipt;
	int accept, reject;
};

static void
usage(void)
{
	printf("usage: sealdrop-analyst review --store analyst.db --key "
	    "details.key RECEIPT\n         --accept|--reject [--reason TEXT] "
	    "[--passphrase-file F]\n"
	    "       sealdrop-analyst review --store analyst.db --policy on|off\n\n"
	    "Records the analysts' review of one report (read it first with "
	    "'show'):\naccepted reports are genuine as far as the analysts can "
	    "tell, rejected\nones are not (spam, a test, a fake). The reason is "
	    "sealed to the details\nkey, so only holders of a details key can "
	    "read it (with 'show'). A later\nreview of the same report replaces "
	    "the earlier one.\n\nWith --policy on, tables and reports count only "
	    "accepted reports, and their\nmethods note says so; with off (the "
	    "default) every valid report counts.\nRECEIPT may be shortened to "
	    "its first 8 or more characters.\n");
}

static int
parse(int argc, char **argv, struct review_opts *o)
{
	struct args_opt opts[] = {
		{ "store", 1, &o->store, NULL, NULL, NULL, 0 },
		{ "key", 1, &o->key, NULL, NULL, NULL, 0 },
		{ "passphrase-file", 1, &o->passfile, NULL, NULL, NULL, 0 },
		{ "reason", 1, &o->reason, NULL, NULL, NULL, 0 },
		{ "policy", 1, &o->policy, NULL, NULL, NULL, 0 },
		{ "accept", 0, NULL, &o->accept, NULL, NULL, 0 },
		{ "reject", 0, NULL, &o->reject, NULL, NULL, 0 },
	};
	const char *pos[1] = { NULL };
	size_t n_pos = 0;
	int rc;

	rc = args_parse(argc, argv, opts, sizeof(opts) / sizeof(opts[0]),
	    pos, 1, &n_pos);
	o->receipt = pos[0];
	return rc;
}

static int
set_policy(const char *cmd, const struct review_opts *o)
{
	astore *s = NULL;
	int on, rc;

	if (strcmp(o->policy, "on") != 0 && strcmp(o->policy, "off") != 0) {
		args_err(cmd, "--policy takes on or off");
		return 1;
	}
	if (o->receipt != NULL || o->accept || o->reject) {
		args_err(cmd, "--policy is given alone, without a receipt or "
		    "--accept/--reject");
		return 1;
	}
	on = strcmp(o->policy, "on") == 0;
	if ((rc = astore_open(o->store, ASTORE_WRITE, &s)) != SD_OK) {
		args_err(cmd, "cannot open store %s for writing", o->store);
		return 1;
	}
	rc = review_set_policy(s, on);
	astore_close(s);
	if (rc != SD_OK) {
		args_err(cmd, "cannot record the policy in %s", o->store);
		return 1;
	}
	printf("review policy %s: %s\n", on ? "on" : "off", on ? "tables and "
	    "reports count accepted reports only" : "tables and reports count "
	    "every valid report");
	return 0;
}

static int
checks(const char *cmd, const struct review_opts *o)
{
	if (o->store == NULL) {
		args_err(cmd, "give --store; e.g. sealdrop-analyst review --store "
		    "analyst.db --key details.key RECEIPT --accept");
		return SD_E_INVAL;
	}
	if (o->policy != NULL)
		return SD_OK;
	if (o->key == NULL || o->receipt == NULL || o->accept == o->reject) {
		args_err(cmd, "give --key, a receipt and one of --accept or "
		    "--reject; e.g. sealdrop-analyst review --store analyst.db "
		    "--key details.key RECEIPT --accept");
		return SD_E_INVAL;
	}
	if (o->reason != NULL && strlen(o->reason) > REVIEW_REASON_MAX) {
		args_err(cmd, "--reason is longer than %d characters; say it "
		    "shorter", REVIEW_REASON_MAX);
		return SD_E_INVAL;
	}
	return SD_OK;
}

/* A details key the report's details were sealed to: the analysts'
 * channel, not another one. Reports without details take any details key. */
static int
key_fits(const struct astore_env *e, const sd_seckey *key)
{
	struct sd_envelope_view v;
	uint8_t id[SD_KEY_ID_BYTES];
	size_t i, r;

	if (sd_envelope_parse(e->env, e->len, &v) != SD_OK)
		return 0;
	sd_key_id(id, sd_seckey_pk(key));
	for (i = 1; i < v.n_sections; i++) {
		int found = 0;
		for (r = 0; r < v.sec[i].n_recipients; r++)
			found |= memcmp(v.sec[i].recipients + 88 * r, id,
			    sizeof(id)) == 0;
		if (!found)
			return 0;
	}
	return 1;
}

int
cmd_review(int argc, char **argv)
{
	struct review_opts o;
	struct astore_env e;
	astore *s = NULL;
	sd_seckey *key = NULL;
	char lower[SD_RECEIPT_LEN + 1];
	size_t i;
	int rc, status = 1;

	memset(&o, 0, sizeof(o));
	memset(&e, 0, sizeof(e));
	if ((rc = parse(argc, argv, &o)) == ARGS_HELP) {
		usage();
		return 0;
	}
	if (rc != SD_OK || checks(argv[0], &o) != SD_OK)
		return 1;
	if (o.policy != NULL)
		return set_policy(argv[0], &o);
	if (astore_open(o.store, ASTORE_WRITE, &s) != SD_OK) {
		args_err(argv[0], "cannot open store %s for writing; give the "
		    "file made by 'sealdrop-analyst ingest'", o.store);
		return 1;
	}
	/* base32 is read in either case; receipts are stored lower case */
	for (i = 0; o.receipt[i] != '\0' && i < SD_RECEIPT_LEN; i++)
		lower[i] = (char)tolower((unsigned char)o.receipt[i]);
	lower[i] = '\0';
	rc = o.receipt[i] == '\0' ? astore_find(s, lower, &e) : SD_E_INVAL;
	if (rc != SD_OK) {
		args_err(argv[0], rc == SD_E_FORMAT ? "receipt prefix '%s' "
		    "matches several reports; give more characters" :
		    "no ingested report has receipt '%s'; see 'sealdrop-analyst "
		    "list'", o.receipt);
		goto done;
	}
	if (args_key_load(argv[0], o.key, o.passfile, SD_ROLE_DETAILS, NULL,
	    &key) != SD_OK)
		goto done;
	if (!key_fits(&e, key)) {
		args_err(argv[0], "%s is not a details key of this report's "
		    "channel; give the details key it was sealed to", o.key);
		goto done;
	}
	if (review_set(s, e.seq, o.accept ? REVIEW_ACCEPTED : REVIEW_REJECTED,
	    o.reason, key) != SD_OK) {
		args_err(argv[0], "cannot record the review in %s (%s)", o.store,
		    astore_errmsg(s));
		goto done;
	}
	printf("%s: %s\n", e.receipt, o.accept ? "accepted" : "rejected");
	status = 0;
done:
	sd_seckey_free(key);
	free(e.env);
	astore_close(s);
	return status;
}
