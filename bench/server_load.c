/* Load generator for sealdrop-server: N concurrent keep-alive connections
 * on libcurl multi post for a fixed time, then accepted/s, latency
 * percentiles and the server's peak RSS are printed.
 *
 *   api:  POST /api/v1/reports, envelopes sealed here beforehand (a stats
 *         section of about 2 KiB). Sealing 10^5 envelopes would take longer
 *         than the run, so a pool of real envelopes is made distinct per
 *         request by writing a counter into the envelope nonce: the server
 *         checks structure only, so its work per request is the same.
 *   form: POST /submit urlencoded, each with a distinct loss figure; the
 *         server validates, builds and seals two sections itself.
 * The server's memory: VmHWM at the end (it includes start-up, where
 * Argon2id opens the receipt key) and the largest VmRSS sampled every
 * 200 ms during the run (what the load costs). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "sd_channel.h"
#include "sd_envelope.h"
#include "sd_err.h"
#include "sd_keys.h"
#include "sd_mem.h"

#define POOL 256
#define STATS_TARGET 2048
#define MAX_CONN 1024
#define MAX_SAMPLES (20u * 1000 * 1000)

struct opts {
	const char *url;
	const char *channel;
	const char *authority;
	const char *mode;
	long pid;
	long ok_status;    /* 0: 201 for api, 200 for form */
	double seconds;
	unsigned conns;
};

