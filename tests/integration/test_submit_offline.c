/* sealdrop-submit without a network: sealing to a file that the analyst side
 * opens, the organisation secret, the template, the interactive mode and
 * the validation messages, all through the real program. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "sd_encode.h"
#include "sd_envelope.h"
#include "sd_err.h"
#include "sd_keys.h"
#include "sd_mem.h"
#include "sd_open.h"
#include "sd_schema.h"
#include "submit_harness.h"

static char xdg_env[PATH_MAX + 32];
static char home_env[PATH_MAX + 32];
static char secret_path[PATH_MAX + 64];

static const char report_json[] =
	"// written by hand, with a comment line\n"
	"{\"member_state\":\"EL\",\"organisation\":\"research_organisation\","
	"\"sector\":\"M\",\"size_class\":\"small\",\"discovered\":\"2024-Q4\",\n"
	"  // another comment, indented\n"
	"\"secret_types\":[\"technical.research_data\",\"commercial.strategy\"],"
	"\"attack_vectors\":[\"misuse\"],\"actor\":\"former_employee\","
	"\"actor_origin\":\"eu\",\"reported_to_police\":false,"
	"\"narrative\":\"A departing engineer took the lab notebooks.\","
	"\"consent_law_enforcement\":true}";

/* a scratch directory from an earlier run holds outputs that the tests
 * expect to create */
static const char *const stale[] = { "report.sealed", "kept.sealed",
	"never.sealed", "for_analyst.sealed", "bad.sealed", "asked.sealed",
	"cut.sealed" };

static int
setup(void **state)
{
	char cwd[PATH_MAX];
	size_t i;

	(void)state;
	if (sd_crypto_init() != SD_OK || getcwd(cwd, sizeof(cwd)) == NULL)
		return -1;
	snprintf(xdg_env, sizeof(xdg_env), "XDG_DATA_HOME=%s/xdg", cwd);
	snprintf(home_env, sizeof(home_env), "HOME=%s", cwd);
	snprintf(secret_path, sizeof(secret_path), "%s/xdg/sealdrop/org.secret",
	    cwd);
	for (i = 0; i < sizeof(stale) / sizeof(stale[0]); i++)
		unlink(stale[i]);
	unlink(secret_path);
	h_make_world("2090-01-01");
	h_write("report.json", report_json, strlen(report_json));
	return 0;
}

static void
run(struct h_run *r, const char *const args[], const char *stdin_text)
{
	const char *argv[40];
	const char *env[] = { xdg_env, home_env, NULL };
	size_t k = 0;

	argv[k++] = h_bin("submitter/sealdrop-submit");
	while (args[k - 1] != NULL && k < 39) {
		argv[k] = args[k - 1];
		k++;
	}
	argv[k] = NULL;
	h_run(r, argv, env, stdin_text);
}

/* Open every section of a sealed file with a key; returns the count. */
static size_t
open_all(const char *file, const char *keyname, char *plain[7],
    size_t plainlen[7])
{
	struct sd_envelope_view v;
	sd_seckey *k = NULL;
	uint8_t *env = NULL, *p = NULL;
	size_t len = 0, i, n = 0, pl = 0;
	char path[64];

	env = (uint8_t *)h_read(file, &len);
	assert_int_equal(sd_envelope_parse(env, len, &v), SD_OK);
	snprintf(path, sizeof(path), "%s.key", keyname);
	assert_int_equal(sd_seckey_load(path, H_PASS, strlen(H_PASS), &k), SD_OK);
	for (i = 0; i < v.n_sections; i++) {
		plain[i] = NULL;
		if (sd_envelope_open_section(&v, i, k, &p, &pl) != SD_OK)
			continue;
		plain[i] = malloc(pl + 1);
		assert_non_null(plain[i]);
		memcpy(plain[i], p, pl);
		plain[i][pl] = '\0';
		plainlen[i] = pl;
		sd_secret_free(p);
		n++;
	}
	sd_seckey_free(k);
	free(env);
	return v.n_sections == 0 ? 0 : n;
}

