#!/bin/sh
# Build into build/ (hardened, optimised); with "asan", into build-asan/
# with AddressSanitizer and UBSan.
set -eu
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)
if [ "${1:-}" = asan ]; then
	cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DSD_SANITIZE=ON >/dev/null
	cmake --build build-asan -j "$jobs"
else
	cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build build -j "$jobs"
fi
