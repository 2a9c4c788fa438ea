/* Start-up of the intake server: everything that can fail is checked
 * before the socket is bound, then the sandbox closes what is not needed. */
#include "serve.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <time.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>

#include "mailbox.h"
#include "privdrop.h"
#include "sandbox.h"
#include "sd_err.h"
#include "server.h"

#ifndef SD_TEMPLATES_DIR
#define SD_TEMPLATES_DIR "templates"
#endif

static int require(const char *val, const char *name)
{
	if (val[0] != '\0')
		return SD_OK;
	fprintf(stderr, "sealdrop-server: --%s is required; see "
	    "sealdrop-server --help\n", name);
	return SD_E_INVAL;
}

static int load_one_channel(const char *path, const uint8_t *authority,
    const char *authority_arg, sd_channel **out)
{
	int rc = sd_channel_load_file(path, authority, NULL, out);

	if (rc == SD_E_AUTHORITY || rc == SD_E_SIGNATURE)
		fprintf(stderr, "sealdrop-server: %s is not signed by the "
		    "authority %s; refusing to serve it\n", path, authority_arg);
	else if (rc == SD_E_EXPIRED)
		fprintf(stderr, "sealdrop-server: %s has expired; have the "
		    "authority sign a new channel\n", path);
	else if (rc != SD_OK)
		fprintf(stderr, "sealdrop-server: cannot load the channel %s: "
		    "%s\n", path, rc == SD_E_IO ? strerror(errno) :
		    sd_strerror(rc));
	return rc;
}

static int load_channel(struct sd_server *srv)
{
	uint8_t authority[SD_PK_BYTES];
	enum sd_role role = SD_ROLE_NONE;
	int rc;

	rc = sd_pubkey_load(srv->cfg.authority, &role, authority);
	if (rc != SD_OK) {
		fprintf(stderr, "sealdrop-server: --authority %s: %s; give the "
		    "authority's .pub file or its base64 key\n",
		    srv->cfg.authority, sd_strerror(rc));
		return rc;
	}
	if ((rc = load_one_channel(srv->cfg.channel, authority,
	    srv->cfg.authority, &srv->channel)) != SD_OK)
		return rc;
	if (srv->cfg.previous_channel[0] == '\0')
		return SD_OK;
	return load_one_channel(srv->cfg.previous_channel, authority,
	    srv->cfg.authority, &srv->previous);
}

static int load_receipt_key(struct sd_server *srv)
{
	char why[512];
	char *pass = NULL;
	int rc = SD_E_INVAL;

	pass = sd_passphrase_get(srv->cfg.passphrase_file[0] != '\0' ?
	    srv->cfg.passphrase_file : NULL, "Passphrase of the receipt key: ",
	    0, &rc);
	if (pass == NULL) {
		fprintf(stderr, "sealdrop-server: cannot read the passphrase of "
		    "the receipt key: %s\n", sd_passphrase_why(why, sizeof(why),
		    srv->cfg.passphrase_file[0] != '\0' ?
		    srv->cfg.passphrase_file : NULL, rc));
		return rc;
	}
	rc = sd_seckey_load(srv->cfg.receipt_key, pass, strlen(pass),
	    &srv->receipt_key);
	sd_passphrase_free(pass);
	if (rc != SD_OK) {
		fprintf(stderr, "sealdrop-server: --receipt-key %s: %s\n",
		    srv->cfg.receipt_key, rc == SD_E_IO ? strerror(errno) :
		    sd_strerror(rc));
		return rc;
	}
	if (sd_seckey_role(srv->receipt_key) != SD_ROLE_RECEIPT ||
	    sodium_memcmp(sd_seckey_pk(srv->receipt_key),
	    sd_channel_receipt_pk(srv->channel), SD_PK_BYTES) != 0) {
		fprintf(stderr, "sealdrop-server: %s is not the receipt key the "
		    "channel names; give the key whose .pub went into the "
		    "channel\n", srv->cfg.receipt_key);
		return SD_E_ROLE;
	}
	return SD_OK;
}

