#include "methods.h"

#include <stdio.h>

#include "sd_err.h"
#include "tr.h"

/* Whom the audit checked the release against. */
static int
attackers(sd_buf *b, const struct sdc_audit_info *i)
{
	char n[32];

	if (i->contributors == 0)
		return tr_put(b, N_("Before the figures were released, a check "
		    "by linear programming confirmed this against anyone who "
		    "reads them and against every single reporter, who knows "
		    "its own figures and subtracts them."));
	snprintf(n, sizeof(n), "%zu", i->contributors);
	/* TRANSLATORS: {n} is a number of reporters */
	return tr_fmt(b, N_("Before the figures were released, a check by "
	    "linear programming confirmed this against anyone who reads them "
	    "and against each reporter whose figures are in withheld cells, "
	    "each knowing its own figures in every cell at once and "
	    "subtracting them (reporters checked: {n})."), "n", n, NULL, NULL,
	    0);
}

/* What the release was checked together with. */
static int
earlier(sd_buf *b, const struct release *R)
{
	char n[32], m[32];

	if (R->draft)
		return tr_put(b, N_("This is a draft: it was not checked "
		    "against earlier releases and is not for release."));
	if (R->L.nrel == 0)
		return tr_put(b, N_("No earlier release shares reports or "
		    "periods with this one; later releases will be checked "
		    "together with it."));
	snprintf(n, sizeof(n), "%zu", R->L.nrel);
	snprintf(m, sizeof(m), "%zu", R->L.info.earlier_tables);
	/* TRANSLATORS: {n} is a number of releases, {m} of tables */
	return tr_fmt(b, N_("The check took in everything published in the "
	    "earlier releases that share reports or periods with this one, so "
	    "that comparing releases reveals nothing either (earlier releases: "
	    "{n}; their tables: {m})."), "n", n, "m", m, 0);
}

int
methods_protection(sd_buf *b, const struct release *R)
{
	char n[32];
	int rc;

	if ((rc = sd_buf_adds(b, "<p><b>")) != SD_OK ||
	    (rc = tr_put(b, N_("How reporters are protected."))) != SD_OK ||
	    (rc = sd_buf_adds(b, "</b> ")) != SD_OK ||
	    (rc = tr_put(b, N_("No published figure rests on too few "
	    "reporters; several reports sent under one organisation's "
	    "pseudonym count as one reporter. Figures of money and jobs are "
	    "also withheld when a few reporters make up so much of them that "
	    "one reporter could estimate another's figure closely. Further "
	    "figures are withheld so that no withheld figure can be worked "
	    "out, exactly or closely, from what is published."))) != SD_OK ||
	    (rc = sd_buf_adds(b, " ")) != SD_OK ||
	    (rc = attackers(b, &R->L.info)) != SD_OK ||
	    (rc = sd_buf_adds(b, " ")) != SD_OK ||
	    (rc = earlier(b, R)) != SD_OK ||
	    (rc = sd_buf_adds(b, " ")) != SD_OK ||
	    (rc = tr_put(b, R->L.exact ? N_("The cells withheld in addition "
	    "were chosen by an exact optimisation.") : N_("The cells withheld "
	    "in addition were chosen by linear programming."))) != SD_OK ||
	    (rc = sd_buf_adds(b, " ")) != SD_OK ||
	    (rc = tr_put(b, N_("Several reporters who pool their figures are "
	    "not modelled, as in the practice of statistical offices. The "
	    "thresholds used are not published."))) != SD_OK ||
	    (rc = sd_buf_adds(b, "</p>\n")) != SD_OK)
		return rc;
	if (R->dropped == 0)
		return SD_OK;
	snprintf(n, sizeof(n), "%zu", R->dropped);
	if ((rc = sd_buf_adds(b, "<p class=\"note\">")) != SD_OK ||
	    /* TRANSLATORS: {n} is a number of tables */
	    (rc = tr_fmt(b, N_("Tables that could not be protected and are "
	    "withheld: {n}."), "n", n, NULL, NULL, 0)) != SD_OK)
		return rc;
	return sd_buf_adds(b, "</p>\n");
}
