/* The web form without JavaScript through the real server: each language,
 * urlencoded and multipart posts, the steps and the review, a form error
 * re-rendered with the values kept, the organisation code, a page posted
 * twice, the receipt saved as a file (and its OpenSSL commands), the files
 * the browser's sealer needs, the honeypot, the attachment limits, and
 * privacy: no canary of a report in the store files or the log, and no
 * address in the log. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <sodium.h>
#include <sqlite3.h>

#include "sd_buf.h"
#include "sd_encode.h"
#include "sd_envelope.h"
#include "sd_err.h"
#include "sd_mailbox.h"
#include "sd_mem.h"
#include "server_harness.h"

#define KEYS "keys"
#define URLENC "application/x-www-form-urlencoded"

/* The answers of a valid report, as the form names them. */
static const char *const valid[][2] = {
	{ "member_state", "DK" }, { "organisation", "company" },
	{ "sector", "C" }, { "size_class", "small" },
	{ "discovered_year", "2025" }, { "discovered_quarter", "2" },
	{ "secret_types", "technical.source_code" },
	{ "secret_types", "commercial.pricing" },
	{ "attack_vectors", "hacking" }, { "actor", "competitor" },
	{ "actor_origin", "eu" }, { "reported_to_police", "no" },
	{ "loss_eur", "250000" },
};
#define N_VALID (sizeof(valid) / sizeof(valid[0]))

static int setup(void **state)
{
	(void)state;
	h_make_keys(KEYS, "2099-12-31");
	return 0;
}

/* The valid answers minus skip (may be NULL), plus extra "k=v&..." */
static void urlenc(sd_buf *b, const char *skip, const char *extra)
{
	size_t i;

	sd_buf_init(b, 1024 * 1024);
	for (i = 0; i < N_VALID; i++) {
		if (skip != NULL && strcmp(valid[i][0], skip) == 0)
			continue;
		assert_int_equal(sd_buf_addf(b, "%s%s=%s", b->len ? "&" : "",
		    valid[i][0], valid[i][1]), SD_OK);
	}
	if (extra != NULL)
		assert_int_equal(sd_buf_addf(b, "&%s", extra), SD_OK);
}

static size_t collect(char *p, size_t size, size_t n, void *ud)
{
	return sd_buf_add(ud, p, size * n) == SD_OK ? size * n : 0;
}

struct file_part {
	const char *name;
	const uint8_t *data;
	size_t len;
};

/* A multipart post of the valid answers, the text fields given, and
 * files. */
static long mime_post(const struct h_server *s, const char *path,
    const char *const text[][2], size_t ntext,
    const struct file_part *files, size_t nfiles, sd_buf *body)
{
	char url[256];
	CURL *c = curl_easy_init();
	curl_mime *m = NULL;
	curl_mimepart *p = NULL;
	long status = 0;
	size_t i;

	assert_non_null(c);
	sd_buf_init(body, 8 * 1024 * 1024);
	m = curl_mime_init(c);
	for (i = 0; i < N_VALID; i++) {
		p = curl_mime_addpart(m);
		curl_mime_name(p, valid[i][0]);
		curl_mime_data(p, valid[i][1], CURL_ZERO_TERMINATED);
	}
	for (i = 0; i < ntext; i++) {
		p = curl_mime_addpart(m);
		curl_mime_name(p, text[i][0]);
		curl_mime_data(p, text[i][1], CURL_ZERO_TERMINATED);
	}
	for (i = 0; i < nfiles; i++) {
		p = curl_mime_addpart(m);
		curl_mime_name(p, "attachment");
		curl_mime_filename(p, files[i].name);
		curl_mime_type(p, "text/plain");
		curl_mime_data(p, (const char *)files[i].data, files[i].len);
	}
	snprintf(url, sizeof(url), "http://127.0.0.1:%u%s", s->port, path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_MIMEPOST, m);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, body);
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_mime_free(m);
	curl_easy_cleanup(c);
	return status;
}

static long long rows(const char *db)
{
	return h_db_count(db, "SELECT count(*) FROM envelopes");
}

/* The newest stored envelope: its receipt appears on the page, and its
 * structure has want_sections sections. */
