/* The follow-up end to end on the real binaries: reports sealed and sent
 * by sealdrop-submit to the real sealdrop-server, each with a follow-up
 * code; an answer of a reporter; export, ingest, list --key, reply, outbox
 * with sealdrop-analyst; the outbox batch verified and its messages read
 * back by sealdrop-submit inbox with the reporters' codes; a message not
 * signed by the channel's ack key shown as NOT VERIFIED.
 *
 * The intake host's side of the mailbox (sealdrop-server messages and
 * POST /api/v1/mailbox) is used when the server has it; until then the
 * mailbox answer is built here with sd_mailbox, exactly as the server
 * builds it, and read with inbox --in. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>
#include <unistd.h>

#include "sd_channel.h"
#include "sd_err.h"
#include "sd_file.h"
#include "sd_keys.h"
#include "sd_mailbox.h"
#include "sd_mem.h"
#include "server_harness.h"
#include "test_analyst_fixture.h"

#define QUESTION_A "Which port did the goods leave from? Merci \xe2\x80\x94 EC3"
#define QUESTION_B "Can you tell us the quarter more precisely?"
#define ANSWER_1 "I forgot to say: the files left through a USB stick."
#define ANSWER_2 "It was the port of Antwerp."

static const char *const env_run[] = {
	"SEALDROP_PASSPHRASE=" H_PASS, "SEALDROP_TODAY=2026-11-22", NULL
};

static char url[64];

static int
run(const char *log, const char *prog, ...)
{
	char bin[512];
	char *argv[40];
	size_t n = 0;
	va_list ap;
	const char *a;

	h_bin(bin, sizeof(bin), prog);
	argv[n++] = bin;
	va_start(ap, prog);
	while ((a = va_arg(ap, const char *)) != NULL && n < 39)
		argv[n++] = h_s(a);
	va_end(ap);
	argv[n] = NULL;
	return h_run(argv, env_run, log);
}

#define SUBMIT "submitter/sealdrop-submit"
#define ANALYST "analyst/sealdrop-analyst"

/* not inlined: gcc 12 otherwise takes &p given to sd_file_read for a
 * pointer that may point to p itself and warns of a dangling pointer */
__attribute__((noinline)) static char *
slurp(const char *path)
{
	uint8_t *p = NULL;
	size_t len = 0;

	if (sd_file_read(path, 64 << 20, &p, &len) != SD_OK)
		fail_msg("cannot read %s", path);
	return (char *)p;
}

static void
expect_in(const char *path, const char *needle)
{
	char *t = slurp(path);

	if (strstr(t, needle) == NULL)
		fail_msg("%s lacks '%s':\n%s", path, needle, t);
	free(t);
}

static void
expect_not_in(const char *path, const char *needle)
{
	char *t = slurp(path);

	if (strstr(t, needle) != NULL)
		fail_msg("%s has '%s':\n%s", path, needle, t);
	free(t);
}

/* the value after "name:" on a line of path */
static void
field(const char *path, const char *name, char *out, size_t cap)
{
	char *t = slurp(path), *p = strstr(t, name);
	size_t n;

	if (p == NULL)
		fail_msg("%s has no %s:\n%s", path, name, t);
	p += strlen(name);
	while (*p == ' ' || *p == ':')
		p++;
	n = strcspn(p, " \n");
	assert_true(n < cap);
	memcpy(out, p, n);
	out[n] = '\0';
	free(t);
}

static void
put(const char *path, const char *text)
{
	assert_int_equal(sd_file_write(path, text, strlen(text), 0600, 1), SD_OK);
}

static void
submit_report(const char *name, int with_details, char code[64],
    char receipt[64])
{
	struct fx_rep r;
	char stats[4096], json[128], log[128];

	memset(&r, 0, sizeof(r));
	r.ref = with_details ? 11 : 12;
	r.reporter = -1;
	r.ms = "DE";
	r.org = "company";
	r.sector = "C";
	r.size = "medium";
	r.discovered = "2026-Q1";
	r.secrets = 1;
	r.vectors = 1;
	r.actor = "unknown";
	r.origin = "unknown";
	r.loss = r.jobs = -1;
	fx_stats_json(stats, sizeof(stats), &r);
	snprintf(json, sizeof(json), "%s.json", name);
	snprintf(log, sizeof(log), "%s.out", name);
	put(json, stats);
	put("details.json", "{\"narrative\":\"The plans were copied.\"}");
	if (with_details)
		assert_int_equal(run(log, SUBMIT, "--server", url, "--authority",
		    "k/authority.pub", "--receipts", "receipts.log", "--anonymous",
		    "--details", "details.json", json, NULL), 0);
	else
		assert_int_equal(run(log, SUBMIT, "--server", url, "--authority",
		    "k/authority.pub", "--receipts", "receipts.log", "--anonymous",
		    json, NULL), 0);
	field(log, "follow-up", code, 64);
	field(log, "receipt", receipt, 64);
	assert_memory_equal(code, "FU-", 3);
	expect_in(log, "Keep this follow-up code secret");
}

