/* Regression driver: run the fuzzer on every file given, then on
 * deterministic mutations of each (bit flips, byte changes, cuts, splices),
 * so a short ctest run exercises the parser the way a fuzzer would. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "sd_file.h"
#include "sd_mem.h"

#define REPLAY_MAX (4 * 1024 * 1024)

static uint64_t rng = 0x9e3779b97f4a7c15u;

static uint64_t
next(void)
{
	/* xorshift64*: reproducible, which a test must be */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 2685821657736338717u;
}

static void
mutate_and_run(const uint8_t *in, size_t len, unsigned rounds)
{
	uint8_t *buf = malloc(len + 64);
	unsigned r, k;

	if (buf == NULL)
		return;
	for (r = 0; r < rounds; r++) {
		size_t n = len;
		memcpy(buf, in, len);
		for (k = 0; k < 1 + next() % 4 && n > 0; k++) {
			size_t pos = (size_t)(next() % n);
			switch (next() % 5) {
			case 0: buf[pos] ^= (uint8_t)(1u << (next() % 8)); break;
			case 1: buf[pos] = (uint8_t)next(); break;
			case 2: n = pos; break;                           /* cut */
			case 3: if (n + 8 <= len + 64) { memset(buf + n, (int)(next() & 0xff), 8); n += 8; } break;
			default: buf[pos] = (uint8_t)(buf[pos] + 1); break;
			}
		}
		LLVMFuzzerTestOneInput(buf, n);
	}
	free(buf);
}

static int
run_file(const char *path, unsigned rounds)
{
	uint8_t *data = NULL;
	size_t len = 0;

	if (sd_file_read(path, REPLAY_MAX, &data, &len) != 0) {
		fprintf(stderr, "replay: cannot read %s\n", path);
		return -1;
	}
	LLVMFuzzerTestOneInput(data, len);
	mutate_and_run(data, len, rounds);
	free(data);
	return 0;
}

int
main(int argc, char **argv)
{
	unsigned rounds = 2000, files = 0;
	int i;

	if (sd_crypto_init() != 0)
		return 1;
	for (i = 1; i < argc; i++) {
		if (strncmp(argv[i], "--rounds=", 9) == 0) {
			rounds = (unsigned)strtoul(argv[i] + 9, NULL, 10);
			continue;
		}
		if (run_file(argv[i], rounds) != 0)
			return 1;
		files++;
	}
	printf("replay: %u inputs, %u mutations each, no crash\n", files, rounds);
	return files ? 0 : 1;
}