static void check_last_row(const char *db, const sd_buf *page,
    int want_sections)
{
	sqlite3 *h = NULL;
	sqlite3_stmt *st = NULL;
	struct sd_envelope_view v;
	const char *receipt = NULL;

	assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(h, "SELECT receipt, envelope FROM "
	    "envelopes ORDER BY seq DESC LIMIT 1", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	receipt = (const char *)sqlite3_column_text(st, 0);
	assert_non_null(strstr((const char *)page->data, receipt));
	assert_int_equal(sd_envelope_parse(sqlite3_column_blob(st, 1),
	    (size_t)sqlite3_column_bytes(st, 1), &v), SD_OK);
	assert_int_equal(v.n_sections, want_sections);
	assert_int_equal(v.sec[0].type, SD_SEC_STATS);
	sqlite3_finalize(st);
	sqlite3_close(h);
}

static void test_pages(void **state)
{
	struct h_server s;
	struct h_resp r;

	(void)state;
	h_fresh_db("pages.db");
	assert_int_equal(h_start(&s, KEYS, "pages.db", NULL, NULL), 0);
	h_http(&s, "GET", "/", NULL, NULL, 0, NULL, &r);
	assert_int_equal(r.status, 200);
	h_assert_security_headers(&r);
	assert_non_null(strstr((const char *)r.body.data, "lang=\"en\""));
	assert_non_null(strstr((const char *)r.body.data, "name=\"website\""));
	h_resp_free(&r);
	h_http(&s, "GET", "/?lang=da", NULL, NULL, 0, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr((const char *)r.body.data, "lang=\"da\""));
	h_resp_free(&r);
	h_http(&s, "GET", "/", NULL, NULL, 0, "Accept-Language: da, en;q=0.5",
	    &r);
	assert_non_null(strstr((const char *)r.body.data, "lang=\"da\""));
	h_resp_free(&r);
	assert_int_equal(h_stop(&s), 0);
}

static void test_post_each_language(void **state)
{
	static const char *const details[][2] = {
		{ "narrative", "Our designs were copied by a former partner." },
		{ "contact", "security@example.eu" },
	};
	static const uint8_t file[] = "a small evidence file\n";
	const struct file_part f = { "evidence.txt", file, sizeof(file) - 1 };
	struct h_server s;
	struct h_resp r;
	sd_buf b;

	(void)state;
	h_fresh_db("lang.db");
	assert_int_equal(h_start(&s, KEYS, "lang.db", NULL, NULL), 0);
	urlenc(&b, NULL, "narrative=It+happened+in+spring.");
	h_http(&s, "POST", "/submit?lang=en", URLENC, b.data, b.len, NULL, &r);
	sd_buf_free(&b);
	assert_int_equal(r.status, 200);
	h_assert_security_headers(&r);
	assert_non_null(strstr((const char *)r.body.data, "lang=\"en\""));
	assert_int_equal(rows("lang.db"), 1);
	check_last_row("lang.db", &r.body, 2);
	h_resp_free(&r);

	assert_int_equal(mime_post(&s, "/submit?lang=da", details, 2, &f, 1,
	    &b), 200);
	assert_non_null(strstr((const char *)b.data, "lang=\"da\""));
	assert_int_equal(rows("lang.db"), 2);
	check_last_row("lang.db", &b, 3);
	sd_buf_free(&b);

	/* the account of what happened is required, in Danish too */
	urlenc(&b, NULL, NULL);
	h_http(&s, "POST", "/submit?lang=da", URLENC, b.data, b.len, NULL, &r);
	sd_buf_free(&b);
	assert_int_equal(r.status, 400);
	assert_non_null(strstr((const char *)r.body.data, "e-narrative"));
	assert_non_null(strstr((const char *)r.body.data, "lang=\"da\""));
	h_resp_free(&r);
	assert_int_equal(rows("lang.db"), 2);
	assert_int_equal(h_stop(&s), 0);
}

static void test_error_keeps_values(void **state)
{
	struct h_server s;
	struct h_resp r;
	sd_buf b;

	(void)state;
	h_fresh_db("err.db");
	assert_int_equal(h_start(&s, KEYS, "err.db", NULL, NULL), 0);
	urlenc(&b, "sector", "narrative=KEEP-ME-4711&loss_eur=notanumber");
	h_http(&s, "POST", "/submit?lang=en", URLENC, b.data, b.len, NULL, &r);
	sd_buf_free(&b);
	assert_int_equal(r.status, 400);
	h_assert_security_headers(&r);
	assert_non_null(strstr((const char *)r.body.data, "KEEP-ME-4711"));
	assert_non_null(strstr((const char *)r.body.data, "e-sector"));
	assert_non_null(strstr((const char *)r.body.data, "e-loss_eur"));
	/* a kept choice stays chosen */
	assert_non_null(strstr((const char *)r.body.data, "value=\"DK\""));
	h_resp_free(&r);
	assert_int_equal(rows("err.db"), 0);

	/* a field the form does not have */
	urlenc(&b, NULL, "evil=1");
	h_http(&s, "POST", "/submit", URLENC, b.data, b.len, NULL, &r);
	sd_buf_free(&b);
	assert_int_equal(r.status, 400);
	h_assert_security_headers(&r);
	h_resp_free(&r);
	/* not a form at all */
	h_http(&s, "POST", "/submit", "text/plain", "hello", 5, NULL, &r);
	assert_int_equal(r.status, 400);
	h_resp_free(&r);
	assert_int_equal(rows("err.db"), 0);
	assert_int_equal(h_stop(&s), 0);
}

static void test_honeypot(void **state)
{
	struct h_server s;
	struct h_resp r;
	sd_buf b;

	(void)state;
	h_fresh_db("hp.db");
	assert_int_equal(h_start(&s, KEYS, "hp.db", NULL, NULL), 0);
	urlenc(&b, NULL, "website=http%3A%2F%2Fspam.example");
	h_http(&s, "POST", "/submit", URLENC, b.data, b.len, NULL, &r);
	sd_buf_free(&b);
	assert_int_equal(r.status, 400);
	h_assert_security_headers(&r);
	h_resp_free(&r);
	assert_int_equal(rows("hp.db"), 0);
	assert_int_equal(h_stop(&s), 0);
}

static void test_attachment_limits(void **state)
{
	static const char *const text[][2] = {
		{ "narrative", "Files attached." },
	};
	static const char *const small_form[] = { "--max-form", "200000",
		NULL };
	struct file_part f[6];
	struct h_server s;
	uint8_t *big = NULL;
	size_t i;
	sd_buf b;

	(void)state;
	h_fresh_db("att.db");
	for (i = 0; i < 6; i++) {
		f[i].name = "note.txt";
		f[i].data = (const uint8_t *)"note";
		f[i].len = 4;
	}
	assert_int_equal(h_start(&s, KEYS, "att.db", NULL, NULL), 0);
	assert_int_equal(mime_post(&s, "/submit", text, 1, f, 6, &b), 400);
	assert_non_null(strstr((const char *)b.data, "Too many files"));
	sd_buf_free(&b);
	assert_int_equal(mime_post(&s, "/submit", text, 1, f, 5, &b), 200);
	sd_buf_free(&b);
	assert_int_equal(rows("att.db"), 1);

	big = calloc(1, SD_ATTACHMENT_FILE_MAX + 1);
	assert_non_null(big);
	f[0].data = big;
	f[0].len = SD_ATTACHMENT_FILE_MAX + 1;
	assert_int_equal(mime_post(&s, "/submit", text, 1, f, 1, &b), 400);
	assert_non_null(strstr((const char *)b.data, "larger than the limit"));
	sd_buf_free(&b);
	assert_int_equal(rows("att.db"), 1);
	assert_int_equal(h_stop(&s), 0);

	/* the whole post over the server's limit: 413 */
	assert_int_equal(h_start(&s, KEYS, "att.db", small_form, NULL), 0);
	f[0].len = 300000;
	assert_int_equal(mime_post(&s, "/submit", text, 1, f, 1, &b), 413);
	sd_buf_free(&b);
	/* people get the error page in their language, not a bare text */
	assert_int_equal(mime_post(&s, "/submit?lang=da", text, 1, f, 1, &b), 413);
	assert_non_null(strstr((const char *)b.data, "Det, du har sendt, er for stort"));
	sd_buf_free(&b);
	assert_int_equal(rows("att.db"), 1);
	assert_int_equal(h_stop(&s), 0);
	free(big);
}

static void assert_no_canary(const char *path, const char *const *canary,
    size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (h_file_has(path, canary[i]))
			fail_msg("%s contains %s", path, canary[i]);
	}
}

