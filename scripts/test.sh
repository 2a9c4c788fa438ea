#!/bin/sh
# Set up and run every test: the hardened build, then the same tests built
# with ASan and UBSan.
set -eu
cd "$(dirname "$0")/.."
scripts/setup-deps.sh
jobs=$(nproc 2>/dev/null || echo 2)
scripts/build.sh
(cd build && ctest --output-on-failure -j "$jobs")
scripts/build.sh asan
(cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	ctest --output-on-failure -j "$jobs")
