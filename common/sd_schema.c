#include "sd_schema.h"
#include "sd_encode.h"
#include "sd_err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Same value as SD_STATS_MAX in crypto/sd_envelope.h: a stats section
 * never holds more plaintext than this, so neither does its JSON text.
 * common/ must not reach into crypto/, hence the copy. */
#define SD_REPORT_JSON_MAX (64 * 1024)

/* Longest piece of user input quoted back in an error message. */
#define QUOTE_MAX 32

#define NCODES(a) (sizeof(a) / sizeof((a)[0]))

static const struct sd_code schema_id[] = {
	{ SD_SCHEMA_ID, "Report format version 1" },
};

static const struct sd_code followup_id[] = {
	{ SD_FOLLOWUP_SCHEMA_ID, "Follow-up answer format version 1" },
};

/* Eurostat order and codes (Greece is EL, not GR). */
static const struct sd_code member_states[] = {
	{ "BE", "Belgium" }, { "BG", "Bulgaria" }, { "CZ", "Czechia" },
	{ "DK", "Denmark" }, { "DE", "Germany" }, { "EE", "Estonia" },
	{ "IE", "Ireland" }, { "EL", "Greece" }, { "ES", "Spain" },
	{ "FR", "France" }, { "HR", "Croatia" }, { "IT", "Italy" },
	{ "CY", "Cyprus" }, { "LV", "Latvia" }, { "LT", "Lithuania" },
	{ "LU", "Luxembourg" }, { "HU", "Hungary" }, { "MT", "Malta" },
	{ "NL", "Netherlands" }, { "AT", "Austria" }, { "PL", "Poland" },
	{ "PT", "Portugal" }, { "RO", "Romania" }, { "SI", "Slovenia" },
	{ "SK", "Slovakia" }, { "FI", "Finland" }, { "SE", "Sweden" },
};

static const struct sd_code organisations[] = {
	{ "company", "Company" },
	{ "research_organisation", "Research organisation" },
	{ "university", "University or other higher-education institution" },
	{ "public_body", "Public body" },
	{ "other", "Other kind of organisation" },
};

/* Section titles of NACE Rev. 2.1 (Delegated Regulation (EU) 2023/137),
 * which re-letters everything after J compared with NACE Rev. 2. */
static const struct sd_code nace_sections[] = {
	{ "A", "Agriculture, forestry and fishing" },
	{ "B", "Mining and quarrying" },
	{ "C", "Manufacturing" },
	{ "D", "Electricity, gas, steam and air conditioning supply" },
	{ "E", "Water supply, sewerage, waste management and remediation "
	    "activities" },
	{ "F", "Construction" },
	{ "G", "Wholesale and retail trade" },
	{ "H", "Transportation and storage" },
	{ "I", "Accommodation and food service activities" },
	{ "J", "Publishing, broadcasting, and content production and "
	    "distribution activities" },
	{ "K", "Telecommunication, computer programming, consulting, computing "
	    "infrastructure, and other information service activities" },
	{ "L", "Financial and insurance activities" },
	{ "M", "Real estate activities" },
	{ "N", "Professional, scientific and technical activities" },
	{ "O", "Administrative and support service activities" },
	{ "P", "Public administration and defence; compulsory social security" },
	{ "Q", "Education" },
	{ "R", "Human health and social work activities" },
	{ "S", "Arts, sports and recreation" },
	{ "T", "Other service activities" },
	{ "U", "Activities of households as employers and undifferentiated "
	    "goods- and service-producing activities of households for own use" },
	{ "V", "Activities of extraterritorial organisations and bodies" },
};

/* Thresholds of Recommendation 2003/361/EC, so that the reader can pick
 * the class without looking it up. */
static const struct sd_code size_classes[] = {
	{ "micro", "Micro enterprise: fewer than 10 staff and turnover or "
	    "balance sheet total of at most EUR 2 million" },
	{ "small", "Small enterprise: fewer than 50 staff and turnover or "
	    "balance sheet total of at most EUR 10 million" },
	{ "medium", "Medium-sized enterprise: fewer than 250 staff and turnover "
	    "of at most EUR 50 million or balance sheet total of at most "
	    "EUR 43 million" },
	{ "large", "Large enterprise: 250 staff or more, or above the "
	    "medium-sized limits" },
};

