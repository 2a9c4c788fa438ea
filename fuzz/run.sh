#!/bin/sh
# Run one libFuzzer target:
#
#   fuzz/run.sh TARGET SECONDS [libFuzzer options...]
#   fuzz/run.sh --build            configure build-fuzz/ (CC=clang) and build all
#   fuzz/run.sh --check            exit 0 when clang can link libFuzzer here
#   fuzz/run.sh --list             the targets
#
# The build lives in build-fuzz/ (or $SD_FUZZ_BUILD), apart from the
# hardened and ASan builds. The run's corpus grows in
# build-fuzz/fuzz-work/TARGET/corpus, seeded from fuzz/corpus/TARGET (and
# the test vectors or templates some targets also start from); crashes and
# slow inputs are written to build-fuzz/fuzz-work/TARGET/. Copy a finding
# into fuzz/corpus/TARGET/ once it is fixed: ctest then replays it in every
# build.
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
build=${SD_FUZZ_BUILD:-$src/build-fuzz}
targets="envelope sealed channel seckey pubkey report form lang tmpl po config ack batch outbox message"

usage() {
	echo "usage: fuzz/run.sh TARGET SECONDS [libFuzzer options...]" >&2
	echo "       fuzz/run.sh --build | --check | --list" >&2
	echo "targets: $targets" >&2
	exit 2
}

check() {
	command -v clang >/dev/null 2>&1 || return 1
	t=$(mktemp -d)
	printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
	    'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);' \
	    'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }' \
	    >"$t/t.c"
	ok=0
	clang -fsanitize=fuzzer,address,undefined "$t/t.c" -o "$t/t" 2>/dev/null || ok=1
	rm -rf "$t"
	return $ok
}

build_all() {
	if ! check; then
		echo "fuzz/run.sh: clang with its libFuzzer runtime is missing;" \
		    "scripts/setup-deps.sh installs clang and libclang-rt-14-dev" >&2
		exit 1
	fi
	jobs=$(nproc 2>/dev/null || echo 2)
	CC=clang cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Debug \
	    -DSD_FUZZ=ON -DSD_FUZZ_SECONDS="${SD_FUZZ_SECONDS:-25}" >/dev/null
	cmake --build "$build" -j "$jobs" --target fuzz
}

# seeds besides fuzz/corpus/TARGET (kept in step with fuzz/CMakeLists.txt)
extra_seeds() {
	case "$1" in
	envelope) ls "$src"/tests/vectors/*.env ;;
	channel) ls "$src"/tests/vectors/channel*.json ;;
	pubkey) ls "$src"/tests/vectors/*.pub ;;
	tmpl) ls "$src"/templates/*.html ;;
	po) ls "$src"/templates/po/*.po ;;
	esac
}

case "${1:-}" in
--check) check; exit $? ;;
--list) echo "$targets"; exit 0 ;;
--build) build_all; exit 0 ;;
--no-build) nobuild=1; shift ;;
"") usage ;;
*) nobuild=0 ;;
esac
[ $# -ge 2 ] || usage
target=$1
seconds=$2
shift 2
case " $targets " in *" $target "*) ;; *) usage ;; esac
case "$seconds" in ''|*[!0-9]*) usage ;; esac

if [ "$nobuild" = 0 ]; then
	build_all >/dev/null
fi
bin="$build/fuzz/fuzz_$target"
[ -x "$bin" ] || { echo "fuzz/run.sh: $bin is not built; run fuzz/run.sh --build" >&2; exit 1; }

work="$build/fuzz-work/$target"
mkdir -p "$work/corpus"
for f in "$src/fuzz/corpus/$target"/* $(extra_seeds "$target"); do
	[ -f "$f" ] && cp -n "$f" "$work/corpus/" 2>/dev/null || true
done

# -close_fd_mask=3: the targets' own messages (refused configs, acks) are
# silenced; libFuzzer and the sanitizers keep reporting on a copy of stderr.
cd "$work"
exec "$bin" -max_total_time="$seconds" -timeout=25 -rss_limit_mb=2048 \
    -close_fd_mask=3 -print_final_stats=1 -artifact_prefix="$work/" \
    "$@" "$work/corpus"