static void
free_all(char *plain[7], size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(plain[i]);
}

static void
test_init_makes_private_secret(void **state)
{
	const char *init[] = { "init", NULL };
	struct h_run r;
	struct stat st;

	(void)state;
	run(&r, init, NULL);
	assert_int_equal(r.status, 0);
	assert_int_equal(stat(secret_path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	h_run_free(&r);
	/* a second init would change the organisation's pseudonym */
	run(&r, init, NULL);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "--force"));
	h_run_free(&r);
}

/* reporter = hex(BLAKE2b-256(key = secret, "sealdrop.reporter/1")) */
static void
expected_reporter(char hex[65])
{
	size_t len = 0, got = 0;
	char *text = h_read(secret_path, &len), *line;
	uint8_t secret[32], h[32];

	line = strchr(text, '\n');
	assert_non_null(line);
	line++;
	line[strcspn(line, "\r\n")] = '\0';
	assert_int_equal(sd_b64_decode(secret, sizeof(secret), &got, line,
	    strlen(line)), SD_OK);
	assert_int_equal(got, 32);
	crypto_generichash(h, 32, (const uint8_t *)"sealdrop.reporter/1", 19,
	    secret, 32);
	sodium_bin2hex(hex, 65, h, 32);
	free(text);
}

static void
test_offline_seal_opens(void **state)
{
	const char *args[] = { "--channel", "channel.json", "--authority",
		"A.pub", "--out", "report.sealed", "--attach", "evidence.csv",
		"--incident-ref", "00112233445566778899AABBCCDDEEFF",
		"report.json", NULL };
	char *plain[7], reporter[65], receipt[40], expect[SD_RECEIPT_LEN + 1];
	size_t plainlen[7], n, envlen = 0;
	const uint8_t *meta = NULL, *file = NULL;
	size_t metalen = 0, filelen = 0;
	json_t *stats = NULL, *m = NULL;
	struct h_run r;
	struct stat st;
	char *env = NULL;

	(void)state;
	h_write("evidence.csv", "when,what\n2024-11-02,export\n", 28);
	run(&r, args, NULL);
	if (r.status != 0)
		fail_msg("exit %d: %s", r.status, r.err);
	assert_int_equal(stat("report.sealed", &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* the receipt printed is the one the server will compute */
	env = h_read("report.sealed", &envlen);
	sd_receipt_id(expect, (const uint8_t *)env, envlen);
	free(env);
	assert_int_equal(h_field(r.out, "receipt", receipt, sizeof(receipt)), 0);
	assert_string_equal(receipt, expect);
	h_run_free(&r);

	/* stats key: the stats section only */
	n = open_all("report.sealed", "stats", plain, plainlen);
	assert_int_equal(n, 1);
	stats = json_loads(plain[0], 0, NULL);
	assert_non_null(stats);
	assert_string_equal(json_string_value(json_object_get(stats, "schema")),
	    "sealdrop.report/1");
	assert_string_equal(json_string_value(json_object_get(stats,
	    "incident_ref")), "00112233445566778899aabbccddeeff");
	assert_string_equal(json_string_value(json_object_get(stats,
	    "member_state")), "EL");
	expected_reporter(reporter);
	assert_string_equal(json_string_value(json_object_get(stats, "reporter")),
	    reporter);
	/* the narrative never travels in the statistical section */
	assert_null(json_object_get(stats, "narrative"));
	assert_null(strstr(plain[0], "notebooks"));
	json_decref(stats);
	free_all(plain, 3);

	/* details key: details and the attachment */
	n = open_all("report.sealed", "details", plain, plainlen);
	assert_int_equal(n, 2);
	assert_null(plain[0]);
	assert_non_null(strstr(plain[1], "lab notebooks"));
	assert_non_null(strstr(plain[1], "\"consent_law_enforcement\":true"));
	assert_int_equal(sd_attachment_split((const uint8_t *)plain[2],
	    plainlen[2], &meta, &metalen, &file, &filelen), SD_OK);
	assert_int_equal(filelen, 28);
	assert_memory_equal(file, "when,what\n2024-11-02,export\n", 28);
	m = json_loadb((const char *)meta, metalen, 0, NULL);
	assert_non_null(m);
	assert_string_equal(json_string_value(json_object_get(m, "name")),
	    "evidence.csv");
	assert_string_equal(json_string_value(json_object_get(m, "media_type")),
	    "text/csv");
	assert_int_equal(json_integer_value(json_object_get(m, "size")), 28);
	json_decref(m);
	free_all(plain, 3);
}

/* An opener written from PRODUCT.md section 3 alone, with libsodium and
 * nothing of sealdrop's own code, so that the submitter's output is checked
 * against the format rather than against the library that wrote it. */
static uint64_t
le64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static uint8_t *
spec_open(const uint8_t *env, size_t len, size_t want, const uint8_t *sk,
    const uint8_t *pk, size_t *outlen)
{
	crypto_secretstream_xchacha20poly1305_state st;
	uint8_t id[32], key[32], ad[38 + 1 + 2 + 16 * 88 + 32], *out, tag = 0;
	size_t pos = 38, i, nr, pre, got = 0, r;
	unsigned long long m;
	uint64_t body_len, off;

	assert_true(len >= 38 && memcmp(env, "SDRP", 4) == 0 && env[4] == 1);
	assert_true(want < env[5]);
	for (i = 0; i < want; i++) {
		nr = env[pos + 1];
		pos += 2 + nr * 88 + 24;
		pos += 8 + le64(env + pos);
	}
	nr = env[pos + 1];
	pre = 2 + nr * 88 + 24 + 8;
	body_len = le64(env + pos + pre - 8);
	assert_true(pos + pre + body_len <= len);
	crypto_generichash(id, 32, pk, 32, NULL, 0);
	for (r = 0; r < nr; r++)
		if (memcmp(env + pos + 2 + r * 88, id, 8) == 0)
			break;
	assert_true(r < nr);
	assert_int_equal(crypto_box_seal_open(key, env + pos + 2 + r * 88 + 8,
	    80, pk, sk), 0);
	assert_int_equal(crypto_secretstream_xchacha20poly1305_init_pull(&st,
	    env + pos + pre - 32, key), 0);
	memcpy(ad, env, 38);
	ad[38] = (uint8_t)want;
	memcpy(ad + 39, env + pos, pre);
	out = malloc(body_len + 1);
	assert_non_null(out);
	for (off = 0; off < body_len; off += r) {
		r = body_len - off > 65553 ? 65553 : (size_t)(body_len - off);
		assert_int_equal(crypto_secretstream_xchacha20poly1305_pull(&st,
		    out + got, &m, &tag, env + pos + pre + off, r,
		    off == 0 ? ad : NULL, off == 0 ? 39 + pre : 0), 0);
		got += (size_t)m;
		assert_int_equal(tag, off + r == body_len ?
		    crypto_secretstream_xchacha20poly1305_TAG_FINAL :
		    crypto_secretstream_xchacha20poly1305_TAG_MESSAGE);
	}
	/* padding: the marker, then zeros, to at least 1024 bytes */
	assert_true(got >= 1024);
	while (got > 0 && out[got - 1] == 0)
		got--;
	assert_true(got > 0 && out[got - 1] == 0x80);
	out[--got] = 0;
	*outlen = got;
	return out;
}

static uint8_t *
spec_open_with(const char *file, size_t idx, const char *keyname,
    size_t *outlen)
{
	char path[64], *env;
	size_t len = 0;
	sd_seckey *k = NULL;
	uint8_t *out;

	env = h_read(file, &len);
	snprintf(path, sizeof(path), "%s.key", keyname);
	assert_int_equal(sd_seckey_load(path, H_PASS, strlen(H_PASS), &k), SD_OK);
	out = spec_open((const uint8_t *)env, len, idx, sd_seckey_sk(k),
	    sd_seckey_pk(k), outlen);
	sd_seckey_free(k);
	free(env);
	return out;
}

static void
test_sealed_file_follows_the_format(void **state)
{
	const char *args[] = { "--channel", "channel.json", "--authority",
		"A.pub", "--out", "spec.sealed", "--force", "--attach", "big.bin",
		"report.json", NULL };
	uint8_t *plain, *file;
	size_t len = 0, flen = 150000, mlen;
	struct h_run r;
	json_t *stats;

	(void)state;
	/* three chunks, so the later chunks and the final tag are covered */
	file = malloc(flen);
	assert_non_null(file);
	randombytes_buf(file, flen);
	h_write("big.bin", file, flen);
	run(&r, args, NULL);
	assert_int_equal(r.status, 0);
	h_run_free(&r);
	plain = spec_open_with("spec.sealed", 0, "stats", &len);
	stats = json_loadb((const char *)plain, len, 0, NULL);
	assert_non_null(stats);
	assert_string_equal(json_string_value(json_object_get(stats,
	    "member_state")), "EL");
	json_decref(stats);
	free(plain);
	plain = spec_open_with("spec.sealed", 1, "details", &len);
	assert_non_null(strstr((const char *)plain, "lab notebooks"));
	free(plain);
	plain = spec_open_with("spec.sealed", 2, "details", &len);
	mlen = (size_t)plain[0] | (size_t)plain[1] << 8 |
	    (size_t)plain[2] << 16 | (size_t)plain[3] << 24;
	assert_int_equal(len, 4 + mlen + flen);
	assert_memory_equal(plain + 4 + mlen, file, flen);
	free(plain);
	free(file);
}

static void
test_offline_refuses_overwrite(void **state)
{
	const char *args[] = { "--channel", "channel.json", "--authority",
		"A.pub", "--out", "kept.sealed", "report.json", NULL };
	const char *forced[] = { "--channel", "channel.json", "--authority",
		"A.pub", "--out", "kept.sealed", "--force", "report.json", NULL };
	struct h_run r;
	char *before, *after;

	(void)state;
	run(&r, args, NULL);
	assert_int_equal(r.status, 0);
	h_run_free(&r);
	before = h_read("kept.sealed", NULL);
	run(&r, args, NULL);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "--force"));
	h_run_free(&r);
	after = h_read("kept.sealed", NULL);
	assert_string_equal(before, after);
	free(after);
	run(&r, forced, NULL);
	assert_int_equal(r.status, 0);
	h_run_free(&r);
	free(before);
}

