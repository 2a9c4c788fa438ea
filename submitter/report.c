#include "report.h"
#include "template.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <sodium.h>

#include "sd_encode.h"
#include "sd_err.h"
#include "sd_file.h"

struct attachment {
	uint8_t *plain;         /* meta_len:u32 | meta | file bytes */
	size_t len;
};

struct sub_report {
	json_t *stats;
	json_t *details;
	struct attachment att[SD_ENV_MAX_ATTACHMENTS];
	size_t n_att;
	size_t n_att_tried;     /* counts refused ones too, for the message */
	uint8_t *stats_txt;
	size_t stats_len;
	uint8_t *details_txt;
	size_t details_len;
};

static void
wipe_free(uint8_t *p, size_t len)
{
	if (p != NULL) {
		sodium_memzero(p, len);
		free(p);
	}
}

int
sub_report_new(sub_report **out)
{
	sub_report *r = NULL;

	*out = NULL;
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return SD_E_NOMEM;
	r->stats = json_object();
	r->details = json_object();
	if (r->stats == NULL || r->details == NULL) {
		sub_report_free(r);
		return SD_E_NOMEM;
	}
	*out = r;
	return SD_OK;
}

void
sub_report_free(sub_report *r)
{
	size_t i;

	if (r == NULL)
		return;
	json_decref(r->stats);
	json_decref(r->details);
	for (i = 0; i < r->n_att; i++)
		wipe_free(r->att[i].plain, r->att[i].len);
	wipe_free(r->stats_txt, r->stats_len);
	wipe_free(r->details_txt, r->details_len);
	free(r);
}

json_t *
sub_report_part(sub_report *r, enum sd_part part)
{
	return part == SD_PART_STATS ? r->stats : r->details;
}

size_t
sub_report_n_attachments(const sub_report *r)
{
	return r->n_att;
}

const char *
sub_report_incident_ref(const sub_report *r)
{
	return json_string_value(json_object_get(r->stats, "incident_ref"));
}

const char *
sub_report_reporter(const sub_report *r)
{
	return json_string_value(json_object_get(r->stats, "reporter"));
}

/* A line whose first non-blank characters are // cannot be inside a JSON
 * string (strings never span lines), so blanking it is safe and keeps the
 * line numbers of parse errors right. */
static void
blank_comments(uint8_t *buf, size_t len)
{
	size_t i = 0, j;

	while (i < len) {
		j = i;
		while (j < len && (buf[j] == ' ' || buf[j] == '\t'))
			j++;
		if (j + 1 < len && buf[j] == '/' && buf[j + 1] == '/')
			while (j < len && buf[j] != '\n')
				buf[j++] = ' ';
		while (j < len && buf[j] != '\n')
			j++;
		i = j + 1;
	}
}

static const char *
file_label(const char *path)
{
	return strcmp(path, "-") == 0 ? "standard input" : path;
}

/* A text member left as the template wrote it would be sealed and sent as
 * if it were the company's answer. */
static int
still_template(const json_t *obj, const char *path, struct sd_errlist *errs)
{
	const char *key;
	const json_t *v;
	int found = 0;

	json_object_foreach((json_t *)(uintptr_t)obj, key, v) {
		if (json_is_string(v) &&
		    strcmp(json_string_value(v), SUB_TEMPLATE_TEXT) == 0) {
			sd_errlist_add(errs, "%s: still the template's '%s' (in %s); "
			    "write the answer or delete the member", key,
			    SUB_TEMPLATE_TEXT, file_label(path));
			found = 1;
		}
	}
	return found;
}

/* JSON is UTF-8 (RFC 8259); a file saved in another encoding gets a
 * message that says so, with the place of the first byte that is not. */
static int
not_utf8(const uint8_t *buf, size_t len, const char *path,
    struct sd_errlist *errs)
{
	size_t bad = 0, line = 0, col = 0;

