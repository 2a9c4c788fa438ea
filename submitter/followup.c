/* sealdrop-submit inbox and answer: the reporter's side of the follow-up
 * (PRODUCT.md section 8, docs/followup.md). The code never leaves this
 * machine: the server sees the mailbox id only, and answers go as ordinary
 * envelopes sealed to the channel. */
#include "submit.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "net.h"
#include "receipts.h"
#include "report.h"
#include "sd_encode.h"
#include "sd_envelope.h"
#include "sd_err.h"
#include "sd_file.h"
#include "sd_mailbox.h"
#include "sd_mem.h"
#include "sd_schema.h"

#define CODE_LINE_MAX 256
#define WHY_CAP 512
#define ANSWER_FILE_MAX (1024 * 1024)   /* 100,000 characters fit */

/* One line from the terminal without echo, into guarded memory. */
static int
code_from_tty(char *buf, size_t cap, size_t *len)
{
	static const char prompt[] = "Follow-up code (FU-...): ";
	struct termios old, quiet;
	int fd, echo_off = 0, rc = SD_E_IO;
	size_t n = 0;
	char c;

	if ((fd = open("/dev/tty", O_RDWR | O_CLOEXEC)) < 0)
		return SD_E_IO;
	if (tcgetattr(fd, &old) == 0) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		echo_off = tcsetattr(fd, TCSAFLUSH, &quiet) == 0;
	}
	if (write(fd, prompt, sizeof(prompt) - 1) < 0)
		goto out;
	for (;;) {
		ssize_t r = read(fd, &c, 1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || c == '\n')
			break;
		if (n + 1 < cap)
			buf[n++] = c;
	}
	buf[n] = '\0';
	*len = n;
	rc = SD_OK;
	if (write(fd, "\n", 1) < 0)
		rc = SD_OK;
out:
	if (echo_off)
		tcsetattr(fd, TCSAFLUSH, &old);
	close(fd);
	return rc;
}

/* F from --code, the first line of --code-file, or the terminal. */
static int
get_f(const struct sub_opts *o, uint8_t f[SD_FOLLOWUP_BYTES])
{
	char *line = sd_secret_alloc(CODE_LINE_MAX);
	uint8_t *data = NULL;
	size_t len = 0, n;
	int rc = SUB_EXIT_INPUT;

	if (line == NULL) {
		sub_err("out of guarded memory");
		return SUB_EXIT_INPUT;
	}
	if (o->code != NULL && o->code_file != NULL) {
		sub_err("give --code or --code-file, not both");
		goto out;
	}
	if (o->code != NULL) {
		len = strlen(o->code);
		if (len >= CODE_LINE_MAX)
			len = CODE_LINE_MAX - 1;
		memcpy(line, o->code, len);
	} else if (o->code_file != NULL) {
		if (sd_file_read(o->code_file, 4096, &data, &n) != SD_OK) {
			sub_err("--code-file %s: %s", o->code_file, n == 0 &&
			    errno ? strerror(errno) : "cannot be read");
			goto out;
		}
		for (len = 0; len < n && len + 1 < CODE_LINE_MAX &&
		    data[len] != '\n'; len++)
			line[len] = (char)data[len];
		sodium_memzero(data, n);
		free(data);
	} else if (code_from_tty(line, CODE_LINE_MAX, &len) != SD_OK) {
		sub_err("give the follow-up code with --code-file FILE (or "
		    "--code CODE): there is no terminal to ask");
		goto out;
	}
	if (sd_followup_parse(line, len, f) != SD_OK) {
		sub_err("%s", sd_strerror(SD_E_CODE));
		goto out;
	}
	rc = SUB_EXIT_OK;
out:
	sd_secret_free(line);
	return rc;
}

static struct sub_net
net_of(const struct sub_opts *o)
{
	struct sub_net n = { o->server, o->proxy, o->cacert, o->tries,
		o->wait_ms, o->connect_timeout, o->timeout, o->quiet };

	return n;
}

static int
check_net_opts(const struct sub_opts *o)
{
	char why[WHY_CAP];

	if (o->authority == NULL) {
		sub_err("give --authority A.pub: the channel authority's public "
		    "key, as when you sent the report");
		return SUB_EXIT_INPUT;
	}
	if (o->server != NULL && sub_url_check(o->server, why, sizeof(why)) !=
	    SD_OK) {
		sub_err("%s", why);
		return SUB_EXIT_INPUT;
	}
	if (o->proxy != NULL && sub_proxy_check(o->proxy, why, sizeof(why)) !=
	    SD_OK) {
		sub_err("%s", why);
		return SUB_EXIT_INPUT;
	}
	return SUB_EXIT_OK;
}

