/* sealdrop-analyst reply and outbox: questions to a reporter's follow-up
 * mailbox (PRODUCT.md section 8). reply seals a question to the mailbox key
 * found in the report's details and signs it with the ack key inside the
 * seal; outbox writes what waits as one batch signed with the ack key, for
 * the operator to carry to the intake host. Nothing here uses the network. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "args.h"
#include "astore.h"
#include "main.h"
#include "sd_envelope.h"
#include "sd_err.h"
#include "sd_file.h"
#include "sd_mailbox.h"
#include "sd_mem.h"
#include "thread.h"

#define REPLY_FILE_MAX (1024 * 1024)

static void
reply_usage(void)
{
	printf("usage: sealdrop-analyst reply --store analyst.db --key "
	    "details.key\n         --ack-key ack.key RECEIPT [--in FILE] "
	    "[--in-reply-to ID]\n         [--attach FILE]... "
	    "[--passphrase-file F]\n\n"
	    "Writes a question to the reporter of one report, without "
	    "learning who\nthat is. The question (from --in FILE, else "
	    "standard input, at most\n100,000 characters, up to 5 attachments "
	    "of 4 MiB in all) is sealed to\nthe follow-up mailbox whose key is "
	    "in the report's details, and signed\nwith the channel's ack key "
	    "so the reporter can tell it comes from the\nanalysts. It is kept "
	    "in the store (its text sealed to the details key)\nand waits for "
	    "'sealdrop-analyst outbox'. RECEIPT may be a report or an\nanswer "
	    "of its reporter, shortened to 8 or more characters.\n");
}

static void
outbox_usage(void)
{
	printf("usage: sealdrop-analyst outbox --store analyst.db --key ack.key "
	    "--out outbox.sig\n         [--force] [--passphrase-file F]\n\n"
	    "Writes every question waiting in the store as one batch signed "
	    "with the\nack key, in random order, and marks them sent in the "
	    "same transaction.\nThe operator takes the file to the intake host: "
	    "sealdrop-server messages\n--db intake.db --in outbox.sig. With "
	    "nothing waiting it writes nothing\nand says so (exit status 0).\n");
}

static int
find_env(const char *cmd, astore *s, const char *receipt,
    struct astore_env *e)
{
	char lower[SD_RECEIPT_LEN + 1];
	size_t i;
	int rc;

	for (i = 0; receipt[i] != '\0' && i < SD_RECEIPT_LEN; i++)
		lower[i] = (char)tolower((unsigned char)receipt[i]);
	lower[i] = '\0';
	rc = receipt[i] == '\0' ? astore_find(s, lower, e) : SD_E_INVAL;
	if (rc != SD_OK)
		args_err(cmd, rc == SD_E_FORMAT ? "receipt prefix '%s' matches "
		    "several reports; give more characters" : "no ingested "
		    "report has receipt '%s'; see 'sealdrop-analyst list'",
		    receipt);
	return rc;
}

struct files {
	struct sd_msg_attachment att[SD_MSG_ATTACH_MAX];
	uint8_t *data[SD_MSG_ATTACH_MAX];
	size_t n;
};

static int
load_attachments(const char *cmd, const char **paths, size_t n,
    struct files *f)
{
	size_t i, len, total = 0;
	const char *base;

	if (n > SD_MSG_ATTACH_MAX) {
		args_err(cmd, "at most %d --attach", SD_MSG_ATTACH_MAX);
		return SD_E_INVAL;
	}
	for (i = 0; i < n; i++) {
		if (sd_file_read(paths[i], SD_MSG_ATTACH_BYTES, &f->data[i],
		    &len) != SD_OK) {
			args_err(cmd, "--attach %s: cannot be read or larger than "
			    "4 MiB", paths[i]);
			return SD_E_INVAL;
		}
		f->n = i + 1;
		base = strrchr(paths[i], '/');
		base = base ? base + 1 : paths[i];
		total += len;
		if (!sd_msg_name_ok(base, strlen(base)) ||
		    total > SD_MSG_ATTACH_BYTES) {
			args_err(cmd, "--attach %s: %s", paths[i], total >
			    SD_MSG_ATTACH_BYTES ? "the attachments pass 4 MiB in "
			    "all" : "its name cannot be sent");
			return SD_E_INVAL;
		}
		f->att[i].name = base;
		f->att[i].media_type = "application/octet-stream";
		f->att[i].data = f->data[i];
		f->att[i].len = len;
	}
	return SD_OK;
}

static int
reply(const char *cmd, astore *s, const struct astore_env *e,
    const sd_seckey *details, const sd_seckey *ack, const char *in,
    const char *in_reply_to, const struct files *f)
{
	struct thread_details d;
	struct sd_envelope_view v;
	struct sd_msg_spec spec;
	char id[SD_MSG_ID_HEX];
	uint8_t *text = NULL, *sealed = NULL;
	size_t len = 0, slen = 0;
	int rc;

	memset(&spec, 0, sizeof(spec));
	if ((rc = thread_read(e, details, &d)) != SD_OK || !d.has_mailbox) {
		args_err(cmd, rc == SD_OK || rc == SD_E_NO_KEY ? "report %s has "
		    "no follow-up mailbox: its reporter cannot be asked" :
		    "the details of %s do not open with this key (%s)",
		    e->receipt, sd_strerror(rc));
		thread_details_free(&d);
		return SD_E_INVAL;
	}
	if ((rc = sd_file_read(in ? in : "-", REPLY_FILE_MAX, &text, &len)) !=
	    SD_OK) {
		args_err(cmd, "cannot read the question from %s", in ? in :
		    "standard input");
		goto out;
	}
	while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r'))
		len--;
	sd_envelope_parse(e->env, e->len, &v);
	spec.channel_id = v.channel_id;
	spec.in_reply_to = in_reply_to;
	spec.text = (const char *)text;
	spec.textlen = len;
	spec.attachments = f->att;
	spec.n_attachments = f->n;
	if ((rc = sd_msg_seal(ack, d.pk, &spec, id, &sealed, &slen)) != SD_OK) {
		args_err(cmd, rc == SD_E_INVAL ? "the question cannot be sent: "
		    "at most 100,000 characters of UTF-8 text, --in-reply-to a "
		    "message id of 32 hex digits" : "cannot seal the question: %s",
		    sd_strerror(rc));
		goto out;
	}
	if ((rc = astore_begin(s)) != SD_OK ||
	    (rc = thread_record(s, e->seq, details, &d)) != SD_OK ||
	    (rc = thread_queue(s, e->seq, details, d.pk, id, sealed, slen,
	    (const char *)text, len)) != SD_OK ||
	    (rc = astore_commit(s)) != SD_OK) {
		astore_rollback(s);
		args_err(cmd, "cannot keep the question in the store (%s)",
		    astore_errmsg(s));
		goto out;
	}
	printf("question %s to the reporter of %s is waiting for the outbox "
	    "(sealdrop-analyst outbox)\n", id, e->receipt);
out:
	if (text)
		sodium_memzero(text, len);
	free(text);
	free(sealed);
	thread_details_free(&d);
	return rc;
}

int
cmd_reply(int argc, char **argv)
{
	const char *store = NULL, *key = NULL, *ackpath = NULL, *passfile = NULL,
	    *in = NULL, *reply_to = NULL, *attach[SD_MSG_ATTACH_MAX + 1];
	size_t n_attach = 0, n_pos = 0, i;
	struct args_opt opts[] = {
		{ "store", 1, &store, NULL, NULL, NULL, 0 },
		{ "key", 1, &key, NULL, NULL, NULL, 0 },
		{ "ack-key", 1, &ackpath, NULL, NULL, NULL, 0 },
		{ "passphrase-file", 1, &passfile, NULL, NULL, NULL, 0 },
		{ "in", 1, &in, NULL, NULL, NULL, 0 },
		{ "in-reply-to", 1, &reply_to, NULL, NULL, NULL, 0 },
		{ "attach", 1, NULL, NULL, attach, &n_attach,
		    SD_MSG_ATTACH_MAX + 1 },
	};
	const char *pos[1] = { NULL };
	struct astore_env e;
	struct files f;
	sd_seckey *details = NULL, *ack = NULL;
	char *pass = NULL;
	astore *s = NULL;
	int rc, status = 1;

	memset(&e, 0, sizeof(e));
	memset(&f, 0, sizeof(f));
	if ((rc = args_parse(argc, argv, opts, sizeof(opts) / sizeof(opts[0]),
	    pos, 1, &n_pos)) == ARGS_HELP) {
		reply_usage();
		return 0;
	}
	if (rc != SD_OK)
		return 1;
	if (store == NULL || key == NULL || ackpath == NULL || pos[0] == NULL) {
		args_err(argv[0], "give --store, --key, --ack-key and a receipt; "
		    "e.g. sealdrop-analyst reply --store analyst.db --key "
		    "details.key --ack-key ack.key --in question.txt RECEIPT");
		return 1;
	}
	if (load_attachments(argv[0], attach, n_attach, &f) != SD_OK)
		goto done;
	if (astore_open(store, ASTORE_WRITE, &s) != SD_OK) {
		args_err(argv[0], "cannot open store %s for writing", store);
		goto done;
	}
	if (find_env(argv[0], s, pos[0], &e) != SD_OK ||
	    args_key_load(argv[0], key, passfile, SD_ROLE_DETAILS, &pass,
	    &details) != SD_OK ||
	    args_key_load(argv[0], ackpath, passfile, SD_ROLE_ACK, &pass,
	    &ack) != SD_OK)
		goto done;
	(void)thread_catch_up(s, details, 0);
	if (reply(argv[0], s, &e, details, ack, in, reply_to, &f) == SD_OK)
		status = 0;
done:
	for (i = 0; i < f.n; i++)
		free(f.data[i]);
	sd_passphrase_free(pass);
	sd_seckey_free(details);
	sd_seckey_free(ack);
	free(e.env);
	astore_close(s);
	return status;
}

int
cmd_outbox(int argc, char **argv)
{
	const char *store = NULL, *key = NULL, *out = NULL, *passfile = NULL;
	int force = 0, rc, status = 1;
	struct args_opt opts[] = {
		{ "store", 1, &store, NULL, NULL, NULL, 0 },
		{ "key", 1, &key, NULL, NULL, NULL, 0 },
		{ "out", 1, &out, NULL, NULL, NULL, 0 },
		{ "force", 0, NULL, &force, NULL, NULL, 0 },
		{ "passphrase-file", 1, &passfile, NULL, NULL, NULL, 0 },
	};
	const char *pos[1];
	char batch[SD_MSG_ID_HEX] = "";
	size_t n_pos = 0, n = 0, left = 0;
	sd_seckey *ack = NULL;
	astore *s = NULL;

	if ((rc = args_parse(argc, argv, opts, sizeof(opts) / sizeof(opts[0]),
	    pos, 0, &n_pos)) == ARGS_HELP) {
		outbox_usage();
		return 0;
	}
	if (rc != SD_OK)
		return 1;
	if (store == NULL || key == NULL || out == NULL) {
		args_err(argv[0], "give --store, --key ack.key and --out; e.g. "
		    "sealdrop-analyst outbox --store analyst.db --key ack.key "
		    "--out outbox.sig");
		return 1;
	}
	if (astore_open(store, ASTORE_WRITE, &s) != SD_OK) {
		args_err(argv[0], "cannot open store %s for writing", store);
		return 1;
	}
	if (args_key_load(argv[0], key, passfile, SD_ROLE_ACK, NULL, &ack) !=
	    SD_OK)
		goto done;
	rc = thread_outbox(s, ack, out, force, &n, &left, batch);
	if (rc == SD_E_EXISTS) {
		args_err(argv[0], "--out %s exists; choose another name or add "
		    "--force (nothing was marked sent)", out);
		goto done;
	}
	if (rc != SD_OK) {
		args_err(argv[0], "cannot write the outbox: %s (nothing was marked "
		    "sent)", rc == SD_E_IO ? astore_errmsg(s) : sd_strerror(rc));
		goto done;
	}
	if (n == 0)
		printf("nothing waits for the outbox; %s was not written\n", out);
	else
		printf("%s: batch %s with %zu question%s, marked sent%s\n", out,
		    batch, n, n == 1 ? "" : "s", left ? "" : "; nothing else "
		    "waits");
	if (left)
		printf("%zu more wait for the next outbox (a batch is full)\n",
		    left);
	status = 0;
done:
	sd_seckey_free(ack);
	astore_close(s);
	return status;
}