static int load_web(struct sd_server *srv)
{
	int rc;

	if (srv->cfg.templates[0] == '\0')
		snprintf(srv->cfg.templates, sizeof(srv->cfg.templates), "%s",
		    access("templates/po", F_OK) == 0 ? "templates" :
		    SD_TEMPLATES_DIR);
	rc = sd_web_load(srv->cfg.templates, &srv->web);
	if (rc != SD_OK) {
		fprintf(stderr, "sealdrop-server: cannot load the templates in "
		    "%s; give --templates DIR\n", srv->cfg.templates);
		return rc;
	}
	sd_web_set_attachment_limits(srv->web, SD_ENV_MAX_ATTACHMENTS,
	    SD_ATTACHMENT_FILE_MAX);
	if (srv->cfg.static_dir[0] == '\0') {
		if (strlen(srv->cfg.templates) + 8 > sizeof(srv->cfg.static_dir))
			return SD_E_TOOBIG;
		memcpy(srv->cfg.static_dir, srv->cfg.templates,
		    strlen(srv->cfg.templates));
		memcpy(srv->cfg.static_dir + strlen(srv->cfg.templates),
		    "/static", 8);
	}
	return sd_static_load(srv->cfg.static_dir, &srv->files);
}

/* Messages past --message-retention go, at start and then hourly. */
static int expire_messages(struct sd_server *srv)
{
	size_t n = 0;
	int rc = sd_mbox_expire(srv->mbox, &n);

	if (rc == SD_OK && n > 0)
		fprintf(stderr, "sealdrop-server: deleted %zu follow-up "
		    "message%s past their retention\n", n, n == 1 ? "" : "s");
	else if (rc != SD_OK)
		fprintf(stderr, "sealdrop-server: cannot delete expired "
		    "follow-up messages now: %s\n", sd_strerror(rc));
	return rc;
}

static int open_store(struct sd_server *srv, const char *path)
{
	int rc;

	rc = sd_store_open(path, &srv->store);
	if (rc == SD_OK)
		rc = sd_store_set_channel(srv->store,
		    sd_channel_id(srv->channel),
		    sd_channel_ack_pk(srv->channel));
	if (rc == SD_OK && srv->cfg.test_max_pages > 0)
		rc = sd_store_limit_pages(srv->store, srv->cfg.test_max_pages);
	if (rc != SD_OK && access(path, W_OK) != 0 && errno == EROFS) {
		fprintf(stderr, "sealdrop-server: the store %s is on a "
		    "read-only file system; nothing was changed: make it "
		    "writable and start again\n", srv->cfg.db);
		return rc;
	}
	if (rc != SD_OK) {
		fprintf(stderr, "sealdrop-server: cannot open the store %s: "
		    "%s; check the path, that it is a sealdrop store and that "
		    "the user the server runs as may write it and its "
		    "directory\n", srv->cfg.db, sd_strerror(rc));
		return rc;
	}
	rc = sd_mbox_open(path, &srv->mbox);
	if (rc == SD_OK)
		rc = expire_messages(srv);
	if (rc != SD_OK) {
		fprintf(stderr, "sealdrop-server: cannot open the follow-up "
		    "messages in %s: %s\n", srv->cfg.db, sd_strerror(rc));
		return rc;
	}
	return sd_writer_start(srv->store, srv->cfg.max_batch, &srv->writer);
}

/* The spool directory is opened before the drop (it may lie outside the
 * data directory) and tried after it, as the user that will write it. */
static int open_spool(struct sd_server *srv, const struct sd_priv *priv)
{
	const char *dir = srv->cfg.spool_dir[0] != '\0' ? srv->cfg.spool_dir :
	    priv->dir;

	if (sd_spool_open(dir, srv->cfg.max_spool, &srv->spool) != SD_OK) {
		fprintf(stderr, "sealdrop-server: cannot open the spool "
		    "directory %s: %s; give --spool-dir\n", dir, strerror(errno));
		return SD_E_IO;
	}
	return SD_OK;
}