static const struct sd_code secret_types[] = {
	{ "technical.product_design",
	    "Technical: product designs, drawings or specifications" },
	{ "technical.manufacturing_process",
	    "Technical: manufacturing processes, recipes or formulas" },
	{ "technical.source_code", "Technical: software source code or algorithms" },
	{ "technical.research_data", "Technical: research and development results" },
	{ "commercial.customer_data", "Commercial: customer or supplier lists and data" },
	{ "commercial.pricing", "Commercial: prices, offers or tenders" },
	{ "commercial.strategy", "Commercial: business plans and strategy" },
	{ "commercial.financial", "Commercial: financial information that is not public" },
	{ "other", "Another kind of secret" },
};

/* Action categories of VERIS, plus the supply chain as its own path. */
static const struct sd_code attack_vectors[] = {
	{ "hacking", "Hacking: break-in through networks or systems, or with "
	    "stolen passwords" },
	{ "malware", "Malware: malicious software such as spyware, ransomware "
	    "or a backdoor" },
	{ "social", "Social engineering: phishing, pretexting or someone "
	    "pretending to be a colleague or partner" },
	{ "misuse", "Misuse: abuse of access by someone who had been given it" },
	{ "physical", "Physical: theft of devices or documents, or entry into "
	    "the premises" },
	{ "error", "Error: a mistake exposed the information, for example a "
	    "wrongly configured server" },
	{ "supply_chain", "Supply chain: through a supplier, a service provider "
	    "or a software update" },
	{ "unknown", "Unknown" },
};

static const struct sd_code actors[] = {
	{ "nation_state", "A foreign state, for example its intelligence service" },
	{ "state_affiliated", "A group working for or supported by a state" },
	{ "competitor", "A competitor" },
	{ "organised_crime", "Organised crime" },
	{ "former_employee", "A former employee" },
	{ "current_employee", "A current employee" },
	{ "partner", "A business partner, supplier or customer" },
	{ "activist", "Activists" },
	{ "unknown", "Unknown" },
};

static const struct sd_code actor_origins[] = {
	{ "eu", "Inside the EU" },
	{ "non_eu", "Outside the EU" },
	{ "unknown", "Unknown" },
};

#define CODES(a) (a), NCODES(a)

static const struct sd_field stats_fields[] = {
	{ "schema", SD_FT_CONST, 1, CODES(schema_id), 0,
	    "Report format",
	    "The version of the report format. Leave it as it is.", 0 },
	{ "incident_ref", SD_FT_HEX, 1, NULL, 0, 32,
	    "Incident reference",
	    "A random number that identifies this incident. Keep it if you "
	    "want to send a corrected report later.", 0 },
	{ "reporter", SD_FT_HEX, 0, NULL, 0, 64,
	    "Reporter pseudonym",
	    "An optional code derived from a secret your organisation keeps. "
	    "It lets several reports be counted as coming from one organisation "
	    "without saying which one.", 0 },
	{ "member_state", SD_FT_CODE, 1, CODES(member_states), 0,
	    "Member State",
	    "The EU country where the affected organisation is established.", 1 },
	{ "organisation", SD_FT_CODE, 1, CODES(organisations), 0,
	    "Type of organisation",
	    "The kind of organisation whose secret was taken.", 1 },
	{ "sector", SD_FT_CODE, 1, CODES(nace_sections), 0,
	    "Sector of activity",
	    "The main economic activity of the organisation (NACE Rev. 2.1 "
	    "section).", 1 },
	{ "size_class", SD_FT_CODE, 1, CODES(size_classes), 0,
	    "Size of the organisation",
	    "The size class of the organisation as defined by the EU for small "
	    "and medium-sized enterprises.", 1 },
	{ "discovered", SD_FT_QUARTER, 1, NULL, 0, 0,
	    "Quarter of discovery",
	    "The quarter of the year in which the theft was discovered, for "
	    "example 2026-Q1.", 1 },
	{ "secret_types", SD_FT_CODES, 1, CODES(secret_types), 0,
	    "Types of secret taken",
	    "Choose every kind of information that was taken.", 1 },
	{ "attack_vectors", SD_FT_CODES, 1, CODES(attack_vectors), 0,
	    "How the secret was taken",
	    "Choose every method that was used, as far as you know.", 1 },
	{ "actor", SD_FT_CODE, 1, CODES(actors), 0,
	    "Who took the secret",
	    "The kind of actor you believe to be responsible.", 1 },
	{ "actor_origin", SD_FT_CODE, 1, CODES(actor_origins), 0,
	    "Where the actor is based",
	    "Whether you believe the actor is based inside or outside the EU.", 1 },
	{ "loss_eur", SD_FT_UINT, 0, NULL, 0, UINT64_C(1000000000000000),
	    "Estimated loss in euros",
	    "Your best estimate of the total loss in whole euros, including lost "
	    "sales. Leave it out if you cannot estimate it.", 0 },
	{ "jobs_at_risk", SD_FT_UINT, 0, NULL, 0, UINT64_C(10000000),
	    "Jobs at risk",
	    "How many jobs in your organisation are at risk because of the "
	    "theft. Leave it out if you cannot estimate it.", 0 },
	{ "reported_to_police", SD_FT_BOOL, 1, NULL, 0, 0,
	    "Reported to the police",
	    "Whether the theft has been reported to the police or a prosecutor.", 1 },
};