/* The answer of POST /api/v1/mailbox, or of --in FILE. */
static int
fetch_blob(const struct sub_opts *o, const sd_mailbox *mb, uint8_t **blob,
    size_t *len)
{
	struct sub_net n = net_of(o);
	struct sub_response resp = { 0, NULL, 0 };
	char id[SD_MAILBOX_ID_HEX], why[WHY_CAP], msg[256];
	int rc;

	if (o->in != NULL) {
		if (sd_file_read(o->in, SUB_MAILBOX_RESPONSE_MAX, blob, len) !=
		    SD_OK) {
			sub_err("--in %s: cannot be read", o->in);
			return SUB_EXIT_INPUT;
		}
		return SUB_EXIT_OK;
	}
	sd_mailbox_id_hex(mb, id);
	rc = sub_net_post_mailbox(&n, id, &resp, why, sizeof(why));
	if (rc != SD_OK) {
		sub_clean_text(msg, sizeof(msg), resp.body, resp.len);
		sub_response_free(&resp);
		if (rc == SD_E_TOOBIG)
			sub_err("%s: the mailbox answer is larger than %d bytes",
			    o->server, SUB_MAILBOX_RESPONSE_MAX);
		else
			sub_err("cannot fetch the mailbox from %s: %s%s%s", o->server,
			    why, msg[0] ? ": " : "", msg);
		return SUB_EXIT_NETWORK;
	}
	*blob = resp.body;
	*len = resp.len;
	return SUB_EXIT_OK;
}

/* Text from the analysts (or from whoever sealed to the mailbox) goes to a
 * terminal: no control characters but newline and tab. */
static void
print_text(const char *t, size_t len)
{
	size_t i;

	fputs("  ", stdout);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)t[i];

		if (c == '\n')
			fputs("\n  ", stdout);
		else if (c == '\t' || c >= 0x20) {
			/* C1 controls (U+0080..U+009F) are 0xC2 0x80..0x9F */
			if (c == 0xc2 && i + 1 < len &&
			    (unsigned char)t[i + 1] >= 0x80 &&
			    (unsigned char)t[i + 1] <= 0x9f) {
				fputc('?', stdout);
				i++;
			} else if (c != 0x7f)
				fputc(c, stdout);
			else
				fputc('?', stdout);
		} else
			fputc('?', stdout);
	}
	fputc('\n', stdout);
}

static void
save_attachment(const struct sub_opts *o, const sd_msg *m,
    const struct sd_msg_attachment *a)
{
	char path[4096];
	int n, rc;

	n = snprintf(path, sizeof(path), "%s/%.8s-%s", o->save, sd_msg_id(m),
	    a->name);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		sub_err("--save %s: path too long for %s", o->save, a->name);
		return;
	}
	rc = sd_file_write(path, a->data, a->len, 0600, 0);
	if (rc == SD_OK)
		printf("    saved to %s\n", path);
	else
		sub_err("cannot save %s: %s", path, rc == SD_E_IO ?
		    strerror(errno) : sd_strerror(rc));
}

static void
print_message(const struct sub_opts *o, size_t i, size_t n, const sd_msg *m)
{
	const struct sd_msg_attachment *a;
	const char *t;
	size_t len, k;
	int ok = sd_msg_verified(m);

	if (ok)
		printf("message %zu of %zu, from the analysts (verified with the "
		    "channel's ack key)\n", i + 1, n);
	else
		printf("message %zu of %zu: NOT VERIFIED \xe2\x80\x94 not from the "
		    "analysts (%s)\n", i + 1, n, sd_msg_why(m));
	printf("id:           %s\nsent:         %s\n", sd_msg_id(m),
	    sd_msg_sent(m));
	if (sd_msg_in_reply_to(m))
		printf("in reply to:  %s\n", sd_msg_in_reply_to(m));
	for (k = 0; k < sd_msg_n_attachments(m); k++) {
		a = sd_msg_attachment(m, k);
		printf("attachment:   ");
		print_text(a->name, strlen(a->name));
		printf("    %zu bytes, %s\n", a->len, a->media_type);
		if (ok && o->save != NULL)
			save_attachment(o, m, a);
		else if (o->save != NULL)
			printf("    not saved: the message is not verified\n");
	}
	t = sd_msg_text(m, &len);
	printf("text:\n");
	print_text(t, len);
	printf("\n");
}

