#!/bin/sh
# Set up and run every test: the hardened build, then the same tests built
# with ASan and UBSan, then each libFuzzer target for a bounded time
# (SD_FUZZ_SECONDS each, default 25, two at a time) when clang is there.
# Every test runs with a scratch HOME (see tests/ScratchHome.cmake); the run
# fails if anything under the real home's sealdrop directories was created
# or changed meanwhile.
set -eu
cd "$(dirname "$0")/.."
scripts/setup-deps.sh
jobs=$(nproc 2>/dev/null || echo 2)
guard=$(mktemp)
scripts/home-guard.sh snapshot "$guard"
check_home() {
	st=$?
	if ! scripts/home-guard.sh check "$guard"; then
		[ "$st" -ne 0 ] || st=1
	fi
	rm -f "$guard"
	exit "$st"
}
trap check_home EXIT
scripts/build.sh
(cd build && ctest --output-on-failure -j "$jobs")
scripts/build.sh asan
(cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	ctest --output-on-failure -j "$jobs")
if fuzz/run.sh --check; then
	fuzz/run.sh --build >/dev/null
	(cd build-fuzz && ctest --output-on-failure -j "$jobs" -L libfuzzer)
else
	echo "sealdrop: libFuzzer runs skipped: clang or its libFuzzer runtime" \
	    "is missing (scripts/setup-deps.sh installs them)" >&2
fi