static const struct sd_field details_fields[] = {
	{ "narrative", SD_FT_TEXT, 1, NULL, 0, 100000,
	    "What happened",
	    "Describe what happened, in your own words. Only the investigators "
	    "who hold the details key can read this.", 0 },
	{ "contact", SD_FT_TEXT, 0, NULL, 0, 2000,
	    "Contact",
	    "How the investigators can reach you if they have questions. Leave "
	    "it empty to stay anonymous.", 0 },
	{ "consent_law_enforcement", SD_FT_BOOL, 0, NULL, 0, 0,
	    "Consent to share with law enforcement",
	    "Whether the details may be passed to law enforcement authorities.", 0 },
};

/* Not in details_fields: see SD_DETAILS_MAILBOX. */
static const struct sd_field details_mailbox = {
	SD_DETAILS_MAILBOX, SD_FT_KEY, 0, NULL, 0, 32,
	"Follow-up mailbox",
	"The public key of the mailbox where the analysts can leave questions. "
	"Filled in when the report is sealed.", 0 };

static const struct sd_field followup_stats_fields[] = {
	{ "schema", SD_FT_CONST, 1, CODES(followup_id), 0,
	    "Answer format", NULL, 0 },
};

static const struct sd_field followup_details_fields[] = {
	{ "schema", SD_FT_CONST, 1, CODES(followup_id), 0,
	    "Answer format", NULL, 0 },
	{ SD_DETAILS_MAILBOX, SD_FT_KEY, 1, NULL, 0, 32,
	    "Follow-up mailbox",
	    "The mailbox of the report this answer belongs to.", 0 },
	{ "in_reply_to", SD_FT_HEX, 0, NULL, 0, 32,
	    "Answer to",
	    "The id of the analysts' message this answers.", 0 },
	{ "text", SD_FT_TEXT, 1, NULL, 0, 100000,
	    "Answer",
	    "What you want to tell the analysts.", 0 },
};

/* The code bit masks of struct sd_report hold 32 codes at most. */
_Static_assert(NCODES(secret_types) <= 32, "secret_types mask too small");
_Static_assert(NCODES(attack_vectors) <= 32, "attack_vectors mask too small");
_Static_assert(NCODES(member_states) == 27, "27 Member States");
_Static_assert(NCODES(nace_sections) == 22, "NACE Rev. 2.1 has A to V");

const struct sd_field *
sd_schema_fields(enum sd_part part, size_t *n)
{
	const struct sd_field *f = NULL;
	size_t count = 0;

	switch (part) {
	case SD_PART_STATS:
		f = stats_fields;
		count = NCODES(stats_fields);
		break;
	case SD_PART_DETAILS:
		f = details_fields;
		count = NCODES(details_fields);
		break;
	case SD_PART_FOLLOWUP_STATS:
		f = followup_stats_fields;
		count = NCODES(followup_stats_fields);
		break;
	case SD_PART_FOLLOWUP_DETAILS:
		f = followup_details_fields;
		count = NCODES(followup_details_fields);
		break;
	}
	if (n != NULL)
		*n = count;
	return f;
}

const struct sd_field *
sd_schema_field(enum sd_part part, const char *name)
{
	const struct sd_field *f = NULL;
	size_t n = 0, i;

	if (name == NULL)
		return NULL;
	f = sd_schema_fields(part, &n);
	for (i = 0; i < n; i++)
		if (strcmp(f[i].name, name) == 0)
			return &f[i];
	return NULL;
}

/* Length-aware, so that a JSON string with an embedded NUL never matches
 * a code that is its prefix. */
