/* End to end: keys and channel from the real sealdrop-analyst, reports with
 * known contents sealed and submitted to the real sealdrop-server on a
 * loopback port and exported (and, independently, written into a batch by
 * hand), then ingest, table, report, show and ack with the real binary.
 * Published cells must equal the truth computed here, suppressed cells
 * must be marked, and no narrative or contact text may reach an output. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>
#include <sodium.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sd_channel.h"
#include "sd_envelope.h"
#include "sd_err.h"
#include "sd_file.h"
#include "sd_i18n.h"
#include "sd_keys.h"
#include "sd_mem.h"
#include "sd_signed.h"
#include "server_harness.h"
#include "test_analyst_fixture.h"

#define N_REPORTS 320
#define CANARY_NARRATIVE "CANARY-NARRATIVE-7f3a9e"
#define CANARY_CONTACT "CANARY-CONTACT-91be42"

static const char *const ms_list[] = { "DE", "FR", "IT", "ES", "PL", "NL" };
static const char *const sectors[] = { "C", "J", "K", "M" };
static const char *const quarters[] = {
	"2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3",
};

static const char *const env_run[] = {
	"SEALDROP_PASSPHRASE=" H_PASS, "SEALDROP_TODAY=2026-11-22", NULL
};

struct world {
	struct fx_rep rep[N_REPORTS];
	uint8_t *env[N_REPORTS];
	size_t len[N_REPORTS];
	int live[N_REPORTS];        /* not replaced by a later report */
	char attach_receipt[SD_RECEIPT_LEN + 1];
	sd_channel *ch;
	uint8_t ack_pk[32];
};

static struct world W;

static void
make_reports(void)
{
	uint64_t seed = 0x9e3779b97f4a7c15u;
	size_t i, j;

	for (i = 0; i < N_REPORTS; i++) {
		struct fx_rep *r = &W.rep[i];

		memset(r, 0, sizeof(*r));
		r->ref = (unsigned)i + 1;
		r->reporter = fx_rand(&seed) % 10 < 3 ?
		    (int)(fx_rand(&seed) % 12) : -1;
		r->ms = ms_list[fx_rand(&seed) % 6];
		r->sector = sectors[fx_rand(&seed) % 4];
		r->size = "medium";
		r->discovered = quarters[fx_rand(&seed) % 4];
		r->secrets = (uint32_t)(fx_rand(&seed) % 511) + 1;
		r->vectors = (uint32_t)(fx_rand(&seed) % 255) + 1;
		r->loss = fx_rand(&seed) % 5 == 0 ? -1 :
		    (long long)(fx_rand(&seed) % 900000) + 1000;
		r->jobs = (long long)(fx_rand(&seed) % 40);
		if (i >= 300 && i < 302)
			r->ms = "MT";      /* a small cell */
		/* corrections: a later report for an earlier incident */
		if (i >= 302) {
			j = (size_t)(fx_rand(&seed) % 300);
			r->reporter = 5;
			W.rep[j].reporter = 5;
			r->ref = W.rep[j].ref;
		}
	}
}

static void
mark_live(void)
{
	size_t i, j;

	for (i = 0; i < N_REPORTS; i++) {
		W.live[i] = 1;
		for (j = i + 1; j < N_REPORTS; j++)
			if (W.rep[j].ref == W.rep[i].ref &&
			    W.rep[j].reporter == W.rep[i].reporter)
				W.live[i] = 0;
	}
}

static void
seal_all(void)
{
	char stats[4096], details[512];
	static const uint8_t att[] = "attachment body " CANARY_NARRATIVE;
	size_t i;

	for (i = 0; i < N_REPORTS; i++) {
		fx_stats_json(stats, sizeof(stats), &W.rep[i]);
		snprintf(details, sizeof(details), "{\"narrative\":\"%s %zu "
		    "<script>alert(1)</script>\",\"contact\":\"%s\"}",
		    CANARY_NARRATIVE, i, CANARY_CONTACT);
		W.env[i] = fx_seal(W.ch, stats, details, i == 7 ?
		    "../../etc/evil name.txt" : NULL, att, sizeof(att) - 1,
		    &W.len[i]);
		assert_non_null(W.env[i]);
		if (i == 7)
			sd_receipt_id(W.attach_receipt, W.env[i], W.len[i]);
	}
}

static int
setup(void **state)
{
	uint8_t pk[32];
	enum sd_role role = SD_ROLE_NONE;

	(void)state;
	assert_int_equal(sd_crypto_init(), SD_OK);
	setenv("SEALDROP_TODAY", "2026-11-22", 1);
	h_make_keys("k", "2099-12-31");
	h_make_keys("k2", "2099-12-31");
	assert_int_equal(sd_pubkey_load("k/authority.pub", &role, pk), SD_OK);
	assert_int_equal(sd_channel_load_file("k/channel.json", pk, NULL,
	    &W.ch), SD_OK);
	assert_int_equal(sd_pubkey_load("k/ack.pub", &role, W.ack_pk), SD_OK);
	make_reports();
	mark_live();
	seal_all();
	return 0;
}

