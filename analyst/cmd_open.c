/* open: read a sealed envelope delivered as a file (for instance by
 * sealdrop-submit --out) and print every section the key can read. */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "args.h"
#include "main.h"
#include "sd_encode.h"
#include "sd_err.h"
#include "sd_file.h"
#include "sd_mem.h"
#include "sd_open.h"
#include "sd_schema.h"

#include <sodium.h>

static const char *
type_name(enum sd_section_type t)
{
	switch (t) {
	case SD_SEC_STATS: return "stats";
	case SD_SEC_DETAILS: return "details";
	case SD_SEC_ATTACHMENT: return "attachment";
	}
	return "unknown";
}

static void
open_usage(FILE *f)
{
	fprintf(f,
	    "usage: sealdrop-analyst open --key K.key [--save-dir DIR] [--force]\n"
	    "           [--passphrase-file FILE] ENVELOPE\n\n"
	    "Opens every section of a sealed envelope file that the key can read\n"
	    "and prints it: stats and details as JSON, attachments as a line each.\n"
	    "With --save-dir, attachments are written there (mode 0600) under safe\n"
	    "names. Nothing is written without --save-dir.\n");
}

/* An attachment's own name is the sender's text: keep only a plain base
 * name of safe characters, prefixed with the section index. */
static void
safe_name(char *out, size_t cap, size_t idx, const char *name)
{
	const char *b = strrchr(name, '/');
	size_t i, o;

	b = b ? b + 1 : name;
	o = (size_t)snprintf(out, cap, "%zu-", idx);
	for (i = 0; b[i] && o + 1 < cap && i < 100; i++) {
		char c = b[i];
		int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' || (c == '.' && i > 0);
		out[o++] = ok ? c : '_';
	}
	if (i == 0 && o + 10 < cap)
		o += (size_t)snprintf(out + o, cap - o, "attachment");
	out[o] = '\0';
}

static int
print_json_section(enum sd_section_type t, const uint8_t *p, size_t len)
{
	struct sd_errlist errs;
	json_error_t jerr;
	json_t *o;
	char *s;
	size_t i;

	o = json_loadb((const char *)p, len, JSON_REJECT_DUPLICATES, &jerr);
	if (o == NULL) {
		fprintf(stderr, "sealdrop-analyst open: %s section is not valid JSON "
		    "(line %d: %s)\n", type_name(t), jerr.line, jerr.text);
		return -1;
	}
	memset(&errs, 0, sizeof(errs));
	if (sd_schema_validate(t == SD_SEC_STATS ? SD_PART_STATS : SD_PART_DETAILS,
	    o, NULL, &errs) != 0)
		for (i = 0; i < errs.n && i < SD_SCHEMA_MAX_ERRORS; i++)
			fprintf(stderr, "warning: %s section: %s\n", type_name(t),
			    errs.msg[i]);
	s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (s) {
		printf("%s\n", s);
		sodium_memzero(s, strlen(s));
		free(s);
	}
	json_decref(o);
	return 0;
}

static int
handle_attachment(size_t idx, const uint8_t *p, size_t len, const char *dir,
    int force)
{
	const uint8_t *meta, *file;
	size_t metalen, filelen;
	json_t *m;
	json_error_t jerr;
	const char *name, *type;
	char fname[160], path[PATH_MAX];
	int rc = -1;

	if (sd_attachment_split(p, len, &meta, &metalen, &file, &filelen) != SD_OK ||
	    (m = json_loadb((const char *)meta, metalen, JSON_REJECT_DUPLICATES, &jerr)) == NULL) {
		fprintf(stderr, "sealdrop-analyst open: section %zu: attachment "
		    "metadata is malformed\n", idx);
		return -1;
	}
	name = json_string_value(json_object_get(m, "name"));
	type = json_string_value(json_object_get(m, "media_type"));
	safe_name(fname, sizeof(fname), idx, name ? name : "");
	printf("attachment %zu: %s (%s, %zu bytes)", idx, fname,
	    type ? type : "unknown type", filelen);
	if (dir == NULL) {
		printf(" (use --save-dir to save it)\n");
		rc = 0;
		goto out;
	}
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, fname) >= sizeof(path))
		goto out;
	if ((rc = sd_file_write(path, file, filelen, 0600, force)) != SD_OK) {
		printf("\n");
		fprintf(stderr, "sealdrop-analyst open: %s: %s\n", path, sd_strerror(rc));
		rc = -1;
		goto out;
	}
	printf(" saved as %s\n", path);
	rc = 0;
