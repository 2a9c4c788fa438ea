/* seal_bench: the C sealer on the same work as the browser benchmark
 * (bench/browser_seal.mjs): a small stats section, a small details section
 * and one attachment of SIZE bytes, sealed to a channel; prints the median
 * of ROUNDS runs in milliseconds. Never a test.
 *
 *   seal_bench CHANNEL.json AUTHORITY.pub [SIZE] [ROUNDS] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "sd_channel.h"
#include "sd_envelope.h"
#include "sd_err.h"
#include "sd_keys.h"
#include "sd_mem.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	static const char stats[] = "{\"schema\":\"sealdrop.report/1\"}";
	static const char details[] = "{\"narrative\":\"benchmark\"}";
	uint8_t pk[SD_PK_BYTES];
	enum sd_role role = SD_ROLE_NONE;
	sd_channel *ch = NULL;
	struct sd_section_in sec[3];
	uint8_t *file = NULL, *env = NULL;
	size_t size = argc > 3 ? strtoul(argv[3], NULL, 10) : 10u << 20;
	int rounds = argc > 4 ? (int)strtol(argv[4], NULL, 10) : 5, i;
	double t[64], t0;
	size_t len = 0;

	if (argc < 3 || rounds < 1 || rounds > 64 || size == 0) {
		fprintf(stderr, "usage: seal_bench CHANNEL.json AUTHORITY.pub "
		    "[SIZE] [ROUNDS]\n");
		return 2;
	}
	if (sd_crypto_init() != SD_OK ||
	    sd_pubkey_load(argv[2], &role, pk) != SD_OK ||
	    sd_channel_load_file(argv[1], pk, NULL, &ch) != SD_OK) {
		fprintf(stderr, "seal_bench: cannot load the channel\n");
		return 1;
	}
	if ((file = malloc(4 + size)) == NULL)
		return 1;
	randombytes_buf(file, 4 + size);
	/* meta_len 2, meta "{}": what the attachment plaintext looks like */
	memcpy(file, "\x02\x00\x00\x00{}", 6);
	sec[0] = (struct sd_section_in){ SD_SEC_STATS, (const uint8_t *)stats,
	    sizeof(stats) - 1 };
	sec[1] = (struct sd_section_in){ SD_SEC_DETAILS,
	    (const uint8_t *)details, sizeof(details) - 1 };
	sec[2] = (struct sd_section_in){ SD_SEC_ATTACHMENT, file, 4 + size };
	for (i = 0; i < rounds; i++) {
		t0 = now_ms();
		if (sd_envelope_seal(ch, sec, 3, &env, &len) != SD_OK)
			return 1;
		t[i] = now_ms() - t0;
		free(env);
	}
	qsort(t, (size_t)rounds, sizeof(t[0]), cmp);
	printf("c_seal_ms %.1f (median of %d, %zu-byte attachment, %zu-byte "
	    "envelope)\n", t[rounds / 2], rounds, size, len);
	free(file);
	sd_channel_free(ch);
	return 0;
}