static int
teardown(void **state)
{
	size_t i;

	h_teardown(state);
	for (i = 0; i < N_REPORTS; i++)
		free(W.env[i]);
	sd_channel_free(W.ch);
	return 0;
}

/* Run sealdrop-analyst with args; 0 when it exits 0. */
static int
analyst(const char *log, ...)
{
	char bin[512];
	char *argv[40];
	size_t n = 0;
	va_list ap;
	const char *a;

	h_bin(bin, sizeof(bin), "analyst/sealdrop-analyst");
	argv[n++] = bin;
	va_start(ap, log);
	while ((a = va_arg(ap, const char *)) != NULL && n < 39)
		argv[n++] = h_s(a);
	va_end(ap);
	argv[n] = NULL;
	return h_run(argv, env_run, log);
}

/* Not inlined: GCC's dangling-pointer analysis misreads the out-parameter
 * once cmocka's longjmp-based asserts surround it. */
static char *slurp(const char *path) __attribute__((noinline));

static char *
slurp(const char *path)
{
	uint8_t *data = NULL;
	size_t len = 0;

	if (sd_file_read(path, 64u << 20, &data, &len) != SD_OK)
		fail_msg("cannot read %s", path);
	return (char *)data;
}

static void
no_canary(const char *path)
{
	char *s = slurp(path);

	if (strstr(s, "CANARY") != NULL)
		fail_msg("%s holds text of a narrative or contact", path);
	free(s);
}

/* needle in no byte of path, nor of its -wal and -shm */
static void
no_text(const char *path, const char *needle)
{
	static const char *const ext[] = { "", "-wal", "-shm" };
	size_t k;

	for (k = 0; k < 3; k++) {
		char p[256];
		uint8_t *data = NULL;
		size_t len = 0;
		snprintf(p, sizeof(p), "%s%s", path, ext[k]);
		if (sd_file_read(p, 256u << 20, &data, &len) != SD_OK)
			continue;
		if (memmem(data, len, needle, strlen(needle)) != NULL)
			fail_msg("%s holds '%s'", p, needle);
		free(data);
	}
}

static int
in_period(const struct fx_rep *r, const char *year)
{
	return year == NULL || strncmp(r->discovered, year, 4) == 0;
}

static double
truth_count(const char *ms, const char *sector, const char *year)
{
	double n = 0;
	size_t i;

	for (i = 0; i < N_REPORTS; i++)
		if (W.live[i] && in_period(&W.rep[i], year) &&
		    (ms == NULL || strcmp(W.rep[i].ms, ms) == 0) &&
		    (sector == NULL || strcmp(W.rep[i].sector, sector) == 0))
			n++;
	return n;
}

static double
truth_loss(const char *sector)
{
	double v = 0;
	size_t i;

	for (i = 0; i < N_REPORTS; i++)
		if (W.live[i] && (sector == NULL ||
		    strcmp(W.rep[i].sector, sector) == 0) && W.rep[i].loss > 0)
			v += (double)W.rep[i].loss;
	return v;
}

/* member_state x sector counts in JSON: published cells equal the truth,
 * suppressed ones carry no value. */
static void
check_json_2d(const char *path, size_t *published, size_t *suppressed)
{
	json_t *root, *cells, *c;
	json_error_t err;
	size_t i;

	root = json_load_file(path, 0, &err);
	assert_non_null(root);
	cells = json_object_get(root, "cells");
	assert_true(json_array_size(cells) > 0);
	json_array_foreach(cells, i, c) {
		const char *ms = json_string_value(json_object_get(c,
		    "member_state"));
		const char *sec = json_string_value(json_object_get(c,
		    "sector"));
		const char *st = json_string_value(json_object_get(c,
		    "status"));
		json_t *v = json_object_get(c, "value");

		assert_non_null(ms);
		assert_non_null(sec);
		assert_non_null(st);
		if (st[0] != 'F') {
			assert_true(json_is_null(v));
			assert_non_null(strchr("AOTD", st[0]));
			(*suppressed)++;
			continue;
		}
		(*published)++;
		assert_true(json_integer_value(v) == (json_int_t)truth_count(
		    strcmp(ms, "_T") ? ms : NULL,
		    strcmp(sec, "_T") ? sec : NULL, NULL));
	}
	json_decref(root);
}

/* loss by sector in SDMX-CSV: without --period, TIME_PERIOD spans the
 * quarters of the reports (2025-Q4 to 2026-Q3) */
