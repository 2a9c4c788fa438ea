#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sd_err.h"
#include "sd_file.h"
#include "sd_envelope.h"

enum opt_type { OPT_STR, OPT_UINT, OPT_SIZE, OPT_FLAG, OPT_LONG };

struct opt {
	const char *name;
	enum opt_type type;
	size_t off;
	unsigned long long max;   /* upper bound for numbers */
};

#define O(n, t, f, m) { n, t, offsetof(struct sd_config, f), m }
static const struct opt opts[] = {
	O("listen", OPT_STR, listen, 0),
	O("db", OPT_STR, db, 0),
	O("channel", OPT_STR, channel, 0),
	O("previous-channel", OPT_STR, previous_channel, 0),
	O("authority", OPT_STR, authority, 0),
	O("receipt-key", OPT_STR, receipt_key, 0),
	O("passphrase-file", OPT_STR, passphrase_file, 0),
	O("templates", OPT_STR, templates, 0),
	O("static", OPT_STR, static_dir, 0),
	O("threads", OPT_UINT, threads, 256),
	O("connection-limit", OPT_UINT, conn_limit, 65536),
	O("per-ip-limit", OPT_UINT, per_ip_limit, 65536),
	O("timeout", OPT_UINT, timeout_s, 3600),
	O("header-timeout", OPT_UINT, header_timeout_s, 3600),
	O("min-body-rate", OPT_UINT, min_body_rate, 1u << 30),
	O("connection-memory", OPT_SIZE, conn_memory, 16u * 1024 * 1024),
	O("max-envelope", OPT_SIZE, max_envelope, SD_ENVELOPE_MAX),
	O("max-form", OPT_SIZE, max_form, SD_DEF_FORM_MAX),
	O("max-inflight", OPT_SIZE, max_inflight, (size_t)1 << 40),
	O("spool-dir", OPT_STR, spool_dir, 0),
	O("spool-above", OPT_SIZE, spool_above, SD_ENVELOPE_MAX),
	O("max-spool", OPT_SIZE, max_spool, (size_t)1 << 46),
	O("user", OPT_STR, user, 0),
	O("no-chroot", OPT_FLAG, no_chroot, 0),
	O("log-requests", OPT_FLAG, log_requests, 0),
	O("stats-interval", OPT_UINT, stats_s, 86400 * 7),
	O("rate", OPT_UINT, rate, 10000000),
	O("burst", OPT_UINT, burst, 10000000),
	O("mailbox-rate", OPT_UINT, mailbox_rate, 10000000),
	O("mailbox-burst", OPT_UINT, mailbox_burst, 10000000),
	O("mailbox-ip-rate", OPT_UINT, mailbox_ip_rate, 10000000),
	O("mailbox-ip-burst", OPT_UINT, mailbox_ip_burst, 10000000),
	O("message-retention", OPT_UINT, message_retention, 3650),
	O("max-batch", OPT_UINT, max_batch, 4096),
	O("drain", OPT_UINT, drain_s, 3600),
	O("no-sandbox", OPT_FLAG, no_sandbox, 0),
	O("test-expire-interval", OPT_UINT, test_expire_s, 3600),
	O("test-max-pages", OPT_LONG, test_max_pages, 1u << 30),
	O("test-forbidden-call", OPT_FLAG, test_forbidden_call, 0),
};
#undef O

