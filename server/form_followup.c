/* The follow-up page without JavaScript (docs/followup.md): the form that
 * takes the follow-up code, the messages of its mailbox as opened on the
 * server, each verified one with a form to answer it, and the receipt of an
 * answer. A message that is not verified is marked so and never shown as
 * the analysts'. */
#include "form_internal.h"

#include "sd_err.h"
#include "sd_mailbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* TRANSLATORS: {n} is a number of days. */
#define M_RETENTION N_("Messages from the analysts are deleted {n} days " \
	"after they reach this service.")
/* TRANSLATORS: the size of an attached file; {size} is a number. */
#define M_BYTES N_("{size} bytes")

static int
add_files(const sd_web *w, const char *lang, const sd_msg *m, json_t *o)
{
	json_t *arr = json_array(), *f = NULL;
	const struct sd_msg_attachment *a = NULL;
	char num[32], size[96];
	size_t i, n = sd_msg_n_attachments(m);

	if (arr == NULL || json_object_set_new(o, "files", arr) ||
	    json_object_set_new(o, "has_files", json_boolean(n > 0)))
		return SD_E_NOMEM;
	for (i = 0; i < n; i++) {
		a = sd_msg_attachment(m, i);
		snprintf(num, sizeof(num), "%zu", a->len);
		if (web_tr_subst(w, lang, M_BYTES, "{size}", num, size,
		    sizeof(size)) != SD_OK)
			return SD_E_TOOBIG;
		if ((f = json_object()) == NULL ||
		    json_array_append_new(arr, f) ||
		    web_set_str(f, "name", a->name) ||
		    web_set_str(f, "size", size))
			return SD_E_NOMEM;
	}
	return SD_OK;
}

/* The answer typed for this message, when the post that came back named
 * it: kept with its message. */
static int
add_answer(const struct sd_followup_view *v, const sd_msg *m, json_t *o)
{
	int mine = v->reply_to != NULL && strcmp(v->reply_to, sd_msg_id(m)) == 0;

	if (web_set_strn(o, "answer", mine && v->answer ? v->answer : "",
	    mine && v->answer ? v->answer_len : 0) ||
	    web_set_str(o, "err", mine && v->answer_error ? v->answer_error :
	    ""))
		return SD_E_NOMEM;
	return SD_OK;
}

static int
add_message(const sd_web *w, const char *lang,
    const struct sd_followup_view *v, const sd_msg *m, json_t *arr)
{
	json_t *o = json_object();
	const char *why = sd_msg_why(m);
	const char *text = NULL;
	size_t len = 0;
	int rc;

	if (o == NULL || json_array_append_new(arr, o))
		return SD_E_NOMEM;
	text = sd_msg_text(m, &len);
	if (web_set_str(o, "id", sd_msg_id(m)) ||
	    web_set_str(o, "sent", sd_msg_sent(m)) ||
	    web_set_strn(o, "text", text, len) ||
	    web_set_str(o, "why", why != NULL ? why : "") ||
	    json_object_set_new(o, "verified",
	    json_boolean(sd_msg_verified(m))))
		return SD_E_NOMEM;
	if ((rc = add_files(w, lang, m, o)) != SD_OK)
		return rc;
	return add_answer(v, m, o);
}

static int
add_list(const sd_web *w, const char *lang, const struct sd_followup_view *v,
    json_t *data)
{
	json_t *arr = json_array();
	size_t i;
	int rc;

	if (arr == NULL || json_object_set_new(data, "messages", arr) ||
	    web_set_str(data, "code", v->code != NULL ? v->code : ""))
		return SD_E_NOMEM;
	for (i = 0; i < v->n_msgs; i++)
		if ((rc = add_message(w, lang, v, v->msgs[i], arr)) != SD_OK)
			return rc;
	return SD_OK;
}

#define M_HEADING_SENT N_("Your answer has been received")
#define M_HEADING_LIST N_("Messages for your report")
#define M_HEADING_ASK N_("Read and answer questions about a report")
#define M_NO_ANSWER N_("The service did not answer. Check your " \
	"connection, wait a minute and try again.")