static void
export_ingest(const char *out)
{
	char log[64];

	snprintf(log, sizeof(log), "%s.log", out);
	remove(out);
	assert_int_equal(run(log, "server/sealdrop-server", "export", "--db",
	    "intake.db", "--out", out, NULL), 0);
	assert_int_equal(run("ingest.out", ANALYST, "ingest", "--store", "a.db",
	    out, NULL), 0);
}

/* What the intake host answers a fetch of mailbox mb, built from the
 * outbox batch as sealdrop-server would from its store. */
static void
mailbox_answer(const sd_outbox *ob, const char *code, const char *path,
    const uint8_t *extra, size_t extra_len)
{
	struct sd_sealed_ref refs[8];
	uint8_t f[SD_FOLLOWUP_BYTES], *blob = NULL;
	sd_mailbox *mb = NULL;
	size_t i, n = 0, len = 0;

	assert_int_equal(sd_followup_parse(code, strlen(code), f), SD_OK);
	assert_int_equal(sd_mailbox_derive(f, &mb), SD_OK);
	for (i = 0; i < sd_outbox_count(ob); i++) {
		const struct sd_outbox_item *it = sd_outbox_item(ob, i);

		if (memcmp(it->mailbox, sd_mailbox_id(mb), 16) == 0 && n < 7) {
			refs[n].data = it->sealed;
			refs[n++].len = it->len;
		}
	}
	if (extra) {
		refs[n].data = extra;
		refs[n++].len = extra_len;
	}
	assert_int_equal(sd_mbox_blob_build(refs, n, &blob, &len), SD_OK);
	assert_int_equal(sd_file_write(path, blob, len, 0600, 1), SD_OK);
	free(blob);
	sd_mailbox_free(mb);
}

/* A message sealed to the mailbox of code by a key that is not the
 * channel's ack key. */
static uint8_t *
forged(const char *code, const sd_channel *ch, size_t *len)
{
	struct sd_msg_spec s;
	uint8_t f[SD_FOLLOWUP_BYTES], raw[32], *sealed = NULL;
	sd_mailbox *mb = NULL;
	sd_seckey *k = NULL;

	memset(&s, 0, sizeof(s));
	memset(raw, 0x5a, sizeof(raw));
	assert_int_equal(sd_seckey_from_raw(SD_ROLE_ACK, raw, &k), SD_OK);
	assert_int_equal(sd_followup_parse(code, strlen(code), f), SD_OK);
	assert_int_equal(sd_mailbox_derive(f, &mb), SD_OK);
	s.channel_id = sd_channel_id(ch);
	s.text = "Send your passwords to this address.";
	s.textlen = strlen(s.text);
	assert_int_equal(sd_msg_seal(k, sd_mailbox_pk(mb), &s, NULL, &sealed,
	    len), SD_OK);
	sd_mailbox_free(mb);
	sd_seckey_free(k);
	return sealed;
}

/* the server's own word: an unknown command is named as such */
static int
server_has_messages(void)
{
	char *t;
	int yes;

	(void)run("messages-probe.out", "server/sealdrop-server", "messages",
	    NULL);
	t = slurp("messages-probe.out");
	yes = strstr(t, "unknown command") == NULL;
	free(t);
	return yes;
}

