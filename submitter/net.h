/* The submitter's two requests (PRODUCT.md section 6) over libcurl: TLS
 * verification always on, plain http only to a loopback host, bounded
 * responses, timeouts, and retries with exponential back-off on network
 * errors, 503 and 429 that resend exactly the same bytes. */
#ifndef SUB_NET_H
#define SUB_NET_H

#include <stddef.h>
#include <stdint.h>

#define SUB_CHANNEL_RESPONSE_MAX (1024 * 1024)
#define SUB_RECEIPT_RESPONSE_MAX 4096
/* a mailbox's answer: what the server keeps for one mailbox, padded */
#define SUB_MAILBOX_RESPONSE_MAX (128 * 1024 * 1024)
#define SUB_TRIES_DEFAULT 4
#define SUB_TRIES_MAX 11
#define SUB_BACKOFF_CAP_MS 60000u

struct sub_net {
	const char *server;         /* base URL, https:// or http://loopback */
	const char *proxy;          /* NULL, or e.g. socks5h://127.0.0.1:9050 */
	const char *cacert;         /* NULL for the system's CA store */
	unsigned int tries;         /* attempts in all, at least 1 */
	unsigned int wait_ms;       /* first back-off, doubled each time */
	long connect_timeout;       /* seconds */
	long timeout;               /* seconds, per attempt */
	int quiet;                  /* no progress lines on stderr */
};

struct sub_response {
	long status;                /* HTTP status of the last attempt */
	uint8_t *body;              /* NUL-terminated */
	size_t len;
};

/* Once per process, before any request. */
int sub_net_global_init(void);
void sub_net_global_cleanup(void);

/* SD_OK when url may be used as the server, else why says what to fix. */
int sub_url_check(const char *url, char *why, size_t cap);
int sub_proxy_check(const char *proxy, char *why, size_t cap);

/* GET /api/v1/channel and POST /api/v1/reports. SD_OK with a 2xx answer in
 * resp; SD_E_IO when the network failed after every try; SD_E_TOOBIG when
 * the answer exceeds its bound; SD_E_INVAL when the server refused (status
 * and its message in resp). why says what happened in one line. */
int sub_net_get_channel(const struct sub_net *n, struct sub_response *resp,
    char *why, size_t cap);
int sub_net_post_report(const struct sub_net *n, const uint8_t *env,
    size_t len, struct sub_response *resp, char *why, size_t cap);
/* POST /api/v1/mailbox with the mailbox id (32 hex): the padded answer of
 * docs/followup.md in resp. The same outcomes as above. */
int sub_net_post_mailbox(const struct sub_net *n, const char *id_hex,
    struct sub_response *resp, char *why, size_t cap);
void sub_response_free(struct sub_response *r);

#endif
