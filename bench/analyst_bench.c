/* Benchmark of the analyst side (not a test): synthetic sealed reports in
 * an export batch, then the real sealdrop-analyst: ingest rate, and time
 * and peak memory (ru_maxrss = VmHWM) of a full `report` and of one
 * `table`, for each size given. The crypto_box_seal_open rate of this
 * machine is measured in the same run, so figures are given as ratios to
 * it (see ../shared/limits.md).
 *
 *   bench_analyst [SIZE...]     default: 100000 1000000
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdint.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sd_channel.h"
#include "sd_envelope.h"
#include "sd_err.h"
#include "sd_keys.h"
#include "sd_mem.h"

#define PASS "bench-passphrase"

static const char *const ms[] = {
	"BE", "BG", "CZ", "DK", "DE", "EE", "IE", "EL", "ES", "FR", "HR",
	"IT", "CY", "LV", "LT", "LU", "HU", "MT", "NL", "AT", "PL", "PT",
	"RO", "SI", "SK", "FI", "SE",
};
static const char sectors[] = "ABCDEFGHIJKLMNOPQRSTUV";
static const char *const sizes[] = { "micro", "small", "medium", "large" };
static const char *const actors[] = {
	"nation_state", "state_affiliated", "competitor", "organised_crime",
	"former_employee", "current_employee", "partner", "activist",
	"unknown",
};
static const char *const secrets[] = {
	"technical.product_design", "technical.source_code",
	"commercial.customer_data", "commercial.strategy", "other",
};
static const char *const vectors[] = {
	"hacking", "malware", "social", "misuse", "supply_chain", "unknown",
};

struct job {
	const sd_channel *ch;
	size_t from, to;
	uint8_t **env;
	size_t *len;
};

/* argv wants char *; the strings are never written */
static char *
S(const char *s)
{
	return (char *)(uintptr_t)s;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t
mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	return x ^ (x >> 33);
}

static size_t
report_json(char *buf, size_t cap, size_t i)
{
	uint64_t h = mix(i + 1);
	int n;

	n = snprintf(buf, cap, "{\"schema\":\"sealdrop.report/1\","
	    "\"incident_ref\":\"%016llx%016llx\",%s\"member_state\":\"%s\","
	    "\"organisation\":\"company\",\"sector\":\"%c\","
	    "\"size_class\":\"%s\",\"discovered\":\"202%d-Q%d\","
	    "\"secret_types\":[\"%s\"],\"attack_vectors\":[\"%s\",\"%s\"],"
	    "\"actor\":\"%s\",\"actor_origin\":\"eu\",\"loss_eur\":%llu,"
	    "\"jobs_at_risk\":%llu,\"reported_to_police\":%s}",
	    (unsigned long long)h, (unsigned long long)i,
	    h % 4 == 0 ? "\"reporter\":\"000000000000000000000000000000000000"
	    "00000000000000000000000000ab\"," : "",
	    ms[(h >> 8) % 27], sectors[(h >> 16) % 22], sizes[(h >> 20) % 4],
	    5 + (int)((h >> 24) % 2), 1 + (int)((h >> 26) % 3),
	    secrets[(h >> 28) % 5], vectors[(h >> 32) % 6],
	    vectors[(h >> 36) % 6 == (h >> 32) % 6 ? ((h >> 36) + 1) % 6 :
	    (h >> 36) % 6], actors[(h >> 40) % 9],
	    (unsigned long long)((h >> 44) % 2000000),
	    (unsigned long long)((h >> 50) % 50), (h >> 60) % 2 ? "true" :
	    "false");
	return n > 0 ? (size_t)n : 0;
}

static void *
seal_range(void *arg)
{
	struct job *j = arg;
	struct sd_section_in sec;
	char buf[2048];
	size_t i;

	for (i = j->from; i < j->to; i++) {
		sec.type = SD_SEC_STATS;
		sec.data = (const uint8_t *)buf;
		sec.len = report_json(buf, sizeof(buf), i);
		if (sd_envelope_seal(j->ch, &sec, 1, &j->env[i],
		    &j->len[i]) != SD_OK) {
			fprintf(stderr, "sealing failed\n");
			exit(1);
		}
	}
	return NULL;
}