static const char *const log_on[] = { "--log-requests", NULL };

static void test_privacy(void **state)
{
	static const char *const canary[] = {
		"CANARYNARRATIVE7731", "CANARYCONTACT7731", "CANARYFILENAME7731",
		"CANARYCONTENT7731", "CANARYERROR7731",
	};
	static const char *const text[][2] = {
		{ "narrative", "The plans went missing. CANARYNARRATIVE7731" },
		{ "contact", "CANARYCONTACT7731@example.eu" },
	};
	static const uint8_t content[] = "evidence CANARYCONTENT7731 evidence";
	const struct file_part f = { "CANARYFILENAME7731.txt", content,
		sizeof(content) - 1 };
	struct h_server s;
	struct h_resp r;
	sd_buf b;
	int i;

	(void)state;
	h_fresh_db("priv.db");
	/* with the request log on: even then no canary, no address */
	assert_int_equal(h_start(&s, KEYS, "priv.db", log_on, NULL), 0);
	for (i = 0; i < 3; i++) {
		assert_int_equal(mime_post(&s, "/submit?lang=en", text, 2, &f, 1,
		    &b), 200);
		sd_buf_free(&b);
		urlenc(&b, NULL, "narrative=CANARYNARRATIVE7731&contact="
		    "CANARYCONTACT7731");
		h_http(&s, "POST", "/submit", URLENC, b.data, b.len, NULL, &r);
		sd_buf_free(&b);
		assert_int_equal(r.status, 200);
		h_resp_free(&r);
		/* a rejected one, too */
		urlenc(&b, "sector", "narrative=CANARYERROR7731");
		h_http(&s, "POST", "/submit", URLENC, b.data, b.len, NULL, &r);
		sd_buf_free(&b);
		assert_int_equal(r.status, 400);
		h_resp_free(&r);
	}
	assert_int_equal(rows("priv.db"), 6);
	assert_no_canary("priv.db", canary, 5);
	assert_no_canary("priv.db-wal", canary, 5);
	assert_no_canary("priv.db-shm", canary, 5);
	assert_int_equal(h_stop(&s), 0);
	assert_no_canary("priv.db", canary, 5);
	assert_no_canary("priv.db-wal", canary, 5);
	assert_no_canary(s.log, canary, 5);
	assert_true(h_file_has(s.log, "POST /submit 200"));
	assert_false(h_file_has(s.log, "127.0.0.1"));
	assert_false(h_file_has(s.log, "curl"));      /* no user agent */
	assert_false(h_file_has(s.log, "lang="));     /* no query string */
}