	if (sd_utf8_valid(buf, len, &bad))
		return 0;
	if (len >= 2 && ((buf[0] == 0xff && buf[1] == 0xfe) ||
	    (buf[0] == 0xfe && buf[1] == 0xff))) {
		sd_errlist_add(errs, "%s: is UTF-16 text, not UTF-8; save it as "
		    "UTF-8 (e.g. iconv -f utf-16 -t utf-8)", file_label(path));
		return 1;
	}
	sd_text_position(buf, bad, &line, &col);
	sd_errlist_add(errs, "%s: line %zu, column %zu: byte 0x%02X is not "
	    "UTF-8; save the file as UTF-8 text (e.g. iconv -f latin1 -t "
	    "utf-8)", file_label(path), line, col, buf[bad]);
	return 1;
}

static int
read_object(const char *path, json_t **out, struct sd_errlist *errs)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	json_error_t jerr;
	json_t *obj = NULL;
	int rc;

	*out = NULL;
	rc = sd_file_read(path, SUB_REPORT_FILE_MAX, &buf, &len);
	if (rc == SD_E_TOOBIG) {
		sd_errlist_add(errs, "%s: larger than %u bytes, not a report",
		    file_label(path), SUB_REPORT_FILE_MAX);
		return rc;
	}
	if (rc != SD_OK) {
		sd_errlist_add(errs, "%s: cannot read: %s", file_label(path),
		    rc == SD_E_IO ? strerror(errno) : sd_strerror(rc));
		return rc;
	}
	if (not_utf8(buf, len, path, errs)) {
		wipe_free(buf, len);
		return SD_E_FORMAT;
	}
	blank_comments(buf, len);
	/* editors on Windows start UTF-8 files with a byte order mark */
	if (len >= 3 && buf[0] == 0xef && buf[1] == 0xbb && buf[2] == 0xbf)
		buf[0] = buf[1] = buf[2] = ' ';
	obj = json_loadb((const char *)buf, len, JSON_REJECT_DUPLICATES, &jerr);
	wipe_free(buf, len);
	if (obj == NULL) {
		sd_errlist_add(errs, "%s: line %d, column %d: %s",
		    file_label(path), jerr.line, jerr.column, jerr.text);
		return SD_E_FORMAT;
	}
	if (!json_is_object(obj)) {
		json_decref(obj);
		sd_errlist_add(errs, "%s: must hold one JSON object { ... }",
		    file_label(path));
		return SD_E_FORMAT;
	}
	if (still_template(obj, path, errs)) {
		json_decref(obj);
		return SD_E_FORMAT;
	}
	*out = obj;
	return SD_OK;
}

/* Move one member into r's part, refusing a field given twice. */
static int
put_member(sub_report *r, enum sd_part part, const char *key, json_t *v,
    const char *path, struct sd_errlist *errs)
{
	json_t *dst = sub_report_part(r, part);

	if (json_object_get(dst, key) != NULL) {
		sd_errlist_add(errs, "%s: given twice (again in %s)", key,
		    file_label(path));
		return SD_E_FORMAT;
	}
	if (json_object_set(dst, key, v) != 0)
		return SD_E_NOMEM;
	return SD_OK;
}

static int
load_into(sub_report *r, const char *path, int all_details,
    struct sd_errlist *errs)
{
	json_t *obj = NULL, *v = NULL;
	const char *key = NULL;
	enum sd_part part;
	int rc, worst = SD_OK;

	if ((rc = read_object(path, &obj, errs)) != SD_OK)
		return rc;
	json_object_foreach(obj, key, v) {
		part = all_details || sd_schema_field(SD_PART_DETAILS, key)
		    ? SD_PART_DETAILS : SD_PART_STATS;
		if ((rc = put_member(r, part, key, v, path, errs)) != SD_OK)
			worst = rc;
		if (rc == SD_E_NOMEM)
			break;
	}
	json_decref(obj);
	return worst;
}

int
sub_report_load(sub_report *r, const char *path, struct sd_errlist *errs)
{
	return load_into(r, path, 0, errs);
}

int
sub_report_load_details(sub_report *r, const char *path,
    struct sd_errlist *errs)
{
	return load_into(r, path, 1, errs);
}