static void
test_offline_refuses_other_authority(void **state)
{
	const char *args[] = { "--channel", "channel_b.json", "--authority",
		"A.pub", "--out", "never.sealed", "report.json", NULL };
	struct h_run r;

	(void)state;
	run(&r, args, NULL);
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "another authority"));
	assert_int_equal(access("never.sealed", F_OK), -1);
	h_run_free(&r);
}

static void
test_analyst_opens_sealed_file(void **state)
{
	const char *seal[] = { "--channel", "channel.json", "--authority",
		"A.pub", "--out", "for_analyst.sealed", "report.json", NULL };
	const char *open_argv[] = { h_bin("analyst/sealdrop-analyst"), "open",
		"--key", "details.key", "for_analyst.sealed", NULL };
	const char *env[] = { "SEALDROP_PASSPHRASE=" H_PASS, NULL };
	struct h_run r;

	(void)state;
	run(&r, seal, NULL);
	assert_int_equal(r.status, 0);
	h_run_free(&r);
	h_run(&r, open_argv, env, NULL);
	if (r.status != 0) {
		char why[512];
		int st = r.status;

		snprintf(why, sizeof(why), "%s", r.err);
		h_run_free(&r);
		fail_msg("sealdrop-analyst open exited %d: %s", st, why);
	}
	assert_non_null(strstr(r.out, "lab notebooks"));
	h_run_free(&r);
}

