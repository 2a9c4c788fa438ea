/* Each fuzzer defines LLVMFuzzerTestOneInput; built with clang and
 * -fsanitize=fuzzer it is a libFuzzer target, otherwise replay.c drives it
 * over its corpus and over deterministic mutations of it. The functions below
 * (fuzz_util.c) are shared by the targets. */
#ifndef SD_FUZZ_H
#define SD_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "sd_channel.h"
#include "sd_keys.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The day every target takes as today, so that dates in inputs are judged
 * the same on every run. */
#define FZ_TODAY "2026-06-01"

/* The keys of tests/vectors: Ed25519 seed or X25519 secret key made of one
 * repeated byte. */
#define FZ_AUTHORITY_BYTE 0x01
#define FZ_RECEIPT_BYTE 0x02
#define FZ_STATS_BYTE 0x03
#define FZ_DETAILS_BYTE 0x04
#define FZ_ACK_BYTE 0x05

/* Once per process: libsodium, SEALDROP_TODAY, a private scratch directory
 * (removed at exit). Every function here calls it; targets may too. */
void fz_init(void);
/* path of a file of the source tree (static buffer, one per call site is
 * not kept: copy it if needed) */
const char *fz_source(const char *rel);
/* Write data to the scratch file called name (replacing it); returns its
 * path (static buffer) or NULL. */
const char *fz_file(const char *name, const void *data, size_t len);
/* path of name in the scratch directory (static buffer) */
const char *fz_path(const char *name);
/* A key of role made from a repeated byte; kept for the process. */
const sd_seckey *fz_key(enum sd_role role, uint8_t byte);
/* The channel of tests/vectors/channel.json (loaded once). */
const sd_channel *fz_vector_channel(void);
/* A NUL-terminated malloc'ed copy. */
char *fz_strdup(const uint8_t *data, size_t len);
/* Sign body as a signed document of format with k (keyfield names the key
 * member); malloc'ed text or NULL. */
char *fz_sign(const char *format, const char *keyfield, const sd_seckey *k,
    const uint8_t *body, size_t len, size_t *outlen);

#endif
