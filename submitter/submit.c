#include "submit.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "net.h"
#include "org.h"
#include "prompt.h"
#include "receipts.h"
#include "report.h"
#include "sd_channel.h"
#include "sd_encode.h"
#include "sd_envelope.h"
#include "sd_err.h"
#include "sd_file.h"
#include "sd_keys.h"
#include "sd_mailbox.h"
#include "sd_mem.h"

#define PATH_CAP 4096
#define WHY_CAP 512

/* Everything one run holds, released in one place. */
struct run {
	const struct sub_opts *o;
	uint8_t authority[SD_PK_BYTES];
	char reporter[SUB_REPORTER_HEX];
	int has_reporter;
	char today[11];
	sub_report *report;
	sd_channel *ch;
	uint8_t *env;
	size_t env_len;
	char receipt[SD_RECEIPT_LEN + 1];
	/* --update: the earlier report as the receipt log has it */
	struct sub_logged upd;
	int updating;
	char upd_origin[128];
	/* the follow-up secret drawn for this report (guarded memory) */
	struct sub_fu *fu;
};

void
sub_err(const char *fmt, ...)
{
	va_list ap;

	fputs("sealdrop-submit: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* A server's message is untrusted: printable ASCII only, bounded. */
void
sub_clean_text(char *out, size_t cap, const uint8_t *in, size_t len)
{
	size_t i, k = 0;

	for (i = 0; i < len && k + 1 < cap; i++) {
		if (in[i] == '\n' || in[i] == '\r' || in[i] == '\t')
			out[k++] = ' ';
		else
			out[k++] = in[i] >= 0x20 && in[i] < 0x7f ? (char)in[i] : '?';
	}
	while (k > 0 && out[k - 1] == ' ')
		k--;
	out[k] = '\0';
}

static int
check_options(const struct sub_opts *o)
{
	char why[WHY_CAP];

	if (o->report == NULL && !o->interactive) {
		sub_err("give the report file (see 'sealdrop-submit template'), "
		    "or --interactive");
		return SUB_EXIT_INPUT;
	}
	if (o->check)
		return SUB_EXIT_OK;
	if (o->authority == NULL) {
		sub_err("give --authority A.pub: the channel authority's public "
		    "key you obtained from the EU body");
		return SUB_EXIT_INPUT;
	}
	if ((o->server == NULL) == (o->out == NULL)) {
		sub_err("give either --server URL (send now) or --channel FILE "
		    "--out FILE (seal for delivery by other means)");
		return SUB_EXIT_INPUT;
	}
	if (o->out != NULL && o->channel == NULL) {
		sub_err("--out needs --channel channel.json to seal offline");
		return SUB_EXIT_INPUT;
	}
	if (o->server != NULL && sub_url_check(o->server, why, sizeof(why)) != SD_OK) {
		sub_err("%s", why);
		return SUB_EXIT_INPUT;
	}
	if (o->proxy != NULL && sub_proxy_check(o->proxy, why, sizeof(why)) != SD_OK) {
		sub_err("%s", why);
		return SUB_EXIT_INPUT;
	}
	return SUB_EXIT_OK;
}

static int
load_authority(struct run *r)
{
	enum sd_role role = SD_ROLE_NONE;
	int rc;

	rc = sd_pubkey_load(r->o->authority, &role, r->authority);
	if (rc != SD_OK) {
		sub_err("--authority %s: %s; give the authority's .pub file or "
		    "its base64 key", r->o->authority, sd_strerror(rc));
		return SUB_EXIT_INPUT;
	}
	if (role != SD_ROLE_NONE && role != SD_ROLE_AUTHORITY) {
		sub_err("--authority %s is a key of role %s, not the channel authority's",
		    r->o->authority, sd_role_name(role));
		return SUB_EXIT_INPUT;
	}
	return SUB_EXIT_OK;
}

/* The receipt log: --receipts, else the default under XDG_DATA_HOME or
 * HOME; NULL when there is neither. */
static const char *
log_path(const struct sub_opts *o, char *buf, size_t cap)
{
	if (o->receipts != NULL)
		return o->receipts;
	return sub_data_path(buf, cap, "receipts.log") == SD_OK ? buf : NULL;
}

static int
update_not_found(const char *receipt, const char *log, int rc)
{
	if (rc == SD_E_IO && errno == ENOENT)
		sub_err("--update %s: there is no receipt log at %s; give the "
		    "--receipts FILE the report was logged in, or --incident-ref "
		    "HEX with the incident_ref printed when it was sent",
		    receipt, log);
	else if (rc == SD_E_IO)
		sub_err("--update %s: cannot read the receipt log %s: %s",
		    receipt, log, strerror(errno));
	else if (rc == SD_E_FORMAT)
		sub_err("--update %s: several receipts in %s begin with it; "
		    "give the whole receipt", receipt, log);
	else
		sub_err("--update %s: no report with this receipt in the receipt "
		    "log %s; give a receipt from that log (each report sent to "
		    "a server is logged there), or --incident-ref HEX", receipt,
		    log);
	return SUB_EXIT_INPUT;
}

/* --update RECEIPT: the incident_ref and reporter pseudonym of the report it
 * corrects, from the receipt log, so that the correction replaces it. */
static int
resolve_update(struct run *r)
{
	const struct sub_opts *o = r->o;
	char buf[PATH_CAP];
	const char *log = log_path(o, buf, sizeof(buf));
	size_t n = strlen(o->update);
	int rc;

	if (n < SUB_RECEIPT_PREFIX_MIN || n > SD_RECEIPT_LEN) {
		sub_err("--update takes the receipt printed when the report was "
		    "sent (%d characters, or at least its first %d)",
		    SD_RECEIPT_LEN, SUB_RECEIPT_PREFIX_MIN);
		return SUB_EXIT_INPUT;
	}
	if (log == NULL) {
		sub_err("--update: neither XDG_DATA_HOME nor HOME is set, so "
		    "there is no receipt log; give --receipts FILE");
		return SUB_EXIT_INPUT;
	}
	if ((rc = sub_receipts_find(log, o->update, &r->upd)) != SD_OK)
		return update_not_found(o->update, log, rc);
	if (!r->upd.has_identity) {
		sub_err("--update %s: the receipt log line of this report was "
		    "written by an earlier version of sealdrop-submit and does "
		    "not hold its incident_ref; give --incident-ref HEX with the "
		    "incident_ref printed when it was sent", r->upd.receipt);
		return SUB_EXIT_INPUT;
	}
	if (o->incident_ref != NULL &&
	    strcmp(o->incident_ref, r->upd.incident_ref) != 0) {
		sub_err("--incident-ref %s is not the incident_ref of receipt %s "
		    "(%s); give one of the two", o->incident_ref,
		    r->upd.receipt, r->upd.incident_ref);
		return SUB_EXIT_INPUT;
	}
	if (o->anonymous && r->upd.reporter[0] != '\0') {
		sub_err("--anonymous: the report of receipt %s carried a reporter "
		    "pseudonym; without it the update would count as another "
		    "report. Leave --anonymous out", r->upd.receipt);
		return SUB_EXIT_INPUT;
	}
	snprintf(r->upd_origin, sizeof(r->upd_origin), "that of receipt %s "
	    "(--update)", r->upd.receipt);
	r->updating = 1;
	return SUB_EXIT_OK;
}

/* An update carries the pseudonym of the report it corrects, or none if
 * that one had none; an --org-secret given as well must agree. */
static int
update_reporter(struct run *r)
{
	char derived[SUB_REPORTER_HEX];
	const char *p = r->o->org_secret;

	if (p != NULL && sub_org_reporter(p, derived) == SD_OK &&
	    (r->upd.reporter[0] == '\0' ||
	    strcmp(derived, r->upd.reporter) != 0)) {
		sub_err("--org-secret %s: the report of receipt %s was sent %s; "
		    "an update with this pseudonym would count as another "
		    "report. Leave --org-secret out", p, r->upd.receipt,
		    r->upd.reporter[0] ? "with another reporter pseudonym" :
		    "without a reporter pseudonym");
		return SUB_EXIT_INPUT;
	}
	if (r->upd.reporter[0] != '\0') {
		memcpy(r->reporter, r->upd.reporter, sizeof(r->reporter));
		r->has_reporter = 1;
	}
	return SUB_EXIT_OK;
}

static int
load_reporter(struct run *r)
{
	char path[PATH_CAP];
	const char *p = r->o->org_secret;
	int rc;

	if (r->updating)
		return update_reporter(r);
	if (r->o->anonymous)
		return SUB_EXIT_OK;
	if (p == NULL && sub_data_path(path, sizeof(path), "org.secret") == SD_OK)
		p = path;
	if (p == NULL)
		return SUB_EXIT_OK;
	rc = sub_org_reporter(p, r->reporter);
	if (rc == SD_OK) {
		r->has_reporter = 1;
		return SUB_EXIT_OK;
	}
	if (rc == SD_E_IO && errno == ENOENT && r->o->org_secret == NULL)
		return SUB_EXIT_OK;     /* init was never run: no pseudonym */
	if (rc == SD_E_INVAL)
		sub_err("%s: other users may read the organisation secret; run "
		    "chmod 600 %s", p, p);
	else
		sub_err("%s: cannot use the organisation secret (%s); run "
		    "'sealdrop-submit init' to create one", p,
		    rc == SD_E_IO ? strerror(errno) : sd_strerror(rc));
	return SUB_EXIT_INPUT;
}

static void
print_errors(const struct sd_errlist *e)
{
	size_t i;

	for (i = 0; i < e->n && i < SD_SCHEMA_MAX_ERRORS; i++)
		sub_err("%s", e->msg[i]);
	if (e->n > 1)
		fprintf(stderr, "sealdrop-submit: %zu problems; fix them and run "
		    "again ('sealdrop-submit template --explain' lists every "
		    "field)\n", e->n);
}

static int
ask(struct run *r)
{
	if (sub_prompt_report(r->report, stdin, stderr, r->today) != SD_OK) {
		sub_err("no report was made; nothing was sent");
		return SUB_EXIT_INPUT;
	}
	return SUB_EXIT_OK;
}

static int
build_report(struct run *r)
{
	const struct sub_opts *o = r->o;
	struct sd_errlist *e = NULL;
	size_t i;
	int loaded = 1, rc = SUB_EXIT_INPUT;

	if ((e = calloc(1, sizeof(*e))) == NULL || sub_report_new(&r->report)
	    != SD_OK) {
		sub_err("out of memory");
		goto out;
	}
	if (o->report != NULL && sub_report_load(r->report, o->report, e) != SD_OK)
		loaded = 0;
	if (o->details != NULL &&
	    sub_report_load_details(r->report, o->details, e) != SD_OK)
		loaded = 0;
	for (i = 0; i < o->n_attach; i++)
		sub_report_attach(r->report, o->attach[i], e);
	if (loaded && e->n == 0 && o->interactive && ask(r) != SUB_EXIT_OK)
		goto out;
	if (loaded) {
		struct sub_identity id = { o->incident_ref, "--incident-ref",
			r->has_reporter ? r->reporter : NULL,
			"the one derived from the organisation secret", 0,
			"the report corrected was sent without a reporter "
			"pseudonym, and so must its update be", NULL };

		if (r->updating) {
			id.incident_ref = r->upd.incident_ref;
			id.ref_origin = id.reporter_origin = r->upd_origin;
			id.no_reporter = !r->has_reporter;
			id.hint = "delete it from the report, or send it "
			    "without --update";
		}
		sub_report_finish_as(r->report, &id, r->today, e);
	}
	if (e->n == 0)
		rc = SUB_EXIT_OK;
	print_errors(e);
out:
	free(e);
	return rc;
}

static int
channel_refused(int rc, const char *where)
{
	switch (rc) {
	case SD_E_AUTHORITY:
		sub_err("the channel from %s is signed by another authority "
		    "than the one you pinned with --authority; nothing was sent",
		    where);
		break;
	case SD_E_EXPIRED:
		sub_err("the channel from %s has expired; nothing was sent; "
		    "ask the operator to publish a current one", where);
		break;
	case SD_E_SIGNATURE:
		sub_err("the channel from %s does not carry a valid signature; "
		    "nothing was sent", where);
		break;
	default:
		sub_err("the channel from %s is unusable (%s); nothing was sent",
		    where, sd_strerror(rc));
		break;
	}
	return SUB_EXIT_CHANNEL;
}

static struct sub_net
net_of(const struct sub_opts *o)
{
	struct sub_net n = { o->server, o->proxy, o->cacert, o->tries,
		o->wait_ms, o->connect_timeout, o->timeout, o->quiet };

	return n;
}

static int
fetch_channel(struct run *r)
{
	struct sub_net n = net_of(r->o);
	struct sub_response resp = { 0, NULL, 0 };
	char why[WHY_CAP], msg[256];
	int rc;

	rc = sub_net_get_channel(&n, &resp, why, sizeof(why));
	if (rc == SD_E_TOOBIG) {
		sub_response_free(&resp);
		sub_err("%s: the channel is larger than %d bytes; refused",
		    r->o->server, SUB_CHANNEL_RESPONSE_MAX);
		return SUB_EXIT_CHANNEL;
	}
	if (rc != SD_OK) {
		sub_clean_text(msg, sizeof(msg), resp.body, resp.len);
		sub_response_free(&resp);
		sub_err("cannot fetch the channel from %s: %s%s%s; nothing was "
		    "sent", r->o->server, why, msg[0] ? ": " : "", msg);
		return SUB_EXIT_NETWORK;
	}
	rc = sd_channel_load((const char *)resp.body, resp.len, r->authority,
	    r->today, &r->ch);
	sub_response_free(&resp);
	return rc == SD_OK ? SUB_EXIT_OK : channel_refused(rc, r->o->server);
}

/* With both --server and --channel, the server must serve the channel the
 * user already holds: a server that swaps channels is refused. */
static int
get_channel(struct run *r)
{
	sd_channel *local = NULL;
	int rc;

	if (r->o->channel != NULL) {
		rc = sd_channel_load_file(r->o->channel, r->authority, r->today,
		    &local);
		if (rc == SD_E_IO || rc == SD_E_TOOBIG) {
			sub_err("--channel %s: %s", r->o->channel, sd_strerror(rc));
			return SUB_EXIT_INPUT;
		}
		if (rc != SD_OK)
			return channel_refused(rc, r->o->channel);
	}
	if (r->o->server == NULL) {
		r->ch = local;
		return SUB_EXIT_OK;
	}
	rc = fetch_channel(r);
	if (rc == SUB_EXIT_OK && local != NULL && sodium_memcmp(sd_channel_id(
	    local), sd_channel_id(r->ch), SD_CHANNEL_ID_BYTES) != 0) {
		sub_err("%s serves another channel than --channel %s; nothing "
		    "was sent", r->o->server, r->o->channel);
		rc = SUB_EXIT_CHANNEL;
	}
	sd_channel_free(local);
	return rc;
}

/* Every sealed report gets a follow-up secret; its mailbox key goes into
 * the details part, which is created when the report has none, so every
 * report can be followed up. */
static int
add_mailbox(struct run *r)
{
	sd_mailbox *mb = NULL;
	int rc;

	if ((r->fu = sd_secret_alloc(sizeof(*r->fu))) == NULL)
		return SD_E_NOMEM;
	sd_followup_draw(r->fu->f);
	sd_followup_format(r->fu->code, r->fu->f);
	if ((rc = sd_mailbox_derive(r->fu->f, &mb)) != SD_OK)
		return rc;
	rc = sub_report_set_mailbox(r->report, sd_mailbox_pk(mb));
	sd_mailbox_free(mb);
	return rc;
}

void
sub_print_followup(const char *code, const char *server, const char *log)
{
	printf("follow-up:    %s\n", code);
	printf("  Keep this follow-up code secret. With it you can read "
	    "questions from the\n  analysts and answer them without saying "
	    "who you are:\n    sealdrop-submit inbox --server %s "
	    "--authority A.pub\n  (it asks for the code). It is not shown "
	    "again%s%s.\n", server ? server : "URL", log ? "; it is kept in " :
	    "", log ? log : "");
}

static int
seal(struct run *r)
{
	struct sd_section_in sec[SD_ENV_MAX_SECTIONS];
	size_t n = 0;
	int rc;

	rc = add_mailbox(r);
	if (rc == SD_OK)
		rc = sub_report_sections(r->report, sec, &n);
	if (rc == SD_OK)
		rc = sd_envelope_seal(r->ch, sec, n, &r->env, &r->env_len);
	if (rc != SD_OK) {
		sub_err("cannot seal the report: %s", sd_strerror(rc));
		return SUB_EXIT_INPUT;
	}
	sd_receipt_id(r->receipt, r->env, r->env_len);
	return SUB_EXIT_OK;
}

static void
print_corrects(const struct run *r)
{
	if (r->updating)
		printf("corrects:     %s (same incident_ref and reporter "
		    "pseudonym: it replaces that report)\n", r->upd.receipt);
}

static int
write_sealed(struct run *r)
{
	int rc = sd_file_write(r->o->out, r->env, r->env_len, 0600, r->o->force);

	if (rc == SD_E_EXISTS) {
		sub_err("--out %s exists; choose another name or add --force",
		    r->o->out);
		return SUB_EXIT_INPUT;
	}
	if (rc != SD_OK) {
		sub_err("--out %s: cannot write: %s", r->o->out,
		    rc == SD_E_IO ? strerror(errno) : sd_strerror(rc));
		return SUB_EXIT_INPUT;
	}
	printf("sealed:       %s (%zu bytes)\n", r->o->out, r->env_len);
	printf("receipt:      %s (the intake server will confirm it)\n",
	    r->receipt);
	printf("incident_ref: %s\n", sub_report_incident_ref(r->report));
	print_corrects(r);
	sub_print_followup(r->fu->code, NULL, NULL);
	return SUB_EXIT_OK;
}

static int
json_field(json_t *o, const char *k, char *out, size_t cap)
{
	const char *s = json_string_value(json_object_get(o, k));

	if (s == NULL || strlen(s) >= cap)
		return SD_E_FORMAT;
	memcpy(out, s, strlen(s) + 1);
	return SD_OK;
}

/* The answer must be the receipt of exactly our bytes, signed by the
 * channel's receipt key; anything else proves nothing. */
int
sub_receipt_check(const sd_channel *ch, const char *receipt,
    const uint8_t *body, size_t len, struct sub_receipt *rec)
{
	char msg[SD_RECEIPT_LEN + 64];
	uint8_t sig[64];
	size_t siglen = 0;
	json_t *doc = NULL;
	int rc = SD_E_FORMAT;

	doc = json_loadb((const char *)body, len, JSON_REJECT_DUPLICATES, NULL);
	if (doc == NULL || json_field(doc, "receipt", rec->receipt,
	    sizeof(rec->receipt)) != SD_OK || json_field(doc, "day", rec->day,
	    sizeof(rec->day)) != SD_OK || json_field(doc, "signature",
	    rec->signature, sizeof(rec->signature)) != SD_OK ||
	    !sd_date_valid(rec->day))
		goto out;
	rc = SD_E_CHANNEL;
	if (strcmp(rec->receipt, receipt) != 0)
		goto out;
	rc = SD_E_SIGNATURE;
	if (sd_b64_decode(sig, sizeof(sig), &siglen, rec->signature,
	    strlen(rec->signature)) != SD_OK || siglen != sizeof(sig) ||
	    sd_receipt_message(msg, sizeof(msg), rec->receipt, rec->day) < 0)
		goto out;
	if (crypto_sign_verify_detached(sig, (const uint8_t *)msg, strlen(msg),
	    sd_channel_receipt_pk(ch)) == 0)
		rc = SD_OK;
out:
	json_decref(doc);
	return rc;
}

static int
refused_by_server(struct run *r, int rc, const struct sub_response *resp,
    const char *why)
{
	char msg[256];

	sub_clean_text(msg, sizeof(msg), resp->body, resp->len);
	if (rc == SD_E_TOOBIG)
		sub_err("%s: the server's answer is too large", r->o->server);
	else if (rc == SD_E_INVAL)
		sub_err("%s refused the report (HTTP %ld%s%s); it was not stored",
		    r->o->server, resp->status, msg[0] ? ": " : "", msg);
	else
		sub_err("cannot deliver the report to %s: %s%s%s; run the same "
		    "command again later", r->o->server, why, msg[0] ? ": " : "",
		    msg);
	return SUB_EXIT_NETWORK;
}

static const char *
log_receipt(struct run *r, const struct sub_receipt *rec, char *path,
    size_t cap)
{
	const char *p = log_path(r->o, path, cap);
	int rc = SD_E_INVAL;

	if (p != NULL)
		rc = sub_receipts_append(p, rec, r->o->server,
		    sd_channel_id(r->ch), sub_report_incident_ref(r->report),
		    sub_report_reporter(r->report));
	if (rc != SD_OK)
		sub_err("warning: the receipt could not be added to the log %s "
		    "(%s); keep the lines above", p ? p : "(no home directory)",
		    rc == SD_E_IO ? strerror(errno) : sd_strerror(rc));
	return rc == SD_OK ? p : NULL;
}

static int
send_report(struct run *r)
{
	struct sub_net n = net_of(r->o);
	struct sub_response resp = { 0, NULL, 0 };
	struct sub_receipt rec;
	char why[WHY_CAP], path[PATH_CAP];
	const char *logged;
	int rc;

	memset(&rec, 0, sizeof(rec));
	rc = sub_net_post_report(&n, r->env, r->env_len, &resp, why, sizeof(why));
	if (rc != SD_OK) {
		rc = refused_by_server(r, rc, &resp, why);
		goto out;
	}
	rc = sub_receipt_check(r->ch, r->receipt, resp.body, resp.len, &rec);
	if (rc != SD_OK) {
		sub_err("%s answered with a receipt that %s; do not rely on this "
		    "submission (our receipt id: %s)", r->o->server,
		    rc == SD_E_FORMAT ? "is malformed" : rc == SD_E_CHANNEL ?
		    "is not that of the report sent" : "does not verify with "
		    "the channel's receipt key", r->receipt);
		rc = SUB_EXIT_NETWORK;
		goto out;
	}
	memcpy(rec.followup, r->fu->code, sizeof(rec.followup));
	logged = log_receipt(r, &rec, path, sizeof(path));
	printf("receipt:      %s\nday:          %s\nsignature:    %s\n"
	    "incident_ref: %s\n", rec.receipt, rec.day, rec.signature,
	    sub_report_incident_ref(r->report));
	print_corrects(r);
	sub_print_followup(r->fu->code, r->o->server, logged);
	sodium_memzero(&rec, sizeof(rec));
	rc = SUB_EXIT_OK;
out:
	sub_response_free(&resp);
	return rc;
}

static int
confirm(struct run *r)
{
	if (!r->o->interactive)
		return SUB_EXIT_OK;
	if (sub_prompt_yes(stdin, stderr, r->o->server ? "Seal and send this "
	    "report now?" : "Seal this report now?"))
		return SUB_EXIT_OK;
	sub_err("nothing was sent");
	return SUB_EXIT_INPUT;
}

int
sub_run_submit(const struct sub_opts *o)
{
	struct run r;
	int rc;

	memset(&r, 0, sizeof(r));
	r.o = o;
	sd_today(r.today);
	if ((rc = check_options(o)) != SUB_EXIT_OK)
		return rc;
	if (o->update != NULL && (rc = resolve_update(&r)) != SUB_EXIT_OK)
		goto out;
	if (!o->check && (rc = load_authority(&r)) != SUB_EXIT_OK)
		goto out;
	if ((rc = load_reporter(&r)) != SUB_EXIT_OK ||
	    (rc = build_report(&r)) != SUB_EXIT_OK)
		goto out;
	if (o->check) {
		printf("the report is valid\n");
		print_corrects(&r);
		goto out;
	}
	if ((rc = confirm(&r)) != SUB_EXIT_OK ||
	    (rc = get_channel(&r)) != SUB_EXIT_OK ||
	    (rc = seal(&r)) != SUB_EXIT_OK)
		goto out;
	rc = o->out != NULL ? write_sealed(&r) : send_report(&r);
out:
	sub_report_free(r.report);
	sd_channel_free(r.ch);
	free(r.env);
	sd_secret_free(r.fu);
	sodium_memzero(&r, sizeof(r));
	return rc;
}

int
sub_get_channel(const struct sub_opts *o, sd_channel **out)
{
	struct run r;
	int rc;

	*out = NULL;
	memset(&r, 0, sizeof(r));
	r.o = o;
	sd_today(r.today);
	if ((rc = load_authority(&r)) == SUB_EXIT_OK &&
	    (rc = get_channel(&r)) == SUB_EXIT_OK) {
		*out = r.ch;
		r.ch = NULL;
	}
	sd_channel_free(r.ch);
	return rc;
}

const char *
sub_log_path(const struct sub_opts *o, char *buf, size_t cap)
{
	return log_path(o, buf, cap);
}

static int
show_code(const char *path)
{
	char code[SD_ORG_CODE_LEN], reporter[SUB_REPORTER_HEX];
	int rc = sub_org_code(path, code, reporter);

	if (rc == SD_E_INVAL) {
		sub_err("%s can be read by other users: chmod 600 it first",
		    path);
		return SUB_EXIT_INPUT;
	}
	if (rc != SD_OK) {
		sub_err("%s: cannot read the organisation secret: %s; create "
		    "one with 'sealdrop-submit init'", path,
		    rc == SD_E_IO ? strerror(errno) : sd_strerror(rc));
		return SUB_EXIT_INPUT;
	}
	printf("organisation code:   %s\n"
	    "reporter pseudonym:  %s\n", code, reporter);
	sodium_memzero(code, sizeof(code));
	return SUB_EXIT_OK;
}

int
sub_run_init(const char *path, int force, const char *code_in, int show)
{
	char def[PATH_CAP], reporter[SUB_REPORTER_HEX], code[SD_ORG_CODE_LEN];
	uint8_t *secret = NULL;
	int rc;

	if (path == NULL) {
		if (sub_data_path(def, sizeof(def), "org.secret") != SD_OK) {
			sub_err("neither XDG_DATA_HOME nor HOME is set; give "
			    "--org-secret FILE");
			return SUB_EXIT_INPUT;
		}
		path = def;
	}
	if (show)
		return show_code(path);
	if (code_in != NULL) {
		if ((secret = sd_secret_alloc(SUB_ORG_SECRET_BYTES)) == NULL)
			return SUB_EXIT_INPUT;
		rc = sd_org_code_parse(code_in, strlen(code_in), secret);
		if (rc != SD_OK) {
			sd_secret_free(secret);
			sub_err("--code: %s", rc == SD_E_SIGNATURE ?
			    "this organisation code has a typing mistake; "
			    "check it letter by letter" :
			    "not an organisation code (55 letters a-z and "
			    "digits 2-7, in groups of five)");
			return SUB_EXIT_INPUT;
		}
	}
	rc = sub_org_init_from(path, force, secret, reporter, code);
	sd_secret_free(secret);
	if (rc == SD_E_EXISTS) {
		sub_err("%s exists: this organisation already has a secret; "
		    "replacing it makes later reports look like another "
		    "organisation's. 'sealdrop-submit init --show' prints its "
		    "code; add --force only if you mean to replace it", path);
		return SUB_EXIT_INPUT;
	}
	if (rc != SD_OK) {
		sub_err("%s: cannot write the organisation secret: %s", path,
		    rc == SD_E_IO ? strerror(errno) : sd_strerror(rc));
		return SUB_EXIT_INPUT;
	}
	printf("organisation secret: %s (mode 0600; keep a backup and use the "
	    "same file on every machine that reports for this organisation)\n"
	    "organisation code:   %s (give it in the web form to be counted as "
	    "the same organisation)\n"
	    "reporter pseudonym:  %s\n", path, code, reporter);
	sodium_memzero(code, sizeof(code));
	return SUB_EXIT_OK;
}
