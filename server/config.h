/* Server configuration: long flags, or `key = value` lines of a --config
 * file with the same names. Every limit has a named default here so that an
 * operator can see at once what the server accepts. */
#ifndef SD_CONFIG_H
#define SD_CONFIG_H

#include <stddef.h>

#define SD_CFG_PATH_MAX 1024
#define SD_CFG_LINE_MAX 2048
#define SD_CFG_FILE_MAX (64 * 1024)

/* Defaults for the limits (see docs/server.md). */
#define SD_DEF_LISTEN "127.0.0.1:8080"
#define SD_DEF_CONN_LIMIT 1024u
#define SD_DEF_PER_IP_LIMIT 64u
#define SD_DEF_TIMEOUT_S 30u
/* A client has this long from accept (or from its previous answer) to send
 * its request headers, and a body must average SD_DEF_MIN_BODY_RATE bytes a
 * second once that long has passed: libmicrohttpd's own timeout is reset by
 * every byte. */
#define SD_DEF_HEADER_TIMEOUT_S 10u
#define SD_DEF_MIN_BODY_RATE 4096u
/* API bodies (sealed) larger than this, or arriving when the memory budget
 * is spent, are spooled to an unnamed file instead of memory. Form bodies
 * hold plaintext and are never spooled. */
#define SD_DEF_SPOOL_ABOVE (64u * 1024)
#define SD_DEF_MAX_SPOOL ((size_t)4 << 30)
#define SD_DEF_USER "sealdrop"
/* A line per request would give each submission a precise time in the
 * journal: counters only, once an hour, unless --log-requests. */
#define SD_DEF_STATS_S 3600u
/* From 64 KiB libmicrohttpd maps its connection buffers (and unmaps them)
 * instead of taking them from malloc, where a form body would linger. */
#define SD_DEF_CONN_MEMORY (64u * 1024)
#define SD_DEF_RATE 1000u              /* submissions per second, global */
#define SD_DEF_BURST 2000u
/* Follow-up mailbox lookups (POST /api/v1/mailbox and POST /followup):
 * per second all senders together, and per minute from one address
 * (counted in memory under a keyed hash, never the address). */
#define SD_DEF_MAILBOX_RATE 20u
#define SD_DEF_MAILBOX_BURST 40u
#define SD_DEF_MAILBOX_IP_RATE 30u
#define SD_DEF_MAILBOX_IP_BURST 10u
#define SD_DEF_MESSAGE_RETENTION 90u   /* days a message is kept */
#define SD_DEF_MAX_BATCH 256u          /* rows per group commit */
#define SD_DEF_DRAIN_S 30u             /* how long SIGTERM waits for requests */
/* Request bodies held in memory at once, all connections together: without
 * it, every connection could hold a full 64 MiB envelope. */
#define SD_DEF_MAX_INFLIGHT (512u * 1024 * 1024)
/* The form carries up to 5 attachments of 10 MiB plus the text fields and
 * the multipart framing. */
#define SD_FORM_FIELDS_MAX (4u * 1024 * 1024)
#define SD_DEF_FORM_MAX (5u * 10 * 1024 * 1024 + SD_FORM_FIELDS_MAX)

struct sd_config {
	char listen[SD_CFG_PATH_MAX];
	char db[SD_CFG_PATH_MAX];
	char channel[SD_CFG_PATH_MAX];
	char previous_channel[SD_CFG_PATH_MAX];   /* optional, during a rotation */
	char authority[SD_CFG_PATH_MAX];
	char receipt_key[SD_CFG_PATH_MAX];
	char passphrase_file[SD_CFG_PATH_MAX];
	char templates[SD_CFG_PATH_MAX];
	char static_dir[SD_CFG_PATH_MAX];
	unsigned threads;              /* 0: number of cores */
	unsigned conn_limit;
	unsigned per_ip_limit;         /* 0: off */
	unsigned timeout_s;
	unsigned header_timeout_s;     /* 0: off */
	unsigned min_body_rate;        /* bytes per second; 0: off */
	size_t conn_memory;
	size_t max_envelope;
	size_t max_form;
	size_t max_inflight;           /* bytes of bodies in memory, all together */
	char spool_dir[SD_CFG_PATH_MAX];   /* default: the directory of db */
	size_t spool_above;
	size_t max_spool;              /* bytes of spooled bodies, all together */
	char user[SD_CFG_PATH_MAX];    /* the user to run as when started as root */
	int no_chroot;
	int log_requests;              /* a line per request (off by default) */
	unsigned stats_s;              /* counters every so many seconds; 0: off */
	unsigned rate;                 /* 0: off */
	unsigned burst;
	unsigned mailbox_rate;         /* lookups per second, all; 0: off */
	unsigned mailbox_burst;
	unsigned mailbox_ip_rate;      /* lookups per minute, one address */
	unsigned mailbox_ip_burst;
	unsigned message_retention;    /* days */
	unsigned max_batch;
	unsigned drain_s;
	int no_sandbox;
	unsigned test_expire_s;        /* hidden: expire messages this often */
	long test_max_pages;           /* hidden: simulates a full disk */
	/* hidden: SIGUSR1 makes the main thread call socket(2), which the
	 * sandbox must refuse; only a signal from the host reaches it */
	int test_forbidden_call;
};

void sd_config_defaults(struct sd_config *c);
/* Apply argv[first..argc) (flags). --config FILE is read first wherever it
 * appears, so flags override the file. On error prints one line to stderr
 * and returns SD_E_INVAL. */
int sd_config_parse(struct sd_config *c, int argc, char **argv, int first);
/* Read a config file of `key = value` lines (# starts a comment). */
int sd_config_file(struct sd_config *c, const char *path);
/* Set one option by name (as in the file or the long flag without --). */
int sd_config_set(struct sd_config *c, const char *key, const char *val);

#endif