/* The value of the first name="NAME" value="..." of a page (malloc'ed). */
static char *field_value(const sd_buf *page, const char *name)
{
	char want[96];
	const char *p = NULL, *end = NULL;

	snprintf(want, sizeof(want), "name=\"%s\" value=\"", name);
	p = strstr((const char *)page->data, want);
	if (p == NULL)
		fail_msg("no field %s on the page", name);
	p += strlen(want);
	end = strchr(p, '"');
	assert_non_null(end);
	return strndup(p, (size_t)(end - p));
}

static int all_hex(const char *s, size_t n)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return i == n;
}

static void must_have(const struct h_resp *r, const char *what)
{
	if (strstr((const char *)r->body.data, what) == NULL)
		fail_msg("status %ld: the page lacks %s", r->status, what);
}

/* POST /submit?lang=en with the valid answers (minus skip) and extra. */
static void post_form(const struct h_server *s, const char *skip,
    const char *extra, struct h_resp *r)
{
	sd_buf b;

	urlenc(&b, skip, extra);
	h_http(s, "POST", "/submit?lang=en", URLENC, b.data, b.len, NULL, r);
	sd_buf_free(&b);
}

static void test_steps_and_review(void **state)
{
	char path[512];
	struct h_server s;
	struct h_resp r;
	char *ref = NULL, *ref2 = NULL, *code = NULL;
	sd_buf b;

	(void)state;
	h_fresh_db("steps.db");
	assert_int_equal(h_start(&s, KEYS, "steps.db", NULL, NULL), 0);
	/* the first page: step 1 in sight, an incident reference drawn */
	h_http(&s, "GET", "/", NULL, NULL, 0, NULL, &r);
	assert_int_equal(r.status, 200);
	must_have(&r, "<section class=\"step\" id=\"step-1\" data-step=\"1\" "
	    "aria-labelledby=\"step-1-title\">");
	must_have(&r, "<title>Step 1 of 5: About your organisation");
	ref = field_value(&r.body, "incident_ref");
	assert_true(all_hex(ref, 32));
	/* the browser's sealer is offered when its scripts are installed */
	snprintf(path, sizeof(path), "%s/templates/static/vendor/node_modules/"
	    "libsodium/dist/modules-esm/libsodium.mjs", getenv("SD_SOURCE_DIR"));
	if (access(path, R_OK) == 0) {
		must_have(&r, "<script type=\"module\" "
		    "src=\"/static/js/sealdrop-form.js\"></script>");
		must_have(&r, " data-sd=\"{&quot;fields&quot;:");
	} else {
		assert_null(strstr((const char *)r.body.data, "<script"));
	}
	h_resp_free(&r);

	/* Continue with an answer missing: step 1 again, with its message */
	post_form(&s, "sector", "step=1&go=2", &r);
	assert_int_equal(r.status, 400);
	must_have(&r, "<title>Error: Step 1 of 5");
	must_have(&r, "<a href=\"#f-sector\">Sector of activity: Choose one of "
	    "the options.</a>");
	must_have(&r, "aria-labelledby=\"step-1-title\">");
	h_resp_free(&r);
	/* answered: step 2; a later step's missing answers say nothing yet */
	post_form(&s, "discovered_year", "step=1&go=2", &r);
	assert_int_equal(r.status, 200);
	must_have(&r, "aria-labelledby=\"step-2-title\">");
	must_have(&r, "<input type=\"hidden\" name=\"step\" value=\"2\">");
	h_resp_free(&r);
	/* going on to the review checks every step on the way */
	post_form(&s, "discovered_year", "step=2&go=review&narrative=x", &r);
	assert_int_equal(r.status, 400);
	must_have(&r, "aria-labelledby=\"step-2-title\">");
	must_have(&r, "e-discovered");
	h_resp_free(&r);
	/* the review shows what will be sent, and asks for files only now */
	urlenc(&b, NULL, NULL);
	sd_buf_addf(&b, "&step=5&incident_ref=%s&narrative="
	    "Plans+were+copied.%%0D%%0ASecond+line.&go=review", ref);
	h_http(&s, "POST", "/submit?lang=en", URLENC, b.data, b.len, NULL, &r);
	assert_int_equal(r.status, 200);
	must_have(&r, "<title>Check your answers before sending");
	must_have(&r, "<dt>Member State</dt>");
	must_have(&r, "<span class=\"summary-line\">Denmark</span>");
	must_have(&r, "<span class=\"summary-line\">2025-Q2</span>");
	must_have(&r, "<span class=\"summary-line\">Plans were copied.</span>"
	    "<span class=\"summary-line\">Second line.</span>");
	must_have(&r, "name=\"go\" value=\"3\">Change<span class=\"visually-hidden\"> "
	    "How the secret was taken</span>");
	must_have(&r, "type=\"file\" id=\"f-attachment-1\" name=\"attachment\"");
	must_have(&r, "Without JavaScript, this server seals your report");
	must_have(&r, "name=\"go\" value=\"send\">Seal and send the report");
	ref2 = field_value(&r.body, "incident_ref");
	assert_string_equal(ref, ref2);
	free(ref2);
	h_resp_free(&r);
	assert_int_equal(rows("steps.db"), 0);
	/* sent twice (a reload of the receipt page posts again): the same
	 * incident reference both times, so the analysts count one report */
	memcpy(strstr((const char *)b.data, "&go=review"), "&go=send\0", 9);
	b.len = strlen((const char *)b.data);
	h_http(&s, "POST", "/submit?lang=en", URLENC, b.data, b.len, NULL, &r);
	assert_int_equal(r.status, 200);
	must_have(&r, ref);
	h_resp_free(&r);
	h_http(&s, "POST", "/submit?lang=en", URLENC, b.data, b.len, NULL, &r);
	assert_int_equal(r.status, 200);
	must_have(&r, ref);
	h_resp_free(&r);
	sd_buf_free(&b);
	assert_int_equal(rows("steps.db"), 2);

	/* an organisation code made on the server, shown once */
	post_form(&s, NULL, "step=1&go=newcode", &r);
	assert_int_equal(r.status, 200);
	code = field_value(&r.body, "org_code");
	assert_int_equal(strlen(code), 65);
	must_have(&r, "This is your organisation&#39;s new code");
	h_resp_free(&r);
	/* a code with a typing mistake is refused next to its field */
	code[3] = code[3] == 'a' ? 'b' : 'a';
	urlenc(&b, NULL, NULL);
	sd_buf_addf(&b, "&step=1&go=2&org_code=%s", code);
	h_http(&s, "POST", "/submit?lang=en", URLENC, b.data, b.len, NULL, &r);
	sd_buf_free(&b);
	assert_int_equal(r.status, 400);
	must_have(&r, "id=\"e-org_code\"><span class=\"visually-hidden\">Error:"
	    "</span> <span class=\"error-text\">This organisation code has a "
	    "typing mistake.");
	h_resp_free(&r);
	/* buttons the form does not have */
	post_form(&s, NULL, "step=1&go=9", &r);
	assert_int_equal(r.status, 400);
	h_resp_free(&r);
	post_form(&s, NULL, "step=x&go=2", &r);
	assert_int_equal(r.status, 400);
	h_resp_free(&r);
	assert_int_equal(rows("steps.db"), 2);
	free(code);
	free(ref);
	assert_int_equal(h_stop(&s), 0);
}