static void
test_every_invalid_field_named(void **state)
{
	static const char bad[] =
		"{\"member_state\":\"UK\",\"organisation\":\"corp\","
		"\"sector\":\"Z\",\"size_class\":\"huge\",\"discovered\":\"1999-Q1\","
		"\"secret_types\":[\"recipes\"],\"attack_vectors\":[],"
		"\"actor\":\"alien\",\"actor_origin\":\"mars\",\"loss_eur\":-1,"
		"\"jobs_at_risk\":\"many\",\"reported_to_police\":\"no\","
		"\"incident_ref\":\"xyz\",\"colour\":\"red\",\"narrative\":7}";
	static const char *const fields[] = { "member_state", "organisation",
		"sector", "size_class", "discovered", "secret_types",
		"attack_vectors", "actor:", "actor_origin", "loss_eur",
		"jobs_at_risk", "reported_to_police", "incident_ref", "colour",
		"narrative" };
	const char *args[] = { "--channel", "channel.json", "--authority",
		"A.pub", "--out", "bad.sealed", "bad.json", NULL };
	struct h_run r;
	size_t i;

	(void)state;
	h_write("bad.json", bad, strlen(bad));
	run(&r, args, NULL);
	assert_int_equal(r.status, 1);
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (strstr(r.err, fields[i]) == NULL)
			fail_msg("'%s' not named in: %s", fields[i], r.err);
	assert_int_equal(access("bad.sealed", F_OK), -1);
	h_run_free(&r);
}