static const struct {
	const char *ext;
	const char *type;
} media_types[] = {
	{ "pdf", "application/pdf" },
	{ "txt", "text/plain" }, { "log", "text/plain" },
	{ "csv", "text/csv" }, { "json", "application/json" },
	{ "xml", "application/xml" }, { "html", "text/html" },
	{ "htm", "text/html" }, { "md", "text/markdown" },
	{ "png", "image/png" }, { "jpg", "image/jpeg" },
	{ "jpeg", "image/jpeg" }, { "gif", "image/gif" },
	{ "webp", "image/webp" }, { "svg", "image/svg+xml" },
	{ "zip", "application/zip" }, { "gz", "application/gzip" },
	{ "tar", "application/x-tar" }, { "7z", "application/x-7z-compressed" },
	{ "eml", "message/rfc822" }, { "msg", "application/vnd.ms-outlook" },
	{ "pcap", "application/vnd.tcpdump.pcap" },
	{ "doc", "application/msword" },
	{ "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document" },
	{ "xls", "application/vnd.ms-excel" },
	{ "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" },
	{ "ppt", "application/vnd.ms-powerpoint" },
	{ "pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation" },
	{ "odt", "application/vnd.oasis.opendocument.text" },
	{ "ods", "application/vnd.oasis.opendocument.spreadsheet" },
};

const char *
sub_media_type(const char *name)
{
	const char *dot = strrchr(name, '.');
	size_t i;

	if (dot == NULL || dot == name)
		return "application/octet-stream";
	for (i = 0; i < sizeof(media_types) / sizeof(media_types[0]); i++)
		if (strcasecmp(dot + 1, media_types[i].ext) == 0)
			return media_types[i].type;
	return "application/octet-stream";
}

const char *
sub_base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s == NULL ? path : s + 1;
}

/* meta_len:u32 LE | meta JSON | file bytes (PRODUCT.md section 3) */
static int
attachment_plain(const char *name, const uint8_t *file, size_t flen,
    struct attachment *a)
{
	json_t *meta = NULL;
	size_t mlen;
	int rc = SD_E_NOMEM;

	meta = json_pack("{s:s, s:s, s:I}", "name", name, "media_type",
	    sub_media_type(name), "size", (json_int_t)flen);
	if (meta == NULL) {
		rc = SD_E_FORMAT;       /* the name is not UTF-8 */
		goto out;
	}
	mlen = json_dumpb(meta, NULL, 0, JSON_COMPACT);
	if (mlen == 0 || mlen > SD_ATTACHMENT_META_MAX) {
		rc = SD_E_TOOBIG;
		goto out;
	}
	a->len = 4 + mlen + flen;
	if ((a->plain = malloc(a->len)) == NULL)
		goto out;
	a->plain[0] = (uint8_t)(mlen & 0xff);
	a->plain[1] = (uint8_t)((mlen >> 8) & 0xff);
	a->plain[2] = (uint8_t)((mlen >> 16) & 0xff);
	a->plain[3] = (uint8_t)((mlen >> 24) & 0xff);
	json_dumpb(meta, (char *)a->plain + 4, mlen, JSON_COMPACT);
	if (flen > 0)
		memcpy(a->plain + 4 + mlen, file, flen);
	rc = SD_OK;
out:
	json_decref(meta);
	return rc;
}

static int
attach_check(sub_report *r, const char *path, struct sd_errlist *errs)
{
	struct stat st;

	if (++r->n_att_tried > SD_ENV_MAX_ATTACHMENTS) {
		if (r->n_att_tried == SD_ENV_MAX_ATTACHMENTS + 1)
			sd_errlist_add(errs, "--attach %s: at most %d files "
			    "can be attached", path, SD_ENV_MAX_ATTACHMENTS);
		return SD_E_TOOBIG;
	}
	if (stat(path, &st) != 0) {
		sd_errlist_add(errs, "--attach %s: %s", path, strerror(errno));
		return SD_E_IO;
	}
	if (!S_ISREG(st.st_mode)) {
		sd_errlist_add(errs, "--attach %s: not a regular file", path);
		return SD_E_INVAL;
	}
	if ((uint64_t)st.st_size > SD_ATTACHMENT_FILE_MAX) {
		sd_errlist_add(errs, "--attach %s: %lld bytes is over the limit "
		    "of %d MiB per file", path, (long long)st.st_size,
		    SD_ATTACHMENT_FILE_MAX / (1024 * 1024));
		return SD_E_TOOBIG;
	}
	return SD_OK;
}