static void
check_sdmx_loss(const char *path)
{
	char *s = slurp(path), *line, *save = NULL;
	size_t rows = 0;

	line = strtok_r(s, "\r\n", &save);
	assert_string_equal(line, "STRUCTURE,STRUCTURE_ID,ACTION,SECTOR,FREQ,"
	    "TIME_PERIOD,INDICATOR,OBS_VALUE,UNIT_MEASURE,CONF_STATUS,RELEASE");
	while ((line = strtok_r(NULL, "\r\n", &save)) != NULL) {
		char f[12][64];
		size_t n = 0;
		const char *p = line, *q;

		while (n < 12) {
			q = strchr(p, ',');
			snprintf(f[n++], 64, "%.*s", (int)(q ? q - p :
			    (long)strlen(p)), p);
			if (q == NULL)
				break;
			p = q + 1;
		}
		assert_int_equal(n, 11);
		rows++;
		assert_string_equal(f[4], "Q");
		assert_string_equal(f[5], "2025-10-01/P12M");
		assert_string_equal(f[8], "EUR");
		if (f[9][0] == 'F')
			assert_true(strtod(f[7], NULL) == truth_loss(
			    strcmp(f[3], "_T") ? f[3] : NULL));
		else
			assert_string_equal(f[7], "");
	}
	assert_int_equal(rows, 23);
	free(s);
}

/* count by quarter in SDMX-CSV: each observation's TIME_PERIOD is its
 * quarter, with FREQ Q; the total spans the year */
static void
check_sdmx_quarter(const char *path)
{
	static const char *const want[] = {
		"Q,2026-Q1,", "Q,2026-Q2,", "Q,2026-Q3,", "Q,2026-Q4,",
		"Q,2026-01-01/P12M,",
	};
	char *s = slurp(path), *line, *save = NULL;
	size_t rows = 0;

	line = strtok_r(s, "\r\n", &save);
	assert_string_equal(line, "STRUCTURE,STRUCTURE_ID,ACTION,FREQ,"
	    "TIME_PERIOD,INDICATOR,OBS_VALUE,UNIT_MEASURE,CONF_STATUS,RELEASE");
	while ((line = strtok_r(NULL, "\r\n", &save)) != NULL) {
		assert_true(rows < 5);
		if (strstr(line, want[rows]) == NULL)
			fail_msg("row %zu of %s is not of %s: %s", rows, path,
			    want[rows], line);
		rows++;
	}
	assert_int_equal(rows, 5);
	free(s);
}

static void
check_csv_ms(const char *path)
{
	char *s = slurp(path), *line, *save = NULL;
	size_t published = 0;

	line = strtok_r(s, "\r\n", &save);
	assert_string_equal(line, "period,member_state,member_state_label,"
	    "count,status,status_label,release");
	while ((line = strtok_r(NULL, "\r\n", &save)) != NULL) {
		char ms[8], val[32], st[4];
		const char *p = strchr(line, ',') + 1;
		const char *lab = strchr(p, ',') + 1;
		const char *v = strchr(lab, ',') + 1;

		snprintf(ms, sizeof(ms), "%.*s", (int)(lab - p - 1), p);
		snprintf(val, sizeof(val), "%.*s", (int)(strchr(v, ',') - v),
		    v);
		snprintf(st, sizeof(st), "%c", *(strchr(v, ',') + 1));
		if (st[0] == 'F') {
			assert_true(strtod(val, NULL) == truth_count(
			    strcmp(ms, "_T") ? ms : NULL, NULL, "2026"));
			published++;
		} else {
			assert_string_equal(val, "");
		}
		if (strcmp(ms, "MT") == 0)
			assert_string_equal(st, "A");
	}
	assert_true(published >= 6);
	free(s);
}

static void
check_report(const char *path)
{
	char *s = slurp(path), *p;

	assert_non_null(strstr(s, "<svg"));
	assert_non_null(strstr(s, "Notes on method"));
	assert_null(strstr(s, "<script"));
	assert_null(strstr(s, "src="));
	for (p = strstr(s, "http"); p != NULL; p = strstr(p + 1, "http"))
		assert_true(strncmp(p, "http://www.w3.org/2000/svg", 26) == 0 ||
		    strncmp(p, "http-equiv", 10) == 0);
	free(s);
	no_canary(path);
}

/* A copy for the browser test of the report (tests/browser/report.mjs),
 * which opens it as a reader would. */
static void
keep_report(const char *path)
{
	char dir[4096], cmd[8400];

	snprintf(dir, sizeof(dir), "%s/tests/report-artefacts",
	    getenv("SD_BINARY_DIR"));
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s' && cp '%s' '%s/report.html'",
	    dir, path, dir);
	assert_int_equal(system(cmd), 0);
}

static int
file_has(const char *path, const char *needle)
{
	char *s = slurp(path);
	int found = strstr(s, needle) != NULL;

	if (!found)
		print_message("%s lacks '%s': %s\n", path, needle, s);
	free(s);
	return found;
}

static int
file_lacks(const char *path, const char *needle)
{
	char *s = slurp(path);
	int lacks = strstr(s, needle) == NULL;

	if (!lacks)
		print_message("%s has '%s'\n", path, needle);
	free(s);
	return lacks;
}