out:
	json_decref(m);
	return rc;
}

static int
open_all(const struct sd_envelope_view *v, const sd_seckey *k, const char *dir,
    int force)
{
	uint8_t *plain = NULL;
	size_t i, len, opened = 0;
	int rc, failed = 0;

	for (i = 0; i < v->n_sections; i++) {
		enum sd_section_type t = v->sec[i].type;
		printf("--- section %zu: %s\n", i, type_name(t));
		if (sd_section_reader(t) != sd_seckey_role(k)) {
			printf("(needs a %s key)\n", sd_role_name(sd_section_reader(t)));
			continue;
		}
		if ((rc = sd_envelope_open_section(v, i, k, &plain, &len)) != SD_OK) {
			fprintf(stderr, "sealdrop-analyst open: section %zu (%s): %s\n", i,
			    type_name(t), sd_strerror(rc));
			failed = 1;
			continue;
		}
		opened++;
		if (t == SD_SEC_ATTACHMENT) {
			if (handle_attachment(i, plain, len, dir, force) != 0)
				failed = 1;
		} else if (print_json_section(t, plain, len) != 0)
			failed = 1;
		sd_secret_free(plain);
		plain = NULL;
	}
	if (opened == 0 && !failed) {
		fprintf(stderr, "sealdrop-analyst open: no section of this envelope is "
		    "for a %s key; use the key of the other role\n",
		    sd_role_name(sd_seckey_role(k)));
		return -1;
	}
	return failed ? -1 : 0;
}

int
cmd_open(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "save-dir", required_argument, NULL, 's' },
		{ "force", no_argument, NULL, 'f' },
		{ "passphrase-file", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct sd_envelope_view v;
	const char *keypath = NULL, *dir = NULL, *passfile = NULL;
	char receipt[SD_RECEIPT_LEN + 1], chid[2 * SD_CHANNEL_ID_BYTES + 1];
	uint8_t *env = NULL;
	size_t envlen = 0;
	sd_seckey *k = NULL;
	char *pass = NULL, why[512];
	int c, force = 0, rc, ret = 1, err;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'k': keypath = optarg; break;
		case 's': dir = optarg; break;
		case 'f': force = 1; break;
		case 'p': passfile = optarg; break;
		case 'h': open_usage(stdout); return 0;
		default: args_bad_option("open", argv); return 1;
		}
	}
	if (keypath == NULL || optind + 1 != argc) {
		fprintf(stderr, "sealdrop-analyst open: give --key and one envelope file "
		    "(see --help)\n");
		return 1;
	}
	if ((rc = sd_file_read(argv[optind], SD_ENVELOPE_MAX, &env, &envlen)) != SD_OK) {
		fprintf(stderr, "sealdrop-analyst open: %s: %s\n", argv[optind],
		    rc == SD_E_IO ? strerror(errno) : sd_strerror(rc));
		return 1;
	}
	if ((rc = sd_envelope_parse(env, envlen, &v)) != SD_OK) {
		fprintf(stderr, "sealdrop-analyst open: %s: %s\n", argv[optind],
		    sd_strerror(rc));
		goto out;
	}
	if ((pass = sd_passphrase_get(passfile, "Passphrase: ", 0, &err)) == NULL) {
		fprintf(stderr, "sealdrop-analyst open: cannot read the passphrase: %s\n",
		    sd_passphrase_why(why, sizeof(why), passfile, err));
		goto out;
	}
	rc = sd_seckey_load(keypath, pass, strlen(pass), &k);
	sd_passphrase_free(pass);
	if (rc != SD_OK) {
		fprintf(stderr, "sealdrop-analyst open: --key %s: %s\n", keypath,
		    sd_strerror(rc));
		goto out;
	}
	if (!sd_role_is_box(sd_seckey_role(k))) {
		fprintf(stderr, "sealdrop-analyst open: --key %s: a key of role %s opens nothing; "
		    "use a stats or details key\n", keypath, sd_role_name(sd_seckey_role(k)));
		goto out;
	}
	sd_receipt_id(receipt, env, envlen);
	sd_hex_encode(chid, sizeof(chid), v.channel_id, SD_CHANNEL_ID_BYTES);
	printf("envelope %s: receipt %s, channel %s, %u sections\n", argv[optind],
	    receipt, chid, v.n_sections);
	if (open_all(&v, k, dir, force) == 0)
		ret = 0;
out:
	sd_seckey_free(k);
	free(env);
	return ret;
}