int
sub_report_attach(sub_report *r, const char *path, struct sd_errlist *errs)
{
	uint8_t *file = NULL;
	size_t flen = 0;
	const char *name = sub_base_name(path);
	int rc;

	if ((rc = attach_check(r, path, errs)) != SD_OK)
		return rc;
	if (*name == '\0') {
		sd_errlist_add(errs, "--attach %s: names a directory", path);
		return SD_E_INVAL;
	}
	rc = sd_file_read(path, SD_ATTACHMENT_FILE_MAX, &file, &flen);
	if (rc != SD_OK) {
		sd_errlist_add(errs, "--attach %s: %s", path, rc == SD_E_IO ?
		    strerror(errno) : sd_strerror(rc));
		return rc;
	}
	rc = attachment_plain(name, file, flen, &r->att[r->n_att]);
	wipe_free(file, flen);
	if (rc == SD_OK)
		r->n_att++;
	else if (rc == SD_E_FORMAT)
		sd_errlist_add(errs, "--attach %s: the file name is not valid "
		    "UTF-8; rename the file", path);
	else if (rc == SD_E_TOOBIG)
		sd_errlist_add(errs, "--attach %s: the file name is too long",
		    path);
	return rc;
}

static int
set_string(json_t *obj, const char *key, const char *val)
{
	return json_object_set_new(obj, key, json_string(val)) == 0
	    ? SD_OK : SD_E_NOMEM;
}

/* A value the user gave twice must agree; else it is set. */
static int
fill_field(json_t *obj, const char *key, const char *val, const char *origin,
    const char *hint, struct sd_errlist *errs)
{
	json_t *have = json_object_get(obj, key);

	if (have == NULL)
		return set_string(obj, key, val);
	if (!json_is_string(have) || strcmp(json_string_value(have), val) != 0) {
		sd_errlist_add(errs, "%s: the report's value differs from %s%s%s",
		    key, origin, hint ? "; " : "", hint ? hint : "");
		return SD_E_FORMAT;
	}
	return SD_OK;
}

static int
fill_incident_ref(json_t *stats, const char *given, const char *origin,
    const char *hint, struct sd_errlist *errs)
{
	uint8_t raw[16];
	char hex[33];

	if (given != NULL)
		return fill_field(stats, "incident_ref", given, origin, hint, errs);
	if (json_object_get(stats, "incident_ref") != NULL)
		return SD_OK;
	randombytes_buf(raw, sizeof(raw));
	sd_hex_encode(hex, sizeof(hex), raw, sizeof(raw));
	return set_string(stats, "incident_ref", hex);
}

static void
merge_errors(struct sd_errlist *dst, const struct sd_errlist *src)
{
	size_t i;

	for (i = 0; i < src->n && i < SD_SCHEMA_MAX_ERRORS; i++)
		sd_errlist_add(dst, "%s", src->msg[i]);
}

static int
validate_part(json_t *obj, enum sd_part part, const char *today,
    struct sd_errlist *errs)
{
	struct sd_errlist *e = NULL;
	int n;

	if ((e = calloc(1, sizeof(*e))) == NULL)
		return SD_E_NOMEM;
	n = sd_schema_validate(part, obj, today, e);
	if (n != 0 && e->n == 0)
		sd_errlist_add(e, "%s part: invalid",
		    part == SD_PART_STATS ? "stats" : "details");
	merge_errors(errs, e);
	free(e);
	return n == 0 ? SD_OK : SD_E_FORMAT;
}

static int
serialise(json_t *obj, size_t max, uint8_t **out, size_t *len)
{
	size_t n = json_dumpb(obj, NULL, 0, JSON_COMPACT);

	if (n == 0)
		return SD_E_NOMEM;
	if (n > max)
		return SD_E_TOOBIG;
	if ((*out = malloc(n + 1)) == NULL)
		return SD_E_NOMEM;
	json_dumpb(obj, (char *)*out, n, JSON_COMPACT);
	(*out)[n] = 0;
	*len = n;
	return SD_OK;
}