/* Every release written is in the ledger and names itself; a draft is
 * marked, neither checked nor recorded; the report's methods note says
 * what its audit modelled and states no rule parameter. */
static void
check_ledger(const char *store)
{
	assert_int_equal(analyst("l.log", "ledger", "--store", store, NULL), 0);
	assert_true(file_has("l.log", "release 1 "));
	assert_true(file_has("l.log", "release 5 "));
	assert_true(file_lacks("l.log", "release 6 "));
	assert_true(file_has("ms.csv", ",1\r\n"));
	assert_true(file_has("report.html", "release 5"));
	assert_true(file_has("report.html", "earlier release"));
	assert_true(file_has("report.html", "pool their figures"));
	/* no parameter: not the threshold, not p */
	assert_true(file_lacks("report.html", "fewer than 3"));
	assert_true(file_lacks("report.html", "10%"));
	assert_true(file_lacks("report.html", "10 %"));
	assert_true(file_lacks("report.html", "p%"));
	assert_true(file_lacks("report.html", "DRAFT"));
	assert_int_equal(analyst("d1.log", "table", "--store", store, "--key",
	    "k/stats.key", "--rows", "member_state", "--no-ledger", "--out",
	    "draft.csv", "--force", NULL), 0);
	assert_true(file_has("draft.csv", "\"DRAFT, not for release\"\r\n"));
	assert_int_equal(analyst("d2.log", "report", "--store", store, "--key",
	    "k/stats.key", "--period", "2026", "--no-ledger", "--out",
	    "draft.html", "--force", NULL), 0);
	assert_true(file_has("draft.html", "DRAFT, not for release"));
	assert_true(file_has("draft.html", "This is a draft"));
	assert_int_equal(analyst("l2.log", "ledger", "--store", store, NULL), 0);
	assert_true(file_lacks("l2.log", "release 6 "));
	/* an output that exists is refused before any work */
	assert_int_not_equal(analyst("x.log", "table", "--store", store, "--key",
	    "k/stats.key", "--rows", "member_state", "--out", "draft.csv",
	    NULL), 0);
	assert_true(file_has("x.log", "exists"));
}

/* The stats key of another channel opens none of the reports: table and
 * report fail, write nothing and record nothing, instead of publishing
 * a table of zeros. */
static void
check_foreign_key(const char *store)
{
	remove("foreign.csv");
	remove("foreign.html");
	assert_int_not_equal(analyst("fk1.log", "table", "--store", store,
	    "--key", "k2/stats.key", "--rows", "member_state", "--out",
	    "foreign.csv", NULL), 0);
	assert_true(file_has("fk1.log", "no report opened with k2/stats.key"));
	assert_int_not_equal(access("foreign.csv", F_OK), 0);
	assert_int_not_equal(analyst("fk2.log", "report", "--store", store,
	    "--key", "k2/stats.key", "--period", "2026", "--out",
	    "foreign.html", NULL), 0);
	assert_true(file_has("fk2.log", "no report opened with k2/stats.key"));
	assert_int_not_equal(access("foreign.html", F_OK), 0);
	/* nor to standard output */
	assert_int_not_equal(analyst("fk3.log", "table", "--store", store,
	    "--key", "k2/stats.key", "--rows", "sector", NULL), 0);
	assert_true(file_lacks("fk3.log", "_T,Total"));
	assert_int_equal(analyst("fkl.log", "ledger", "--store", store, NULL),
	    0);
	assert_true(file_has("fkl.log", "release 5 "));
	assert_true(file_lacks("fkl.log", "release 6 "));
}

/* No report in the store, or none in the period: the outputs are written
 * and say on their face that they are empty, rather than pass for a
 * table of measured zeros. */
static void
check_empty(void)
{
	uint8_t zero[32] = { 0 }, last[32];
	char hex[33];

	sodium_bin2hex(hex, sizeof(hex), sd_channel_id(W.ch), 16);
	assert_int_equal(fx_batch_write("empty.sqlite", hex, zero, 1, NULL,
	    NULL, 0, last), 0);
	remove("e.db");
	assert_int_equal(analyst("e0.log", "ingest", "--store", "e.db",
	    "empty.sqlite", NULL), 0);
	assert_int_equal(analyst("e1.log", "table", "--store", "e.db", "--key",
	    "k/stats.key", "--rows", "sector", "--out", "e.csv", "--force",
	    NULL), 0);
	assert_true(file_has("e1.log", "note: no reports in the store"));
	assert_true(file_has("e.csv", "# no reports in the store\r\n"
	    "sector,sector_label,"));
	assert_int_equal(analyst("e2.log", "table", "--store", "a.db", "--key",
	    "k/stats.key", "--rows", "sector", "--period", "2024", "--format",
	    "json", "--no-ledger", "--out", "e.json", "--force", NULL), 0);
	assert_true(file_has("e.json", "\"empty\": true"));
	assert_true(file_has("e.json", "\"note\": \"no reports in the period "
	    "2024\""));
	assert_int_equal(analyst("e3.log", "report", "--store", "a.db", "--key",
	    "k/stats.key", "--period", "2024", "--no-ledger", "--out",
	    "e.html", "--force", NULL), 0);
	assert_true(file_has("e3.log", "note: no reports in the period 2024"));
	assert_true(file_has("e.html", "Empty table: no reports in the period "
	    "2024."));
	/* a period with reports is not empty */
	assert_true(file_has("ms_sector.json", "\"empty\": false"));
	assert_true(file_lacks("ms.csv", "# "));
}

