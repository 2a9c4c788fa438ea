/* sealdrop-server: serve the intake, make the receipt key, export batches
 * for the analysts and purge what they acknowledged. */
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "mailbox.h"
#include "form.h"
#include "sd_err.h"
#include "sd_file.h"
#include "sd_channel.h"
#include "sd_keys.h"
#include "sd_mem.h"
#include "sd_signed.h"
#include "serve.h"
#include "store.h"

static const char usage_main[] =
"usage: sealdrop-server [--config FILE] --db FILE --channel channel.json\n"
"         --authority A.pub --receipt-key receipt.key [options]\n"
"       sealdrop-server keygen --out NAME [--force] [--kdf interactive|moderate]\n"
"       sealdrop-server export --db FILE --out batch.sqlite [--force]\n"
"       sealdrop-server purge --db FILE --ack ack.sig\n"
"       sealdrop-server messages --db FILE --in outbox.sig [--channel FILE\n"
"         --authority A.pub [--previous-channel FILE]]\n"
"\n"
"Serves the report form (GET /, POST /submit, POST /receipt) and the API\n"
"(POST /api/v1/reports, GET /api/v1/channel, GET /healthz), and the\n"
"follow-up: the mailbox (POST /api/v1/mailbox) and the page that reads\n"
"and answers its messages without JavaScript (GET /followup,\n"
"POST /followup).\n"
"\n"
"options (also as `key = value` lines in --config FILE):\n"
"  --listen ADDR:PORT       address to listen on (default 127.0.0.1:8080)\n"
"  --db FILE                the intake store (SQLite; created if absent)\n"
"  --channel FILE           the channel descriptor signed by the authority\n"
"  --previous-channel FILE  the channel it replaces: its envelopes are still\n"
"                           taken until it expires (served is --channel)\n"
"  --authority KEY          the authority public key (file or base64)\n"
"  --receipt-key FILE       the receipt signing key (sealdrop-server keygen)\n"
"  --passphrase-file FILE   its passphrase (else SEALDROP_PASSPHRASE or the\n"
"                           terminal)\n"
"  --templates DIR          templates and po/ catalogues (default templates)\n"
"  --static DIR             files served under /static/ (default\n"
"                           TEMPLATES/static)\n"
"  --threads N              HTTP worker threads (default: number of cores)\n"
"  --connection-limit N     open connections at most (default 1024)\n"
"  --per-ip-limit N         connections per address, counted in memory only\n"
"                           (default 64; 0 = off, e.g. behind Tor)\n"
"  --timeout S              idle timeout while an answer is sent (default 30)\n"
"  --header-timeout S       time from connecting (or from the previous\n"
"                           answer) to the end of the request headers\n"
"                           (default 10; 0 = none)\n"
"  --min-body-rate B        bytes per second a body must average once\n"
"                           --header-timeout has passed (default 4096)\n"
"  --connection-memory B    memory per connection (default 65536)\n"
"  --max-envelope B         largest API body (default 67108864)\n"
"  --max-form B             largest form post (default 56623104)\n"
"  --max-inflight B         request bodies in memory, all connections\n"
"                           together, counted as they arrive (default\n"
"                           536870912; beyond: 503, or the spool)\n"
"  --spool-dir DIR          where sealed API bodies may wait on disk\n"
"                           (default: the directory of --db)\n"
"  --spool-above B          API bodies larger than this are spooled\n"
"                           (default 65536); form bodies never are\n"
"  --max-spool B            spooled bytes, all bodies together (default\n"
"                           4294967296; 0 = never spool)\n"
"  --rate N --burst N       submissions per second, all senders together\n"
"                           (default 1000 and 2000; 0 = no limit)\n"
"  --mailbox-rate N --mailbox-burst N\n"
"                           mailbox lookups per second, all senders together\n"
"                           (default 20 and 40; 0 = no limit)\n"
"  --mailbox-ip-rate N --mailbox-ip-burst N\n"
"                           mailbox lookups per minute from one address,\n"
"                           counted in memory under a keyed hash (default 30\n"
"                           and 10; 0 = off, e.g. behind Tor)\n"
"  --message-retention D    days a follow-up message is kept once taken\n"
"                           (default 90)\n"
"  --max-batch N            rows per group commit (default 256)\n"
"  --drain S                how long SIGTERM waits for requests (default 30)\n"
"  --user NAME              started as root, run as this user (default\n"
"                           sealdrop); without one, root is refused\n"
"  --no-chroot              started as root, do not chroot to the\n"
"                           directory of --db\n"
"  --log-requests           a line per request on stderr (off: the journal\n"
"                           would give each submission its time)\n"
"  --stats-interval S       counters of answers on stderr every S seconds\n"
"                           when something happened (default 3600; 0 = off)\n"
"  --no-sandbox             do not apply the seccomp sandbox (debugging)\n"
"\n"
"export writes no file and exits with status 3 when nothing is new since\n"
"the last export.\n"
"\n"
"messages takes an outbox batch from sealdrop-analyst outbox: signed by the\n"
"ack key of the channel given (or, without --channel, of the channel the\n"
"store was last served with), never taken twice, all messages or none.\n";