/* shell-quote-free: the values are base32, hex, base64 and a date */
static void run_openssl(const char *dir, const sd_buf *text)
{
	char cmd[1024];
	const char *p = strstr((const char *)text->data, "printf '%s' 'sealdrop");
	FILE *f = NULL;

	assert_non_null(p);
	snprintf(cmd, sizeof(cmd), "%s/check.sh", dir);
	assert_non_null(f = fopen(cmd, "w"));
	fputs(p, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "cd %s && sh check.sh > check.out 2>&1", dir);
	if (system(cmd) != 0)
		fail_msg("the receipt file's OpenSSL commands fail (%s/check.out)",
		    dir);
	snprintf(cmd, sizeof(cmd), "%s/check.out", dir);
	assert_true(h_file_has(cmd, "Signature Verified Successfully"));
}

static void test_receipt_file(void **state)
{
	char hdr[256], *receipt = NULL, *day = NULL, *sig = NULL, *ref = NULL;
	char *code = NULL;
	struct h_server s;
	struct h_resp r;
	sd_buf b;

	(void)state;
	h_fresh_db("rcpt.db");
	assert_int_equal(h_start(&s, KEYS, "rcpt.db", NULL, NULL), 0);
	post_form(&s, NULL, "narrative=Receipt+test.&go=send", &r);
	assert_int_equal(r.status, 200);
	must_have(&r, "id=\"receipt-form\"");
	receipt = field_value(&r.body, "receipt");
	day = field_value(&r.body, "day");
	sig = field_value(&r.body, "signature");
	ref = field_value(&r.body, "incident_ref");
	code = field_value(&r.body, "followup_code");
	h_resp_free(&r);
	sd_buf_init(&b, 4096);
	/* base64 in a urlencoded body: + and / and = escaped */
	sd_buf_addf(&b, "receipt=%s&day=%s&incident_ref=%s&followup_code=%s&"
	    "action=save&signature=", receipt, day, ref, code);
	{
		size_t i;

		for (i = 0; sig[i]; i++)
			sd_buf_addf(&b, sig[i] == '+' ? "%%2B" : sig[i] == '/' ?
			    "%%2F" : sig[i] == '=' ? "%%3D" : "%c", sig[i]);
	}
	h_http(&s, "POST", "/receipt?lang=en", URLENC, b.data, b.len, NULL, &r);
	assert_int_equal(r.status, 200);
	h_assert_security_headers(&r);
	assert_non_null(h_header(&r, "Content-Disposition", hdr, sizeof(hdr)));
	assert_non_null(strstr(hdr, "attachment; filename=\"sealdrop-receipt-"));
	must_have(&r, receipt);
	must_have(&r, ref);
	snprintf(hdr, sizeof(hdr), "follow-up:    %s\n", code);
	must_have(&r, hdr);
	run_openssl(".", &r.body);
	h_resp_free(&r);
	/* the page again, in Danish, from what the reader carries */
	memcpy(strstr((const char *)b.data, "action=save"), "action=show", 11);
	h_http(&s, "POST", "/receipt?lang=da", URLENC, b.data, b.len, NULL, &r);
	assert_int_equal(r.status, 200);
	must_have(&r, "<html lang=\"da\">");
	must_have(&r, "Din indberetning er modtaget");
	must_have(&r, receipt);
	h_resp_free(&r);
	/* the server signs nothing a post brings: another day is refused */
	memcpy(strstr((const char *)b.data, day), "2001-01-01", 10);
	h_http(&s, "POST", "/receipt?lang=en", URLENC, b.data, b.len, NULL, &r);
	assert_int_equal(r.status, 400);
	h_resp_free(&r);
	h_http(&s, "POST", "/receipt", URLENC, "receipt=x", 9, NULL, &r);
	assert_int_equal(r.status, 400);
	h_resp_free(&r);
	sd_buf_free(&b);
	free(receipt);
	free(day);
	free(sig);
	free(ref);
	free(code);
	assert_int_equal(h_stop(&s), 0);
}

