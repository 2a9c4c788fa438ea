/* The web form without JavaScript through the real server: each language,
 * urlencoded and multipart posts, a form error re-rendered with the values
 * kept, the honeypot, the attachment limits, and privacy: no canary of a
 * report in the store files or the log, and no address in the log. */
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
#include "sd_envelope.h"
#include "sd_err.h"
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_pages, h_teardown),
		cmocka_unit_test_teardown(test_post_each_language, h_teardown),
		cmocka_unit_test_teardown(test_error_keeps_values, h_teardown),
		cmocka_unit_test_teardown(test_honeypot, h_teardown),
		cmocka_unit_test_teardown(test_attachment_limits, h_teardown),
		cmocka_unit_test_teardown(test_privacy, h_teardown),
	};

	if (sd_crypto_init() != SD_OK)
		return 1;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	return cmocka_run_group_tests(tests, setup, h_teardown);
}