struct slot {
	CURL *h;
	char body[4096];
	uint8_t *env;
	size_t len;
	uint64_t t0;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static size_t discard(char *p, size_t s, size_t n, void *u)
{
	(void)p;
	(void)u;
	return s * n;
}

static int usage(void)
{
	fprintf(stderr, "usage: server_load --url http://127.0.0.1:8080 "
	    "[--mode api|form] [--channel channel.json --authority A.pub]\n"
	    "           [--seconds 10] [--connections 64] [--pid SERVER_PID]\n"
	    "           [--ok-status N]   (the status counted as accepted)\n");
	return 2;
}

static int parse(int argc, char **argv, struct opts *o)
{
	int i;

	memset(o, 0, sizeof(*o));
	o->mode = "api";
	o->seconds = 10;
	o->conns = 64;
	for (i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--url") == 0)
			o->url = argv[i + 1];
		else if (strcmp(argv[i], "--channel") == 0)
			o->channel = argv[i + 1];
		else if (strcmp(argv[i], "--authority") == 0)
			o->authority = argv[i + 1];
		else if (strcmp(argv[i], "--mode") == 0)
			o->mode = argv[i + 1];
		else if (strcmp(argv[i], "--seconds") == 0)
			o->seconds = strtod(argv[i + 1], NULL);
		else if (strcmp(argv[i], "--connections") == 0)
			o->conns = (unsigned)strtoul(argv[i + 1], NULL, 10);
		else if (strcmp(argv[i], "--pid") == 0)
			o->pid = strtol(argv[i + 1], NULL, 10);
		else if (strcmp(argv[i], "--ok-status") == 0)
			o->ok_status = strtol(argv[i + 1], NULL, 10);
		else
			return usage();
	}
	if (o->ok_status == 0)
		o->ok_status = strcmp(o->mode, "api") == 0 ? 201 : 200;
	if (i != argc || o->url == NULL || o->conns == 0 ||
	    o->conns > MAX_CONN || o->seconds <= 0)
		return usage();
	if (strcmp(o->mode, "api") == 0 && (o->channel == NULL ||
	    o->authority == NULL))
		return usage();
	return 0;
}

static int make_pool(const struct opts *o, uint8_t *pool[POOL],
    size_t len[POOL])
{
	uint8_t apk[SD_PK_BYTES];
	enum sd_role role = SD_ROLE_NONE;
	sd_channel *ch = NULL;
	char stats[STATS_TARGET + 1];
	struct sd_section_in sec;
	int n;
	int i;

	if (sd_pubkey_load(o->authority, &role, apk) != SD_OK ||
	    sd_channel_load_file(o->channel, apk, NULL, &ch) != SD_OK) {
		fprintf(stderr, "server_load: cannot load %s against %s\n",
		    o->channel, o->authority);
		return 1;
	}
	for (i = 0; i < POOL; i++) {
		n = snprintf(stats, sizeof(stats), "{\"schema\":"
		    "\"sealdrop.report/1\",\"incident_ref\":\"%032x\","
		    "\"member_state\":\"DK\",\"organisation\":\"company\","
		    "\"sector\":\"C\",\"size_class\":\"small\",\"discovered\":"
		    "\"2025-Q2\",\"secret_types\":[\"technical.source_code\"],"
		    "\"attack_vectors\":[\"hacking\"],\"actor\":\"competitor\","
		    "\"actor_origin\":\"eu\",\"reported_to_police\":false", i);
		/* JSON whitespace brings the section to about 2 KiB */
		memset(stats + n, ' ', STATS_TARGET - 1 - (size_t)n);
		stats[STATS_TARGET - 1] = '}';
		sec.type = SD_SEC_STATS;
		sec.data = (const uint8_t *)stats;
		sec.len = STATS_TARGET;
		if (sd_envelope_seal(ch, &sec, 1, &pool[i], &len[i]) != SD_OK)
			return 1;
	}
	sd_channel_free(ch);
	return 0;
}

static const char form_fields[] = "member_state=DK&organisation=company&"
	"sector=C&size_class=small&discovered_year=2025&discovered_quarter=2&"
	"secret_types=technical.source_code&attack_vectors=hacking&"
	"actor=competitor&actor_origin=eu&reported_to_police=no&"
	"narrative=A+short+account+of+what+happened.&loss_eur=";

static void arm(struct slot *s, const struct opts *o, uint8_t *pool[POOL],
    const size_t plen[POOL], uint64_t seq)
{
	char url[512];
	int n;

	curl_easy_reset(s->h);
	curl_easy_setopt(s->h, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(s->h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(s->h, CURLOPT_HTTPHEADER, NULL);
	if (strcmp(o->mode, "api") == 0) {
		size_t k = seq % POOL;

		memcpy(s->env, pool[k], plen[k]);
		/* a distinct envelope: the counter in the nonce */
		memcpy(s->env + 22, &seq, sizeof(seq));
		s->len = plen[k];
		snprintf(url, sizeof(url), "%s/api/v1/reports", o->url);
		curl_easy_setopt(s->h, CURLOPT_POSTFIELDS, s->env);
		curl_easy_setopt(s->h, CURLOPT_POSTFIELDSIZE, (long)s->len);
	} else {
		n = snprintf(s->body, sizeof(s->body), "%s%llu", form_fields,
		    (unsigned long long)seq);
		snprintf(url, sizeof(url), "%s/submit", o->url);
		curl_easy_setopt(s->h, CURLOPT_POSTFIELDS, s->body);
		curl_easy_setopt(s->h, CURLOPT_POSTFIELDSIZE, (long)n);
	}
	curl_easy_setopt(s->h, CURLOPT_URL, url);
	s->t0 = now_ns();
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a;
	uint32_t y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* A field of /proc/PID/status in KiB (VmHWM: peak, VmRSS: now). */
static long status_kib(long pid, const char *field)
{
	char path[64];
	char line[256];
	long kib = -1;
	FILE *f = NULL;

	if (pid <= 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/%ld/status", pid);
	f = fopen(path, "r");
	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, field, strlen(field)) == 0 &&
		    line[strlen(field)] == ':')
			kib = strtol(line + strlen(field) + 1, NULL, 10);
	}
	fclose(f);
	return kib;
}

struct tally {
	long rss_max_kib;          /* VmRSS sampled during the run */
	uint32_t *lat_us;
	size_t n_lat;
	unsigned long ok;
	unsigned long other;
	unsigned long failed;
};

static void finished(CURLMsg *m, struct slot *slots, unsigned n,
    struct tally *t, const struct opts *o)
{
	long status = 0;
	unsigned i;

	for (i = 0; i < n && slots[i].h != m->easy_handle; i++)
		;
	if (i == n)
		return;
	if (m->data.result != CURLE_OK) {
		t->failed++;
		return;
	}
	curl_easy_getinfo(m->easy_handle, CURLINFO_RESPONSE_CODE, &status);
	if (status == o->ok_status) {
		t->ok++;
		if (t->n_lat < MAX_SAMPLES)
			t->lat_us[t->n_lat++] = (uint32_t)((now_ns() -
			    slots[i].t0) / 1000);
	} else {
		t->other++;
	}
}

static void report(const struct opts *o, struct tally *t, double secs)
{
	double p50 = 0;
	double p99 = 0;

	if (t->n_lat > 0) {
		qsort(t->lat_us, t->n_lat, sizeof(uint32_t), cmp_u32);
		p50 = t->lat_us[t->n_lat / 2] / 1000.0;
		p99 = t->lat_us[(size_t)((double)t->n_lat * 0.99)] / 1000.0;
	}
	printf("mode=%s connections=%u seconds=%.1f\n", o->mode, o->conns,
	    secs);
	printf("accepted=%lu accepted_per_s=%.0f p50_ms=%.2f p99_ms=%.2f "
	    "other_status=%lu transport_errors=%lu\n", t->ok,
	    (double)t->ok / secs, p50, p99, t->other, t->failed);
	/* VmHWM includes start-up (Argon2id opening the receipt key); the
	 * sampled VmRSS is what the load itself costs */
	if (o->pid > 0)
		printf("server_peak_rss_kib=%ld server_rss_during_run_max_kib=%ld\n",
		    status_kib(o->pid, "VmHWM"), t->rss_max_kib);
}

int main(int argc, char **argv)
{
	static uint8_t *pool[POOL];
	static size_t plen[POOL];
	static struct slot slots[MAX_CONN];
	struct opts o;
	struct tally t;
	CURLM *multi = NULL;
	CURLMsg *m = NULL;
	uint64_t seq = 1;
	uint64_t start;
	uint64_t end;
	uint64_t next_sample;
	int running = 0;
	int left = 0;
	unsigned i;

	if (parse(argc, argv, &o) != 0)
		return 2;
	if (sd_crypto_init() != SD_OK)
		return 1;
	if (strcmp(o.mode, "api") == 0 && make_pool(&o, pool, plen) != 0)
		return 1;
	memset(&t, 0, sizeof(t));
	t.lat_us = malloc(MAX_SAMPLES * sizeof(uint32_t));
	curl_global_init(CURL_GLOBAL_DEFAULT);
	multi = curl_multi_init();
	if (t.lat_us == NULL || multi == NULL)
		return 1;
	curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)o.conns);
	for (i = 0; i < o.conns; i++) {
		slots[i].h = curl_easy_init();
		slots[i].env = malloc(8192);
		if (slots[i].h == NULL || slots[i].env == NULL)
			return 1;
		arm(&slots[i], &o, pool, plen, seq++);
		curl_multi_add_handle(multi, slots[i].h);
	}
	start = now_ns();
	end = start + (uint64_t)(o.seconds * 1e9);
	next_sample = start;
	while (now_ns() < end) {
		if (o.pid > 0 && now_ns() >= next_sample) {
			long rss = status_kib(o.pid, "VmRSS");

			if (rss > t.rss_max_kib)
				t.rss_max_kib = rss;
			next_sample = now_ns() + 200000000u;
		}
		curl_multi_perform(multi, &running);
		while ((m = curl_multi_info_read(multi, &left)) != NULL) {
			if (m->msg != CURLMSG_DONE)
				continue;
			finished(m, slots, o.conns, &t, &o);
			for (i = 0; i < o.conns && slots[i].h != m->easy_handle;
			    i++)
				;
			curl_multi_remove_handle(multi, slots[i].h);
			arm(&slots[i], &o, pool, plen, seq++);
			curl_multi_add_handle(multi, slots[i].h);
		}
		curl_multi_poll(multi, NULL, 0, 10, NULL);
	}
	report(&o, &t, (double)(now_ns() - start) / 1e9);
	return 0;
}