/* An --out that cannot be written is named before the passphrase is read
 * and the reports opened: the wrong passphrase is never reached. */
static void
check_out_dir(void)
{
	FILE *f = fopen("wrong.pass", "w");

	assert_non_null(f);
	fputs("not the passphrase\n", f);
	fclose(f);
	rmdir("nodir");
	assert_int_not_equal(analyst("od1.log", "table", "--store", "a.db",
	    "--key", "k/stats.key", "--passphrase-file", "wrong.pass",
	    "--rows", "sector", "--out", "nodir/t.csv", NULL), 0);
	assert_true(file_has("od1.log", "the directory nodir does not exist"));
	assert_true(file_lacks("od1.log", "passphrase"));
	assert_int_not_equal(analyst("od2.log", "report", "--store", "a.db",
	    "--key", "k/stats.key", "--passphrase-file", "wrong.pass",
	    "--out", "nodir/r.html", "--force", NULL), 0);
	assert_true(file_has("od2.log", "the directory nodir does not exist"));
	assert_true(file_lacks("od2.log", "passphrase"));
	/* root writes anywhere: a read-only directory stops others only */
	if (geteuid() != 0) {
		(void)mkdir("rodir", 0700);
		assert_int_equal(chmod("rodir", 0500), 0);
		assert_int_not_equal(analyst("od3.log", "table", "--store",
		    "a.db", "--key", "k/stats.key", "--passphrase-file",
		    "wrong.pass", "--rows", "sector", "--out", "rodir/t.csv",
		    NULL), 0);
		assert_true(file_has("od3.log", "the directory rodir is not "
		    "writable"));
		assert_true(file_lacks("od3.log", "passphrase"));
	}
	assert_int_not_equal(analyst("od4.log", "table", "--store", "a.db",
	    "--key", "k/stats.key", "--passphrase-file", "wrong.pass",
	    "--rows", "sector", "--out", "t.csv", "--force", NULL), 0);
	assert_true(file_has("od4.log", "passphrase"));
}

static void
check_show(void)
{
	char *s;

	/* a passphrase file that is not there is named as the cause */
	remove("missing.pass");
	assert_int_not_equal(analyst("show-nopass.out", "show", "--store",
	    "a.db", "--key", "k/details.key", "--passphrase-file",
	    "missing.pass", W.attach_receipt, NULL), 0);
	assert_true(file_has("show-nopass.out", "--passphrase-file "
	    "missing.pass: No such file or directory"));
	assert_int_equal(analyst("show.out", "show", "--store", "a.db",
	    "--key", "k/details.key", "--stats-key", "k/stats.key",
	    "--save-dir", "saved", W.attach_receipt, NULL), 0);
	s = slurp("show.out");
	/* show is the one place the narrative is printed */
	assert_non_null(strstr(s, CANARY_NARRATIVE));
	assert_non_null(strstr(s, "Member State"));
	free(s);
	{
		char path[256];

		snprintf(path, sizeof(path), "saved/%.12s-1-evil_name.txt",
		    W.attach_receipt);
		assert_int_equal(access(path, R_OK), 0);
		assert_int_not_equal(access("etc/evil name.txt", F_OK), 0);
	}
}

#define CANARY_REASON "REASON-5c1e-not-in-the-store"
#define N_ACCEPT 20

/* list without a key; review accepts the first reports and rejects one
 * with a reason only a details key reads; with the policy on, tables and
 * the report count the accepted reports only, and say so. */