static int
open_all(const struct sub_opts *o, const sd_mailbox *mb, const sd_channel *ch,
    const uint8_t *blob, size_t len)
{
	struct sd_sealed_ref *items = NULL;
	size_t n = 0, i, bad = 0;
	sd_msg *m = NULL;
	int rc;

	if (sd_mbox_blob_parse(blob, len, &items, &n) != SD_OK) {
		sub_err("the mailbox answer%s%s is not in the mailbox format",
		    o->in ? " in " : "", o->in ? o->in : "");
		return SUB_EXIT_NETWORK;
	}
	if (n == 0)
		printf("no messages\n");
	for (i = 0; i < n; i++) {
		rc = sd_msg_open(mb, sd_channel_ack_pk(ch), items[i].data,
		    items[i].len, &m);
		if (rc != SD_OK) {
			bad++;
			continue;
		}
		print_message(o, i, n, m);
		sd_msg_free(m);
	}
	if (bad > 0)
		sub_err("%zu of %zu messages do not open with this code (%s)", bad,
		    n, "not sealed to this mailbox, or damaged");
	free(items);
	return SUB_EXIT_OK;
}

int
sub_run_inbox(const struct sub_opts *o)
{
	uint8_t *f = sd_secret_alloc(SD_FOLLOWUP_BYTES), *blob = NULL;
	sd_mailbox *mb = NULL;
	sd_channel *ch = NULL;
	size_t len = 0;
	int rc = SUB_EXIT_INPUT;

	if (f == NULL)
		goto out;
	if ((o->server == NULL) == (o->in == NULL)) {
		sub_err("give --server URL (fetch now) or --in FILE with "
		    "--channel channel.json (a mailbox answer saved before)");
		goto out;
	}
	if (o->in != NULL && o->channel == NULL) {
		sub_err("--in needs --channel channel.json: the channel's ack key "
		    "verifies the messages");
		goto out;
	}
	if ((rc = check_net_opts(o)) != SUB_EXIT_OK ||
	    (rc = get_f(o, f)) != SUB_EXIT_OK)
		goto out;
	if ((rc = sd_mailbox_derive(f, &mb)) != SD_OK) {
		rc = SUB_EXIT_INPUT;
		goto out;
	}
	if ((rc = sub_get_channel(o, &ch)) != SUB_EXIT_OK)
		goto out;
	if (sd_channel_ack_pk(ch) == NULL) {
		sub_err("the channel has no ack key, so no message can be "
		    "verified as the analysts'");
		rc = SUB_EXIT_CHANNEL;
		goto out;
	}
	if ((rc = fetch_blob(o, mb, &blob, &len)) != SUB_EXIT_OK)
		goto out;
	rc = open_all(o, mb, ch, blob, len);
out:
	free(blob);
	sd_channel_free(ch);
	sd_mailbox_free(mb);
	sd_secret_free(f);
	return rc;
}

/* --- answer -------------------------------------------------------------- */

/* The answer's text from its file ('-' for standard input), into the
 * sections as every sealer builds them (sd_followup_answer). */
static int
answer_text(const struct sub_opts *o, const sd_mailbox *mb, json_t *stats,
    json_t *details, struct sd_errlist *e)
{
	uint8_t *text = NULL;
	size_t len = 0;
	int rc;

	if (o->report == NULL) {
		sub_err("give the file with your answer ('-' for standard input)");
		return SUB_EXIT_INPUT;
	}
	rc = sd_file_read(o->report, ANSWER_FILE_MAX, &text, &len);
	if (rc != SD_OK) {
		sub_err("%s: %s", o->report, rc == SD_E_TOOBIG ? "too large (an "
		    "answer has at most 100,000 characters)" : "cannot be read");
		return SUB_EXIT_INPUT;
	}
	while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r'))
		len--;
	rc = sd_followup_answer(sd_mailbox_pk(mb), o->in_reply_to,
	    (const char *)text, len, stats, details, e);
	if (rc == SD_E_INVAL)
		sub_err("%s: the answer is not UTF-8 text", o->report);
	sodium_memzero(text, len);
	free(text);
	return rc == SD_OK || rc == SD_E_FORMAT ? SUB_EXIT_OK : SUB_EXIT_INPUT;
}