void sd_config_defaults(struct sd_config *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->listen, sizeof(c->listen), "%s", SD_DEF_LISTEN);
	c->conn_limit = SD_DEF_CONN_LIMIT;
	c->per_ip_limit = SD_DEF_PER_IP_LIMIT;
	c->timeout_s = SD_DEF_TIMEOUT_S;
	c->header_timeout_s = SD_DEF_HEADER_TIMEOUT_S;
	c->min_body_rate = SD_DEF_MIN_BODY_RATE;
	c->spool_above = SD_DEF_SPOOL_ABOVE;
	c->max_spool = SD_DEF_MAX_SPOOL;
	snprintf(c->user, sizeof(c->user), "%s", SD_DEF_USER);
	c->stats_s = SD_DEF_STATS_S;
	c->conn_memory = SD_DEF_CONN_MEMORY;
	c->max_envelope = SD_ENVELOPE_MAX;
	c->max_form = SD_DEF_FORM_MAX;
	c->max_inflight = SD_DEF_MAX_INFLIGHT;
	c->rate = SD_DEF_RATE;
	c->burst = SD_DEF_BURST;
	c->mailbox_rate = SD_DEF_MAILBOX_RATE;
	c->mailbox_burst = SD_DEF_MAILBOX_BURST;
	c->mailbox_ip_rate = SD_DEF_MAILBOX_IP_RATE;
	c->mailbox_ip_burst = SD_DEF_MAILBOX_IP_BURST;
	c->message_retention = SD_DEF_MESSAGE_RETENTION;
	c->max_batch = SD_DEF_MAX_BATCH;
	c->drain_s = SD_DEF_DRAIN_S;
}

static const struct opt *find_opt(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		if (strcmp(opts[i].name, name) == 0)
			return &opts[i];
	}
	return NULL;
}

static int parse_number(const char *key, const char *val,
    unsigned long long max, unsigned long long *out)
{
	char *end = NULL;
	unsigned long long v;

	if (val[0] < '0' || val[0] > '9')
		goto bad;
	errno = 0;
	v = strtoull(val, &end, 10);
	if (errno != 0 || end == val || *end != '\0' || v > max)
		goto bad;
	*out = v;
	return SD_OK;
bad:
	fprintf(stderr, "sealdrop-server: --%s wants a whole number from 0 to "
	    "%llu, not '%s'\n", key, max, val);
	return SD_E_INVAL;
}

int sd_config_set(struct sd_config *c, const char *key, const char *val)
{
	const struct opt *o = find_opt(key);
	unsigned char *base = (unsigned char *)c;
	unsigned long long v = 0;
	int rc;

	if (o == NULL) {
		fprintf(stderr, "sealdrop-server: unknown option '%s'; see "
		    "sealdrop-server --help\n", key);
		return SD_E_INVAL;
	}
	switch (o->type) {
	case OPT_STR:
		if (strlen(val) >= SD_CFG_PATH_MAX || val[0] == '\0') {
			fprintf(stderr, "sealdrop-server: --%s needs a value "
			    "shorter than %d characters\n", key,
			    SD_CFG_PATH_MAX);
			return SD_E_INVAL;
		}
		snprintf((char *)(base + o->off), SD_CFG_PATH_MAX, "%s", val);
		return SD_OK;
	case OPT_FLAG:
		if (strcmp(val, "1") == 0 || strcmp(val, "yes") == 0 ||
		    strcmp(val, "true") == 0) {
			*(int *)(void *)(base + o->off) = 1;
			return SD_OK;
		}
		if (strcmp(val, "0") == 0 || strcmp(val, "no") == 0 ||
		    strcmp(val, "false") == 0) {
			*(int *)(void *)(base + o->off) = 0;
			return SD_OK;
		}
		fprintf(stderr, "sealdrop-server: %s wants yes or no, not "
		    "'%s'\n", key, val);
		return SD_E_INVAL;
	default:
		break;
	}
	rc = parse_number(key, val, o->max, &v);
	if (rc != SD_OK)
		return rc;
	if (o->type == OPT_UINT)
		*(unsigned *)(void *)(base + o->off) = (unsigned)v;
	else if (o->type == OPT_SIZE)
		*(size_t *)(void *)(base + o->off) = (size_t)v;
	else
		*(long *)(void *)(base + o->off) = (long)v;
	return SD_OK;
}

static char *trim(char *s)
{
	char *e = NULL;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' ||
	    e[-1] == '\n'))
		*--e = '\0';
	return s;
}

