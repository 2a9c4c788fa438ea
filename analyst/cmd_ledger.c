/* sealdrop-analyst ledger: the releases recorded in the store, oldest
 * first, with what each covered. No key is needed: the ledger holds what
 * was published, never a hidden value. */
#include <stdio.h>
#include <string.h>

#include "args.h"
#include "astore.h"
#include "ledger.h"
#include "main.h"
#include "sd_err.h"

static void
usage(void)
{
	printf("usage: sealdrop-analyst ledger --store analyst.db [--cells]\n\n"
	    "Lists every release made from the store (each `table` or `report` "
	    "written\nwithout --no-ledger): its id, day, kind, period, the "
	    "number of reports it\ncovered, and its tables with how many cells "
	    "each published and withheld.\nWith --cells, every cell with its "
	    "status and published value.\n");
}

static void
counts(const struct ledger_table *t, size_t *pub, size_t *sup)
{
	size_t k;

	*pub = 0;
	*sup = 0;
	for (k = 0; k < t->ncell; k++) {
		char st = t->cell[k].status;
		if (st == 'F' || st == '-')
			(*pub)++;
		else
			(*sup)++;
	}
}

static void
print_release(const struct ledger_release *r, int cells)
{
	size_t i, k, pub, sup;

	printf("release %lld  %s  %s  period %s  %zu reports\n",
	    (long long)r->id, r->day, r->kind, r->period[0] ? r->period :
	    "all", seqset_count(&r->rec));
	for (i = 0; i < r->ntab; i++) {
		const struct ledger_table *t = &r->tab[i];
		counts(t, &pub, &sup);
		printf("  table %zu: %s (%s by %s%s%s%s%s) %zu published, %zu "
		    "withheld\n", i + 1, t->title, t->measure, t->rows,
		    t->cols[0] ? " x " : "", t->cols, t->filters[0] ? ", " : "",
		    t->filters, pub, sup);
		for (k = 0; cells && k < t->ncell; k++) {
			const struct ledger_cell *c = &t->cell[k];
			if (c->value >= 0)
				printf("    %u,%u %c %lld\n", c->row, c->col,
				    c->status, (long long)c->value);
			else
				printf("    %u,%u %c\n", c->row, c->col, c->status);
		}
	}
}

int
cmd_ledger(int argc, char **argv)
{
	const char *store = NULL;
	int cells = 0, rc, status = 1;
	struct args_opt opts[] = {
		{ "store", 1, &store, NULL, NULL, NULL, 0 },
		{ "cells", 0, NULL, &cells, NULL, NULL, 0 },
	};
	const char *pos[1];
	size_t n_pos = 0, n = 0, i;
	struct ledger_release *r = NULL;
	astore *s = NULL;

	if ((rc = args_parse(argc, argv, opts, sizeof(opts) / sizeof(opts[0]),
	    pos, 0, &n_pos)) == ARGS_HELP) {
		usage();
		return 0;
	}
	if (rc != SD_OK)
		return 1;
	if (store == NULL) {
		args_err(argv[0], "give --store; e.g. sealdrop-analyst ledger "
		    "--store analyst.db");
		return 1;
	}
	if ((rc = astore_open(store, ASTORE_READ, &s)) != SD_OK) {
		args_err(argv[0], "cannot open store %s: %s", store,
		    rc == SD_E_FORMAT ? "not an analyst store" :
		    "missing or unreadable");
		return 1;
	}
	if ((rc = ledger_load(s, &r, &n)) != SD_OK) {
		args_err(argv[0], "cannot read the ledger of %s: %s", store,
		    sd_strerror(rc));
		goto done;
	}
	if (n == 0)
		printf("no release has been made from %s yet\n", store);
	for (i = 0; i < n; i++)
		print_release(&r[i], cells);
	status = 0;
done:
	ledger_free(r, n);
	astore_close(s);
	return status;
}
