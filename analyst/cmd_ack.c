/* sealdrop-analyst ack: sign the list of ingested receipts so that the
 * intake server may purge them (docs/intake-batch.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "astore.h"
#include "main.h"
#include "query.h"
#include "sd_err.h"
#include "sd_signed.h"

/* A signed document is at most SD_SIGNED_MAX bytes with its body in
 * base64; this many receipts keep well inside it. Larger backlogs are
 * acknowledged in several runs. */
#define ACK_MAX_RECEIPTS 18000
#define ACK_BODY_MAX (ACK_MAX_RECEIPTS * (SD_RECEIPT_LEN + 3) + 256)

struct ack_opts {
	const char *store, *key, *out, *passfile;
	int force, all;
};

static void
usage(void)
{
	printf("usage: sealdrop-analyst ack --store analyst.db --key ack.key "
	    "--out ack.sig\n         [--all] [--force] [--passphrase-file F]\n\n"
	    "Signs {\"channel_id\", \"receipts\"} with the ack key: the "
	    "receipts ingested\nand not acknowledged before (at most %d per "
	    "run). The intake operator\nruns 'sealdrop-server purge --ack "
	    "ack.sig' to delete them there.\n\n"
	    "  --all     acknowledge every ingested receipt again\n"
	    "  --force   replace an existing --out file\n", ACK_MAX_RECEIPTS);
}

/* The body {"channel_id":...,"receipts":[...]}; *last is the highest seq
 * listed. */
static int
ack_body(astore *s, const char *channel_id, sd_buf *b, size_t *n,
    int64_t *last)
{
	astore_iter *it = NULL;
	char receipt[SD_RECEIPT_LEN + 1];
	int64_t seq = 0;
	int rc, step = 0;

	*n = 0;
	if ((rc = astore_iter_receipts(s, 1, &it)) != SD_OK)
		return rc;
	rc = sd_buf_addf(b, "{\"channel_id\":\"%s\",\"receipts\":[",
	    channel_id);
	while (rc == SD_OK && *n < ACK_MAX_RECEIPTS &&
	    (step = astore_iter_next(it, &seq, receipt, NULL, NULL)) == 1) {
		rc = sd_buf_addf(b, "%s\"%s\"", *n ? "," : "", receipt);
		*last = seq;
		(*n)++;
	}
	if (rc == SD_OK && step < 0)
		rc = step;
	if (rc == SD_OK)
		rc = sd_buf_adds(b, "]}");
	astore_iter_free(it);
	return rc;
}

static int
sign_and_write(const char *cmd, const struct ack_opts *o, const sd_seckey *k,
    const sd_buf *body)
{
	char *doc = NULL;
	size_t doclen = 0;
	sd_buf out;
	int rc;

	if ((rc = sd_signed_create("sealdrop.ack/1", "ack_key", k, body->data,
	    body->len, &doc, &doclen)) != SD_OK) {
		args_err(cmd, "cannot sign the ack: %s", sd_strerror(rc));
		return rc;
	}
	sd_buf_init(&out, SD_SIGNED_MAX + 2);
	if ((rc = sd_buf_add(&out, doc, doclen)) == SD_OK &&
	    (doclen == 0 || doc[doclen - 1] != '\n'))
		rc = sd_buf_adds(&out, "\n");
	if (rc == SD_OK)
		rc = query_write(cmd, o->out, o->force, &out);
	sd_buf_free(&out);
	free(doc);
	return rc;
}

static int
parse(int argc, char **argv, struct ack_opts *o)
{
	struct args_opt opts[] = {
		{ "store", 1, &o->store, NULL, NULL, NULL, 0 },
		{ "key", 1, &o->key, NULL, NULL, NULL, 0 },
		{ "out", 1, &o->out, NULL, NULL, NULL, 0 },
		{ "passphrase-file", 1, &o->passfile, NULL, NULL, NULL, 0 },
		{ "force", 0, NULL, &o->force, NULL, NULL, 0 },
		{ "all", 0, NULL, &o->all, NULL, NULL, 0 },
	};
	const char *pos[1];
	size_t n_pos = 0;

	return args_parse(argc, argv, opts, sizeof(opts) / sizeof(opts[0]),
	    pos, 0, &n_pos);
}

int
cmd_ack(int argc, char **argv)
{
	struct ack_opts o;
	struct astore_tip tip;
	astore *s = NULL;
	sd_seckey *k = NULL;
	sd_buf body;
	size_t n = 0;
	int64_t last = 0;
	int rc, status = 1;

	memset(&o, 0, sizeof(o));
	sd_buf_init(&body, ACK_BODY_MAX);
	if ((rc = parse(argc, argv, &o)) == ARGS_HELP) {
		usage();
		return 0;
	}
	if (rc != SD_OK)
		return 1;
	if (o.store == NULL || o.key == NULL || o.out == NULL) {
		args_err(argv[0], "give --store, --key and --out; e.g. "
		    "sealdrop-analyst ack --store analyst.db --key ack.key "
		    "--out ack.sig");
		return 1;
	}
	if (astore_open(o.store, ASTORE_WRITE, &s) != SD_OK ||
	    astore_tip(s, &tip) != SD_OK) {
		args_err(argv[0], "cannot open store %s; give the file made by "
		    "'sealdrop-analyst ingest'", o.store);
		goto done;
	}
	if (tip.empty || tip.channel_id[0] == '\0') {
		args_err(argv[0], "nothing has been ingested into %s yet; run "
		    "'sealdrop-analyst ingest' first", o.store);
		goto done;
	}
	if (args_key_load(argv[0], o.key, o.passfile, SD_ROLE_ACK, NULL, &k) !=
	    SD_OK)
		goto done;
	if (o.all && astore_clear_acked(s) != SD_OK) {
		args_err(argv[0], "cannot update %s: %s", o.store,
		    astore_errmsg(s));
		goto done;
	}
	if (ack_body(s, tip.channel_id, &body, &n, &last) != SD_OK) {
		args_err(argv[0], "cannot read the receipts of %s: %s", o.store,
		    astore_errmsg(s));
		goto done;
	}
	if (n == 0) {
		printf("every ingested receipt has been acknowledged already; "
		    "give --all to sign them all again\n");
		status = 0;
		goto done;
	}
	if (sign_and_write(argv[0], &o, k, &body) != SD_OK)
		goto done;
	if (astore_mark_acked(s, last) != SD_OK) {
		args_err(argv[0], "%s written, but the store could not record "
		    "it: %s", o.out, astore_errmsg(s));
		goto done;
	}
	printf("signed %zu receipts into %s; give it to the intake operator "
	    "for 'sealdrop-server purge --ack %s'\n", n, o.out, o.out);
	if (n == ACK_MAX_RECEIPTS)
		printf("more receipts remain: run ack again with another "
		    "--out\n");
	status = 0;
done:
	sd_buf_free(&body);
	sd_seckey_free(k);
	astore_close(s);
	return status;
}