/* export's exit status when there was nothing to export (docs/server.md) */
#define SD_EXPORT_NOTHING_NEW 3

static int usage(FILE *f, int status)
{
	fputs(usage_main, f);
	return status;
}

struct cmd_args {
	const char *db;
	const char *out;
	const char *ack;
	const char *in;
	const char *kdf;
	const char *passfile;
	int force;
	struct sd_config cfg;
};

static int flag_value(int argc, char **argv, int *i, const char **dst)
{
	if (*i + 1 >= argc) {
		fprintf(stderr, "sealdrop-server: %s needs a value\n",
		    argv[*i]);
		return SD_E_INVAL;
	}
	*dst = argv[++*i];
	return SD_OK;
}

/* The flags of keygen, export and purge. --config gives the db. */
static int cmd_parse(int argc, char **argv, struct cmd_args *a)
{
	const char *cfgfile = NULL;
	int i;
	int rc = SD_OK;

	memset(a, 0, sizeof(*a));
	sd_config_defaults(&a->cfg);
	/* the file first: flags override it */
	for (i = 2; i + 1 < argc; i++) {
		if (strcmp(argv[i], "--config") == 0 && cfgfile == NULL) {
			cfgfile = argv[i + 1];
			rc = sd_config_file(&a->cfg, cfgfile);
		}
	}
	for (i = 2; i < argc && rc == SD_OK; i++) {
		if (strcmp(argv[i], "--db") == 0)
			rc = flag_value(argc, argv, &i, &a->db);
		else if (strcmp(argv[i], "--out") == 0)
			rc = flag_value(argc, argv, &i, &a->out);
		else if (strcmp(argv[i], "--ack") == 0)
			rc = flag_value(argc, argv, &i, &a->ack);
		else if (strcmp(argv[i], "--in") == 0)
			rc = flag_value(argc, argv, &i, &a->in);
		else if (strcmp(argv[i], "--channel") == 0 ||
		    strcmp(argv[i], "--previous-channel") == 0 ||
		    strcmp(argv[i], "--authority") == 0 ||
		    strcmp(argv[i], "--message-retention") == 0) {
			const char *v = NULL;

			rc = flag_value(argc, argv, &i, &v);
			if (rc == SD_OK)
				rc = sd_config_set(&a->cfg, argv[i - 1] + 2,
				    v);
		}
		else if (strcmp(argv[i], "--kdf") == 0)
			rc = flag_value(argc, argv, &i, &a->kdf);
		else if (strcmp(argv[i], "--passphrase-file") == 0)
			rc = flag_value(argc, argv, &i, &a->passfile);
		else if (strcmp(argv[i], "--config") == 0)
			i++;
		else if (strcmp(argv[i], "--force") == 0)
			a->force = 1;
		else {
			fprintf(stderr, "sealdrop-server %s: unknown argument "
			    "'%s'; see sealdrop-server --help\n", argv[1],
			    argv[i]);
			rc = SD_E_INVAL;
		}
	}

	if (rc == SD_OK && a->db == NULL && a->cfg.db[0] != '\0')
		a->db = a->cfg.db;
	if (rc == SD_OK && a->passfile == NULL &&
	    a->cfg.passphrase_file[0] != '\0')
		a->passfile = a->cfg.passphrase_file;
	return rc;
}

