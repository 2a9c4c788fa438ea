/* Each fuzzer defines LLVMFuzzerTestOneInput; built with clang and
 * -fsanitize=fuzzer it is a libFuzzer target, otherwise replay.c drives it
 * over its corpus and over deterministic mutations of it. */
#ifndef SD_FUZZ_H
#define SD_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