static int
code_index_n(const struct sd_field *f, const char *s, size_t len)
{
	size_t i;

	if (f == NULL || f->codes == NULL || s == NULL)
		return -1;
	for (i = 0; i < f->n_codes; i++)
		if (strlen(f->codes[i].code) == len &&
		    memcmp(f->codes[i].code, s, len) == 0)
			return (int)i;
	return -1;
}

int
sd_schema_code_index(const struct sd_field *f, const char *code)
{
	if (code == NULL)
		return -1;
	return code_index_n(f, code, strlen(code));
}

/* Step back from the end of a truncated message to a UTF-8 boundary and
 * mark the cut, so a reader sees the message was shortened. */
static void
mark_truncated(char *m, size_t cap)
{
	size_t end = cap - 4;

	while (end > 0 && ((unsigned char)m[end] & 0xC0) == 0x80)
		end--;
	memcpy(m + end, "...", 4);
}

void
sd_errlist_add(struct sd_errlist *e, const char *fmt, ...)
{
	va_list ap;
	char *m = NULL;
	int r;

	if (e == NULL || fmt == NULL || e->n >= SD_SCHEMA_MAX_ERRORS)
		return;
	m = e->msg[e->n];
	va_start(ap, fmt);
	r = vsnprintf(m, sizeof(e->msg[0]), fmt, ap);
	va_end(ap);
	if (r < 0) {
		snprintf(m, sizeof(e->msg[0]), "(error message could not be formatted)");
	} else if ((size_t)r >= sizeof(e->msg[0])) {
		mark_truncated(m, sizeof(e->msg[0]));
	}
	e->n++;
}

/* User input quoted in a message is cut short and reduced to printable
 * ASCII: messages end up on terminals, in logs and in web pages. */
static const char *
sanitise(char *out, size_t cap, const char *s, size_t len)
{
	size_t i, n = len < cap - 4 ? len : cap - 4;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		out[i] = (c >= 0x20 && c < 0x7F) ? (char)c : '?';
	}
	if (len > n) {
		memcpy(out + n, "...", 3);
		n += 3;
	}
	out[n] = '\0';
	return out;
}

static const char *
quote(char out[QUOTE_MAX + 4], const char *s, size_t len)
{
	return sanitise(out, QUOTE_MAX + 4, s, len);
}

/* Number of code points in s, or -1 when s is not well-formed UTF-8
 * (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF)
 * or contains NUL. */
static long long
utf8_count(const unsigned char *s, size_t len)
{
	size_t i = 0;
	long long n = 0;

	while (i < len) {
		unsigned char c = s[i];
		size_t k, need;
		unsigned long cp, min;

		if (c == 0)
			return -1;
		if (c < 0x80) {
			i++;
			n++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF) {
			need = 1; cp = c & 0x1Fu; min = 0x80;
		} else if (c >= 0xE0 && c <= 0xEF) {
			need = 2; cp = c & 0x0Fu; min = 0x800;
		} else if (c >= 0xF0 && c <= 0xF4) {
			need = 3; cp = c & 0x07u; min = 0x10000;
		} else {
			return -1;
		}
		if (len - i - 1 < need)
			return -1;
		for (k = 1; k <= need; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return -1;
			cp = (cp << 6) | (s[i + k] & 0x3Fu);
		}
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return -1;
		i += need + 1;
		n++;
	}
	return n;
}

struct vctx {
	struct sd_errlist *errs;
	int today_year;
	int today_quarter;
};

/* What a value of a code field must be, for "'x' is not ...". */
static void
bad_code(struct vctx *c, const struct sd_field *f, const char *s, size_t len)
{
	char q[QUOTE_MAX + 4];
	char list[160];
	size_t i, off = 0;

	quote(q, s, len);
	if (strcmp(f->name, "sector") == 0) {
		sd_errlist_add(c->errs, "%s: '%s' is not a NACE Rev. 2.1 section "
		    "(A to V)", f->name, q);
		return;
	}
	if (strcmp(f->name, "member_state") == 0) {
		sd_errlist_add(c->errs, "%s: '%s' is not the Eurostat code of an EU "
		    "Member State (such as DE or FR; Greece is EL)", f->name, q);
		return;
	}
	if (strcmp(f->name, "secret_types") == 0) {
		sd_errlist_add(c->errs, "%s: '%s' is not a listed type of secret "
		    "(such as technical.source_code or commercial.pricing)",
		    f->name, q);
		return;
	}
	list[0] = '\0';
	for (i = 0; i < f->n_codes && off < sizeof(list); i++) {
		int r = snprintf(list + off, sizeof(list) - off, "%s%s",
		    i == 0 ? "" : ", ", f->codes[i].code);

		if (r < 0)
			break;
		off += (size_t)r;
	}
	sd_errlist_add(c->errs, "%s: '%s' is not one of: %s", f->name, q, list);
}

