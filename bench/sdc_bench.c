/* Benchmark of secondary suppression (not a test): the size of a release
 * table, 27 Member States x 22 sectors, of a magnitude (loss), with many
 * cells held by a single reporter and a few organisations reporting in
 * many cells, through sdc_protect: the pattern and its audit against the
 * outsider and every single contributor. Prints the time of each table and
 * what the audit did.
 *
 *   bench_sdc [TABLES] [SINGLETON_PERCENT]     default: 5 60
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "sd_err.h"
#include "sdc.h"

static uint64_t rng_state = 0x5dc0;

static uint64_t
rng(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int64_t
loss(void)
{
	return (int64_t)(1000 + rng() % 2000000);
}

int
main(int argc, char **argv)
{
	long tables = argc > 1 ? strtol(argv[1], NULL, 10) : 5;
	long single = argc > 2 ? strtol(argv[2], NULL, 10) : 60;
	struct sdc_params p;
	long k;

	if (tables < 1 || tables > 1000 || single < 0 || single > 100) {
		fprintf(stderr, "usage: bench_sdc [TABLES 1..1000] "
		    "[SINGLETON_PERCENT 0..100]\n");
		return 1;
	}
	sdc_params_default(&p);
	printf("| table | cells with one reporter | suppressed | method | "
	    "reporters audited | requirements | LPs | time |\n"
	    "|---|---|---|---|---|---|---|---|\n");
	for (k = 0; k < tables; k++) {
		sdc_table *t = sdc_table_new(27, 22, 1, 1, SDC_MAGNITUDE);
		const struct sdc_audit_info *in;
		size_t r, c, lone = 0;
		uint32_t next = 100;
		double t0;
		int rc;

		if (t == NULL)
			return 1;
		for (r = 0; r < 27; r++) {
			for (c = 0; c < 22; c++) {
				unsigned n, i;
				if (rng() % 100 < 15)
					continue;       /* empty */
				if ((long)(rng() % 100) < single) {
					/* one reporter: a single report, or
					 * one of 6 organisations */
					if (rng() % 3 == 0)
						sdc_add(t, r, c, (uint32_t)(rng() %
						    6), loss());
					else
						sdc_add_single(t, r, c, loss());
					lone++;
					continue;
				}
				n = 2 + (unsigned)(rng() % 8);
				for (i = 0; i < n; i++) {
					if (rng() % 4 == 0)
						sdc_add(t, r, c, (uint32_t)(rng() %
						    6), loss());
					else if (rng() % 2)
						sdc_add(t, r, c, next++, loss());
					else
						sdc_add_single(t, r, c, loss());
				}
			}
		}
		t0 = now();
		rc = sdc_protect(t, &p);
		in = sdc_info(t);
		printf("| %ld | %zu | %zu | %s | %zu | %zu | %zu | %.2f s%s |\n",
		    k + 1, lone, sdc_suppressed_count(t), sdc_method(t),
		    in->contributors, in->requirements, in->lps, now() - t0,
		    rc == SD_OK ? "" : " (refused)");
		fflush(stdout);
		sdc_table_free(t);
	}
	return 0;
}