static int config_line(struct sd_config *c, const char *path, size_t lineno,
    char *line)
{
	char *eq = NULL;
	char *key = NULL;
	char *val = NULL;

	key = trim(line);
	if (key[0] == '\0' || key[0] == '#')
		return SD_OK;
	eq = strchr(key, '=');
	if (eq == NULL) {
		fprintf(stderr, "sealdrop-server: %s line %zu: expected "
		    "'key = value'\n", path, lineno);
		return SD_E_INVAL;
	}
	*eq = '\0';
	key = trim(key);
	val = trim(eq + 1);
	if (strcmp(key, "config") == 0) {
		fprintf(stderr, "sealdrop-server: %s line %zu: a config file "
		    "cannot include another\n", path, lineno);
		return SD_E_INVAL;
	}
	if (sd_config_set(c, key, val) != SD_OK) {
		fprintf(stderr, "sealdrop-server: (in %s line %zu)\n", path,
		    lineno);
		return SD_E_INVAL;
	}
	return SD_OK;
}

int sd_config_file(struct sd_config *c, const char *path)
{
	uint8_t *data = NULL;
	size_t len = 0;
	size_t lineno = 0;
	char *line = NULL;
	char *next = NULL;
	int rc;

	rc = sd_file_read(path, SD_CFG_FILE_MAX, &data, &len);
	if (rc != SD_OK) {
		fprintf(stderr, "sealdrop-server: cannot read config %s: %s\n",
		    path, rc == SD_E_IO ? strerror(errno) : sd_strerror(rc));
		goto out;
	}
	if (memchr(data, '\0', len) != NULL) {
		fprintf(stderr, "sealdrop-server: config %s is not text\n",
		    path);
		rc = SD_E_INVAL;
		goto out;
	}
	for (line = (char *)data; line != NULL; line = next) {
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		lineno++;
		rc = config_line(c, path, lineno, line);
		if (rc != SD_OK)
			goto out;
	}
	rc = SD_OK;
out:
	free(data);
	return rc;
}

/* Splits "--key=value" or "--key value"; returns the number of argv entries
 * consumed, 0 on error. */
static int split_flag(int argc, char **argv, int i, char *key, size_t keycap,
    const char **val)
{
	const char *a = argv[i];
	const char *eq = NULL;
	const struct opt *o = NULL;
	size_t klen;

	if (strncmp(a, "--", 2) != 0) {
		fprintf(stderr, "sealdrop-server: unexpected argument '%s'; "
		    "see sealdrop-server --help\n", a);
		return 0;
	}
	a += 2;
	eq = strchr(a, '=');
	klen = eq != NULL ? (size_t)(eq - a) : strlen(a);
	if (klen == 0 || klen >= keycap) {
		fprintf(stderr, "sealdrop-server: unknown option '%s'\n",
		    argv[i]);
		return 0;
	}
	memcpy(key, a, klen);
	key[klen] = '\0';
	if (find_opt(key) == NULL && strcmp(key, "config") != 0) {
		fprintf(stderr, "sealdrop-server: unknown option '--%s'; see "
		    "sealdrop-server --help\n", key);
		return 0;
	}
	if (eq != NULL) {
		*val = eq + 1;
		return 1;
	}
	o = find_opt(key);
	if (o != NULL && o->type == OPT_FLAG) {
		*val = "yes";
		return 1;
	}
	if (i + 1 >= argc) {
		fprintf(stderr, "sealdrop-server: --%s needs a value\n", key);
		return 0;
	}
	*val = argv[i + 1];
	return 2;
}

int sd_config_parse(struct sd_config *c, int argc, char **argv, int first)
{
	char key[64];
	const char *val = NULL;
	int i;
	int used;

	/* the file first, so that flags override it */
	for (i = first; i < argc; i += used) {
		used = split_flag(argc, argv, i, key, sizeof(key), &val);
		if (used == 0)
			return SD_E_INVAL;
		if (strcmp(key, "config") == 0 && sd_config_file(c, val) != SD_OK)
			return SD_E_INVAL;
	}
	for (i = first; i < argc; i += used) {
		used = split_flag(argc, argv, i, key, sizeof(key), &val);
		if (strcmp(key, "config") == 0)
			continue;
		if (sd_config_set(c, key, val) != SD_OK)
			return SD_E_INVAL;
	}
	return SD_OK;
}