static int
build_answer(const struct sub_opts *o, const sd_mailbox *mb, sub_report *r)
{
	struct sd_errlist *e = calloc(1, sizeof(*e));
	size_t i;
	int rc = SUB_EXIT_INPUT;

	if (e == NULL)
		return SUB_EXIT_INPUT;
	if (answer_text(o, mb, sub_report_part(r, SD_PART_STATS),
	    sub_report_part(r, SD_PART_DETAILS), e) != SUB_EXIT_OK)
		goto out;
	for (i = 0; i < o->n_attach; i++)
		sub_report_attach(r, o->attach[i], e);
	for (i = 0; i < e->n; i++)
		sub_err("%s", e->msg[i]);
	if (e->n == 0)
		rc = SUB_EXIT_OK;
out:
	free(e);
	return rc;
}

static int
send_answer(const struct sub_opts *o, const sd_channel *ch,
    const uint8_t *env, size_t len, const char *receipt)
{
	struct sub_net n = net_of(o);
	struct sub_response resp = { 0, NULL, 0 };
	struct sub_receipt rec;
	char why[WHY_CAP], msg[256];
	int rc;

	memset(&rec, 0, sizeof(rec));
	rc = sub_net_post_report(&n, env, len, &resp, why, sizeof(why));
	if (rc != SD_OK) {
		sub_clean_text(msg, sizeof(msg), resp.body, resp.len);
		sub_err("cannot deliver the answer to %s: %s%s%s", o->server, why,
		    msg[0] ? ": " : "", msg);
		sub_response_free(&resp);
		return SUB_EXIT_NETWORK;
	}
	rc = sub_receipt_check(ch, receipt, resp.body, resp.len, &rec);
	sub_response_free(&resp);
	if (rc != SD_OK) {
		sub_err("%s answered with a receipt that does not prove delivery "
		    "of this answer (our receipt id: %s)", o->server, receipt);
		return SUB_EXIT_NETWORK;
	}
	printf("answer sent\nreceipt:      %s\nday:          %s\n"
	    "signature:    %s\n", rec.receipt, rec.day, rec.signature);
	return SUB_EXIT_OK;
}

int
sub_run_answer(const struct sub_opts *o)
{
	struct sd_section_in sec[SD_ENV_MAX_SECTIONS];
	char receipt[SD_RECEIPT_LEN + 1];
	uint8_t *f = sd_secret_alloc(SD_FOLLOWUP_BYTES), *env = NULL;
	sub_report *r = NULL;
	sd_mailbox *mb = NULL;
	sd_channel *ch = NULL;
	size_t n = 0, len = 0;
	int rc = SUB_EXIT_INPUT;

	if (f == NULL || sub_report_new(&r) != SD_OK)
		goto out;
	if ((o->server == NULL) == (o->out == NULL) ||
	    (o->out != NULL && o->channel == NULL)) {
		sub_err("give either --server URL (send now) or --channel FILE "
		    "--out FILE (seal for delivery by other means)");
		goto out;
	}
	if ((rc = check_net_opts(o)) != SUB_EXIT_OK ||
	    (rc = get_f(o, f)) != SUB_EXIT_OK)
		goto out;
	rc = SUB_EXIT_INPUT;
	if (sd_mailbox_derive(f, &mb) != SD_OK ||
	    build_answer(o, mb, r) != SUB_EXIT_OK)
		goto out;
	if ((rc = sub_get_channel(o, &ch)) != SUB_EXIT_OK)
		goto out;
	rc = SUB_EXIT_INPUT;
	if (sub_report_sections(r, sec, &n) != SD_OK ||
	    sd_envelope_seal(ch, sec, n, &env, &len) != SD_OK) {
		sub_err("cannot seal the answer");
		goto out;
	}
	sd_receipt_id(receipt, env, len);
	if (o->out != NULL) {
		if ((rc = sd_file_write(o->out, env, len, 0600, o->force)) !=
		    SD_OK) {
			sub_err("--out %s: %s", o->out, rc == SD_E_EXISTS ? "exists "
			    "(add --force)" : sd_strerror(rc));
			rc = SUB_EXIT_INPUT;
			goto out;
		}
		printf("sealed:       %s (%zu bytes)\nreceipt:      %s (the "
		    "intake server will confirm it)\n", o->out, len, receipt);
		rc = SUB_EXIT_OK;
		goto out;
	}
	rc = send_answer(o, ch, env, len, receipt);
out:
	free(env);
	sd_channel_free(ch);
	sd_mailbox_free(mb);
	sub_report_free(r);
	sd_secret_free(f);
	return rc;
}
