/* What the analyst tool does with an opened section, for the envelope
 * targets: the stats section through the schema into the compact report,
 * the details section through the schema, an attachment's header and
 * metadata. */
#ifndef SD_FUZZ_OPEN_H
#define SD_FUZZ_OPEN_H

#include <stddef.h>
#include <stdint.h>

#include "sd_envelope.h"

/* Open every section of v with the vector keys and check what opens. */
void fz_open_all(const struct sd_envelope_view *v);
/* The stats prefix as the analyst store keeps it, opened as decrypt.c
 * does (one reusable guarded buffer). */
void fz_open_stats_prefix(const uint8_t *env, size_t len);

#endif