static int cmd_keygen(int argc, char **argv)
{
	struct cmd_args a;
	enum sd_kdf_level kdf = SD_KDF_MODERATE;
	char *pass = NULL, why[512];
	int err = SD_OK;
	int rc;

	if (cmd_parse(argc, argv, &a) != SD_OK)
		return 2;
	if (a.out == NULL) {
		fprintf(stderr, "sealdrop-server keygen: --out NAME is "
		    "required (writes NAME.key and NAME.pub)\n");
		return 2;
	}
	if (a.kdf != NULL && strcmp(a.kdf, "interactive") == 0)
		kdf = SD_KDF_INTERACTIVE;
	else if (a.kdf != NULL && strcmp(a.kdf, "moderate") != 0) {
		fprintf(stderr, "sealdrop-server keygen: --kdf is interactive "
		    "or moderate, not '%s'\n", a.kdf);
		return 2;
	}
	pass = sd_passphrase_get(a.passfile, "Passphrase for the receipt key: ",
	    1, &err);
	if (pass == NULL) {
		fprintf(stderr, "sealdrop-server keygen: cannot read the "
		    "passphrase: %s\n", sd_passphrase_why(why, sizeof(why),
		    a.passfile, err));
		return 1;
	}
	rc = sd_keygen(SD_ROLE_RECEIPT, a.out, pass, strlen(pass), kdf,
	    a.force);
	sd_passphrase_free(pass);
	if (rc == SD_E_EXISTS) {
		fprintf(stderr, "sealdrop-server keygen: %s.key or %s.pub "
		    "exists; give --force to replace it\n", a.out, a.out);
		return 1;
	}
	if (rc != SD_OK) {
		fprintf(stderr, "sealdrop-server keygen: cannot write %s.key: "
		    "%s\n", a.out, rc == SD_E_IO ? strerror(errno) :
		    sd_strerror(rc));
		return 1;
	}
	printf("wrote %s.key and %s.pub; put %s.pub into the channel "
	    "(sealdrop-analyst channel --receipt-key %s.pub)\n", a.out, a.out,
	    a.out, a.out);
	return 0;
}