static void
check_const(struct vctx *c, const struct sd_field *f, const json_t *v)
{
	if (!json_is_string(v) ||
	    code_index_n(f, json_string_value(v), json_string_length(v)) != 0)
		sd_errlist_add(c->errs, "%s: must be \"%s\"", f->name,
		    f->codes[0].code);
}

static void
check_hex(struct vctx *c, const struct sd_field *f, const json_t *v)
{
	const char *s = NULL;
	size_t len, i;

	if (!json_is_string(v)) {
		sd_errlist_add(c->errs, "%s: must be a text of %llu lower-case "
		    "hexadecimal characters", f->name, (unsigned long long)f->max);
		return;
	}
	s = json_string_value(v);
	len = json_string_length(v);
	if (len != f->max) {
		sd_errlist_add(c->errs, "%s: must be %llu hexadecimal characters, "
		    "not %zu", f->name, (unsigned long long)f->max, len);
		return;
	}
	for (i = 0; i < len; i++) {
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) {
			sd_errlist_add(c->errs, "%s: must contain only lower-case "
			    "hexadecimal characters (0-9, a-f)", f->name);
			return;
		}
	}
}

static void
check_code(struct vctx *c, const struct sd_field *f, const json_t *v)
{
	if (!json_is_string(v)) {
		sd_errlist_add(c->errs, "%s: must be a code written as text, "
		    "such as \"%s\"", f->name, f->codes[0].code);
		return;
	}
	if (code_index_n(f, json_string_value(v), json_string_length(v)) < 0)
		bad_code(c, f, json_string_value(v), json_string_length(v));
}

static void
check_codes(struct vctx *c, const struct sd_field *f, const json_t *v)
{
	uint64_t seen = 0;
	size_t i;

	if (!json_is_array(v)) {
		sd_errlist_add(c->errs, "%s: must be a list of codes, such as "
		    "[\"%s\"]", f->name, f->codes[0].code);
		return;
	}
	if (json_array_size(v) == 0) {
		sd_errlist_add(c->errs, "%s: choose at least one", f->name);
		return;
	}
	for (i = 0; i < json_array_size(v); i++) {
		const json_t *item = json_array_get(v, i);
		const char *s = NULL;
		size_t len;
		int idx;

		if (!json_is_string(item)) {
			sd_errlist_add(c->errs, "%s: item %zu must be a code written "
			    "as text", f->name, i + 1);
			continue;
		}
		s = json_string_value(item);
		len = json_string_length(item);
		idx = code_index_n(f, s, len);
		if (idx < 0) {
			bad_code(c, f, s, len);
		} else if (seen & (UINT64_C(1) << idx)) {
			char q[QUOTE_MAX + 4];

			sd_errlist_add(c->errs, "%s: '%s' is listed twice", f->name,
			    quote(q, s, len));
		} else {
			seen |= UINT64_C(1) << idx;
		}
	}
}

/* "YYYY-Qn" into year and quarter; 0 when the spelling is wrong. */
static int
parse_quarter(const char *s, size_t len, int *year, int *quarter)
{
	int i;

	if (len != 7 || s[4] != '-' || s[5] != 'Q' || s[6] < '1' || s[6] > '4')
		return 0;
	*year = 0;
	for (i = 0; i < 4; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		*year = *year * 10 + (s[i] - '0');
	}
	*quarter = s[6] - '0';
	return 1;
}

static void
check_quarter(struct vctx *c, const struct sd_field *f, const json_t *v)
{
	const char *s = NULL;
	int y = 0, q = 0;

	if (!json_is_string(v) ||
	    !parse_quarter(json_string_value(v), json_string_length(v), &y, &q)) {
		sd_errlist_add(c->errs, "%s: must be a quarter written YYYY-Qn with "
		    "n from 1 to 4, such as 2026-Q1", f->name);
		return;
	}
	s = json_string_value(v);
	if (y < 2000)
		sd_errlist_add(c->errs, "%s: %s is before 2000", f->name, s);
	else if (y > c->today_year || (y == c->today_year && q > c->today_quarter))
		sd_errlist_add(c->errs, "%s: %s is in the future", f->name, s);
}

