/* The submitter's modules on their own: report loading and completion,
 * attachments, URL rules, the receipt log and the organisation secret. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "net.h"
#include "org.h"
#include "receipts.h"
#include "report.h"
#include "sd_err.h"
#include "sd_mem.h"

static void
put(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
	assert_int_equal(fclose(f), 0);
}

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = calloc(1, 65536);
	size_t n;

	assert_non_null(f);
	assert_non_null(buf);
	n = fread(buf, 1, 65535, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static const char valid[] =
	"{\"member_state\":\"IT\",\"organisation\":\"company\",\"sector\":\"C\","
	"\"size_class\":\"micro\",\"discovered\":\"2024-Q1\","
	"\"secret_types\":[\"commercial.pricing\"],\"attack_vectors\":[\"social\"],"
	"\"actor\":\"unknown\",\"actor_origin\":\"unknown\","
	"\"reported_to_police\":false";

static sub_report *
load_text(const char *text, struct sd_errlist *e)
{
	sub_report *r = NULL;

	put("r.json", text);
	assert_int_equal(sub_report_new(&r), SD_OK);
	memset(e, 0, sizeof(*e));
	sub_report_load(r, "r.json", e);
	return r;
}

static int
mentions(const struct sd_errlist *e, const char *what)
{
	size_t i;

	for (i = 0; i < e->n; i++)
		if (strstr(e->msg[i], what) != NULL)
			return 1;
	return 0;
}

static void
test_comments_and_split(void **state)
{
	char text[2048];
	struct sd_errlist e;
	sub_report *r;

	(void)state;
	snprintf(text, sizeof(text), "// a comment\n%s,\n   // indented \"x\": 1,\n"
	    "\"narrative\":\"// not a comment\",\"contact\":\"x@example.org\"}\n",
	    valid);
	r = load_text(text, &e);
	assert_int_equal(e.n, 0);
	assert_non_null(json_object_get(sub_report_part(r, SD_PART_STATS),
	    "member_state"));
	assert_null(json_object_get(sub_report_part(r, SD_PART_STATS),
	    "narrative"));
	assert_string_equal(json_string_value(json_object_get(sub_report_part(r,
	    SD_PART_DETAILS), "narrative")), "// not a comment");
	assert_int_equal(sub_report_finish(r, NULL, NULL, "2026-06-01", &e),
	    SD_OK);
	sub_report_free(r);
}

static void
test_parse_error_has_line(void **state)
{
	struct sd_errlist e;
	sub_report *r;

	(void)state;
	r = load_text("// one\n// two\n{\"member_state\": }\n", &e);
	assert_int_equal(e.n, 1);
	assert_non_null(strstr(e.msg[0], "line 3"));
	sub_report_free(r);
	r = load_text("[1, 2]", &e);
	assert_true(mentions(&e, "one JSON object"));
	sub_report_free(r);
}

/* A report file in another encoding than UTF-8 is refused by that name,
 * with the place of the first byte that is not UTF-8. */
static void
test_not_utf8(void **state)
{
	struct sd_errlist e;
	sub_report *r;
	char text[2048];

	(void)state;
	snprintf(text, sizeof(text), "// \xc3\xa9" "crit \xc3\xa0 la main\n%s,\n"
	    "\"narrative\":\"Caf\xe9\"}", valid);
	r = load_text(text, &e);
	assert_int_equal(e.n, 1);
	assert_non_null(strstr(e.msg[0], "r.json: line 3, column 17: byte 0xE9 "
	    "is not UTF-8; save the file as UTF-8 text"));
	sub_report_free(r);
	/* Windows' "Unicode" */
	put("u16.json", "\xff\xfe{\x01\"");
	assert_int_equal(sub_report_new(&r), SD_OK);
	memset(&e, 0, sizeof(e));
	assert_int_equal(sub_report_load(r, "u16.json", &e), SD_E_FORMAT);
	assert_true(mentions(&e, "u16.json: is UTF-16 text, not UTF-8"));
	sub_report_free(r);
}

static void
test_details_given_twice(void **state)
{
	char text[2048];
	struct sd_errlist e;
	sub_report *r;

	(void)state;
	snprintf(text, sizeof(text), "%s,\"narrative\":\"a\"}", valid);
	r = load_text(text, &e);
	put("d.json", "{\"narrative\":\"b\",\"contact\":\"c\"}");
	assert_int_not_equal(sub_report_load_details(r, "d.json", &e), SD_OK);
	assert_true(mentions(&e, "narrative"));
	sub_report_free(r);
}