static int open_db(const char *cmd, const struct cmd_args *a, sd_store **st)
{
	struct stat sb;
	int rc;

	if (a->db == NULL) {
		fprintf(stderr, "sealdrop-server %s: --db FILE is required\n",
		    cmd);
		return SD_E_INVAL;
	}
	/* export and purge work on the server's store: never create one */
	if (stat(a->db, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		fprintf(stderr, "sealdrop-server %s: no intake store at %s; give "
		    "the --db the server runs with\n", cmd, a->db);
		return SD_E_IO;
	}
	rc = sd_store_open(a->db, st);
	if (rc != SD_OK)
		fprintf(stderr, "sealdrop-server %s: cannot open the store "
		    "%s: %s\n", cmd, a->db, sd_strerror(rc));
	return rc;
}

static int cmd_export(int argc, char **argv)
{
	struct cmd_args a;
	sd_store *st = NULL;
	size_t count = 0;
	int rc;

	if (cmd_parse(argc, argv, &a) != SD_OK)
		return 2;
	if (a.out == NULL) {
		fprintf(stderr, "sealdrop-server export: --out batch.sqlite is "
		    "required\n");
		return 2;
	}
	if (open_db("export", &a, &st) != SD_OK)
		return 1;
	rc = sd_store_export(st, a.out, a.force, &count);
	sd_store_close(st);
	if (rc == SD_E_EXISTS) {
		fprintf(stderr, "sealdrop-server export: %s exists; choose "
		    "another --out or give --force\n", a.out);
		return 1;
	}
	if (rc != SD_OK) {
		fprintf(stderr, "sealdrop-server export: %s: %s; nothing was "
		    "marked exported\n", a.out, sd_strerror(rc));
		return 1;
	}
	if (count == 0) {
		fprintf(stderr, "sealdrop-server export: nothing new since the "
		    "last export; no batch was written to %s\n", a.out);
		return SD_EXPORT_NOTHING_NEW;
	}
	printf("exported %zu envelope%s to %s\n", count, count == 1 ? "" : "s",
	    a.out);
	return 0;
}

static const char *ack_problem(int rc)
{
	switch (rc) {
	case SD_E_AUTHORITY:
		return "the ack is signed by a key other than the channel's "
		    "ack_key; nothing was deleted";
	case SD_E_SIGNATURE:
		return "the ack's signature does not verify; nothing was "
		    "deleted";
	default:
		return NULL;
	}
}

static int cmd_purge(int argc, char **argv)
{
	struct cmd_args a;
	struct sd_purge_result res;
	sd_store *st = NULL;
	uint8_t *doc = NULL;
	size_t len = 0;
	int rc;

	if (cmd_parse(argc, argv, &a) != SD_OK)
		return 2;
	if (a.ack == NULL) {
		fprintf(stderr, "sealdrop-server purge: --ack FILE is "
		    "required (made by sealdrop-analyst ack)\n");
		return 2;
	}
	rc = sd_file_read(a.ack, SD_SIGNED_MAX, &doc, &len);
	if (rc != SD_OK) {
		fprintf(stderr, "sealdrop-server purge: cannot read %s: %s\n",
		    a.ack, rc == SD_E_IO ? strerror(errno) : sd_strerror(rc));
		return 1;
	}
	if (open_db("purge", &a, &st) != SD_OK) {
		free(doc);
		return 1;
	}
	rc = sd_store_purge(st, (const char *)doc, len, &res);
	sd_store_close(st);
	free(doc);
	if (rc != SD_OK) {
		fprintf(stderr, "sealdrop-server purge: %s: %s\n", a.ack,
		    ack_problem(rc) != NULL ? ack_problem(rc) :
		    sd_strerror(rc));
		return 1;
	}
	printf("purged %zu; kept %zu never exported; %zu purged before; "
	    "%zu unknown\n", res.purged, res.kept, res.already, res.unknown);
	return 0;
}

static const char *messages_problem(int rc)
{
	switch (rc) {
	case SD_E_AUTHORITY:
		return "the batch is signed by a key other than the channel's "
		    "ack_key; nothing was taken";
	case SD_E_SIGNATURE:
		return "the batch's signature does not verify (damaged or "
		    "altered); nothing was taken";
	case SD_E_FORMAT:
	case SD_E_INVAL:
		return "not a sealdrop.outbox/1 batch (damaged or cut); "
		    "nothing was taken";
	case SD_E_EXISTS:
		return "this batch was taken before (the same batch_id); "
		    "nothing was taken again";
	case SD_E_CHANNEL:
		return "the batch names another channel than the one its key "
		    "belongs to; nothing was taken";
	default:
		return NULL;
	}
}

/* The ack keys that may sign: those of --channel and a still-valid
 * --previous-channel (verified against --authority), else the one the
 * store was last served with. */
static int messages_signers(const struct cmd_args *a, sd_store *st,
    struct sd_mbox_signer *sg, size_t *n)
{
	const char *paths[2] = { a->cfg.channel, a->cfg.previous_channel };
	uint8_t authority[SD_PK_BYTES];
	enum sd_role role = SD_ROLE_NONE;
	sd_channel *ch = NULL;
	size_t i;
	int rc;

	*n = 0;
	if (a->cfg.channel[0] == '\0')
		return sd_store_current_ack(st, sg[0].channel_id,
		    sg[0].ack_pk) == SD_OK ? (*n = 1, SD_OK) : SD_E_FORMAT;
	rc = sd_pubkey_load(a->cfg.authority, &role, authority);
	if (rc != SD_OK) {
		fprintf(stderr, "sealdrop-server messages: --authority '%s': "
		    "%s; --channel needs the authority's .pub\n",
		    a->cfg.authority, sd_strerror(rc));
		return rc;
	}
	for (i = 0; i < 2 && paths[i][0] != '\0'; i++) {
		rc = sd_channel_load_file(paths[i], authority, NULL, &ch);
		if (rc == SD_E_EXPIRED && i == 1)
			continue;      /* a previous channel that expired */
		if (rc != SD_OK) {
			fprintf(stderr, "sealdrop-server messages: the channel "
			    "%s: %s\n", paths[i], rc == SD_E_IO ?
			    strerror(errno) : sd_strerror(rc));
			return rc;
		}
		if (sd_channel_ack_pk(ch) != NULL) {
			memcpy(sg[*n].ack_pk, sd_channel_ack_pk(ch),
			    SD_PK_BYTES);
			memcpy(sg[*n].channel_id, sd_channel_id(ch),
			    SD_CHANNEL_ID_BYTES);
			(*n)++;
		}
		sd_channel_free(ch);
		ch = NULL;
	}
	if (*n == 0) {
		fprintf(stderr, "sealdrop-server messages: the channel names "
		    "no ack_key, so no batch can be verified\n");
		return SD_E_FORMAT;
	}
	return SD_OK;
}

static int cmd_messages(int argc, char **argv)
{
	struct cmd_args a;
	struct sd_mbox_signer sg[2];
	struct sd_mbox_taken res;
	sd_store *st = NULL;
	sd_mbox *mb = NULL;
	uint8_t *doc = NULL;
	size_t len = 0, n = 0;
	int rc, status = 1;

	if (cmd_parse(argc, argv, &a) != SD_OK)
		return 2;
	if (a.in == NULL) {
		fprintf(stderr, "sealdrop-server messages: --in FILE is "
		    "required (made by sealdrop-analyst outbox)\n");
		return 2;
	}
	rc = sd_file_read(a.in, SD_OUTBOX_MAX, &doc, &len);
	if (rc != SD_OK) {
		fprintf(stderr, "sealdrop-server messages: cannot read %s: "
		    "%s\n", a.in, rc == SD_E_IO ? strerror(errno) :
		    sd_strerror(rc));
		return 1;
	}
	if (open_db("messages", &a, &st) != SD_OK)
		goto out;
	if (messages_signers(&a, st, sg, &n) != SD_OK) {
		if (a.cfg.channel[0] == '\0')
			fprintf(stderr, "sealdrop-server messages: the store "
			    "%s names no channel with an ack_key; give "
			    "--channel and --authority\n", a.db);
		goto out;
	}
	if (sd_mbox_open(a.db, &mb) != SD_OK) {
		fprintf(stderr, "sealdrop-server messages: cannot open the "
		    "follow-up tables of %s\n", a.db);
		goto out;
	}
	rc = sd_mbox_take(mb, (const char *)doc, len, sg, n,
	    a.cfg.message_retention, &res);
	if (rc != SD_OK) {
		fprintf(stderr, "sealdrop-server messages: %s: %s\n", a.in,
		    messages_problem(rc) != NULL ? messages_problem(rc) :
		    sd_strerror(rc));
		goto out;
	}
	printf("took %zu message%s of batch %s; kept until %s\n", res.count,
	    res.count == 1 ? "" : "s", res.batch_id, res.expires);
	status = 0;
out:
	sd_mbox_close(mb);
	sd_store_close(st);
	free(doc);
	return status;
}

static int wants_help(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (sd_crypto_init() != SD_OK) {
		fprintf(stderr, "sealdrop-server: cannot initialise libsodium\n");
		return 1;
	}
	sd_form_json_wipe_on_free();
	if (wants_help(argc, argv))
		return usage(stdout, 0);
	if (argc >= 2 && strcmp(argv[1], "keygen") == 0)
		return cmd_keygen(argc, argv);
	if (argc >= 2 && strcmp(argv[1], "export") == 0)
		return cmd_export(argc, argv);
	if (argc >= 2 && strcmp(argv[1], "purge") == 0)
		return cmd_purge(argc, argv);
	if (argc >= 2 && strcmp(argv[1], "messages") == 0)
		return cmd_messages(argc, argv);
	if (argc >= 2 && strncmp(argv[1], "--", 2) != 0) {
		fprintf(stderr, "sealdrop-server: unknown command '%s'; the "
		    "commands are keygen, export, purge and messages\n", argv[1]);
		return 2;
	}
	return sd_serve(argc, argv, 1);
}