static void
check_uint(struct vctx *c, const struct sd_field *f, const json_t *v)
{
	const char *unit = strcmp(f->name, "loss_eur") == 0 ? " of euros" : "";

	if (!json_is_integer(v) || json_integer_value(v) < 0) {
		sd_errlist_add(c->errs, "%s: must be a whole number%s, 0 or more",
		    f->name, unit);
		return;
	}
	if ((uint64_t)json_integer_value(v) > f->max)
		sd_errlist_add(c->errs, "%s: %lld is more than the limit of %llu",
		    f->name, (long long)json_integer_value(v),
		    (unsigned long long)f->max);
}

static void
check_bool(struct vctx *c, const struct sd_field *f, const json_t *v)
{
	if (!json_is_boolean(v))
		sd_errlist_add(c->errs, "%s: must be true or false", f->name);
}

static void
check_text(struct vctx *c, const struct sd_field *f, const json_t *v)
{
	long long n;

	if (!json_is_string(v)) {
		sd_errlist_add(c->errs, "%s: must be text", f->name);
		return;
	}
	n = utf8_count((const unsigned char *)json_string_value(v),
	    json_string_length(v));
	if (n < 0)
		sd_errlist_add(c->errs, "%s: is not valid UTF-8 text or contains "
		    "a NUL character", f->name);
	else if (n == 0 && f->required)
		sd_errlist_add(c->errs, "%s: must not be empty", f->name);
	else if ((uint64_t)n > f->max)
		sd_errlist_add(c->errs, "%s: has %lld characters, at most %llu are "
		    "allowed", f->name, n, (unsigned long long)f->max);
}

static void
check_key(struct vctx *c, const struct sd_field *f, const json_t *v)
{
	uint8_t k[33];
	size_t len = 0;

	if (!json_is_string(v) || sd_b64_decode(k, sizeof(k), &len,
	    json_string_value(v), json_string_length(v)) != SD_OK ||
	    len != f->max)
		sd_errlist_add(c->errs, "%s: must be the base64 of a %llu-byte "
		    "key", f->name, (unsigned long long)f->max);
}

static void
check_field(struct vctx *c, const struct sd_field *f, const json_t *v)
{
	switch (f->type) {
	case SD_FT_CONST: check_const(c, f, v); break;
	case SD_FT_HEX: check_hex(c, f, v); break;
	case SD_FT_CODE: check_code(c, f, v); break;
	case SD_FT_CODES: check_codes(c, f, v); break;
	case SD_FT_QUARTER: check_quarter(c, f, v); break;
	case SD_FT_UINT: check_uint(c, f, v); break;
	case SD_FT_BOOL: check_bool(c, f, v); break;
	case SD_FT_TEXT: check_text(c, f, v); break;
	case SD_FT_KEY: check_key(c, f, v); break;
	}
}

static void
check_unknown(struct vctx *c, enum sd_part part, const json_t *obj)
{
	/* jansson's iterator API takes a non-const object although walking
	 * it changes nothing; the integer round trip drops the qualifier
	 * without a cast-qual warning. */
	json_t *o = (json_t *)(uintptr_t)obj;
	const char *key = NULL;
	json_t *val = NULL;
	char q[QUOTE_MAX + 4];

	json_object_foreach(o, key, val) {
		if (part == SD_PART_DETAILS && strcmp(key, SD_DETAILS_MAILBOX) == 0)
			continue;
		if (sd_schema_field(part, key) == NULL)
			sd_errlist_add(c->errs, "%s: unknown field",
			    quote(q, key, strlen(key)));
	}
}

/* today's quarter, or 0 when today is not a valid date */
static int
today_quarter(const char *today, int *year, int *quarter)
{
	char buf[11];
	const char *t = today;

	if (t == NULL) {
		sd_today(buf);
		t = buf;
	}
	if (!sd_date_valid(t))
		return 0;
	*year = (t[0] - '0') * 1000 + (t[1] - '0') * 100 + (t[2] - '0') * 10 +
	    (t[3] - '0');
	*quarter = ((t[5] - '0') * 10 + (t[6] - '0') - 1) / 3 + 1;
	return 1;
}