static void
test_incident_ref(void **state)
{
	char text[2048];
	struct sd_errlist e;
	sub_report *a, *b;
	const char *ra, *rb;

	(void)state;
	snprintf(text, sizeof(text), "%s}", valid);
	a = load_text(text, &e);
	b = load_text(text, &e);
	assert_int_equal(sub_report_finish(a, NULL, NULL, NULL, &e), SD_OK);
	assert_int_equal(sub_report_finish(b, NULL, NULL, NULL, &e), SD_OK);
	ra = sub_report_incident_ref(a);
	rb = sub_report_incident_ref(b);
	assert_int_equal(strlen(ra), 32);
	assert_int_equal(strspn(ra, "0123456789abcdef"), 32);
	assert_string_not_equal(ra, rb);
	sub_report_free(a);
	sub_report_free(b);

	/* given in the file and on the command line: they must agree */
	snprintf(text, sizeof(text), "%s,\"incident_ref\":"
	    "\"0123456789abcdef0123456789abcdef\"}", valid);
	a = load_text(text, &e);
	assert_int_equal(sub_report_finish(a,
	    "0123456789abcdef0123456789abcdef", NULL, NULL, &e), SD_OK);
	sub_report_free(a);
	a = load_text(text, &e);
	assert_int_equal(sub_report_finish(a,
	    "ffffffffffffffffffffffffffffffff", NULL, NULL, &e), SD_E_FORMAT);
	assert_true(mentions(&e, "incident_ref"));
	sub_report_free(a);
}

static void
test_all_errors_at_once(void **state)
{
	struct sd_errlist e;
	sub_report *r;

	(void)state;
	r = load_text("{\"member_state\":\"XX\",\"sector\":\"Z\",\"bogus\":1,"
	    "\"narrative\":5}", &e);
	assert_int_equal(sub_report_finish(r, NULL, NULL, NULL, &e), SD_E_FORMAT);
	assert_true(mentions(&e, "member_state"));
	assert_true(mentions(&e, "sector"));
	assert_true(mentions(&e, "bogus"));
	assert_true(mentions(&e, "narrative"));
	/* required fields that are missing are named too */
	assert_true(mentions(&e, "size_class"));
	sub_report_free(r);
}

static uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static void
test_attachment_sections(void **state)
{
	struct sd_section_in sec[SD_ENV_MAX_SECTIONS];
	char text[2048];
	struct sd_errlist e;
	sub_report *r;
	json_t *meta;
	size_t n = 0;
	uint32_t ml;

	(void)state;
	assert_true(mkdir("sub", 0700) == 0 || access("sub", F_OK) == 0);
	put("sub/Plan.PDF", "%PDF-1.4 plan");
	snprintf(text, sizeof(text), "%s,\"narrative\":\"n\"}", valid);
	r = load_text(text, &e);
	assert_int_equal(sub_report_attach(r, "sub/Plan.PDF", &e), SD_OK);
	assert_int_equal(sub_report_finish(r, NULL, NULL, NULL, &e), SD_OK);
	assert_int_equal(sub_report_sections(r, sec, &n), SD_OK);
	assert_int_equal(n, 3);
	assert_int_equal(sec[0].type, SD_SEC_STATS);
	assert_int_equal(sec[1].type, SD_SEC_DETAILS);
	assert_int_equal(sec[2].type, SD_SEC_ATTACHMENT);
	/* compact JSON, no spaces after separators */
	assert_null(memchr(sec[0].data, ' ', sec[0].len));
	ml = le32(sec[2].data);
	meta = json_loadb((const char *)sec[2].data + 4, ml, 0, NULL);
	assert_non_null(meta);
	assert_string_equal(json_string_value(json_object_get(meta, "name")),
	    "Plan.PDF");
	assert_string_equal(json_string_value(json_object_get(meta,
	    "media_type")), "application/pdf");
	assert_int_equal(json_integer_value(json_object_get(meta, "size")), 13);
	assert_int_equal(sec[2].len, 4 + ml + 13);
	assert_memory_equal(sec[2].data + 4 + ml, "%PDF-1.4 plan", 13);
	json_decref(meta);
	sub_report_free(r);
}

