#include "net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>
#include <sodium.h>

#include "sd_buf.h"
#include "sd_err.h"

#define PATH_CHANNEL "/api/v1/channel"
#define PATH_REPORTS "/api/v1/reports"
#define PATH_MAILBOX "/api/v1/mailbox"
#define URL_MAX 4096

struct sink {
	sd_buf buf;
	int overflow;
};

enum outcome { DONE, RETRY, FAIL };

int
sub_net_global_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK
	    ? SD_OK : SD_E_INVAL;
}

void
sub_net_global_cleanup(void)
{
	curl_global_cleanup();
}

void
sub_response_free(struct sub_response *r)
{
	if (r->body != NULL) {
		sodium_memzero(r->body, r->len);
		free(r->body);
	}
	r->body = NULL;
	r->len = 0;
}

/* "127.0.0.1.example.org" is a name, not a loopback address: only a real
 * IPv4 literal in 127/8 counts. */
static int
is_loopback(const char *host)
{
	struct in_addr a;

	if (inet_pton(AF_INET, host, &a) == 1)
		return (ntohl(a.s_addr) >> 24) == 127;
	return strcasecmp(host, "localhost") == 0 || strcmp(host, "[::1]") == 0;
}

static int
url_parts(const char *url, char **scheme, char **host, char **query,
    char **fragment)
{
	CURLU *u = curl_url();
	int rc = SD_E_INVAL;

	*scheme = *host = *query = *fragment = NULL;
	if (u == NULL)
		return SD_E_NOMEM;
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, host, 0) != CURLUE_OK)
		goto out;
	curl_url_get(u, CURLUPART_QUERY, query, 0);
	curl_url_get(u, CURLUPART_FRAGMENT, fragment, 0);
	rc = SD_OK;
out:
	curl_url_cleanup(u);
	return rc;
}

int
sub_url_check(const char *url, char *why, size_t cap)
{
	char *scheme = NULL, *host = NULL, *query = NULL, *frag = NULL;
	int rc = SD_E_INVAL;

	if (strlen(url) > URL_MAX - sizeof(PATH_CHANNEL) ||
	    url_parts(url, &scheme, &host, &query, &frag) != SD_OK) {
		snprintf(why, cap, "--server '%.200s' is not a URL; give e.g. "
		    "https://intake.example.eu", url);
		goto out;
	}
	if (query != NULL || frag != NULL || strchr(url, '?') != NULL) {
		snprintf(why, cap, "--server takes the base URL only, without "
		    "'?' or '#' parts");
		goto out;
	}
	if (strcasecmp(scheme, "https") == 0 ||
	    (strcasecmp(scheme, "http") == 0 && is_loopback(host)))
		rc = SD_OK;
	else if (strcasecmp(scheme, "http") == 0)
		snprintf(why, cap, "--server: plain http is allowed only to "
		    "this machine (127.0.0.1, localhost); use https://%.200s",
		    host);
	else
		snprintf(why, cap, "--server: use an https:// URL, not %.32s://",
		    scheme);
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(query);
	curl_free(frag);
	return rc;
}

int
sub_proxy_check(const char *proxy, char *why, size_t cap)
{
	static const char *const ok[] = { "socks5h://", "socks5://",
		"socks4a://", "socks4://", "http://", "https://" };
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (strncasecmp(proxy, ok[i], strlen(ok[i])) == 0)
			return SD_OK;
	snprintf(why, cap, "--proxy '%.200s': give a URL such as "
	    "socks5h://127.0.0.1:9050 (Tor)", proxy);
	return SD_E_INVAL;
}

static size_t
on_data(char *p, size_t size, size_t n, void *arg)
{
	struct sink *s = arg;

	(void)size;     /* always 1 for libcurl */
	if (sd_buf_add(&s->buf, p, n) != SD_OK) {
		s->overflow = 1;
		return 0;       /* aborts the transfer */
	}
	return n;
}

static int
make_url(char *out, size_t cap, const char *base, const char *path)
{
	size_t n = strlen(base);
	int w;

	while (n > 0 && base[n - 1] == '/')
		n--;
	w = snprintf(out, cap, "%.*s%s", (int)n, base, path);
	return w < 0 || (size_t)w >= cap ? SD_E_TOOBIG : SD_OK;
}

