#!/bin/sh
# Envelope interoperability between the JavaScript sealer and the C opener.
#
# usage: sh tests/interop/run.sh BINARY_DIR SOURCE_DIR
#
# 1. installs libsodium-wrappers from package-lock.json when it is missing;
# 2. node interop.mjs checks the JS module against tests/vectors and seals
#    fresh envelopes;
# 3. sealdrop-analyst open reads those envelopes and must print the JS
#    plaintexts and save the attachments byte for byte.
# Ends with "interop: N passed, M failed"; exits non-zero on any failure.
set -u

if [ $# -ne 2 ]; then
	echo "usage: sh run.sh BINARY_DIR SOURCE_DIR" >&2
	exit 2
fi
BIN=$(cd "$1" && pwd) || exit 2
SRC=$(cd "$2" && pwd) || exit 2
HERE=$SRC/tests/interop
WORK=$BIN/tests/interop-js
ANALYST=$BIN/analyst/sealdrop-analyst
pass=0
fail=0

ok() { pass=$((pass + 1)); echo "ok - $1"; }
bad() { fail=$((fail + 1)); echo "not ok - $1"; }
finish() {
	echo "interop: $pass passed, $fail failed"
	[ "$fail" -eq 0 ] && exit 0
	exit 1
}

# --- node and libsodium-wrappers ------------------------------------------
if ! command -v node >/dev/null 2>&1; then
	bad "node is not installed: install nodejs and npm (apt-get install nodejs npm)"
	finish
fi
mkdir -p "$WORK" || exit 1
# npm keeps a cache and logs under HOME: never the user's real one (ctest
# gives a scratch HOME; by hand, one in the build tree), while the user's
# .npmrc is still read for the registry and proxy
case "$HOME" in
"$BIN"/*) ;;
*)
	[ -f "$HOME/.npmrc" ] && export npm_config_userconfig="${npm_config_userconfig:-$HOME/.npmrc}"
	export HOME="$WORK/home" XDG_CONFIG_HOME="$WORK/home/.config" \
	    XDG_CACHE_HOME="$WORK/home/.cache" XDG_DATA_HOME="$WORK/home/.local/share" \
	    XDG_STATE_HOME="$WORK/home/.local/state"
	mkdir -p "$HOME" || exit 1
	;;
esac
MODULES=$HERE/node_modules
if [ ! -f "$MODULES/libsodium-wrappers/package.json" ]; then
	# install into the build tree, from the lock file only
	MODULES=$WORK/npm/node_modules
	if ! cmp -s "$HERE/package-lock.json" "$WORK/npm/package-lock.json" ||
	    [ ! -f "$MODULES/libsodium-wrappers/package.json" ]; then
		if ! command -v npm >/dev/null 2>&1; then
			bad "npm is not installed and tests/interop/node_modules is missing: install nodejs and npm (apt-get install nodejs npm)"
			finish
		fi
		rm -rf "$WORK/npm"
		mkdir -p "$WORK/npm"
		cp "$HERE/package.json" "$HERE/package-lock.json" "$WORK/npm/" || exit 1
		if ! (cd "$WORK/npm" && npm ci --no-audit --no-fund >"$WORK/npm-ci.log" 2>&1); then
			cat "$WORK/npm-ci.log"
			bad "npm ci failed in $WORK/npm (see the log above); the npm registry must be reachable once"
			finish
		fi
	fi
fi

OUT=$(mktemp -d "$WORK/run.XXXXXX") || exit 1
trap 'rm -rf "$OUT"' EXIT

# --- the JavaScript side ----------------------------------------------------
SEALDROP_JS_MODULES=$MODULES node "$HERE/interop.mjs" "$SRC" "$OUT/js" >"$OUT/js.log" 2>&1
cat "$OUT/js.log"
line=$(grep -E '^js: [0-9]+ passed, [0-9]+ failed$' "$OUT/js.log" | tail -n 1)
if [ -z "$line" ]; then
	bad "interop.mjs did not finish (see its output above)"
else
	n=$(echo "$line" | sed -E 's/^js: ([0-9]+) passed.*/\1/')
	m=$(echo "$line" | sed -E 's/.* ([0-9]+) failed$/\1/')
	pass=$((pass + n))
	fail=$((fail + m))
fi

# --- the C side opens what JavaScript sealed ---------------------------------
if [ ! -x "$ANALYST" ]; then
	bad "$ANALYST is missing: build the sealdrop-analyst target first"
	finish
fi
J=$OUT/js
VEC=$SRC/tests/vectors
export SEALDROP_PASSPHRASE=vector

# c_open NAME KEY ENVELOPE [--save-dir DIR]: runs the C tool, output in $OUT/NAME.out
c_open() {
	name=$1 key=$2 envfile=$3
	shift 3
	if "$ANALYST" open --key "$VEC/vector-$key.key" "$@" "$envfile" >"$OUT/$name.out" 2>"$OUT/$name.err"; then
		return 0
	fi
	echo "# sealdrop-analyst open --key vector-$key.key $*: $(cat "$OUT/$name.err")"
	return 1
}
# has NAME FILE-WITH-EXPECTED-LINE: the C output contains that text
has() { [ -s "$2" ] && grep -qF -- "$(cat "$2")" "$OUT/$1.out"; }

if [ -f "$J/valid.receipt" ] && c_open valid stats "$VEC/valid.env" &&
    grep -qF "receipt $(cat "$J/valid.receipt")," "$OUT/valid.out"; then
	ok "C and JS compute the same receipt id for valid.env"
else
	bad "C and JS compute the same receipt id for valid.env"
fi

if [ -f "$J/js-random.env" ] && c_open stats stats "$J/js-random.env" &&
    has stats "$J/expect-stats.txt"; then
	ok "C opens the stats section of a JS envelope (random)"
else
	bad "C opens the stats section of a JS envelope (random)"
fi
if [ -s "$J/js-random.receipt" ] && [ -f "$OUT/stats.out" ] &&
    grep -qF "receipt $(cat "$J/js-random.receipt")," "$OUT/stats.out"; then
	ok "C and JS compute the same receipt id for a JS envelope"
else
	bad "C and JS compute the same receipt id for a JS envelope"
fi

mkdir -p "$OUT/save" "$OUT/save-big"
if [ -f "$J/js-random.env" ] &&
    c_open details details "$J/js-random.env" --save-dir "$OUT/save" &&
    has details "$J/expect-details.txt"; then
	ok "C opens the details section of a JS envelope (random)"
else
	bad "C opens the details section of a JS envelope (random)"
fi
if cmp -s "$OUT/save/2-evidence.bin" "$J/evidence.bin"; then
	ok "C saves the JS attachment byte for byte"
else
	bad "C saves the JS attachment byte for byte"
fi

if [ -f "$J/js-big.env" ] && c_open bigstats stats "$J/js-big.env" &&
    has bigstats "$J/expect-stats.txt" &&
    c_open big details "$J/js-big.env" --save-dir "$OUT/save-big" &&
    cmp -s "$OUT/save-big/2-big.bin" "$J/big.bin"; then
	ok "C opens a multi-chunk JS envelope sealed from an injected rng"
else
	bad "C opens a multi-chunk JS envelope sealed from an injected rng"
fi

# a follow-up answer sealed in JS: the analysts' tool opens it as an answer
if [ -f "$J/js-answer.env" ] && c_open answer details "$J/js-answer.env" &&
    has answer "$J/expect-answer.txt" && has answer "$J/expect-answer-mailbox.txt" &&
    grep -qF '"schema": "sealdrop.followup/1"' "$OUT/answer.out" &&
    c_open answerstats stats "$J/js-answer.env" &&
    grep -qF '"schema": "sealdrop.followup/1"' "$OUT/answerstats.out" &&
    ! grep -qF '"text"' "$OUT/answerstats.out"; then
	ok "C opens a follow-up answer sealed in JS"
else
	bad "C opens a follow-up answer sealed in JS"
	cat "$OUT/answer.out" "$OUT/answerstats.out" 2>/dev/null | head -20
fi

# the same harness must see a failure where there is one
if ! c_open damaged stats "$VEC/flip-stats-chunk.env" >/dev/null; then
	ok "C refuses flip-stats-chunk.env through this harness"
else
	bad "C refuses flip-stats-chunk.env through this harness"
fi

finish