static void
check_review(void)
{
	char receipts[N_ACCEPT + 1][64], *s, *line, *save = NULL;
	size_t n = 0, i;

	assert_int_equal(analyst("list.out", "list", "--store", "a.db", NULL),
	    0);
	assert_true(file_has("list.out", "320 reports: 0 accepted, 0 rejected, "
	    "320 not reviewed. Review policy off"));
	s = slurp("list.out");
	/* the report shown before is marked as opened */
	line = strstr(s, W.attach_receipt);
	assert_non_null(line);
	assert_non_null(strstr(line, " opened "));
	for (line = strtok_r(s, "\n", &save); line != NULL && n <= N_ACCEPT;
	    line = strtok_r(NULL, "\n", &save))
		if (sscanf(line, "%63s", receipts[n]) == 1 &&
		    strlen(receipts[n]) == 32)
			n++;
	free(s);
	assert_int_equal(n, N_ACCEPT + 1);
	for (i = 0; i < N_ACCEPT; i++)
		assert_int_equal(analyst("rev.out", "review", "--store", "a.db",
		    "--key", "k/details.key", receipts[i], "--accept", NULL), 0);
	assert_int_equal(analyst("rej.out", "review", "--store", "a.db",
	    "--key", "k/details.key", receipts[N_ACCEPT], "--reject",
	    "--reason", "a test entry " CANARY_REASON, NULL), 0);
	/* a key of no use: refused, nothing recorded */
	assert_int_not_equal(analyst("revbad.out", "review", "--store", "a.db",
	    "--key", "k/stats.key", receipts[0], "--accept", NULL), 0);
	assert_int_not_equal(analyst("revbad2.out", "review", "--store",
	    "a.db", "--key", "k/details.key", "nosuchreceipt", "--accept",
	    NULL), 0);
	assert_true(file_has("revbad2.out", "no ingested report"));
	/* the reason is sealed in the store, and shown to a details key */
	no_text("a.db", CANARY_REASON);
	assert_int_equal(analyst("showrej.out", "show", "--store", "a.db",
	    "--key", "k/details.key", receipts[N_ACCEPT], NULL), 0);
	assert_true(file_has("showrej.out", "Review: rejected"));
	assert_true(file_has("showrej.out", CANARY_REASON));
	assert_int_equal(analyst("list2.out", "list", "--store", "a.db",
	    "--pending", NULL), 0);
	assert_true(file_has("list2.out", "320 reports: 20 accepted, 1 "
	    "rejected, 299 not reviewed"));
	assert_true(file_lacks("list2.out", receipts[0]));
	/* policy on: only the accepted reports count */
	assert_int_equal(analyst("pol.out", "review", "--store", "a.db",
	    "--policy", "on", NULL), 0);
	assert_int_equal(analyst("tpol.log", "table", "--store", "a.db", "--key",
	    "k/stats.key", "--rows", "size_class", "--threshold", "1", "--p",
	    "0", "--no-ledger", "--out", "pol.csv", "--force", NULL), 0);
	assert_true(file_has("pol.csv", "_T,Total,20,F"));
	assert_int_equal(analyst("rpol.log", "report", "--store", "a.db",
	    "--key", "k/stats.key", "--no-ledger", "--out", "pol.html",
	    "--force", NULL), 0);
	assert_true(file_has("pol.html", "Reviewed reports only"));
	assert_true(file_has("pol.html", "reports accepted: 20"));
	assert_int_equal(analyst("pol2.out", "review", "--store", "a.db",
	    "--policy", "off", NULL), 0);
	assert_int_equal(analyst("toff.log", "table", "--store", "a.db", "--key",
	    "k/stats.key", "--rows", "size_class", "--threshold", "1", "--p",
	    "0", "--no-ledger", "--out", "off.csv", "--force", NULL), 0);
	assert_true(file_lacks("off.csv", "_T,Total,20,F"));
}

static void
check_ack(size_t expect)
{
	uint8_t *body = NULL;
	size_t bodylen = 0, n = 0;
	char *doc = NULL;
	json_t *root;
	json_error_t err;

	remove("missing.pass");
	assert_int_not_equal(analyst("ack-nopass.out", "ack", "--store", "a.db",
	    "--key", "k/ack.key", "--out", "ack.sig", "--force", "--all",
	    "--passphrase-file", "missing.pass", NULL), 0);
	assert_true(file_has("ack-nopass.out", "--passphrase-file "
	    "missing.pass: No such file or directory"));
	assert_int_equal(analyst("ack.out", "ack", "--store", "a.db", "--key",
	    "k/ack.key", "--out", "ack.sig", "--force", "--all", NULL), 0);
	doc = slurp("ack.sig");
	assert_int_equal(sd_signed_open("sealdrop.ack/1", "ack_key", doc,
	    strlen(doc), W.ack_pk, NULL, &body, &bodylen), SD_OK);
	root = json_loadb((const char *)body, bodylen, 0, &err);
	assert_non_null(root);
	n = json_array_size(json_object_get(root, "receipts"));
	assert_int_equal(n, expect);
	assert_int_equal(strlen(json_string_value(json_object_get(root,
	    "channel_id"))), 32);
	json_decref(root);
	free(body);
	free(doc);
}

/* The text of msgid (with msgctxt ctx, or none) in lang's catalogue,
 * HTML-escaped as the report writes it; the English text for en. */