static int check_spool(struct sd_server *srv, const struct sd_priv *priv)
{
	if (srv->cfg.max_spool == 0 || sd_spool_check(srv->spool))
		return SD_OK;
	fprintf(stderr, "sealdrop-server: cannot make a file in the spool "
	    "directory %s%s%s (%s); make it writable for the server's user "
	    "or give --spool-dir (or --max-spool 0)\n",
	    srv->cfg.spool_dir[0] != '\0' ? srv->cfg.spool_dir : priv->dir,
	    priv->root ? " as user " : "", priv->root ? priv->user : "",
	    strerror(errno));
	return SD_E_IO;
}

static int channel_response(struct sd_server *srv)
{
	size_t len = 0;
	const char *json = sd_channel_json(srv->channel, &len);

	srv->channel_resp = MHD_create_response_from_buffer(len,
	    (void *)(uintptr_t)json, MHD_RESPMEM_MUST_COPY);
	if (srv->channel_resp == NULL ||
	    sd_security_headers(srv->channel_resp) != SD_OK ||
	    MHD_add_response_header(srv->channel_resp,
	    MHD_HTTP_HEADER_CONTENT_TYPE, "application/json") != MHD_YES)
		return SD_E_NOMEM;
	return SD_OK;
}

static void teardown(struct sd_server *srv)
{
	sd_daemon_stop(srv);
	sd_store_close(srv->store);
	sd_mbox_close(srv->mbox);
	if (srv->channel_resp != NULL)
		MHD_destroy_response(srv->channel_resp);
	sd_static_free(srv->files);
	sd_spool_close(srv->spool);
	sd_web_free(srv->web);
	sd_seckey_free(srv->receipt_key);
	sd_channel_free(srv->channel);
	sd_channel_free(srv->previous);
	sd_ratelimit_destroy(&srv->rate);
	sd_ratelimit_destroy(&srv->mbox_rate);
	sd_addrlimit_destroy(&srv->mbox_ip);
}

/* Past the open-file limit libmicrohttpd cannot accept: say so at once. */
static void warn_files(const struct sd_config *c)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
	    rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < sd_daemon_files(c))
		fprintf(stderr, "sealdrop-server: only %llu open files are "
		    "allowed, fewer than --connection-limit %u needs (%u); "
		    "raise the limit (LimitNOFILE=) or lower "
		    "--connection-limit\n", (unsigned long long)rl.rlim_cur,
		    c->conn_limit, sd_daemon_files(c));
}

/* Everything that needs root, or a path outside the data directory, comes
 * before the drop: the channel, the keys, the templates and static files
 * (all read into memory), the listening socket, the spool directory. The
 * store is opened after it, so that its files belong to the user. */
static int start(struct sd_server *srv, uint16_t *port)
{
	const struct sd_config *c = &srv->cfg;
	struct sd_priv priv;
	char db[SD_CFG_PATH_MAX];
	unsigned char seed = 0;
	int rc;

	if ((rc = require(c->db, "db")) != SD_OK ||
	    (rc = require(c->channel, "channel")) != SD_OK ||
	    (rc = require(c->authority, "authority")) != SD_OK ||
	    (rc = require(c->receipt_key, "receipt-key")) != SD_OK)
		return rc;
	if ((rc = sd_priv_prepare(&priv, c->user, c->db, c->no_chroot)) !=
	    SD_OK)
		return rc;
	if ((rc = load_channel(srv)) != SD_OK ||
	    (rc = load_receipt_key(srv)) != SD_OK ||
	    (rc = load_web(srv)) != SD_OK ||
	    (rc = channel_response(srv)) != SD_OK ||
	    (rc = sd_daemon_bind(srv, port)) != SD_OK ||
	    (rc = open_spool(srv, &priv)) != SD_OK)
		return rc;
	sd_priv_limits(sd_daemon_files(c), c->max_inflight + (64u << 20));
	warn_files(c);
	/* SQLite seeds its generator from /dev/urandom, absent after chroot */
	sqlite3_randomness(1, &seed);
	if ((rc = sd_priv_path(&priv, c->db, db, sizeof(db))) != SD_OK ||
	    (rc = sd_priv_drop(&priv)) != SD_OK ||
	    (rc = open_store(srv, db)) != SD_OK ||
	    (rc = check_spool(srv, &priv)) != SD_OK)
		return rc;
	return sd_daemon_start(srv);
}