static void
test_details_in_both_places_refused(void **state)
{
	const char *args[] = { "--check", "--details", "details.json",
		"report.json", NULL };
	struct h_run r;

	(void)state;
	h_write("details.json", "{\"narrative\":\"other\"}", 21);
	run(&r, args, NULL);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "narrative"));
	h_run_free(&r);
}

static void
test_template_loads_as_printed(void **state)
{
	const char *tmpl[] = { "template", NULL };
	const char *json[] = { "template", "--json", NULL };
	const char *explain[] = { "template", "--explain", NULL };
	const char *check[] = { "--check", "template.json", NULL };
	const struct sd_field *f;
	struct h_run r;
	json_t *doc;
	size_t i, n = 0;

	(void)state;
	run(&r, tmpl, NULL);
	assert_int_equal(r.status, 0);
	h_write("template.json", r.out, strlen(r.out));
	/* sent unchanged, its placeholder text would pass for an answer */
	{
		struct h_run c;
		run(&c, check, NULL);
		assert_int_equal(c.status, 1);
		assert_non_null(strstr(c.err, "narrative: still the template's"));
		h_run_free(&c);
	}
	/* with the texts written it loads and validates as printed */
	{
		char *p;
		while ((p = strstr(r.out, "replace this text")) != NULL)
			memcpy(p, "design files gone", 17);
		h_write("template.json", r.out, strlen(r.out));
	}
	h_run_free(&r);
	run(&r, check, NULL);
	if (r.status != 0)
		fail_msg("the template does not validate: %s", r.err);
	h_run_free(&r);
	run(&r, json, NULL);
	doc = json_loads(r.out, 0, NULL);
	assert_non_null(doc);
	json_decref(doc);
	h_run_free(&r);
	/* the guide lists every field and every code of the schema */
	run(&r, explain, NULL);
	f = sd_schema_fields(SD_PART_STATS, &n);
	for (i = 0; i < n; i++) {
		assert_non_null(strstr(r.out, f[i].name));
		if (f[i].n_codes > 0)
			assert_non_null(strstr(r.out,
			    f[i].codes[f[i].n_codes - 1].code));
	}
	h_run_free(&r);
}

/* What the field guide says about each field is what validation does: a
 * field called required is refused when left out, an optional one is not,
 * and the details part may be left out whole. */
static int
check_without(json_t *base, const char *drop, const char *drop2)
{
	const char *check[] = { "--check", "without.json", NULL };
	json_t *doc = json_deep_copy(base);
	struct h_run r;
	char *text;
	int status;

	assert_non_null(doc);
	json_object_del(doc, drop);
	if (drop2 != NULL)
		json_object_del(doc, drop2);
	text = json_dumps(doc, 0);
	assert_non_null(text);
	h_write("without.json", text, strlen(text));
	free(text);
	json_decref(doc);
	run(&r, check, NULL);
	status = r.status;
	if (status != 0 && strstr(r.err, drop) == NULL)
		fail_msg("leaving out %s is refused without naming it: %s",
		    drop, r.err);
	h_run_free(&r);
	return status;
}