static void
po_text(const char *lang, const char *ctx, const char *msgid, char *out,
    size_t cap)
{
	char path[4096];
	const char *t = msgid, *p;
	sd_po *po = NULL;
	size_t o = 0;

	snprintf(path, sizeof(path), "%s/%s.po", SD_PO_DIR, lang);
	assert_int_equal(sd_po_load(path, &po), SD_OK);
	if (strcmp(lang, "en") != 0) {
		assert_non_null(t = sd_po_getc(po, ctx, msgid));
		if (strcmp(t, msgid) == 0)
			fail_msg("%s: '%s' is not translated", lang, msgid);
	}
	for (p = t; *p != '\0' && o + 6 < cap; p++) {
		if (*p == '\'') {
			memcpy(out + o, "&#39;", 5);
			o += 5;
		} else if (*p == '&') {
			memcpy(out + o, "&amp;", 5);
			o += 5;
		} else {
			out[o++] = *p;
		}
	}
	out[o] = '\0';
	sd_po_free(po);
}

/* A draft of the report in every language of the web form: its lang, its
 * headings from the catalogue; the copies go to the browser test. An
 * unknown language, or no catalogue, stops the command before the
 * passphrase is read, with the languages named, and writes nothing. */
static void
check_languages(const char *store)
{
	char langs[64][4], want[1024], html[64], out[32], log[32], dir[4096];
	char cmd[8400];
	DIR *d = opendir(SD_PO_DIR);
	struct dirent *de;
	size_t n = 0, i, k;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL && n < 64) {
		size_t len = strlen(de->d_name);

		if (len >= 5 && len <= 6 && strcmp(de->d_name + len - 3, ".po") ==
		    0)
			snprintf(langs[n++], sizeof(langs[0]), "%.*s",
			    (int)(len - 3), de->d_name);
	}
	closedir(d);
	assert_true(n >= 24);
	snprintf(dir, sizeof(dir), "%s/tests/report-artefacts",
	    getenv("SD_BINARY_DIR"));
	for (i = 0; i < n; i++) {
		static const char *const heads[] = {
			"Notes on method", "Who reported", "Reports by Member State",
			"Contents", "Cyber-theft of trade secrets in the EU",
		};

		snprintf(out, sizeof(out), "report-%.3s.html", langs[i]);
		snprintf(log, sizeof(log), "lang-%.3s.log", langs[i]);
		assert_int_equal(analyst(log, "report", "--store", store, "--key",
		    "k/stats.key", "--period", "2026", "--no-ledger", "--lang",
		    langs[i], "--out", out, "--force", NULL), 0);
		snprintf(html, sizeof(html), "<html lang=\"%.3s\">", langs[i]);
		assert_true(file_has(out, html));
		for (k = 0; k < sizeof(heads) / sizeof(heads[0]); k++) {
			po_text(langs[i], NULL, heads[k], want, sizeof(want));
			assert_true(file_has(out, want));
		}
		/* a code label, from the form's list of sectors */
		po_text(langs[i], "sector", "Manufacturing", want, sizeof(want));
		assert_true(file_has(out, want));
		no_canary(out);
		snprintf(cmd, sizeof(cmd), "mkdir -p '%s' && cp '%s' '%s/%s'",
		    dir, out, dir, out);
		assert_int_equal(system(cmd), 0);
	}
	remove("zz.html");
	assert_int_not_equal(analyst("zz.log", "report", "--store", store,
	    "--key", "k/stats.key", "--passphrase-file", "wrong.pass",
	    "--lang", "zz", "--out", "zz.html", NULL), 0);
	assert_true(file_has("zz.log", "--lang zz: no such language"));
	assert_true(file_has("zz.log", "the languages are: "));
	assert_true(file_has("zz.log", " de "));
	assert_true(file_has("zz.log", " en "));
	assert_true(file_lacks("zz.log", "passphrase"));
	assert_int_not_equal(access("zz.html", F_OK), 0);
	rmdir("no-po");
	assert_int_not_equal(analyst("nopo.log", "report", "--store", store,
	    "--key", "k/stats.key", "--passphrase-file", "wrong.pass",
	    "--lang", "de", "--po-dir", "no-po", "--out", "zz.html", NULL), 0);
	assert_true(file_has("nopo.log", "no translations in no-po"));
	assert_true(file_lacks("nopo.log", "passphrase"));
	assert_int_not_equal(access("zz.html", F_OK), 0);
}

