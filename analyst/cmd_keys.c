/* keygen and channel: the key ceremony of a channel. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "main.h"
#include "sd_channel.h"
#include "sd_encode.h"
#include "sd_err.h"
#include "sd_file.h"
#include "sd_keys.h"

static int
parse_kdf(const char *s, enum sd_kdf_level *l)
{
	if (strcmp(s, "interactive") == 0)
		*l = SD_KDF_INTERACTIVE;
	else if (strcmp(s, "moderate") == 0)
		*l = SD_KDF_MODERATE;
	else if (strcmp(s, "sensitive") == 0)
		*l = SD_KDF_SENSITIVE;
	else
		return -1;
	return 0;
}

static void
keygen_usage(FILE *f)
{
	fprintf(f,
	    "usage: sealdrop-analyst keygen --role ROLE --out NAME [--force]\n"
	    "           [--kdf interactive|moderate|sensitive] [--passphrase-file FILE]\n\n"
	    "Writes NAME.key (secret, mode 0600, protected by a passphrase) and\n"
	    "NAME.pub. ROLE is stats or details (X25519 keys that open report\n"
	    "sections) or authority, ack or receipt (Ed25519 signing keys).\n"
	    "The passphrase is read from --passphrase-file, SEALDROP_PASSPHRASE or\n"
	    "the terminal. --kdf sets the Argon2id cost (default moderate, 256 MiB).\n");
}

int
cmd_keygen(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "role", required_argument, NULL, 'r' },
		{ "out", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'f' },
		{ "kdf", required_argument, NULL, 'k' },
		{ "passphrase-file", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *out = NULL, *passfile = NULL;
	enum sd_role role = SD_ROLE_NONE;
	enum sd_kdf_level kdf = SD_KDF_MODERATE;
	char *pass = NULL, why[512];
	int c, force = 0, rc, err;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			if ((role = sd_role_parse(optarg)) == SD_ROLE_NONE) {
				fprintf(stderr, "sealdrop-analyst keygen: --role: '%s' is not one of "
				    "stats, details, authority, ack, receipt\n", optarg);
				return 1;
			}
			break;
		case 'o': out = optarg; break;
		case 'f': force = 1; break;
		case 'p': passfile = optarg; break;
		case 'k':
			if (parse_kdf(optarg, &kdf) != 0) {
				fprintf(stderr, "sealdrop-analyst keygen: --kdf: use interactive, "
				    "moderate or sensitive\n");
				return 1;
			}
			break;
		case 'h': keygen_usage(stdout); return 0;
		default: args_bad_option("keygen", argv); return 1;
		}
	}
	if (role == SD_ROLE_NONE || out == NULL || optind != argc) {
		fprintf(stderr, "sealdrop-analyst keygen: --role and --out are required "
		    "(see --help)\n");
		return 1;
	}
	if ((pass = sd_passphrase_get(passfile, "Passphrase for the new key: ", 1,
	    &err)) == NULL) {
		fprintf(stderr, "sealdrop-analyst keygen: cannot read the passphrase: %s\n",
		    sd_passphrase_why(why, sizeof(why), passfile, err));
		return 1;
	}
	rc = sd_keygen(role, out, pass, strlen(pass), kdf, force);
	sd_passphrase_free(pass);
	if (rc != SD_OK) {
		fprintf(stderr, "sealdrop-analyst keygen: %s.key: %s\n", out,
		    sd_strerror(rc));
		return 1;
	}
	printf("wrote %s.key (secret, %s) and %s.pub\n", out, sd_role_name(role), out);
	return 0;
}

static void
channel_usage(FILE *f)
{
	fprintf(f,
	    "usage: sealdrop-analyst channel --authority A.key --recipient X.pub\n"
	    "           [--recipient Y.pub ...] --receipt-key R.pub [--ack-key K.pub]\n"
	    "           --expires YYYY-MM-DD --out channel.json [--force]\n"
	    "           [--passphrase-file FILE]\n\n"
	    "Signs the channel descriptor with the authority key. Each recipient is\n"
	    "a stats or details public key file (its role is in the file); the\n"
	    "label of a recipient is its file name without .pub. Public keys may\n"
	    "also be given as base64 (recipients as ROLE:BASE64).\n");
}

static void
label_of(const char *arg, char *label, size_t cap)
{
	const char *b = strrchr(arg, '/');
	size_t n;

	b = b ? b + 1 : arg;
	n = strlen(b);
	if (n > 4 && strcmp(b + n - 4, ".pub") == 0)
		n -= 4;
	if (strchr(b, ':') || n == 0) {      /* a bare ROLE:BASE64 key */
		snprintf(label, cap, "key");
		return;
	}
	if (n >= cap)
		n = cap - 1;
	memcpy(label, b, n);
	label[n] = '\0';
}

static int
load_pub(const char *what, const char *arg, enum sd_role want,
    uint8_t pk[SD_PK_BYTES], enum sd_role *got)
{
	enum sd_role role;
	int rc = sd_pubkey_load(arg, &role, pk);

	if (rc != SD_OK) {
		fprintf(stderr, "sealdrop-analyst channel: %s %s: %s\n", what, arg,
		    rc == SD_E_IO ? "cannot read the file" : "not a public key");
		return -1;
	}
	if (want != SD_ROLE_NONE && role != SD_ROLE_NONE && role != want) {
		fprintf(stderr, "sealdrop-analyst channel: %s %s: is a key of role %s, "
		    "expected role %s\n", what, arg, sd_role_name(role), sd_role_name(want));
		return -1;
	}
	if (got)
		*got = role;
	return 0;
}