static const char *
heading_of(const struct sd_followup_view *v)
{
	if (v->receipt != NULL)
		return M_HEADING_SENT;
	if (v->list)
		return M_HEADING_LIST;
	return M_HEADING_ASK;
}

/* What the page's script needs (sealdrop-followup-page.js): the authority
 * key it pins and its texts in the page language. */
static int
script_data(const sd_web *w, const char *lang,
    const struct sd_followup_view *v, json_t *data)
{
	static const struct form_msg texts[] = {
		{ "not_code", SD_M_NOT_A_CODE },
		{ "text_empty", M_TEXT_EMPTY }, { "text_long", M_TEXT_LONG },
		{ "text_bad", M_TEXT_BAD }, { "no_answer", M_NO_ANSWER },
		{ "heading_list", M_HEADING_LIST },
		{ "heading_sent", M_HEADING_SENT }, { "bytes", M_BYTES },
	};
	static const char *const sealer[] = { "authority", "bad_channel",
	    "bad_receipt", "refused", "error_title" };
	json_t *d = json_object(), *ui = json_object();
	char *s = NULL;
	size_t i;
	int rc = SD_E_NOMEM;

	if (d == NULL || ui == NULL || json_object_set(d, "ui", ui) ||
	    web_set_str(d, "authority", v->authority_b64) ||
	    web_set_str(d, "lang", lang) ||
	    (v->previous_channel != NULL &&
	    web_set_str(d, "previous", v->previous_channel)))
		goto done;
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		if (web_set_str(ui, texts[i].key, web_tr(w, lang, texts[i].msgid)))
			goto done;
	for (i = 0; i < sizeof(sealer) / sizeof(sealer[0]); i++)
		if (web_set_str(ui, sealer[i],
		    web_tr(w, lang, form_ui_msgid(sealer[i]))))
			goto done;
	if ((s = json_dumps(d, JSON_COMPACT)) == NULL ||
	    web_set_str(data, "sd_data", s) ||
	    web_set_str(data, "script", "sealdrop-followup-page.js"))
		goto done;
	rc = SD_OK;
done:
	free(s);
	json_decref(ui);
	json_decref(d);
	return rc;
}

int
sd_followup_page(const sd_web *w, const char *lang,
    const struct sd_followup_view *v, sd_buf *out)
{
	json_t *data = json_object();
	const char *title = heading_of(v);
	char action[32], days[16], retention[512];
	int rc = SD_E_NOMEM;

	snprintf(action, sizeof(action), "/followup?lang=%s", lang);
	snprintf(days, sizeof(days), "%u", v->retention_days);
	if (web_tr_subst(w, lang, M_RETENTION, "{n}", days, retention,
	    sizeof(retention)) != SD_OK) {
		rc = SD_E_TOOBIG;
		goto done;
	}
	/* the language menu leads to this page's form, without what a post
	 * brought: the code is never put into a link */
	if (data == NULL || web_set_str(data, "heading", web_tr(w, lang, title)) ||
	    web_set_str(data, "lang_action", "/followup") ||
	    web_set_str(data, "action", action) ||
	    web_set_str(data, "retention", retention) ||
	    json_object_set_new(data, "ask", json_boolean(v->ask)) ||
	    web_set_str(data, "code_error", v->code_error != NULL ?
	    web_tr(w, lang, v->code_error) : "") ||
	    json_object_set_new(data, "list", json_boolean(v->list)) ||
	    json_object_set_new(data, "sent", json_boolean(v->receipt != NULL)) ||
	    web_set_str(data, "receipt", v->receipt ? v->receipt : "") ||
	    web_set_str(data, "day", v->day ? v->day : "") ||
	    json_object_set_new(data, "has_errors",
	    json_boolean(v->code_error != NULL || v->answer_error != NULL)))
		goto done;
	if (v->list && (rc = add_list(w, lang, v, data)) != SD_OK)
		goto done;
	rc = SD_E_NOMEM;
	if (web_set_str(data, "sd_data", ""))
		goto done;
	if (v->ask && v->authority_b64 != NULL && v->authority_b64[0] != '\0' &&
	    (rc = script_data(w, lang, v, data)) != SD_OK)
		goto done;
	rc = web_page(w, lang, title, w->followup, data, out);
done:
	json_decref(data);
	return rc;
}