/* A form post without JavaScript can be followed up: the receipt page shows
 * a follow-up code once, the sealed details carry the mailbox key derived
 * from it (as docs/followup.md derives it), and the code is nowhere on the
 * intake host. Each post has its own code. */
static void test_followup_code(void **state)
{
	static const char *const pass_env[] = {
		"SEALDROP_PASSPHRASE=" H_PASS, NULL
	};
	char analyst[512], pk64[SD_B64_LEN(32)], want[128];
	char *code = NULL, *code2 = NULL;
	const char *canary[2];
	uint8_t f[SD_FOLLOWUP_BYTES];
	sd_mailbox *mb = NULL;
	struct h_server s;
	struct h_resp r;
	sd_buf b;

	(void)state;
	h_fresh_db("fu.db");
	assert_int_equal(h_start(&s, KEYS, "fu.db", log_on, NULL), 0);
	post_form(&s, NULL, "narrative=Follow+me+up.&go=send", &r);
	assert_int_equal(r.status, 200);
	must_have(&r, "data-item=\"followup_code\">");
	must_have(&r, "Follow-up code");
	/* the page to read and answer questions, the code not in its link */
	must_have(&r, "<a href=\"/followup?lang=en\">Read and answer questions "
	    "about a report</a>");
	code = field_value(&r.body, "followup_code");
	h_resp_free(&r);
	assert_int_equal(sd_followup_parse(code, strlen(code), f), SD_OK);
	assert_int_equal(sd_mailbox_derive(f, &mb), SD_OK);
	assert_int_equal(sd_b64_encode(pk64, sizeof(pk64), sd_mailbox_pk(mb),
	    32), SD_OK);
	/* the analysts find that key in the details */
	h_last_envelope("fu.db", "fu.env", NULL, 0);
	h_bin(analyst, sizeof(analyst), "analyst/sealdrop-analyst");
	{
		char *argv[] = { analyst, h_s("open"), h_s("--key"),
		    h_s(KEYS "/details.key"), h_s("fu.env"), NULL };

		assert_int_equal(h_run(argv, pass_env, "open.out"), 0);
	}
	snprintf(want, sizeof(want), "\"mailbox\": \"%s\"", pk64);
	if (!h_file_has("open.out", want))
		fail_msg("the sealed details lack %s", want);
	/* another post, another code */
	post_form(&s, NULL, "narrative=Again.&go=send", &r);
	assert_int_equal(r.status, 200);
	code2 = field_value(&r.body, "followup_code");
	h_resp_free(&r);
	assert_string_not_equal(code, code2);
	/* the receipt file keeps it; a code that is not one is refused */
	sd_buf_init(&b, 4096);
	sd_buf_addf(&b, "action=show&followup_code=fu-abcd");
	h_http(&s, "POST", "/receipt?lang=en", URLENC, b.data, b.len, NULL, &r);
	assert_int_equal(r.status, 400);
	h_resp_free(&r);
	sd_buf_free(&b);
	/* nothing of the code, nor of the key, on the intake host */
	canary[0] = code;
	canary[1] = pk64;
	assert_no_canary("fu.db", canary, 2);
	assert_no_canary("fu.db-wal", canary, 2);
	assert_int_equal(h_stop(&s), 0);
	assert_no_canary("fu.db", canary, 2);
	assert_no_canary(s.log, canary, 2);
	sd_mailbox_free(mb);
	free(code);
	free(code2);
}

