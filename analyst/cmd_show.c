/* sealdrop-analyst show: one report in full (stats with a stats key,
 * details and attachments with a details key). Nothing is written to disk
 * unless --save-dir asks for the attachments. Text from the report is
 * printed with control characters neutralised, so a report cannot drive
 * the analyst's terminal. */
#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "args.h"
#include "astore.h"
#include "main.h"
#include "review.h"
#include "sd_err.h"
#include "sd_file.h"
#include "sd_mem.h"
#include "sd_open.h"
#include "sd_schema.h"
#include "thread.h"

#define SHOW_NAME_MAX 100

struct show_opts {
	const char *store, *key, *stats_key, *passfile, *save_dir;
	const char *receipt;
};

static void
usage(void)
{
	printf("usage: sealdrop-analyst show --store analyst.db --key "
	    "details.key RECEIPT\n         [--stats-key stats.key] "
	    "[--save-dir DIR] [--passphrase-file F]\n\n"
	    "Prints one report in full: its statistical answers (with "
	    "--stats-key),\nthe narrative and contact, and the list of "
	    "attachments. --save-dir\nwrites the attachments there (mode "
	    "0600) under safe names made from\nthe receipt and the "
	    "attachment's own name without any path. RECEIPT\nmay be "
	    "shortened to its first 8 or more characters. Under the report,\n"
	    "its follow-up thread: the questions sent to its reporter and "
	    "their\nstatus, and the answers received, with their text.\n");
}

/* Print text, replacing control characters (C0, DEL, C1 as UTF-8) other
 * than newline and tab. */
static void
print_safe(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p != '\0'; p++) {
		if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			fputc('?', stdout);
			p++;
		} else if ((*p < 0x20 && *p != '\n' && *p != '\t') ||
		    *p == 0x7f) {
			fputc('?', stdout);
		} else {
			fputc(*p, stdout);
		}
	}
}

static const char *
code_label(const struct sd_field *f, const char *code)
{
	int i = f ? sd_schema_code_index(f, code) : -1;

	return i >= 0 ? f->codes[i].label : "";
}

static void
print_value(const struct sd_field *f, const json_t *v)
{
	char num[32];
	size_t i;

	if (json_is_string(v)) {
		print_safe(json_string_value(v));
		if (f != NULL && f->codes != NULL && f->type == SD_FT_CODE)
			printf(" (%s)", code_label(f, json_string_value(v)));
	} else if (json_is_integer(v)) {
		snprintf(num, sizeof(num), "%lld",
		    (long long)json_integer_value(v));
		fputs(num, stdout);
	} else if (json_is_boolean(v)) {
		fputs(json_is_true(v) ? "yes" : "no", stdout);
	} else if (json_is_array(v)) {
		for (i = 0; i < json_array_size(v); i++) {
			const json_t *e = json_array_get(v, i);

			fputs("\n    - ", stdout);
			print_safe(json_is_string(e) ? json_string_value(e) :
			    "?");
			if (json_is_string(e) && f != NULL)
				printf(" (%s)", code_label(f,
				    json_string_value(e)));
		}
	}
}

/* Members of a JSON section in schema order, with their labels. */
static int
print_section(enum sd_part part, const char *title, const uint8_t *plain,
    size_t len)
{
	const struct sd_field *fields;
	json_t *root = NULL, *v;
	json_error_t jerr;
	size_t i, n = 0;

	root = json_loadb((const char *)plain, len, JSON_REJECT_DUPLICATES,
	    &jerr);
	if (!json_is_object(root)) {
		json_decref(root);
		return SD_E_FORMAT;
	}
	printf("\n== %s ==\n", title);
	fields = sd_schema_fields(part, &n);
	for (i = 0; i < n; i++) {
		if ((v = json_object_get(root, fields[i].name)) == NULL)
			continue;
		printf("%s: ", fields[i].label);
		print_value(&fields[i], v);
		fputc('\n', stdout);
	}
	json_decref(root);
	return SD_OK;
}

/* a details section of a sealdrop.followup/1 envelope */
static int
is_answer(const uint8_t *plain, size_t len)
{
	json_error_t jerr;
	json_t *o = json_loadb((const char *)plain, len, 0, &jerr);
	const char *sc = json_string_value(json_object_get(o, "schema"));
	int yes = sc != NULL && strcmp(sc, SD_FOLLOWUP_SCHEMA_ID) == 0;

	json_decref(o);
	return yes;
}