static void
test_template_says_what_is_required(void **state)
{
	const char *json[] = { "template", "--json", NULL };
	const char *explain[] = { "template", "--explain", NULL };
	static const enum sd_part parts[2] = { SD_PART_STATS, SD_PART_DETAILS };
	const struct sd_field *f;
	struct h_run r, g;
	json_t *base;
	const char *key;
	json_t *v;
	char line[128];
	size_t p, i, n = 0;

	(void)state;
	run(&r, json, NULL);
	assert_int_equal(r.status, 0);
	base = json_loads(r.out, 0, NULL);
	assert_non_null(base);
	h_run_free(&r);
	json_object_foreach(base, key, v) {
		if (json_is_string(v) &&
		    strcmp(json_string_value(v), "replace this text") == 0)
			json_object_set_new(base, key,
			    json_string("design files gone"));
	}
	run(&g, explain, NULL);
	assert_int_equal(g.status, 0);
	/* a details part without its narrative is refused, naming it ... */
	assert_int_not_equal(check_without(base, "narrative", "contact"), 0);
	/* ... but the whole details part may go: statistics only */
	{
		json_t *stats_only = json_deep_copy(base);

		json_object_del(stats_only, "consent_law_enforcement");
		assert_int_equal(check_without(stats_only, "narrative",
		    "contact"), 0);
		json_decref(stats_only);
	}
	assert_non_null(strstr(g.out, "optional as a whole"));
	for (p = 0; p < 2; p++) {
		f = sd_schema_fields(parts[p], &n);
		for (i = 0; i < n; i++) {
			if (json_object_get(base, f[i].name) == NULL)
				continue;       /* filled in by the tool */
			snprintf(line, sizeof(line), "\n%s (%s", f[i].name,
			    f[i].required ? "required" : "optional");
			if (strstr(g.out, line) == NULL)
				fail_msg("the guide does not call %s %s",
				    f[i].name, f[i].required ? "required" :
				    "optional");
			if (strcmp(f[i].name, "schema") == 0)
				continue;       /* filled in when absent */
			/* with the rest of its part there, a required field
			 * is needed and an optional one is not */
			if (f[i].required)
				assert_int_not_equal(check_without(base,
				    f[i].name, NULL), 0);
			else
				assert_int_equal(check_without(base,
				    f[i].name, NULL), 0);
		}
	}
	/* and a required details field says when it is */
	assert_non_null(strstr(g.out,
	    "\nnarrative (required when any details are sent)"));
	h_run_free(&g);
	json_decref(base);
}

/* A file or an answer in another encoding than UTF-8 is refused by that
 * name; nothing is sealed. */
static void
test_not_utf8_named(void **state)
{
	static const char answers[] =
		"\xc9\n" "FR\n" "1\n" "J\n" "large\n" "2025-Q1\n" "3\n" "2\n"
		"organised_crime\n" "non_eu\n" "\n" "\n" "y\n" "n\n" "y\n";
	const char *check[] = { "--check", "latin1.json", NULL };
	const char *ask[] = { "--interactive", "--channel", "channel.json",
		"--authority", "A.pub", "--out", "latin1.sealed", NULL };
	char text[sizeof(report_json) + 16];
	char *p;
	struct h_run r;

	(void)state;
	snprintf(text, sizeof(text), "%s", report_json);
	p = strstr(text, "lab notebooks");
	assert_non_null(p);
	p[1] = (char)0xe0;      /* "l\xe0b", as a Latin-1 editor writes */
	h_write("latin1.json", text, strlen(text));
	run(&r, check, NULL);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "latin1.json: line 4, column "));
	assert_non_null(strstr(r.err, "byte 0xE0 is not UTF-8"));
	h_run_free(&r);
	unlink("latin1.sealed");
	run(&r, ask, answers);
	if (r.status != 0)
		fail_msg("exit %d: %s", r.status, r.err);
	assert_non_null(strstr(r.err, "byte 0xC9 of the answer is not UTF-8"));
	assert_int_equal(access("latin1.sealed", F_OK), 0);
	h_run_free(&r);
}

