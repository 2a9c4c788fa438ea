/* The receipt a reader keeps: the page after a report is stored (also as
 * an empty copy the browser fills in itself), and the same as a text file
 * with the commands that check its signature. */
#include "form_internal.h"

#include "sd_err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One value of the receipt: the field name the file and the save form use
 * ("slot"), its label and, for a value with a caveat, a note. An empty
 * value is left out of the page (its item is hidden). */
struct item {
	const char *slot;
	const char *label;
	const char *note;
};

static const struct item items[] = {
	{ "receipt", N_("Receipt number"), NULL },
	{ "day", N_("Day received (UTC)"), NULL },
	{ "incident_ref", N_("Incident reference"),
	  N_("Keep it to send a correction of this report later.") },
	{ "signature", N_("Signature"), NULL },
	{ "followup_code", N_("Follow-up code"),
	  N_("Shown only now and kept nowhere by this service. With it you can "
	  "read the questions of the analysts and answer them without saying "
	  "who you are: keep it as safe as a password.") },
};
#define N_ITEMS (sizeof(items) / sizeof(items[0]))

static const char *
value_of(const struct sd_receipt_view *rv, const char *slot)
{
	if (rv == NULL)
		return "";
	if (strcmp(slot, "receipt") == 0)
		return rv->receipt;
	if (strcmp(slot, "day") == 0)
		return rv->day;
	if (strcmp(slot, "incident_ref") == 0)
		return rv->incident_ref;
	if (strcmp(slot, "signature") == 0)
		return rv->signature_b64;
	if (strcmp(slot, "receipt_key") == 0)
		return rv->receipt_key_b64;
	if (strcmp(slot, "followup_code") == 0)
		return rv->followup_code != NULL ? rv->followup_code : "";
	return "";
}

/* "sealdrop-receipt/1 <receipt> <day>", the bytes the signature covers */
static int
signed_text(const struct sd_receipt_view *rv, char *out, size_t cap)
{
	int n;

	if (rv == NULL) {
		out[0] = '\0';
		return SD_OK;
	}
	n = snprintf(out, cap, "sealdrop-receipt/1 %s %s", rv->receipt, rv->day);
	return n < 0 || (size_t)n >= cap ? SD_E_TOOBIG : SD_OK;
}

/* rv NULL: the empty copy for the browser. */
static int
receipt_data(const sd_web *w, const char *lang,
    const struct sd_receipt_view *rv, json_t *data)
{
	json_t *arr = json_array(), *o = NULL;
	char action[32], st[128];
	size_t i;

	if (arr == NULL || json_object_set_new(data, "items", arr))
		return SD_E_NOMEM;
	for (i = 0; i < N_ITEMS; i++) {
		if ((o = json_object()) == NULL || json_array_append_new(arr, o) ||
		    web_set_str(o, "slot", items[i].slot) ||
		    web_set_str(o, "label", web_tr(w, lang, items[i].label)) ||
		    web_set_str(o, "value", value_of(rv, items[i].slot)) ||
		    web_set_str(o, "note", items[i].note ?
		    web_tr(w, lang, items[i].note) : ""))
			return SD_E_NOMEM;
	}
	snprintf(action, sizeof(action), "/receipt?lang=%s", lang);
	if (signed_text(rv, st, sizeof(st)) != SD_OK)
		return SD_E_TOOBIG;
	if (web_set_str(data, "save_action", action) ||
	    web_set_str(data, "signed_text", st) ||
	    web_set_str(data, "receipt_key", value_of(rv, "receipt_key")) ||
	    web_set_str(data, "lang", lang) ||
	    json_object_set_new(data, "checked", json_false()))
		return SD_E_NOMEM;
	return SD_OK;
}