/* The attachment's own name reduced to a harmless file name. */
static void
safe_name(const char *name, char *out, size_t cap)
{
	const char *base = name, *p;
	size_t o = 0;

	for (p = name; *p != '\0'; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	while (*base == '.')
		base++;
	for (p = base; *p != '\0' && o + 1 < cap && o < SHOW_NAME_MAX; p++) {
		unsigned char c = (unsigned char)*p;

		out[o++] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '-' ||
		    c == '_' ? (char)c : '_';
	}
	out[o] = '\0';
	if (o == 0)
		snprintf(out, cap, "attachment");
}

static int
save_file(const struct show_opts *o, const char *receipt, size_t idx,
    const char *name, const uint8_t *data, size_t len)
{
	char safe[SHOW_NAME_MAX + 1], path[4096];
	int rc;

	safe_name(name, safe, sizeof(safe));
	snprintf(path, sizeof(path), "%s/%.12s-%zu-%s", o->save_dir, receipt,
	    idx, safe);
	rc = sd_file_write(path, data, len, 0600, 0);
	if (rc == SD_OK)
		printf("    saved as %s\n", path);
	else
		args_err("show", "cannot save %s: %s; remove it or give "
		    "another --save-dir", path, sd_strerror(rc));
	return rc;
}

static int
show_attachment(const struct show_opts *o, const char *receipt, size_t idx,
    const uint8_t *plain, size_t len)
{
	const uint8_t *meta = NULL, *file = NULL;
	size_t metalen = 0, filelen = 0;
	json_t *m = NULL;
	json_error_t jerr;
	const char *name, *type;
	int rc = SD_E_FORMAT;

	if (sd_attachment_split(plain, len, &meta, &metalen, &file,
	    &filelen) != SD_OK ||
	    (m = json_loadb((const char *)meta, metalen, 0, &jerr)) == NULL)
		goto done;
	name = json_string_value(json_object_get(m, "name"));
	type = json_string_value(json_object_get(m, "media_type"));
	printf("Attachment %zu: ", idx);
	print_safe(name ? name : "(no name)");
	printf(" (");
	print_safe(type ? type : "unknown type");
	printf(", %zu bytes)\n", filelen);
	rc = SD_OK;
	if (o->save_dir != NULL)
		rc = save_file(o, receipt, idx, name ? name : "", file,
		    filelen);
done:
	json_decref(m);
	return rc;
}

/* Open and print section i with key k. */
static int
show_section(const struct show_opts *o, const struct astore_env *e,
    const struct sd_envelope_view *v, size_t i, const sd_seckey *k,
    size_t *attachment)
{
	uint8_t *plain = NULL;
	size_t len = 0;
	int rc;

	if ((rc = sd_envelope_open_section(v, i, k, &plain, &len)) != SD_OK) {
		args_err("show", "section %zu of %s does not open: %s", i,
		    e->receipt, sd_strerror(rc));
		return rc;
	}
	switch (v->sec[i].type) {
	case SD_SEC_STATS:
		rc = sd_followup_stats_is((const char *)plain, len) ?
		    print_section(SD_PART_FOLLOWUP_STATS, "An answer of a "
		    "reporter (it never counts)", plain, len) :
		    print_section(SD_PART_STATS, "Statistical answers", plain,
		    len);
		break;
	case SD_SEC_DETAILS:
		rc = is_answer(plain, len) ? print_section(
		    SD_PART_FOLLOWUP_DETAILS, "Answer", plain, len) :
		    print_section(SD_PART_DETAILS, "Details", plain, len);
		break;
	case SD_SEC_ATTACHMENT:
		if (*attachment == 0)
			printf("\n== Attachments ==\n");
		rc = show_attachment(o, e->receipt, ++(*attachment), plain,
		    len);
		break;
	}
	sd_secret_free(plain);
	if (rc == SD_E_FORMAT)
		args_err("show", "section %zu of %s is not valid JSON", i,
		    e->receipt);
	return rc;
}

static int
show_all(const struct show_opts *o, const struct astore_env *e,
    const sd_seckey *details, const sd_seckey *stats)
{
	struct sd_envelope_view v;
	size_t i, attachment = 0;
	int rc, status = SD_OK;

	if ((rc = sd_envelope_parse(e->env, e->len, &v)) != SD_OK) {
		args_err("show", "the stored envelope is malformed: %s",
		    sd_strerror(rc));
		return rc;
	}
	printf("Receipt: %s\nReceived: %s (intake sequence %lld)\n",
	    e->receipt, e->day, (long long)e->seq);
	for (i = 0; i < v.n_sections; i++) {
		const sd_seckey *k = v.sec[i].type == SD_SEC_STATS ? stats :
		    details;

		if (k == NULL)
			continue;
		if ((rc = show_section(o, e, &v, i, k, &attachment)) != SD_OK)
			status = rc;
	}
	if (v.n_sections == 1)
		printf("\n(no details section: the reporter sent statistics "
		    "only)\n");
	else if (attachment == 0)
		printf("\nNo attachments.\n");
	return status;
}

/* The review, its reason read with the details key; and a note that the
 * report has been opened. */
static void
show_review(astore *s, const struct astore_env *e, const sd_seckey *details)
{
	struct review_row r;
	char *reason = NULL;

	if (review_get(s, e->seq, details, &r, &reason) == SD_OK) {
		printf("\nReview: %s%s%s\n", review_state_name(r.state),
		    r.reviewed[0] ? " on " : "", r.reviewed);
		if (reason != NULL) {
			printf("Reason: ");
			print_safe(reason);
			printf("\n");
			sodium_memzero(reason, strlen(reason));
		}
	}
	free(reason);
	if (astore_writable(s))
		(void)review_opened(s, e->seq);
}

static int
parse(int argc, char **argv, struct show_opts *o)
{
	struct args_opt opts[] = {
		{ "store", 1, &o->store, NULL, NULL, NULL, 0 },
		{ "key", 1, &o->key, NULL, NULL, NULL, 0 },
		{ "stats-key", 1, &o->stats_key, NULL, NULL, NULL, 0 },
		{ "passphrase-file", 1, &o->passfile, NULL, NULL, NULL, 0 },
		{ "save-dir", 1, &o->save_dir, NULL, NULL, NULL, 0 },
	};
	const char *pos[1] = { NULL };
	size_t n_pos = 0;
	int rc;

	rc = args_parse(argc, argv, opts, sizeof(opts) / sizeof(opts[0]),
	    pos, 1, &n_pos);
	o->receipt = pos[0];
	return rc;
}

int
cmd_show(int argc, char **argv)
{
	struct show_opts o;
	struct astore_env e;
	astore *s = NULL;
	sd_seckey *details = NULL, *stats = NULL;
	char *pass = NULL;
	int rc, status = 1;

	memset(&o, 0, sizeof(o));
	memset(&e, 0, sizeof(e));
	if ((rc = parse(argc, argv, &o)) == ARGS_HELP) {
		usage();
		return 0;
	}
	if (rc != SD_OK)
		return 1;
	if (o.store == NULL || o.key == NULL || o.receipt == NULL) {
		args_err(argv[0], "give --store, --key and a receipt; e.g. "
		    "sealdrop-analyst show --store analyst.db --key details.key "
		    "RECEIPT");
		return 1;
	}
	/* for writing, to note that it was opened; a store that cannot be
	 * written is still shown */
	if (astore_open(o.store, ASTORE_WRITE, &s) != SD_OK &&
	    astore_open(o.store, ASTORE_READ, &s) != SD_OK) {
		args_err(argv[0], "cannot open store %s; give the file made by "
		    "'sealdrop-analyst ingest'", o.store);
		goto done;
	}
	{
		/* base32 is read in either case; receipts are stored lower case */
		char lower[SD_RECEIPT_LEN + 1];
		size_t i;
		for (i = 0; o.receipt[i] != '\0' && i < SD_RECEIPT_LEN; i++)
			lower[i] = (char)tolower((unsigned char)o.receipt[i]);
		lower[i] = '\0';
		rc = o.receipt[i] == '\0' ? astore_find(s, lower, &e) : SD_E_NO_KEY;
	}
	if (rc != SD_OK) {
		args_err(argv[0], rc == SD_E_FORMAT ? "receipt prefix '%s' "
		    "matches several reports; give more characters" :
		    "no ingested report has receipt '%s'; check it (at least 8 "
		    "characters)", o.receipt);
		goto done;
	}
	if (args_key_load(argv[0], o.key, o.passfile, SD_ROLE_DETAILS, &pass,
	    &details) != SD_OK ||
	    (o.stats_key != NULL && args_key_load(argv[0], o.stats_key,
	    o.passfile, SD_ROLE_STATS, &pass, &stats) != SD_OK))
		goto done;
	if (o.save_dir != NULL && mkdir(o.save_dir, 0700) != 0 &&
	    errno != EEXIST) {
		args_err(argv[0], "cannot create --save-dir %s (%s); give a "
		    "directory you can write", o.save_dir, strerror(errno));
		goto done;
	}
	if (show_all(&o, &e, details, stats) == SD_OK)
		status = 0;
	show_review(s, &e, details);
	/* showing opens the details: record the mailbox, print the thread */
	if (astore_writable(s)) {
		(void)thread_record_env(s, &e, details);
		(void)thread_catch_up(s, details, 0);
	}
	(void)thread_print(s, e.seq, details, print_safe);
done:
	sd_passphrase_free(pass);
	sd_seckey_free(stats);
	sd_seckey_free(details);
	free(e.env);
	astore_close(s);
	return status;
}