static int
setup(CURL *h, const struct sub_net *n, const char *url, struct sink *s,
    struct curl_slist *hdrs, char *errbuf)
{
	int bad = 0;

	bad |= curl_easy_setopt(h, CURLOPT_URL, url) != CURLE_OK;
	bad |= curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https") != CURLE_OK;
	bad |= curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L) != CURLE_OK;
	bad |= curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L) != CURLE_OK;
	bad |= curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L) != CURLE_OK;
	bad |= curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L) != CURLE_OK;
	bad |= curl_easy_setopt(h, CURLOPT_SSLVERSION,
	    (long)CURL_SSLVERSION_TLSv1_2) != CURLE_OK;
	bad |= curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, n->connect_timeout)
	    != CURLE_OK;
	bad |= curl_easy_setopt(h, CURLOPT_TIMEOUT, n->timeout) != CURLE_OK;
	bad |= curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE,
	    (curl_off_t)s->buf.max) != CURLE_OK;
	bad |= curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data) != CURLE_OK;
	bad |= curl_easy_setopt(h, CURLOPT_WRITEDATA, s) != CURLE_OK;
	bad |= curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs) != CURLE_OK;
	bad |= curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf) != CURLE_OK;
	if (n->cacert != NULL)
		bad |= curl_easy_setopt(h, CURLOPT_CAINFO, n->cacert) != CURLE_OK;
	if (n->proxy != NULL)
		bad |= curl_easy_setopt(h, CURLOPT_PROXY, n->proxy) != CURLE_OK;
	return bad ? SD_E_INVAL : SD_OK;
}

static int
transient_curl(CURLcode c)
{
	switch (c) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PROXY:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		return 1;
	default:
		return 0;
	}
}

static int
transient_status(long st)
{
	return st == 408 || st == 429 || st == 502 || st == 503 || st == 504;
}

/* type: the Content-Type of a post, NULL for a GET */
static struct curl_slist *
headers(const char *type)
{
	char ct[64];
	const char *h[] = { "Accept: application/json", ct,
		/* the envelope goes at once, without waiting for 100 Continue */
		"Expect:" };
	struct curl_slist *l = NULL, *t = NULL;
	size_t i, n = type ? 3 : 1;

	snprintf(ct, sizeof(ct), "Content-Type: %s", type ? type : "");
	for (i = 0; i < n; i++) {
		if ((t = curl_slist_append(l, h[i])) == NULL) {
			curl_slist_free_all(l);
			return NULL;
		}
		l = t;
	}
	return l;
}

/* One attempt. On RETRY, *retry_after is the server's hint in seconds. */
static enum outcome
attempt(const struct sub_net *n, const char *url, const char *type,
    const uint8_t *body, size_t blen, struct sink *s, long *status, long *retry_after, char *why,
    size_t cap)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	struct curl_slist *hdrs = NULL;
	curl_off_t ra = 0;
	enum outcome o = FAIL;
	CURL *h = NULL;
	CURLcode c;

	*status = 0;
	*retry_after = 0;
	if ((h = curl_easy_init()) == NULL) {
		snprintf(why, cap, "cannot start libcurl");
		goto out;
	}
	if ((hdrs = headers(body != NULL ? type : NULL)) == NULL ||
	    setup(h, n, url, s, hdrs, errbuf) != SD_OK) {
		snprintf(why, cap, "cannot set up the request (libcurl)");
		goto out;
	}
	if (body != NULL && (curl_easy_setopt(h, CURLOPT_POSTFIELDS, body) !=
	    CURLE_OK || curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
	    (curl_off_t)blen) != CURLE_OK)) {
		snprintf(why, cap, "cannot set up the request (libcurl)");
		goto out;
	}
	c = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
	if (c == CURLE_OK) {
		if (*status >= 200 && *status < 300) {
			o = DONE;
			goto out;
		}
		curl_easy_getinfo(h, CURLINFO_RETRY_AFTER, &ra);
		*retry_after = ra > 0 && ra < 3600 ? (long)ra : 0;
		snprintf(why, cap, "the server answered HTTP %ld", *status);
		o = transient_status(*status) ? RETRY : FAIL;
	} else if (s->overflow || c == CURLE_FILESIZE_EXCEEDED) {
		s->overflow = 1;
		snprintf(why, cap, "the server's answer exceeds %zu bytes",
		    s->buf.max);
	} else {
		snprintf(why, cap, "%s%s%s", curl_easy_strerror(c),
		    errbuf[0] ? ": " : "", errbuf);
		o = transient_curl(c) ? RETRY : FAIL;
	}
