/* sd_pot: the texts of the web form that are not marked in C code, as a
 * gettext template for scripts/update-pot.sh.
 *
 *   sd_pot SOURCE_DIR > part.pot
 *
 * Two kinds: the labels, help texts and code labels of the report schema
 * (common/sd_schema.c), read from the schema tables themselves so that each
 * code label gets exactly the msgctxt the server looks it up with (the name
 * of its field); and every {{_ text}} of the templates, with a preceding
 * {{! TRANSLATORS: ...}} comment as a note for translators. The texts
 * marked N_() in server/ are xgettext's part. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sd_schema.h"

#define FILE_MAX (256 * 1024)

static void
po_string(const char *s, size_t n)
{
	size_t i;

	putchar('"');
	for (i = 0; i < n; i++) {
		switch (s[i]) {
		case '"': fputs("\\\"", stdout); break;
		case '\\': fputs("\\\\", stdout); break;
		case '\n': fputs("\\n", stdout); break;
		case '\t': fputs("\\t", stdout); break;
		default: putchar(s[i]);
		}
	}
	putchar('"');
}

static void
entry(const char *note, const char *ref, const char *ctx, const char *id,
    size_t idlen)
{
	if (note != NULL && *note)
		printf("#. %s\n", note);
	printf("#: %s\n", ref);
	if (ctx != NULL) {
		fputs("msgctxt ", stdout);
		po_string(ctx, strlen(ctx));
		putchar('\n');
	}
	fputs("msgid ", stdout);
	po_string(id, idlen);
	fputs("\nmsgstr \"\"\n\n", stdout);
}

static void
schema(void)
{
	static const enum sd_part parts[] = { SD_PART_STATS, SD_PART_DETAILS };
	const struct sd_field *f = NULL;
	char note[512];
	size_t p, i, k, n = 0;

	for (p = 0; p < 2; p++) {
		f = sd_schema_fields(parts[p], &n);
		for (i = 0; i < n; i++) {
			/* the version and the pseudonym are no questions */
			if (f[i].type == SD_FT_CONST ||
			    strcmp(f[i].name, "reporter") == 0)
				continue;
			snprintf(note, sizeof(note), "The question of the report "
			    "field %s.", f[i].name);
			entry(note, "common/sd_schema.c", NULL, f[i].label,
			    strlen(f[i].label));
			/* the incident reference is never asked: no help */
			if (f[i].help != NULL && f[i].type != SD_FT_HEX) {
				snprintf(note, sizeof(note), "Help text under the "
				    "question \"%s\".", f[i].label);
				entry(note, "common/sd_schema.c", NULL, f[i].help,
				    strlen(f[i].help));
			}
			for (k = 0; k < f[i].n_codes; k++) {
				snprintf(note, sizeof(note), "An answer to \"%s\" "
				    "(code %s).", f[i].label, f[i].codes[k].code);
				entry(note, "common/sd_schema.c", f[i].name,
				    f[i].codes[k].label,
				    strlen(f[i].codes[k].label));
			}
		}
	}
}

/* The text of a {{_ ...}} with every run of white space as one space, as
 * the template engine looks it up. */
static size_t
squeeze(const char *s, size_t n, char *out)
{
	size_t i, k = 0;
	int space = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
			space = 1;
			continue;
		}
		if (space && k > 0)
			out[k++] = ' ';
		space = 0;
		out[k++] = s[i];
	}
	out[k] = '\0';
	return k;
}

static int
template(const char *dir, const char *name)
{
	char path[4096], ref[256], *text = NULL, *id = NULL, *note = NULL;
	const char *p = NULL, *end = NULL, *close = NULL;
	size_t n;
	FILE *fp = NULL;
	int rc = 1;

	snprintf(path, sizeof(path), "%s/templates/%s", dir, name);
	if ((fp = fopen(path, "rb")) == NULL ||
	    (text = calloc(1, FILE_MAX + 1)) == NULL ||
	    (id = calloc(1, FILE_MAX + 1)) == NULL ||
	    (note = calloc(1, FILE_MAX + 1)) == NULL) {
		fprintf(stderr, "sd_pot: cannot read %s\n", path);
		goto done;
	}
	n = fread(text, 1, FILE_MAX, fp);
	end = text + n;
	for (p = text; p < end; p++) {
		if (end - p < 3 || p[0] != '{' || p[1] != '{')
			continue;
		if ((close = strstr(p, "}}")) == NULL)
			break;
		if (p[2] == '!') {
			squeeze(p + 3, (size_t)(close - p - 3), note);
			if (strncmp(note, "TRANSLATORS:", 12) != 0)
				note[0] = '\0';
			else
				memmove(note, note + 13, strlen(note + 12));
		} else if (p[2] == '_' && (p[3] == ' ' || p[3] == '\n')) {
			/* no line numbers: the template changes only with the texts */
			snprintf(ref, sizeof(ref), "templates/%s", name);
			entry(note, ref, NULL, id,
			    squeeze(p + 3, (size_t)(close - p - 3), id));
			note[0] = '\0';
		}
		p = close;
	}
	rc = 0;
done:
	if (fp)
		fclose(fp);
	free(text);
	free(id);
	free(note);
	return rc;
}

int
main(int argc, char **argv)
{
	static const char *const templates[] = { "layout.html", "form.html",
	    "receipt.html", "receipt.txt", "error.html", "followup.html" };
	size_t i;
	int rc = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: sd_pot SOURCE_DIR\n");
		return 2;
	}
	printf("msgid \"\"\nmsgstr \"\"\n\"Content-Type: text/plain; "
	    "charset=UTF-8\\n\"\n\n");
	schema();
	for (i = 0; i < sizeof(templates) / sizeof(templates[0]); i++)
		rc |= template(argv[1], templates[i]);
	return rc;
}