/* Everything a new user would do with a store. */
static void
query_store(const char *store)
{
	size_t published = 0, suppressed = 0;

	assert_int_equal(analyst("t1.log", "table", "--store", store, "--key",
	    "k/stats.key", "--rows", "member_state", "--period", "2026",
	    "--format", "csv", "--out", "ms.csv", "--force", NULL), 0);
	check_csv_ms("ms.csv");
	assert_int_equal(analyst("t2.log", "table", "--store", store, "--key",
	    "k/stats.key", "--rows", "member_state", "--cols", "sector",
	    "--format", "json", "--out", "ms_sector.json", "--force", NULL),
	    0);
	check_json_2d("ms_sector.json", &published, &suppressed);
	assert_true(published > 20);
	assert_true(suppressed >= 1);
	assert_int_equal(analyst("t3.log", "table", "--store", store, "--key",
	    "k/stats.key", "--rows", "sector", "--measure", "loss_eur",
	    "--format", "sdmx", "--out", "loss.csv", "--force", NULL), 0);
	check_sdmx_loss("loss.csv");
	assert_int_equal(analyst("t3q.log", "table", "--store", store, "--key",
	    "k/stats.key", "--rows", "quarter", "--period", "2026", "--format",
	    "sdmx", "--no-ledger", "--out", "quarter.csv", "--force", NULL), 0);
	check_sdmx_quarter("quarter.csv");
	/* one TIME_PERIOD per observation: not quarter and year at once */
	assert_int_not_equal(analyst("t3y.log", "table", "--store", store,
	    "--key", "k/stats.key", "--rows", "quarter", "--cols", "year",
	    "--format", "sdmx", "--out", "qy.csv", "--force", NULL), 0);
	assert_true(file_has("t3y.log", "one time dimension"));
	/* an SDMX observation has one code per dimension: alternatives of a
	 * filter are refused for it */
	assert_int_not_equal(analyst("t3b.log", "table", "--store", store,
	    "--key", "k/stats.key", "--rows", "member_state", "--filter",
	    "sector=C", "--filter", "sector=D", "--format", "sdmx", "--out",
	    "two.csv", "--force", NULL), 0);
	assert_int_equal(analyst("t4.log", "table", "--store", store, "--key",
	    "k/stats.key", "--rows", "attack_vectors", "--cols", "actor",
	    "--format", "html", "--out", "t.html", "--force", NULL), 0);
	assert_int_equal(analyst("r.log", "report", "--store", store, "--key",
	    "k/stats.key", "--period", "2026", "--out", "report.html",
	    "--force", NULL), 0);
	check_report("report.html");
	keep_report("report.html");
	check_ledger(store);
	no_canary("ms.csv");
	no_canary("ms_sector.json");
	no_canary("loss.csv");
	no_canary("t.html");
	no_canary("t1.log");
	no_canary("r.log");
}

static void
test_batch_by_hand(void **state)
{
	uint8_t zero[32] = { 0 }, last[32];
	char hex[33];
	char *s;

	(void)state;
	sodium_bin2hex(hex, sizeof(hex), sd_channel_id(W.ch), 16);
	assert_int_equal(fx_batch_write("b1.sqlite", hex, zero, 1, W.env,
	    W.len, 200, last), 0);
	assert_int_equal(fx_batch_write("b2.sqlite", hex, last, 201, W.env + 200,
	    W.len + 200, N_REPORTS - 200, last), 0);
	remove("a.db");
	assert_int_equal(analyst("ingest.out", "ingest", "--store", "a.db",
	    "b1.sqlite", "b2.sqlite", NULL), 0);
	s = slurp("ingest.out");
	assert_non_null(strstr(s, "320 envelopes added"));
	free(s);
	/* again: all skipped, nothing refused */
	assert_int_equal(analyst("ingest2.out", "ingest", "--store", "a.db",
	    "b2.sqlite", NULL), 0);
	query_store("a.db");
	check_foreign_key("a.db");
	check_empty();
	check_out_dir();
	check_languages("a.db");
	check_show();
	check_review();
	check_ack(N_REPORTS);
	/* wrong usage gets a one-line error and a non-zero status */
	assert_int_not_equal(analyst("bad.out", "table", "--store", "a.db",
	    "--key", "k/stats.key", "--rows", "narrative", NULL), 0);
	assert_int_not_equal(analyst("bad2.out", "table", "--store", "a.db",
	    "--key", "k/details.key", "--rows", "sector", NULL), 0);
	assert_int_equal(analyst("help.out", "table", "--help", NULL), 0);
}

static void
test_through_server(void **state)
{
	struct h_server srv;
	struct h_resp resp;
	char bin[512];
	size_t i;

	(void)state;
	h_bin(bin, sizeof(bin), "server/sealdrop-server");
	if (access(bin, X_OK) != 0 || h_start(&srv, "k", "intake.db", NULL,
	    NULL) != 0) {
		print_message("sealdrop-server not available: only the batch "
		    "written by hand was checked\n");
		skip();
	}
	for (i = 0; i < N_REPORTS; i++) {
		h_http(&srv, "POST", "/api/v1/reports",
		    "application/octet-stream", W.env[i], W.len[i], NULL,
		    &resp);
		assert_true(resp.status == 201 || resp.status == 200);
		h_resp_free(&resp);
	}
	assert_int_equal(h_stop(&srv), 0);
	{
		char *argv[] = { bin, h_s("export"), h_s("--db"),
		    h_s("intake.db"), h_s("--out"), h_s("export.sqlite"), NULL };

		remove("export.sqlite");
		assert_int_equal(h_run(argv, env_run, "export.log"), 0);
	}
	remove("a.db");
	assert_int_equal(analyst("ingest-srv.out", "ingest", "--store", "a.db",
	    "export.sqlite", NULL), 0);
	query_store("a.db");
	check_ack(N_REPORTS);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_batch_by_hand),
		cmocka_unit_test(test_through_server),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