int
cmd_channel(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "authority", required_argument, NULL, 'a' },
		{ "recipient", required_argument, NULL, 'r' },
		{ "receipt-key", required_argument, NULL, 'R' },
		{ "ack-key", required_argument, NULL, 'A' },
		{ "expires", required_argument, NULL, 'e' },
		{ "out", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'f' },
		{ "passphrase-file", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct sd_recipient rcpt[SD_CHANNEL_MAX_RECIPIENTS];
	struct sd_channel_spec spec;
	const char *authority = NULL, *receipt = NULL, *ack = NULL, *out = NULL;
	const char *expires = NULL, *passfile = NULL;
	sd_seckey *ak = NULL;
	char *pass = NULL, *json = NULL, why[512];
	size_t n = 0, jsonlen = 0;
	int c, force = 0, rc, ret = 1, err;

	memset(&spec, 0, sizeof(spec));
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'a': authority = optarg; break;
		case 'R': receipt = optarg; break;
		case 'A': ack = optarg; break;
		case 'e': expires = optarg; break;
		case 'o': out = optarg; break;
		case 'f': force = 1; break;
		case 'p': passfile = optarg; break;
		case 'r':
			if (n == SD_CHANNEL_MAX_RECIPIENTS) {
				fprintf(stderr, "sealdrop-analyst channel: at most %d recipients\n",
				    SD_CHANNEL_MAX_RECIPIENTS);
				return 1;
			}
			if (load_pub("--recipient", optarg, SD_ROLE_NONE, rcpt[n].pk,
			    &rcpt[n].role) != 0)
				return 1;
			if (!sd_role_is_box(rcpt[n].role)) {
				fprintf(stderr, "sealdrop-analyst channel: --recipient %s: not a "
				    "stats or details key (give ROLE:BASE64 for a bare key)\n", optarg);
				return 1;
			}
			for (size_t j = 0; j < n; j++)
				if (memcmp(rcpt[j].pk, rcpt[n].pk, SD_PK_BYTES) == 0) {
					fprintf(stderr, "sealdrop-analyst channel: --recipient "
					    "%s: this key is given twice\n", optarg);
					return 1;
				}
			sd_key_id(rcpt[n].key_id, rcpt[n].pk);
			label_of(optarg, rcpt[n].label, sizeof(rcpt[n].label));
			n++;
			break;
		case 'h': channel_usage(stdout); return 0;
		default: args_bad_option("channel", argv); return 1;
		}
	}
	if (!authority || !receipt || !expires || !out || n == 0 || optind != argc) {
		fprintf(stderr, "sealdrop-analyst channel: --authority, --recipient, "
		    "--receipt-key, --expires and --out are required (see --help)\n");
		return 1;
	}
	sd_today(spec.issued);
	if (!sd_date_valid(expires) || strcmp(expires, spec.issued) < 0) {
		fprintf(stderr, "sealdrop-analyst channel: --expires: '%s' is not a date "
		    "YYYY-MM-DD from today (%s) on\n", expires, spec.issued);
		return 1;
	}
	memcpy(spec.expires, expires, 11);
	if (load_pub("--receipt-key", receipt, SD_ROLE_RECEIPT, spec.receipt_pk, NULL) != 0)
		return 1;
	if (ack) {
		if (load_pub("--ack-key", ack, SD_ROLE_ACK, spec.ack_pk, NULL) != 0)
			return 1;
		spec.has_ack = 1;
	}
	spec.recipients = rcpt;
	spec.n_recipients = n;
	if ((pass = sd_passphrase_get(passfile, "Passphrase of the authority key: ",
	    0, &err)) == NULL) {
		fprintf(stderr, "sealdrop-analyst channel: cannot read the passphrase: %s\n",
		    sd_passphrase_why(why, sizeof(why), passfile, err));
		return 1;
	}
	rc = sd_seckey_load(authority, pass, strlen(pass), &ak);
	sd_passphrase_free(pass);
	if (rc != SD_OK) {
		fprintf(stderr, "sealdrop-analyst channel: --authority %s: %s\n", authority,
		    sd_strerror(rc));
		return 1;
	}
	rc = sd_channel_create(ak, &spec, &json, &jsonlen);
	if (rc == SD_E_ROLE || rc == SD_E_INVAL) {
		fprintf(stderr, "sealdrop-analyst channel: %s\n", rc == SD_E_ROLE ?
		    "--authority must be an authority key" :
		    "a channel needs at least one stats and one details recipient");
		goto out;
	}
	if (rc == SD_OK)
		rc = sd_file_write(out, json, jsonlen, 0644, force);
	if (rc != SD_OK) {
		fprintf(stderr, "sealdrop-analyst channel: %s: %s\n", out, sd_strerror(rc));
		goto out;
	}
	printf("wrote %s (%zu recipients, expires %s)\n", out, n, expires);
	ret = 0;
out:
	free(json);
	sd_seckey_free(ak);
	return ret;
}