static void print_url(const struct sd_config *c, uint16_t port)
{
	char host[SD_CFG_PATH_MAX];
	const char *colon = strrchr(c->listen, ':');
	size_t n = colon != NULL ? (size_t)(colon - c->listen) : 0;

	memcpy(host, c->listen, n);
	host[n] = '\0';
	printf("sealdrop-server: listening on http://%s:%u/\n", host,
	    (unsigned)port);
	fflush(stdout);
}

/* The signal that ends serving; meanwhile the counters now and then, and
 * the deletion of expired follow-up messages every EXPIRE_EVERY_S (or
 * sooner: --test-expire-interval). */
#define EXPIRE_EVERY_S 3600u
static int wait_signal(struct sd_server *srv, const sigset_t *sigs)
{
	unsigned expire_s = srv->cfg.test_expire_s > 0 ?
	    srv->cfg.test_expire_s : EXPIRE_EVERY_S;
	unsigned tick = srv->cfg.stats_s > 0 && srv->cfg.stats_s < expire_s ?
	    srv->cfg.stats_s : expire_s;
	struct timespec ts = { (time_t)tick, 0 };
	uint64_t last_stats = sd_now_ns(), last_expire = last_stats, now;
	int sig;

	for (;;) {
		sig = sigtimedwait(sigs, NULL, &ts);
		if (sig > 0)
			return sig;
		if (errno != EAGAIN)
			continue;
		now = sd_now_ns();
		if (srv->cfg.stats_s > 0 && now - last_stats >=
		    (uint64_t)srv->cfg.stats_s * 1000000000u - 1000000u) {
			sd_daemon_log_counters(srv);
			last_stats = now;
		}
		if (now - last_expire >= (uint64_t)expire_s * 1000000000u -
		    1000000u) {
			(void)expire_messages(srv);
			last_expire = now;
		}
	}
}

int sd_serve(int argc, char **argv, int first)
{
	struct sd_server srv;
	sigset_t sigs;
	uint16_t port = 0;
	int sig = 0;
	int rc;

	memset(&srv, 0, sizeof(srv));
	srv.listen_fd = -1;
	srv.served_fd = -1;
	srv.stop_fd = -1;
	sd_config_defaults(&srv.cfg);
	if (sd_config_parse(&srv.cfg, argc, argv, first) != SD_OK)
		return 2;
	sd_ratelimit_init(&srv.rate, srv.cfg.rate, srv.cfg.burst);
	sd_ratelimit_init(&srv.mbox_rate, srv.cfg.mailbox_rate,
	    srv.cfg.mailbox_burst);
	if (sd_addrlimit_init(&srv.mbox_ip, srv.cfg.mailbox_ip_rate,
	    srv.cfg.mailbox_ip_burst) != SD_OK)
		return 1;
	/* every thread started from here on leaves these to sigwait() */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	if (srv.cfg.test_forbidden_call)
		sigaddset(&sigs, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	rc = start(&srv, &port);
	if (rc != SD_OK)
		goto out;
	if (!srv.cfg.no_sandbox && sd_sandbox_apply() != SD_OK) {
		fprintf(stderr, "sealdrop-server: cannot apply the sandbox; "
		    "run with --no-sandbox only to debug\n");
		rc = SD_E_INVAL;
		goto out;
	}
	print_url(&srv.cfg, port);
	sig = wait_signal(&srv, &sigs);
	if (sig == SIGUSR1) {
		/* the test hook: a call the sandbox must refuse (it ends the
		 * process before this returns) */
		rc = socket(AF_INET, SOCK_STREAM, 0);
		fprintf(stderr, "sealdrop-server: the sandbox let socket(2) "
		    "through (%d)\n", rc);
		rc = SD_E_INVAL;
		goto out;
	}
	fprintf(stderr, "sealdrop-server: stopping; finishing the requests "
	    "in flight\n");
	sd_daemon_log_counters(&srv);
out:
	teardown(&srv);
	return rc == SD_OK ? 0 : 1;
}