static void
test_followup(void **state)
{
	char code_a[64], code_b[64], rec_a[64], rec_b[64], qid[64];
	uint8_t ack_pk[32], pk[32], *fake, *doc;
	enum sd_role role;
	struct h_server srv;
	sd_channel *ch = h_channel("k");
	sd_outbox *ob = NULL;
	size_t fake_len, len;
	char *log;

	(void)state;
	h_fresh_db("intake.db");
	h_fresh_db("a.db");
	remove("receipts.log");
	assert_int_equal(h_start(&srv, "k", "intake.db", NULL, NULL), 0);
	snprintf(url, sizeof(url), "http://127.0.0.1:%u", srv.port);

	/* every report gets a code, one without details too; the log keeps
	 * it next to the receipt */
	submit_report("with", 1, code_a, rec_a);
	submit_report("without", 0, code_b, rec_b);
	assert_string_not_equal(code_a, code_b);
	log = slurp("receipts.log");
	assert_non_null(strstr(log, code_a));
	assert_non_null(strstr(log, code_b));
	free(log);

	/* the reporter of A adds something before any question */
	put("code-a.txt", code_a);
	put("code-b.txt", code_b);
	put("answer1.txt", ANSWER_1 "\n");
	assert_int_equal(run("answer1.out", SUBMIT, "answer", "--server", url,
	    "--authority", "k/authority.pub", "--code-file", "code-a.txt",
	    "answer1.txt", NULL), 0);
	expect_in("answer1.out", "answer sent");
	/* a code that is not one is refused before anything is sent */
	put("bad-code.txt", "FU-1234");
	assert_int_equal(run("badcode.out", SUBMIT, "answer", "--server", url,
	    "--authority", "k/authority.pub", "--code-file", "bad-code.txt",
	    "answer1.txt", NULL), 1);
	expect_in("badcode.out", "not a follow-up code");
	assert_int_equal(h_stop(&srv), 0);

	export_ingest("e1.sqlite");
	/* the answer is no report: the tables see two reports, none refused */
	assert_int_equal(run("table.out", ANALYST, "table", "--store", "a.db",
	    "--key", "k/stats.key", "--rows", "member_state", "--threshold",
	    "1", "--p", "0", NULL), 0);
	expect_not_in("table.out", "refused");
	/* list --key records the mailboxes and places the answer */
	assert_int_equal(run("list.out", ANALYST, "list", "--store", "a.db",
	    "--key", "k/details.key", NULL), 0);
	expect_in("list.out", "answer of a reporter");
	expect_in("list.out", "follow-up: 0 questions (0 waiting), 1 answer");
	expect_in("list.out", "follow-up: 0 questions (0 waiting), 0 answers");

	/* questions to both reporters */
	put("qa.txt", QUESTION_A "\n");
	put("qb.txt", QUESTION_B);
	assert_int_equal(run("reply-a.out", ANALYST, "reply", "--store", "a.db",
	    "--key", "k/details.key", "--ack-key", "k/ack.key", "--in", "qa.txt",
	    rec_a, NULL), 0);
	field("reply-a.out", "question", qid, sizeof(qid));
	assert_int_equal(strlen(qid), 32);
	assert_int_equal(run("reply-b.out", ANALYST, "reply", "--store", "a.db",
	    "--key", "k/details.key", "--ack-key", "k/ack.key", "--in", "qb.txt",
	    rec_b, NULL), 0);
	assert_int_equal(run("list2.out", ANALYST, "list", "--store", "a.db",
	    NULL), 0);
	expect_in("list2.out", "follow-up: 1 question (1 waiting), 1 answer");
	/* the store keeps the question's text sealed, never in the clear */
	assert_false(h_file_has("a.db", "Which port"));

	remove("outbox.sig");
	assert_int_equal(run("outbox.out", ANALYST, "outbox", "--store", "a.db",
	    "--key", "k/ack.key", "--out", "outbox.sig", NULL), 0);
	expect_in("outbox.out", "with 2 questions, marked sent");
	/* nothing waits now: nothing is written */
	assert_int_equal(run("outbox2.out", ANALYST, "outbox", "--store", "a.db",
	    "--key", "k/ack.key", "--out", "outbox2.sig", NULL), 0);
	expect_in("outbox2.out", "nothing waits");
	assert_int_not_equal(access("outbox2.sig", F_OK), 0);
	/* the sealed questions and their mailbox ids left the store */
	assert_int_equal(h_db_count("a.db", "SELECT count(*) FROM fu_questions "
	    "WHERE sealed IS NOT NULL OR mailbox IS NOT NULL"), 0);

	/* the batch verifies with the channel's ack key only */
	assert_int_equal(sd_pubkey_load("k/ack.pub", &role, ack_pk), SD_OK);
	doc = h_read("outbox.sig", &len);
	assert_non_null(doc);
	assert_int_equal(sd_pubkey_load("k/authority.pub", &role, pk), SD_OK);
	assert_int_equal(sd_outbox_verify((char *)doc, len, pk, 1, &ob),
	    SD_E_AUTHORITY);
	assert_int_equal(sd_outbox_verify((char *)doc, len, ack_pk, 1, &ob),
	    SD_OK);
	assert_int_equal(sd_outbox_count(ob), 2);
	assert_memory_equal(sd_outbox_channel_id(ob), sd_channel_id(ch), 16);

	/* ------------------------------------------------------------------
	 * THE INTAKE HOST'S STEP. With sealdrop-server messages and POST
	 * /api/v1/mailbox, the batch goes to the server and inbox fetches
	 * from it; without them the same answer is built here. */
	if (server_has_messages()) {
		assert_int_equal(run("messages.out", "server/sealdrop-server",
		    "messages", "--db", "intake.db", "--in", "outbox.sig", NULL),
		    0);
		assert_int_equal(h_start(&srv, "k", "intake.db", NULL, NULL), 0);
		snprintf(url, sizeof(url), "http://127.0.0.1:%u", srv.port);
		assert_int_equal(run("inbox-a.out", SUBMIT, "inbox", "--server",
		    url, "--authority", "k/authority.pub", "--code-file",
		    "code-a.txt", NULL), 0);
		assert_int_equal(run("inbox-b.out", SUBMIT, "inbox", "--server",
		    url, "--authority", "k/authority.pub", "--code-file",
		    "code-b.txt", NULL), 0);
		assert_int_equal(h_stop(&srv), 0);
	} else {
		print_message("sealdrop-server messages is not built yet: the "
		    "mailbox answer is made here from the outbox batch\n");
		mailbox_answer(ob, code_a, "mbox-a.bin", NULL, 0);
		mailbox_answer(ob, code_b, "mbox-b.bin", NULL, 0);
		assert_int_equal(run("inbox-a.out", SUBMIT, "inbox", "--in",
		    "mbox-a.bin", "--channel", "k/channel.json", "--authority",
		    "k/authority.pub", "--code-file", "code-a.txt", NULL), 0);
		assert_int_equal(run("inbox-b.out", SUBMIT, "inbox", "--in",
		    "mbox-b.bin", "--channel", "k/channel.json", "--authority",
		    "k/authority.pub", "--code-file", "code-b.txt", NULL), 0);
	}
	/* ------------------------------------------------------------------ */
	/* each reporter reads its own question, verified, and nothing else */
	expect_in("inbox-a.out", "message 1 of 1, from the analysts (verified");
	expect_in("inbox-a.out", QUESTION_A);
	expect_in("inbox-a.out", qid);
	expect_not_in("inbox-a.out", QUESTION_B);
	expect_in("inbox-b.out", QUESTION_B);
	expect_not_in("inbox-b.out", QUESTION_A);

	/* a message someone else sealed to the mailbox is never the analysts' */
	fake = forged(code_a, ch, &fake_len);
	mailbox_answer(ob, code_a, "mbox-fake.bin", fake, fake_len);
	assert_int_equal(run("inbox-fake.out", SUBMIT, "inbox", "--in",
	    "mbox-fake.bin", "--channel", "k/channel.json", "--authority",
	    "k/authority.pub", "--code", code_a, NULL), 0);
	expect_in("inbox-fake.out", "message 2 of 2: NOT VERIFIED \xe2\x80\x94 "
	    "not from the analysts");
	expect_in("inbox-fake.out", "message 1 of 2, from the analysts");

	/* the reporter answers the question; the analysts see the thread */
	assert_int_equal(h_start(&srv, "k", "intake.db", NULL, NULL), 0);
	snprintf(url, sizeof(url), "http://127.0.0.1:%u", srv.port);
	put("answer2.txt", ANSWER_2);
	assert_int_equal(run("answer2.out", SUBMIT, "answer", "--server", url,
	    "--authority", "k/authority.pub", "--code-file", "code-a.txt",
	    "--in-reply-to", qid, "answer2.txt", NULL), 0);
	assert_int_equal(h_stop(&srv), 0);
	export_ingest("e2.sqlite");
	assert_int_equal(run("show.out", ANALYST, "show", "--store", "a.db",
	    "--key", "k/details.key", rec_a, NULL), 0);
	expect_in("show.out", "== Follow-up ==");
	expect_in("show.out", QUESTION_A);
	expect_in("show.out", "sent in the outbox of");
	expect_in("show.out", ANSWER_1);
	expect_in("show.out", ANSWER_2);
	expect_in("show.out", qid);
	assert_int_equal(run("list3.out", ANALYST, "list", "--store", "a.db",
	    "--key", "k/details.key", NULL), 0);
	expect_in("list3.out", "follow-up: 1 question (0 waiting), 2 answers");

	free(fake);
	free(doc);
	sd_outbox_free(ob);
	sd_channel_free(ch);
}

static int
setup(void **state)
{
	(void)state;
	assert_int_equal(sd_crypto_init(), SD_OK);
	setenv("SEALDROP_TODAY", "2026-11-22", 1);
	h_make_keys("k", "2099-12-31");
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_followup),
	};

	return cmocka_run_group_tests(tests, setup, h_teardown);
}