static void
test_attachment_limits(void **state)
{
	struct sd_errlist e;
	sub_report *r;
	int i;

	(void)state;
	put("small.txt", "x");
	r = load_text("{}", &e);
	for (i = 0; i < 5; i++)
		assert_int_equal(sub_report_attach(r, "small.txt", &e), SD_OK);
	assert_int_equal(sub_report_attach(r, "small.txt", &e), SD_E_TOOBIG);
	assert_true(mentions(&e, "at most 5"));
	assert_int_equal(sub_report_n_attachments(r), 5);
	sub_report_free(r);
	r = load_text("{}", &e);
	assert_int_not_equal(sub_report_attach(r, "no-such-file", &e), SD_OK);
	assert_true(mentions(&e, "no-such-file"));
	assert_int_not_equal(sub_report_attach(r, ".", &e), SD_OK);
	assert_true(mentions(&e, "not a regular file"));
	sub_report_free(r);
}

static void
test_media_types(void **state)
{
	(void)state;
	assert_string_equal(sub_media_type("a.json"), "application/json");
	assert_string_equal(sub_media_type("IMG.JPG"), "image/jpeg");
	assert_string_equal(sub_media_type("README"), "application/octet-stream");
	assert_string_equal(sub_media_type(".hidden"), "application/octet-stream");
	assert_string_equal(sub_media_type("x.unknownext"),
	    "application/octet-stream");
	assert_string_equal(sub_base_name("/a/b/c.txt"), "c.txt");
	assert_string_equal(sub_base_name("c.txt"), "c.txt");
}

static void
test_field_check(void **state)
{
	char why[256];
	json_t *v;

	(void)state;
	v = json_string("Z");
	assert_false(sub_field_check(SD_PART_STATS, "sector", v, NULL, why,
	    sizeof(why)));
	assert_non_null(strstr(why, "sector"));
	json_decref(v);
	v = json_string("C");
	assert_true(sub_field_check(SD_PART_STATS, "sector", v, NULL, why,
	    sizeof(why)));
	json_decref(v);
}

static void
test_url_rules(void **state)
{
	char why[512];

	(void)state;
	assert_int_equal(sub_url_check("https://intake.example.eu", why,
	    sizeof(why)), SD_OK);
	assert_int_equal(sub_url_check("https://intake.example.eu/sealdrop/",
	    why, sizeof(why)), SD_OK);
	assert_int_equal(sub_url_check("http://127.0.0.1:8080", why,
	    sizeof(why)), SD_OK);
	assert_int_equal(sub_url_check("http://localhost:8080", why,
	    sizeof(why)), SD_OK);
	assert_int_equal(sub_url_check("http://[::1]:8080", why, sizeof(why)),
	    SD_OK);
	assert_int_not_equal(sub_url_check("http://intake.example.eu", why,
	    sizeof(why)), SD_OK);
	assert_non_null(strstr(why, "https"));
	assert_int_not_equal(sub_url_check("http://127.0.0.1.example.org", why,
	    sizeof(why)), SD_OK);
	assert_int_not_equal(sub_url_check("ftp://intake.example.eu", why,
	    sizeof(why)), SD_OK);
	assert_int_not_equal(sub_url_check("https://x.eu/?a=b", why,
	    sizeof(why)), SD_OK);
	assert_int_not_equal(sub_url_check("not a url", why, sizeof(why)),
	    SD_OK);
	assert_int_equal(sub_proxy_check("socks5h://127.0.0.1:9050", why,
	    sizeof(why)), SD_OK);
	assert_int_not_equal(sub_proxy_check("127.0.0.1:9050", why,
	    sizeof(why)), SD_OK);
}

#define REF "0123456789abcdef0123456789abcdef"
#define REP "aa11aa11aa11aa11aa11aa11aa11aa11aa11aa11aa11aa11aa11aa11aa11aa11"

