/* Secret key files (`--key K.key`): read by the analyst tool and by the
 * server (its receipt key) from files that may have been damaged or swapped.
 * Each input is tried twice: as the file itself, and as the binary payload
 * of a key file whose checksum this target computes, so that the checks
 * behind the checksum (KDF and AEAD tags, KDF bounds, the passphrase) are
 * reached too. KDF parameters within the bounds but costly are lowered to
 * the minimum there, so that one input takes microseconds, not seconds. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "sd_encode.h"
#include "sd_err.h"
#include "sd_le.h"

#define PASS "fuzz"
#define HDR 64
#define CHECK 32
#define PAYLOAD_MAX (HDR + 64 + 16 + CHECK)

static void
load(const char *path)
{
	sd_seckey *k = NULL;
	int rc = sd_seckey_load(path, PASS, strlen(PASS), &k);

	if (rc == SD_OK) {
		enum sd_role r = sd_seckey_role(k);
		if (r < SD_ROLE_STATS || r > SD_ROLE_RECEIPT)
			abort();
		sd_seckey_free(k);
	} else if (k != NULL)
		abort();
}

static void
as_payload(const uint8_t *data, size_t size)
{
	uint8_t p[PAYLOAD_MAX];
	char text[64 + SD_B64_LEN(PAYLOAD_MAX) + 2];
	uint64_t ops, mem;
	size_t n;
	int h;

	if (size < HDR + CHECK || size > sizeof(p))
		return;
	memcpy(p, data, size);
	ops = sd_get_u64(p + 8);
	mem = sd_get_u64(p + 16);
	if (ops > crypto_pwhash_OPSLIMIT_MIN && ops <= crypto_pwhash_OPSLIMIT_SENSITIVE)
		sd_put_u64(p + 8, crypto_pwhash_OPSLIMIT_MIN);
	if (mem > crypto_pwhash_MEMLIMIT_MIN &&
	    mem <= (uint64_t)crypto_pwhash_MEMLIMIT_SENSITIVE)
		sd_put_u64(p + 16, crypto_pwhash_MEMLIMIT_MIN);
	crypto_generichash(p + size - CHECK, CHECK, p, size - CHECK, NULL, 0);
	h = snprintf(text, sizeof(text), "untrusted comment: fuzz\n");
	n = (size_t)h;
	sd_b64_encode(text + n, sizeof(text) - n, p, size);
	n = strlen(text);
	text[n++] = '\n';
	load(fz_file("payload.key", text, n));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path;

	fz_init();
	if ((path = fz_file("input.key", data, size)) != NULL)
		load(path);
	as_payload(data, size);
	return 0;
}