static void
seal_all(const sd_channel *ch, size_t n, uint8_t **env, size_t *len)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t t, nt = cpus > 0 ? (size_t)cpus : 1;
	pthread_t th[64];
	struct job jobs[64];

	nt = nt > 64 ? 64 : nt;
	for (t = 0; t < nt; t++) {
		jobs[t].ch = ch;
		jobs[t].from = n * t / nt;
		jobs[t].to = n * (t + 1) / nt;
		jobs[t].env = env;
		jobs[t].len = len;
		pthread_create(&th[t], NULL, seal_range, &jobs[t]);
	}
	for (t = 0; t < nt; t++)
		pthread_join(th[t], NULL);
}

static void
write_batch(const char *path, const sd_channel *ch, size_t n, uint8_t **env,
    const size_t *len)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	uint8_t chain[32] = { 0 };
	char receipt[SD_RECEIPT_LEN + 1], hex[65], sql[512];
	crypto_generichash_state h;
	size_t i;

	remove(path);
	sqlite3_open(path, &db);
	sqlite3_exec(db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
	    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	    "CREATE TABLE envelopes(seq INTEGER PRIMARY KEY, receipt TEXT NOT "
	    "NULL UNIQUE, day TEXT NOT NULL, size INTEGER NOT NULL, envelope "
	    "BLOB NOT NULL, chain BLOB NOT NULL); BEGIN", NULL, NULL, NULL);
	sodium_bin2hex(hex, sizeof(hex), sd_channel_id(ch), 16);
	snprintf(sql, sizeof(sql), "INSERT INTO meta VALUES('format', "
	    "'sealdrop.batch/1'), ('channel_id', '%s'), ('prev_chain', '%064d'),"
	    " ('first_seq', '1'), ('last_seq', '%zu'), ('count', '%zu')", hex,
	    0, n, n);
	sqlite3_exec(db, sql, NULL, NULL, NULL);
	sqlite3_prepare_v2(db, "INSERT INTO envelopes VALUES(?1, ?2, "
	    "'2026-06-01', ?3, ?4, ?5)", -1, &st, NULL);
	for (i = 0; i < n; i++) {
		sd_receipt_id(receipt, env[i], len[i]);
		crypto_generichash_init(&h, NULL, 0, 32);
		crypto_generichash_update(&h, chain, 32);
		crypto_generichash_update(&h, (const uint8_t *)receipt, 32);
		crypto_generichash_final(&h, chain, 32);
		sqlite3_bind_int64(st, 1, (sqlite3_int64)i + 1);
		sqlite3_bind_text(st, 2, receipt, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 3, (sqlite3_int64)len[i]);
		sqlite3_bind_blob(st, 4, env[i], (int)len[i], SQLITE_STATIC);
		sqlite3_bind_blob(st, 5, chain, 32, SQLITE_TRANSIENT);
		if (sqlite3_step(st) != SQLITE_DONE) {
			fprintf(stderr, "batch insert: %s\n", sqlite3_errmsg(db));
			exit(1);
		}
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	sqlite3_close(db);
}