static void
test_receipt_log(void **state)
{
	struct sub_receipt r = { "abcdefghijklmnopqrstuvwxyz234567",
		"2026-03-04", "c2lnbmF0dXJl",
		"FU-AAAQ-EAYE-AUDA-OCAJ-BIFQ-YDIO-B4IB-CEQT" };
	uint8_t cid[SD_CHANNEL_ID_BYTES];
	struct stat st;
	char *text, *second;

	(void)state;
	memset(cid, 0xab, sizeof(cid));
	unlink("logs/receipts.log");
	put("pre.log", "old line\n");
	assert_int_equal(chmod("pre.log", 0644), 0);
	assert_int_equal(sub_receipts_append("logs/receipts.log", &r,
	    "https://intake.example.eu", cid, REF, REP), SD_OK);
	assert_int_equal(sub_receipts_append("logs/receipts.log", &r,
	    "https://intake.example.eu", cid, REF, REP), SD_OK);
	assert_int_equal(stat("logs/receipts.log", &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	text = slurp("logs/receipts.log");
	assert_non_null(strstr(text, "abcdefghijklmnopqrstuvwxyz234567\t"
	    "2026-03-04\tc2lnbmF0dXJl\thttps://intake.example.eu\t"
	    "abababababababababababababababab\t" REF "\t" REP
	    "\tFU-AAAQ-EAYE-AUDA-OCAJ-BIFQ-YDIO-B4IB-CEQT\n"));
	second = strchr(text, '\n');
	assert_non_null(second);
	/* two appends, two identical whole lines */
	assert_int_equal(strlen(text), 2 * (size_t)(second + 1 - text));
	assert_memory_equal(second + 1, text, (size_t)(second + 1 - text));
	free(text);
	/* an older log readable by others is tightened */
	assert_int_equal(sub_receipts_append("pre.log", &r, "https://x.eu", cid,
	    REF, NULL), SD_OK);
	assert_int_equal(stat("pre.log", &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	text = slurp("pre.log");
	/* no pseudonym is written as "-" */
	assert_non_null(strstr(text, "\t" REF "\t-\tFU-"));
	free(text);
	/* a line break in the URL would forge a second line */
	assert_int_equal(sub_receipts_append("pre.log", &r, "https://x.eu/\nz",
	    cid, REF, NULL), SD_E_INVAL);
	/* nor is anything but hex taken for the incident and the pseudonym */
	assert_int_equal(sub_receipts_append("pre.log", &r, "https://x.eu",
	    cid, "0123\tabc", NULL), SD_E_INVAL);
	assert_int_equal(sub_receipts_append("pre.log", &r, "https://x.eu",
	    cid, REF, "-"), SD_E_INVAL);
}

/* --update finds the incident of a receipt in the log: by the whole receipt
 * or a prefix, in any case, on lines of this version (with the incident)
 * and of older ones (without). */
static void
test_receipt_find(void **state)
{
	struct sub_receipt a = { "aaaaaaaabbbbbbbbccccccccdddddddd", "2026-03-04",
		"c2ln", "FU-AAAQ-EAYE-AUDA-OCAJ-BIFQ-YDIO-B4IB-CEQT" };
	struct sub_receipt b = { "aaaaaaaabbbbbbbbcccccccceeeeeeee", "2026-03-05",
		"c2ln", "" };
	uint8_t cid[SD_CHANNEL_ID_BYTES];
	struct sub_logged l;
	char big[9000];

	(void)state;
	memset(cid, 0x01, sizeof(cid));
	memset(big, 'x', sizeof(big) - 2);
	big[sizeof(big) - 2] = '\n';
	big[sizeof(big) - 1] = '\0';
	/* an older line without incident, a line too long to be ours, then
	 * this version's lines */
	put("find.log", "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz\t2025-01-01\tsig\t"
	    "https://x.eu\t01010101010101010101010101010101\n");
	{
		FILE *f = fopen("find.log", "a");

		assert_non_null(f);
		assert_true(fputs(big, f) >= 0);
		assert_int_equal(fclose(f), 0);
	}
	assert_int_equal(sub_receipts_append("find.log", &a, "https://x.eu",
	    cid, REF, REP), SD_OK);
	assert_int_equal(sub_receipts_append("find.log", &b, "https://x.eu",
	    cid, "ffffffffffffffffffffffffffffffff", NULL), SD_OK);

	assert_int_equal(sub_receipts_find("find.log", a.receipt, &l), SD_OK);
	assert_string_equal(l.receipt, a.receipt);
	assert_string_equal(l.day, "2026-03-04");
	assert_string_equal(l.incident_ref, REF);
	assert_string_equal(l.reporter, REP);
	assert_int_equal(l.has_identity, 1);
	/* the follow-up code is kept next to the receipt */
	assert_string_equal(l.followup, a.followup);
	/* upper case, as a person may type it */
	assert_int_equal(sub_receipts_find("find.log",
	    "AAAAAAAABBBBBBBBCCCCCCCCEEEEEEEE", &l), SD_OK);
	assert_string_equal(l.incident_ref, "ffffffffffffffffffffffffffffffff");
	assert_string_equal(l.reporter, "");
	assert_string_equal(l.followup, "");
	/* a unique prefix; an ambiguous one; one too short */
	assert_int_equal(sub_receipts_find("find.log", "aaaaaaaabbbbbbbbccccccccd",
	    &l), SD_OK);
	assert_string_equal(l.receipt, a.receipt);
	assert_int_equal(sub_receipts_find("find.log", "aaaaaaaabbbb", &l),
	    SD_E_FORMAT);
	assert_int_equal(sub_receipts_find("find.log", "aaaaaaa", &l),
	    SD_E_INVAL);
	/* not there at all */
	assert_int_equal(sub_receipts_find("find.log",
	    "qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq", &l), SD_E_INVAL);
	/* an older line is found, but knows no incident */
	assert_int_equal(sub_receipts_find("find.log",
	    "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", &l), SD_OK);
	assert_int_equal(l.has_identity, 0);
	assert_string_equal(l.incident_ref, "");
	/* no log */
	unlink("nolog.log");
	assert_int_equal(sub_receipts_find("nolog.log", a.receipt, &l),
	    SD_E_IO);
}

static void
test_org_secret(void **state)
{
	char rep[SUB_REPORTER_HEX], rep2[SUB_REPORTER_HEX], hex[65];
	uint8_t secret[32], h[32];
	size_t got = 0;
	struct stat st;
	char *text, *line;

	(void)state;
	unlink("org/secret");
	assert_int_equal(sub_org_init("org/secret", 0, rep), SD_OK);
	assert_int_equal(stat("org/secret", &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(stat("org", &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	/* the same pseudonym every time, computed as documented */
	assert_int_equal(sub_org_reporter("org/secret", rep2), SD_OK);
	assert_string_equal(rep, rep2);
	text = slurp("org/secret");
	line = strchr(text, '\n') + 1;
	line[strcspn(line, "\n")] = '\0';
	assert_int_equal(sodium_base642bin(secret, sizeof(secret), line,
	    strlen(line), NULL, &got, NULL, sodium_base64_VARIANT_ORIGINAL), 0);
	assert_int_equal(got, 32);
	crypto_generichash(h, 32, (const uint8_t *)"sealdrop.reporter/1", 19,
	    secret, 32);
	sodium_bin2hex(hex, sizeof(hex), h, 32);
	assert_string_equal(rep, hex);
	free(text);
	/* never replaced silently; replaced on purpose gives a new pseudonym */
	assert_int_equal(sub_org_init("org/secret", 0, rep2), SD_E_EXISTS);
	assert_int_equal(sub_org_init("org/secret", 1, rep2), SD_OK);
	assert_string_not_equal(rep, rep2);
	assert_int_equal(chmod("org/secret", 0644), 0);
	assert_int_equal(sub_org_reporter("org/secret", rep2), SD_E_INVAL);
	put("org/damaged", "untrusted comment: x\nnot base64!\n");
	assert_int_equal(chmod("org/damaged", 0600), 0);
	assert_int_equal(sub_org_reporter("org/damaged", rep2), SD_E_KEYFILE);
}

static void
test_data_path(void **state)
{
	char p[256];

	(void)state;
	setenv("XDG_DATA_HOME", "/x/data", 1);
	setenv("HOME", "/home/u", 1);
	assert_int_equal(sub_data_path(p, sizeof(p), "receipts.log"), SD_OK);
	assert_string_equal(p, "/x/data/sealdrop/receipts.log");
	setenv("XDG_DATA_HOME", "relative", 1);
	assert_int_equal(sub_data_path(p, sizeof(p), "org.secret"), SD_OK);
	assert_string_equal(p, "/home/u/.local/share/sealdrop/org.secret");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_comments_and_split),
		cmocka_unit_test(test_parse_error_has_line),
		cmocka_unit_test(test_not_utf8),
		cmocka_unit_test(test_details_given_twice),
		cmocka_unit_test(test_incident_ref),
		cmocka_unit_test(test_all_errors_at_once),
		cmocka_unit_test(test_attachment_sections),
		cmocka_unit_test(test_attachment_limits),
		cmocka_unit_test(test_media_types),
		cmocka_unit_test(test_field_check),
		cmocka_unit_test(test_url_rules),
		cmocka_unit_test(test_receipt_log),
		cmocka_unit_test(test_receipt_find),
		cmocka_unit_test(test_org_secret),
		cmocka_unit_test(test_data_path),
	};

	if (sd_crypto_init() != SD_OK || sub_net_global_init() != SD_OK)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