int
sub_report_finish_as(sub_report *r, const struct sub_identity *id,
    const char *today, struct sd_errlist *errs)
{
	size_t before = errs->n;
	int rc;

	if (json_object_get(r->stats, "schema") == NULL &&
	    set_string(r->stats, "schema", SD_SCHEMA_ID) != SD_OK)
		return SD_E_NOMEM;
	if ((rc = fill_incident_ref(r->stats, id->incident_ref, id->ref_origin,
	    id->hint, errs)) == SD_E_NOMEM)
		return rc;
	if (id->no_reporter && json_object_get(r->stats, "reporter") != NULL)
		sd_errlist_add(errs, "reporter: %s; delete the member",
		    id->no_reporter_why);
	if (id->reporter != NULL && (rc = fill_field(r->stats, "reporter",
	    id->reporter, id->reporter_origin, id->hint, errs)) == SD_E_NOMEM)
		return rc;
	if ((rc = validate_part(r->stats, SD_PART_STATS, today, errs)) ==
	    SD_E_NOMEM)
		return rc;
	if (json_object_size(r->details) > 0 && (rc = validate_part(r->details,
	    SD_PART_DETAILS, today, errs)) == SD_E_NOMEM)
		return rc;
	return errs->n == before ? SD_OK : SD_E_FORMAT;
}

int
sub_report_finish(sub_report *r, const char *incident_ref,
    const char *reporter, const char *today, struct sd_errlist *errs)
{
	struct sub_identity id = { incident_ref, "--incident-ref", reporter,
		"the one derived from the organisation secret", 0, NULL, NULL };

	return sub_report_finish_as(r, &id, today, errs);
}

int
sub_report_set_mailbox(sub_report *r, const uint8_t pk[32])
{
	char b64[SD_B64_LEN(32)];

	sd_b64_encode(b64, sizeof(b64), pk, 32);
	return json_object_set_new(r->details, SD_DETAILS_MAILBOX,
	    json_string(b64)) == 0 ? SD_OK : SD_E_NOMEM;
}

int
sub_report_sections(sub_report *r, struct sd_section_in *sec, size_t *n)
{
	size_t i, k = 0;
	int rc;

	wipe_free(r->stats_txt, r->stats_len);
	wipe_free(r->details_txt, r->details_len);
	r->stats_txt = r->details_txt = NULL;
	r->stats_len = r->details_len = 0;
	if ((rc = serialise(r->stats, SD_STATS_MAX, &r->stats_txt,
	    &r->stats_len)) != SD_OK)
		return rc;
	sec[k++] = (struct sd_section_in){ SD_SEC_STATS, r->stats_txt,
	    r->stats_len };
	if (json_object_size(r->details) > 0) {
		if ((rc = serialise(r->details, SD_DETAILS_MAX, &r->details_txt,
		    &r->details_len)) != SD_OK)
			return rc;
		sec[k++] = (struct sd_section_in){ SD_SEC_DETAILS,
		    r->details_txt, r->details_len };
	}
	for (i = 0; i < r->n_att; i++)
		sec[k++] = (struct sd_section_in){ SD_SEC_ATTACHMENT,
		    r->att[i].plain, r->att[i].len };
	*n = k;
	return SD_OK;
}

/* The schema names the field at the start of each message ("sector: ..."
 * or "secret_types[1]: ..."). */
static int
names_field(const char *msg, const char *name)
{
	size_t n = strlen(name);

	return strncmp(msg, name, n) == 0 &&
	    (msg[n] == ':' || msg[n] == '[' || msg[n] == ' ' || msg[n] == '.');
}

int
sub_field_check(enum sd_part part, const char *name, json_t *value,
    const char *today, char *why, size_t cap)
{
	struct sd_errlist *e = NULL;
	json_t *obj = NULL;
	size_t i;
	int ok = 0;

	why[0] = '\0';
	e = calloc(1, sizeof(*e));
	obj = json_object();
	if (e == NULL || obj == NULL || json_object_set(obj, name, value) != 0) {
		snprintf(why, cap, "out of memory");
		goto out;
	}
	ok = 1;
	sd_schema_validate(part, obj, today, e);
	for (i = 0; i < e->n && i < SD_SCHEMA_MAX_ERRORS; i++) {
		if (names_field(e->msg[i], name)) {
			snprintf(why, cap, "%s", e->msg[i]);
			ok = 0;
			break;
		}
	}
out:
	json_decref(obj);
	free(e);
	return ok;
}