static void
test_interactive_answers(void **state)
{
	/* numbered codes, codes by name, one wrong answer corrected, the
	 * details part with a two-line narrative, then the confirmation */
	static const char answers[] =
		"FR\n" "1\n" "J\n" "large\n" "2025-Q9\n" "2025-Q1\n"
		"3, commercial.pricing\n" "2\n" "organised_crime\n" "non_eu\n"
		"1500000\n" "\n" "y\n"
		"y\n" "Ransomware crew exfiltrated\nthe pricing database.\n.\n"
		"\n" "n\n" "y\n";
	const char *args[] = { "--interactive", "--channel", "channel.json",
		"--authority", "A.pub", "--out", "asked.sealed", NULL };
	char *plain[7];
	size_t plainlen[7];
	struct h_run r;
	json_t *stats;

	(void)state;
	run(&r, args, answers);
	if (r.status != 0)
		fail_msg("exit %d: %s", r.status, r.err);
	/* the wrong quarter was refused by name at once */
	assert_non_null(strstr(r.err, "discovered"));
	h_run_free(&r);
	assert_int_equal(open_all("asked.sealed", "stats", plain, plainlen), 1);
	stats = json_loads(plain[0], 0, NULL);
	assert_non_null(stats);
	assert_string_equal(json_string_value(json_object_get(stats,
	    "member_state")), "FR");
	assert_string_equal(json_string_value(json_object_get(stats,
	    "discovered")), "2025-Q1");
	assert_int_equal(json_array_size(json_object_get(stats, "secret_types")),
	    2);
	assert_int_equal(json_integer_value(json_object_get(stats, "loss_eur")),
	    1500000);
	assert_null(json_object_get(stats, "jobs_at_risk"));
	assert_true(json_is_true(json_object_get(stats, "reported_to_police")));
	json_decref(stats);
	free_all(plain, 2);
	assert_int_equal(open_all("asked.sealed", "details", plain, plainlen), 1);
	assert_non_null(strstr(plain[1], "exfiltrated\\nthe pricing"));
	free_all(plain, 2);
}

static void
test_interactive_input_ends(void **state)
{
	const char *args[] = { "--interactive", "--channel", "channel.json",
		"--authority", "A.pub", "--out", "cut.sealed", NULL };
	struct h_run r;

	(void)state;
	run(&r, args, "DE\n");
	assert_int_equal(r.status, 1);
	assert_int_equal(access("cut.sealed", F_OK), -1);
	h_run_free(&r);
}

static void
test_group_readable_secret_refused(void **state)
{
	const char *args[] = { "--check", "report.json", NULL };
	struct h_run r;

	(void)state;
	assert_int_equal(chmod(secret_path, 0640), 0);
	run(&r, args, NULL);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "chmod 600"));
	h_run_free(&r);
	assert_int_equal(chmod(secret_path, 0600), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_makes_private_secret),
		cmocka_unit_test(test_offline_seal_opens),
		cmocka_unit_test(test_sealed_file_follows_the_format),
		cmocka_unit_test(test_offline_refuses_overwrite),
		cmocka_unit_test(test_offline_refuses_other_authority),
		cmocka_unit_test(test_analyst_opens_sealed_file),
		cmocka_unit_test(test_every_invalid_field_named),
		cmocka_unit_test(test_details_in_both_places_refused),
		cmocka_unit_test(test_template_loads_as_printed),
		cmocka_unit_test(test_template_says_what_is_required),
		cmocka_unit_test(test_interactive_answers),
		cmocka_unit_test(test_interactive_input_ends),
		cmocka_unit_test(test_not_utf8_named),
		cmocka_unit_test(test_group_readable_secret_refused),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
