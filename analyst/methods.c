#include "methods.h"

#include "sd_err.h"

int
methods_protection(sd_buf *b, const struct release *R)
{
	const struct sdc_audit_info *i = &R->L.info;
	int rc;

	if ((rc = sd_buf_adds(b, "<p><b>How reporters are protected.</b> No "
	    "published figure rests on too few reporters; several reports sent "
	    "under one organisation's pseudonym count as one reporter. Figures "
	    "of money and jobs are also withheld when a few reporters make up "
	    "so much of them that one reporter could estimate another's "
	    "figure closely. Further figures are withheld so that no withheld "
	    "figure can be worked out, exactly or closely, from what is "
	    "published. Before the figures were released, a check by linear "
	    "programming confirmed this against anyone who reads them and ")) !=
	    SD_OK)
		return rc;
	if (i->contributors > 0)
		rc = sd_buf_addf(b, "against each of the %zu reporters whose "
		    "figures are in withheld cells, each knowing its own figures "
		    "in every cell at once and subtracting them", i->contributors);
	else
		rc = sd_buf_adds(b, "against every single reporter, who knows "
		    "its own figures and subtracts them");
	if (rc != SD_OK)
		return rc;
	if (R->draft)
		rc = sd_buf_adds(b, ". This is a draft: it was not checked "
		    "against earlier releases and is not for release.");
	else if (R->L.nrel > 0)
		rc = sd_buf_addf(b, ", together with everything published in "
		    "the %zu earlier release%s (%zu table%s) that share reports or "
		    "periods with this one, so that comparing releases reveals "
		    "nothing either.", R->L.nrel, R->L.nrel == 1 ? "" : "s",
		    i->earlier_tables, i->earlier_tables == 1 ? "" : "s");
	else
		rc = sd_buf_adds(b, ". No earlier release shares reports or "
		    "periods with this one; later releases will be checked "
		    "together with it.");
	if (rc != SD_OK)
		return rc;
	if ((rc = sd_buf_addf(b, " The cells withheld in addition were chosen "
	    "by %s. Several reporters who pool their figures are not modelled, "
	    "as in the practice of statistical offices. The thresholds used are "
	    "not published.</p>\n", R->L.exact ? "an exact optimisation" :
	    "linear programming")) != SD_OK)
		return rc;
	if (R->dropped > 0)
		rc = sd_buf_addf(b, "<p class=\"note\">%zu table%s could not be "
		    "protected and %s withheld.</p>\n", R->dropped,
		    R->dropped == 1 ? "" : "s", R->dropped == 1 ? "is" : "are");
	return rc;
}