int
sd_receipt_page(const sd_web *w, const char *lang,
    const struct sd_receipt_view *rv, sd_buf *out)
{
	json_t *data = json_object();
	int rc = SD_E_NOMEM;

	/* the language menu submits the receipt to the page in the other
	 * language: leaving by a link would lose it */
	if (data == NULL || web_set_str(data, "lang_form", "receipt-form") ||
	    web_set_str(data, "lang_action", "/receipt") ||
	    web_set_str(data, "lang_note", web_tr(w, lang, N_("Your receipt "
	    "stays on the page when you change the language."))))
		goto done;
	if ((rc = receipt_data(w, lang, rv, data)) != SD_OK)
		goto done;
	rc = web_page(w, lang, N_("Your report has been received"), w->receipt,
	    data, out);
done:
	json_decref(data);
	return rc;
}

int
form_receipt_slots(const sd_web *w, const char *lang, sd_buf *out)
{
	json_t *data = json_object();
	int rc = SD_E_NOMEM;

	if (data != NULL && (rc = receipt_data(w, lang, NULL, data)) == SD_OK)
		rc = web_render(w, lang, w->receipt, data, out);
	json_decref(data);
	return rc;
}

/* The template engine escapes for HTML; a text file wants the characters
 * back. Only the five the escaper writes are undone. */
static void
unescape_html(sd_buf *b)
{
	static const char *const ent[][2] = {
		{ "&amp;", "&" }, { "&lt;", "<" }, { "&gt;", ">" },
		{ "&quot;", "\"" }, { "&#39;", "'" },
	};
	char *s = (char *)b->data;
	size_t i = 0, o = 0, k, n;

	if (s == NULL)
		return;
	while (i < b->len) {
		for (k = 0; k < sizeof(ent) / sizeof(ent[0]); k++) {
			n = strlen(ent[k][0]);
			if (b->len - i >= n && memcmp(s + i, ent[k][0], n) == 0)
				break;
		}
		if (k < sizeof(ent) / sizeof(ent[0])) {
			s[o++] = ent[k][1][0];
			i += strlen(ent[k][0]);
		} else {
			s[o++] = s[i++];
		}
	}
	memset(s + o, 0, b->len - o);
	b->len = o;
}

static int
text_file(const sd_web *w, const char *lang, json_t *data, sd_buf *out)
{
	int rc = web_render(w, lang, w->receipt_text, data, out);

	if (rc == SD_OK)
		unescape_html(out);
	return rc;
}

int
sd_receipt_text(const sd_web *w, const char *lang,
    const struct sd_receipt_view *rv, sd_buf *out)
{
	json_t *data = json_object();
	char st[128];
	int rc = SD_E_NOMEM;

	if (signed_text(rv, st, sizeof(st)) != SD_OK) {
		rc = SD_E_TOOBIG;
		goto done;
	}
	if (data == NULL || web_set_str(data, "receipt", rv->receipt) ||
	    web_set_str(data, "day", rv->day) ||
	    web_set_str(data, "incident_ref", rv->incident_ref) ||
	    web_set_str(data, "signature", rv->signature_b64) ||
	    web_set_str(data, "signed_text", st) ||
	    web_set_str(data, "receipt_key", rv->receipt_key_b64) ||
	    web_set_str(data, "followup_code", value_of(rv, "followup_code")))
		goto done;
	rc = text_file(w, lang, data, out);
done:
	json_decref(data);
	return rc;
}

int
form_receipt_text_template(const sd_web *w, const char *lang, sd_buf *out)
{
	static const char *const slots[] = { "receipt", "day", "incident_ref",
	    "signature", "signed_text", "receipt_key", "followup_code" };
	json_t *data = json_object();
	char ph[32];
	size_t i;
	int rc = SD_E_NOMEM;

	if (data == NULL)
		goto done;
	for (i = 0; i < sizeof(slots) / sizeof(slots[0]); i++) {
		snprintf(ph, sizeof(ph), "{%s}", slots[i]);
		if (web_set_str(data, slots[i], ph))
			goto done;
	}
	rc = text_file(w, lang, data, out);
done:
	json_decref(data);
	return rc;
}
