/* The form in steps (GOV.UK's question pages and "check your answers"):
 * which schema members each step asks, and where a post without
 * JavaScript goes next. Every page carries every answer in its fields
 * (the steps not shown are hidden), so moving between steps stores
 * nothing anywhere. */
#include "form_internal.h"

#include "sd_err.h"
#include "sd_org.h"
#include "sd_schema.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const step_organisation[] = {
	"member_state", "organisation", "sector", "size_class", "reporter",
	NULL,
};
static const char *const step_taken[] = {
	"secret_types", "discovered", NULL,
};
static const char *const step_how[] = {
	"attack_vectors", "actor", "actor_origin", NULL,
};
static const char *const step_impact[] = {
	"loss_eur", "jobs_at_risk", "reported_to_police", NULL,
};
static const char *const step_details[] = {
	"narrative", "contact", "consent_law_enforcement", NULL,
};

#define STATS_INTRO N_("These answers go into the statistical part of your " \
	"report. It is sealed for the statistical analysts of the EU bodies, " \
	"who publish only EU-level figures that never show a single " \
	"organisation.")

const struct form_step form_steps[SD_FORM_STEPS] = {
	{ "organisation", N_("About your organisation"), STATS_INTRO,
	  step_organisation, 0 },
	{ "taken", N_("What was taken"), STATS_INTRO, step_taken, 0 },
	{ "how", N_("How it was taken"), STATS_INTRO, step_how, 0 },
	{ "impact", N_("The impact"), STATS_INTRO, step_impact, 0 },
	{ "details", N_("Details you may share"),
	  N_("This part is sealed separately, together with any files. Only "
	  "the investigators who hold the details key can read it; it never "
	  "reaches any statistic."),
	  step_details, 1 },
};

int
form_step_of(const char *field)
{
	size_t i, k;

	if (field == NULL)
		return 0;
	if (strcmp(field, SD_FORM_ORG_CODE_FIELD) == 0)
		field = "reporter";
	for (i = 0; i < SD_FORM_STEPS; i++)
		for (k = 0; form_steps[i].fields[k] != NULL; k++)
			if (strcmp(form_steps[i].fields[k], field) == 0)
				return (int)i + 1;
	return 0;
}

void
sd_form_view_init(struct sd_form_view *v, const char *authority_b64)
{
	memset(v, 0, sizeof(*v));
	v->step = 1;
	if (authority_b64 != NULL)
		snprintf(v->authority_b64, sizeof(v->authority_b64), "%s",
		    authority_b64);
}

int
sd_form_step_of_errors(const struct sd_form_errors *errs)
{
	int best = 0, s;
	size_t i;

	for (i = 0; errs != NULL && i < errs->n; i++) {
		if (strcmp(errs->e[i].field, SD_FORM_ATTACHMENT_FIELD) == 0)
			s = SD_FORM_REVIEW;
		else if ((s = form_step_of(errs->e[i].field)) == 0)
			s = 1;   /* a hidden member: shown in the summary */
		if (best == 0 || s < best)
			best = s;
	}
	return best == 0 ? 1 : best;
}

/* "1".."5" or "review": the step number; 0 otherwise. */
static int
parse_step(const char *v)
{
	if (v == NULL)
		return 0;
	if (strcmp(v, "review") == 0)
		return SD_FORM_REVIEW;
	if (v[0] >= '1' && v[0] < '1' + SD_FORM_STEPS && v[1] == '\0')
		return v[0] - '0';
	return 0;
}

/* The first step before target with a wrong answer, its messages in errs;
 * 0 when every one is right. */
static int
first_wrong(const sd_web *w, const char *lang, const sd_form_input *in,
    const char *today, int target, struct sd_form_errors *errs, int *rc)
{
	int s;

	for (s = 1; s < target && s <= SD_FORM_STEPS; s++) {
		if ((*rc = form_check_step(w, lang, in, today, s, errs)) != SD_OK)
			return s;
		if (errs->n > 0)
			return s;
	}
	return 0;
}

static void
new_code(struct sd_form_view *view)
{
	uint8_t secret[SD_ORG_SECRET_BYTES];
	char code[SD_ORG_CODE_LEN];

	randombytes_buf(secret, sizeof(secret));
	sd_org_code_encode(code, secret);
	snprintf(view->new_code, sizeof(view->new_code), "%s", code);
	sodium_memzero(secret, sizeof(secret));
	sodium_memzero(code, sizeof(code));
}

enum sd_form_next
sd_form_navigate(const sd_web *w, const char *lang, const sd_form_input *in,
    const char *today, struct sd_form_view *view,
    struct sd_form_errors *errs)
{
	const char *go = sd_form_input_get(in, SD_FORM_GO_FIELD, NULL);
	const char *cur = sd_form_input_get(in, SD_FORM_STEP_FIELD, NULL);
	const char *fr = sd_form_input_get(in, SD_FORM_FROM_REVIEW_FIELD, NULL);
	int current = cur != NULL ? parse_step(cur) : 1;
	int target, wrong, rc = SD_OK;

	errs->n = 0;
	view->new_code[0] = '\0';
	view->from_review = 0;
	if (go == NULL || strcmp(go, "send") == 0)
		return SD_FORM_NEXT_SEND;
	if (current == 0)
		return SD_FORM_NEXT_BAD;
	view->step = current;
	if (strcmp(go, "stay") == 0) {
		/* another language: the same step, nothing checked */
		view->from_review = fr != NULL && strcmp(fr, "1") == 0;
		return SD_FORM_NEXT_SHOW;
	}
	if (strcmp(go, "newcode") == 0) {
		new_code(view);
		view->from_review = fr != NULL && strcmp(fr, "1") == 0;
		return SD_FORM_NEXT_SHOW;
	}
	if ((target = parse_step(go)) == 0)
		return SD_FORM_NEXT_BAD;
	/* a change asked from the review comes back to it */
	if (current == SD_FORM_REVIEW && target < SD_FORM_REVIEW)
		view->from_review = 1;
	else if (target < SD_FORM_REVIEW)
		view->from_review = fr != NULL && strcmp(fr, "1") == 0;
	if (target <= current) {
		view->step = target;
		return SD_FORM_NEXT_SHOW;
	}
	wrong = first_wrong(w, lang, in, today, target, errs, &rc);
	if (rc != SD_OK)
		return SD_FORM_NEXT_BAD;
	view->step = wrong != 0 ? wrong : target;
	return SD_FORM_NEXT_SHOW;
}