static void test_static_files(void **state)
{
	char ct[128];
	struct h_server s;
	struct h_resp r;

	(void)state;
	h_fresh_db("static.db");
	assert_int_equal(h_start(&s, KEYS, "static.db", NULL, NULL), 0);
	h_http(&s, "GET", "/static/js/sealdrop-form.js", NULL, NULL, 0, NULL, &r);
	assert_int_equal(r.status, 200);
	h_assert_security_headers(&r);
	assert_non_null(h_header(&r, "Content-Type", ct, sizeof(ct)));
	assert_string_equal(ct, "text/javascript; charset=utf-8");
	h_resp_free(&r);
	h_http(&s, "GET", "/static/js/sealdrop-envelope.js", NULL, NULL, 0, NULL,
	    &r);
	assert_int_equal(r.status, 200);
	h_resp_free(&r);
	/* npm's files are served only as listed, never its tree or manifests */
	h_http(&s, "GET", "/static/vendor/package.json", NULL, NULL, 0, NULL, &r);
	assert_int_equal(r.status, 404);
	h_resp_free(&r);
	h_http(&s, "GET", "/static/vendor/files.list", NULL, NULL, 0, NULL, &r);
	assert_int_equal(r.status, 404);
	h_resp_free(&r);
	h_http(&s, "GET", "/static/vendor/node_modules/libsodium/package.json",
	    NULL, NULL, 0, NULL, &r);
	assert_int_equal(r.status, 404);
	h_resp_free(&r);
	h_http(&s, "GET", "/static/../templates/form.html", NULL, NULL, 0, NULL,
	    &r);
	assert_int_equal(r.status, 404);
	h_resp_free(&r);
	/* the CSP lets the page compile libsodium and talk to this server */
	h_http(&s, "GET", "/", NULL, NULL, 0, NULL, &r);
	assert_non_null(h_header(&r, "Content-Security-Policy", ct, sizeof(ct)));
	assert_non_null(strstr(ct, "script-src 'self' 'wasm-unsafe-eval';"));
	assert_non_null(strstr(ct, "connect-src 'self';"));
	assert_null(strstr(ct, "unsafe-inline"));
	h_resp_free(&r);
	assert_int_equal(h_stop(&s), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_pages, h_teardown),
		cmocka_unit_test_teardown(test_post_each_language, h_teardown),
		cmocka_unit_test_teardown(test_error_keeps_values, h_teardown),
		cmocka_unit_test_teardown(test_honeypot, h_teardown),
		cmocka_unit_test_teardown(test_attachment_limits, h_teardown),
		cmocka_unit_test_teardown(test_privacy, h_teardown),
		cmocka_unit_test_teardown(test_steps_and_review, h_teardown),
		cmocka_unit_test_teardown(test_receipt_file, h_teardown),
		cmocka_unit_test_teardown(test_followup_code, h_teardown),
		cmocka_unit_test_teardown(test_static_files, h_teardown),
	};

	if (sd_crypto_init() != SD_OK)
		return 1;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	return cmocka_run_group_tests(tests, setup, h_teardown);
}
