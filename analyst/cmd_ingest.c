/* sealdrop-analyst ingest: verify export batches and keep their envelopes,
 * still sealed, in the analyst store. */
#include <stdio.h>
#include <string.h>

#include "args.h"
#include "astore.h"
#include "ingest.h"
#include "main.h"
#include "sd_err.h"

#define INGEST_MAX_BATCHES 1024

static void
usage(void)
{
	printf("usage: sealdrop-analyst ingest --store analyst.db BATCH...\n\n"
	    "Verifies each export batch of the intake server (its chain of "
	    "hashes,\nits continuity with what was ingested before, the "
	    "structure and receipt\nof every envelope) and keeps the envelopes "
	    "sealed in the store. A batch\nis taken whole or refused whole; "
	    "envelopes already in the store are\nskipped. Give batches in the "
	    "order they were exported. Batches of\nseveral intake servers of "
	    "one channel may go into one store: each\nserver's chain is "
	    "followed by its store id, and an envelope sent to\nseveral is "
	    "kept once.\n\n"
	    "  --store FILE   the analyst store (created when missing)\n");
}

static void
print_result(const char *path, const struct ingest_result *r)
{
	if (r->new_chain && r->rows > 0)
		printf("%s: the first batch of intake store %s\n", path,
		    r->store_id[0] != '\0' ? r->store_id : "(no id)");
	if (r->rows == 0)
		printf("%s: empty batch, nothing to add\n", path);
	else
		printf("%s: seq %lld..%lld: %zu added, %zu skipped (already "
		    "ingested)\n", path, (long long)r->first_seq,
		    (long long)r->last_seq, r->added, r->skipped);
}

int
cmd_ingest(int argc, char **argv)
{
	const char *store = NULL, *pos[INGEST_MAX_BATCHES];
	struct args_opt opts[] = {
		{ "store", 1, &store, NULL, NULL, NULL, 0 },
	};
	struct ingest_result r;
	size_t n_pos = 0, i, added = 0, skipped = 0, refused = 0, rows = 0;
	astore *s = NULL;
	int rc, status = 1;

	rc = args_parse(argc, argv, opts, 1, pos, INGEST_MAX_BATCHES, &n_pos);
	if (rc == ARGS_HELP) {
		usage();
		return 0;
	}
	if (rc != SD_OK)
		return 1;
	if (store == NULL || n_pos == 0) {
		args_err(argv[0], "give --store FILE and at least one batch "
		    "file; e.g. sealdrop-analyst ingest --store analyst.db "
		    "batch.sqlite");
		return 1;
	}
	if ((rc = astore_open(store, ASTORE_CREATE, &s)) != SD_OK) {
		args_err(argv[0], "cannot open store %s: %s; give the path "
		    "of an analyst store or of a new file", store,
		    rc == SD_E_FORMAT ? "not an analyst store" :
		    astore_errmsg(s));
		goto done;
	}
	for (i = 0; i < n_pos; i++) {
		if (ingest_batch(s, pos[i], &r) != SD_OK) {
			args_err(argv[0], "%s refused, nothing stored from it: "
			    "%s", pos[i], r.refused);
			refused++;
			continue;
		}
		print_result(pos[i], &r);
		added += r.added;
		skipped += r.skipped;
		rows += r.rows;
	}
	printf("ingested %zu of %zu batches: %zu envelopes added, %zu "
	    "skipped; %zu batches refused\n", n_pos - refused, n_pos, added,
	    skipped, refused);
	status = refused ? 1 : 0;
done:
	astore_close(s);
	(void)rows;
	return status;
}