out:
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(h);
	return o;
}

static void
back_off(const struct sub_net *n, unsigned int i, long retry_after,
    const char *why)
{
	uint64_t ms = (uint64_t)n->wait_ms << (i < 16 ? i : 16);
	struct timespec ts;

	if (retry_after > 0 && (uint64_t)retry_after * 1000 > ms)
		ms = (uint64_t)retry_after * 1000;
	if (ms > SUB_BACKOFF_CAP_MS)
		ms = SUB_BACKOFF_CAP_MS;
	/* jitter, so that many submitters cut off together do not return
	 * together */
	if (ms >= 4)
		ms += randombytes_uniform((uint32_t)(ms / 4));
	if (!n->quiet)
		fprintf(stderr, "sealdrop-submit: %s; trying again in %.1f s "
		    "(%u of %u tries left)\n", why, (double)ms / 1000.0,
		    n->tries - i - 1, n->tries);
	ts.tv_sec = (time_t)(ms / 1000);
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static int
request(const struct sub_net *n, const char *path, const char *type,
    const uint8_t *body, size_t blen, size_t max, struct sub_response *resp, char *why, size_t cap)
{
	char url[URL_MAX];
	struct sink s;
	enum outcome o = FAIL;
	long retry_after = 0;
	unsigned int i, tries = n->tries ? n->tries : 1;
	int rc;

	resp->body = NULL;
	resp->len = 0;
	resp->status = 0;
	if ((rc = make_url(url, sizeof(url), n->server, path)) != SD_OK) {
		snprintf(why, cap, "--server URL too long");
		return rc;
	}
	sd_buf_init(&s.buf, max);
	for (i = 0; i < tries; i++) {
		if (i > 0)
			back_off(n, i - 1, retry_after, why);
		sd_buf_reset(&s.buf);
		s.overflow = 0;
		o = attempt(n, url, type, body, blen, &s, &resp->status, &retry_after,
		    why, cap);
		if (o != RETRY)
			break;
	}
	if (s.overflow) {
		sd_buf_free(&s.buf);
		return SD_E_TOOBIG;
	}
	if (s.buf.data == NULL && sd_buf_add(&s.buf, "", 0) != SD_OK) {
		sd_buf_free(&s.buf);
		return SD_E_NOMEM;
	}
	resp->body = sd_buf_take(&s.buf, &resp->len);
	if (o == DONE)
		return SD_OK;
	return resp->status >= 400 && o == FAIL ? SD_E_INVAL : SD_E_IO;
}

int
sub_net_get_channel(const struct sub_net *n, struct sub_response *resp,
    char *why, size_t cap)
{
	return request(n, PATH_CHANNEL, NULL, NULL, 0, SUB_CHANNEL_RESPONSE_MAX, resp,
	    why, cap);
}

int
sub_net_post_report(const struct sub_net *n, const uint8_t *env, size_t len,
    struct sub_response *resp, char *why, size_t cap)
{
	return request(n, PATH_REPORTS, "application/octet-stream", env, len, SUB_RECEIPT_RESPONSE_MAX, resp,
	    why, cap);
}

int
sub_net_post_mailbox(const struct sub_net *n, const char *id_hex,
    struct sub_response *resp, char *why, size_t cap)
{
	return request(n, PATH_MAILBOX, "text/plain", (const uint8_t *)id_hex,
	    strlen(id_hex), SUB_MAILBOX_RESPONSE_MAX, resp, why, cap);
}