/* the details section of a report sent without details: only the mailbox */
static int
mailbox_only(enum sd_part part, const json_t *obj)
{
	return part == SD_PART_DETAILS && json_object_size(obj) == 1 &&
	    json_object_get(obj, SD_DETAILS_MAILBOX) != NULL;
}

int
sd_schema_validate(enum sd_part part, const json_t *obj, const char *today,
    struct sd_errlist *errs)
{
	struct sd_errlist local;
	struct vctx c;
	const struct sd_field *fields = NULL;
	size_t n = 0, i;

	memset(&c, 0, sizeof(c));
	c.errs = errs != NULL ? errs : &local;
	c.errs->n = 0;
	fields = sd_schema_fields(part, &n);
	if (fields == NULL) {
		sd_errlist_add(c.errs, "report: unknown part of the report");
		goto done;
	}
	if (!today_quarter(today, &c.today_year, &c.today_quarter)) {
		/* without a valid today nothing can be judged as past */
		sd_errlist_add(c.errs, "discovered: cannot be checked because "
		    "today's date is not valid; set the clock or SEALDROP_TODAY");
		goto done;
	}
	if (!json_is_object(obj)) {
		sd_errlist_add(c.errs, "%s: must be a JSON object {...}",
		    part == SD_PART_STATS ? "report" : "details");
		goto done;
	}
	for (i = 0; i < n; i++) {
		const json_t *v = json_object_get(obj, fields[i].name);

		if (v == NULL) {
			if (fields[i].required && !mailbox_only(part, obj))
				sd_errlist_add(c.errs, "%s: required", fields[i].name);
			continue;
		}
		check_field(&c, &fields[i], v);
	}
	if (part == SD_PART_DETAILS &&
	    json_object_get(obj, SD_DETAILS_MAILBOX) != NULL)
		check_field(&c, &details_mailbox,
		    json_object_get(obj, SD_DETAILS_MAILBOX));
	check_unknown(&c, part, obj);
done:
	return (int)c.errs->n;
}

static int
field_index(const json_t *obj, const char *name)
{
	const json_t *v = json_object_get(obj, name);

	return code_index_n(sd_schema_field(SD_PART_STATS, name),
	    json_string_value(v), json_string_length(v));
}

static uint32_t
field_mask(const json_t *obj, const char *name)
{
	const struct sd_field *f = sd_schema_field(SD_PART_STATS, name);
	const json_t *arr = json_object_get(obj, name);
	uint32_t mask = 0;
	size_t i;

	for (i = 0; i < json_array_size(arr); i++) {
		const json_t *s = json_array_get(arr, i);
		int idx = code_index_n(f, json_string_value(s), json_string_length(s));

		if (idx >= 0)
			mask |= UINT32_C(1) << idx;
	}
	return mask;
}

static int64_t
field_uint(const json_t *obj, const char *name)
{
	const json_t *v = json_object_get(obj, name);

	return v != NULL ? (int64_t)json_integer_value(v) : -1;
}

static int
hex_field(const json_t *obj, const char *name, uint8_t *out, size_t cap)
{
	const json_t *v = json_object_get(obj, name);
	size_t got = 0;

	if (sd_hex_decode(out, cap, &got, json_string_value(v),
	    json_string_length(v)) != SD_OK || got != cap)
		return SD_E_FORMAT;
	return SD_OK;
}

/* obj has passed validation, so every lookup below finds what it needs. */
static int
fill_report(const json_t *obj, struct sd_report *r)
{
	int y = 0, q = 0;
	const json_t *d = json_object_get(obj, "discovered");

	if (hex_field(obj, "incident_ref", r->incident_ref,
	    sizeof(r->incident_ref)) != SD_OK)
		return SD_E_FORMAT;
	if (json_object_get(obj, "reporter") != NULL) {
		if (hex_field(obj, "reporter", r->reporter,
		    sizeof(r->reporter)) != SD_OK)
			return SD_E_FORMAT;
		r->has_reporter = 1;
	}
	r->member_state = (uint8_t)field_index(obj, "member_state");
	r->organisation = (uint8_t)field_index(obj, "organisation");
	r->sector = (uint8_t)field_index(obj, "sector");
	r->size_class = (uint8_t)field_index(obj, "size_class");
	r->actor = (uint8_t)field_index(obj, "actor");
	r->actor_origin = (uint8_t)field_index(obj, "actor_origin");
	r->reported_to_police =
	    json_is_true(json_object_get(obj, "reported_to_police")) ? 1 : 0;
	if (!parse_quarter(json_string_value(d), json_string_length(d), &y, &q))
		return SD_E_FORMAT;
	r->discovered_year = (uint16_t)y;
	r->discovered_quarter = (uint8_t)q;
	r->secret_types = field_mask(obj, "secret_types");
	r->attack_vectors = field_mask(obj, "attack_vectors");
	r->loss_eur = field_uint(obj, "loss_eur");
	r->jobs_at_risk = field_uint(obj, "jobs_at_risk");
	return SD_OK;
}

