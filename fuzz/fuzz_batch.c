/* Export batches as `sealdrop-analyst ingest` opens them: an SQLite file
 * that comes from the online intake host, written to a scratch file and
 * ingested into a fresh analyst store in memory, with every check ingest
 * makes (SQLite defences, the shape of the tables, quick_check, the meta,
 * the chain, each envelope's structure and receipt). With an odd input
 * length the store first holds the seed batch corpus/batch/first.sqlite, so
 * that the checks of continuity with earlier batches are reached too.
 * Checks: a refused batch leaves nothing behind and says why; a batch taken
 * accounts for every one of its rows. */
#include <stdlib.h>
#include <string.h>

#include "astore.h"
#include "fuzz.h"
#include "ingest.h"
#include "sd_err.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ingest_result res;
	struct astore_tip before, after;
	astore *s = NULL;
	const char *path;
	int rc;

	fz_init();
	memset(&before, 0, sizeof(before));
	memset(&after, 0, sizeof(after));
	if (astore_open(":memory:", ASTORE_CREATE, &s) != SD_OK)
		abort();
	if (size % 2 == 1 && ingest_batch(s, fz_source("fuzz/corpus/batch/"
	    "first.sqlite"), &res) != SD_OK)
		abort();
	if (astore_tip(s, &before) != SD_OK ||
	    (path = fz_file("batch.sqlite", data, size)) == NULL)
		abort();
	rc = ingest_batch(s, path, &res);
	if (astore_tip(s, &after) != SD_OK)
		abort();
	if (rc == SD_OK) {
		if (res.added + res.skipped != res.rows || res.refused[0] != '\0')
			abort();
	} else if (res.refused[0] == '\0' || res.added != 0 ||
	    after.empty != before.empty || after.seq != before.seq ||
	    memcmp(after.chain, before.chain, sizeof(after.chain)) != 0)
		abort();
	astore_close(s);
	return 0;
}