/* Run the analyst; seconds elapsed and the child's peak RSS in MiB. */
static int
run(const char *bin, char *const args[], double *secs, double *mib)
{
	struct rusage ru;
	double t0 = now();
	int st = 0;
	pid_t pid = fork();

	if (pid == 0) {
		int fd = fileno(fopen("/dev/null", "w"));

		dup2(fd, 1);
		execv(bin, args);
		_exit(127);
	}
	if (wait4(pid, &st, 0, &ru) != pid)
		return -1;
	*secs = now() - t0;
	*mib = (double)ru.ru_maxrss / 1024.0;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* crypto_box_seal_open of a 2 KiB message on one core, per second */
static double
seal_open_rate(void)
{
	uint8_t pk[32], sk[32], m[2048], c[2048 + crypto_box_SEALBYTES];
	double t0, t;
	size_t n = 0;

	crypto_box_keypair(pk, sk);
	randombytes_buf(m, sizeof(m));
	crypto_box_seal(c, m, sizeof(m), pk);
	t0 = now();
	do {
		if (crypto_box_seal_open(m, c, sizeof(c), pk, sk) != 0)
			return 0;
		n++;
	} while ((t = now() - t0) < 2.0);
	return (double)n / t;
}

static sd_channel *
make_channel(sd_seckey **stats)
{
	struct sd_recipient r[2];
	struct sd_channel_spec spec;
	sd_seckey *auth = NULL, *det = NULL, *rec = NULL;
	sd_channel *ch = NULL;
	char *json = NULL;
	size_t jl = 0;

	sd_keygen(SD_ROLE_STATS, "stats", PASS, strlen(PASS),
	    SD_KDF_INTERACTIVE, 1);
	sd_keygen(SD_ROLE_DETAILS, "details", PASS, strlen(PASS),
	    SD_KDF_INTERACTIVE, 1);
	sd_keygen(SD_ROLE_AUTHORITY, "authority", PASS, strlen(PASS),
	    SD_KDF_INTERACTIVE, 1);
	sd_keygen(SD_ROLE_RECEIPT, "receipt", PASS, strlen(PASS),
	    SD_KDF_INTERACTIVE, 1);
	if (sd_seckey_load("stats.key", PASS, strlen(PASS), stats) != SD_OK ||
	    sd_seckey_load("details.key", PASS, strlen(PASS), &det) != SD_OK ||
	    sd_seckey_load("authority.key", PASS, strlen(PASS), &auth) !=
	    SD_OK ||
	    sd_seckey_load("receipt.key", PASS, strlen(PASS), &rec) != SD_OK)
		return NULL;
	memset(r, 0, sizeof(r));
	memset(&spec, 0, sizeof(spec));
	r[0].role = SD_ROLE_STATS;
	memcpy(r[0].pk, sd_seckey_pk(*stats), 32);
	sd_key_id(r[0].key_id, r[0].pk);
	r[1].role = SD_ROLE_DETAILS;
	memcpy(r[1].pk, sd_seckey_pk(det), 32);
	sd_key_id(r[1].key_id, r[1].pk);
	spec.recipients = r;
	spec.n_recipients = 2;
	memcpy(spec.receipt_pk, sd_seckey_pk(rec), 32);
	memcpy(spec.issued, "2026-01-01", 11);
	memcpy(spec.expires, "2099-12-31", 11);
	if (sd_channel_create(auth, &spec, &json, &jl) == SD_OK)
		(void)sd_channel_load(json, jl, sd_seckey_pk(auth), NULL, &ch);
	free(json);
	sd_seckey_free(auth);
	sd_seckey_free(det);
	sd_seckey_free(rec);
	return ch;
}

static void
one_size(const char *bin, const sd_channel *ch, size_t n, double open_rate,
    long cores)
{
	uint8_t **env = calloc(n, sizeof(*env));
	size_t *len = calloc(n, sizeof(*len)), i;
	char batch[64], store[64];
	double t0, t_seal, t_ing = 0, t_rep = 0, t_tab = 0, m_ing = 0;
	double m_rep = 0, m_tab = 0, t_draft = 0, m_draft = 0, t_rep2 = 0;
	double m_rep2 = 0;

	snprintf(batch, sizeof(batch), "batch-%zu.sqlite", n);
	snprintf(store, sizeof(store), "analyst-%zu.db", n);
	t0 = now();
	seal_all(ch, n, env, len);
	t_seal = now() - t0;
	write_batch(batch, ch, n, env, len);
	for (i = 0; i < n; i++)
		free(env[i]);
	free(env);
	free(len);
	remove(store);
	{
		char *a[] = { S("sealdrop-analyst"), S("ingest"),
		    S("--store"), store, batch, NULL };
		if (run(bin, a, &t_ing, &m_ing) != 0)
			fprintf(stderr, "ingest failed\n");
	}
	{
		/* a draft: the protection of the report's own tables, no
		 * ledger */
		char *a[] = { S("sealdrop-analyst"), S("report"),
		    S("--store"), store, S("--key"),
		    S("stats.key"), S("--period"), S("2025..2026"),
		    S("--out"), S("draft.html"), S("--force"),
		    S("--no-ledger"), NULL };
		if (run(bin, a, &t_draft, &m_draft) != 0)
			fprintf(stderr, "draft report failed\n");
	}
	{
		char *a[] = { S("sealdrop-analyst"), S("report"),
		    S("--store"), store, S("--key"),
		    S("stats.key"), S("--period"), S("2025..2026"),
		    S("--out"), S("report.html"), S("--force"),
		    NULL };
		if (run(bin, a, &t_rep, &m_rep) != 0)
			fprintf(stderr, "report failed\n");
	}
	{
		char *a[] = { S("sealdrop-analyst"), S("table"),
		    S("--store"), store, S("--key"),
		    S("stats.key"), S("--rows"), S("member_state"),
		    S("--out"), S("table.csv"), S("--force"),
		    NULL };
		if (run(bin, a, &t_tab, &m_tab) != 0)
			fprintf(stderr, "table failed\n");
	}
	{
		/* the same report again, audited with the two releases above
		 * in the ledger */
		char *a[] = { S("sealdrop-analyst"), S("report"),
		    S("--store"), store, S("--key"),
		    S("stats.key"), S("--period"), S("2025..2026"),
		    S("--out"), S("report2.html"), S("--force"),
		    NULL };
		if (run(bin, a, &t_rep2, &m_rep2) != 0)
			fprintf(stderr, "second report failed\n");
	}
	printf("| %zu | %.1f s (%.0f/s) | %.1f s: %.0f envelopes/s | %.1f s, "
	    "%.0f MiB | %.1f s, %.0f MiB | %.1f s, %.0f MiB = %.2f x the draft "
	    "| %.1f s: %.0f reports/s = %.2f x %ld cores x limit, %.0f MiB |\n",
	    n, t_seal, (double)n / t_seal, t_ing, (double)n / t_ing, t_draft,
	    m_draft, t_rep, m_rep, t_rep2, m_rep2, t_rep2 / t_draft, t_tab,
	    (double)n / t_tab, (double)n / t_tab / (open_rate * (double)cores),
	    cores, m_tab);
	fflush(stdout);
	remove(batch);
	if (getenv("BENCH_KEEP") == NULL)
		remove(store);
}

int
main(int argc, char **argv)
{
	sd_seckey *stats = NULL;
	sd_channel *ch = NULL;
	char bin[1024];
	const char *bdir = getenv("SD_BINARY_DIR");
	double rate;
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	int i;

	if (sd_crypto_init() != SD_OK)
		return 1;
	snprintf(bin, sizeof(bin), "%s/analyst/sealdrop-analyst",
	    bdir ? bdir : ".");
	if (access(bin, X_OK) != 0) {
		fprintf(stderr, "set SD_BINARY_DIR to the build directory\n");
		return 1;
	}
	setenv("SEALDROP_PASSPHRASE", PASS, 1);
	if ((ch = make_channel(&stats)) == NULL) {
		fprintf(stderr, "cannot make keys and channel\n");
		return 1;
	}
	rate = seal_open_rate();
	printf("crypto_box_seal_open, 2 KiB, one core: %.0f/s (limits.md: "
	    "25,947/s)\n\n| reports | sealing (bench) | ingest | report, draft "
	    "(no ledger) | report, first release | report with 2 releases in "
	    "the ledger | table member_state (with the ledger): time, "
	    "decryption rate, peak RSS |\n|---|---|---|---|---|---|---|\n",
	    rate);
	if (argc < 2) {
		one_size(bin, ch, 100000, rate, cores);
		one_size(bin, ch, 1000000, rate, cores);
	}
	for (i = 1; i < argc; i++)
		one_size(bin, ch, strtoul(argv[i], NULL, 10), rate, cores);
	sd_channel_free(ch);
	sd_seckey_free(stats);
	return 0;
}