int
sd_report_parse(const char *json, size_t len, const char *today,
    struct sd_report *out, struct sd_errlist *errs)
{
	struct sd_errlist local;
	struct sd_errlist *e = errs != NULL ? errs : &local;
	struct sd_report r;
	json_error_t jerr;
	json_t *root = NULL;
	char why[sizeof(jerr.text)];
	int rc = SD_E_FORMAT;

	e->n = 0;
	memset(&r, 0, sizeof(r));
	if (out == NULL || json == NULL) {
		sd_errlist_add(e, "report: no input was given");
		rc = SD_E_INVAL;
		goto out;
	}
	if (len > SD_REPORT_JSON_MAX) {
		sd_errlist_add(e, "report: is %zu bytes, at most %d are allowed",
		    len, SD_REPORT_JSON_MAX);
		rc = SD_E_TOOBIG;
		goto out;
	}
	/* JSON text is UTF-8 (RFC 8259); name that cause, not jansson's */
	if (!sd_utf8_valid((const uint8_t *)json, len, NULL)) {
		sd_errlist_add(e, "report: is not UTF-8 text (the program that "
		    "sealed it wrote another encoding)");
		goto out;
	}
	root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		sd_errlist_add(e, "report: not valid JSON: %s (line %d, column %d)",
		    sanitise(why, sizeof(why), jerr.text, strlen(jerr.text)),
		    jerr.line, jerr.column);
		goto out;
	}
	if (sd_schema_validate(SD_PART_STATS, root, today, e) != 0)
		goto out;
	rc = fill_report(root, &r);
	if (rc != SD_OK)
		sd_errlist_add(e, "report: could not be converted");
out:
	/* the caller never sees a half-filled report */
	if (out != NULL) {
		if (rc == SD_OK)
			*out = r;
		else
			memset(out, 0, sizeof(*out));
	}
	json_decref(root);
	return rc;
}

int
sd_followup_stats_is(const char *json, size_t len)
{
	json_error_t jerr;
	json_t *root;
	int yes;

	if (json == NULL || len > SD_REPORT_JSON_MAX)
		return 0;
	root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
	yes = json_is_object(root) && json_object_size(root) == 1 &&
	    json_is_string(json_object_get(root, "schema")) &&
	    strcmp(json_string_value(json_object_get(root, "schema")),
	    SD_FOLLOWUP_SCHEMA_ID) == 0 &&
	    json_string_length(json_object_get(root, "schema")) ==
	    strlen(SD_FOLLOWUP_SCHEMA_ID);
	json_decref(root);
	return yes;
}

int
sd_followup_answer(const uint8_t mailbox_pk[32], const char *in_reply_to,
    const char *text, size_t len, json_t *stats, json_t *details,
    struct sd_errlist *errs)
{
	char pk64[SD_B64_LEN(32)];
	json_t *t = json_stringn(text, len);

	if (t == NULL)
		return SD_E_INVAL;
	if (sd_b64_encode(pk64, sizeof(pk64), mailbox_pk, 32) != SD_OK ||
	    json_object_set_new(stats, "schema",
	    json_string(SD_FOLLOWUP_SCHEMA_ID)) ||
	    json_object_set_new(details, "schema",
	    json_string(SD_FOLLOWUP_SCHEMA_ID)) ||
	    json_object_set_new(details, SD_DETAILS_MAILBOX, json_string(pk64)) ||
	    (in_reply_to != NULL && json_object_set_new(details, "in_reply_to",
	    json_string(in_reply_to))) ||
	    json_object_set_new(details, "text", t))
		return SD_E_NOMEM;
	if (sd_schema_validate(SD_PART_FOLLOWUP_STATS, stats, NULL, errs) == 0)
		sd_schema_validate(SD_PART_FOLLOWUP_DETAILS, details, NULL, errs);
	return errs->n == 0 ? SD_OK : SD_E_FORMAT;
}
